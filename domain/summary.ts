/**
 * The read-model snapshot of a trajectory: what a coach or manager sees in a list, and what every
 * update answers. Derived from the state only (no clock): `state.today` is the evaluation date.
 */
import { extensionRequestFrom, isOverdue, isPending, routeSwitchLastDay } from './deadlines';
import type { TrajectoryState, TrajectorySummary } from './types';

export function summarize(state: TrajectoryState): TrajectorySummary {
  const next = state.deadlines.find((d) => isPending(d) && !d.suspended);
  const termijn = state.deadlines.find((d) => d.key === 'INBURGERINGSTERMIJN');
  const { dates } = state;
  const summary: TrajectorySummary = {
    inburgeraarId: state.inburgeraarId,
    phase: state.phase,
    taalniveau: state.taalniveau,
    doelgroep: state.doelgroep,
    coachId: state.coachId,
    paused: !!state.paused,
    overdue: state.deadlines.some(isOverdue),
    deadlines: state.deadlines.map(
      ({ key, label, dueDate, originalDueDate, status, source, fulfilledDate, kind, suspended }) => ({
        key,
        label,
        dueDate,
        originalDueDate,
        status,
        source,
        kind,
        ...(fulfilledDate ? { fulfilledDate } : {}),
        ...(suspended ? { suspended } : {}),
      }),
    ),
    milestones: {
      koppeling: dates.koppeling,
      ...(dates.intake ? { intake: dates.intake } : {}),
      ...(dates.pipDecision ? { pip: dates.pipDecision } : {}),
      ...(dates.termijnStart
        ? {
            termijnStart: dates.termijnStart,
            routeSwitchUntil: routeSwitchLastDay(dates.termijnStart),
            extensionRequestFrom: extensionRequestFrom(dates.termijnStart),
          }
        : {}),
      ...(termijn ? { termijnEnd: termijn.dueDate } : {}),
    },
    eventSeq: state.eventSeq,
    asOf: state.today,
  };
  if (state.route) summary.route = state.route;
  if (next)
    summary.nextDeadline = { key: next.key, label: next.label, dueDate: next.dueDate, source: next.source };
  if (state.ended) {
    summary.endedReason = state.ended.reason;
    summary.endedDate = state.ended.date;
  }
  return summary;
}
