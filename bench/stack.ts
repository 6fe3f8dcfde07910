/**
 * Everything the benchmark measures, started from the project's own parts and nothing else:
 * a temp SQLite database migrated with the project's migrations, the real Worker (worker/main.ts:
 * the real workflow bundle, real activities from createActivities, the payload codec) on an
 * in-memory Temporal dev server, in this process or (`workerProcess`) as a process of its own as
 * `npm start` runs it, and the real API (createApp) listening on 127.0.0.1:<free port>.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import http, { type Server } from 'node:http';
import type { Client } from '@temporalio/client';
import { DefaultLogger, makeTelemetryFilterString, Runtime } from '@temporalio/worker';
import type { Logger } from 'pino';
import { createApp, stopApp } from '../api/app';
import { generateApiKey } from '../api/auth/api-keys';
import type { Role } from '../api/auth/principal';
import { createPrismaStores } from '../api/store';
import { loadConfig, type Config } from '../config/config';
import { closeDb, createDb, type Db } from '../prisma/db';
import { migrateDatabase } from '../prisma/migrate';
import { REPO_ROOT } from '../scripts/temporal-binaries';
import { connectClient } from '../worker/connection';
import { startWorker, type RunningWorker } from '../worker/main';
import { bundleWorkflows } from '../worker/bundle';
import { startDevServer, type RunningDevServer } from '../scripts/temporal-server';
import { startApiProcess } from '../test/cluster/stack';
import { forkServiceWorker, serviceProcessEnv, stopChild } from './worker-processes';

/** The API's abuse limits lifted: the bench's calls are the load being measured, not abuse. */
export const BENCH_RATE_LIMITS = {
  RATE_LIMIT_PER_KEY: '1000000',
  RATE_LIMIT_PER_ADDRESS: '1000000',
  RATE_LIMIT_LISTS: '1000000',
};

export interface BenchUser {
  id: string;
  key: string;
}

export interface Stack {
  config: Config;
  db: Db;
  /** The in-process worker (absent with `inProcessWorker: false` or `workerProcess`). */
  worker?: RunningWorker;
  /** The API's own process (with `apiProcess`), for the CPU it costs. */
  apiPid?: number;
  client: Client;
  apiUrl: string;
  users: { coa: BenchUser; coach: BenchUser; manager: BenchUser };
  close(): Promise<void>;
}

export interface StackOptions {
  databaseUrl: string;
  temporalAddress: string;
  taskQueue: string;
  workflowCode: string;
  log: Logger;
  /** Extra configuration, e.g. SMTP_URL of the bench's own SMTP server. */
  env?: Record<string, string>;
  /** Start the worker in this process (default); false when a worker process of its own runs. */
  inProcessWorker?: boolean;
  /**
   * Run the worker as `worker/main.ts` in a process of its own, as `npm start` does (the bundle
   * written to the work dir, its output to `logFile`), instead of in this process.
   */
  workerProcess?: { workDir: string; logFile: string };
  /**
   * Run the API as `api/server.ts` in a process of its own, as in production (`npm start` runs it
   * in the supervisor's process, apart from its clients), instead of in this process beside the
   * bench's clients.
   */
  apiProcess?: boolean;
}

/**
 * The project's migrations, in process (WASM schema engine); if that cannot load here, the same
 * migrations through `scripts/db-migrate.ts` in a child process.
 */
export async function migrate(databaseUrl: string, log: Logger): Promise<void> {
  try {
    await migrateDatabase(databaseUrl);
  } catch (err) {
    log.warn({ err }, 'in-process migration failed; running scripts/db-migrate.ts');
    execFileSync(
      path.join(REPO_ROOT, 'node_modules', '.bin', 'tsx'),
      [path.join(REPO_ROOT, 'scripts', 'db-migrate.ts')],
      {
        cwd: REPO_ROOT,
        env: { ...process.env, DATABASE_URL: databaseUrl },
        stdio: ['ignore', 'ignore', 'inherit'],
        timeout: 120_000,
      },
    );
  }
}

/** Config for the bench: loopback only, development keys; SMTP only when `env` names one. */
export function benchConfig(
  databaseUrl: string,
  temporalAddress: string,
  taskQueue: string,
  env: Record<string, string> = {},
): Config {
  return loadConfig({
    ...env,
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'error',
    DATABASE_URL: databaseUrl,
    TEMPORAL_ADDRESS: temporalAddress,
    TEMPORAL_TASK_QUEUE: taskQueue,
  });
}

export async function startStack(o: StackOptions): Promise<Stack> {
  const config = benchConfig(o.databaseUrl, o.temporalAddress, o.taskQueue, o.env);
  const closers: Array<() => Promise<void>> = [];
  const close = async () => {
    for (const c of closers.reverse())
      await c().catch((err: unknown) => o.log.error({ err }, 'close failed'));
  };
  try {
    await migrate(o.databaseUrl, o.log);
    const db = createDb(o.databaseUrl);
    closers.push(() => closeDb(db));

    let worker: RunningWorker | undefined;
    if (o.workerProcess) {
      const bundlePath = path.join(o.workerProcess.workDir, `workflow-bundle-${o.taskQueue}.js`);
      fs.writeFileSync(bundlePath, o.workflowCode);
      const { child, ready } = forkServiceWorker({
        temporalAddress: o.temporalAddress,
        taskQueue: o.taskQueue,
        databaseUrl: o.databaseUrl,
        bundlePath,
        logFile: o.workerProcess.logFile,
        logLevel: 'error',
        ...(o.env ? { env: o.env } : {}),
      });
      closers.push(() => stopChild(child));
      await ready;
    } else if (o.inProcessWorker !== false) {
      const running = await startWorker({ config, log: o.log, db, workflowBundle: { code: o.workflowCode } });
      closers.push(() => running.stop());
      worker = running;
    }

    const client = await connectClient(config);
    closers.push(() => client.connection.close());

    const stores = createPrismaStores(db);
    let apiUrl: string;
    let apiPid: number | undefined;
    if (o.apiProcess) {
      const api = await startApiProcess({
        ...o.env,
        ...serviceProcessEnv({ ...o, logLevel: 'error' }),
        HOST: '127.0.0.1',
        // BENCH_CPU_PROF_DIR=<dir>: the API's process writes a V8 CPU profile there too.
        ...(process.env.BENCH_CPU_PROF_DIR
          ? { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${process.env.BENCH_CPU_PROF_DIR}` }
          : {}),
      });
      closers.push(() => api.stop());
      apiUrl = api.url;
      apiPid = api.pid;
    } else {
      const app = createApp({ temporal: client, db, stores, config, log: o.log });
      const server: Server = app.listen(0, '127.0.0.1');
      await new Promise<void>((resolve, reject) => {
        server.once('listening', resolve);
        server.once('error', reject);
      });
      closers.push(
        () =>
          new Promise<void>((resolve) => {
            server.closeAllConnections();
            server.close(() => resolve());
          }),
        () => stopApp(app),
      );
      apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    }

    // Users with API keys straight in the store, as an admin would create them through the API.
    const addUser = async (role: Role): Promise<BenchUser> => {
      const user = await stores.users.createUser({ name: `bench ${role}`, role });
      if (!user) throw new Error(`could not create the bench ${role} user`);
      const issued = generateApiKey();
      await stores.users.createApiKey(user.id, { hash: issued.hash, prefix: issued.prefix, label: 'bench' });
      return { id: user.id, key: issued.plaintext };
    };
    const users = {
      coa: await addUser('coa'),
      coach: await addUser('coach'),
      manager: await addUser('manager'),
    };

    return {
      config,
      db,
      worker,
      client,
      apiUrl,
      ...(apiPid !== undefined ? { apiPid } : {}),
      users,
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}

export interface HttpResult {
  status: number;
  body: unknown;
  ms: number;
}

/**
 * The bench's HTTP client: node's own, with keep-alive. Not `fetch`: its CPU per call (undici's
 * fetch machinery, an AbortSignal timer) was ~0.9 ms in a profile of the side-by-side rows, and
 * the load generator shares the two cores with the service it measures (bench/README.md).
 */
const agent = new http.Agent({ keepAlive: true });

/** One API call, timed from send to the last byte of the body; fails after `timeoutMs` without an answer. */
export function call(
  apiUrl: string,
  method: 'GET' | 'POST',
  urlPath: string,
  key: string,
  body?: unknown,
  timeoutMs = 30_000,
): Promise<HttpResult> {
  const start = performance.now();
  const payload = body === undefined ? undefined : JSON.stringify(body);
  const headers: http.OutgoingHttpHeaders = { 'X-Api-Key': key };
  if (payload !== undefined) {
    headers['Content-Type'] = 'application/json';
    headers['Content-Length'] = Buffer.byteLength(payload);
  }
  return new Promise<HttpResult>((resolve, reject) => {
    const req = http.request(`${apiUrl}${urlPath}`, { method, agent, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      res.on('end', () => {
        clearTimeout(timer);
        const text = Buffer.concat(chunks).toString('utf8');
        const ms = performance.now() - start;
        let parsed: unknown = text;
        try {
          parsed = JSON.parse(text);
        } catch {
          // not JSON: keep the text
        }
        resolve({ status: res.statusCode ?? 0, body: parsed, ms });
      });
    });
    const timer = setTimeout(
      () => req.destroy(new Error(`${method} ${urlPath}: no answer within ${timeoutMs} ms`)),
      timeoutMs,
    );
    req.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    req.end(payload);
  });
}

/** Like `call`, but a status other than `expected` is an error with the answer in the message. */
export async function expectCall(
  apiUrl: string,
  method: 'GET' | 'POST',
  urlPath: string,
  key: string,
  expected: number,
  body?: unknown,
): Promise<HttpResult> {
  const r = await call(apiUrl, method, urlPath, key, body);
  if (r.status !== expected)
    throw new Error(
      `${method} ${urlPath}: expected ${expected}, got ${r.status} ${JSON.stringify(r.body).slice(0, 500)}`,
    );
  return r;
}

/**
 * An in-memory Temporal dev server (log in `workDir`) and the workflow code bundled once, side by
 * side: what the bench and the API fuzz run both start before the worker and the API.
 */
export async function startDevServerAndBundle(
  workDir: string,
): Promise<{ server: RunningDevServer; bundle: { code: string } }> {
  const [server, bundle] = await Promise.all([
    startDevServer({ headless: true, logFile: path.join(workDir, 'temporal-dev-server.log') }),
    bundleWorkflows(),
  ]);
  return { server, bundle };
}

/** SDK and Core logs through pino, errors only (Core would otherwise print warnings to stderr). */
export function installQuietRuntime(log: Logger): void {
  Runtime.install({
    logger: new DefaultLogger('ERROR', (entry) => log.error(entry.meta ?? {}, entry.message)),
    telemetryOptions: {
      logging: { forward: {}, filter: makeTelemetryFilterString({ core: 'ERROR', other: 'ERROR' }) },
    },
  });
}
