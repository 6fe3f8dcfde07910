/**
 * One person's trajectory: the koppeling that starts it, reading it, its timeline, and the
 * manager's reassignment of the coach. The writes are application services (application/), which
 * the caseload import calls too; this file only maps HTTP onto them.
 *
 * Personal data lives only in the database (Persoonsgegevens, BSN hashed + encrypted); the workflow
 * gets the pseudonymous inburgeraarId and the trajectory facts. Every read of a person and every
 * change made here writes an AuditEvent (the workflow's activity records the trajectory changes).
 */
import { z } from 'zod';
import { assertMaySee } from '../../application/access';
import { INTAKE_BUSY } from '../../application/admission';
import { reassignCoach } from '../../application/reassign-coach';
import { koppelingRequestSchema, registerKoppeling } from '../../application/register-koppeling';
import { workflowIdFor } from '../../application/temporal';
import { isOverdue } from '../../domain/deadlines';
import type { Principal } from '../auth/principal';
import { ROLE_GROUPS } from '../auth/principal';
import type { AppDeps } from '../deps';
import { defineRoute, type RouteDef } from '../http/route';
import { maySeePersonalData, partnerView } from '../trajectories';
import {
  errorResponses,
  idParams,
  partnerPersonViewSchema,
  personViewSchema,
  refusalResponse,
  summarySchema,
  timelineSchema,
} from './common';

const koppelingAnswer = z.object({
  inburgeraarId: z.uuid(),
  workflowId: z.string(),
  created: z.boolean().describe('false when this person already had a trajectory'),
  links: z.object({ self: z.string(), timeline: z.string(), temporalUi: z.string() }),
});

const actor = (principal: Principal) => ({ actorId: principal.userId, actorRole: principal.role });

const temporalUiLink = (deps: AppDeps, workflowId: string): string =>
  `${deps.config.TEMPORAL_UI_URL.replace(/\/$/, '')}/namespaces/${encodeURIComponent(deps.config.TEMPORAL_NAMESPACE)}/workflows/${encodeURIComponent(workflowId)}`;

const links = (deps: AppDeps, inburgeraarId: string) => ({
  self: `/api/inburgeraars/${inburgeraarId}`,
  timeline: `/api/inburgeraars/${inburgeraarId}/timeline`,
  temporalUi: temporalUiLink(deps, workflowIdFor(inburgeraarId)),
});

export const inburgeraarRoutes: RouteDef[] = [
  defineRoute({
    method: 'post',
    path: '/api/inburgeraars',
    operationId: 'registerKoppeling',
    summary: 'Register a koppeling: stores the person; the trajectory starts at once, apart from the answer',
    description:
      'The answer comes once the person and the trajectory to start are stored (one transaction); the trajectory workflow is ' +
      'started right after, apart from the answer, and while Temporal cannot be reached it is started as soon as it can ' +
      '(tried again every few seconds to 5 minutes). Actions on the person may follow at once: the first one starts a trajectory ' +
      'that is still waiting.\n\n' +
      'A second koppeling for the same person (same koppelingRef or same BSN) answers 200 with the existing trajectory and starts nothing new ' +
      '(a trajectory still waiting to start is started first).\n\n' +
      'Backpressure: a new person is accepted only while the worker keeps up with the koppelingen accepted before ' +
      '(at most INTAKE_MAX_PENDING whose trajectory has not been written yet, counted over all API processes and imports). ' +
      'Beyond that the answer is 503 with Retry-After and nothing is stored or started: send the same request again after ' +
      'that many seconds (with the same Idempotency-Key, if any). A repeat of a known person is never refused.',
    tag: 'inburgeraars',
    roles: ROLE_GROUPS.koppeling,
    body: koppelingRequestSchema,
    responses: {
      201: {
        description:
          'Person registered; the trajectory starts at once (or as soon as Temporal can be reached)',
        schema: koppelingAnswer,
      },
      200: { description: 'This person already has a trajectory', schema: koppelingAnswer },
      503: {
        description:
          'Intake is busy: the worker has not yet caught up with the koppelingen accepted before. Nothing was stored or started; try again after Retry-After seconds',
        codes: [INTAKE_BUSY],
        headers: {
          'Retry-After': { description: 'Seconds to wait before sending the koppeling again', integer: true },
        },
      },
    },
    handler: async ({ body, principal, deps }) => {
      const registered = await registerKoppeling(deps, principal, body);
      return {
        status: registered.created ? 201 : 200,
        body: { ...registered, links: links(deps, registered.inburgeraarId) },
        headers: { Location: `/api/inburgeraars/${registered.inburgeraarId}` },
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
      const state = await deps.trajectories.state(params.id);
      const referred = principal.role === 'partner' ? await deps.partners.referredPartnerIds(params.id) : [];
      assertMaySee(principal, state, referred);
      await deps.audit.record({
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
            ? ((await deps.people.getPersonalData(params.id)) ?? null)
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
      const state = await deps.trajectories.state(params.id);
      assertMaySee(principal, state);
      await deps.audit.record({
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
          entries: await deps.audit.timeline(params.id),
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
      409: refusalResponse,
    },
    handler: async ({ params, body, principal, deps, idempotencyKey }) => ({
      body: await reassignCoach(deps, principal, params.id, body.coachId, { idempotencyKey }),
    }),
  }),
];
