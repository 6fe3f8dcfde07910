/** Schemas shared by several routes (params, answers), so each is defined once. */
import { z } from 'zod';
import { RULE_CODES } from '../../domain/refusals';
import { deadlineSummarySchema, trajectorySummarySchema } from '../../domain/summary';
import { LEERROUTES, PHASES } from '../../domain/types';
import { persoonSchema } from '../../application/register-koppeling';
import type { ResponseDoc } from '../http/route';

export const idParams = z.object({ id: z.uuid().describe('inburgeraarId (uuid)') });

export const phaseSchema = z.enum(PHASES).describe('Phase of the trajectory');
export const routeSchema = z.enum(LEERROUTES).describe('Leerroute');

/**
 * The workflow's getSummary / update answer: the one schema of domain/summary.ts, never a copy.
 */
export const summarySchema = trajectorySummarySchema;

export const errorResponses = {
  404: { description: 'No inburgeraar with this id' },
} as const satisfies Record<number, ResponseDoc>;

/** Codes a 409 of the workflow's rules can carry: every RULE_CODE, or UPDATE_REJECTED without one. */
export const REFUSAL_409_CODES = [...RULE_CODES, 'UPDATE_REJECTED'] as const;

export const refusalResponse: ResponseDoc = {
  description:
    'Refused by a rule of the trajectory (wrong phase, missing prerequisite, ended): `error` is the rule code, `message` the explanation in Dutch; nothing was changed',
  codes: REFUSAL_409_CODES,
};

/** A deadline as the workflow keeps it: the summary's deadline plus the rule and who it binds. */
const deadlineSchema = deadlineSummarySchema.extend({
  rule: z.string().describe('Id of the rule that set it'),
  binds: z.string().describe('Whom it binds: gemeente, inburgeraar, coach'),
});

/** GET /api/inburgeraars/:id for coach and manager. */
export const personViewSchema = z
  .object({
    inburgeraarId: z.string(),
    workflowId: z.string(),
    persoon: persoonSchema.omit({ bsn: true }).nullable().describe('From the database; never the BSN'),
    state: z
      .record(z.string(), z.unknown())
      .describe(
        'The full trajectory state from the getState query (domain/types.ts TrajectoryState): phase, route, dates, modules, exams, deadlines, ...',
      ),
    overdue: z.array(deadlineSchema).describe('Deadlines past their date and not done'),
    links: z.object({ self: z.string(), timeline: z.string(), temporalUi: z.string() }),
  })
  .describe('Full view (coach, manager)');

/** GET /api/inburgeraars/:id for a partner: only what it needs for its lessons or placement. */
export const partnerPersonViewSchema = z
  .object({
    inburgeraarId: z.string(),
    phase: phaseSchema,
    route: routeSchema.nullable(),
    taalniveau: z.string(),
    paused: z.boolean(),
    termijnStart: z.string().nullable(),
    modules: z.array(
      z.object({
        module: z.string(),
        agreedStartDate: z.string().nullable(),
        agreedEndDate: z.string().nullable(),
        startDate: z.string().nullable(),
        completedDate: z.string().nullable(),
      }),
    ),
    hours: z.record(z.string(), z.number()),
    exams: z.record(z.string(), z.array(z.record(z.string(), z.unknown()))),
  })
  .describe('Partner view: no name, BSN, address, coach or gemeente deadlines');

export const timelineSchema = z.object({
  inburgeraarId: z.string(),
  deadlines: z.array(deadlineSchema),
  notified: z
    .array(z.string())
    .describe('Reminder/escalation moments already sent (deadlineKey:moment:date)'),
  entries: z.array(
    z.object({
      at: z.string(),
      kind: z.enum(['event', 'notification']),
      type: z.string(),
      actorId: z.string().nullable(),
      details: z.unknown(),
    }),
  ),
});
