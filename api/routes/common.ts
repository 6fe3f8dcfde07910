/** Schemas shared by several routes (params, answers), so each is defined once. */
import { z } from 'zod';
import { LEERROUTES, PHASES } from '../../domain/types';

export const idParams = z.object({ id: z.uuid().describe('inburgeraarId (uuid)') });

export const phaseSchema = z.enum(PHASES).describe('Phase of the trajectory');
export const routeSchema = z.enum(LEERROUTES).describe('Leerroute');

const deadlineSummary = z.object({
  key: z.string(),
  label: z.string(),
  dueDate: z.string(),
  originalDueDate: z.string(),
  status: z.string(),
  source: z.string().describe('Legal source (article) or "policy"'),
  fulfilledDate: z.string().optional(),
  kind: z.string(),
});

/** The workflow's getSummary / update answer (domain/types.ts TrajectorySummary), for the docs. */
export const summarySchema = z
  .object({
    inburgeraarId: z.string(),
    phase: phaseSchema,
    route: routeSchema.optional(),
    taalniveau: z.string(),
    doelgroep: z.string(),
    coachId: z.string(),
    paused: z.boolean(),
    nextDeadline: z
      .object({ key: z.string(), label: z.string(), dueDate: z.string(), source: z.string() })
      .optional(),
    overdue: z.boolean(),
    deadlines: z.array(deadlineSummary),
    milestones: z.record(z.string(), z.string()),
    endedReason: z.string().optional(),
    endedDate: z.string().optional(),
    eventSeq: z.number(),
    asOf: z.string(),
  })
  .describe('The trajectory after the action: phase, route, deadlines with their legal source');

export const errorResponses = {
  404: { description: 'No inburgeraar with this id' },
} as const;

const deadlineSchema = deadlineSummary.extend({ rule: z.string(), binds: z.string() });

/** GET /api/inburgeraars/:id for coach and manager. */
export const personViewSchema = z
  .object({
    inburgeraarId: z.string(),
    workflowId: z.string(),
    persoon: z
      .object({
        voornaam: z.string(),
        achternaam: z.string(),
        geboortedatum: z.string().optional(),
        email: z.string().optional(),
        telefoon: z.string().optional(),
        adres: z.string().optional(),
      })
      .nullable()
      .describe('From the database; never the BSN'),
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
