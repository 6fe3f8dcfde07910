/**
 * The hot write path's transactions on the driver adapter itself: the same connection (SQLite) or
 * pool (PostgreSQL) as the Prisma client, the same adapter package, the same statements as
 * `./sql.ts` builds, but without Prisma's query interpreter and its interactive-transaction
 * manager in between.
 *
 * Why (README.md, *Dependency notes*; bench/README.md has the measurements): a raw statement
 * through the client still costs Prisma's JavaScript ~0.2 ms of CPU per statement, and an
 * interactive transaction more again, against ~0.1 ms for SQLite's own work. A workflow step and a
 * koppeling are one transaction of eight to ten statements each, so about half of what they cost
 * over a raw Temporal workflow was the ORM's per-statement work. Only those transactions come
 * here (`recordStep`, a new person with its audit row); every other query keeps the client.
 *
 * It is the protocol Prisma's own transaction manager follows with an adapter whose transactions
 * say `usePhantomQuery: false` (both official adapters used here): `startTransaction()` (the adapter
 * sends BEGIN, on SQLite `./sqlite-adapter.ts` makes it BEGIN IMMEDIATE under its lock), the
 * statements, then `COMMIT` as a statement and `commit()` to give the connection back; on an error
 * `ROLLBACK` and `rollback()`.
 *
 * What differs from `$queryRaw`: rows come back as the driver gives them (numbers, strings, null;
 * a date column as stored, not as a `Date`), so the statements here read only numbers and text.
 * An error is the adapter's `DriverAdapterError` (`isUniqueViolation` in ./db.ts knows it too).
 */
import {
  ColumnTypeEnum,
  type SqlDriverAdapter,
  type SqlMigrationAwareDriverAdapterFactory,
  type SqlQuery,
  type SqlQueryable,
  type SqlResultSet,
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
      const tx = await (await adapter()).startTransaction();
      let value;
      try {
        value = await work(rawSqlOn(provider, tx));
        await tx.executeRaw(COMMIT);
      } catch (error) {
        try {
          await tx.executeRaw(ROLLBACK);
        } catch {
          // The connection may be gone (the error above says why); the transaction ends with it.
        } finally {
          await tx.rollback();
        }
        throw error;
      }
      await tx.commit();
      return value;
    },
  };
}
