/**
 * The monitoring figures the gemeente asked for: time from koppeling to brede intake and to PIP,
 * the share of deadlines met on time, the route mix. Computed from the read model's summaries by a
 * pure function, so it is tested without a database and the JSON and CSV answers cannot disagree.
 */
import { z } from 'zod';
import { daysBetween } from '../domain/dates';
import type { TrajectorySummary } from '../domain/summary';
import { LEERROUTES } from '../domain/types';

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

const round1 = (n: number): number => Math.round(n * 10) / 10;

function durationStats(pairs: [string | undefined, string | undefined][]): DurationStats {
  const days = pairs
    .filter((p): p is [string, string] => Boolean(p[0] && p[1]))
    .map(([a, b]) => daysBetween(a, b))
    .sort((a, b) => a - b);
  if (days.length === 0) return { count: 0, medianDays: null, averageDays: null };
  const mid = Math.floor(days.length / 2);
  const median = days.length % 2 ? days[mid]! : (days[mid - 1]! + days[mid]!) / 2;
  return {
    count: days.length,
    medianDays: round1(median),
    averageDays: round1(days.reduce((s, d) => s + d, 0) / days.length),
  };
}

export function computeKpis(items: readonly TrajectorySummary[], today: string): Kpis {
  const deadlines = items.flatMap((i) => i.deadlines.filter((d) => d.kind === 'DEADLINE'));
  const decided = deadlines.filter(
    (d) => d.fulfilledDate || d.dueDate < today || d.status === 'missed' || d.status === 'expired',
  );
  const metOnTime = decided.filter((d) => d.fulfilledDate && d.fulfilledDate <= d.dueDate).length;
  const withRoute = items.filter((i) => i.route);
  const routeMix: Kpis['routeMix'] = {};
  for (const route of LEERROUTES) {
    const count = withRoute.filter((i) => i.route === route).length;
    routeMix[route] = {
      count,
      share: withRoute.length ? Math.round((count / withRoute.length) * 1000) / 1000 : null,
    };
  }
  return {
    asOf: today,
    trajectories: items.length,
    koppelingToIntake: durationStats(items.map((i) => [i.milestones.koppeling, i.milestones.intake])),
    koppelingToPip: durationStats(items.map((i) => [i.milestones.koppeling, i.milestones.pip])),
    deadlines: {
      decided: decided.length,
      metOnTime,
      shareMet: decided.length ? Math.round((metOnTime / decided.length) * 1000) / 1000 : null,
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
