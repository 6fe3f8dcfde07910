/**
 * The read model (TrajectoryReadModel, kept current by the workflow's activity): the manager's
 * lists and figures, without asking every workflow. Each row stores the trajectory's summary
 * (domain/summary.ts); what the lists answer is derived from that one schema and read back through
 * it, so a field added to the summary reaches the lists and their documentation by itself. The
 * row's own columns serve only to filter and sort.
 */
import { z } from 'zod';
import { trajectorySummarySchema, type TrajectorySummary } from '../../domain/summary';
import type { Db } from '../../prisma/db';

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
  /** Every matching trajectory's full summary (stats, KPIs). */
  summaries(filter: ListFilter): Promise<TrajectorySummary[]>;
}

const SORT_COLUMNS: Record<SortField, string> = {
  nextDeadline: 'nextDeadlineDate',
  koppelingDate: 'koppelingDate',
  phase: 'phase',
  route: 'route',
  coachId: 'coachId',
  updatedAt: 'updatedAt',
};
const NULLABLE_SORT = new Set(['nextDeadlineDate', 'koppelingDate', 'route']);

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
      const primary = NULLABLE_SORT.has(column)
        ? { [column]: { sort: sort.order, nulls: 'last' } }
        : { [column]: sort.order };
      const [rows, total] = await Promise.all([
        db.trajectoryReadModel.findMany({
          where,
          select: { inburgeraarId: true, summary: true, updatedAt: true },
          // The id as tie-breaker keeps pages stable when many rows share a date.
          orderBy: [primary, { inburgeraarId: 'asc' }] as never,
          skip: (page.page - 1) * page.pageSize,
          take: page.pageSize,
        }),
        db.trajectoryReadModel.count({ where }),
      ]);
      const items = rows.map((r) => parseStored(listItemSchema, r, { updatedAt: r.updatedAt.toISOString() }));
      return { items, total };
    },
    async summaries(filter) {
      const rows = await db.trajectoryReadModel.findMany({
        where: readModelWhere(filter),
        select: { inburgeraarId: true, summary: true },
      });
      return rows.map((r) => parseStored(trajectorySummarySchema, r));
    },
  };
}
