/**
 * The oracle for the figures: how GET /api/stats and GET /api/kpis were computed before the
 * database aggregated them, by loading every trajectory's summary into JavaScript. Kept unchanged
 * (only moved here) so the tests can check that the SQL aggregates (api/store/read-model.ts) give
 * exactly the same answers; it is not used by the service any more.
 */
import type { Kpis, Stats } from '../../api/kpis';
import { daysBetween } from '../../domain/dates';
import type { TrajectorySummary } from '../../domain/summary';
import { LEERROUTES, PHASES } from '../../domain/types';

const round1 = (n: number): number => Math.round(n * 10) / 10;

function durationStats(pairs: [string | undefined, string | undefined][]): Kpis['koppelingToIntake'] {
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

/** The former body of GET /api/stats. */
export function computeStats(items: readonly TrajectorySummary[]): Stats {
  const perPhase: Record<string, number> = Object.fromEntries(PHASES.map((p) => [p, 0]));
  const perRoute: Record<string, number> = Object.fromEntries([...LEERROUTES, 'NONE'].map((r) => [r, 0]));
  for (const item of items) {
    perPhase[item.phase] = (perPhase[item.phase] ?? 0) + 1;
    const route = item.route ?? 'NONE';
    perRoute[route] = (perRoute[route] ?? 0) + 1;
  }
  return { total: items.length, overdue: items.filter((i) => i.overdue).length, perPhase, perRoute };
}
