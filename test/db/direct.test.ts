/**
 * prisma/direct.ts: transactions of raw statements on the client's own connection, past Prisma's
 * query engine (a workflow step, a new person, an audit entry). On both databases: what they write
 * reads back through the model API as written, an error rolls everything back and leaves the
 * connection usable, a unique violation is recognised as one; on SQLite they share the client's
 * lock, so another request's write is neither mixed into nor undone by a direct transaction.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { directQuery, directTransaction, isUniqueViolation, Prisma, type Db } from '../../prisma/db';
import { startWithin } from '../../prisma/direct';
import { sqlitePath } from '../../prisma/provider';
import { insertInto } from '../../prisma/sql';
import { sqliteAdapterFactory } from '../../prisma/sqlite-adapter';
import { inburgeraarExists, inburgeraarRow, openMigratedDb, providersUnderTest } from './helpers';

for (const { provider, run } of providersUnderTest('test/db/direct')) {
  (run ? describe : describe.skip)(`direct transactions on ${provider}`, () => {
    let db: Db;
    let close: () => Promise<void>;
    beforeAll(async () => {
      ({ db, close } = await openMigratedDb(provider, 'direct'));
    });
    afterAll(async () => close?.());

    it('writes dates, booleans, numbers and nulls that read back through the model API as written', async () => {
      const p = inburgeraarRow();
      const createdAt = new Date('2027-03-01T08:00:00.123Z');
      const updatedAt = new Date('2027-03-02T09:30:00.456Z');
      await directTransaction(db)(async (tx) => {
        await tx.$executeRaw(insertInto('Inburgeraar', [{ ...p, gemeenteCode: null, createdAt }]));
        await tx.$executeRaw(
          insertInto('TrajectoryReadModel', [
            {
              inburgeraarId: p.id,
              workflowId: p.workflowId,
              coachId: p.coachId,
              phase: 'KOPPELING',
              paused: true,
              overdue: false,
              route: null,
              eventSeq: 7,
              summary: '{}',
              updatedAt,
              caseloadDue: '9999-12-31',
            },
          ]),
        );
      });
      expect(await db.inburgeraar.findUniqueOrThrow({ where: { id: p.id } })).toMatchObject({
        ...p,
        gemeenteCode: null,
        createdAt,
      });
      expect(
        await db.trajectoryReadModel.findUniqueOrThrow({ where: { inburgeraarId: p.id } }),
      ).toMatchObject({
        paused: true,
        overdue: false,
        route: null,
        eventSeq: 7,
        updatedAt,
      });
    });

    it('answers rows as objects keyed by column, integers as numbers', async () => {
      const p = inburgeraarRow();
      await db.inburgeraar.create({ data: p });
      const rows = await directTransaction(db)(
        (tx) =>
          tx.$queryRaw<Array<{ id: string; n: unknown }>>`
          SELECT "id", 41 + 1 AS "n" FROM "Inburgeraar" WHERE "id" = ${p.id}`,
      );
      expect(rows).toEqual([{ id: p.id, n: 42 }]);
    });

    it('gives 64-bit integers (a count) as numbers, as the code reading them expects', async () => {
      await db.inburgeraar.create({ data: inburgeraarRow() });
      const [row] = await directQuery<{ n: unknown }>(
        db,
        Prisma.sql`SELECT COUNT(*) AS "n" FROM "Inburgeraar"`,
      );
      expect(typeof row?.n).toBe('number');
      expect(row?.n).toBe(await db.inburgeraar.count());
    });

    it('a read outside a transaction gives date-time columns as Dates and boolean columns as booleans', async () => {
      const p = inburgeraarRow();
      const createdAt = new Date('2027-03-01T08:00:00.123Z');
      await db.inburgeraar.create({ data: { ...p, createdAt } });
      await db.trajectoryReadModel.create({
        data: {
          inburgeraarId: p.id,
          workflowId: p.workflowId,
          coachId: p.coachId,
          phase: 'KOPPELING',
          paused: true,
          eventSeq: 3,
          summary: '{}',
          updatedAt: createdAt,
        },
      });
      const rows = await directQuery(
        db,
        Prisma.sql`SELECT i."createdAt", r."paused", r."overdue", r."route", r."eventSeq"
          FROM "Inburgeraar" i JOIN "TrajectoryReadModel" r ON r."inburgeraarId" = i."id" WHERE i."id" = ${p.id}`,
      );
      expect(rows).toEqual([{ createdAt, paused: true, overdue: false, route: null, eventSeq: 3 }]);
      expect(
        await directQuery(db, Prisma.sql`SELECT "id" FROM "Inburgeraar" WHERE "id" = ${'none'}`),
      ).toEqual([]);
    });

    it('an error rolls back every statement of the transaction, and the connection is usable after it', async () => {
      const a = inburgeraarRow();
      const failed = await directTransaction(db)(async (tx) => {
        await tx.$executeRaw(insertInto('Inburgeraar', [a]));
        throw new Error('the step fails after its first write');
      }).catch((error: Error) => error.message);
      expect(failed).toBe('the step fails after its first write');
      expect(await inburgeraarExists(db, a.id)).toBe(false);
      const b = inburgeraarRow();
      await directTransaction(db)((tx) => tx.$executeRaw(insertInto('Inburgeraar', [b])));
      expect(await inburgeraarExists(db, b.id)).toBe(true);
    });

    it('a unique violation is recognised as one (a koppeling race) and leaves nothing of its transaction', async () => {
      const first = inburgeraarRow();
      await db.inburgeraar.create({ data: first });
      const second = inburgeraarRow();
      const outcome = await directTransaction(db)(async (tx) => {
        await tx.$executeRaw(insertInto('Inburgeraar', [second]));
        await tx.$executeRaw(
          insertInto('Inburgeraar', [{ ...inburgeraarRow(), koppelingRef: first.koppelingRef }]),
        );
      }).then(
        () => 'written',
        (error: unknown) => (isUniqueViolation(error) ? 'unique violation' : error),
      );
      expect(outcome).toBe('unique violation');
      expect(await inburgeraarExists(db, second.id)).toBe(false);
    });

    it('after the client disconnected, the next direct statement connects again instead of using the closed connection', async () => {
      const p = inburgeraarRow();
      await directQuery(db, Prisma.sql`SELECT 1 AS "one"`); // connected
      await db.$disconnect();
      await directTransaction(db)((tx) => tx.$executeRaw(insertInto('Inburgeraar', [p])));
      expect(await inburgeraarExists(db, p.id)).toBe(true);
    });

    it("another request's write is neither part of nor undone by a direct transaction that rolls back", async () => {
      const a = inburgeraarRow();
      const b = inburgeraarRow();
      const rolledBack = directTransaction(db)(async (tx) => {
        await tx.$executeRaw(insertInto('Inburgeraar', [a]));
        await sleep(100); // request B writes meanwhile, through the client
        throw new Error('A fails');
      }).catch((error: Error) => error.message);
      await sleep(20);
      await db.inburgeraar.create({ data: b });
      expect(await rolledBack).toBe('A fails');
      expect(await inburgeraarExists(db, a.id)).toBe(false);
      expect(await inburgeraarExists(db, b.id)).toBe(true);
    });
  });
}

describe('a direct transaction that finds no free connection (SQLite, its write lock held)', () => {
  it('gives up after its wait, and the transaction that starts later is rolled back so the lock comes free', async () => {
    const { url, close } = await openMigratedDb('sqlite', 'direct-start-timeout');
    const adapter = await sqliteAdapterFactory(sqlitePath(url), 10_000, { readConnection: false }).connect();
    try {
      const holder = await adapter.startTransaction(); // holds the connection's lock
      const t0 = Date.now();
      const outcome = await startWithin(adapter, 150).then(
        () => 'started',
        (error: Error) => error.message,
      );
      expect(outcome).toMatch(/no database connection for a transaction within 150 ms/);
      expect(Date.now() - t0).toBeGreaterThanOrEqual(140);
      await holder.executeRaw({ sql: 'COMMIT', args: [], argTypes: [] });
      await holder.commit();
      // The late transaction took the lock after the holder and gave it back at once: a new one starts.
      const next = await startWithin(adapter, 2_000);
      await next.executeRaw({ sql: 'ROLLBACK', args: [], argTypes: [] });
      await next.rollback();
    } finally {
      await adapter.dispose();
      await close();
    }
  });
});
