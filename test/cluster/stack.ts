/**
 * The service as a gemeente runs it on a cluster, for the cluster tier (test/cluster/) and
 * `npm run bench -- --cluster`: a real Temporal server (scripts/temporal-cluster.ts) on PostgreSQL
 * databases of its own, the app's database on PostgreSQL, and worker and API processes started from
 * the project's own entry points (`worker/main.ts`, `api/server.ts`), configured by environment
 * variables only, each a separate OS process that can be killed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { temporal } from '@temporalio/proto';
import { generateApiKey } from '../../api/auth/api-keys';
import type { Role } from '../../api/auth/principal';
import { createPrismaStores } from '../../api/store';
import { loadConfig, type Config } from '../../config/config';
import { closeDb, createDb, type Db } from '../../prisma/db';
import { migrateDatabase } from '../../prisma/migrate';
import { REPO_ROOT } from '../../scripts/temporal-binaries';
import {
  findClusterBinaries,
  freeClusterPorts,
  startCluster,
  TEMPORAL_SERVER_VERSION,
  type RunningCluster,
} from '../../scripts/temporal-cluster';
import { freePort, stopProcess } from '../../scripts/temporal-server';
import { connectClient } from '../../worker/connection';
import { WORKER_NODE_FLAGS } from '../../worker/node-flags';
import { createTestDatabase, postgresReachable, TEST_POSTGRES_URL, type TestDatabase } from '../db/helpers';

/**
 * Every process started here, killed when this process exits however it exits (a watchdog's
 * process.exit, jest's forceExit): none of them may outlive the run.
 */
const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});
function track(child: ChildProcess): ChildProcess {
  live.add(child);
  child.once('exit', () => live.delete(child));
  return child;
}

/** Why the cluster cannot run here, or undefined when it can (server built, PostgreSQL answering). */
export function clusterUnavailable(): string | undefined {
  if (!findClusterBinaries())
    return `the Temporal server ${TEMPORAL_SERVER_VERSION} is not built (npm run temporal:cluster:install)`;
  if (!postgresReachable()) return `no PostgreSQL at TEST_POSTGRES_URL (scripts/ci-postgres.sh)`;
  return undefined;
}

export interface TestCluster {
  cluster: RunningCluster;
  close(): Promise<void>;
}

/** A Temporal server on two fresh PostgreSQL databases and free ports; `close` stops it and drops them. */
export async function startTestCluster(name: string): Promise<TestCluster> {
  const dbs: TestDatabase[] = [];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `temporal-cluster-${name}-`));
  try {
    const persistence = await createTestDatabase('postgresql', `${name}_temporal`);
    dbs.push(persistence);
    const visibility = await createTestDatabase('postgresql', `${name}_visibility`);
    dbs.push(visibility);
    const role = new URL(TEST_POSTGRES_URL);
    const cluster = await startCluster({
      pg: {
        host: role.hostname,
        port: Number(role.port || 5432),
        user: decodeURIComponent(role.username),
        password: decodeURIComponent(role.password),
        database: new URL(persistence.url).pathname.slice(1),
        visibilityDatabase: new URL(visibility.url).pathname.slice(1),
      },
      dir,
      ports: await freeClusterPorts(),
      retentionDays: 1,
    });
    track(cluster.process);
    return {
      cluster,
      async close() {
        await cluster.stop();
        for (const db of dbs) await db.drop();
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    for (const db of dbs) await db.drop().catch(() => undefined);
    fs.rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

export interface ClusterUser {
  id: string;
  key: string;
  email?: string;
}

export interface AppDatabase {
  url: string;
  db: Db;
  users: Record<'coa' | 'coach' | 'coach2' | 'manager', ClusterUser>;
  close(): Promise<void>;
}

/**
 * The app's PostgreSQL database, migrated before any process starts (so that the processes'
 * own migrate-at-start finds nothing to do), with users and API keys as an admin would create them.
 */
export async function startAppDatabase(name: string): Promise<AppDatabase> {
  const database = await createTestDatabase('postgresql', name);
  await migrateDatabase(database.url);
  const db = createDb(database.url);
  const stores = createPrismaStores(db);
  const addUser = async (role: Role, email?: string): Promise<ClusterUser> => {
    const user = await stores.users.createUser({
      name: `cluster ${role}`,
      role,
      ...(email ? { email } : {}),
    });
    if (!user) throw new Error(`could not create the ${role} user`);
    const issued = generateApiKey();
    await stores.users.createApiKey(user.id, { hash: issued.hash, prefix: issued.prefix, label: 'cluster' });
    return { id: user.id, key: issued.plaintext, ...(email ? { email } : {}) };
  };
  const users = {
    coa: await addUser('coa'),
    coach: await addUser('coach', 'coach@gemeente.example'),
    coach2: await addUser('coach', 'coach2@gemeente.example'),
    manager: await addUser('manager'),
  };
  return {
    url: database.url,
    db,
    users,
    async close() {
      await closeDb(db);
      await database.drop();
    },
  };
}

/** The environment of every worker and API process: the configuration a deployment sets. */
export function processEnv(o: {
  address: string;
  databaseUrl: string;
  taskQueue: string;
  smtpUrl?: string;
  /** A workflow bundle built ahead of time; without it each worker bundles at start (~10 s). */
  bundlePath?: string;
}): Record<string, string> {
  return {
    NODE_ENV: 'test',
    LOG_LEVEL: 'warn',
    HOST: '127.0.0.1',
    DATABASE_URL: o.databaseUrl,
    TEMPORAL_ADDRESS: o.address,
    TEMPORAL_NAMESPACE: 'default',
    TEMPORAL_TASK_QUEUE: o.taskQueue,
    TEMPORAL_DEV_SERVER: 'false',
    ...(o.smtpUrl ? { SMTP_URL: o.smtpUrl } : {}),
    ...(o.bundlePath ? { WORKFLOW_BUNDLE_PATH: o.bundlePath } : {}),
  };
}

/** Config for this (test or bench) process to talk to the same cluster with the same keys. */
export const configFor = (env: Record<string, string>): Config => loadConfig(env);

export interface AppProcess {
  kind: 'worker' | 'api';
  child: ChildProcess;
  pid: number;
  /** The worker's identity on the task queue (the SDK's default: `<pid>@<host>`). */
  identity: string;
  /** The API's base URL. */
  url: string;
  /** The last output lines, for a failure message. */
  output(): string;
  stop(): Promise<void>;
  kill(): Promise<void>;
}

function spawnEntryPoint(
  kind: 'worker' | 'api',
  env: Record<string, string>,
): { child: ChildProcess; output(): string } {
  const entry = path.join(REPO_ROOT, kind === 'worker' ? 'worker/main.ts' : 'api/server.ts');
  // `node [flags] --import tsx <file>` (a worker's flags: worker/node-flags.ts): the process is the
  // worker (or API) itself, so SIGKILL reaches it; through tsx's CLI wrapper it would hit only the
  // wrapper.
  const { DATABASE_URL: _drop, ...inherited } = process.env;
  const flags = kind === 'worker' ? WORKER_NODE_FLAGS : ['--import', 'tsx'];
  const child = spawn(process.execPath, [...flags, entry], {
    cwd: REPO_ROOT,
    env: { ...inherited, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  track(child);
  let tail = '';
  const keep = (d: Buffer) => {
    tail = (tail + d.toString()).slice(-8_000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  return { child, output: () => tail };
}

const { TaskQueueType } = temporal.api.enums.v1;

/**
 * A worker process (`worker/main.ts`): ready once the server lists it as a poller of the task
 * queue, which is the proof that it runs as its own process against the cluster.
 */
export async function startWorkerProcess(
  env: Record<string, string>,
  timeoutMs = 180_000,
): Promise<AppProcess> {
  const metricsPort = await freePort();
  const { child, output } = spawnEntryPoint('worker', { ...env, METRICS_PORT: String(metricsPort) });
  const identity = `${child.pid}@${os.hostname()}`;
  const client = await connectClient(configFor(env));
  try {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`worker exited with ${child.exitCode}:\n${output()}`);
      if (Date.now() > deadline) throw new Error(`worker not polling after ${timeoutMs} ms:\n${output()}`);
      const described = await client.workflowService.describeTaskQueue({
        namespace: env.TEMPORAL_NAMESPACE,
        taskQueue: { name: env.TEMPORAL_TASK_QUEUE },
        taskQueueType: TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
      });
      if (described.pollers.some((p) => p.identity === identity)) break;
      await new Promise((r) => setTimeout(r, 500));
    }
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  } finally {
    await client.connection.close();
  }
  return appProcess('worker', child, output, identity, '');
}

/** An API process (`api/server.ts`) on a free port: ready once `/healthz` answers 200. */
export async function startApiProcess(env: Record<string, string>, timeoutMs = 120_000): Promise<AppProcess> {
  const port = await freePort();
  const { child, output } = spawnEntryPoint('api', { ...env, PORT: String(port) });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`API exited with ${child.exitCode}:\n${output()}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`API not healthy after ${timeoutMs} ms:\n${output()}`);
    }
    const ok = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2_000) }).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok) break;
    await new Promise((r) => setTimeout(r, 300));
  }
  return appProcess('api', child, output, '', url);
}

function appProcess(
  kind: 'worker' | 'api',
  child: ChildProcess,
  output: () => string,
  identity: string,
  url: string,
): AppProcess {
  return {
    kind,
    child,
    pid: child.pid!,
    identity,
    url,
    output,
    stop: () => stopProcess(child, 15_000),
    async kill() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await exited;
    },
  };
}

export interface HttpAnswer {
  status: number;
  body: unknown;
  /** Attempts it took (a retry on 5xx, 409 "in progress" or a lost connection, same Idempotency-Key). */
  attempts: number;
}

/**
 * One call as a well-behaved client does it: with an Idempotency-Key on writes, retried with the
 * same key when the service could not answer (5xx, connection lost, or the first attempt still in
 * progress). Any other status is the answer.
 */
export async function callApi(
  url: string,
  method: 'GET' | 'POST' | 'PUT',
  urlPath: string,
  key: string,
  body?: unknown,
  idempotencyKey?: string,
  timeoutMs = 90_000,
): Promise<HttpAnswer> {
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 1; ; attempt++) {
    try {
      const res = await fetch(`${url}${urlPath}`, {
        method,
        headers: {
          'X-Api-Key': key,
          ...(idempotencyKey ? { 'Idempotency-Key': idempotencyKey } : {}),
          ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(Math.max(1_000, deadline - Date.now())),
      });
      const text = await res.text();
      const parsed: unknown = text ? JSON.parse(text) : undefined;
      const inProgress =
        res.status === 409 && (parsed as { error?: string } | undefined)?.error === 'IDEMPOTENCY_IN_PROGRESS';
      if ((res.status < 500 && !inProgress) || Date.now() > deadline || method === 'GET')
        return { status: res.status, body: parsed, attempts: attempt };
    } catch (error) {
      if (Date.now() > deadline) throw error;
    }
    await new Promise((r) => setTimeout(r, Math.min(2_000, 200 * attempt)));
  }
}
