/**
 * The manager's lists and figures, from the read model in the database (kept current by the
 * workflow's activity), never by querying every workflow. The items are the stored summaries
 * (api/store/read-model.ts), so their shape and documentation follow domain/summary.ts.
 */
import { z } from 'zod';
import { addDays, localDate } from '../../domain/dates';
import { ROLE_GROUPS, type Principal } from '../auth/principal';
import type { AppDeps } from '../deps';
import { defineRoute, type RouteDef } from '../http/route';
import { kpisSchema, kpisToCsv, statsSchema } from '../kpis';
import {
  listItemSchema,
  partnerListItemSchema,
  SORT_FIELDS,
  type ListFilter,
  type ListItem,
  type PartnerListItem,
} from '../store/read-model';
import { phaseSchema, routeSchema } from './common';

const booleanFlag = z
  .enum(['true', 'false'])
  .transform((v) => v === 'true')
  .describe('true or false');

export const listQuerySchema = z.object({
  coachId: z
    .string()
    .min(1)
    .max(100)
    .optional()
    .describe("Only this coach's caseload (a coach always gets their own)"),
  phase: phaseSchema.optional(),
  route: routeSchema.optional(),
  overdue: booleanFlag
    .optional()
    .describe('Only trajectories with (true) or without (false) an overdue deadline'),
  dueWithinDays: z.coerce
    .number()
    .int()
    .min(0)
    .max(3650)
    .optional()
    .describe(
      'Only trajectories whose next open deadline falls within this many days from today (use overdue=true for the late ones)',
    ),
  sort: z.enum(SORT_FIELDS).default('nextDeadline').describe('Sort field'),
  order: z.enum(['asc', 'desc']).default('asc').describe('Sort order'),
  page: z.coerce.number().int().min(1).default(1).describe('Page number, from 1'),
  pageSize: z.coerce.number().int().min(1).max(200).default(25).describe('Items per page (max 200)'),
});

const kpiQuerySchema = z.object({
  coachId: z.string().min(1).max(100).optional().describe('Only this coach'),
});

const today = (): string => localDate(Date.now());

/**
 * The caller's scope narrows what any filter can show: a coach sees only their caseload (whatever
 * coachId they ask for), a partner only the people referred to it.
 */
async function scopedFilter(deps: AppDeps, principal: Principal, filter: ListFilter): Promise<ListFilter> {
  if (principal.role === 'coach') return { ...filter, coachId: principal.userId };
  if (principal.role === 'partner')
    return {
      ...filter,
      inburgeraarIds: principal.partnerId ? await deps.partners.referralsOf(principal.partnerId) : [],
    };
  return filter;
}

const partnerListItem = (i: ListItem): PartnerListItem => partnerListItemSchema.parse(i);

export const listRoutes: RouteDef[] = [
  defineRoute({
    method: 'get',
    path: '/api/inburgeraars',
    operationId: 'listInburgeraars',
    summary: 'Caseload list: per coach, phase, route, overdue or due within N days; sorted and paginated',
    description:
      'From the read model. No names: open a person to see those. A coach always gets their own caseload; ' +
      'a partner the people referred to it, with only inburgeraarId, phase, route and paused.',
    tag: 'lijsten',
    roles: ROLE_GROUPS.lists,
    rateLimit: 'heavy',
    query: listQuerySchema,
    responses: {
      200: {
        description: 'One page',
        schema: z.object({
          items: z
            .array(z.union([listItemSchema, partnerListItemSchema]))
            .describe('A partner gets the short form (inburgeraarId, phase, route, paused)'),
          page: z.number(),
          pageSize: z.number(),
          total: z.number(),
          totalPages: z.number(),
        }),
      },
    },
    handler: async ({ query, principal, deps }) => {
      const filter = await scopedFilter(deps, principal, {
        coachId: query.coachId,
        phase: query.phase,
        route: query.route,
        overdue: query.overdue,
        dueOnOrBefore: query.dueWithinDays === undefined ? undefined : addDays(today(), query.dueWithinDays),
      });
      const { items, total } = await deps.readModel.list(
        filter,
        { field: query.sort, order: query.order },
        { page: query.page, pageSize: query.pageSize },
      );
      return {
        body: {
          // A partner gets who is referred to it and where they stand, not the gemeente's deadlines or coach.
          items: principal.role === 'partner' ? items.map(partnerListItem) : items,
          page: query.page,
          pageSize: query.pageSize,
          total,
          totalPages: Math.ceil(total / query.pageSize),
        },
      };
    },
  }),

  defineRoute({
    method: 'get',
    path: '/api/stats',
    operationId: 'getStats',
    summary: 'Counts per phase and per route, and how many are overdue',
    tag: 'monitoring',
    roles: ROLE_GROUPS.monitoring,
    rateLimit: 'heavy',
    query: kpiQuerySchema,
    responses: {
      200: { description: 'Counts', schema: statsSchema },
    },
    handler: async ({ query, deps }) => ({ body: await deps.readModel.stats({ coachId: query.coachId }) }),
  }),

  defineRoute({
    method: 'get',
    path: '/api/kpis',
    operationId: 'getKpis',
    summary: 'Monitoring: time from koppeling to intake and to PIP, share of deadlines met, route mix',
    tag: 'monitoring',
    roles: ROLE_GROUPS.monitoring,
    rateLimit: 'heavy',
    query: kpiQuerySchema,
    responses: { 200: { description: 'The figures', schema: kpisSchema } },
    handler: async ({ query, deps }) => ({
      body: await deps.readModel.kpis({ coachId: query.coachId }, today()),
    }),
  }),

  defineRoute({
    method: 'get',
    path: '/api/kpis.csv',
    operationId: 'getKpisCsv',
    summary: 'The same figures as CSV (metric,value,unit,as_of)',
    tag: 'monitoring',
    roles: ROLE_GROUPS.monitoring,
    rateLimit: 'heavy',
    query: kpiQuerySchema,
    responses: { 200: { description: 'CSV', contentType: 'text/csv', schema: z.string() } },
    handler: async ({ query, deps }) => {
      const kpis = await deps.readModel.kpis({ coachId: query.coachId }, today());
      return {
        body: kpisToCsv(kpis),
        contentType: 'text/csv; charset=utf-8',
        headers: { 'Content-Disposition': `attachment; filename="inburgering-kpis-${kpis.asOf}.csv"` },
      };
    },
  }),
];
