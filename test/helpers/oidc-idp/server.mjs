// A real OpenID provider for the browser tests: the certified `oidc-provider` package (version 9,
// ESM-only, so it runs here in its own Node process rather than inside jest's CommonJS runtime).
// Started by test/helpers/oidc-idp.ts with its settings as JSON in IDP_CONFIG; prints one JSON line
// {"issuer": ...} on stdout when it listens. Sign-in through its own development login form (any
// password), consent granted for the one first-party client, roles in the ID token.
import http from 'node:http';
import Provider from 'oidc-provider';

const config = JSON.parse(process.env.IDP_CONFIG ?? '{}');
const accounts = new Map((config.accounts ?? []).map((a) => [a.sub, a]));

const server = http.createServer();
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const issuer = `http://127.0.0.1:${server.address().port}`;

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: config.clientId,
      redirect_uris: config.redirectUris,
      response_types: ['code'],
      grant_types: ['authorization_code'],
      token_endpoint_auth_method: 'none',
    },
  ],
  pkce: { required: () => true },
  cookies: { keys: ['inburgering-test-idp-cookie-key'] },
  claims: { openid: ['sub'], profile: ['name'], email: ['email'], roles: ['roles'] },
  // Keycloak and Entra can put the roles in the ID token; the service reads them from there.
  conformIdTokenClaims: false,
  features: { devInteractions: { enabled: true } },
  async findAccount(_ctx, sub) {
    const account = accounts.get(sub);
    if (!account) return undefined;
    return {
      accountId: sub,
      async claims() {
        return { sub, name: account.name, email: account.email, roles: account.roles };
      },
    };
  },
  // A gemeente's own application: no consent screen, the grant covers the requested scopes.
  async loadExistingGrant(ctx) {
    const grantId =
      ctx.oidc.result?.consent?.grantId ?? ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) return ctx.oidc.provider.Grant.find(grantId);
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId,
      accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope('openid profile email roles');
    await grant.save();
    return grant;
  },
});
// The development login form writes to stderr about itself; keep the test output quiet.
provider.on('server_error', (_ctx, err) => process.stderr.write(`idp server_error: ${err.message}\n`));
server.on('request', provider.callback());
process.stdout.write(`${JSON.stringify({ issuer })}\n`);
process.on('SIGTERM', () => server.close(() => process.exit(0)));
