/**
 * prisma/sqlite-adapter.ts: on SQLite, a query outside a transaction waits until the connection's
 * open transaction has ended, a transaction holds the file's write lock from its start, and waiting
 * for another connection's write lock leaves the event loop running. Each case below failed
 * without the wrapper (Prisma's adapter as it is: a bare BEGIN, queries not waiting, SQLite's busy
 * timeout sleeping the thread).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import type { DbTransaction } from '../../prisma/db';
import { sqlitePath } from '../../prisma/provider';
import { inburgeraarExists, inburgeraarRow, openMigratedDb } from './helpers';

describe('SQLite connection shared by concurrent requests', () => {
  it("a write outside a transaction is not undone when another request's transaction rolls back", async () => {
    const { db, close } = await openMigratedDb('sqlite', 'conn-rollback');
    try {
      const a = inburgeraarRow();
      const b = inburgeraarRow();
      const rolledBack = db
        .$transaction(async (tx: DbTransaction) => {
          await tx.inburgeraar.create({ data: a });
          await sleep(100); // request B writes meanwhile
          throw new Error('A fails');
        })
        .catch((error: Error) => error.message);
      await sleep(20);
      await db.inburgeraar.create({ data: b });
      expect(await rolledBack).toBe('A fails');
      expect(await inburgeraarExists(db, a.id)).toBe(false);
      expect(await inburgeraarExists(db, b.id)).toBe(true);
    } finally {
      await close();
    }
  });

  it('a transaction holds the write lock from its start, even when it reads first', async () => {
    const { db, url, close } = await openMigratedDb('sqlite', 'conn-immediate');
    const other = new Database(sqlitePath(url), { timeout: 0 });
    try {
      let otherWriter = '';
      await db.$transaction(async (tx: DbTransaction) => {
        await tx.inburgeraar.count();
        try {
          other.prepare('BEGIN IMMEDIATE').run();
          other.prepare('ROLLBACK').run();
          otherWriter = 'got the write lock';
        } catch (error) {
          otherWriter = (error as { code?: string }).code ?? String(error);
        }
        await tx.inburgeraar.create({ data: inburgeraarRow() });
      });
      expect(otherWriter).toBe('SQLITE_BUSY');
    } finally {
      other.close();
      await close();
    }
  });

  /**
   * Another connection (here in this process, as the worker would hold it from its own) holds the
   * write lock for LOCK_MS and gives it back on a timer. A synchronous busy wait would stop that
   * timer too and fail after the busy timeout; the wrapper waits on timers of its own.
   */
  const LOCK_MS = 300;
  async function whileLockedElsewhere(url: string, work: () => Promise<unknown>) {
    const other = new Database(sqlitePath(url), { timeout: 0 });
    other.prepare('BEGIN IMMEDIATE').run();
    const lockedAt = Date.now();
    let ticks = 0;
    const ticker = setInterval(() => (ticks += 1), 10);
    const released = sleep(LOCK_MS).then(() => other.prepare('COMMIT').run());
    try {
      await work();
      return { waitedMs: Date.now() - lockedAt, ticks };
    } finally {
      clearInterval(ticker);
      await released;
      other.close();
    }
  }

  it("a transaction waits for another connection's write lock without stopping the event loop", async () => {
    const { db, url, close } = await openMigratedDb('sqlite', 'conn-async-begin');
    try {
      const p = inburgeraarRow();
      const { waitedMs, ticks } = await whileLockedElsewhere(url, () =>
        db.$transaction(async (tx: DbTransaction) => tx.inburgeraar.create({ data: p })),
      );
      expect(waitedMs).toBeGreaterThanOrEqual(LOCK_MS - 5);
      // 30 ticks of 10 ms would fit; a stopped loop gets none until the lock is gone.
      expect(ticks).toBeGreaterThanOrEqual(10);
      expect(await inburgeraarExists(db, p.id)).toBe(true);
    } finally {
      await close();
    }
  });

  it('a write outside a transaction waits the same way', async () => {
    const { db, url, close } = await openMigratedDb('sqlite', 'conn-async-write');
    try {
      const p = inburgeraarRow();
      await db.inburgeraar.create({ data: p });
      const { waitedMs, ticks } = await whileLockedElsewhere(url, () =>
        db.inburgeraar.update({ where: { id: p.id }, data: { coachId: 'coach-2' } }),
      );
      expect(waitedMs).toBeGreaterThanOrEqual(LOCK_MS - 5);
      expect(ticks).toBeGreaterThanOrEqual(10);
      expect((await db.inburgeraar.findUnique({ where: { id: p.id } }))?.coachId).toBe('coach-2');
    } finally {
      await close();
    }
  });

  it('reads go on while a transaction waits for the write lock', async () => {
    const { db, url, close } = await openMigratedDb('sqlite', 'conn-read-while-waiting');
    try {
      const p = inburgeraarRow();
      await db.inburgeraar.create({ data: p });
      let readAt = 0;
      let writtenAt = 0;
      await whileLockedElsewhere(url, async () => {
        const write = db
          .$transaction(async (tx: DbTransaction) => tx.inburgeraar.create({ data: inburgeraarRow() }))
          .then(() => (writtenAt = Date.now()));
        await sleep(50);
        expect(await inburgeraarExists(db, p.id)).toBe(true);
        readAt = Date.now();
        await write;
      });
      expect(readAt).toBeGreaterThan(0);
      expect(readAt).toBeLessThan(writtenAt);
    } finally {
      await close();
    }
  });

  it("a read does not wait for another request's open transaction, and does not see inside it", async () => {
    const { db, close } = await openMigratedDb('sqlite', 'conn-read-beside-tx');
    try {
      const a = inburgeraarRow();
      let inTransaction!: () => void;
      const written = new Promise<void>((resolve) => (inTransaction = resolve));
      const slow = db.$transaction(async (tx: DbTransaction) => {
        await tx.inburgeraar.create({ data: a });
        inTransaction();
        await sleep(400);
      });
      await written;
      const t0 = Date.now();
      const seen = await inburgeraarExists(db, a.id);
      const readMs = Date.now() - t0;
      await slow;
      expect(seen).toBe(false);
      expect(readMs).toBeLessThan(200);
      expect(await inburgeraarExists(db, a.id)).toBe(true);
    } finally {
      await close();
    }
  });

  it('prepares each SQL text once per connection, and a cached statement gives each call its own answer', async () => {
    const prepare = jest.spyOn(Database.prototype, 'prepare');
    const { db, close } = await openMigratedDb('sqlite', 'conn-statement-cache');
    try {
      const people = [inburgeraarRow(), inburgeraarRow(), inburgeraarRow()];
      prepare.mockClear();
      for (const p of people) await db.inburgeraar.create({ data: p });
      // The same insert again: a unique violation, after which the cached statement still works.
      const again = await db.inburgeraar.create({ data: people[0]! }).catch((e: { code?: string }) => e.code);
      expect(again).toBe('P2002');
      const later = inburgeraarRow();
      await db.inburgeraar.create({ data: later });
      const found = [];
      for (const p of [...people, later])
        found.push(
          (await db.inburgeraar.findUnique({ where: { id: p.id }, select: { koppelingRef: true } }))
            ?.koppelingRef,
        );
      expect(found).toEqual([...people, later].map((p) => p.koppelingRef));
      const texts = prepare.mock.calls.map(([sql]) => sql);
      const inserts = texts.filter((sql) => sql.startsWith('INSERT INTO `main`.`Inburgeraar`'));
      const selects = texts.filter((sql) => sql.startsWith('SELECT') && sql.includes('`main`.`Inburgeraar`'));
      // Prisma's adapter prepares every statement anew: 5 inserts and 4 selects without the cache.
      expect(inserts).toHaveLength(1);
      expect(selects).toHaveLength(1);
    } finally {
      prepare.mockRestore();
      await close();
    }
  });
});
