/**
 * Prometheus metrics for the HTTP API. A registry per app (not prom-client's global one), so tests
 * that build several apps in one process do not collide on metric names.
 */
import type { RequestHandler } from 'express';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

export interface ApiMetrics {
  registry: Registry;
  middleware: RequestHandler;
}

/**
 * The trajectory starts of application/trajectory-starts.ts: how many wait in the database (all
 * processes together; above 0 for long means Temporal cannot be reached) and this process's
 * starts and failed tries. Read at scrape time.
 */
export function observeTrajectoryStarts(
  registry: Registry,
  starts: { counts: { started: number; failed: number } },
  pendingCount: () => Promise<number>,
): void {
  let last = 0;
  new Gauge({
    name: 'inburgering_trajectory_starts_pending',
    help: 'Trajectories registered whose workflow start has not reached Temporal yet (all processes)',
    registers: [registry],
    async collect() {
      // A database that does not answer keeps the last value instead of failing the whole scrape.
      last = await pendingCount().catch(() => last);
      this.set(last);
    },
  });
  new Gauge({
    name: 'inburgering_trajectory_start_attempts',
    help: 'Trajectory starts tried by this process since it started, by result',
    labelNames: ['result'] as const,
    registers: [registry],
    collect() {
      this.set({ result: 'started' }, starts.counts.started);
      this.set({ result: 'failed' }, starts.counts.failed);
    },
  });
}

export function createApiMetrics(options: { defaultMetrics?: boolean } = {}): ApiMetrics {
  const registry = new Registry();
  if (options.defaultMetrics) collectDefaultMetrics({ register: registry });
  const requests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests by method, route template and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request latency by method and route template',
    labelNames: ['method', 'route'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });

  const middleware: RequestHandler = (req, res, next) => {
    const end = duration.startTimer();
    res.on('finish', () => {
      // The route template, never the URL: ids in labels would grow the series without bound.
      const route = req.route?.path ? `${req.baseUrl}${String(req.route.path)}` : 'unmatched';
      end({ method: req.method, route });
      requests.inc({ method: req.method, route, status: String(res.statusCode) });
    });
    next();
  };
  return { registry, middleware };
}
