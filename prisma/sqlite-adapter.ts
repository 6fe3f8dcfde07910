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
 * every transaction starts with BEGIN IMMEDIATE: it takes the file's write lock at its start,
 * waiting up to the busy timeout for another process's writer, and never has to upgrade.
 */
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import type {
  IsolationLevel,
  SqlDriverAdapter,
  SqlMigrationAwareDriverAdapterFactory,
  SqlQuery,
  Transaction,
} from '@prisma/driver-adapter-utils';
import { Mutex } from 'async-mutex';

/** The part of better-sqlite3's Database the adapter uses to begin a transaction. */
interface PreparingClient {
  prepare(sql: string): unknown;
}

/** BEGIN → BEGIN IMMEDIATE on the adapter's connection (the adapter issues a bare BEGIN). */
function beginImmediate(adapter: SqlDriverAdapter): void {
  const client = (adapter as unknown as { client?: PreparingClient }).client;
  if (!client || typeof client.prepare !== 'function')
    throw new Error('the SQLite adapter no longer exposes its connection: check prisma/sqlite-adapter.ts');
  const prepare = client.prepare.bind(client);
  client.prepare = (sql: string) => prepare(sql === 'BEGIN' ? 'BEGIN IMMEDIATE' : sql);
}

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

/** One connection, one lock: queries outside a transaction wait until it has ended. */
export function serializedConnection(inner: SqlDriverAdapter): SqlDriverAdapter {
  beginImmediate(inner);
  const lock = new Mutex();
  return {
    provider: inner.provider,
    adapterName: inner.adapterName,
    queryRaw: (query) => lock.runExclusive(() => inner.queryRaw(query)),
    executeRaw: (query) => lock.runExclusive(() => inner.executeRaw(query)),
    executeScript: (script) => lock.runExclusive(() => inner.executeScript(script)),
    async startTransaction(isolationLevel?: IsolationLevel) {
      const release = await lock.acquire();
      try {
        return releasingTransaction(await inner.startTransaction(isolationLevel), release);
      } catch (error) {
        release();
        throw error;
      }
    },
    getConnectionInfo: inner.getConnectionInfo && (() => inner.getConnectionInfo!()),
    dispose: () => inner.dispose(),
  };
}

/** The factory for `file:` URLs: Prisma's better-sqlite3 adapter behind `serializedConnection`. */
export function sqliteAdapterFactory(
  file: string,
  busyTimeoutMs: number,
): SqlMigrationAwareDriverAdapterFactory {
  const inner = new PrismaBetterSqlite3({ url: file, timeout: busyTimeoutMs });
  return {
    provider: inner.provider,
    adapterName: inner.adapterName,
    connect: async () => serializedConnection(await inner.connect()),
    connectToShadowDb: async () => serializedConnection(await inner.connectToShadowDb()),
  };
}
