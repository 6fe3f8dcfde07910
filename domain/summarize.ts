/**
 * `summarize`: the trajectory summary (shape: `trajectorySummarySchema` in domain/summary.ts) from
 * the state. Apart from the schema because the workflow calls it on every step and its bundle
 * carries no zod (workflows/README.md); the type comes from the schema, so the two cannot drift.
 */
import { extensionRequestOpens, isOverdue, isPending, routeSwitchLastDay } from './deadlines';
import { BOETE_MAXIMUM, inForce, rulesVersionOf } from './law';
import type { TrajectorySummary } from './summary';
import { extensionGroundsShown, initialState, tick } from './transitions';
import type { Koppeling } from './commands';
import type { TrajectoryState } from './types';

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
        ? { termijnStart: dates.termijnStart, routeSwitchUntil: routeSwitchLastDay(dates.termijnStart) }
        : {}),
      ...(termijn
        ? { termijnEnd: termijn.dueDate, extensionRequestFrom: extensionRequestOpens(termijn.dueDate) }
        : {}),
      ...(dates.maatschappelijkeBegeleidingStart
        ? { maatschappelijkeBegeleidingStart: dates.maatschappelijkeBegeleidingStart }
        : {}),
      ...(dates.lessenStart ? { lessenStart: dates.lessenStart } : {}),
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
  if (state.rulesVersion) summary.rulesVersion = rulesVersionOf(state);
  if (state.transferIn)
    summary.transferIn = {
      fromGemeenteCode: state.transferIn.fromGemeenteCode,
      firstPipDecisionDate: state.transferIn.firstPipDecisionDate,
    };
  if (state.downgradedSkills?.length) summary.downgradedSkills = [...state.downgradedSkills];
  const aanbod = state.deadlines.find((d) => d.key === 'TIJDIG_AANBOD');
  if (aanbod)
    summary.tijdigAanbod = {
      dueDate: aanbod.dueDate,
      status: aanbod.status,
      ...(dates.lessenStart ? { lessenStart: dates.lessenStart } : {}),
      extensionGround: aanbod.status === 'missed',
      ...(dates.aanbodGemeldBijDuo ? { reportedToDuo: dates.aanbodGemeldBijDuo } : {}),
      source: aanbod.source,
    };
  const grounds = extensionGroundsShown(state);
  if (grounds.length) summary.extensionGrounds = grounds;
  if (state.fines?.length)
    summary.fines = {
      totalEur: state.fines.reduce((sum, f) => sum + f.amountEur, 0),
      maxEur: inForce(BOETE_MAXIMUM, state.fines.at(-1)!.decisionDate)!.values.totalEur,
      items: state.fines.map((f) => ({
        decisionDate: f.decisionDate,
        ground: f.ground,
        article: f.article,
        amountEur: f.amountEur,
        ...(f.newTermEnd ? { newTermEnd: f.newTermEnd } : {}),
        source: f.source,
      })),
    };
  return summary;
}

/**
 * The summary after a koppeling's first step, as the workflow computes it at `now` (its start
 * state, then `tick`): what the API sends as the new trajectory's search attributes, so that the
 * first workflow task has nothing to upsert. Only an optimisation: when the workflow's own first
 * step differs (it runs a moment later), it upserts its values as on any step.
 */
export function summaryAtKoppeling(koppeling: Koppeling, now: string): TrajectorySummary {
  return summarize(tick(initialState(koppeling, now), now).state);
}
