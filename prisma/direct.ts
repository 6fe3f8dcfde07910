/**
 * The hot path's statements on the driver adapter itself: the same connection (SQLite) or pool
 * (PostgreSQL) as the Prisma client, the same adapter package, the same statements as `./sql.ts`
 * builds, but without Prisma's query interpreter and its interactive-transaction manager in
 * between.
 *
 * Why (README.md, *Dependency notes*; bench/README.md has the measurements): a raw statement
 * through the client still costs Prisma's JavaScript ~0.2 ms of CPU per statement, and an
 * interactive transaction more again, against ~0.1 ms for SQLite's own work. A workflow step and a
 * koppeling are one transaction of eight to ten statements each, so about half of what they cost
 * over a raw Temporal workflow was the ORM's per-statement work. What comes here: `recordStep`'s
 * transaction when the step has no notifications, a new person with its audit row, the API's
 * single audit entries (`appendAuditEventsNow`), and the per-request look-ups (API key, person,
 * coach). Every other query keeps the client.
 *
 * A transaction follows the protocol of Prisma's own transaction manager with adapters whose
 * transactions say `usePhantomQuery: false` (both official adapters used here):
 * `startTransaction()` (the adapter sends BEGIN, on SQLite `./sqlite-adapter.ts` makes it BEGIN
 * IMMEDIATE under its lock), the statements, then `COMMIT` as a statement and `commit()` to give the
 * connection back; on an error `ROLLBACK` and `rollback()`. Two differences: after a failed COMMIT
 * it also sends ROLLBACK (on SQLite a failed COMMIT can leave the transaction open), and, as
 * Prisma's `maxWait`, it gives up when no connection was free within `START_TIMEOUT_MS` (another
 * process holding SQLite's write lock counts too: `./sqlite-adapter.ts` waits 10 s for that).
 * Prisma's `timeout` for a transaction that runs too long has no counterpart: the statements here
 * are a few milliseconds' work and wait for nothing but the database.
 *
 * Rows come back as `$queryRaw` types them, with one difference: date-time columns as `Date`s,
 * boolean columns as booleans, but 64-bit integers (a PostgreSQL `COUNT`) as numbers, not
 * `BigInt`s (a value beyond 2^53 stays a `BigInt`). An error is the adapter's `DriverAdapterError`
 * (`isUniqueViolation` in ./db.ts knows it too).
 */
import {
  ColumnTypeEnum,
  type SqlDriverAdapter,
  type SqlMigrationAwareDriverAdapterFactory,
  type SqlQuery,
  type SqlQueryable,
  type SqlResultSet,
  type Transaction,
} from '@prisma/driver-adapter-utils';
import { Prisma } from './generated/sqlite/client';
import type { Provider } from './provider';

/** What the hot path's SQL helpers need of a transaction: a Prisma one or a direct one. */
export interface RawSql {
  $executeRaw(query: TemplateStringsArray | Prisma.Sql, ...values: unknown[]): Promise<number>;
  $queryRaw<T = unknown>(query: TemplateStringsArray | Prisma.Sql, ...values: unknown[]): Promise<T>;
}

/** Runs `work` in one transaction on the adapter's connection. */
export type DirectTransaction = <T>(work: (tx: RawSql) => Promise<T>) => Promise<T>;

/**
 * The client's adapter factory, wrapped so that the connection the client opens is kept for the
 * direct transactions (one connection and one lock on SQLite, one pool on PostgreSQL).
 */
export function capturingFactory(factory: SqlMigrationAwareDriverAdapterFactory): {
  factory: SqlMigrationAwareDriverAdapterFactory;
  connection: () => SqlDriverAdapter | undefined;
} {
  let connection: SqlDriverAdapter | undefined;
  return {
    factory: {
      provider: factory.provider,
      adapterName: factory.adapterName,
      connect: async () => {
        const adapter = await factory.connect();
        // Once the client lets it go ($disconnect), the next direct statement waits for a new one.
        const dispose = adapter.dispose.bind(adapter);
        adapter.dispose = async () => {
          if (connection === adapter) connection = undefined;
          await dispose();
        };
        connection = adapter;
        return adapter;
      },
      connectToShadowDb: () => factory.connectToShadowDb(),
    },
    connection: () => connection,
  };
}

/** A tagged template's parts, or a statement built already, as one `Prisma.Sql`. */
const sqlOf = (query: TemplateStringsArray | Prisma.Sql, values: unknown[]): Prisma.Sql =>
  query instanceof Prisma.Sql ? query : Prisma.sql(query, ...values);

const UNKNOWN = { scalarType: 'unknown', arity: 'scalar' } as const;
const DATETIME = { scalarType: 'datetime', arity: 'scalar' } as const;

/** A `Prisma.Sql` as the adapter takes it: `?` placeholders for SQLite, `$1` for PostgreSQL. */
export function adapterQuery(provider: Provider, sql: Prisma.Sql): SqlQuery {
  const args = sql.values;
  return {
    sql: provider === 'sqlite' ? sql.sql : sql.text,
    args,
    argTypes: args.map((value) => (value instanceof Date ? DATETIME : UNKNOWN)),
  };
}

/** A 64-bit integer (a string from `pg`, a number or BigInt from SQLite) as a number when it fits. */
function integer(value: unknown): unknown {
  if (typeof value !== 'string' && typeof value !== 'bigint') return value;
  const n = Number(value);
  return Number.isSafeInteger(n) ? n : BigInt(value);
}

/**
 * The rows of a result set as objects keyed by column name. A column the database declares as a
 * date-time becomes a `Date` and one declared boolean a boolean, as `$queryRaw` gives them; a
 * computed column stays as the driver gives it (on SQLite a comparison is 0 or 1).
 */
function rowsOf(result: SqlResultSet): Array<Record<string, unknown>> {
  const { columnNames, columnTypes, rows } = result;
  const convert = columnTypes.map((type) =>
    type === ColumnTypeEnum.DateTime
      ? (value: unknown) => (typeof value === 'string' ? new Date(value) : value)
      : type === ColumnTypeEnum.Boolean
        ? (value: unknown) => (value === null ? null : Boolean(value))
        : type === ColumnTypeEnum.Int64
          ? integer
          : undefined,
  );
  return rows.map((row) => {
    const object: Record<string, unknown> = {};
    for (let i = 0; i < columnNames.length; i += 1) {
      const value = row[i];
      const to = convert[i];
      object[columnNames[i]!] = to ? to(value) : value;
    }
    return object;
  });
}

const COMMIT: SqlQuery = { sql: 'COMMIT', args: [], argTypes: [] };
const ROLLBACK: SqlQuery = { sql: 'ROLLBACK', args: [], argTypes: [] };

/** `$executeRaw` / `$queryRaw` over a queryable of the adapter (a transaction). */
export function rawSqlOn(provider: Provider, queryable: SqlQueryable): RawSql {
  return {
    $executeRaw: (query, ...values) => queryable.executeRaw(adapterQuery(provider, sqlOf(query, values))),
    $queryRaw: async <T>(query: TemplateStringsArray | Prisma.Sql, ...values: unknown[]) =>
      rowsOf(await queryable.queryRaw(adapterQuery(provider, sqlOf(query, values)))) as T,
  };
}

/** The direct statements of one client: transactions, and single reads outside one. */
export interface DirectSql {
  transaction: DirectTransaction;
  /** One statement outside a transaction (on SQLite a SELECT goes to the read-only connection). */
  query<T = Record<string, unknown>>(sql: Prisma.Sql): Promise<T[]>;
}

/**
 * Direct statements on the connection that `connection()` answers once the client has connected;
 * `connect` makes the client connect (Prisma connects lazily).
 */
export function directSql(
  provider: Provider,
  connection: () => SqlDriverAdapter | undefined,
  connect: () => Promise<void>,
): DirectSql {
  const adapter = async () => {
    const connected = connection();
    if (connected) return connected;
    await connect();
    const now = connection();
    if (!now) throw new Error('the database client connected without its adapter (prisma/direct.ts)');
    return now;
  };
  return {
    async query<T>(sql: Prisma.Sql) {
      return rowsOf(await (await adapter()).queryRaw(adapterQuery(provider, sql))) as T[];
    },
    async transaction(work) {
      const tx = await startWithin(await adapter(), START_TIMEOUT_MS);
      let value;
      try {
        value = await work(rawSqlOn(provider, tx));
        await tx.executeRaw(COMMIT);
      } catch (error) {
        await rollBack(tx);
        throw error;
      }
      await tx.commit();
      return value;
    },
  };
}

/** How long a transaction waits for its connection (Prisma's `maxWait` in AUDIT_TRANSACTION_OPTIONS). */
export const START_TIMEOUT_MS = 15_000;

/**
 * `startTransaction()`, or an error after `ms`; a transaction that starts after that is rolled back
 * at once, so its connection (and on SQLite the lock) is given back.
 */
export async function startWithin(adapter: SqlDriverAdapter, ms: number): Promise<Transaction> {
  const starting = adapter.startTransaction();
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new Error(`no database connection for a transaction within ${ms} ms (prisma/direct.ts)`));
      starting.then(rollBack, () => undefined);
    }, ms);
  });
  try {
    return await Promise.race([starting, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** ROLLBACK, then give the connection back; neither may hide the error that caused it. */
async function rollBack(tx: Transaction): Promise<void> {
  try {
    await tx.executeRaw(ROLLBACK);
  } catch {
    // The connection may be gone (the caller's error says why); the transaction ends with it.
  }
  try {
    await tx.rollback();
  } catch {
    // Giving back a broken connection failed; the pool or the lock's owner deals with it.
  }
}
