/**
 * Turns request credentials into a Principal. Two ways in:
 *  - API keys: `Authorization: Bearer ir_...` or `X-Api-Key: ir_...`, looked up by hash;
 *  - OIDC bearer JWTs, only when an issuer and audience are configured.
 * No credentials → no principal (the route decides whether that is a 401). Credentials that are
 * present but wrong → 401 right away, so a typo in a key never looks like an anonymous call; with
 * two credentials, both must be valid and name the same user.
 */
import type { RequestHandler } from 'express';
import type { Logger } from 'pino';
import { unauthorized } from '../http/errors';
import { hashApiKey, looksLikeApiKey } from './api-keys';
import type { OidcVerifier } from './oidc';
import type { Principal } from './principal';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      principal?: Principal;
    }
  }
}

export interface Authenticator {
  /** Resolves the principal, undefined without credentials; throws a 401 HttpError when invalid. */
  authenticate(headers: {
    authorization?: string | undefined;
    apiKey?: string | undefined;
  }): Promise<Principal | undefined>;
}

export interface AuthenticatorOptions {
  /** Finds the active (not revoked) key with this SHA-256 hash and its user. */
  findApiKey(hash: string): Promise<Principal | undefined>;
  oidc?: OidcVerifier | undefined;
}

export function createAuthenticator({ findApiKey, oidc }: AuthenticatorOptions): Authenticator {
  const byApiKey = async (key: string): Promise<Principal> => {
    const principal = looksLikeApiKey(key) ? await findApiKey(hashApiKey(key)) : undefined;
    if (!principal) throw unauthorized('invalid or revoked API key');
    return principal;
  };

  const byBearer = async (authorization: string): Promise<Principal> => {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (!m) throw unauthorized('unsupported Authorization scheme; use Bearer');
    const token = m[1]!;
    if (looksLikeApiKey(token)) return byApiKey(token);
    if (!oidc) throw unauthorized('invalid API key');
    try {
      return await oidc.verify(token);
    } catch {
      throw unauthorized('invalid bearer token');
    }
  };

  return {
    /**
     * Every credential sent must be valid: a valid Bearer next to an invalid X-Api-Key (or the
     * other way round) is refused, and two valid ones must name the same user and role.
     */
    async authenticate({ authorization, apiKey }) {
      const fromKey = apiKey === undefined ? undefined : await byApiKey(apiKey.trim());
      const fromBearer = authorization === undefined ? undefined : await byBearer(authorization);
      if (fromKey && fromBearer && (fromKey.userId !== fromBearer.userId || fromKey.role !== fromBearer.role))
        throw unauthorized('conflicting credentials: X-Api-Key and Authorization name different users');
      return fromKey ?? fromBearer;
    },
  };
}

export function authenticationMiddleware(auth: Authenticator, log: Logger): RequestHandler {
  return async (req, _res, next) => {
    try {
      const principal = await auth.authenticate({
        authorization: req.get('authorization'),
        apiKey: req.get('x-api-key'),
      });
      if (principal) req.principal = principal;
      next();
    } catch (err) {
      // Neither the key nor the token is logged: only that and where it failed.
      log.warn(
        { event: 'auth.denied', status: 401, method: req.method, path: req.path },
        'invalid credentials',
      );
      next(err);
    }
  };
}
