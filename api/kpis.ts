/**
 * The monitoring figures the gemeente asked for: time from koppeling to brede intake and to PIP,
 * the share of deadlines met on time, the route mix; and the dashboard's counts per phase and
 * route. The database aggregates (api/store/read-model.ts: GROUP BY, COUNT, conditional counts,
 * a histogram of day counts), so the answer time does not grow with the caseload; the pure
 * functions here turn those few aggregate rows into the answer, so the JSON and CSV answers
 * cannot disagree.
 */
import { z } from 'zod';
import { LEERROUTES, PHASES } from '../domain/types';

const durationStatsSchema = z.object({
  count: z.number().int().describe('Trajectories that reached the milestone'),
  medianDays: z.number().nullable(),
  averageDays: z.number().nullable(),
});
export type DurationStats = z.infer<typeof durationStatsSchema>;

export const kpisSchema = z.object({
  asOf: z.string().describe('The day the figures were computed (YYYY-MM-DD)'),
  trajectories: z.number().int(),
  koppelingToIntake: durationStatsSchema.describe('Days from koppeling to the completed brede intake'),
  koppelingToPip: durationStatsSchema.describe('Days from koppeling to the PIP decision'),
  deadlines: z.object({
    decided: z.number().int().describe('Deadlines whose due date has passed or that were fulfilled'),
    metOnTime: z.number().int(),
    shareMet: z.number().nullable().describe('metOnTime / decided, 0..1; null without decided deadlines'),
  }),
  routeMix: z.record(z.string(), z.object({ count: z.number().int(), share: z.number().nullable() })),
});
export type Kpis = z.infer<typeof kpisSchema>;

/** The route count of trajectories without a route (yet). */
export const NO_ROUTE = 'NONE';

export const statsSchema = z.object({
  total: z.number(),
  overdue: z.number(),
  perPhase: z.record(z.string(), z.number()).describe('Every phase, also those with 0'),
  perRoute: z
    .record(z.string(), z.number())
    .describe(`Every leerroute, also those with 0, and ${NO_ROUTE} for trajectories without one`),
});
export type Stats = z.infer<typeof statsSchema>;

/** How many trajectories of one phase, route (null: none yet) and overdue flag: GROUP BY's rows. */
export interface TrajectoryGroup {
  phase: string;
  route: string | null;
  overdue: boolean;
  count: number;
}

/** Days from koppeling to a milestone, with how many trajectories took that many days. */
export type DayHistogram = readonly { days: number; count: number }[];

export interface KpiAggregates {
  groups: readonly TrajectoryGroup[];
  koppelingToIntake: DayHistogram;
  koppelingToPip: DayHistogram;
  deadlinesDecided: number;
  deadlinesMetOnTime: number;
}

const round1 = (n: number): number => Math.round(n * 10) / 10;
const share = (part: number, whole: number): number | null =>
  whole ? Math.round((part / whole) * 1000) / 1000 : null;

/** Median and average from a histogram: its size is the spread of the days, not the caseload. */
export function durationStats(histogram: DayHistogram): DurationStats {
  const bins = histogram.filter((b) => b.count > 0).sort((a, b) => a.days - b.days);
  const count = bins.reduce((n, b) => n + b.count, 0);
  if (count === 0) return { count: 0, medianDays: null, averageDays: null };
  // The k-th smallest (0-based) day count.
  const nth = (k: number): number => {
    let seen = 0;
    for (const b of bins) {
      seen += b.count;
      if (k < seen) return b.days;
    }
    throw new Error('unreachable: k beyond the histogram');
  };
  const mid = Math.floor(count / 2);
  const median = count % 2 ? nth(mid) : (nth(mid - 1) + nth(mid)) / 2;
  const sum = bins.reduce((s, b) => s + b.days * b.count, 0);
  return { count, medianDays: round1(median), averageDays: round1(sum / count) };
}

export function statsFromGroups(groups: readonly TrajectoryGroup[]): Stats {
  const perPhase: Record<string, number> = Object.fromEntries(PHASES.map((p) => [p, 0]));
  const perRoute: Record<string, number> = Object.fromEntries([...LEERROUTES, NO_ROUTE].map((r) => [r, 0]));
  let total = 0;
  let overdue = 0;
  for (const g of groups) {
    total += g.count;
    if (g.overdue) overdue += g.count;
    perPhase[g.phase] = (perPhase[g.phase] ?? 0) + g.count;
    const route = g.route ?? NO_ROUTE;
    perRoute[route] = (perRoute[route] ?? 0) + g.count;
  }
  return { total, overdue, perPhase, perRoute };
}

export function kpisFromAggregates(a: KpiAggregates, today: string): Kpis {
  let trajectories = 0;
  let withRoute = 0;
  const perRoute = new Map<string, number>();
  for (const g of a.groups) {
    trajectories += g.count;
    if (!g.route) continue;
    withRoute += g.count;
    perRoute.set(g.route, (perRoute.get(g.route) ?? 0) + g.count);
  }
  const routeMix: Kpis['routeMix'] = {};
  for (const route of LEERROUTES) {
    const count = perRoute.get(route) ?? 0;
    routeMix[route] = { count, share: share(count, withRoute) };
  }
  return {
    asOf: today,
    trajectories,
    koppelingToIntake: durationStats(a.koppelingToIntake),
    koppelingToPip: durationStats(a.koppelingToPip),
    deadlines: {
      decided: a.deadlinesDecided,
      metOnTime: a.deadlinesMetOnTime,
      shareMet: share(a.deadlinesMetOnTime, a.deadlinesDecided),
    },
    routeMix,
  };
}

const csvCell = (v: string | number | null): string => {
  const s = v === null ? '' : String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/** One row per figure: easy to paste into a spreadsheet or a monitoring report. */
export function kpisToCsv(k: Kpis): string {
  const rows: [string, string | number | null, string][] = [
    ['trajectories', k.trajectories, 'count'],
    ['koppeling_to_intake_count', k.koppelingToIntake.count, 'count'],
    ['koppeling_to_intake_median', k.koppelingToIntake.medianDays, 'days'],
    ['koppeling_to_intake_average', k.koppelingToIntake.averageDays, 'days'],
    ['koppeling_to_pip_count', k.koppelingToPip.count, 'count'],
    ['koppeling_to_pip_median', k.koppelingToPip.medianDays, 'days'],
    ['koppeling_to_pip_average', k.koppelingToPip.averageDays, 'days'],
    ['deadlines_decided', k.deadlines.decided, 'count'],
    ['deadlines_met_on_time', k.deadlines.metOnTime, 'count'],
    ['deadlines_share_met', k.deadlines.shareMet, 'share'],
    ...Object.entries(k.routeMix).flatMap(([route, v]): [string, number | null, string][] => [
      [`route_${route}_count`, v.count, 'count'],
      [`route_${route}_share`, v.share, 'share'],
    ]),
  ];
  return (
    ['metric,value,unit,as_of', ...rows.map(([m, v, u]) => [m, v, u, k.asOf].map(csvCell).join(','))].join(
      '\n',
    ) + '\n'
  );
}
