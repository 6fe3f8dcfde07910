/**
 * The route table mechanism. Every endpoint is one `defineRoute({...})` object holding its method,
 * path, allowed roles, zod schemas and handler. `mountRoutes` turns the table into express routes
 * with the same middleware chain for all (authorize → validate → idempotency → handler → answer),
 * and `api/openapi.ts` turns the same table into the OpenAPI document, so the documentation cannot
 * drift from what is enforced.
 *
 * Handlers return `{ status, body }` instead of writing to `res`: that is what lets the
 * idempotency layer store the first answer and replay it.
 */
import { createHash } from 'node:crypto';
import {
  Router as expressRouter,
  type Request,
  type RequestHandler,
  type Response,
  type Router,
} from 'express';
import type { z } from 'zod';
import { canonicalJson } from '../../application/parse';
import type { Principal, Role } from '../auth/principal';
import { forbidden, HttpError, toHttpError, unauthorized, ValidationError } from './errors';
import { parseOrThrow } from './validation';
import type { AppDeps } from '../deps';

export type Method = 'get' | 'post' | 'put' | 'delete';

export interface RouteResult {
  status?: number;
  body: unknown;
  /** Default application/json. Non-JSON bodies must be strings. */
  contentType?: string;
  headers?: Record<string, string>;
}

export interface RouteContext<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  /** Always set on routes that are not public. */
  principal: Principal;
  deps: AppDeps;
  req: Request;
  /** The client's Idempotency-Key on a write (an action hands it to Temporal as the update id). */
  idempotencyKey: string | undefined;
}

export interface ResponseDoc {
  description: string;
  /** The body; an error answer (4xx/5xx) without one is documented as `{ error, message }`. */
  schema?: z.ZodType;
  contentType?: string;
  /** For an error answer: the values `error` can take (documented as an enum). */
  codes?: readonly string[];
  /** Response headers, by name: what each says (documented as an integer when `integer`). */
  headers?: Record<string, { description: string; integer?: boolean }>;
}

/** An extra documented operation served by the same handler (e.g. one per coach action). */
export interface DocVariant {
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  body?: z.ZodType;
}

type AnyZod = z.ZodType;
type Out<S> = S extends z.ZodType ? z.output<S> : undefined;

export interface RouteDef<
  PS extends AnyZod | undefined = AnyZod | undefined,
  QS extends AnyZod | undefined = AnyZod | undefined,
  BS extends AnyZod | undefined = AnyZod | undefined,
> {
  method: Method;
  /** Express path, e.g. `/api/inburgeraars/:id`. */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tag: string;
  roles: readonly Role[] | 'public';
  params?: PS;
  query?: QS;
  body?: BS;
  responses: Record<number, ResponseDoc>;
  /** Documented instead of the generic entry (the route stays one handler). */
  docVariants?: DocVariant[];
  /** `heavy`: lists, figures and exports get the stricter per-key limit (api/http/rate-limit.ts). */
  rateLimit?: 'heavy';
  handler: (ctx: RouteContext<Out<PS>, Out<QS>, Out<BS>>) => Promise<RouteResult>;
}

/** Identity function that keeps the schema types, so handlers get typed params/query/body. */
export function defineRoute<
  PS extends AnyZod | undefined = undefined,
  QS extends AnyZod | undefined = undefined,
  BS extends AnyZod | undefined = undefined,
>(def: RouteDef<PS, QS, BS>): RouteDef {
  return def as unknown as RouteDef;
}

const WRITE_METHODS = new Set<Method>(['post', 'put', 'delete']);
export const IDEMPOTENCY_HEADER = 'idempotency-key';

/** Stable hash of what makes two requests "the same" for idempotency: route, params and body. */
export function requestFingerprint(method: string, path: string, body: unknown): string {
  return createHash('sha256')
    .update(`${method.toUpperCase()} ${path}\n${canonicalJson(body)}`)
    .digest('hex');
}

function send(res: Response, result: RouteResult): void {
  res.status(result.status ?? 200);
  for (const [k, v] of Object.entries(result.headers ?? {})) res.setHeader(k, v);
  if (result.contentType && !result.contentType.startsWith('application/json')) {
    res.type(result.contentType).send(result.body);
  } else {
    res.json(result.body);
  }
}

function authorize(def: RouteDef, req: Request, deps: AppDeps): Principal | undefined {
  if (def.roles === 'public') return req.principal;
  const principal = req.principal;
  if (!principal) {
    deps.log.warn(
      { event: 'auth.denied', status: 401, method: req.method, route: def.path },
      'no credentials',
    );
    throw unauthorized();
  }
  if (!def.roles.includes(principal.role)) throw forbidden();
  return principal;
}

/**
 * Every 403, whether the role table or a per-person rule (not this coach's caseload) refused it, is
 * logged here with ids and role only: the principal holds no personal data by design.
 */
function logForbidden(err: unknown, def: RouteDef, req: Request, deps: AppDeps): void {
  const httpError = toHttpError(err);
  if (httpError.status !== 403) return;
  deps.log.warn(
    {
      event: 'auth.denied',
      status: 403,
      method: req.method,
      route: def.path,
      userId: req.principal?.userId,
      role: req.principal?.role,
      reason: httpError.message,
    },
    'forbidden',
  );
}

function toHandler(def: RouteDef, deps: AppDeps): RequestHandler {
  return async (req, res, next) => {
    try {
      const principal = authorize(def, req, deps);
      const params = def.params ? parseOrThrow(def.params, req.params, 'params') : undefined;
      const query = def.query ? parseOrThrow(def.query, req.query, 'query') : undefined;
      const body = def.body ? parseOrThrow(def.body, req.body ?? {}, 'body') : undefined;
      const key = WRITE_METHODS.has(def.method) ? req.get(IDEMPOTENCY_HEADER) : undefined;
      if (key !== undefined && key.length > 200)
        throw new ValidationError([{ field: 'Idempotency-Key', reason: 'at most 200 characters' }]);
      const ctx: RouteContext<unknown, unknown, unknown> = {
        params,
        query,
        body,
        principal: principal!,
        deps,
        req,
        idempotencyKey: key,
      };

      if (!key || !principal) {
        send(res, await def.handler(ctx));
        return;
      }
      send(res, await runIdempotent(def, ctx, principal, key, req));
    } catch (err) {
      logForbidden(err, def, req, deps);
      next(err);
    }
  };
}

/**
 * A retried write (same user + Idempotency-Key) gets the stored first answer and runs nothing
 * again; the same key with another request is a client bug (422). Answers to requests the server
 * refused (4xx) are stored too, so a retry cannot turn a refusal into a success later; server
 * failures (5xx) release the key so the client may retry.
 */
async function runIdempotent(
  def: RouteDef,
  ctx: RouteContext<unknown, unknown, unknown>,
  principal: Principal,
  key: string,
  req: Request,
): Promise<RouteResult> {
  const store = ctx.deps.idempotency;
  const fingerprint = requestFingerprint(def.method, req.path, req.body ?? {});
  const begun = await store.begin(principal.userId, key, fingerprint, { method: req.method, path: req.path });
  if (begun.state !== 'new') {
    if (begun.fingerprint !== fingerprint) {
      throw new HttpError(
        422,
        'IDEMPOTENCY_KEY_REUSED',
        'this Idempotency-Key was used for a different request',
      );
    }
    if (begun.state === 'pending') {
      throw new HttpError(
        409,
        'IDEMPOTENCY_IN_PROGRESS',
        'a request with this Idempotency-Key is still being processed',
      );
    }
    return { status: begun.status, body: begun.body, headers: { 'Idempotent-Replayed': 'true' } };
  }
  let result: RouteResult;
  try {
    result = await def.handler(ctx);
  } catch (err) {
    const httpError = toHttpError(err);
    if (httpError.status >= 500) {
      await store.release(principal.userId, key);
    } else {
      await store.complete(principal.userId, key, httpError.status, httpError.toBody());
    }
    throw httpError;
  }
  await store.complete(principal.userId, key, result.status ?? 200, result.body);
  return result;
}

export function mountRoutes(router: Router, routes: readonly RouteDef[], deps: AppDeps): void {
  for (const def of routes) router[def.method](def.path, toHandler(def, deps));
}

/**
 * 405 for a method no route serves on a known path, with the `Allow` header listing those that do
 * (HEAD with GET); OPTIONS answers 204 with the same header. Mounted after every route, so only
 * requests no route took reach it. `extra` adds paths served outside the table (the document).
 */
export function methodNotAllowed(
  routes: readonly RouteDef[],
  extra: Record<string, readonly Method[]> = {},
): Router {
  const allowed = new Map<string, Set<string>>();
  const add = (path: string, method: string) => {
    const set = allowed.get(path) ?? new Set<string>();
    set.add(method.toUpperCase());
    if (method === 'get') set.add('HEAD');
    allowed.set(path, set);
  };
  for (const def of routes) {
    add(def.path, def.method);
    for (const v of def.docVariants ?? []) add(v.path, def.method);
  }
  for (const [path, methods] of Object.entries(extra)) for (const m of methods) add(path, m);
  const ORDER = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS'];
  const router = expressRouter();
  for (const [path, methods] of allowed) {
    const allow = ORDER.filter((m) => methods.has(m) || m === 'OPTIONS').join(', ');
    router.all(path, (req, res, next) => {
      res.setHeader('Allow', allow);
      if (req.method === 'OPTIONS') {
        res.status(204).end();
        return;
      }
      next(new HttpError(405, 'METHOD_NOT_ALLOWED', `${req.method} is not allowed here; allowed: ${allow}`));
    });
  }
  return router;
}
