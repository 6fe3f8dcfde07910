/**
 * A real Temporal server (not the dev server) on PostgreSQL, for running the worker and the API the
 * way a gemeente's cluster does: several worker and API processes against one Temporal frontend,
 * persistence and visibility (the list queries on the custom search attributes) in SQL.
 *
 *  - `npm run temporal:cluster:install` builds the server and its SQL tool from the Go module
 *    `go.temporal.io/server` at the pinned version below, with the Go toolchain it needs (the Go
 *    command fetches that toolchain itself through GOTOOLCHAIN), into `.cache/temporal-cluster/`
 *    (GOPATH, module cache and build cache too, so nothing outside the repo is touched). ~5 minutes
 *    on 2 cores the first time; nothing when the binaries of this version are there.
 *  - `npm run temporal:cluster` sets up (or upgrades) the two schemas with the server's own SQL tool,
 *    writes the server's configuration, starts the server in the foreground, creates the namespace
 *    and registers the project's search attributes (registerSearchAttributes, as
 *    `npm run temporal:search-attributes` does for any cluster).
 *
 * Configuration (config/config.ts): TEMPORAL_CLUSTER_POSTGRES_URL (the persistence database; the
 * visibility database is the same name with `_visibility`), TEMPORAL_CLUSTER_DIR (configuration and
 * log), TEMPORAL_ADDRESS (where the frontend listens), TEMPORAL_NAMESPACE, TEMPORAL_RETENTION_DAYS.
 * The test tier (test/cluster/) and `npm run bench -- --cluster` call `startCluster` with databases
 * and free ports of their own.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import { loadConfig } from '../config/config';
import { isExecutable, REPO_ROOT, withInstallLock } from './temporal-binaries';
import { freePort, registerSearchAttributes, stopProcess, waitForFrontend } from './temporal-server';

/** Pinned: bump both together (the server's go.mod names the Go version it needs). */
export const TEMPORAL_SERVER_MODULE = 'go.temporal.io/server';
export const TEMPORAL_SERVER_VERSION = 'v1.32.2';
export const GO_TOOLCHAIN = 'go1.27.3';

export const CLUSTER_CACHE_DIR = path.join(REPO_ROOT, '.cache', 'temporal-cluster');
const BIN_DIR = path.join(CLUSTER_CACHE_DIR, 'bin');
const GOPATH_DIR = path.join(CLUSTER_CACHE_DIR, 'gopath');
/** Written after both binaries were built: the version they are. */
const VERSION_STAMP = path.join(BIN_DIR, 'VERSION');

export interface ClusterBinaries {
  server: string;
  sql: string;
  /** The module's source in the module cache: the versioned schema scripts are read from here. */
  moduleDir: string;
}

const binaries: ClusterBinaries = {
  server: path.join(BIN_DIR, 'server'),
  sql: path.join(BIN_DIR, 'sql'),
  moduleDir: path.join(GOPATH_DIR, 'pkg', 'mod', 'go.temporal.io', `server@${TEMPORAL_SERVER_VERSION}`),
};

function say(message: string): void {
  process.stderr.write(`[temporal-cluster] ${message}\n`);
}

/** The binaries of the pinned version, or undefined when they are not built (yet). */
export function findClusterBinaries(): ClusterBinaries | undefined {
  const stamp = fs.existsSync(VERSION_STAMP) ? fs.readFileSync(VERSION_STAMP, 'utf8').trim() : '';
  const complete =
    stamp === TEMPORAL_SERVER_VERSION &&
    isExecutable(binaries.server) &&
    isExecutable(binaries.sql) &&
    fs.existsSync(path.join(binaries.moduleDir, 'schema', 'postgresql', 'v12'));
  return complete ? binaries : undefined;
}

/** Builds the server and its SQL tool when the pinned version is not there; answers their paths. */
export function ensureClusterBinaries(): ClusterBinaries {
  const found = findClusterBinaries();
  if (found) return found;
  // A cold build takes minutes: a second process waits for the first instead of building too.
  return withInstallLock(
    'temporal-cluster',
    () => {
      const again = findClusterBinaries();
      if (again) return again;
      const env = {
        ...process.env,
        GOTOOLCHAIN: GO_TOOLCHAIN,
        GOBIN: BIN_DIR,
        GOPATH: GOPATH_DIR,
        GOMODCACHE: path.join(GOPATH_DIR, 'pkg', 'mod'),
        GOCACHE: path.join(CLUSTER_CACHE_DIR, 'gocache'),
        // -modcacherw: the module cache can be deleted with rm -rf like the rest of .cache/.
        GOFLAGS: '-buildvcs=false -modcacherw',
      };
      fs.rmSync(VERSION_STAMP, { force: true });
      // The working directory of `go install` (on a fresh clone it does not exist yet).
      fs.mkdirSync(CLUSTER_CACHE_DIR, { recursive: true });
      for (const command of ['cmd/server', 'cmd/tools/sql']) {
        const target = `${TEMPORAL_SERVER_MODULE}/${command}@${TEMPORAL_SERVER_VERSION}`;
        say(`$ GOTOOLCHAIN=${GO_TOOLCHAIN} go install ${target}   (minutes on a cold cache)`);
        const start = Date.now();
        execFileSync('go', ['install', target], {
          env,
          cwd: CLUSTER_CACHE_DIR,
          stdio: ['ignore', 'inherit', 'inherit'],
        });
        say(`built ${path.basename(command)} in ${((Date.now() - start) / 1000).toFixed(0)} s`);
      }
      fs.writeFileSync(VERSION_STAMP, `${TEMPORAL_SERVER_VERSION}\n`);
      const built = findClusterBinaries();
      if (!built)
        throw new Error(`go install finished but ${BIN_DIR} lacks the server, the sql tool or the schemas`);
      return built;
    },
    30 * 60_000,
  );
}

/** Where the server keeps its state: two PostgreSQL databases on one server, one role. */
export interface ClusterPostgres {
  host: string;
  port: number;
  user: string;
  password: string;
  /** Persistence (workflows, histories, task queues). */
  database: string;
  /** SQL visibility (lists and counts, the custom search attributes). */
  visibilityDatabase: string;
}

/** `postgresql://user:pw@host:5432/temporal` → persistence `temporal`, visibility `temporal_visibility`. */
export function clusterPostgresFrom(url: string): ClusterPostgres {
  const u = new URL(url);
  const database = decodeURIComponent(u.pathname.replace(/^\//, '')) || 'temporal';
  return {
    host: u.hostname,
    port: Number(u.port || 5432),
    user: decodeURIComponent(u.username),
    password: decodeURIComponent(u.password),
    database,
    visibilityDatabase: `${database}_visibility`,
  };
}

/**
 * Creates both databases if missing, sets up the schema-version tables and applies every versioned
 * schema script not applied yet, with the server's own SQL tool. Idempotent: a second run changes
 * nothing, a newer server version applies only its new scripts.
 */
export function setupClusterSchemas(bin: ClusterBinaries, pg: ClusterPostgres): void {
  const env = {
    ...process.env,
    SQL_PLUGIN: 'postgres12',
    SQL_HOST: pg.host,
    SQL_PORT: String(pg.port),
    SQL_USER: pg.user,
    SQL_PASSWORD: pg.password,
  };
  const schemas = [
    { db: pg.database, dir: 'temporal' },
    { db: pg.visibilityDatabase, dir: 'visibility' },
  ];
  for (const { db, dir } of schemas) {
    const versioned = path.join(bin.moduleDir, 'schema', 'postgresql', 'v12', dir, 'versioned');
    for (const args of [
      ['create-database'],
      ['setup-schema', '-v', '0.0'],
      ['update-schema', '-d', versioned],
    ]) {
      try {
        execFileSync(bin.sql, ['--db', db, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      } catch (error) {
        const e = error as { stderr?: Buffer; stdout?: Buffer };
        throw new Error(
          `sql --db ${db} ${args[0]} failed: ${(e.stderr ?? e.stdout ?? Buffer.from(String(error))).toString().slice(-2000)}`,
        );
      }
    }
  }
}

/** The ports of the four services in one process (gRPC and membership each), and the frontend's HTTP. */
export interface ClusterPorts {
  frontend: number;
  frontendHttp: number;
  frontendMembership: number;
  history: number;
  historyMembership: number;
  matching: number;
  matchingMembership: number;
  worker: number;
  workerMembership: number;
}

/**
 * The server stores each service's membership port in a PostgreSQL SMALLINT column
 * (cluster_membership.rpc_port): a port above 32767 stops the server at start ("out of range for
 * type smallint"). The gRPC and HTTP ports have no such limit.
 */
export const MAX_MEMBERSHIP_PORT = 32_767;

/** The layout of the module's development configuration: frontend 7233, history +1, matching +2, worker +6. */
export function portsFrom(frontend: number): ClusterPorts {
  if (frontend - 294 > MAX_MEMBERSHIP_PORT || frontend < 1_024)
    throw new Error(
      `TEMPORAL_ADDRESS port ${frontend}: the membership ports (300 below each service port) must stay within 1024-${MAX_MEMBERSHIP_PORT}`,
    );
  return {
    frontend,
    frontendHttp: frontend + 10,
    frontendMembership: frontend - 300,
    history: frontend + 1,
    historyMembership: frontend - 299,
    matching: frontend + 2,
    matchingMembership: frontend - 298,
    worker: frontend + 6,
    workerMembership: frontend - 294,
  };
}

/** True when `port` can be bound on `ip` now. */
function portIsFree(port: number, ip: string): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen(port, ip, () => server.close(() => resolve(true)));
  });
}

/**
 * Free ports on `ip` for tests and the benchmark, beside other servers on the machine: the
 * system's choice for gRPC and HTTP, and for membership free ones from 20000-32767 (see
 * MAX_MEMBERSHIP_PORT; the system picks from above 32768).
 */
export async function freeClusterPorts(ip = '127.0.0.1'): Promise<ClusterPorts> {
  const taken = new Set<number>();
  const system = async () => {
    for (;;) {
      const port = await freePort(ip);
      if (taken.has(port)) continue;
      taken.add(port);
      return port;
    }
  };
  const low = async () => {
    for (;;) {
      const port = 20_000 + Math.floor(Math.random() * (MAX_MEMBERSHIP_PORT - 20_000));
      if (taken.has(port) || !(await portIsFree(port, ip))) continue;
      taken.add(port);
      return port;
    }
  };
  return {
    frontend: await system(),
    frontendHttp: await system(),
    frontendMembership: await low(),
    history: await system(),
    historyMembership: await low(),
    matching: await system(),
    matchingMembership: await low(),
    worker: await system(),
    workerMembership: await low(),
  };
}

/**
 * PostgreSQL connections per service (one process runs all four services, each with its own
 * pools): with 8 + 2 the server holds ~20-30 connections, well under PostgreSQL's default
 * max_connections of 100 that the app's processes share with it.
 */
export const PERSISTENCE_MAX_CONNS = 8;
export const VISIBILITY_MAX_CONNS = 2;

/**
 * The server's configuration, after the module's config/development-postgres12.yaml: both stores
 * on PostgreSQL (SQL visibility), every service bound to `ip`, 4 history shards (enough for one
 * machine; fixed for the life of the databases), no archival, no metrics or pprof listener.
 * Written as JSON, which is valid YAML.
 */
export function clusterConfig(o: { pg: ClusterPostgres; ip: string; ports: ClusterPorts; logLevel: string }) {
  const store = (databaseName: string, maxConns: number) => ({
    sql: {
      pluginName: 'postgres12',
      databaseName,
      connectAddr: `${o.pg.host}:${o.pg.port}`,
      connectProtocol: 'tcp',
      user: o.pg.user,
      password: o.pg.password,
      maxConns,
      maxIdleConns: maxConns,
      maxConnLifetime: '1h',
    },
  });
  const service = (grpcPort: number, membershipPort: number, extra: Record<string, unknown> = {}) => ({
    rpc: { grpcPort, membershipPort, bindOnIP: o.ip, ...extra },
  });
  return {
    log: { stdout: true, level: o.logLevel },
    persistence: {
      defaultStore: 'postgres-default',
      visibilityStore: 'postgres-visibility',
      numHistoryShards: 4,
      datastores: {
        'postgres-default': store(o.pg.database, PERSISTENCE_MAX_CONNS),
        'postgres-visibility': store(o.pg.visibilityDatabase, VISIBILITY_MAX_CONNS),
      },
    },
    global: { membership: { maxJoinDuration: '30s', broadcastAddress: o.ip } },
    services: {
      frontend: service(o.ports.frontend, o.ports.frontendMembership, { httpPort: o.ports.frontendHttp }),
      history: service(o.ports.history, o.ports.historyMembership),
      matching: service(o.ports.matching, o.ports.matchingMembership),
      worker: service(o.ports.worker, o.ports.workerMembership),
    },
    clusterMetadata: {
      enableGlobalNamespace: false,
      failoverVersionIncrement: 10,
      masterClusterName: 'active',
      currentClusterName: 'active',
      clusterInformation: {
        active: {
          enabled: true,
          initialFailoverVersion: 1,
          rpcName: 'frontend',
          rpcAddress: `${o.ip}:${o.ports.frontend}`,
        },
      },
    },
    dcRedirectionPolicy: { policy: 'noop' },
    archival: { history: { state: 'disabled' }, visibility: { state: 'disabled' } },
    namespaceDefaults: {
      archival: { history: { state: 'disabled' }, visibility: { state: 'disabled' } },
    },
  };
}

/** gRPC status ALREADY_EXISTS (grpc.io/docs/guides/status-codes). */
const GRPC_ALREADY_EXISTS = 6;

/** Creates the namespace unless it exists, and waits until the frontend serves it. */
export async function ensureNamespace(
  connection: Pick<Connection, 'workflowService'>,
  namespace: string,
  retentionDays: number,
  timeoutMs = 30_000,
): Promise<void> {
  try {
    await connection.workflowService.registerNamespace({
      namespace,
      workflowExecutionRetentionPeriod: msToTs(`${retentionDays} days`),
    });
  } catch (error) {
    if ((error as { code?: number }).code !== GRPC_ALREADY_EXISTS) throw error;
  }
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      // A list call goes through the frontend's namespace registry and SQL visibility.
      await connection.workflowService.countWorkflowExecutions({ namespace, query: '' });
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

export interface ClusterOptions {
  pg: ClusterPostgres;
  /** Configuration and log go here. */
  dir: string;
  ip?: string;
  ports: ClusterPorts;
  namespace?: string;
  retentionDays?: number;
  /** The server's log level (its JSON log lines go to `<dir>/temporal-server.log`). */
  logLevel?: 'debug' | 'info' | 'warn' | 'error';
}

export interface RunningCluster {
  address: string;
  namespace: string;
  process: ChildProcess;
  logFile: string;
  /** Milliseconds from the schema set-up until the server served the namespace with the search attributes. */
  startMs: number;
  stop(): Promise<void>;
}

/**
 * Sets up the schemas, writes the configuration, starts the server and waits until the namespace is
 * served with the project's search attributes registered.
 */
export async function startCluster(o: ClusterOptions): Promise<RunningCluster> {
  const bin = findClusterBinaries();
  if (!bin)
    throw new Error(
      `The Temporal server ${TEMPORAL_SERVER_VERSION} is not built: run \`npm run temporal:cluster:install\``,
    );
  const started = Date.now();
  const ip = o.ip ?? '127.0.0.1';
  const namespace = o.namespace ?? 'default';
  setupClusterSchemas(bin, o.pg);
  fs.mkdirSync(o.dir, { recursive: true });
  const configFile = path.join(o.dir, 'temporal-server.yaml');
  fs.writeFileSync(
    configFile,
    `${JSON.stringify(clusterConfig({ pg: o.pg, ip, ports: o.ports, logLevel: o.logLevel ?? 'warn' }), null, 2)}\n`,
    { mode: 0o600 }, // it holds the database password
  );
  const logFile = path.join(o.dir, 'temporal-server.log');
  const out = fs.openSync(logFile, 'a');
  // Global flags before the command; no authorizer: the frontend is on loopback (or behind the
  // cluster's own network policy and mTLS in production).
  const child = spawn(bin.server, ['--config-file', configFile, '--allow-no-auth', 'start'], {
    stdio: ['ignore', out, out],
    cwd: o.dir,
  });
  fs.closeSync(out);
  let exited = false;
  child.once('exit', () => (exited = true));
  const address = `${ip}:${o.ports.frontend}`;
  try {
    await waitForFrontend(address, 60_000, () => exited);
    const connection = await Connection.connect({ address });
    try {
      await ensureNamespace(connection, namespace, o.retentionDays ?? 30);
      await registerSearchAttributes(connection, namespace);
    } finally {
      await connection.close();
    }
  } catch (error) {
    child.kill('SIGKILL');
    const tail = fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8').slice(-3000) : '';
    throw new Error(`${(error as Error).message}\n--- ${logFile} (tail) ---\n${tail}`);
  }
  return {
    address,
    namespace,
    process: child,
    logFile,
    startMs: Date.now() - started,
    stop: () => stopProcess(child),
  };
}

if (require.main === module) {
  const install = process.argv[2] === 'install';
  try {
    const bin = ensureClusterBinaries();
    say(`server ${TEMPORAL_SERVER_VERSION}: ${bin.server}; sql tool: ${bin.sql}`);
  } catch (error) {
    say(String(error));
    process.exit(1);
  }
  if (!install) {
    const config = loadConfig();
    const [ip, port] = config.TEMPORAL_ADDRESS.split(':');
    const pg = clusterPostgresFrom(config.TEMPORAL_CLUSTER_POSTGRES_URL);
    const dir = path.resolve(REPO_ROOT, config.TEMPORAL_CLUSTER_DIR);
    startCluster({
      pg,
      dir,
      ip,
      ports: portsFrom(Number(port)),
      namespace: config.TEMPORAL_NAMESPACE,
      retentionDays: config.TEMPORAL_RETENTION_DAYS,
    }).then(
      (cluster) => {
        say(
          `Temporal server on ${cluster.address} (namespace ${cluster.namespace}, PostgreSQL ${pg.host}:${pg.port}/` +
            `${pg.database} + ${pg.visibilityDatabase}); ready in ${cluster.startMs} ms; log ${cluster.logFile}. Ctrl-C stops it.`,
        );
        let stopping = false;
        const shutdown = () => {
          stopping = true;
          void cluster.stop().then(() => process.exit(0));
        };
        process.once('SIGINT', shutdown);
        process.once('SIGTERM', shutdown);
        cluster.process.once('exit', (code) => {
          if (stopping) return;
          say(`server exited (${code}); see ${cluster.logFile}`);
          process.exit(1);
        });
      },
      (error: unknown) => {
        say(String(error));
        process.exit(1);
      },
    );
  }
}
