/**
 * The database client: SQLite for a `file:` URL (default), PostgreSQL for a `postgres(ql)://` URL.
 * Both clients are generated from the same models (prisma/models.prisma), so the rest of the code
 * uses one type, `Db`, whichever database is behind it.
 *
 * Run migrations first (`migrateDatabase` from prisma/migrate.ts): `createDb` does not touch the schema.
 */
import { PrismaClient as PostgresClient } from './generated/postgresql/client';
import { Prisma, PrismaClient as SqliteClient } from './generated/sqlite/client';
import { capturingFactory, directSql, type DirectSql, type DirectTransaction } from './direct';
import { createAdapter, DEFAULT_DATABASE_URL, providerOf, type Provider } from './provider';

/**
 * The client type for either database. The PostgreSQL client has the same model API (same models);
 * it only accepts a few extra PostgreSQL-only options (e.g. `mode: 'insensitive'`), which the code
 * must not use so that SQLite keeps working.
 */
export type Db = SqliteClient;
/** The client inside `db.$transaction(async (tx) => ...)`. */
export type DbTransaction = Prisma.TransactionClient;
export { Prisma };

const closers = new WeakMap<Db, () => Promise<void>>();
const providers = new WeakMap<Db, Provider>();
const directs = new WeakMap<Db, DirectSql>();

export function createDb(databaseUrl: string = DEFAULT_DATABASE_URL): Db {
  const provider = providerOf(databaseUrl);
  const adapter = createAdapter(databaseUrl);
  // The client's connection, kept for the hot path's direct transactions (./direct.ts).
  const { factory, connection } = capturingFactory(adapter.factory);
  const db =
    provider === 'sqlite'
      ? new SqliteClient({ adapter: factory })
      : // Same models, other generated class: the cast is sound for everything `Db` exposes (see above).
        (new PostgresClient({ adapter: factory }) as unknown as Db);
  closers.set(db, adapter.close);
  providers.set(db, provider);
  directs.set(
    db,
    directSql(provider, connection, () => db.$connect()),
  );
  return db;
}

function directOf(db: Db): DirectSql {
  const direct = directs.get(db);
  if (!direct) throw new Error('direct statements: this client was not made by createDb');
  return direct;
}

/**
 * A transaction of raw statements on the client's own connection, past Prisma's query engine
 * (./direct.ts says when and why): `await directTransaction(db)(async (tx) => …)`.
 */
export function directTransaction(db: Db): DirectTransaction {
  return directOf(db).transaction;
}

/** One raw statement outside a transaction, past Prisma's query engine (./direct.ts). */
export function directQuery<T = Record<string, unknown>>(db: Db, sql: Prisma.Sql): Promise<T[]> {
  return directOf(db).query<T>(sql);
}

/** Disconnects the client and ends the PostgreSQL pool (which would keep the process alive ~10 s). */
export async function closeDb(db: Db): Promise<void> {
  await db.$disconnect();
  await closers.get(db)?.();
  closers.delete(db);
}

/** The database behind a client (for the rare query that must differ, e.g. raw SQL). */
export function dbProvider(db: Db): Provider {
  return providers.get(db) ?? 'sqlite';
}

/**
 * True when a write failed on a unique constraint, e.g. a retried insert: Prisma error P2002 from a
 * model query, P2010 from a raw statement (./sql.ts) whose driver error is of that kind, or that
 * driver error itself from a direct transaction (./direct.ts).
 */
export function isUniqueViolation(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, meta, name, cause } = error as {
    code?: unknown;
    name?: unknown;
    cause?: { kind?: unknown };
    meta?: { driverAdapterError?: { cause?: { kind?: unknown } } };
  };
  return (
    code === 'P2002' ||
    (code === 'P2010' && meta?.driverAdapterError?.cause?.kind === 'UniqueConstraintViolation') ||
    (name === 'DriverAdapterError' && cause?.kind === 'UniqueConstraintViolation')
  );
}

export { DEFAULT_DATABASE_URL, providerOf };
export type { Provider };
export type { DirectTransaction, RawSql } from './direct';
