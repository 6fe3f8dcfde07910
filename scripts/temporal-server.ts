/**
 * Starts and stops the embedded Temporal dev server (`temporal server start-dev`) that `npm start`
 * and the test suite use: SQLite file for state (survives restarts) or in-memory for tests, the
 * project's search attributes registered, ready only once the frontend answers.
 *
 * Run directly: `tsx scripts/temporal-server.ts` runs the server alone in the foreground.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import { temporal } from '@temporalio/proto';
import { loadConfig, type Config } from '../config/config';
import { searchAttributeKeys } from '../workflows/search-attributes';
import { ensureTemporalCli, REPO_ROOT } from './temporal-binaries';

export interface DevServerOptions {
  /** SQLite file for the server's state; omit for an in-memory server (tests). */
  dbFilename?: string;
  ip?: string;
  /** gRPC port; 0 picks a free one. */
  port?: number;
  /** Web UI port (default gRPC port + 1000); the UI is left out when `headless`. */
  uiPort?: number;
  headless?: boolean;
  namespace?: string;
  /** Where the server's own output goes; default a log file beside the database or inherited. */
  logFile?: string;
  /** Days a closed workflow stays in the namespace (the dev server's own default is 1 day). */
  retentionDays?: number;
  /** The remote codec the Web UI decrypts payloads with (api/codec-server.ts). */
  codecEndpoint?: string;
}

export interface RunningDevServer {
  address: string;
  uiUrl: string | undefined;
  process: ChildProcess;
  stop(): Promise<void>;
}

/** The CLI spells search attribute types in its own way (`Name=Keyword`). */
const cliTypeName: Record<string, string> = {
  KEYWORD: 'Keyword',
  TEXT: 'Text',
  INT: 'Int',
  DOUBLE: 'Double',
  BOOL: 'Bool',
  DATETIME: 'Datetime',
  KEYWORD_LIST: 'KeywordList',
};

const { IndexedValueType } = temporal.api.enums.v1;
/** gRPC status code UNIMPLEMENTED (grpc.io/docs/guides/status-codes). */
const GRPC_UNIMPLEMENTED = 12;
const indexedValueType: Record<string, temporal.api.enums.v1.IndexedValueType> = {
  KEYWORD: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  TEXT: IndexedValueType.INDEXED_VALUE_TYPE_TEXT,
  INT: IndexedValueType.INDEXED_VALUE_TYPE_INT,
  DOUBLE: IndexedValueType.INDEXED_VALUE_TYPE_DOUBLE,
  BOOL: IndexedValueType.INDEXED_VALUE_TYPE_BOOL,
  DATETIME: IndexedValueType.INDEXED_VALUE_TYPE_DATETIME,
  KEYWORD_LIST: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST,
};

/**
 * Registers the project's search attributes that the namespace does not have yet, through the
 * operator API: for servers not started by startDevServer (Temporal's Java time-skipping test
 * server, a self-hosted cluster via `npm run temporal:search-attributes`). Returns the names added.
 */
export async function registerSearchAttributes(
  connection: Pick<Connection, 'operatorService'>,
  namespace = 'default',
): Promise<string[]> {
  const known = new Set<string>();
  try {
    const existing = await connection.operatorService.listSearchAttributes({ namespace });
    for (const name of Object.keys({ ...existing.customAttributes, ...existing.systemAttributes }))
      known.add(name);
  } catch (err) {
    // The Java test server implements adding search attributes but not listing them: add all.
    if ((err as { code?: number }).code !== GRPC_UNIMPLEMENTED) throw err;
  }
  const missing = searchAttributeKeys.filter((key) => !known.has(key.name));
  if (missing.length > 0) {
    await connection.operatorService.addSearchAttributes({
      namespace,
      searchAttributes: Object.fromEntries(missing.map((key) => [key.name, indexedValueType[key.type]!])),
    });
  }
  return missing.map((key) => key.name);
}

/**
 * Sets how long Temporal keeps a closed workflow in the namespace (its history, state and search
 * attributes), then deletes it. The project's own setup: the dev server at start, a self-hosted
 * cluster with `npm run temporal:retention`. Answers the retention now in force, in days.
 */
export async function setNamespaceRetention(
  connection: Pick<Connection, 'workflowService'>,
  namespace: string,
  days: number,
): Promise<number> {
  await connection.workflowService.updateNamespace({
    namespace,
    config: { workflowExecutionRetentionTtl: msToTs(`${days} days`) },
  });
  const described = await connection.workflowService.describeNamespace({ namespace });
  return Number(described.config?.workflowExecutionRetentionTtl?.seconds ?? 0) / 86_400;
}

export function searchAttributeArgs(): string[] {
  return searchAttributeKeys.flatMap((key) => ['--search-attribute', `${key.name}=${cliTypeName[key.type]}`]);
}

export async function freePort(ip = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, ip, () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Polls until the frontend answers a real gRPC call (not just an open port). */
export async function waitForFrontend(
  address: string,
  timeoutMs = 60_000,
  exited?: () => boolean,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (exited?.()) throw new Error(`Temporal server at ${address} exited during start-up`);
    try {
      const connection = await Connection.connect({ address, connectTimeout: 1_000 });
      try {
        await connection.workflowService.getSystemInfo({});
        return;
      } finally {
        await connection.close();
      }
    } catch (error) {
      lastError = error;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  throw new Error(
    `Temporal frontend at ${address} did not answer within ${timeoutMs} ms: ${String(lastError)}`,
  );
}

/**
 * Start attempts when the server exits during start-up. It picks free ports of its own for its
 * internal services beside the ones given, so a server started while other processes (parallel
 * test files, another server) open ports can find one taken and exit: seen once in a CI run on 6
 * December 2026. Another attempt (on a new free port unless the caller fixed it) starts it.
 */
const START_ATTEMPTS = 3;

class ExitedDuringStartUp extends Error {}

export async function startDevServer(options: DevServerOptions = {}): Promise<RunningDevServer> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startDevServerOnce(options);
    } catch (error) {
      if (!(error instanceof ExitedDuringStartUp) || attempt >= START_ATTEMPTS) throw error;
      console.warn(`${error.message}; starting it again (attempt ${attempt + 1} of ${START_ATTEMPTS})`);
    }
  }
}

async function startDevServerOnce(options: DevServerOptions): Promise<RunningDevServer> {
  const cli = ensureTemporalCli();
  const ip = options.ip ?? '127.0.0.1';
  const port = options.port || (await freePort(ip));
  const uiPort = options.uiPort ?? port + 1000;
  const args = ['server', 'start-dev', '--ip', ip, '--port', String(port), '--log-level', 'warn'];
  args.push('--namespace', options.namespace ?? 'default');
  if (options.dbFilename) {
    fs.mkdirSync(path.dirname(options.dbFilename), { recursive: true });
    args.push('--db-filename', options.dbFilename);
  }
  args.push(...(options.headless ? ['--headless'] : ['--ui-port', String(uiPort)]));
  if (options.codecEndpoint && !options.headless) args.push('--ui-codec-endpoint', options.codecEndpoint);
  args.push(...searchAttributeArgs());

  let output: 'inherit' | number = 'inherit';
  if (options.logFile) {
    fs.mkdirSync(path.dirname(options.logFile), { recursive: true });
    output = fs.openSync(options.logFile, 'a');
  }
  const child = spawn(cli, args, { stdio: ['ignore', output, output], cwd: REPO_ROOT });
  let exited = false;
  child.once('exit', () => (exited = true));
  const address = `${ip}:${port}`;
  try {
    await waitForFrontend(address, 60_000, () => exited).catch((error: unknown) => {
      throw exited ? new ExitedDuringStartUp((error as Error).message) : error;
    });
    if (options.retentionDays) {
      const connection = await Connection.connect({ address });
      try {
        await setNamespaceRetention(connection, options.namespace ?? 'default', options.retentionDays);
      } finally {
        await connection.close();
      }
    }
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return {
    address,
    uiUrl: options.headless ? undefined : `http://${ip}:${uiPort}`,
    process: child,
    stop: () => stopProcess(child),
  };
}

/** SIGTERM, then SIGKILL if the process has not exited after `graceMs`. */
export async function stopProcess(child: ChildProcess, graceMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/** Where the Web UI finds the API's remote codec: PUBLIC_URL, else the API's own address. */
export const codecEndpointOf = (config: Pick<Config, 'PUBLIC_URL' | 'HOST' | 'PORT'>): string =>
  `${(config.PUBLIC_URL ?? `http://${config.HOST}:${config.PORT}`).replace(/\/$/, '')}/codec`;

/**
 * The dev server as configured (TEMPORAL_ADDRESS, TEMPORAL_UI_URL, TEMPORAL_DEV_SERVER_DB,
 * TEMPORAL_RETENTION_DAYS, the API's codec endpoint): what `npm start` and `npm run temporal:server`
 * run. State and log live in the database's folder.
 */
export function startConfiguredDevServer(
  config: Pick<
    Config,
    | 'TEMPORAL_ADDRESS'
    | 'TEMPORAL_UI_URL'
    | 'TEMPORAL_DEV_SERVER_DB'
    | 'TEMPORAL_NAMESPACE'
    | 'TEMPORAL_RETENTION_DAYS'
    | 'PUBLIC_URL'
    | 'HOST'
    | 'PORT'
  >,
): Promise<RunningDevServer> {
  const [ip, port] = config.TEMPORAL_ADDRESS.split(':');
  const dbFilename = path.resolve(REPO_ROOT, config.TEMPORAL_DEV_SERVER_DB);
  return startDevServer({
    ip,
    port: Number(port),
    uiPort: Number(new URL(config.TEMPORAL_UI_URL).port),
    namespace: config.TEMPORAL_NAMESPACE,
    dbFilename,
    logFile: path.join(path.dirname(dbFilename), 'temporal-dev-server.log'),
    retentionDays: config.TEMPORAL_RETENTION_DAYS,
    codecEndpoint: codecEndpointOf(config),
  });
}

if (require.main === module) {
  const config = loadConfig();
  void startConfiguredDevServer(config).then((server) => {
    process.stderr.write(
      `Temporal dev server on ${server.address}, Web UI ${server.uiUrl}, state in ${config.TEMPORAL_DEV_SERVER_DB}\n`,
    );
    const shutdown = () => void server.stop().then(() => process.exit(0));
    process.once('SIGINT', shutdown);
    process.once('SIGTERM', shutdown);
  });
}
