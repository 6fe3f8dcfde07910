/**
 * The trajectories to start (PendingStart, application/trajectory-starts.ts). The row is written
 * by the person store in the koppeling's own transaction (`pendingStartRow`); `done` runs once per
 * koppeling, as a raw statement past Prisma's query engine (prisma/direct.ts says why). The rest
 * (sweeps, failures, the metric) is rare and keeps the model API.
 */
import { koppelingSchema } from '../../domain/commands';
import type { PendingStartRecord, PendingStarts } from '../../application/ports';
import { directTransaction, Prisma, type Db } from '../../prisma/db';
import type { SqlRow } from '../../prisma/sql';

/** The row of a pending start, for `insertInto('PendingStart', …)` in the person's transaction. */
export const pendingStartRow = (start: PendingStartRecord, createdAt: Date): SqlRow => ({
  inburgeraarId: start.input.inburgeraarId,
  input: JSON.stringify(start.input),
  createdAt,
  attempts: start.attempts ?? 0,
  nextAttemptAt: start.nextAttemptAt,
});

type Row = { inburgeraarId: string; input: string; attempts: number; nextAttemptAt: Date };
/** Read back through the command's schema; undefined for a row that does not fit. */
const recordOf = (row: Row): PendingStartRecord | undefined => {
  let json: unknown;
  try {
    json = JSON.parse(row.input);
  } catch {
    return undefined;
  }
  const parsed = koppelingSchema.safeParse(json);
  if (!parsed.success || parsed.data.inburgeraarId !== row.inburgeraarId) return undefined;
  return { input: parsed.data, attempts: row.attempts, nextAttemptAt: row.nextAttemptAt };
};

/** A row that cannot be read is set aside for a year (it stays, for IT to see), by id only. */
const UNREADABLE = 'UnreadablePendingStart';
const SET_ASIDE_MS = 365 * 24 * 3600 * 1000;

export function prismaPendingStarts(db: Db): PendingStarts {
  const setAside = (row: Row) =>
    db.pendingStart.updateMany({
      where: { inburgeraarId: row.inburgeraarId },
      data: { lastError: UNREADABLE, nextAttemptAt: new Date(Date.now() + SET_ASIDE_MS) },
    });
  return {
    async find(inburgeraarId) {
      const row = await db.pendingStart.findUnique({ where: { inburgeraarId } });
      if (!row) return undefined;
      const record = recordOf(row);
      if (!record) throw new Error(`pending start ${inburgeraarId} does not fit the koppeling schema`);
      return record;
    },
    async due(now, limit) {
      const rows = await db.pendingStart.findMany({
        where: { nextAttemptAt: { lte: now } },
        orderBy: { nextAttemptAt: 'asc' },
        take: limit,
      });
      // One unreadable row must not stop every sweep: it is set aside and the others go on.
      const records: PendingStartRecord[] = [];
      for (const row of rows) {
        const record = recordOf(row);
        if (record) records.push(record);
        else await setAside(row);
      }
      return records;
    },
    async claim(inburgeraarId, seen, until) {
      const { count } = await db.pendingStart.updateMany({
        where: { inburgeraarId, nextAttemptAt: seen },
        data: { nextAttemptAt: until },
      });
      return count === 1;
    },
    async done(inburgeraarId) {
      await directTransaction(db)((tx) =>
        tx.$executeRaw(Prisma.sql`DELETE FROM "PendingStart" WHERE "inburgeraarId" = ${inburgeraarId}`),
      );
    },
    async failed(inburgeraarId, error, delayMs) {
      await db.$transaction(async (tx) => {
        const row = await tx.pendingStart.findUnique({ where: { inburgeraarId } });
        if (!row) return; // started meanwhile (by another process)
        await tx.pendingStart.update({
          where: { inburgeraarId },
          data: {
            attempts: row.attempts + 1,
            lastError: error.slice(0, 200),
            nextAttemptAt: new Date(Date.now() + delayMs(row.attempts + 1)),
          },
        });
      });
    },
    count: () => db.pendingStart.count(),
  };
}
