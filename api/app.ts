/**
 * The express app factory: everything the API needs is passed in, nothing listens here (that is
 * api/server.ts), so tests run the very same app through supertest against real servers.
 *
 * Order of the chain: metrics and request log first (they must see every answer, also errors),
 * then security headers, the per-address rate limits, the inburgeraar's own page (/mijn, no
 * session), the Temporal UI's codec endpoint (/codec), body parsing, authentication and the
 * per-key limit; then the route table; then 404 and the
 * error middleware last.
 */
import express, { type Express } from 'express';
import helmet from 'helmet';
import type { Client } from '@temporalio/client';
import type { Logger } from 'pino';
import swaggerUi from 'swagger-ui-express';
import { createPayloadCodec } from '../worker/payload-codec';
import type { Config } from '../config/config';
import type { Db } from '../prisma/db';
import { authenticationMiddleware, createAuthenticator, type Authenticator } from './auth/authenticator';
import { createOidcVerifier } from './auth/oidc';
import { createWebSessions, type WebSessions } from './auth/session';
import { createSignInRouter } from './auth/sign-in';
import { admissionSettings, createIntakeAdmission } from '../application/admission';
import { temporalTrajectories } from '../application/temporal';
import {
  createTrajectoryStarts,
  trajectoryStartSettings,
  withPendingStarts,
  type TrajectoryStarts,
} from '../application/trajectory-starts';
import type { AppDeps } from './deps';
import { codecSessionPrincipal, createCodecRouter } from './codec-server';
import { errorMiddleware, HttpError } from './http/errors';
import type { IdempotencyStore } from './http/idempotency';
import { methodNotAllowed, mountRoutes, type RouteDef } from './http/route';
import { createRateLimits, mountRateLimits } from './http/rate-limit';
import { createHttpLogger } from './logging';
import { createPersonalPageRouter } from './mijn/router';
import { createApiMetrics, observeTrajectoryStarts } from './metrics';
import { buildOpenApiDocument } from './openapi';
import { routeTable } from './routes';
import { createPrismaStores, type Stores } from './store';
import type { PrincipalLookup } from './store/users';

export interface CreateAppOptions {
  temporal: Client;
  db: Db;
  config: Config;
  log: Logger;
  /** Defaults to API keys from the database plus OIDC when OIDC_ISSUER/OIDC_AUDIENCE are set. */
  auth?: Authenticator;
  /** Defaults to the Prisma-backed stores on `db`. */
  stores?: Stores;
  /** Defaults to the stores' own (in the database). */
  idempotency?: IdempotencyStore;
  /** Process metrics (CPU, memory) only make sense once per process: on in server.ts, off in tests. */
  defaultMetrics?: boolean;
  /** Extra routes, mounted after the API's own (the web pages live in api/web/). */
  extraRouters?: express.Router[];
  /** Browser sessions and sign-in (api/auth/session.ts); default on the app's database. */
  sessions?: WebSessions;
}

export const OPENAPI_PATH = '/api/openapi.json';

/** API keys from the database, plus OIDC bearer tokens when an issuer and audience are configured. */
export function createDefaultAuthenticator(keys: PrincipalLookup, config: Config): Authenticator {
  const oidc =
    config.OIDC_ISSUER && config.OIDC_AUDIENCE
      ? createOidcVerifier({
          issuer: config.OIDC_ISSUER,
          audience: config.OIDC_AUDIENCE,
          roleClaim: config.OIDC_ROLE_CLAIM,
          ...(config.OIDC_JWKS_URL ? { jwksUrl: config.OIDC_JWKS_URL } : {}),
        })
      : undefined;
  return createAuthenticator({ findApiKey: (hash) => keys.findPrincipalByKeyHash(hash), oidc });
}

/** Each app's background work: the sweeps of pending trajectory starts (stopped by `stopApp`). */
const background = new WeakMap<Express, TrajectoryStarts>();

/** Stops what `createApp` runs in the background and waits for the starts in flight. */
export async function stopApp(app: Express): Promise<void> {
  await background.get(app)?.stop();
}

export function createApp(options: CreateAppOptions): Express {
  const stores = options.stores ?? createPrismaStores(options.db);
  const temporalPort = temporalTrajectories(options.temporal, options.config.TEMPORAL_TASK_QUEUE);
  const starts = createTrajectoryStarts(
    { pending: stores.pendingStarts, trajectories: temporalPort, log: options.log },
    trajectoryStartSettings(options.config),
  );
  starts.run();
  const deps: AppDeps = {
    ...stores,
    temporal: options.temporal,
    db: options.db,
    config: options.config,
    log: options.log,
    auth: options.auth ?? createDefaultAuthenticator(stores.users, options.config),
    idempotency: options.idempotency ?? stores.idempotency,
    trajectories: withPendingStarts(temporalPort, starts),
    admission: createIntakeAdmission(stores.people, admissionSettings(options.config)),
    starts,
  };
  const metrics = createApiMetrics({ defaultMetrics: options.defaultMetrics ?? false });
  observeTrajectoryStarts(metrics.registry, starts, () => stores.pendingStarts.count());
  const routes: RouteDef[] = [...routeTable];
  const openApi = buildOpenApiDocument(routes, {
    title: 'Inburgering regie API',
    version: '1.0.0',
    description:
      'Regie op de inburgering (Wet inburgering 2021): one durable Temporal workflow per inburgeraar. ' +
      'Coach actions are Temporal updates: a refusal by the rules answers 409 with the rule code.',
    ...(options.config.PUBLIC_URL ? { serverUrl: options.config.PUBLIC_URL } : {}),
  });

  const app = express();
  background.set(app, starts);
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.use(metrics.middleware);
  app.use(createHttpLogger(options.log));
  // Behind TLS (PUBLIC_URL https) keep helmet's defaults; on plain http (a laptop, an internal host)
  // "upgrade-insecure-requests" and HSTS would make browsers fetch the page's scripts over https.
  const https = options.config.PUBLIC_URL?.startsWith('https://') ?? false;
  app.use(
    helmet({
      contentSecurityPolicy: { directives: { upgradeInsecureRequests: https ? [] : null } },
      strictTransportSecurity: https,
    }),
  );
  // Abuse limits (api/http/rate-limit.ts): per address and failed sign-ins before anything else.
  const limits = createRateLimits(options.config);
  app.use(limits.perAddress, limits.authFailures);
  app.use('/auth', limits.signIn);
  // The inburgeraar's own page (/mijn/<token>): no session, no API credentials, its own limits.
  app.use(createPersonalPageRouter(deps));
  const authenticate = authenticationMiddleware(deps.auth, deps.log);
  // Browser sessions: loaded before authentication; a session user is the principal only when the
  // request brings no API key or bearer token, and then must carry the CSRF token on writes.
  const sessions = options.sessions ?? createWebSessions({ db: options.db, config: options.config });
  app.use(sessions.session);
  // The Temporal Web UI's remote codec: its own CORS, body limit and authentication (manager only:
  // API key, bearer token, or the signed-in session of a page the UI's origin sends).
  const uiOrigin = new URL(options.config.TEMPORAL_UI_URL).origin;
  app.use(
    '/codec',
    createCodecRouter({
      codec: createPayloadCodec(options.config),
      uiOrigin,
      authenticate: [authenticate, codecSessionPrincipal(uiOrigin)],
      limits: [limits.perKey],
      audit: stores.audit,
    }),
  );
  app.use(express.json({ limit: `${options.config.REQUEST_BODY_LIMIT_KB}kb` }));

  app.get('/metrics', async (_req, res, next) => {
    try {
      res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
    } catch (err) {
      next(err);
    }
  });
  app.get(OPENAPI_PATH, (_req, res) => {
    res.json(openApi);
  });
  // The rendered page loads the document by URL, so it always shows what /api/openapi.json serves.
  app.use(
    '/api/docs',
    swaggerUi.serve,
    swaggerUi.setup(undefined, {
      swaggerOptions: { url: OPENAPI_PATH },
      customSiteTitle: 'Inburgering regie API',
    }),
  );

  app.use(authenticate);
  app.use(sessions.principal);
  app.use(limits.perKey);
  app.use(
    createSignInRouter({
      config: options.config,
      users: stores.users,
      audit: stores.audit,
      sessions,
      log: options.log,
    }),
  );
  const router = express.Router();
  mountRateLimits(router, routes, limits);
  mountRoutes(router, routes, deps);
  app.use(router);
  for (const extra of options.extraRouters ?? []) app.use(extra);
  app.use(methodNotAllowed(routes, { [OPENAPI_PATH]: ['get'], '/metrics': ['get'] }));

  app.use((req, _res, next) =>
    next(new HttpError(404, 'NOT_FOUND', `no route for ${req.method} ${req.path}`)),
  );
  app.use(errorMiddleware(deps.log));
  return app;
}
