/**
 * Users, their API keys and the partner organisations (admin). A key is shown once, in the answer
 * that issues it; the database keeps only its SHA-256 hash. Revoking takes effect on the next
 * request, because every request looks the key up.
 */
import { z } from 'zod';
import { createDeliveryTrigger } from '../../worker/delivery-trigger';
import { generateApiKey } from '../auth/api-keys';
import { ROLE_GROUPS, roleSchema } from '../auth/principal';
import { HttpError, notFound, ValidationError } from '../http/errors';
import { defineRoute, type RouteDef } from '../http/route';

const userSchema = z.object({
  id: z.string(),
  name: z.string(),
  email: z.string().nullable(),
  role: roleSchema,
  partnerId: z.string().nullable(),
  active: z.boolean(),
  createdAt: z.string(),
});

const apiKeySchema = z.object({
  id: z.string(),
  userId: z.string(),
  prefix: z.string().describe('First characters of the key, to tell keys apart'),
  label: z.string().nullable(),
  createdAt: z.string(),
  revokedAt: z.string().nullable(),
  lastUsedAt: z.string().nullable(),
});

export const PARTNER_KINDS = [
  'taalschool',
  'onderwijsinstelling',
  'werkgever',
  'maatschappelijke_begeleiding',
] as const;
// The webhook secret is write-only: answers say only whether one is set.
const partnerSchema = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.enum(PARTNER_KINDS),
  email: z.string().nullable().describe('Where hand-offs go by e-mail when there is no webhook'),
  webhookUrl: z.string().nullable(),
  hasWebhookSecret: z.boolean().describe('Whether a webhook secret is set (the secret is never shown)'),
});

const partnerFields = z.object({
  name: z.string().trim().min(1).max(150).describe('Name of the organisation'),
  kind: z.enum(PARTNER_KINDS).describe('Kind of partner'),
  email: z
    .email()
    .optional()
    .describe('E-mail address for hand-offs (referrals), used when the partner has no webhook'),
  webhookUrl: z.url().optional().describe('Where signed notifications are posted'),
  webhookSecret: z
    .string()
    .min(16)
    .max(200)
    .optional()
    .describe(
      'Shared secret (at least 16 characters) for the HMAC-SHA256 signature of webhook calls ' +
        '(X-Inburgering-Signature: sha256=<hex> over "<timestamp>.<body>"); required with webhookUrl; ' +
        'stored, never shown again',
    ),
});

/** A webhook is signed: URL and secret come together. */
function webhookPair(
  v: { webhookUrl?: string | undefined; webhookSecret?: string | undefined },
  ctx: z.RefinementCtx,
) {
  if (v.webhookUrl && !v.webhookSecret)
    ctx.addIssue({
      code: 'custom',
      path: ['webhookSecret'],
      message: 'required with webhookUrl (webhook calls are signed with it)',
    });
  if (v.webhookSecret && !v.webhookUrl)
    ctx.addIssue({ code: 'custom', path: ['webhookUrl'], message: 'required with webhookSecret' });
}

const createPartnerSchema = partnerFields.superRefine(webhookPair);
const updatePartnerSchema = partnerFields
  .omit({ kind: true })
  .partial()
  .superRefine(webhookPair)
  .describe('The fields to change; a new webhookUrl comes with its webhookSecret');

const createUserSchema = z
  .object({
    id: z
      .string()
      .min(1)
      .max(100)
      // The id becomes a coachId in workflows, so it follows the command schemas' id rule.
      .regex(/^[A-Za-z0-9._:-]+$/, 'only letters, digits and . _ : -')
      .optional()
      .describe(
        "Optional: the user's OIDC subject (sub), so that tokens and coach assignments name the same user; default a new uuid",
      ),
    name: z.string().trim().min(1).max(150).describe('Display name'),
    email: z.email().optional().describe('E-mail address for notifications (coach, manager)'),
    role: roleSchema.describe('coa, coach, manager, partner or admin'),
    partnerId: z
      .string()
      .min(1)
      .max(100)
      .optional()
      .describe('Required for role partner: the organisation the user works for'),
  })
  .superRefine((v, ctx) => {
    if (v.role === 'partner' && !v.partnerId)
      ctx.addIssue({ code: 'custom', path: ['partnerId'], message: 'required for role partner' });
    if (v.role !== 'partner' && v.partnerId)
      ctx.addIssue({ code: 'custom', path: ['partnerId'], message: 'only for role partner' });
  });

const userIdParams = z.object({ id: z.string().min(1).max(100).describe('User id') });

export const userRoutes: RouteDef[] = [
  defineRoute({
    method: 'post',
    path: '/api/users',
    operationId: 'createUser',
    summary: 'Create a user',
    tag: 'beheer',
    roles: ROLE_GROUPS.admin,
    body: createUserSchema,
    responses: {
      201: { description: 'Created', schema: userSchema },
      409: { description: 'A user with this id exists already', codes: ['USER_EXISTS'] },
    },
    handler: async ({ body, principal, deps }) => {
      if (body.partnerId && !(await deps.partners.getPartner(body.partnerId))) {
        throw new ValidationError([{ field: 'partnerId', reason: 'no partner with this id' }]);
      }
      const user = await deps.users.createUser(body);
      if (!user) throw new HttpError(409, 'USER_EXISTS', `a user with id ${body.id} exists already`);
      await deps.audit.record({
        actorId: principal.userId,
        actorRole: principal.role,
        action: 'USER_CREATED',
        details: { userId: user.id, role: user.role },
      });
      return { status: 201, body: user };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/users',
    operationId: 'listUsers',
    summary: 'List users',
    tag: 'beheer',
    roles: ROLE_GROUPS.admin,
    responses: { 200: { description: 'All users', schema: z.array(userSchema) } },
    handler: async ({ deps }) => ({ body: await deps.users.listUsers() }),
  }),
  defineRoute({
    method: 'post',
    path: '/api/users/:id/api-keys',
    operationId: 'issueApiKey',
    summary: 'Issue an API key for a user (the key is shown once, in this answer)',
    tag: 'beheer',
    roles: ROLE_GROUPS.admin,
    params: userIdParams,
    body: z.object({ label: z.string().trim().max(100).optional().describe('What the key is for') }),
    responses: {
      201: {
        description: 'The key; store it now',
        schema: apiKeySchema.extend({ key: z.string().describe('The API key: ir_...') }),
      },
    },
    handler: async ({ params, body, principal, deps }) => {
      const user = await deps.users.getUser(params.id);
      if (!user) throw notFound('user');
      const issued = generateApiKey();
      const key = await deps.users.createApiKey(user.id, {
        hash: issued.hash,
        prefix: issued.prefix,
        label: body.label,
      });
      await deps.audit.record({
        actorId: principal.userId,
        actorRole: principal.role,
        action: 'API_KEY_ISSUED',
        details: { userId: user.id, keyId: key.id },
      });
      return { status: 201, body: { ...key, key: issued.plaintext } };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/users/:id/api-keys',
    operationId: 'listApiKeys',
    summary: "A user's API keys (without the keys themselves)",
    tag: 'beheer',
    roles: ROLE_GROUPS.admin,
    params: userIdParams,
    responses: {
      200: { description: 'Keys', schema: z.array(apiKeySchema) },
      404: { description: 'No such user' },
    },
    handler: async ({ params, deps }) => {
      if (!(await deps.users.getUser(params.id))) throw notFound('user');
      return { body: await deps.users.listApiKeys(params.id) };
    },
  }),
  defineRoute({
    method: 'delete',
    path: '/api/api-keys/:keyId',
    operationId: 'revokeApiKey',
    summary: 'Revoke an API key (effective on the next request)',
    tag: 'beheer',
    roles: ROLE_GROUPS.admin,
    params: z.object({ keyId: z.string().min(1).max(100) }),
    responses: { 200: { description: 'Revoked', schema: apiKeySchema }, 404: { description: 'No such key' } },
    handler: async ({ params, principal, deps }) => {
      const key = await deps.users.revokeApiKey(params.keyId);
      if (!key) throw notFound('API key');
      await deps.audit.record({
        actorId: principal.userId,
        actorRole: principal.role,
        action: 'API_KEY_REVOKED',
        details: { userId: key.userId, keyId: key.id },
      });
      return { body: key };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/partners',
    operationId: 'createPartner',
    summary: 'Register a partner organisation (taalschool, werkgever, ...)',
    tag: 'beheer',
    roles: ROLE_GROUPS.admin,
    body: createPartnerSchema,
    responses: { 201: { description: 'Created', schema: partnerSchema } },
    handler: async ({ body, principal, deps }) => {
      const partner = await deps.partners.createPartner(body);
      await deps.audit.record({
        actorId: principal.userId,
        actorRole: principal.role,
        action: 'PARTNER_CREATED',
        details: { partnerId: partner.id },
      });
      return { status: 201, body: partner };
    },
  }),
  defineRoute({
    method: 'put',
    path: '/api/partners/:id',
    operationId: 'updatePartner',
    summary: 'Change a partner (address, webhook); its held and refused notifications are sent again',
    tag: 'beheer',
    roles: ROLE_GROUPS.admin,
    params: z.object({ id: z.string().min(1).max(100).describe('Partner id') }),
    body: updatePartnerSchema,
    responses: {
      200: {
        description: 'Changed; `requeued` notifications are due again',
        schema: partnerSchema.extend({ requeued: z.number().int() }),
      },
      404: { description: 'No such partner' },
    },
    handler: async ({ params, body, principal, deps }) => {
      const changed = await deps.partners.updatePartner(params.id, body);
      if (!changed) throw notFound('partner');
      // Wake the delivery workflow now rather than at its next poll (it would find them anyway).
      if (changed.requeued > 0)
        await createDeliveryTrigger(deps.temporal)
          .kick(deps.config.TEMPORAL_TASK_QUEUE)
          .catch((err: unknown) => deps.log.warn({ err: (err as Error).message }, 'delivery nudge failed'));
      await deps.audit.record({
        actorId: principal.userId,
        actorRole: principal.role,
        action: 'PARTNER_CHANGED',
        details: { partnerId: params.id, fields: Object.keys(body), requeued: changed.requeued },
      });
      return { body: { ...changed.partner, requeued: changed.requeued } };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/partners',
    operationId: 'listPartners',
    summary: 'List partner organisations',
    tag: 'beheer',
    roles: ['admin', 'manager', 'coach'],
    responses: { 200: { description: 'Partners', schema: z.array(partnerSchema) } },
    handler: async ({ deps }) => ({ body: await deps.partners.listPartners() }),
  }),
];
