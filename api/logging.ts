/**
 * Request logging with pino-http on the app's logger (config/logger.ts, whose redact paths cover
 * personal fields and credential headers). The request serializer below keeps only method, path
 * and user agent, so neither credentials nor query strings nor bodies reach a log line at all; the
 * token of a personal link (/mijn/<token>) is replaced by `[token]`.
 */
import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';

/** The personal page's token is a key: its path is logged without it. */
export const redactPath = (path: string): string => path.replace(/^\/mijn\/[^/]+/, '/mijn/[token]');

export function createHttpLogger(log: Logger): RequestHandler {
  return pinoHttp({
    logger: log,
    genReqId: (req, res) => {
      const id = (req.headers['x-request-id'] as string | undefined) ?? randomUUID();
      res.setHeader('X-Request-Id', id);
      return id;
    },
    // Query strings may carry filters only, but keep logs to method + path so nothing slips in.
    serializers: {
      req: (req: { id: unknown; method: string; url: string; headers: Record<string, unknown> }) => ({
        id: req.id,
        method: req.method,
        path: redactPath(String(req.url).split('?')[0]!),
        // Credentials headers are left out altogether (the redact paths are a second line of defence).
        userAgent: req.headers['user-agent'],
      }),
      // The status is what matters; the response headers (CSP and friends) only add noise.
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
    // 503 is the intake's backpressure answer (application/admission.ts): expected under load, a
    // warning, not an error that pages someone.
    customLogLevel: (_req, res, err) =>
      res.statusCode === 503
        ? 'warn'
        : err || res.statusCode >= 500
          ? 'error'
          : res.statusCode >= 400
            ? 'warn'
            : 'info',
    customProps: (req) => (req.principal ? { userId: req.principal.userId, role: req.principal.role } : {}),
  }) as RequestHandler;
}
