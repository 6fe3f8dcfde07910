/**
 * Signing in to the web pages.
 *
 *  - **OpenID Connect** (when OIDC_ISSUER and OIDC_CLIENT_ID are set): authorization code flow with
 *    PKCE (S256), `state` and `nonce`, through openid-client 5 (the CommonJS line: version 6 is
 *    ESM-only and does not load in jest's CommonJS runtime). `GET /auth/login` keeps the
 *    transaction in the (pre-sign-in) session and sends the browser to the identity provider;
 *    `GET /auth/callback` checks state, exchanges the code with the verifier, validates the ID
 *    token (signature, issuer, audience, nonce), and maps its claims to a role exactly as bearer
 *    tokens are mapped (`principalFromClaims`, OIDC_ROLE_CLAIM). A user the service does not know
 *    yet is created with the token's `sub` as id, so coach assignments and sign-ins name the same
 *    user; a deactivated user is refused.
 *  - **Development sign-in** (`POST /auth/dev`, pick a coach or manager): only when no identity
 *    provider is configured and NODE_ENV is not production, so `npm start` works on a laptop
 *    without one. With NODE_ENV=production it answers 403 and the page does not offer it.
 *
 * Both regenerate the session id at sign-in (no session fixation). `POST /auth/afmelden` ends the
 * session (CSRF-checked, so another site cannot sign you out).
 */
import express, { type Request, type Response, type Router } from 'express';
import { generators, Issuer, type BaseClient } from 'openid-client';
import type { Logger } from 'pino';
import type { Config } from '../../config/config';
import { HttpError } from '../http/errors';
import type { AuditLog } from '../../application/ports';
import type { UserStore, UserView } from '../store/users';
import { escapeHtml, renderShell } from '../web/html';
import { principalFromClaims } from './oidc';
import type { Role } from './principal';
import {
  destroySession,
  regenerateSession,
  saveSession,
  SESSION_COOKIE,
  type SessionUser,
  type WebSessions,
} from './session';

export const SIGN_IN_PATH = '/aanmelden';
/** Roles that have a page: the coach's workspace and the managers' page. */
const PAGE_ROLES: readonly Role[] = ['coach', 'manager'];
const USER_ID = /^[A-Za-z0-9._:-]{1,100}$/;

export const oidcSignInEnabled = (config: Config): boolean =>
  Boolean(config.OIDC_ISSUER && config.OIDC_CLIENT_ID);
export const devSignInEnabled = (config: Config): boolean =>
  config.NODE_ENV !== 'production' && !oidcSignInEnabled(config);

/** Where a user goes after sign-in when no page was asked for. */
export const homeOf = (role: Role): string => (role === 'manager' ? '/beheer' : '/werk');

/** Only paths on this site: never `//other.example` or an absolute URL (open redirect). */
export function safeReturnPath(value: unknown): string | undefined {
  if (typeof value !== 'string' || !value.startsWith('/') || value.startsWith('//') || value.includes('\\'))
    return undefined;
  return value.length <= 500 ? value : undefined;
}

export interface SignInOptions {
  config: Config;
  users: UserStore;
  audit: AuditLog;
  sessions: WebSessions;
  log: Logger;
}

export function createSignInRouter({ config, users, audit, sessions, log }: SignInOptions): Router {
  const router = express.Router();
  const form = express.urlencoded({ extended: false, limit: '8kb' });
  const redirectUri =
    config.OIDC_REDIRECT_URL ??
    `${config.PUBLIC_URL ?? `http://${config.HOST}:${config.PORT}`}`.replace(/\/$/, '') + '/auth/callback';

  let client: Promise<BaseClient> | undefined;
  const oidcClient = (): Promise<BaseClient> => {
    client ??= Issuer.discover(config.OIDC_ISSUER!).then(
      (issuer) =>
        new issuer.Client({
          client_id: config.OIDC_CLIENT_ID!,
          ...(config.OIDC_CLIENT_SECRET ? { client_secret: config.OIDC_CLIENT_SECRET } : {}),
          redirect_uris: [redirectUri],
          response_types: ['code'],
          token_endpoint_auth_method: config.OIDC_CLIENT_SECRET ? 'client_secret_basic' : 'none',
        }),
    );
    // A failed discovery must not stick: the next sign-in tries again.
    client.catch(() => (client = undefined));
    return client;
  };

  const page = (res: Response, status: number, title: string, main: string) =>
    res.status(status).set('Cache-Control', 'no-store').type('html').send(renderShell({ title, main }));

  router.get(SIGN_IN_PATH, async (req, res, next) => {
    try {
      const returnTo = safeReturnPath(req.query.terug);
      const notices: string[] = [];
      if (req.query.verlopen !== undefined)
        notices.push('Uw sessie is verlopen omdat u een tijd niets heeft gedaan. Meld u opnieuw aan.');
      if (req.query.afgemeld !== undefined) notices.push('U bent afgemeld.');
      const parts = [
        `<h1>Aanmelden</h1>`,
        ...notices.map((n) => `<p class="notice" role="status">${escapeHtml(n)}</p>`),
      ];
      if (oidcSignInEnabled(config)) {
        const href = `/auth/login${returnTo ? `?terug=${encodeURIComponent(returnTo)}` : ''}`;
        parts.push(
          `<section class="card" aria-labelledby="idp-titel"><h2 id="idp-titel">Met uw gemeente-account</h2>
           <p>U meldt zich aan bij de gemeente. Daarna komt u terug op deze site.</p>
           <p><a class="button" href="${escapeHtml(href)}">Aanmelden met uw gemeente-account</a></p></section>`,
        );
      }
      if (devSignInEnabled(config)) {
        const active = (await users.listUsers()).filter((u) => u.active && PAGE_ROLES.includes(u.role));
        const options = active
          .map(
            (u) =>
              `<option value="${escapeHtml(u.id)}">${escapeHtml(u.name)} (${u.role === 'coach' ? 'klantmanager' : 'manager'})</option>`,
          )
          .join('');
        parts.push(
          `<section class="card" aria-labelledby="dev-titel"><h2 id="dev-titel">Aanmelden zonder gemeente-account</h2>
           <p>Er is geen inlogdienst ingesteld. Kies wie u bent. Dit kan alleen op een test- of ontwikkelcomputer.</p>
           ${
             active.length === 0
               ? '<p>Er zijn nog geen klantmanagers of managers. Maak ze aan met de API (zie de README).</p>'
               : `<form method="post" action="/auth/dev" class="stack">
             <input type="hidden" name="_csrf" value="${escapeHtml(sessions.csrfToken(req))}" />
             ${returnTo ? `<input type="hidden" name="terug" value="${escapeHtml(returnTo)}" />` : ''}
             <div class="field"><label for="dev-gebruiker">Gebruiker</label>
             <select id="dev-gebruiker" name="userId" required>${options}</select></div>
             <p><button type="submit">Aanmelden</button></p></form>`
           }</section>`,
        );
      }
      if (!oidcSignInEnabled(config) && !devSignInEnabled(config))
        parts.push(
          '<p>Aanmelden in de browser is niet ingesteld (OIDC_ISSUER en OIDC_CLIENT_ID). Systemen gebruiken een API-sleutel.</p>',
        );
      if (req.session.csrfToken) await saveSession(req);
      page(res, 200, 'Aanmelden', parts.join('\n'));
    } catch (err) {
      next(err);
    }
  });

  router.get('/auth/login', async (req, res, next) => {
    try {
      if (!oidcSignInEnabled(config)) return res.redirect(303, SIGN_IN_PATH);
      let oidc: BaseClient;
      try {
        oidc = await oidcClient();
      } catch (err) {
        log.warn({ event: 'signin.discovery_failed', err: (err as Error).message }, 'OIDC discovery failed');
        return page(
          res,
          503,
          'Aanmelden lukt nu niet',
          '<h1>Aanmelden lukt nu niet</h1><p>De inlogdienst van de gemeente is niet bereikbaar. Probeer het over een paar minuten opnieuw.</p>',
        );
      }
      const codeVerifier = generators.codeVerifier();
      const transaction = {
        state: generators.state(),
        nonce: generators.nonce(),
        codeVerifier,
        returnTo: safeReturnPath(req.query.terug) ?? '',
      };
      req.session.oidc = transaction;
      await saveSession(req);
      res.redirect(
        303,
        oidc.authorizationUrl({
          scope: config.OIDC_SCOPES,
          response_type: 'code',
          code_challenge: generators.codeChallenge(codeVerifier),
          code_challenge_method: 'S256',
          state: transaction.state,
          nonce: transaction.nonce,
        }),
      );
    } catch (err) {
      next(err);
    }
  });

  router.get('/auth/callback', async (req, res, next) => {
    const refused = (reason: string, status = 400) => {
      log.warn({ event: 'signin.refused', reason }, 'sign-in refused');
      page(
        res,
        status,
        'Aanmelden niet gelukt',
        `<h1>Aanmelden niet gelukt</h1><p>${escapeHtml(reason)}</p><p><a href="${SIGN_IN_PATH}">Opnieuw aanmelden</a></p>`,
      );
    };
    try {
      const transaction = req.session.oidc;
      if (!oidcSignInEnabled(config) || !transaction)
        return refused('Deze aanmelding is niet (meer) geldig. Begin opnieuw.');
      const oidc = await oidcClient();
      let claims: Record<string, unknown>;
      try {
        const tokens = await oidc.callback(redirectUri, oidc.callbackParams(req), {
          state: transaction.state,
          nonce: transaction.nonce,
          code_verifier: transaction.codeVerifier,
        });
        claims = tokens.claims() as Record<string, unknown>;
        if (claimMissing(claims, config.OIDC_ROLE_CLAIM) && tokens.access_token)
          claims = { ...(await oidc.userinfo(tokens)), ...claims };
      } catch (err) {
        return refused(`De inlogdienst gaf geen geldige aanmelding terug (${(err as Error).message}).`);
      }
      let principal;
      try {
        principal = principalFromClaims(claims, { roleClaim: config.OIDC_ROLE_CLAIM });
      } catch {
        return refused('Uw account heeft geen rol in deze dienst. Vraag de beheerder om toegang.', 403);
      }
      const user = await knownUser(users, principal.userId, principal.role, claims);
      if (user && !user.active) return refused('Uw account is uitgeschakeld.', 403);
      await signIn(req, {
        userId: principal.userId,
        role: principal.role,
        partnerId: principal.partnerId,
        name: user?.name ?? displayName(claims) ?? principal.userId,
        method: 'oidc',
      });
      res.redirect(303, transaction.returnTo || homeOf(principal.role));
    } catch (err) {
      next(err);
    }
  });

  router.post('/auth/dev', form, async (req, res, next) => {
    try {
      if (!devSignInEnabled(config))
        throw new HttpError(403, 'DEV_SIGN_IN_DISABLED', 'development sign-in is off (production or OIDC)');
      const body = req.body as { userId?: unknown; terug?: unknown };
      try {
        sessions.assertCsrf(req);
      } catch {
        // The sign-in page stood open longer than the idle timeout: show it again, with a fresh token.
        const back = safeReturnPath(body.terug);
        return res.redirect(
          303,
          `${SIGN_IN_PATH}?verlopen${back ? `&terug=${encodeURIComponent(back)}` : ''}`,
        );
      }
      const user = typeof body.userId === 'string' ? await users.getUser(body.userId) : undefined;
      if (!user || !user.active || !PAGE_ROLES.includes(user.role))
        throw new HttpError(400, 'UNKNOWN_USER', 'no active coach or manager with this id');
      await signIn(req, {
        userId: user.id,
        role: user.role,
        partnerId: user.partnerId,
        name: user.name,
        method: 'dev',
      });
      res.redirect(303, safeReturnPath(body.terug) ?? homeOf(user.role));
    } catch (err) {
      next(err);
    }
  });

  router.post('/auth/afmelden', form, async (req, res, next) => {
    try {
      // Without the page's token (another site's form) nobody is signed out.
      if (req.session.user) sessions.assertCsrf(req);
      await destroySession(req);
      res.clearCookie(SESSION_COOKIE, { path: '/' });
      res.redirect(303, `${SIGN_IN_PATH}?afgemeld`);
    } catch (err) {
      next(err);
    }
  });

  async function signIn(req: Request, user: SessionUser): Promise<void> {
    await regenerateSession(req);
    req.session.user = user;
    sessions.csrfToken(req);
    await saveSession(req);
    await sessions.store.prune();
    await audit.record({
      actorId: user.userId,
      actorRole: user.role,
      action: 'SIGNED_IN',
      details: { method: user.method },
    });
  }

  return router;
}

function claimMissing(claims: Record<string, unknown>, path: string): boolean {
  return (
    path
      .split('.')
      .reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as never)[k] : undefined), claims) ===
    undefined
  );
}

function displayName(claims: Record<string, unknown>): string | undefined {
  for (const key of ['name', 'preferred_username', 'email'])
    if (typeof claims[key] === 'string' && claims[key]) return (claims[key] as string).slice(0, 150);
  return undefined;
}

/**
 * The user row for this subject; created on the first sign-in (name and e-mail from the token) when
 * the subject can be a user id, so a coach who signs in is in the coach list at once.
 */
async function knownUser(
  users: UserStore,
  userId: string,
  role: Role,
  claims: Record<string, unknown>,
): Promise<UserView | undefined> {
  const existing = await users.getUser(userId);
  if (existing || !USER_ID.test(userId) || !PAGE_ROLES.includes(role)) return existing;
  const email =
    typeof claims.email === 'string' && /^[^@\s]+@[^@\s]+$/.test(claims.email) ? claims.email : undefined;
  return (
    (await users.createUser({ id: userId, name: displayName(claims) ?? userId, email, role })) ??
    (await users.getUser(userId))
  );
}
