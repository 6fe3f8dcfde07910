/**
 * The read-model snapshot of a trajectory: what a coach or manager sees in a list, and what every
 * update answers. Derived from the state only (no clock): `state.today` is the evaluation date.
 *
 * `trajectorySummarySchema` is the one definition of its shape: the TypeScript type is inferred
 * from it, the API's OpenAPI document answers with it, and the read-model row is mapped from it
 * (activities/read-model.ts). Add a field here and every one of them follows.
 */
import { z } from 'zod';
import { extensionRequestFrom, isOverdue, isPending, routeSwitchLastDay } from './deadlines';
import {
  DEADLINE_KINDS,
  DEADLINE_STATUSES,
  DOELGROEPEN,
  ENDED_REASONS,
  LEERROUTES,
  PHASES,
  TAALNIVEAUS,
  type TrajectoryState,
} from './types';

const date = (description: string) => z.string().describe(`${description} (YYYY-MM-DD)`);

export const deadlineSummarySchema = z
  .object({
    key: z.string().describe('Stable key within the trajectory, e.g. PIP_VASTSTELLEN'),
    label: z.string().describe('Short Dutch label'),
    kind: z
      .enum(DEADLINE_KINDS)
      .describe('DEADLINE: something must be done by then; TERM_END: a term runs out'),
    dueDate: date('Last day on which it is met'),
    originalDueDate: date('The due date before any extension'),
    status: z
      .enum(DEADLINE_STATUSES)
      .describe('open, met, missed, moved (by an extension), dropped, expired'),
    source: z.string().describe('The article it comes from, or "beleid" for a gemeente policy'),
    fulfilledDate: date('The day it was met (also when late)').optional(),
    suspended: z.boolean().optional().describe('On hold (the PIP term while waiting for third parties)'),
  })
  .describe('A deadline or term of the trajectory');

export const trajectorySummarySchema = z
  .object({
    inburgeraarId: z.string().describe('Pseudonymous id of the inburgeraar'),
    phase: z.enum(PHASES).describe('Phase of the trajectory'),
    route: z.enum(LEERROUTES).optional().describe('Leerroute, once the PIP set it'),
    taalniveau: z.enum(TAALNIVEAUS).describe('Language level of the B1-route (A2 after afschalen)'),
    doelgroep: z.enum(DOELGROEPEN),
    coachId: z.string().describe('Id of the coach'),
    paused: z.boolean(),
    nextDeadline: z
      .object({ key: z.string(), label: z.string(), dueDate: date('Due date'), source: z.string() })
      .optional()
      .describe('The first open deadline'),
    overdue: z.boolean().describe('Some deadline passed without being met'),
    deadlines: z.array(deadlineSummarySchema),
    milestones: z
      .object({
        koppeling: date('Koppeling'),
        intake: date('Brede intake completed').optional(),
        pip: date('Date on the PIP decision').optional(),
        termijnStart: date('Start of the inburgeringstermijn').optional(),
        termijnEnd: date('End of the inburgeringstermijn (with extensions)').optional(),
        routeSwitchUntil: date('Last day a route switch is possible').optional(),
        extensionRequestFrom: date('First day an extension can be requested').optional(),
      })
      .describe('Dates that mark progress'),
    endedReason: z.enum(ENDED_REASONS).optional().describe('Why the trajectory ended'),
    endedDate: date('When it ended').optional(),
    eventSeq: z
      .number()
      .int()
      .describe('Sequence number of the last event (the read model only moves forward)'),
    asOf: date('The day the summary was evaluated'),
  })
  .describe('A trajectory in short: what lists show and what every action answers');

export type TrajectorySummary = z.infer<typeof trajectorySummarySchema>;
export type DeadlineSummary = z.infer<typeof deadlineSummarySchema>;

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
