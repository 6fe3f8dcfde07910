/**
 * The read-model snapshot of a trajectory: what a coach or manager sees in a list, and what every
 * update answers. Derived from the state only (no clock): `state.today` is the evaluation date.
 *
 * `trajectorySummarySchema` is the one definition of its shape: the TypeScript type is inferred
 * from it, the API's OpenAPI document answers with it, and the read-model row is mapped from it
 * (activities/read-model.ts). Add a field here and every one of them follows.
 */
import { z } from 'zod';
import {
  DEADLINE_KINDS,
  DEADLINE_STATUSES,
  DOELGROEPEN,
  ENDED_REASONS,
  EXTENSION_GROUNDS,
  FINE_GROUNDS,
  LANGUAGE_SKILLS,
  LEERROUTES,
  PHASES,
  TAALNIVEAUS,
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
    source: z
      .string()
      .describe('The article it comes from, in the version that decided this case, or the gemeente policy'),
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
        extensionRequestFrom: date(
          'First day an extension can be requested: 6 months before the end of the termijn as it runs now',
        ).optional(),
        maatschappelijkeBegeleidingStart: date(
          'Start of maatschappelijke begeleiding (Wi2021 art. 13)',
        ).optional(),
        lessenStart: date('First lesson of the course of the leerroute').optional(),
      })
      .describe('Dates that mark progress'),
    rulesVersion: z
      .number()
      .int()
      .optional()
      .describe(
        'Version of the rule set the trajectory is computed with (1: before the review per article of December 2026)',
      ),
    transferIn: z
      .object({
        fromGemeenteCode: z.string().describe('CBS code of the previous gemeente'),
        firstPipDecisionDate: date('Date on the first PIP, from which the termijn runs'),
      })
      .optional()
      .describe(
        'Moved in from another gemeente: same leerroute, new PIP within 10 weeks of BRP registration here',
      ),
    downgradedSkills: z
      .array(z.enum(LANGUAGE_SKILLS))
      .optional()
      .describe('Language skills afgeschaald to A2 (Wi2021 art. 17 lid 3)'),
    tijdigAanbod: z
      .object({
        dueDate: date('The lessons must start by then (3 months after the PIP, 6 in the onderwijsroute)'),
        status: z.enum(DEADLINE_STATUSES),
        lessenStart: date('First lesson').optional(),
        extensionGround: z
          .boolean()
          .describe('The lessons did not start in time: a ground for an extension without blame'),
        reportedToDuo: date(
          'Day the gemeente reported it to DUO (Besluit inburgering 2021 art. 9.3 lid 2 b)',
        ).optional(),
        source: z.string(),
      })
      .optional()
      .describe('Timely course offer for an asielstatushouder (Wi2021 art. 16)'),
    extensionGrounds: z
      .array(
        z.object({
          ground: z.enum(EXTENSION_GROUNDS),
          source: z.string().describe('Article'),
          reason: z.string().describe('Why the trajectory shows this ground'),
        }),
      )
      .optional()
      .describe('Grounds for an extension of the termijn that the facts of the trajectory show'),
    fines: z
      .object({
        totalEur: z.number().describe('All gemeente fines together'),
        maxEur: z.number().describe('Maximum of all gemeente fines per termijn (Wi2021 art. 26)'),
        items: z.array(
          z.object({
            decisionDate: date('Date of the fine decision'),
            ground: z.enum(FINE_GROUNDS),
            article: z.enum(['WI2021_ART_22', 'WI2021_ART_23']),
            amountEur: z.number(),
            newTermEnd: date('End of the new term the fine set (art. 22)').optional(),
            source: z.string(),
          }),
        ),
      })
      .optional()
      .describe('Fines the gemeente imposed, with amount, date and ground'),
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

export { summarize } from './summarize';
