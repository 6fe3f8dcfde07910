/**
 * prisma/sqlite-adapter.ts: on SQLite, a query outside a transaction waits until the connection's
 * open transaction has ended, and a transaction holds the file's write lock from its start. Each
 * case below failed with Prisma's adapter as it is (a bare BEGIN, queries not waiting).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import type { Db, DbTransaction } from '../../prisma/db';
import { sqlitePath } from '../../prisma/provider';
import { openMigratedDb } from './helpers';

const person = (id = randomUUID()) => ({
  id,
  workflowId: `inburgering-${id}`,
  koppelingRef: `ref-${id}`,
  coachId: 'coach-1',
  doelgroep: 'asielstatushouder',
});
const exists = async (db: Db, id: string) => (await db.inburgeraar.count({ where: { id } })) === 1;

describe('SQLite connection shared by concurrent requests', () => {
  it("a write outside a transaction is not undone when another request's transaction rolls back", async () => {
    const { db, close } = await openMigratedDb('sqlite', 'conn-rollback');
    try {
      const a = person();
      const b = person();
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
      expect(await exists(db, a.id)).toBe(false);
      expect(await exists(db, b.id)).toBe(true);
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
        await tx.inburgeraar.create({ data: person() });
      });
      expect(otherWriter).toBe('SQLITE_BUSY');
    } finally {
      other.close();
      await close();
    }
  });
});
