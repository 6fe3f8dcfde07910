/**
 * Which database a DATABASE_URL points at, and the Prisma driver adapter for it. Shared by the
 * client (prisma/db.ts) and the migration runner (prisma/migrate.ts), so both read a URL the same way.
 */
import fs from 'node:fs';
import path from 'node:path';
import { PrismaPg } from '@prisma/adapter-pg';
import type { SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import { Pool } from 'pg';
import { sqliteAdapterFactory } from './sqlite-adapter';

export type Provider = 'sqlite' | 'postgresql';
export const PROVIDERS: readonly Provider[] = ['sqlite', 'postgresql'];

export const DEFAULT_DATABASE_URL = 'file:./data/inburgering.db';

export function providerOf(databaseUrl: string): Provider {
  if (databaseUrl.startsWith('file:')) return 'sqlite';
  if (/^postgres(ql)?:\/\//.test(databaseUrl)) return 'postgresql';
  throw new Error('DATABASE_URL must start with file: (SQLite) or postgres(ql):// (PostgreSQL)');
}

/** `file:./data/x.db` → `./data/x.db` (relative to the working directory, like Prisma's CLI). */
export function sqlitePath(databaseUrl: string): string {
  return databaseUrl.slice('file:'.length).replace(/\?.*$/, '');
}

/** A driver adapter factory plus how to release what it holds (the pg pool keeps the process alive). */
export interface AdapterHandle {
  factory: SqlMigrationAwareDriverAdapterFactory;
  close(): Promise<void>;
}

/**
 * `purpose` 'migrate': the migration runner's adapter (on SQLite one connection, no separate reader:
 * its engine may read what it has just written in a transaction of its own).
 */
export function createAdapter(databaseUrl: string, purpose: 'app' | 'migrate' = 'app'): AdapterHandle {
  if (providerOf(databaseUrl) === 'sqlite') {
    const file = sqlitePath(databaseUrl);
    // better-sqlite3 creates the file but not its folder (data/ is git-ignored, absent on a fresh clone).
    if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    // Busy timeout: wait for a lock held by another process (API and worker share the file) instead
    // of failing; see prisma/sqlite-adapter.ts for why queries and transactions share one lock.
    return {
      factory: sqliteAdapterFactory(file, 10_000, { readConnection: purpose === 'app' }),
      close: async () => {},
    };
  }
  // Our own pool, so that we can end it: the adapter leaves an external pool open on dispose.
  const pool = new Pool({ connectionString: databaseUrl, max: 10 });
  // An idle connection that the server closes (restart, failover, admin) emits 'error' on the pool;
  // without a listener that would crash the process. The pool replaces the connection by itself.
  pool.on('error', (error) => console.warn(`PostgreSQL pool: idle connection lost (${error.message})`));
  return { factory: new PrismaPg(pool), close: () => pool.end() };
}
