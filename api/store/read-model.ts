/**
 * The read model (TrajectoryReadModel, kept current by the workflow's activity): the manager's
 * lists and figures, without asking every workflow. Each row stores the trajectory's summary
 * (domain/summary.ts); what the lists answer is derived from that one schema and read back through
 * it, so a field added to the summary reaches the lists and their documentation by itself. The
 * row's own columns serve to filter and sort, and the figures (stats, KPIs) are aggregated from
 * them and from the deadline rows by the database: no query here loads every row, so a page or a
 * figure costs the same with 1,000 trajectories as with 20,000 (bench/lists-bench.ts measures it).
 */
import { z } from 'zod';
import { trajectorySummarySchema } from '../../domain/summary';
import { KPI_DEADLINE_KIND, KPI_LAPSED_STATUSES } from '../../activities/read-model';
import { DEADLINE_STATUSES } from '../../domain/types';
import { Prisma, type Db } from '../../prisma/db';
import {
  kpisFromAggregates,
  statsFromGroups,
  type DayHistogram,
  type Kpis,
  type Stats,
  type TrajectoryGroup,
} from '../kpis';

/** One trajectory in a list: its summary without the deadlines, and when the row last changed. */
export const listItemSchema = trajectorySummarySchema
  .omit({ deadlines: true })
  .extend({ updatedAt: z.string().describe('When the read model last changed (ISO instant)') })
  .describe('One trajectory in a list: its summary (from the read model), without the deadlines');
export type ListItem = z.infer<typeof listItemSchema>;

/** What a partner sees of someone referred to it: where they stand, not the gemeente's deadlines or coach. */
export const partnerListItemSchema = trajectorySummarySchema
  .pick({ inburgeraarId: true, phase: true, route: true, paused: true })
  .describe('A person referred to the partner: phase, route, paused');
export type PartnerListItem = z.infer<typeof partnerListItemSchema>;

export interface ListFilter {
  coachId?: string | undefined;
  phase?: string | undefined;
  route?: string | undefined;
  overdue?: boolean | undefined;
  /** Next deadline on or before this date (YYYY-MM-DD). */
  dueOnOrBefore?: string | undefined;
  /** Only these people (partner's referrals). */
  inburgeraarIds?: string[] | undefined;
}

export const SORT_FIELDS = [
  'nextDeadline',
  'koppelingDate',
  'phase',
  'route',
  'coachId',
  'updatedAt',
] as const;
export type SortField = (typeof SORT_FIELDS)[number];

export interface ReadModelStore {
  list(
    filter: ListFilter,
    sort: { field: SortField; order: 'asc' | 'desc' },
    page: { page: number; pageSize: number },
  ): Promise<{ items: ListItem[]; total: number }>;
  /** Counts per phase and route and how many are overdue (all trajectories, or one coach's). */
  stats(filter: FigureFilter): Promise<Stats>;
  /** The monitoring figures on `today` (all trajectories, or one coach's). */
  kpis(filter: FigureFilter, today: string): Promise<Kpis>;
}

export interface FigureFilter {
  coachId?: string | undefined;
}

type SortColumn = keyof Prisma.TrajectoryReadModelOrderByWithRelationInput &
  keyof Prisma.TrajectoryReadModelWhereInput;
export const SORT_COLUMNS: Record<SortField, SortColumn> = {
  nextDeadline: 'nextDeadlineDate',
  koppelingDate: 'koppelingDate',
  phase: 'phase',
  route: 'route',
  coachId: 'coachId',
  updatedAt: 'updatedAt',
};
export const NULLABLE_SORT = new Set<SortColumn>(['nextDeadlineDate', 'koppelingDate', 'route']);

function readModelWhere(filter: ListFilter) {
  return {
    ...(filter.coachId ? { coachId: filter.coachId } : {}),
    ...(filter.phase ? { phase: filter.phase } : {}),
    ...(filter.route ? { route: filter.route } : {}),
    ...(filter.overdue !== undefined ? { overdue: filter.overdue } : {}),
    ...(filter.dueOnOrBefore ? { nextDeadlineDate: { not: null, lte: filter.dueOnOrBefore } } : {}),
    ...(filter.inburgeraarIds ? { inburgeraarId: { in: filter.inburgeraarIds } } : {}),
  };
}

/** Reads a stored summary through its schema: a row that does not fit fails loudly, by id only. */
function parseStored<S extends z.ZodType>(
  schema: S,
  row: { inburgeraarId: string; summary: string },
  extra = {},
) {
  const parsed = schema.safeParse({ ...(JSON.parse(row.summary) as object), ...extra });
  if (!parsed.success)
    throw new Error(
      `read model row ${row.inburgeraarId} does not fit the summary schema: ${parsed.error.message}`,
    );
  return parsed.data as z.output<S>;
}

export function prismaReadModelStore(db: Db): ReadModelStore {
  return {
    async list(filter, sort, page) {
      const where = readModelWhere(filter);
      const column = SORT_COLUMNS[sort.field];
      const skip = (page.page - 1) * page.pageSize;
      const select = { inburgeraarId: true, summary: true, updatedAt: true } as const;
      // The id as tie-breaker keeps pages stable when many rows share a date; in the same
      // direction, so that one index (column, id) serves the whole order either way.
      const ordered = (w: Prisma.TrajectoryReadModelWhereInput, by: SortColumn, s: number, take: number) =>
        db.trajectoryReadModel.findMany({
          where: w,
          select,
          orderBy: [{ [by]: sort.order }, { inburgeraarId: sort.order }],
          skip: s,
          take,
        });
      let rows: { inburgeraarId: string; summary: string; updatedAt: Date }[];
      let total: number;
      if (!NULLABLE_SORT.has(column)) {
        [rows, total] = await Promise.all([
          ordered(where, column, skip, page.pageSize),
          db.trajectoryReadModel.count({ where }),
        ]);
      } else {
        // Empty values last, either way: the rows with a value in index order, then those
        // without by id. (Prisma would write "nulls last" as an expression no index can serve.)
        const withValue = { AND: [where, { [column]: { not: null } }] };
        const [valued, empty] = await Promise.all([
          db.trajectoryReadModel.count({ where: withValue }),
          db.trajectoryReadModel.count({ where: { AND: [where, { [column]: null }] } }),
        ]);
        total = valued + empty;
        rows = skip < valued ? await ordered(withValue, column, skip, page.pageSize) : [];
        if (rows.length < page.pageSize && skip + rows.length < total)
          rows = rows.concat(
            await ordered(
              { AND: [where, { [column]: null }] },
              'inburgeraarId',
              Math.max(0, skip - valued),
              page.pageSize - rows.length,
            ),
          );
      }
      const items = rows.map((r) => parseStored(listItemSchema, r, { updatedAt: r.updatedAt.toISOString() }));
      return { items, total };
    },
    stats: async (filter) => statsFromGroups((await trajectoryGroups(db, filter)).groups),
    async kpis(filter, today) {
      const [{ groups, sums }, histograms, passed] = await Promise.all([
        trajectoryGroups(db, filter),
        milestoneHistograms(db, filter),
        passedCount(db, filter, today),
      ]);
      return kpisFromAggregates(
        {
          groups,
          ...histograms,
          deadlinesDecided: sums.fulfilled + sums.lapsed + passed,
          deadlinesMetOnTime: sums.metOnTime,
        },
        today,
      );
    },
  };
}

/**
 * One GROUP BY over phase, route and overdue (at most phases x (routes + 1) x 2 rows), with the
 * sums of the rows' deadline counts: one walk of one covering index serves stats and most of the
 * KPIs.
 */
async function trajectoryGroups(
  db: Db,
  filter: FigureFilter,
): Promise<{ groups: TrajectoryGroup[]; sums: { fulfilled: number; metOnTime: number; lapsed: number } }> {
  const rows = await db.trajectoryReadModel.groupBy({
    by: ['phase', 'route', 'overdue'],
    where: filter.coachId ? { coachId: filter.coachId } : {},
    _count: { _all: true },
    _sum: { deadlinesFulfilled: true, deadlinesMetOnTime: true, deadlinesLapsed: true },
  });
  const sums = { fulfilled: 0, metOnTime: 0, lapsed: 0 };
  for (const r of rows) {
    sums.fulfilled += r._sum.deadlinesFulfilled ?? 0;
    sums.metOnTime += r._sum.deadlinesMetOnTime ?? 0;
    sums.lapsed += r._sum.deadlinesLapsed ?? 0;
  }
  return {
    groups: rows.map((r) => ({ phase: r.phase, route: r.route, overdue: r.overdue, count: r._count._all })),
    sums,
  };
}

/** Days from koppeling to intake and to PIP, as histograms: GROUP BY the row's day counts. */
async function milestoneHistograms(
  db: Db,
  filter: FigureFilter,
): Promise<{ koppelingToIntake: DayHistogram; koppelingToPip: DayHistogram }> {
  const byCoach = filter.coachId ? { coachId: filter.coachId } : {};
  const [intake, pip] = await Promise.all([
    db.trajectoryReadModel.groupBy({
      by: ['intakeDays'],
      where: { ...byCoach, intakeDays: { not: null } },
      _count: { _all: true },
    }),
    db.trajectoryReadModel.groupBy({
      by: ['pipDays'],
      where: { ...byCoach, pipDays: { not: null } },
      _count: { _all: true },
    }),
  ]);
  return {
    koppelingToIntake: intake.map((r) => ({ days: r.intakeDays!, count: r._count._all })),
    koppelingToPip: pip.map((r) => ({ days: r.pipDays!, count: r._count._all })),
  };
}

/**
 * The one part of the share-met counts that depends on the day of asking (the rest are the rows'
 * own counts, summed in trajectoryGroups): deadlines neither fulfilled nor lapsed whose due date
 * has passed, counted on the deadline rows.
 */
function passedCount(db: Db, filter: FigureFilter, today: string): Promise<number> {
  return filter.coachId
    ? passedOfCoach(db, filter.coachId, today)
    : db.deadlineReadModel.count({ where: passedWhere(today) });
}

/** Deadlines neither fulfilled nor lapsed whose due date has passed: decided by the calendar. */
const passedWhere = (today: string) => ({
  kind: KPI_DEADLINE_KIND,
  metOn: null,
  status: { in: NOT_LAPSED },
  dueDate: { lt: today },
});

/**
 * The same for one coach's people, read from their trajectories outwards (CROSS JOIN keeps
 * SQLite's planner from starting at the deadline index and visiting every coach's deadlines;
 * PostgreSQL plans it as an inner join by its statistics): the cost follows the caseload of the
 * coach, not of the gemeente.
 */
async function passedOfCoach(db: Db, coachId: string, today: string): Promise<number> {
  const [row] = await db.$queryRaw<{ n: number | bigint }[]>`
    SELECT COUNT(*) AS "n" FROM "TrajectoryReadModel" t CROSS JOIN "DeadlineReadModel" d
    WHERE t."coachId" = ${coachId} AND d."inburgeraarId" = t."inburgeraarId"
      AND d."kind" = ${KPI_DEADLINE_KIND} AND d."metOn" IS NULL
      AND d."status" IN (${Prisma.join(NOT_LAPSED)}) AND d."dueDate" < ${today}`;
  return Number(row?.n ?? 0);
}

const NOT_LAPSED = DEADLINE_STATUSES.filter((s) => !(KPI_LAPSED_STATUSES as readonly string[]).includes(s));
