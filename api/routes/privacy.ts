/**
 * The person's rights and the retention schedule, for managers:
 *  - GET  /api/inburgeraars/:id/inzage       everything stored about one person (AVG art. 15), JSON
 *  - GET  /api/inburgeraars/:id/inzage.html  the same as a page in Dutch, to hand to the person
 *  - POST /api/inburgeraars/:id/correctie    correct personal data (AVG art. 16)
 *  - GET  /api/schedules                     the retention and clean-up schedules: last and next run
 * Each use of a right is itself an audit event. Services: api/privacy/.
 */
import { ScheduleNotFoundError } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/common';
import { z } from 'zod';
import { privacySchedules } from '../../worker/schedules';
import { ROLE_GROUPS, type Principal } from '../auth/principal';
import type { AppDeps } from '../deps';
import { defineRoute, type RouteDef } from '../http/route';
import { correctieSchema, correctPersonalData } from '../privacy/correctie';
import { buildInzage } from '../privacy/inzage';
import { renderInzageHtml } from '../privacy/inzage-html';
import { errorResponses, idParams } from './common';

async function exportFor(deps: AppDeps, principal: Principal, id: string, format: 'json' | 'html') {
  // The export is a read of everything: recorded before it is gathered, so it shows in itself.
  await deps.audit.record({
    actorId: principal.userId,
    actorRole: principal.role,
    action: 'INZAGE_EXPORTED',
    inburgeraarId: id,
    details: { format },
  });
  return buildInzage(deps, id, principal.userId);
}

const scheduleSchema = z.object({
  id: z.string(),
  installed: z.boolean().describe('false: no worker has installed it (yet)'),
  description: z.string().describe('What it does (Dutch)'),
  when: z.string().describe('When it runs (Dutch)'),
  workflowType: z.string(),
  paused: z.boolean().nullable(),
  lastRun: z
    .object({
      scheduledAt: z.string(),
      startedAt: z.string(),
      workflowId: z.string(),
      status: z
        .string()
        .nullable()
        .describe('RUNNING, COMPLETED, FAILED, ... (null once Temporal no longer keeps it)'),
    })
    .nullable(),
  nextRuns: z.array(z.string()).describe('The next times it will run (ISO instants)'),
  runsTaken: z.number().nullable(),
});

export const privacyRoutes: RouteDef[] = [
  defineRoute({
    method: 'get',
    path: '/api/inburgeraars/:id/inzage',
    operationId: 'exportPersonalData',
    summary: 'Right of access (AVG art. 15): everything stored about one person, as JSON',
    description:
      'Personal data (with the BSN), the koppeling, the workflow state, deadlines, the audit trail, the ' +
      'messages sent, the organisations that received data, and the retention period. Audited.',
    tag: 'privacy',
    roles: ROLE_GROUPS.privacy,
    rateLimit: 'heavy',
    params: idParams,
    responses: { 200: { description: 'The export' }, ...errorResponses },
    handler: async ({ params, principal, deps }) => ({
      body: await exportFor(deps, principal, params.id, 'json'),
      headers: { 'Cache-Control': 'no-store' },
    }),
  }),
  defineRoute({
    method: 'get',
    path: '/api/inburgeraars/:id/inzage.html',
    operationId: 'exportPersonalDataHtml',
    summary: 'Right of access (AVG art. 15): the same export as a readable page in Dutch',
    tag: 'privacy',
    roles: ROLE_GROUPS.privacy,
    rateLimit: 'heavy',
    params: idParams,
    responses: {
      200: { description: 'HTML page', contentType: 'text/html', schema: z.string() },
      ...errorResponses,
    },
    handler: async ({ params, principal, deps }) => ({
      body: renderInzageHtml(await exportFor(deps, principal, params.id, 'html')),
      contentType: 'text/html; charset=utf-8',
      headers: { 'Cache-Control': 'no-store' },
    }),
  }),
  defineRoute({
    method: 'post',
    path: '/api/inburgeraars/:id/correctie',
    operationId: 'correctPersonalData',
    summary: 'Right to rectification (AVG art. 16): correct personal data; audited with old and new values',
    description:
      'Only the fields that change, plus `toelichting`. The BSN is re-hashed and re-encrypted; one that ' +
      'belongs to another person answers 409 BSN_IN_USE.',
    tag: 'privacy',
    roles: ROLE_GROUPS.privacy,
    params: idParams,
    body: correctieSchema,
    responses: {
      200: {
        description: 'The corrected data (never the BSN) and the fields that changed',
        schema: z.object({
          inburgeraarId: z.string(),
          fields: z.array(z.string()),
          persoon: z.record(z.string(), z.string()),
        }),
      },
      409: { description: 'BSN_IN_USE: the BSN belongs to another person' },
      ...errorResponses,
    },
    handler: async ({ params, body, principal, deps }) => ({
      body: await correctPersonalData(deps, params.id, body, principal),
    }),
  }),
  defineRoute({
    method: 'get',
    path: '/api/schedules',
    operationId: 'listSchedules',
    summary: 'The retention and clean-up schedules (Temporal Schedules): what they do, last and next run',
    tag: 'privacy',
    roles: ROLE_GROUPS.privacy,
    responses: { 200: { description: 'The schedules', schema: z.array(scheduleSchema) } },
    handler: async ({ deps }) => ({
      body: await Promise.all(
        privacySchedules(deps.config).map(async (s) => {
          const base = {
            id: s.id,
            description: s.omschrijving,
            when: s.wanneer,
            workflowType: String(s.action.workflowType),
          };
          try {
            const d = await deps.temporal.schedule.getHandle(s.id).describe();
            const last = d.info.recentActions.at(-1);
            let status: string | null = null;
            if (last) {
              try {
                const run = await deps.temporal.workflow
                  .getHandle(last.action.workflow.workflowId, last.action.workflow.firstExecutionRunId)
                  .describe();
                status = run.status.name;
              } catch (err) {
                if (!(err instanceof WorkflowNotFoundError)) throw err;
              }
            }
            return {
              ...base,
              installed: true,
              paused: d.state.paused,
              lastRun: last
                ? {
                    scheduledAt: last.scheduledAt.toISOString(),
                    startedAt: last.takenAt.toISOString(),
                    workflowId: last.action.workflow.workflowId,
                    status,
                  }
                : null,
              nextRuns: d.info.nextActionTimes.slice(0, 3).map((t) => t.toISOString()),
              runsTaken: d.info.numActionsTaken,
            };
          } catch (err) {
            if (!(err instanceof ScheduleNotFoundError)) throw err;
            return { ...base, installed: false, paused: null, lastRun: null, nextRuns: [], runsTaken: null };
          }
        }),
      ),
    }),
  }),
];
