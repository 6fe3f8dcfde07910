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
