/**
 * Errors the API answers with, and the one error middleware that turns every thrown error into a
 * JSON answer. Route handlers throw; they never write error responses themselves, so the shape of
 * an error answer is decided here only.
 */
import type { ErrorRequestHandler } from 'express';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure, WorkflowNotFoundError } from '@temporalio/common';
import type { Logger } from 'pino';
import { IntakeBusyError } from '../../application/admission';
import {
  AccessDeniedError,
  InvalidInputError,
  NotFoundError,
  RefusedError,
  type FieldIssue,
} from '../../application/errors';
import { ACCESS_DENIED, INVALID_INPUT, isRefusalCode } from '../../domain/refusals';

export type ValidationIssue = FieldIssue;

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Extra response headers (e.g. Retry-After). */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }

  toBody(): Record<string, unknown> {
    return { error: this.code, message: this.message };
  }
}

export class ValidationError extends HttpError {
  constructor(readonly issues: ValidationIssue[]) {
    super(400, 'VALIDATION', issues.map((i) => `${i.field}: ${i.reason}`).join('; '));
  }

  override toBody(): Record<string, unknown> {
    return { error: this.code, issues: this.issues };
  }
}

export const notFound = (what: string): HttpError => new HttpError(404, 'NOT_FOUND', `${what} not found`);
export const unauthorized = (message = 'authentication required'): HttpError =>
  new HttpError(401, 'UNAUTHORIZED', message);
export const forbidden = (message = 'not allowed for this role'): HttpError =>
  new HttpError(403, 'FORBIDDEN', message);

/**
 * The contract: a workflow validator refuses with an `ApplicationFailure` whose `type` is the rule
 * code (domain/refusals.ts) and whose message is the Dutch explanation. Temporal wraps it in a
 * WorkflowUpdateFailedError; the code is read from the type, never parsed out of the text.
 * INVALID_INPUT (the workflow's own schema check) is a 400 with its field issues; ACCESS_DENIED (the
 * acting user may not act on this trajectory, domain/access.ts) a 403, as the API's own refusal.
 */
export function ruleRefusal(err: unknown): HttpError | undefined {
  if (!(err instanceof WorkflowUpdateFailedError)) return undefined;
  const cause = err.cause;
  if (cause instanceof ApplicationFailure && isRefusalCode(cause.type)) {
    if (cause.type === INVALID_INPUT) {
      const details = cause.details?.[0] as { issues?: ValidationIssue[] } | undefined;
      return new ValidationError(details?.issues ?? [{ field: 'body', reason: cause.message }]);
    }
    if (cause.type === ACCESS_DENIED) return forbidden(cause.message);
    return new HttpError(409, cause.type, cause.message);
  }
  // A refusal without a known code is still a refusal of this request, not a server fault.
  return new HttpError(409, 'UPDATE_REJECTED', cause?.message ?? err.message);
}

/** Maps anything thrown to an HttpError; unknown errors become 500 without leaking internals. */
export function toHttpError(err: unknown): HttpError {
  if (err instanceof HttpError) return err;
  // The application services' reasons (application/errors.ts).
  if (err instanceof InvalidInputError) return new ValidationError(err.issues);
  if (err instanceof NotFoundError) return notFound(err.what);
  if (err instanceof AccessDeniedError) return forbidden(err.message);
  if (err instanceof RefusedError) return new HttpError(409, err.code, err.message);
  // Backpressure: the service is busy, not the caller's fault or quota, hence 503 (not 429).
  if (err instanceof IntakeBusyError)
    return new HttpError(503, err.code, err.message, { 'Retry-After': String(err.retryAfterSeconds) });
  const refusal = ruleRefusal(err);
  if (refusal) return refusal;
  if (err instanceof WorkflowNotFoundError) return notFound('trajectory');
  // body-parser marks its own errors with a status (malformed JSON, too large, wrong charset).
  const e = err as { type?: string; status?: number; message?: string };
  if (e && e.type === 'entity.parse.failed') {
    return new ValidationError([{ field: 'body', reason: 'malformed JSON' }]);
  }
  if (e && typeof e.status === 'number' && e.status >= 400 && e.status < 500) {
    return new HttpError(e.status, 'BAD_REQUEST', e.message ?? 'bad request');
  }
  return new HttpError(500, 'INTERNAL', 'internal error');
}

export function errorMiddleware(log: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const httpError = toHttpError(err);
    // A busy intake (503, backpressure) is an expected answer; pino-http notes it as a warning.
    if (httpError.status >= 500 && httpError.status !== 503) {
      // The error object may carry personal data from a query result; log its type and message
      // through pino (whose redact paths apply), never the request body.
      log.error({ err, method: req.method, route: req.route?.path }, 'request failed');
    }
    res.status(httpError.status).set(httpError.headers).json(httpError.toBody());
  };
}
