/**
 * The database client: SQLite for a `file:` URL (default), PostgreSQL for a `postgres(ql)://` URL.
 * Both clients are generated from the same models (prisma/models.prisma), so the rest of the code
 * uses one type, `Db`, whichever database is behind it.
 *
 * Run migrations first (`migrateDatabase` from prisma/migrate.ts): `createDb` does not touch the schema.
 */
import { PrismaClient as PostgresClient } from './generated/postgresql/client';
import { Prisma, PrismaClient as SqliteClient } from './generated/sqlite/client';
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

export function createDb(databaseUrl: string = DEFAULT_DATABASE_URL): Db {
  const provider = providerOf(databaseUrl);
  const adapter = createAdapter(databaseUrl);
  const db =
    provider === 'sqlite'
      ? new SqliteClient({ adapter: adapter.factory })
      : // Same models, other generated class: the cast is sound for everything `Db` exposes (see above).
        (new PostgresClient({ adapter: adapter.factory }) as unknown as Db);
  closers.set(db, adapter.close);
  providers.set(db, provider);
  return db;
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
 * model query, or P2010 from a raw statement (./sql.ts) whose driver error is of that kind.
 */
export function isUniqueViolation(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, meta } = error as {
    code?: unknown;
    meta?: { driverAdapterError?: { cause?: { kind?: unknown } } };
  };
  return (
    code === 'P2002' ||
    (code === 'P2010' && meta?.driverAdapterError?.cause?.kind === 'UniqueConstraintViolation')
  );
}

export { DEFAULT_DATABASE_URL, providerOf };
export type { Provider };
