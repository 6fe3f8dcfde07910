/**
 * Browser sessions for the web pages (/werk, /beheer): after sign-in (OpenID Connect, or the
 * development sign-in) the server keeps who is signed in; the browser holds only a random session
 * id in an httpOnly, SameSite=Lax cookie. SameSite=Lax, not Strict: the identity provider sends the
 * browser back to /auth/callback with a cross-site redirect, and a Strict cookie would not come
 * along, so the sign-in could not be matched to its state and PKCE verifier.
 *
 *  - express-session, rolling: every request moves the expiry, so the session ends after
 *    SESSION_IDLE_MINUTES without a request (cookie max-age and the stored row both).
 *  - The sessions live in the app's own database (table WebSession), so they survive an API
 *    restart and are shared by several API processes.
 *  - CSRF: a state-changing request (POST, PUT, DELETE) that is authenticated by the session
 *    cookie must carry the session's token (csrf-sync, synchroniser token pattern) in the
 *    `X-CSRF-Token` header (pages) or a `_csrf` form field; without it: 403 `CSRF_TOKEN_INVALID`.
 *    API keys and bearer tokens are not sent by the browser on its own, so they need no token.
 *  - The principal of a session request is `{ userId, role, partnerId, via: 'session' }`, exactly
 *    what an API key or bearer token gives, so every route's role and caseload checks apply as is.
 */
import { hkdfSync } from 'node:crypto';
import type { RequestHandler } from 'express';
import session, { Store, type SessionData } from 'express-session';
import { csrfSync } from 'csrf-sync';
import type { Config } from '../../config/config';
import type { Db } from '../../prisma/db';
import { HttpError } from '../http/errors';
import type { Principal, Role } from './principal';

export const SESSION_COOKIE = 'inburgering.sid';
export const CSRF_HEADER = 'x-csrf-token';

/** Who is signed in: ids and role for the checks, the display name for the page header. */
export interface SessionUser {
  userId: string;
  role: Role;
  partnerId: string | null;
  name: string;
  /** How they signed in: the identity provider, or the development sign-in. */
  method: 'oidc' | 'dev';
}

/** The OpenID Connect transaction between /auth/login and /auth/callback. */
export interface OidcTransaction {
  state: string;
  nonce: string;
  codeVerifier: string;
  returnTo: string;
}

declare module 'express-session' {
  interface SessionData {
    user?: SessionUser;
    oidc?: OidcTransaction;
  }
}

/**
 * express-session's Store on the WebSession table. The one Prisma store on npm logs session ids
 * and drops concurrent writes of one session (the page sends parallel requests), so this is ours;
 * it is small because express-session does the rest.
 */
export class DbSessionStore extends Store {
  constructor(private readonly db: Db) {
    super();
  }

  override get(sid: string, callback: (err: unknown, session?: SessionData | null) => void): void {
    this.db.webSession
      .findUnique({ where: { sid } })
      .then((row) =>
        callback(null, row && row.expiresAt > new Date() ? (JSON.parse(row.data) as SessionData) : null),
      )
      .catch((err: unknown) => callback(err));
  }

  override set(sid: string, data: SessionData, callback?: (err?: unknown) => void): void {
    const expiresAt = expiryOf(data);
    const json = JSON.stringify(data);
    this.db.webSession
      .upsert({ where: { sid }, create: { sid, data: json, expiresAt }, update: { data: json, expiresAt } })
      .then(() => callback?.())
      .catch((err: unknown) => callback?.(err));
  }

  override touch(sid: string, data: SessionData, callback?: () => void): void {
    this.db.webSession
      .updateMany({ where: { sid }, data: { expiresAt: expiryOf(data) } })
      .then(() => callback?.())
      .catch(() => callback?.());
  }

  override destroy(sid: string, callback?: (err?: unknown) => void): void {
    this.db.webSession
      .deleteMany({ where: { sid } })
      .then(() => callback?.())
      .catch((err: unknown) => callback?.(err));
  }

  /** Removes sessions that expired (called at each sign-in, so the table stays small). */
  async prune(): Promise<number> {
    return (await this.db.webSession.deleteMany({ where: { expiresAt: { lt: new Date() } } })).count;
  }
}

const expiryOf = (data: SessionData): Date =>
  data.cookie?.expires ? new Date(data.cookie.expires) : new Date(Date.now() + 30 * 60_000);

/** The cookie signing secret: SESSION_SECRET, else derived from PAYLOAD_KEY for this one purpose. */
export function sessionSecret(config: Config): string {
  if (config.SESSION_SECRET) return config.SESSION_SECRET;
  const key = Buffer.from(config.PAYLOAD_KEY, 'base64');
  return Buffer.from(hkdfSync('sha256', key, 'inburgering-regie', 'web-session-cookie', 32)).toString(
    'base64url',
  );
}

export interface WebSessions {
  store: DbSessionStore;
  /** express-session itself: before authentication, so the session is loaded for every request. */
  session: RequestHandler;
  /** After authentication: a session user becomes the principal (when no key or token was sent). */
  principal: RequestHandler;
  /** The session's CSRF token (created on first use). */
  csrfToken(req: Parameters<RequestHandler>[0]): string;
  /** Throws 403 unless the request carries the session's CSRF token. */
  assertCsrf(req: Parameters<RequestHandler>[0]): void;
}

export function createWebSessions({ db, config }: { db: Db; config: Config }): WebSessions {
  const store = new DbSessionStore(db);
  const https = config.PUBLIC_URL?.startsWith('https://') ?? false;
  const middleware = session({
    name: SESSION_COOKIE,
    secret: sessionSecret(config),
    store,
    resave: false,
    saveUninitialized: false,
    rolling: true,
    proxy: https,
    cookie: {
      httpOnly: true,
      sameSite: 'lax',
      secure: https,
      path: '/',
      maxAge: Math.round(config.SESSION_IDLE_MINUTES * 60_000),
    },
  });
  const csrf = csrfSync({
    getTokenFromRequest: (req) => {
      const header = req.headers[CSRF_HEADER];
      if (typeof header === 'string') return header;
      const field = (req.body as { _csrf?: unknown } | undefined)?._csrf;
      return typeof field === 'string' ? field : undefined;
    },
  });
  const assertCsrf = (req: Parameters<RequestHandler>[0]): void => {
    if (!csrf.isRequestValid(req))
      throw new HttpError(
        403,
        'CSRF_TOKEN_INVALID',
        'missing or wrong CSRF token: reload the page and try again',
      );
  };

  const principal: RequestHandler = (req, _res, next) => {
    const user = req.session?.user;
    if (req.principal || !user) return next();
    req.principal = toPrincipal(user);
    // The sign-in routes (/auth/*) parse their form bodies and check the token themselves.
    if (['POST', 'PUT', 'PATCH', 'DELETE'].includes(req.method) && !req.path.startsWith('/auth/')) {
      try {
        assertCsrf(req);
      } catch (err) {
        return next(err);
      }
    }
    next();
  };

  return {
    store,
    session: middleware,
    principal,
    csrfToken: (req) => csrf.generateToken(req),
    assertCsrf,
  };
}

export const toPrincipal = (user: SessionUser): Principal => ({
  userId: user.userId,
  role: user.role,
  partnerId: user.partnerId,
  via: 'session',
});

/** Promise versions of express-session's callbacks. */
export const regenerateSession = (req: Parameters<RequestHandler>[0]): Promise<void> =>
  new Promise((resolve, reject) => req.session.regenerate((err) => (err ? reject(err) : resolve())));
export const saveSession = (req: Parameters<RequestHandler>[0]): Promise<void> =>
  new Promise((resolve, reject) => req.session.save((err) => (err ? reject(err) : resolve())));
export const destroySession = (req: Parameters<RequestHandler>[0]): Promise<void> =>
  new Promise((resolve, reject) => req.session.destroy((err) => (err ? reject(err) : resolve())));
