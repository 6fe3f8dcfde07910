/**
 * The list's pages are ranges of an index at any caseload size (README, the lists at scale): for
 * every sort field, over all trajectories and within one coach's, SQLite's plan for the page's
 * statement walks an index in the sort's order and builds no temporary B-tree (a sort that would
 * grow with the caseload). The figures' groups are read from an index alone. The statement is the one api/store/read-model.ts has Prisma send (the
 * non-empty values of the column, then the id as tie-breaker in the same direction). SQLite only:
 * PostgreSQL chooses its plan from the table's statistics, which an empty test table does not have.
 */
import { NULLABLE_SORT, SORT_COLUMNS } from '../../api/store/read-model';
import type { Db } from '../../prisma/db';
import { openMigratedDb } from './helpers';

describe('list pages on SQLite', () => {
  let db: Db;
  let close: () => Promise<void>;
  beforeAll(async () => {
    ({ db, close } = await openMigratedDb('sqlite', 'listplans'));
  });
  afterAll(async () => close?.());

  const plan = async (sql: string, ...params: unknown[]) =>
    (await db.$queryRawUnsafe<{ detail: string }[]>(`EXPLAIN QUERY PLAN ${sql}`, ...params))
      .map((r) => r.detail)
      .join(' | ');

  for (const [field, column] of Object.entries(SORT_COLUMNS))
    for (const scope of ['all', 'one coach'] as const)
      for (const order of ['ASC', 'DESC'])
        it(`sorted on ${field} ${order}, ${scope}: an index in order, no temporary B-tree`, async () => {
          const where = [
            ...(scope === 'one coach' ? ['"coachId" = ?'] : []),
            ...(NULLABLE_SORT.has(column) ? [`"${column}" IS NOT NULL`] : []),
          ];
          const detail = await plan(
            `SELECT "inburgeraarId", "summary", "updatedAt" FROM "TrajectoryReadModel"
             ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
             ORDER BY "${column}" ${order}, "inburgeraarId" ${order} LIMIT 50 OFFSET 0`,
            ...(scope === 'one coach' ? ['coach-1'] : []),
          );
          expect(detail).toMatch(/USING (COVERING )?INDEX/);
          expect(detail).not.toMatch(/TEMP B-TREE/);
        });

  // The figures: one walk of a covering index for the groups with their deadline sums (stats and
  // KPIs), over all trajectories and within one coach's; no rows read, nothing sorted.
  for (const scope of ['all', 'one coach'] as const)
    it(`groups trajectories with their deadline sums from a covering index, ${scope}`, async () => {
      const detail = await plan(
        `SELECT "phase", "route", "overdue", COUNT(*), SUM("deadlinesFulfilled"), SUM("deadlinesMetOnTime"),
           SUM("deadlinesLapsed") FROM "TrajectoryReadModel"
         ${scope === 'one coach' ? 'WHERE "coachId" = ?' : ''}
         GROUP BY "phase", "route", "overdue"`,
        ...(scope === 'one coach' ? ['coach-1'] : []),
      );
      expect(detail).toMatch(/USING COVERING INDEX/);
      expect(detail).not.toMatch(/TEMP B-TREE/);
    });
});
