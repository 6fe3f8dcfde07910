/**
 * Migrations without Prisma's native schema engine (the CLI downloads it and fails offline): this
 * drives Prisma's WASM schema engine (@prisma/schema-engine-wasm) through a driver adapter, see
 * ../shared/prisma-offline.md. Prisma's own `_prisma_migrations` table records what ran, so the
 * folders stay compatible with `prisma migrate deploy` where the native engine is available.
 *
 * Layout per provider (prisma/sqlite, prisma/postgresql):
 *   datasource.prisma, models.prisma (symlink to ../models.prisma)
 *   migrations/migration_lock.toml
 *   migrations/<timestamp>_<name>/migration.sql
 *   migrations/<timestamp>_<name>/schema.prisma.snapshot   the schema this migration leads to; the next
 *                                                  migration is the diff from it to the models.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { MigrationList, SchemaEngine } from '@prisma/schema-engine-wasm' with {
  'resolution-mode': 'import',
};
import {
  bindMigrationAwareSqlAdapterFactory,
  ColumnTypeEnum,
  mockMigrationAwareAdapterFactory,
  type SqlDriverAdapter,
  type SqlMigrationAwareDriverAdapterFactory,
} from '@prisma/driver-adapter-utils';
import {
  createAdapter,
  providerOf,
  PROVIDERS,
  sqlitePath,
  type AdapterHandle,
  type Provider,
} from './provider';

export const PRISMA_DIR = __dirname;
const FILTERS = { externalTables: [], externalEnums: [] };
// Not `*.prisma`: Prisma reads every *.prisma file under the schema folder, migrations included.
const SCHEMA_COPY = 'schema.prisma.snapshot';

/** `root` is the prisma/ folder; tests pass a copy of it to try schema changes. */
export const providerDir = (provider: Provider, root = PRISMA_DIR): string => path.join(root, provider);
export const migrationsDir = (provider: Provider, root = PRISMA_DIR): string =>
  path.join(providerDir(provider, root), 'migrations');

// ---------------------------------------------------------------------------------------------
// The engine

type EngineModule = typeof import('@prisma/schema-engine-wasm', { with: { 'resolution-mode': 'import' } });

/** The little of the WebAssembly API used here (our tsconfig has no DOM lib, @types/node lacks it). */
type WasmImports = Record<string, unknown>;
interface WasmApi {
  instantiate(
    bytes: Buffer,
    imports: Record<string, WasmImports>,
  ): Promise<{ instance: { exports: Record<string, unknown> } }>;
}
const { WebAssembly } = globalThis as unknown as { WebAssembly: WasmApi };
let engineModule: Promise<EngineModule> | undefined;

/**
 * Loads the WASM engine once per process. The package's JS glue is an ES module; jest's module
 * loader cannot load ES modules from node_modules (not even through createRequire), and CommonJS
 * cannot `import` it synchronously. The glue is a flat list of `export function` / `export class`
 * declarations (wasm-bindgen output), so it is evaluated here as a function body that returns
 * them: the same path in jest, tsx and plain node. An unexpected shape fails loudly.
 */
function loadEngineModule(): Promise<EngineModule> {
  engineModule ??= (async () => {
    const dir = path.dirname(require.resolve('@prisma/schema-engine-wasm/schema_engine_bg'));
    const bg = loadGlue(path.join(dir, 'schema_engine_bg.js'));
    const { instance } = await WebAssembly.instantiate(
      fs.readFileSync(path.join(dir, 'schema_engine_bg.wasm')),
      {
        './schema_engine_bg.js': withUnrefTimers(bg),
      },
    );
    (bg.__wbg_set_wasm as (exports: Record<string, unknown>) => void)(instance.exports);
    (instance.exports.__wbindgen_start as () => void)();
    return bg as unknown as EngineModule;
  })();
  return engineModule;
}

function loadGlue(file: string): Record<string, unknown> {
  const names: string[] = [];
  const body = fs
    .readFileSync(file, 'utf8')
    .replace(/^export (function|class) ([\w$]+)/gm, (_all, kind: string, name: string) => {
      names.push(name);
      return `${kind} ${name}`;
    });
  if (/^(export|import)\b/m.test(body) || !names.includes('SchemaEngine'))
    throw new Error(`unexpected module shape: ${file}`);
  return new Function('module', `${body}\nreturn { ${names.join(', ')} };`)(module) as Record<
    string,
    unknown
  >;
}

/**
 * The engine arms 10-second timers (PostgreSQL lock timeouts) that outlive its work and would keep
 * a CLI process alive: unref them, so they never hold the process open by themselves.
 */
function withUnrefTimers(bg: Record<string, unknown>): WasmImports {
  const imports = { ...bg } as Record<string, (...args: unknown[]) => unknown>;
  for (const name of Object.keys(imports).filter((n) => n.startsWith('__wbg_setTimeout_'))) {
    const original = imports[name]!;
    imports[name] = (...args) => {
      const timer = original(...args);
      (timer as { unref?: () => void } | undefined)?.unref?.();
      return timer;
    };
  }
  return imports;
}

/**
 * Runs `work` with an engine on the given adapter, then frees the engine and closes every
 * connection it opened: `free()` does not, and an open SQLite connection would hold a lock that
 * makes the next engine in the same process (status, then apply) time out.
 */
async function withEngine<T>(
  provider: Provider,
  root: string,
  adapter: AdapterHandle,
  work: (engine: SchemaEngine) => Promise<T>,
): Promise<T> {
  const { SchemaEngine } = await loadEngineModule();
  const opened: SqlDriverAdapter[] = [];
  const track = (connect: () => Promise<SqlDriverAdapter>) => async () => {
    const connection = await connect();
    opened.push(connection);
    return connection;
  };
  const factory = adapter.factory;
  const tracked: SqlMigrationAwareDriverAdapterFactory = {
    provider: factory.provider,
    adapterName: factory.adapterName,
    connect: track(() => factory.connect()),
    connectToShadowDb: track(() => factory.connectToShadowDb()),
  };
  const engine = await SchemaEngine.new(
    { datamodels: schemaFiles(provider, root).map((f) => [f.path, f.content]) },
    // Engine log lines (JSON); only shown when debugging migrations.
    (line: string) => process.env.DEBUG_MIGRATIONS && console.error(line),
    bindMigrationAwareSqlAdapterFactory(tracked),
  );
  try {
    return await work(engine);
  } finally {
    engine.free();
    await Promise.allSettled(opened.map((c) => c.dispose()));
    await adapter.close();
  }
}

// ---------------------------------------------------------------------------------------------
// Files

export interface SchemaFile {
  path: string;
  content: string;
}

/** The provider's schema as the engine sees it: its datasource file plus the shared models. */
export function schemaFiles(provider: Provider, root = PRISMA_DIR): SchemaFile[] {
  return ['datasource.prisma', 'models.prisma'].map((name) => {
    const file = path.join(providerDir(provider, root), name);
    return { path: file, content: fs.readFileSync(file, 'utf8') };
  });
}

export function migrationNames(provider: Provider, root = PRISMA_DIR): string[] {
  const dir = migrationsDir(provider, root);
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && fs.existsSync(path.join(dir, e.name, 'migration.sql')))
    .map((e) => e.name)
    .sort();
}

function migrationsList(provider: Provider, root: string): MigrationList {
  const baseDir = migrationsDir(provider, root);
  const lockPath = path.join(baseDir, 'migration_lock.toml');
  return {
    baseDir,
    lockfile: {
      path: 'migration_lock.toml',
      content: fs.existsSync(lockPath) ? fs.readFileSync(lockPath, 'utf8') : null,
    },
    shadowDbInitScript: '',
    migrationDirectories: migrationNames(provider, root).map((name) => ({
      path: name,
      migrationFile: {
        path: 'migration.sql',
        content: { tag: 'ok', value: fs.readFileSync(path.join(baseDir, name, 'migration.sql'), 'utf8') },
      },
    })),
  };
}

// ---------------------------------------------------------------------------------------------
// Apply and status

/**
 * Applies the migrations not yet applied (idempotent: a second run applies nothing). Called by the
 * start script and the tests; `npm run db:migrate` calls it from the command line.
 */
export async function migrateDatabase(
  databaseUrl: string,
  root = PRISMA_DIR,
): Promise<{ applied: string[] }> {
  const provider = providerOf(databaseUrl);
  const applied = await withEngine(provider, root, createAdapter(databaseUrl, 'migrate'), async (engine) => {
    const out = await engine.applyMigrations({
      migrationsList: migrationsList(provider, root),
      filters: FILTERS,
    });
    return out.appliedMigrationNames;
  });
  if (provider === 'sqlite') useWriteAheadLog(sqlitePath(databaseUrl));
  return { applied };
}

/**
 * The API and the worker are separate processes on one SQLite file: in WAL mode readers do not
 * wait for a writer. The mode is stored in the file, so setting it once (here, at start) suffices.
 */
function useWriteAheadLog(file: string): void {
  if (file === ':memory:') return;
  const connection = new Database(file, { timeout: 10_000 });
  try {
    connection.pragma('journal_mode = WAL');
  } finally {
    connection.close();
  }
}

export interface MigrationStatus {
  provider: Provider;
  migrations: string[];
  /** In the folder, not yet applied to the database. */
  pending: string[];
  failed: string[];
  edited: string[];
  /** Applied to the database but missing from the folder (another branch?). */
  unknownToFolder: string[];
  upToDate: boolean;
}

export async function migrationStatus(databaseUrl: string, root = PRISMA_DIR): Promise<MigrationStatus> {
  const provider = providerOf(databaseUrl);
  const migrations = migrationNames(provider, root);
  const out = await withEngine(provider, root, createAdapter(databaseUrl, 'migrate'), (engine) =>
    engine.diagnoseMigrationHistory({
      migrationsList: migrationsList(provider, root),
      optInToShadowDatabase: false,
      filters: FILTERS,
    }),
  ).catch((error: unknown) => {
    // A database that never saw a migration has no _prisma_migrations table: everything is pending.
    if (error instanceof Error && /_prisma_migrations` does not exist/.test(error.message)) return undefined;
    throw error;
  });
  if (!out)
    return {
      provider,
      migrations,
      pending: migrations,
      failed: [],
      edited: [],
      unknownToFolder: [],
      upToDate: migrations.length === 0,
    };
  const h = out.history;
  const pending =
    h && 'unappliedMigrationNames' in h
      ? h.unappliedMigrationNames
      : !out.hasMigrationsTable
        ? migrations
        : [];
  const unknownToFolder = h && 'unpersistedMigrationNames' in h ? h.unpersistedMigrationNames : [];
  const status = {
    provider,
    migrations,
    pending,
    failed: out.failedMigrationNames,
    edited: out.editedMigrationNames,
    unknownToFolder,
  };
  return {
    ...status,
    upToDate: [pending, status.failed, status.edited, unknownToFolder].every((l) => l.length === 0),
  };
}

// ---------------------------------------------------------------------------------------------
// Create

/**
 * A schema-to-schema diff needs no database, but the engine wants an adapter of the right kind:
 * Prisma's mock adapter fails every query, which proves nothing is read from a live database. The
 * one exception: on start the PostgreSQL engine asks for the server version, so that single query
 * is answered with PostgreSQL 15 (the version we run and test against).
 */
function diffOnlyAdapter(provider: Provider): AdapterHandle {
  const mock = mockMigrationAwareAdapterFactory(provider === 'postgresql' ? 'postgres' : 'sqlite');
  if (provider === 'sqlite') return { factory: mock, close: async () => {} };
  const connect = async (): Promise<SqlDriverAdapter> => {
    const adapter = await mock.connect();
    const queryRaw: SqlDriverAdapter['queryRaw'] = (query) =>
      query.sql.includes('server_version_num')
        ? Promise.resolve({
            columnNames: ['exists', 'version', 'numeric_version'],
            columnTypes: [ColumnTypeEnum.Boolean, ColumnTypeEnum.Text, ColumnTypeEnum.Int32],
            rows: [[true, 'PostgreSQL 15.0 (offline diff)', 150000]],
          })
        : adapter.queryRaw(query);
    return { ...adapter, queryRaw };
  };
  return { factory: { ...mock, connect, connectToShadowDb: connect }, close: async () => {} };
}

/** The schema copy of the newest migration, or undefined before the first one. */
function lastSchemaCopy(provider: Provider, root: string): string | undefined {
  const last = migrationNames(provider, root).at(-1);
  if (!last) return undefined;
  const copy = path.join(migrationsDir(provider, root), last, SCHEMA_COPY);
  if (!fs.existsSync(copy))
    throw new Error(`${copy} is missing: every migration keeps the schema it leads to`);
  return fs.readFileSync(copy, 'utf8');
}

/** The SQL that takes the schema of the last migration to the current models ('' when nothing changed). */
export async function diffSinceLastMigration(provider: Provider, root = PRISMA_DIR): Promise<string> {
  const current = schemaFiles(provider, root);
  const previous = lastSchemaCopy(provider, root);
  const out = await withEngine(provider, root, diffOnlyAdapter(provider), (engine) =>
    engine.diff({
      from:
        previous === undefined
          ? { tag: 'empty' }
          : { tag: 'schemaDatamodel', files: [{ path: SCHEMA_COPY, content: previous }] },
      to: { tag: 'schemaDatamodel', files: current },
      script: true,
      exitCode: null,
      filters: FILTERS,
    }),
  );
  const sql = out.stdout ?? '';
  return /^\s*(-- This is an empty migration\.)?\s*$/.test(sql) ? '' : sql;
}

export interface CreatedMigration {
  provider: Provider;
  name: string;
  dir: string;
}

/** `20260131120000` in UTC, the prefix Prisma uses, so folder order is creation order. */
export function migrationTimestamp(now: Date): string {
  return now.toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

/**
 * Writes a new migration for every provider whose models changed since its last migration, with the
 * same folder name for both. Returns nothing for a provider without changes.
 */
export async function createMigration(
  name: string,
  now: Date = new Date(),
  root = PRISMA_DIR,
): Promise<CreatedMigration[]> {
  if (!/^[a-z0-9_]+$/.test(name)) throw new Error('migration name: lower-case letters, digits and _ only');
  const folder = `${migrationTimestamp(now)}_${name}`;
  const created: CreatedMigration[] = [];
  for (const provider of PROVIDERS) {
    const sql = await diffSinceLastMigration(provider, root);
    if (!sql) continue;
    const dir = path.join(migrationsDir(provider, root), folder);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'migration.sql'), sql);
    fs.writeFileSync(path.join(dir, SCHEMA_COPY), schemaCopy(provider, root));
    writeLockfile(provider, root);
    created.push({ provider, name: folder, dir });
  }
  return created;
}

/** The schema as one file (generated header + datasource + models), kept beside a migration. */
function schemaCopy(provider: Provider, root: string): string {
  const header =
    '// Copy of the schema this migration leads to (written by `npm run db:migration:create`; do not edit).\n';
  return (
    header +
    schemaFiles(provider, root)
      .map((f) => f.content)
      .join('\n')
  );
}

function writeLockfile(provider: Provider, root: string): void {
  const lock = path.join(migrationsDir(provider, root), 'migration_lock.toml');
  if (fs.existsSync(lock)) return;
  fs.writeFileSync(
    lock,
    `# Please do not edit this file manually\n# It should be added in your version-control system (e.g., Git)\nprovider = "${provider}"\n`,
  );
}
