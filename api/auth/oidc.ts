/**
 * OpenID Connect bearer tokens, verified with jose against the issuer's JWKS (fetched and cached by
 * `createRemoteJWKSet`, which also refetches on an unknown `kid` after key rotation). The role comes
 * from a configurable claim (string or array; the first value that is one of our roles wins).
 */
import { createRemoteJWKSet, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { roleSchema, type Principal } from './principal';

export interface OidcOptions {
  issuer: string;
  audience: string;
  /** When absent, discovered from `<issuer>/.well-known/openid-configuration`. */
  jwksUrl?: string;
  roleClaim: string;
  /** Claim holding the Partner id for role `partner`. */
  partnerClaim?: string;
}

export class OidcTokenError extends Error {}

export interface OidcVerifier {
  verify(token: string): Promise<Principal>;
}

export function createOidcVerifier(options: OidcOptions): OidcVerifier {
  let keySet: Promise<JWTVerifyGetKey> | undefined;
  const getKeySet = (): Promise<JWTVerifyGetKey> => {
    keySet ??= resolveJwksUrl(options).then((url) => createRemoteJWKSet(new URL(url)));
    // A failed discovery must not stick forever: forget it so the next request tries again.
    keySet.catch(() => (keySet = undefined));
    return keySet;
  };

  return {
    async verify(token) {
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(token, await getKeySet(), {
          issuer: options.issuer,
          audience: options.audience,
          clockTolerance: 30,
        }));
      } catch (err) {
        throw new OidcTokenError(`token rejected: ${(err as Error).message}`);
      }
      return principalFromClaims(payload, options);
    },
  };
}

/**
 * The one mapping from an identity provider's claims to a principal, for bearer tokens here and for
 * the web sign-in (api/auth/sign-in.ts): `sub` is the user id, the role comes from `roleClaim`.
 */
export function principalFromClaims(
  payload: Record<string, unknown>,
  options: Pick<OidcOptions, 'roleClaim' | 'partnerClaim'>,
): Principal {
  if (typeof payload.sub !== 'string' || !payload.sub) throw new OidcTokenError('token has no sub');
  const role = pickRole(claimAt(payload, options.roleClaim));
  if (!role) throw new OidcTokenError(`token has no known role in claim ${options.roleClaim}`);
  const partner = claimAt(payload, options.partnerClaim ?? 'partner_id');
  return {
    userId: payload.sub,
    role,
    partnerId: typeof partner === 'string' ? partner : null,
    via: 'oidc',
  };
}

/** Supports dotted claim paths such as `realm_access.roles` (Keycloak). */
function claimAt(payload: Record<string, unknown>, path: string): unknown {
  return path
    .split('.')
    .reduce<unknown>(
      (obj, part) => (obj && typeof obj === 'object' ? (obj as Record<string, unknown>)[part] : undefined),
      payload,
    );
}

function pickRole(value: unknown) {
  const candidates = Array.isArray(value) ? value : [value];
  for (const c of candidates) {
    const parsed = roleSchema.safeParse(c);
    if (parsed.success) return parsed.data;
  }
  return undefined;
}

async function resolveJwksUrl(options: OidcOptions): Promise<string> {
  if (options.jwksUrl) return options.jwksUrl;
  const discovery = `${options.issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
  const res = await fetch(discovery);
  if (!res.ok) throw new OidcTokenError(`OIDC discovery failed: ${res.status}`);
  const doc = (await res.json()) as { jwks_uri?: unknown };
  if (typeof doc.jwks_uri !== 'string') throw new OidcTokenError('OIDC discovery document has no jwks_uri');
  return doc.jwks_uri;
}
