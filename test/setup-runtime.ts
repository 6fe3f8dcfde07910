/**
 * Per test file: the Temporal SDK logs only warnings and errors (its INFO lines about worker state
 * would drown jest's output). TEMPORAL_TEST_LOG_LEVEL=DEBUG brings them back when debugging.
 */
import { DefaultLogger, type LogLevel, Runtime } from '@temporalio/worker';

Runtime.install({ logger: new DefaultLogger((process.env.TEMPORAL_TEST_LOG_LEVEL ?? 'WARN') as LogLevel) });
