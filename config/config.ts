/**
 * The one place where configuration is read: environment variables, validated once with zod at start
 * into a typed object. Every variable is documented in README.md ("Configuration").
 */
import path from 'node:path';
import { z } from 'zod';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

/** 32 bytes, base64: used for AES-256-GCM (payload codec, BSN encryption) and HMAC (BSN hash). */
const key32 = z
  .string()
  .refine((v) => Buffer.from(v, 'base64').length === 32, 'must be 32 bytes, base64-encoded');

/**
 * Development keys: fine on a laptop and in tests, refused when NODE_ENV=production so a real
 * deployment cannot run with a key that is in the source.
 */
export const DEVELOPMENT_KEY = Buffer.alloc(32, 7).toString('base64');

/**
 * Retired keys, still used to read what they wrote: `id:base64key,id:base64key` (PAYLOAD_OLD_KEYS,
 * BSN_OLD_KEYS). Parsed here once, so a malformed list stops the process at start.
 */
export function parseKeyList(text: string | undefined): Map<string, string> {
  const keys = new Map<string, string>();
  for (const entry of (text ?? '')
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean)) {
    const colon = entry.indexOf(':');
    const id = entry.slice(0, colon);
    const key = entry.slice(colon + 1);
    if (colon < 1 || Buffer.from(key, 'base64').length !== 32)
      throw new Error('must be "id:base64key,..." with 32-byte keys');
    keys.set(id, key);
  }
  return keys;
}

const keyList = z
  .string()
  .optional()
  .superRefine((v, ctx) => {
    try {
      parseKeyList(v);
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: (err as Error).message });
    }
  });

/** Every variable the app reads; the Helm chart (deploy/helm) is tested against its keys. */
export const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('127.0.0.1'),
  PUBLIC_URL: z.string().url().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),

  DATABASE_URL: z
    .string()
    .regex(/^(file:|postgres(ql)?:\/\/)/, 'must be a file: (SQLite) or postgres:// URL')
    .default(`file:${path.join('data', 'inburgering.db')}`),

  /**
   * Apply pending database migrations when the worker or API starts (the embedded default). Set
   * false where migrations run as their own step (`npm run db:migrate`, the Helm chart's job), so
   * replicas starting together never race on the schema.
   */
  DATABASE_MIGRATE_ON_START: bool.default(true),

  TEMPORAL_ADDRESS: z.string().default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().default('default'),
  TEMPORAL_TASK_QUEUE: z.string().default('inburgering-regie'),
  TEMPORAL_API_KEY: z.string().optional(),
  TEMPORAL_TLS: bool.default(false),
  TEMPORAL_UI_URL: z.string().url().default('http://127.0.0.1:8233'),
  /** Start the embedded dev server (npm start); false when pointing at a cluster. */
  TEMPORAL_DEV_SERVER: bool.default(true),
  /** The dev server's state (SQLite); its log goes beside it. */
  TEMPORAL_DEV_SERVER_DB: z.string().default(path.join('data', 'temporal.db')),
  /**
   * How long Temporal keeps a closed workflow (the namespace's retention): set by the dev server
   * start and `npm run temporal:retention`. The database keeps what the gemeente must keep longer.
   */
  TEMPORAL_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
  /**
   * `npm run temporal:cluster` (scripts/temporal-cluster.ts): the PostgreSQL database of a real
   * Temporal server's persistence; its SQL visibility goes into `<database>_visibility`.
   */
  TEMPORAL_CLUSTER_POSTGRES_URL: z
    .string()
    .regex(
      /^postgres(ql)?:\/\/[^/]+\/[A-Za-z_][A-Za-z0-9_]*$/,
      'must be postgresql://user:pw@host:port/database',
    )
    .default('postgresql://temporal:temporal@127.0.0.1:5432/temporal'),
  /** That server's configuration file and log. */
  TEMPORAL_CLUSTER_DIR: z.string().default(path.join('data', 'temporal-cluster')),

  /**
   * The worker's sizing (worker/main.ts; how they were chosen: workflows/README.md). Workflows kept
   * in the worker's cache: a cached trajectory answers an action without replaying its history.
   */
  WORKER_MAX_CACHED_WORKFLOWS: z.coerce.number().int().min(0).max(1_000_000).default(10_000),
  /** Workflow tasks run at once (they share one worker thread; more only queues inside it). */
  WORKER_WORKFLOW_TASK_SLOTS: z.coerce.number().int().min(2).max(1000).default(10),
  /** Activities run at once (steps written, deliveries). */
  WORKER_ACTIVITY_SLOTS: z.coerce.number().int().min(1).max(1000).default(20),
  /**
   * The share of the workflow-task polls that ask the task queue itself (new trajectories' first
   * tasks, trajectories not in the cache) rather than this worker's sticky queue (the cached ones).
   * The SDK's 0.2 left 2 of 10 polls for an import's first tasks: the bottleneck of intake.
   */
  WORKER_NONSTICKY_POLL_RATIO: z.coerce.number().min(0.1).max(0.9).default(0.5),
  /**
   * Whether the worker records a stack trace for every promise its workflows create, which is what
   * the Temporal UI's "Stack Trace" tab shows of a running trajectory. Off by default: it was about
   * a third of the workflow thread's CPU per coach action. Read by the worker's preload
   * (worker/workflow-thread-preload.cjs), so it takes effect only in a worker started with the
   * flags of worker/node-flags.ts (npm start, `npm run worker`, the image).
   */
  WORKER_WORKFLOW_STACK_TRACES: bool.default(false),
  /**
   * A workflow bundle built ahead of time (`npm run build:workflows`); without it the worker bundles
   * workflows/ at start (~10 s). The image ships one, so every replica runs the same code.
   */
  WORKFLOW_BUNDLE_PATH: z.string().optional(),

  PAYLOAD_KEY: key32.default(DEVELOPMENT_KEY),
  PAYLOAD_KEY_ID: z.string().min(1).default('dev-1'),
  PAYLOAD_OLD_KEYS: keyList,
  BSN_KEY: key32.default(DEVELOPMENT_KEY),
  /** Id of BSN_KEY, stored beside every BSN it hashed and encrypted (rotation: api/persons/bsn.ts). */
  BSN_KEY_ID: z
    .string()
    .regex(/^[A-Za-z0-9._-]+$/, 'letters, digits and . _ - only')
    .default('bsn-1'),
  BSN_OLD_KEYS: keyList,

  /**
   * Years after a trajectory's end after which personal data is removed (a policy of the gemeente;
   * default and the archive rule it follows: domain/retention.ts).
   */
  RETENTION_YEARS_AFTER_END: z.coerce.number().int().min(0).max(100).optional(),
  /** Idempotency-Key answers are kept this long, then cleaned up (hours). */
  IDEMPOTENCY_TTL_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 90)
    .default(48),

  /** Requests per minute per API key / token (all routes). */
  RATE_LIMIT_PER_KEY: z.coerce.number().int().min(1).default(600),
  /** Requests per minute per client address (all routes, also without credentials). */
  RATE_LIMIT_PER_ADDRESS: z.coerce.number().int().min(1).default(1200),
  /** Requests per minute per API key on lists, figures and exports (heavy reads). */
  RATE_LIMIT_LISTS: z.coerce.number().int().min(1).default(60),
  /** Failed sign-ins (401: wrong key or token) per address per 15 minutes, then 429. */
  RATE_LIMIT_AUTH_FAILURES: z.coerce.number().int().min(1).default(30),
  /** Requests to the browser sign-in routes (/auth/*) per address per 15 minutes. */
  RATE_LIMIT_SIGN_IN: z.coerce.number().int().min(1).default(100),
  /**
   * Backpressure on intake (application/admission.ts): at most this many koppelingen accepted
   * whose workflow has not written its first read-model row yet; beyond it new koppelingen
   * (API and caseload import) answer 503 with Retry-After. 0 turns admission off. 4: the work
   * queued ahead of a coach's update stays at bound / worker rate (README, "Intake at the
   * worker's pace").
   */
  INTAKE_MAX_PENDING: z.coerce.number().int().min(0).max(100_000).default(4),
  /** How long (ms) an API or import process reuses the pending count before reading it again. */
  INTAKE_SIGNAL_TTL_MS: z.coerce.number().int().min(0).max(60_000).default(250),
  /** A koppeling registered longer ago than this no longer counts as pending (minutes). */
  INTAKE_PENDING_WINDOW_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(10),
  /** The Retry-After (seconds) of a refused koppeling. */
  INTAKE_RETRY_AFTER_SECONDS: z.coerce.number().int().min(1).max(3600).default(1),
  /**
   * How often (seconds) an API or import process looks for trajectories whose start is still
   * pending (application/trajectory-starts.ts: Temporal was unreachable, or the process that
   * registered the koppeling stopped before starting it) and starts them. 0: no sweeps.
   */
  TRAJECTORY_START_SWEEP_SECONDS: z.coerce.number().int().min(0).max(3600).default(5),
  /** Largest request body accepted (kilobytes); larger answers 413. */
  REQUEST_BODY_LIMIT_KB: z.coerce.number().int().min(1).max(10_240).default(256),

  SMTP_URL: z.string().optional(),
  MAIL_FROM: z.string().default('Inburgering regie <inburgering@gemeente.example>'),
  MANAGER_EMAIL: z.string().email().default('manager@gemeente.example'),
  GEMEENTE_NAAM: z.string().default('Gemeente'),
  /** How the inburgeraar reaches the gemeente, shown on their personal page (/mijn). */
  GEMEENTE_TELEFOON: z.string().max(40).optional(),
  GEMEENTE_EMAIL: z.string().email().optional(),
  GEMEENTE_WEBSITE: z.string().url().optional(),

  /** Days a personal link of an inburgeraar stays valid (policy of the gemeente, default 90). */
  PERSONAL_LINK_DAYS: z.coerce.number().positive().max(366).default(90),
  /** Requests per minute per client address to the personal pages (/mijn/...), then 429. */
  PERSONAL_LINK_RATE_LIMIT: z.coerce.number().int().min(1).default(30),
  /** Unknown, expired or revoked links per client address per 15 minutes, then 429. */
  PERSONAL_LINK_FAILURE_LIMIT: z.coerce.number().int().min(1).default(20),

  OIDC_ISSUER: z.string().url().optional(),
  OIDC_AUDIENCE: z.string().optional(),
  OIDC_JWKS_URL: z.string().url().optional(),
  OIDC_ROLE_CLAIM: z.string().default('roles'),
  /** Sign-in of the web pages (authorization code flow with PKCE) as this client of OIDC_ISSUER. */
  OIDC_CLIENT_ID: z.string().min(1).optional(),
  /** Only for a confidential client; a public client relies on PKCE alone. */
  OIDC_CLIENT_SECRET: z.string().min(1).optional(),
  /** Where the identity provider sends the browser back; default `<PUBLIC_URL or http://HOST:PORT>/auth/callback`. */
  OIDC_REDIRECT_URL: z.string().url().optional(),
  OIDC_SCOPES: z.string().default('openid profile email'),
  /** Signs the session cookie; default derived from PAYLOAD_KEY (HKDF), so production needs no extra secret. */
  SESSION_SECRET: z.string().min(32, 'at least 32 characters').optional(),
  /** A browser session ends after this many minutes without a request. */
  SESSION_IDLE_MINUTES: z.coerce
    .number()
    .positive()
    .max(24 * 60)
    .default(30),

  METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(9464),
});

export type Config = z.infer<typeof envSchema> & { isPostgres: boolean };

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const config = parsed.data;
  if (
    (config.OIDC_AUDIENCE && !config.OIDC_ISSUER) ||
    (config.OIDC_ISSUER && !config.OIDC_AUDIENCE && !config.OIDC_CLIENT_ID)
  ) {
    // One without the other would silently switch OpenID Connect off.
    throw new ConfigError(
      'Invalid configuration:\n  OIDC_ISSUER/OIDC_AUDIENCE: set both (bearer tokens), or OIDC_ISSUER with OIDC_CLIENT_ID (sign-in), or neither',
    );
  }
  if (config.OIDC_CLIENT_ID && !config.OIDC_ISSUER) {
    throw new ConfigError('Invalid configuration:\n  OIDC_CLIENT_ID: needs OIDC_ISSUER');
  }
  if (
    config.NODE_ENV === 'production' &&
    (config.PAYLOAD_KEY === DEVELOPMENT_KEY || config.BSN_KEY === DEVELOPMENT_KEY)
  ) {
    throw new ConfigError('Invalid configuration:\n  PAYLOAD_KEY/BSN_KEY: set real keys in production');
  }
  return { ...config, isPostgres: config.DATABASE_URL.startsWith('postgres') };
}
