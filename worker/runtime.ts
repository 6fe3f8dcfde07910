/**
 * The Temporal Core runtime for this process: SDK logs go through our pino logger, and the worker's
 * own metrics (task latencies, slots, polls) are exposed for Prometheus. Must run before the first
 * NativeConnection is made.
 */
import { DefaultLogger, type LogLevel, Runtime } from '@temporalio/worker';
import type { Logger } from '../config/logger';

const levels: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
};

export function installRuntime(log: Logger, metricsBindAddress?: string): void {
  const sdkLog = log.child({ component: 'temporal-sdk' });
  Runtime.install({
    logger: new DefaultLogger('INFO', (entry) =>
      sdkLog[levels[entry.level]](entry.meta ?? {}, entry.message),
    ),
    telemetryOptions: metricsBindAddress
      ? { metrics: { prometheus: { bindAddress: metricsBindAddress } } }
      : {},
  });
}
