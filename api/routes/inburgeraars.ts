/**
 * One person's trajectory: the koppeling that starts it, reading it, its timeline, and the
 * manager's reassignment of the coach.
 *
 * Personal data lives only in the database (Persoonsgegevens, BSN hashed + encrypted); the workflow
 * gets the pseudonymous inburgeraarId and the trajectory facts. Every read of a person and every
 * change made here writes an AuditEvent (the workflow's activity records the trajectory changes).
 */
import { randomUUID } from 'node:crypto';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { z } from 'zod';
import { koppelingSchema, type Koppeling } from '../../domain/commands';
import { isOverdue } from '../../domain/deadlines';
import type { Principal } from '../auth/principal';
import { ROLE_GROUPS } from '../auth/principal';
import type { AppDeps } from '../deps';
import { ValidationError } from '../http/errors';
import { defineRoute, type RouteDef } from '../http/route';
import { encryptBsn, hashBsn, isValidBsn } from '../persons/bsn';
import { assertMaySee, maySeePersonalData, partnerView, queryState, workflowIdFor } from '../trajectories';
import { actorIdOf, runCommand } from './acties';
import {
  errorResponses,
  idParams,
  partnerPersonViewSchema,
  personViewSchema,
  summarySchema,
  timelineSchema,
} from './common';

export const persoonSchema = z
  .object({
    bsn: z
      .string()
      .trim()
      .refine(isValidBsn, 'not a valid BSN (9 digits passing the elfproef)')
      .describe('Burgerservicenummer: stored only hashed and encrypted, never sent to Temporal'),
    voornaam: z.string().trim().min(1).max(100).describe('Given name(s)'),
    achternaam: z.string().trim().min(1).max(150).describe('Surname'),
    geboortedatum: z.iso.date().optional().describe('Date of birth (YYYY-MM-DD)'),
    email: z.email().optional().describe('E-mail address'),
    telefoon: z.string().trim().max(30).optional().describe('Phone number'),
    adres: z.string().trim().max(300).optional().describe('Address'),
  })
  .describe('Personal data: kept in the database only');

export const koppelingRequestSchema = koppelingSchema
  .omit({ inburgeraarId: true })
  .extend({
    koppelingRef: z
      .string()
      .trim()
      .min(1)
      .max(100)
      .regex(/^[A-Za-z0-9._:/-]+$/, 'only letters, digits and . _ : / -')
      .describe(
        'Reference of the koppeling (COA/DUO): a repeat with the same reference (or the same BSN) returns the existing trajectory',
      ),
    persoon: persoonSchema,
  })
  .describe('A koppeling: the person and the start of their trajectory');

const koppelingAnswer = z.object({
  inburgeraarId: z.uuid(),
  workflowId: z.string(),
  created: z.boolean().describe('false when this person already had a trajectory'),
  links: z.object({ self: z.string(), timeline: z.string(), temporalUi: z.string() }),
});

const actor = (principal: Principal) => ({ actorId: principal.userId, actorRole: principal.role });

export const temporalUiLink = (deps: AppDeps, workflowId: string): string =>
  `${deps.config.TEMPORAL_UI_URL.replace(/\/$/, '')}/namespaces/${encodeURIComponent(deps.config.TEMPORAL_NAMESPACE)}/workflows/${encodeURIComponent(workflowId)}`;

const links = (deps: AppDeps, inburgeraarId: string) => ({
  self: `/api/inburgeraars/${inburgeraarId}`,
  timeline: `/api/inburgeraars/${inburgeraarId}/timeline`,
  temporalUi: temporalUiLink(deps, workflowIdFor(inburgeraarId)),
});

async function assertActiveCoach(deps: AppDeps, coachId: string): Promise<void> {
  const coach = await deps.store.getUser(coachId);
  if (!coach || coach.role !== 'coach' || !coach.active)
    throw new ValidationError([{ field: 'coachId', reason: 'no active coach with this id' }]);
}

/**
 * Starts the trajectory, or finds the one that runs: USE_EXISTING makes a second start for the same
 * id a no-op, and REJECT_DUPLICATE keeps an ended trajectory from being started again. Also repairs
 * a koppeling whose first attempt stored the person but failed before the workflow started.
 */
async function ensureWorkflow(deps: AppDeps, input: Koppeling): Promise<void> {
  try {
    await deps.temporal.workflow.start('trajectoryWorkflow', {
      taskQueue: deps.config.TEMPORAL_TASK_QUEUE,
      workflowId: workflowIdFor(input.inburgeraarId),
      args: [input],
      workflowIdConflictPolicy: 'USE_EXISTING',
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
    });
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
  }
}

export const inburgeraarRoutes: RouteDef[] = [
  defineRoute({
    method: 'post',
    path: '/api/inburgeraars',
    operationId: 'registerKoppeling',
    summary: 'Register a koppeling: stores the person and starts the trajectory',
    description:
      'A second koppeling for the same person (same koppelingRef or same BSN) answers 200 with the existing trajectory and starts nothing.',
    tag: 'inburgeraars',
    roles: ROLE_GROUPS.koppeling,
    body: koppelingRequestSchema,
    responses: {
      201: { description: 'Trajectory started', schema: koppelingAnswer },
      200: { description: 'This person already has a trajectory', schema: koppelingAnswer },
    },
    handler: async ({ body, principal, deps }) => {
      const { persoon, koppelingRef, ...koppeling } = body;
      const { bsn, ...personalData } = persoon;
      const bsnHash = hashBsn(bsn, deps.config.BSN_KEY);
      let found = await deps.store.findPerson({ koppelingRef, bsnHash });
      let created = false;
      if (!found) {
        await assertActiveCoach(deps, koppeling.coachId);
        const inburgeraarId = randomUUID();
        ({ created, person: found } = await deps.store.createPerson({
          inburgeraarId,
          workflowId: workflowIdFor(inburgeraarId),
          koppelingRef,
          coachId: koppeling.coachId,
          doelgroep: koppeling.doelgroep,
          gemeenteCode: koppeling.gemeenteCode,
          bsnHash,
          bsnEncrypted: encryptBsn(bsn, deps.config.BSN_KEY),
          persoon: personalData,
        }));
      }
      const person = found;
      await ensureWorkflow(deps, {
        ...koppeling,
        coachId: person.coachId,
        inburgeraarId: person.inburgeraarId,
      });
      await deps.store.audit({
        ...actor(principal),
        action: created ? 'KOPPELING_REGISTERED' : 'KOPPELING_REPEATED',
        inburgeraarId: person.inburgeraarId,
        details: { koppelingRef, coachId: person.coachId },
      });
      return {
        status: created ? 201 : 200,
        body: {
          inburgeraarId: person.inburgeraarId,
          workflowId: person.workflowId,
          created,
          links: links(deps, person.inburgeraarId),
        },
        headers: { Location: `/api/inburgeraars/${person.inburgeraarId}` },
      };
    },
  }),

  defineRoute({
    method: 'get',
    path: '/api/inburgeraars/:id',
    operationId: 'getInburgeraar',
    summary:
      "One person's trajectory: phase, route, steps, every deadline with its legal source, what is overdue",
    description:
      'From the workflow (getState query). Coaches and managers also get the name; a partner gets only phase, route and the dates of its modules and exams.',
    tag: 'inburgeraars',
    roles: ROLE_GROUPS.readPerson,
    params: idParams,
    responses: {
      200: {
        description: 'The trajectory (full view, or the partner view)',
        schema: z.union([personViewSchema, partnerPersonViewSchema]),
      },
      ...errorResponses,
    },
    handler: async ({ params, principal, deps }) => {
      const { state } = await queryState(deps, params.id);
      const referred = principal.role === 'partner' ? await deps.store.referredPartnerIds(params.id) : [];
      assertMaySee(principal, state, referred);
      await deps.store.audit({
        ...actor(principal),
        action: 'PERSON_READ',
        inburgeraarId: params.id,
        details: { view: principal.role === 'partner' ? 'partner' : 'full' },
      });
      if (principal.role === 'partner') return { body: partnerView(state, principal.partnerId!) };
      return {
        body: {
          inburgeraarId: params.id,
          workflowId: workflowIdFor(params.id),
          persoon: maySeePersonalData(principal)
            ? ((await deps.store.getPersonalData(params.id)) ?? null)
            : null,
          state,
          overdue: state.deadlines.filter(isOverdue),
          links: links(deps, params.id),
        },
      };
    },
  }),

  defineRoute({
    method: 'get',
    path: '/api/inburgeraars/:id/timeline',
    operationId: 'getTimeline',
    summary: 'Timeline: the audit trail of the trajectory and the notifications sent',
    tag: 'inburgeraars',
    roles: ROLE_GROUPS.timeline,
    params: idParams,
    responses: {
      200: { description: 'Events and notifications, oldest first', schema: timelineSchema },
      ...errorResponses,
    },
    handler: async ({ params, principal, deps }) => {
      const { state } = await queryState(deps, params.id);
      assertMaySee(principal, state);
      await deps.store.audit({
        ...actor(principal),
        action: 'PERSON_READ',
        inburgeraarId: params.id,
        details: { view: 'timeline' },
      });
      return {
        body: {
          inburgeraarId: params.id,
          deadlines: state.deadlines,
          notified: state.notified,
          entries: await deps.store.timeline(params.id),
        },
      };
    },
  }),

  defineRoute({
    method: 'put',
    path: '/api/inburgeraars/:id/coach',
    operationId: 'reassignCoach',
    summary: 'Assign another coach (manager); the workflow is told through its reassignCoach update',
    tag: 'inburgeraars',
    roles: ROLE_GROUPS.reassign,
    params: idParams,
    body: z.object({
      coachId: z.string().min(1).max(100).describe('Id of the new coach (a user with role coach)'),
    }),
    responses: {
      200: { description: 'The trajectory with its new coach', schema: summarySchema },
      ...errorResponses,
    },
    handler: async ({ params, body, principal, deps }) => {
      await assertActiveCoach(deps, body.coachId);
      // The workflow first: if it refuses, nothing changed anywhere.
      const summary = await runCommand(deps, principal, params.id, 'reassignCoach', {
        coachId: body.coachId,
      });
      await deps.store.setCoach(params.id, body.coachId);
      await deps.store.audit({
        ...actor(principal),
        action: 'COACH_REASSIGNED',
        inburgeraarId: params.id,
        details: { coachId: body.coachId, by: actorIdOf(principal) },
      });
      return { body: summary };
    },
  }),
];
