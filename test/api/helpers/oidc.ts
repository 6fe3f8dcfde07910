/**
 * A tiny OpenID provider for tests: an HTTP server on 127.0.0.1 serving a discovery document and a
 * JWKS with jose-generated keys, and a function to sign tokens with them. Real HTTP, real
 * signatures: the API under test fetches and verifies exactly as it would against Keycloak or Entra.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type JWTPayload } from 'jose';

export interface TestOidcProvider {
  issuer: string;
  jwksUrl: string;
  audience: string;
  sign(
    claims: JWTPayload,
    options?: { expiresIn?: string; audience?: string; issuer?: string; foreignKey?: boolean },
  ): Promise<string>;
  /** How many times the JWKS was fetched (proves caching). */
  jwksFetches(): number;
  close(): Promise<void>;
}

export async function startTestOidcProvider(audience = 'inburgering-regie'): Promise<TestOidcProvider> {
  const { publicKey, privateKey } = await generateKeyPair('RS256');
  const foreign = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'test-key-1', alg: 'RS256', use: 'sig' };
  let fetches = 0;
  let issuer = '';

  const server = http.createServer((req, res) => {
    if (req.url === '/.well-known/openid-configuration') {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ issuer, jwks_uri: `${issuer}/jwks.json` }));
    } else if (req.url === '/jwks.json') {
      fetches++;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys: [jwk] }));
    } else {
      res.statusCode = 404;
      res.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    issuer,
    jwksUrl: `${issuer}/jwks.json`,
    audience,
    async sign(claims, options = {}) {
      return new SignJWT(claims)
        .setProtectedHeader({ alg: 'RS256', kid: 'test-key-1' })
        .setIssuer(options.issuer ?? issuer)
        .setAudience(options.audience ?? audience)
        .setIssuedAt()
        .setExpirationTime(options.expiresIn ?? '5m')
        .sign(options.foreignKey ? foreign.privateKey : privateKey);
    },
    jwksFetches: () => fetches,
    close: () =>
      new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve()))),
  };
}
