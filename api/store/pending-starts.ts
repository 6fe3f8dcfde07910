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

type Row = { input: string; attempts: number; nextAttemptAt: Date };
/** Read back through the command's schema: a row that does not fit fails loudly, by id only. */
const recordOf = (inburgeraarId: string, row: Row): PendingStartRecord => {
  const parsed = koppelingSchema.safeParse(JSON.parse(row.input));
  if (!parsed.success) throw new Error(`pending start ${inburgeraarId} does not fit the koppeling schema`);
  return { input: parsed.data, attempts: row.attempts, nextAttemptAt: row.nextAttemptAt };
};

export function prismaPendingStarts(db: Db): PendingStarts {
  return {
    async find(inburgeraarId) {
      const row = await db.pendingStart.findUnique({ where: { inburgeraarId } });
      return row ? recordOf(inburgeraarId, row) : undefined;
    },
    async due(now, limit) {
      const rows = await db.pendingStart.findMany({
        where: { nextAttemptAt: { lte: now } },
        orderBy: { nextAttemptAt: 'asc' },
        take: limit,
      });
      return rows.map((r) => recordOf(r.inburgeraarId, r));
    },
    async done(inburgeraarId) {
      await directTransaction(db)((tx) =>
        tx.$executeRaw(Prisma.sql`DELETE FROM "PendingStart" WHERE "inburgeraarId" = ${inburgeraarId}`),
      );
    },
    async failed(inburgeraarId, error, nextAttemptAt) {
      await db.pendingStart.updateMany({
        where: { inburgeraarId },
        data: { attempts: { increment: 1 }, lastError: error.slice(0, 200), nextAttemptAt },
      });
    },
    count: () => db.pendingStart.count(),
  };
}
