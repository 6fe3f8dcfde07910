/**
 * What the web pages read beside the rest of the API (each also usable by any client with a key):
 *
 *  - `GET /api/werk/caseload`: people by name with phase, route, next step, next deadline and the
 *    overdue deadlines, overdue first; search by name, or by BSN (exact, through the keyed hash).
 *  - `GET /api/coaches`: the coaches by name, for the manager's filter and reassignment.
 *  - `GET /api/acties`: every coach action with the JSON Schema of its input, derived from
 *    `commandSchemas` (domain/commands.ts): the forms are built from it.
 *  - `GET /api/inburgeraars/:id/mogelijke-acties`: what the rules allow now (`allowedCommands` in
 *    domain/allowed-actions.ts), with the choices that pass.
 *  - `GET /api/werk/inburgeraars/:id/tijdlijn`: the timeline with the names of who acted, and every
 *    notification with its delivery status and, when held or failed, the reason.
 *  - `GET /api/werk/meldingen`: held and failed notifications of all people, with names (manager).
 *
 * Names are personal data: every answer that carries them writes an audit event (one per request
 * for a list, with the ids shown; never the search text).
 */
import { z } from 'zod';
import { allowedCommands, commandJsonSchema, nextStepOf } from '../../domain';
import { commandSchemas } from '../../domain/commands';
import { ROLE_GROUPS, type Principal } from '../auth/principal';
import type { AppDeps } from '../deps';
import { defineRoute, type RouteDef } from '../http/route';
import { bsnKeyring, isValidBsn } from '../persons/bsn';
import { assertMaySee } from '../../application/access';
import { createWerkStore, type CaseloadRow } from '../werk/store';
import { ACTION_NAMES } from './acties';
import { errorResponses, idParams, phaseSchema, routeSchema } from './common';

const actor = (principal: Principal) => ({ actorId: principal.userId, actorRole: principal.role });

/** Lower case without diacritics, so "celik" finds "Çelik" and "bram" finds "Bräm". */
export const normalizeName = (value: string): string =>
  value
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();

const nameSchema = z.object({ voornaam: z.string(), achternaam: z.string() });
const userRef = z.object({ id: z.string(), name: z.string().nullable() });

const caseloadItem = z.object({
  inburgeraarId: z.string(),
  naam: nameSchema.nullable().describe('From Persoonsgegevens; null when not (yet) stored'),
  coach: userRef,
  phase: phaseSchema,
  route: routeSchema.nullable(),
  paused: z.boolean(),
  overdue: z.boolean(),
  nextStep: z
    .string()
    .nullable()
    .describe('The action that moves the trajectory on (a key of commandSchemas), null when ended'),
  nextDeadline: z.object({ key: z.string(), label: z.string().nullable(), dueDate: z.string() }).nullable(),
  overdueDeadlines: z
    .array(
      z.object({ key: z.string(), label: z.string().nullable(), dueDate: z.string(), source: z.string() }),
    )
    .describe('Deadlines past their date and not done, oldest first'),
});
export type CaseloadItem = z.infer<typeof caseloadItem>;

const caseloadQuery = z.object({
  q: z
    .string()
    .trim()
    .max(100)
    .optional()
    .describe('Part of the first name or surname (case and accents ignored)'),
  bsn: z
    .string()
    .trim()
    .optional()
    .refine((v) => v === undefined || v === '' || isValidBsn(v), 'not a valid BSN (9 digits, elfproef)')
    .describe('Exact BSN: looked up through its keyed hash, never stored or logged'),
  coachId: z
    .string()
    .min(1)
    .max(100)
    .optional()
    .describe("Only this coach's people (managers; a coach always gets their own)"),
  phase: phaseSchema.optional(),
  route: routeSchema.optional(),
  overdue: z
    .enum(['true', 'false'])
    .optional()
    .transform((v) => (v === undefined ? undefined : v === 'true')),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
});

export const caseloadAnswer = z.object({
  items: z.array(caseloadItem),
  page: z.number(),
  pageSize: z.number(),
  total: z.number(),
  totalPages: z.number(),
});
export type CaseloadAnswer = z.infer<typeof caseloadAnswer>;

function toItem(row: CaseloadRow, coachName: string | undefined): CaseloadItem {
  return {
    inburgeraarId: row.inburgeraarId,
    naam: row.naam,
    coach: { id: row.coachId, name: coachName ?? null },
    phase: row.phase as CaseloadItem['phase'],
    route: (row.route as CaseloadItem['route']) ?? null,
    paused: row.paused,
    overdue: row.overdue,
    nextStep: nextStepOf({
      phase: row.phase as CaseloadItem['phase'],
      paused: row.paused,
      route: (row.route as CaseloadItem['route']) ?? undefined,
    }),
    nextDeadline: row.nextDeadline,
    overdueDeadlines: row.overdueDeadlines,
  };
}

const actionForm = z.object({
  name: z.string().describe('The action: POST /api/inburgeraars/:id/acties/<name>'),
  description: z.string(),
  schema: z.record(z.string(), z.unknown()).describe('JSON Schema (2020-12) of the body'),
});

const allowedAnswer = z.object({
  inburgeraarId: z.string(),
  asOf: z.string().describe('When the rules were asked (ISO instant)'),
  acties: z.array(
    z.object({
      name: z.string(),
      choices: z
        .record(z.string(), z.array(z.unknown()))
        .describe('Per choice field (dotted path), the values the rules accept now'),
    }),
  ),
});
export type AllowedAnswer = z.infer<typeof allowedAnswer>;

const notificationSchema = z.object({
  id: z.string(),
  inburgeraarId: z.string().nullable(),
  at: z.string(),
  template: z.string(),
  channel: z.string(),
  audience: z.string(),
  status: z.string().describe('pending, sent, held or failed'),
  reason: z.string().nullable().describe('Why it was held or failed'),
  deadlineKey: z.string().nullable(),
  dueDate: z.string().nullable(),
  attempts: z.number(),
});

const timelineAnswer = z.object({
  inburgeraarId: z.string(),
  events: z.array(
    z.object({
      at: z.string(),
      type: z.string(),
      actor: userRef.nullable().describe('Who acted; null for the workflow itself (timers)'),
      details: z.unknown(),
    }),
  ),
  notifications: z.array(notificationSchema),
});
export type TimelineAnswer = z.infer<typeof timelineAnswer>;

const problemsAnswer = z.object({
  items: z.array(notificationSchema.extend({ naam: nameSchema.nullable(), coach: userRef.nullable() })),
});
export type NotificationProblemsAnswer = z.infer<typeof problemsAnswer>;

async function coachNames(deps: AppDeps, ids: string[]) {
  return createWerkStore(deps.db).usersByIds(ids);
}

export const werkRoutes: RouteDef[] = [
  defineRoute({
    method: 'get',
    path: '/api/werk/caseload',
    operationId: 'caseloadWithNames',
    summary:
      'Caseload by name: overdue first, with the next step and the overdue deadlines; search by name or BSN',
    description:
      'A coach gets their own people, a manager everyone (or one coach with coachId). Names are personal data: every answer is audited (CASELOAD_READ with the ids shown).',
    tag: 'werk',
    roles: ['coach', 'manager'],
    query: caseloadQuery,
    responses: { 200: { description: 'One page', schema: caseloadAnswer } },
    handler: async ({ query, principal, deps }) => {
      const werk = createWerkStore(deps.db);
      const coachId = principal.role === 'coach' ? principal.userId : query.coachId;
      // A search narrows the caseload to the people it finds (BSN: one; name: every match).
      let found: string[] | undefined;
      if (query.bsn) {
        const id = await werk.personByBsnHash(bsnKeyring(deps.config).lookupHashes(query.bsn));
        found = id ? [id] : [];
      }
      const q = query.q ? normalizeName(query.q) : '';
      if (q) {
        const byName = await werk.idsWhereName((name) => normalizeName(name).includes(q));
        found = found ? found.filter((id) => byName.includes(id)) : byName;
      }
      const { rows, total } = await werk.caseloadPage(
        {
          coachId,
          overdue: query.overdue,
          phase: query.phase,
          route: query.route,
          inburgeraarIds: found,
        },
        { page: query.page, pageSize: query.pageSize },
      );
      const coaches = await coachNames(
        deps,
        rows.map((r) => r.coachId),
      );
      const pageItems = rows.map((r) => toItem(r, coaches.get(r.coachId)?.name));
      await deps.audit.record({
        ...actor(principal),
        action: 'CASELOAD_READ',
        details: {
          view: 'werk',
          searched: query.bsn ? 'bsn' : q ? 'naam' : null,
          inburgeraarIds: pageItems.map((i) => i.inburgeraarId),
        },
      });
      return {
        body: {
          items: pageItems,
          page: query.page,
          pageSize: query.pageSize,
          total,
          totalPages: Math.max(1, Math.ceil(total / query.pageSize)),
        },
      };
    },
  }),

  defineRoute({
    method: 'get',
    path: '/api/coaches',
    operationId: 'listCoaches',
    summary: 'Active coaches by name (for filters and reassignment)',
    tag: 'werk',
    roles: ['manager'],
    responses: {
      200: {
        description: 'Coaches, by name',
        schema: z.array(z.object({ id: z.string(), name: z.string() })),
      },
    },
    handler: async ({ deps }) => ({ body: await createWerkStore(deps.db).coaches() }),
  }),

  defineRoute({
    method: 'get',
    path: '/api/acties',
    operationId: 'listActionForms',
    summary: 'Every coach action with the JSON Schema of its body (derived from the command schemas)',
    description:
      'The same schemas the API validates with (domain/commands.ts, through z.toJSONSchema): the pages build their forms from this.',
    tag: 'acties',
    roles: ROLE_GROUPS.act,
    responses: { 200: { description: 'The actions', schema: z.array(actionForm) } },
    handler: async () => ({
      body: ACTION_NAMES.map((name) => ({
        name,
        description: commandSchemas[name].description ?? name,
        schema: commandJsonSchema(name),
      })),
    }),
  }),

  defineRoute({
    method: 'get',
    path: '/api/inburgeraars/:id/mogelijke-acties',
    operationId: 'allowedActions',
    summary: 'What the rules allow now on this trajectory, with the choices that pass',
    description:
      'From allowedCommands(state, now) in domain/allowed-actions.ts, the same rules the workflow validates with.',
    tag: 'acties',
    roles: ROLE_GROUPS.act,
    params: idParams,
    responses: { 200: { description: 'The actions allowed now', schema: allowedAnswer }, ...errorResponses },
    handler: async ({ params, principal, deps }) => {
      const state = await deps.trajectories.state(params.id);
      assertMaySee(principal, state);
      const now = new Date().toISOString();
      return {
        body: {
          inburgeraarId: params.id,
          asOf: now,
          acties: allowedCommands(state, now, ACTION_NAMES),
        },
      };
    },
  }),

  defineRoute({
    method: 'get',
    path: '/api/werk/inburgeraars/:id/tijdlijn',
    operationId: 'timelineWithNames',
    summary: 'Timeline with the names of who acted, and every notification with its status and reason',
    tag: 'werk',
    roles: ROLE_GROUPS.timeline,
    params: idParams,
    responses: {
      200: { description: 'Events and notifications', schema: timelineAnswer },
      ...errorResponses,
    },
    handler: async ({ params, principal, deps }) => {
      const state = await deps.trajectories.state(params.id);
      assertMaySee(principal, state);
      const werk = createWerkStore(deps.db);
      const entries = (await deps.audit.timeline(params.id)).filter((e) => e.kind === 'event');
      const users = await werk.usersByIds(entries.map((e) => e.actorId ?? '').filter(Boolean));
      await deps.audit.record({
        ...actor(principal),
        action: 'PERSON_READ',
        inburgeraarId: params.id,
        details: { view: 'tijdlijn' },
      });
      return {
        body: {
          inburgeraarId: params.id,
          events: entries.map((e) => ({
            at: e.at,
            type: e.type,
            actor:
              e.actorId && e.actorId !== 'workflow'
                ? { id: e.actorId, name: users.get(e.actorId)?.name ?? null }
                : null,
            details: e.details,
          })),
          notifications: await werk.notifications(params.id),
        },
      };
    },
  }),

  defineRoute({
    method: 'get',
    path: '/api/werk/meldingen',
    operationId: 'notificationProblems',
    summary: 'Held and failed notifications, newest first, with the reason and the person and coach by name',
    tag: 'werk',
    roles: ['manager'],
    query: z.object({ limit: z.coerce.number().int().min(1).max(500).default(100) }),
    responses: { 200: { description: 'Notifications that did not go out', schema: problemsAnswer } },
    handler: async ({ query, principal, deps }) => {
      const werk = createWerkStore(deps.db);
      const rows = await werk.notificationProblems({ limit: query.limit });
      const ids = [...new Set(rows.map((r) => r.inburgeraarId).filter((i): i is string => Boolean(i)))];
      const [names, coachOf] = await Promise.all([werk.names(ids), werk.coachesOf(ids)]);
      const coaches = await werk.usersByIds([...coachOf.values()]);
      await deps.audit.record({
        ...actor(principal),
        action: 'CASELOAD_READ',
        details: { view: 'meldingen', inburgeraarIds: ids },
      });
      return {
        body: {
          items: rows.map((r) => {
            const coachId = r.inburgeraarId ? coachOf.get(r.inburgeraarId) : undefined;
            return {
              ...r,
              naam: (r.inburgeraarId && names.get(r.inburgeraarId)) || null,
              coach: coachId ? { id: coachId, name: coaches.get(coachId)?.name ?? null } : null,
            };
          }),
        },
      };
    },
  }),
];
