/**
 * Loaded by path (`failureConverterPath`) because it runs inside the workflow sandbox too, and so
 * must also be bundled with the workflow code. Failure messages and stack traces are plain text in
 * Temporal's history by default (an activity error can quote an address); with
 * `encodeCommonAttributes` they move into a payload, which the payload codec encrypts.
 */
import { DefaultFailureConverter } from '@temporalio/common';

export const failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
