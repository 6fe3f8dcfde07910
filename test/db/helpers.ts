/**
 * Databases for tests: a SQLite file per test file, and, when a PostgreSQL server is reachable, a
 * database of its own per test file (created and dropped here), so files can run in parallel.
 *
 * PostgreSQL is found through TEST_POSTGRES_URL, default
 *   postgresql://inburgering_test:inburgering_test@127.0.0.1:5432/inburgering_test
 * (what scripts/ci-postgres.sh sets up; .ci/run calls it). The role needs CREATEDB. When no server
 * answers, the PostgreSQL tests are skipped with a notice on the console, never silently; with
 * CI=true they fail instead.
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { closeDb, createDb, isUniqueViolation, type Db } from '../../prisma/db';
import { migrateDatabase } from '../../prisma/migrate';
import type { Provider } from '../../prisma/provider';

export const TEST_POSTGRES_URL =
  process.env.TEST_POSTGRES_URL ??
  'postgresql://inburgering_test:inburgering_test@127.0.0.1:5432/inburgering_test';

let reachable: boolean | undefined;

/**
 * Asked synchronously (a child process tries to connect), because jest decides at collection
 * time whether a `describe` runs or is skipped.
 */
export function postgresReachable(): boolean {
  if (reachable !== undefined) return reachable;
  const probe = `const { Client } = require('pg'); const c = new Client({ connectionString: process.argv[1], connectionTimeoutMillis: 3000 });
    c.connect().then(() => c.end()).then(() => process.exit(0), () => process.exit(1));`;
  try {
    execFileSync(process.execPath, ['-e', probe, TEST_POSTGRES_URL], {
      cwd: path.join(__dirname, '../..'),
      stdio: 'ignore',
      timeout: 10_000,
    });
    reachable = true;
  } catch {
    reachable = false;
  }
  return reachable;
}

/** The providers to run a suite against; PostgreSQL only when reachable, with a visible notice. */
export function providersUnderTest(suite: string): { provider: Provider; run: boolean }[] {
  const pg = postgresReachable();
  if (!pg && process.env.CI === 'true') {
    // CI installs PostgreSQL (scripts/test-deps.sh): there a missing server is a failure, not a skip.
    throw new Error(
      `[${suite}] CI=true but no PostgreSQL at TEST_POSTGRES_URL (${redact(TEST_POSTGRES_URL)})`,
    );
  }
  if (!pg) {
    // console.warn shows in jest's output with the file name: the skip is visible.
    console.warn(
      `[${suite}] PostgreSQL tests SKIPPED: no server at TEST_POSTGRES_URL (${redact(TEST_POSTGRES_URL)}). ` +
        'Run scripts/ci-postgres.sh (as root) or set TEST_POSTGRES_URL to run them.',
    );
  }
  return [
    { provider: 'sqlite', run: true },
    { provider: 'postgresql', run: pg },
  ];
}

const redact = (url: string): string => url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

/** An empty database of its own: a temp SQLite file, or a fresh PostgreSQL database. */
export async function createTestDatabase(provider: Provider, name: string): Promise<TestDatabase> {
  const id = `${name.replace(/[^a-z0-9]/gi, '_').toLowerCase()}_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  if (provider === 'sqlite') {
    const dir = process.env.TEST_RUN_DIR ?? os.tmpdir();
    return { url: `file:${path.join(dir, `db-${id}.db`)}`, drop: async () => {} };
  }
  const dbName = `t_${id}`.slice(0, 63);
  await withAdmin((c) => c.query(`CREATE DATABASE "${dbName}"`));
  const url = new URL(TEST_POSTGRES_URL);
  url.pathname = `/${dbName}`;
  return {
    url: url.toString(),
    drop: () => dropDatabase(dbName),
  };
}

/**
 * Drops politely first: a closed client's connections end a moment after `pool.end()` resolves.
 * Only if they linger is the drop forced (which terminates them).
 */
async function dropDatabase(name: string): Promise<void> {
  for (let attempt = 0; attempt < 20; attempt++) {
    try {
      await withAdmin((c) => c.query(`DROP DATABASE IF EXISTS "${name}"`));
      return;
    } catch (error) {
      if ((error as { code?: string }).code !== '55006') throw error; // 55006: still in use
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  await withAdmin((c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
}

async function withAdmin<T>(work: (c: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: TEST_POSTGRES_URL });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** A migrated database with a client; `close` disconnects and drops it. */
export async function openMigratedDb(
  provider: Provider,
  name: string,
): Promise<{ db: Db; url: string; close(): Promise<void> }> {
  const database = await createTestDatabase(provider, name);
  await migrateDatabase(database.url);
  const db = createDb(database.url);
  return {
    db,
    url: database.url,
    close: async () => {
      await closeDb(db);
      await database.drop();
    },
  };
}

/** Asserts that a write was refused by a unique constraint (Prisma P2002). */
export async function expectUniqueViolation(write: Promise<unknown>): Promise<void> {
  const outcome = await write.then(
    () => 'written',
    (error: unknown) => (isUniqueViolation(error) ? 'unique violation' : error),
  );
  expect(outcome).toBe('unique violation');
}

/** A minimal Inburgeraar row (no personal data) for tests of the connection and transactions. */
export const inburgeraarRow = (id = randomUUID()) => ({
  id,
  workflowId: `inburgering-${id}`,
  koppelingRef: `ref-${id}`,
  coachId: 'coach-1',
  doelgroep: 'asielstatushouder',
});

/** Whether the Inburgeraar row `id` is stored. */
export const inburgeraarExists = async (db: Db, id: string): Promise<boolean> =>
  (await db.inburgeraar.count({ where: { id } })) === 1;
