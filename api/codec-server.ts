/**
 * Temporal's remote codec protocol, for the Temporal Web UI (and the `temporal` CLI): the UI sends
 * the encrypted payloads of a workflow's history to POST /codec/decode as
 * `{ payloads: [{ metadata: { key: base64 }, data: base64 }] }` and shows what comes back; POST
 * /codec/encode does the reverse (a signal or start typed in the UI). So a manager reads a
 * workflow's state in the UI while Temporal only ever stores ciphertext.
 *
 * Who may: the principal that the app's authentication resolves (an API key or an OIDC bearer
 * token, `Authorization: ...`, or the browser session of a signed-in manager when the request
 * comes from the UI's origin: `codecSessionPrincipal`), with role manager. Everyone else gets 401/403 and the payloads stay encrypted. CORS lets only the
 * Web UI's origin (TEMPORAL_UI_URL) call it from a browser, with credentials. Every decode is an
 * audit event (who, how many payloads).
 *
 * Point the UI at it: the dev server started by `npm start` gets `--ui-codec-endpoint`
 * (PUBLIC_URL or http://HOST:PORT + /codec); a Web UI server of a cluster takes
 * TEMPORAL_CODEC_ENDPOINT; the CLI `--codec-endpoint .../codec --codec-auth "Bearer <key>"`.
 */
import cors from 'cors';
import express, { type RequestHandler, type Router } from 'express';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { z } from 'zod';
import type { Role } from './auth/principal';
import { toPrincipal } from './auth/session';
import { forbidden, HttpError, unauthorized } from './http/errors';
import { parseOrThrow } from './http/validation';
import type { AuditLog } from '../application/ports';

/** The roles that may see decrypted payloads. */
export const CODEC_ROLES: readonly Role[] = ['manager'];

const base64 = z.string().regex(/^[A-Za-z0-9+/_-]*={0,2}$/, 'expected base64');
const payloadsSchema = z.object({
  payloads: z
    .array(z.object({ metadata: z.record(z.string(), base64).nullish(), data: base64.nullish() }))
    .max(10_000),
});
type JsonPayload = z.infer<typeof payloadsSchema>['payloads'][number];

const fromJson = ({ metadata, data }: JsonPayload): Payload => ({
  metadata: Object.fromEntries(Object.entries(metadata ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
  data: data ? Buffer.from(data, 'base64') : undefined,
});

const toJson = ({ metadata, data }: Payload) => ({
  metadata: Object.fromEntries(
    Object.entries(metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')]),
  ),
  data: data ? Buffer.from(data).toString('base64') : undefined,
});

export interface CodecRouterOptions {
  codec: PayloadCodec;
  /** Origin of the Temporal Web UI (from TEMPORAL_UI_URL): the only one CORS lets in. */
  uiOrigin: string;
  /** Resolve `req.principal` from the request's credentials (the app's authentication middleware). */
  authenticate: RequestHandler[];
  /** Limits applied once the caller is known (per key). */
  limits: RequestHandler[];
  audit: AuditLog;
  /** Largest request body (a page of history can hold many payloads). */
  bodyLimit?: string;
}

/**
 * A signed-in browser session (api/auth/session.ts) counts for the codec when the request comes
 * from the Web UI's own origin (the UI sends the cookie with "include credentials"; the session
 * cookie is SameSite=Lax, so only same-site pages can). No CSRF token: the UI cannot send one, and
 * a decode changes nothing; CORS keeps any other origin from reading the answer.
 */
export const codecSessionPrincipal =
  (uiOrigin: string): RequestHandler =>
  (req, _res, next) => {
    const user = req.session?.user;
    if (!req.principal && user && req.get('origin') === uiOrigin) req.principal = toPrincipal(user);
    next();
  };

/** Refuses callers without a principal (401) or without one of `roles` (403). */
export const requireRole =
  (roles: readonly Role[]): RequestHandler =>
  (req, _res, next) => {
    if (!req.principal) next(unauthorized());
    else if (!roles.includes(req.principal.role))
      next(forbidden('only managers may decode Temporal payloads'));
    else next();
  };

export function createCodecRouter(options: CodecRouterOptions): Router {
  const router = express.Router();
  router.use(
    cors({
      origin: [options.uiOrigin],
      methods: ['POST'],
      allowedHeaders: ['content-type', 'x-namespace', 'authorization', 'x-api-key'],
      credentials: true,
      maxAge: 600,
    }),
  );
  router.use(express.json({ limit: options.bodyLimit ?? '8mb' }));
  router.use(...options.authenticate, requireRole(CODEC_ROLES), ...options.limits);

  const codecRoute =
    (direction: 'decode' | 'encode'): RequestHandler =>
    async (req, res, next) => {
      try {
        const { payloads } = parseOrThrow(payloadsSchema, req.body ?? {}, 'body');
        let result: Payload[];
        try {
          result = await options.codec[direction](payloads.map(fromJson));
        } catch (err) {
          throw new HttpError(422, 'CODEC_ERROR', `cannot ${direction}: ${(err as Error).message}`);
        }
        if (direction === 'decode') {
          await options.audit.record({
            actorId: req.principal!.userId,
            actorRole: req.principal!.role,
            action: 'TEMPORAL_PAYLOADS_DECODED',
            details: { payloads: payloads.length, namespace: req.get('x-namespace') ?? null },
          });
        }
        res.json({ payloads: result.map(toJson) });
      } catch (err) {
        next(err);
      }
    };
  router.post('/decode', codecRoute('decode'));
  router.post('/encode', codecRoute('encode'));
  return router;
}
