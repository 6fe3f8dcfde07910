/**
 * Abuse limits with express-rate-limit, answering 429 with `Retry-After` (seconds) and the
 * `RateLimit` headers of the IETF draft:
 *  - per address, before authentication: every request (RATE_LIMIT_PER_ADDRESS a minute);
 *  - failed sign-ins per address: a wrong API key or token (401 to a request that carried
 *    credentials) is counted; after RATE_LIMIT_AUTH_FAILURES in 15 minutes that address gets 429,
 *    also with a good key, until the window passes (guessing keys or tokens stops there);
 *  - the browser sign-in routes (/auth/*) per address: RATE_LIMIT_SIGN_IN in 15 minutes (one
 *    office behind one address signs in many people at 9:00: keep it well above their number);
 *  - per API key / token, after authentication (RATE_LIMIT_PER_KEY a minute);
 *  - stricter per key on routes marked `rateLimit: 'heavy'` in the route table: lists, figures and
 *    exports (RATE_LIMIT_LISTS a minute).
 * Counters live in each API process's memory: with N API processes behind a load balancer the
 * effective limits are N times higher (a shared store, e.g. Redis, is a drop-in option of the
 * library). Behind a reverse proxy on the same host, the client address is taken from
 * X-Forwarded-For (app `trust proxy` = loopback).
 */
import { createHash } from 'node:crypto';
import type { Request, RequestHandler, Router } from 'express';
import { rateLimit, type Options } from 'express-rate-limit';
import type { Config } from '../../config/config';
import type { RouteDef } from './route';

export type RateLimitConfig = Pick<
  Config,
  | 'RATE_LIMIT_PER_KEY'
  | 'RATE_LIMIT_PER_ADDRESS'
  | 'RATE_LIMIT_LISTS'
  | 'RATE_LIMIT_AUTH_FAILURES'
  | 'RATE_LIMIT_SIGN_IN'
>;

export interface RateLimits {
  perAddress: RequestHandler;
  authFailures: RequestHandler;
  perKey: RequestHandler;
  heavy: RequestHandler;
  /** Per address on the sign-in routes (/auth/*). */
  signIn: RequestHandler;
}

const MINUTE = 60_000;

const hasCredentials = (req: Request): boolean => Boolean(req.get('authorization') || req.get('x-api-key'));

/**
 * One counter per API key (its hash, never the key) or, for an OIDC token, per user: a refreshed
 * token is the same caller.
 */
function callerKey(req: Request): string {
  const principal = req.principal!;
  if (principal.via !== 'api-key') return `${principal.via}:${principal.userId}`;
  const credential = (req.get('x-api-key') ?? req.get('authorization') ?? '')
    .replace(/^Bearer\s+/i, '')
    .trim();
  return `key:${createHash('sha256').update(credential).digest('hex').slice(0, 32)}`;
}

function limiter(options: Partial<Options>): RequestHandler {
  return rateLimit({
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    handler: (_req, res, _next, opts) => {
      const retryAfter = res.getHeader('Retry-After');
      res.status(opts.statusCode).json({
        error: 'RATE_LIMITED',
        message: `Te veel verzoeken. Probeer het over ${String(retryAfter ?? 60)} seconden opnieuw.`,
      });
    },
    ...options,
  });
}

export function createRateLimits(config: RateLimitConfig): RateLimits {
  // Requests without a principal are counted per address only.
  const anonymous = (req: Request) => !req.principal;
  return {
    perAddress: limiter({
      identifier: 'per-address',
      windowMs: MINUTE,
      limit: config.RATE_LIMIT_PER_ADDRESS,
    }),
    authFailures: limiter({
      identifier: 'sign-in-failures',
      windowMs: 15 * MINUTE,
      limit: config.RATE_LIMIT_AUTH_FAILURES,
      skipSuccessfulRequests: true,
      // Only a rejected credential counts; a request without credentials is not a sign-in attempt.
      requestWasSuccessful: (req, res) => !(res.statusCode === 401 && hasCredentials(req)),
    }),
    signIn: limiter({
      identifier: 'sign-in',
      windowMs: 15 * MINUTE,
      limit: config.RATE_LIMIT_SIGN_IN,
    }),
    perKey: limiter({
      identifier: 'per-key',
      windowMs: MINUTE,
      limit: config.RATE_LIMIT_PER_KEY,
      skip: anonymous,
      keyGenerator: callerKey,
    }),
    heavy: limiter({
      identifier: 'lists-and-exports',
      windowMs: MINUTE,
      limit: config.RATE_LIMIT_LISTS,
      skip: anonymous,
      keyGenerator: callerKey,
    }),
  };
}

/** Puts the stricter limit in front of the routes marked `heavy` (before their handlers). */
export function mountRateLimits(router: Router, routes: readonly RouteDef[], limits: RateLimits): void {
  for (const def of routes) if (def.rateLimit === 'heavy') router[def.method](def.path, limits.heavy);
}
