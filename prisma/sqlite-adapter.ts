/**
 * The SQLite driver adapter, made safe for concurrent requests in one process and for several
 * processes on one file (the API and the worker share it).
 *
 * Prisma's better-sqlite3 adapter (7.10) keeps one connection per client. It takes a lock for a
 * transaction, but a query outside a transaction does not wait for that lock: while request A's
 * transaction is open (between two of its statements), request B's query runs on the same
 * connection, inside A's transaction. Two things went wrong because of that, both seen under load:
 *  - a koppeling failed with a 500: SQLITE_BUSY at once on its insert, although the busy timeout
 *    is 10 s. A deferred transaction that has read (here possibly B's read) must upgrade to a
 *    write, and when the worker process committed in between, that upgrade fails at once (a stale
 *    snapshot cannot become a writer; the busy timeout does not apply);
 *  - B's write would be undone if A rolled back.
 * So here every query outside a transaction waits for the same per-connection lock as a
 * transaction (the statements are synchronous, so a single query holds it for microseconds), and
 * every transaction starts with BEGIN IMMEDIATE: it takes the file's write lock at its start and
 * never has to upgrade.
 *
 * Waiting for another process's writer must not stop this process. better-sqlite3 is synchronous,
 * and SQLite's busy timeout waits by sleeping the thread (1, 2, 5 … 100 ms at a time): the API's
 * event loop stood still while the worker committed a step, and the worker's while the API wrote a
 * koppeling (a CPU profile of the side-by-side bench put 8 s of the API's main thread in that sleep
 * for 600 koppelingen). So the connection's busy timeout is 0 outside a transaction: BEGIN
 * IMMEDIATE, or a statement outside a transaction, that finds the file locked fails at once with
 * SQLITE_BUSY, gives this connection's lock back, and is tried again after a short timer (1 ms,
 * doubling to 8 ms) until the busy timeout has passed. A statement inside a transaction already
 * holds the write lock; for the rare wait it may still meet (a WAL reader during recovery), the busy
 * timeout applies there as before.
 *
 * Reads need not queue behind writes at all: with the file in WAL mode a reader sees the last
 * commit and never waits for a writer. So the application's client (not the migration runner) gets a
 * second, read-only connection, and a SELECT outside a transaction runs there at once instead of
 * waiting for the write connection's lock (a coach's page or the API-key lookup no longer waits for
 * another request's transaction, nor for the worker's). A SELECT inside a transaction stays in it.
 */
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import {
  DriverAdapterError,
  type IsolationLevel,
  type SqlDriverAdapter,
  type SqlMigrationAwareDriverAdapterFactory,
  type SqlQuery,
  type Transaction,
} from '@prisma/driver-adapter-utils';
import { setTimeout as sleep } from 'node:timers/promises';
import { Mutex } from 'async-mutex';

/** The part of a better-sqlite3 statement that Prisma's adapter and this file use. */
interface Statement {
  readonly reader: boolean;
  run(...params: unknown[]): unknown;
  columns(): unknown[];
  raw(toggle?: boolean): Statement;
  all(...params: unknown[]): unknown[];
  bind(...params: unknown[]): Statement;
}

/** The part of better-sqlite3's Database that is used here. */
interface SqliteClient {
  prepare(sql: string): Statement;
  pragma(source: string): unknown;
}

/** Prepared statements kept per connection (Prisma's statements are a few dozen shapes). */
export const STATEMENT_CACHE_SIZE = 500;

/**
 * `client.prepare`, but each SQL text is prepared once per connection and then reused. Prisma's
 * adapter prepares every statement anew (`prepare(sql).bind(args)`), and its statements name every
 * column, so SQLite parsing them again was a sixth of the cost of a query (CPU profile of the
 * side-by-side bench: 0.16 ms of `prepare` per statement, ~10 statements per koppeling in the
 * API and as many per step in the worker). A better-sqlite3 statement can be bound only once, so
 * what `bind` answers here passes the arguments on each call instead. Statements are synchronous
 * and run to completion (`run`, `all`), so one statement is never used by two callers at a time.
 * SQLite prepares a cached statement again by itself when the schema changed (a migration).
 */
function cachingPrepare(prepare: (sql: string) => Statement): (sql: string) => Statement {
  const cache = new Map<string, Statement>();
  return (sql: string) => {
    let stmt = cache.get(sql);
    if (!stmt) {
      stmt = prepare(sql);
      if (cache.size >= STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value!);
      cache.set(sql, stmt);
    }
    return reusable(stmt);
  };
}

/**
 * A cached statement as the adapter uses it: `bind(args)` then `run()`, or `columns()` and
 * `raw().all()`. `bound` holds the arguments of a `bind`; without them each call brings its own.
 */
function reusable(stmt: Statement, bound?: unknown[]): Statement {
  const params = (own: unknown[]) => bound ?? own;
  return {
    reader: stmt.reader,
    run: (...own) => stmt.run(...params(own)),
    columns: () => stmt.columns(),
    raw: (toggle = true) => {
      stmt.raw(toggle);
      return reusable(stmt, bound);
    },
    all: (...own) => stmt.all(...params(own)),
    bind: (...own) => {
      if (bound) throw new TypeError('The bind() method can only be invoked once per statement object');
      return reusable(stmt, own);
    },
  };
}

/** The adapter's connection (it keeps it in a public field; checked, so an upgrade fails loudly). */
function clientOf(adapter: SqlDriverAdapter): SqliteClient {
  const client = (adapter as unknown as { client?: Partial<SqliteClient> }).client;
  if (!client || typeof client.prepare !== 'function' || typeof client.pragma !== 'function')
    throw new Error('the SQLite adapter no longer exposes its connection: check prisma/sqlite-adapter.ts');
  return client as SqliteClient;
}

/** SQLITE_BUSY and its extended codes, thrown by better-sqlite3 or wrapped by the adapter. */
export function isBusy(error: unknown): boolean {
  const e = error as { code?: unknown; cause?: { originalCode?: unknown } } | undefined;
  const code = e?.code ?? e?.cause?.originalCode;
  return typeof code === 'string' && code.startsWith('SQLITE_BUSY');
}

/** The waits between two tries of a statement that found the file locked. */
export const BUSY_RETRY = { firstDelayMs: 1, maxDelayMs: 8 } as const;

/** `attempt` until it does not fail with SQLITE_BUSY, waiting on timers in between, for `timeoutMs` at most. */
async function retryWhileBusy<T>(attempt: () => Promise<T>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (let delay: number = BUSY_RETRY.firstDelayMs; ; delay = Math.min(2 * delay, BUSY_RETRY.maxDelayMs)) {
    try {
      return await attempt();
    } catch (error) {
      if (!isBusy(error) || Date.now() + delay > deadline) throw error;
    }
    await sleep(delay);
  }
}

/** What the adapter's own bare BEGIN runs instead: startTransaction below has begun already. */
const ALREADY_BEGUN = { run: () => ({ changes: 0, lastInsertRowid: 0 }) } as unknown as Statement;

/** A transaction that gives the connection's lock back when it ends. */
function releasingTransaction(tx: Transaction, release: () => void): Transaction {
  let released = false;
  const end = async (finish: () => Promise<void>) => {
    try {
      await finish();
    } finally {
      if (!released) {
        released = true;
        release();
      }
    }
  };
  return {
    provider: tx.provider,
    adapterName: tx.adapterName,
    options: tx.options,
    queryRaw: (query: SqlQuery) => tx.queryRaw(query),
    executeRaw: (query: SqlQuery) => tx.executeRaw(query),
    commit: () => end(() => tx.commit()),
    rollback: () => end(() => tx.rollback()),
    createSavepoint: tx.createSavepoint && ((name: string) => tx.createSavepoint!(name)),
    rollbackToSavepoint: tx.rollbackToSavepoint && ((name: string) => tx.rollbackToSavepoint!(name)),
    releaseSavepoint: tx.releaseSavepoint && ((name: string) => tx.releaseSavepoint!(name)),
  };
}

/**
 * One connection, one lock: queries outside a transaction wait until it has ended. A statement
 * or BEGIN IMMEDIATE that finds the file locked by another connection waits on a timer, with the
 * lock given back meanwhile, never in a synchronous sleep.
 */
export function serializedConnection(
  inner: SqlDriverAdapter,
  busyTimeoutMs: number,
  reader?: SqlDriverAdapter,
): SqlDriverAdapter {
  const client = clientOf(inner);
  if (reader) {
    const readClient = clientOf(reader);
    readClient.pragma('busy_timeout = 0');
    readClient.prepare = cachingPrepare(readClient.prepare.bind(readClient));
  }
  const prepare = cachingPrepare(client.prepare.bind(client));
  client.prepare = (sql: string) => (sql === 'BEGIN' ? ALREADY_BEGUN : prepare(sql));
  client.pragma('busy_timeout = 0');
  const lock = new Mutex();

  /**
   * `work` under the lock, tried again while the file is locked (the lock given back meanwhile).
   * Answers with the lock still held when `keep` (a transaction), else released.
   */
  const whenUnlocked = <T>(work: () => T | Promise<T>, keep: boolean) =>
    retryWhileBusy(async () => {
      const release = await lock.acquire();
      try {
        const value = await work();
        if (!keep) release();
        return { value, release };
      } catch (error) {
        release();
        throw error;
      }
    }, busyTimeoutMs);
  const outsideTransaction = async <T>(work: () => Promise<T>) => (await whenUnlocked(work, false)).value;
  // A read on the read-only connection has no lock to wait for.
  const read = (query: SqlQuery) => retryWhileBusy(() => reader!.queryRaw(query), busyTimeoutMs);

  return {
    provider: inner.provider,
    adapterName: inner.adapterName,
    queryRaw: (query) =>
      reader && isSelect(query.sql) ? read(query) : outsideTransaction(() => inner.queryRaw(query)),
    executeRaw: (query) => outsideTransaction(() => inner.executeRaw(query)),
    executeScript: (script) => outsideTransaction(() => inner.executeScript(script)),
    async startTransaction(isolationLevel?: IsolationLevel) {
      const { release } = await whenUnlocked(() => {
        try {
          prepare('BEGIN IMMEDIATE').run();
        } catch (error) {
          // The adapter's form of the error, as its own BEGIN would have thrown it.
          throw isBusy(error) ? busyError(error) : error;
        }
      }, true);
      client.pragma(`busy_timeout = ${busyTimeoutMs}`);
      const end = () => {
        client.pragma('busy_timeout = 0');
        release();
      };
      try {
        return releasingTransaction(await inner.startTransaction(isolationLevel), end);
      } catch (error) {
        prepare('ROLLBACK').run();
        end();
        throw error;
      }
    },
    getConnectionInfo: inner.getConnectionInfo && (() => inner.getConnectionInfo!()),
    dispose: async () => {
      await reader?.dispose();
      await inner.dispose();
    },
  };
}

/** A statement that only reads (Prisma's reads start with SELECT; anything else goes to the writer). */
const isSelect = (sql: string) => /^\s*SELECT\b/i.test(sql);

function busyError(error: unknown): DriverAdapterError {
  const { code, message } = error as { code: string; message: string };
  return new DriverAdapterError({ kind: 'SocketTimeout', originalCode: code, originalMessage: message });
}

/**
 * The factory for `file:` URLs: Prisma's better-sqlite3 adapter behind `serializedConnection`, with
 * a read-only second connection for SELECTs when `readConnection` (the application's client; the
 * migration runner keeps one connection, as its engine expects).
 */
export function sqliteAdapterFactory(
  file: string,
  busyTimeoutMs: number,
  { readConnection }: { readConnection: boolean },
): SqlMigrationAwareDriverAdapterFactory {
  const inner = new PrismaBetterSqlite3({ url: file, timeout: busyTimeoutMs });
  // A second connection to ':memory:' would be another, empty database.
  const readers =
    readConnection && file !== ':memory:'
      ? new PrismaBetterSqlite3({ url: file, timeout: 0, readonly: true })
      : undefined;
  return {
    provider: inner.provider,
    adapterName: inner.adapterName,
    // The writer first: it creates the file, and a read-only connection cannot.
    connect: async () => {
      const writer = await inner.connect();
      return serializedConnection(writer, busyTimeoutMs, await readers?.connect());
    },
    connectToShadowDb: async () => serializedConnection(await inner.connectToShadowDb(), busyTimeoutMs),
  };
}
