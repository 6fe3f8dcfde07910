/**
 * Personal links (api/personal-links/links.ts): the coach of a person, or a manager, makes a link
 * that lets the inburgeraar open their own page (/mijn/<token>, api/mijn/) without an account,
 * lists the person's links and revokes one.
 *
 * The link's URL holds the token: it is answered once, by the create call, and stored nowhere (not
 * even as an idempotent replay: the create call refuses an Idempotency-Key). Making and revoking a
 * link are audit events; every view of the page is one too (PERSONAL_LINK_VIEWED).
 */
import type { Request } from 'express';
import { z } from 'zod';
import type { Principal } from '../auth/principal';
import type { AppDeps } from '../deps';
import { notFound, ValidationError } from '../http/errors';
import { defineRoute, IDEMPOTENCY_HEADER, type RouteDef } from '../http/route';
import { createPersonalLinks, type PersonalLinkView } from '../personal-links/links';
import { assertMaySee } from '../../application/access';
import { errorResponses, idParams } from './common';

export const PERSONAL_PAGE_PATH = '/mijn';

const linkSchema = z.object({
  id: z.string().describe('Id of the link (not the token)'),
  inburgeraarId: z.string(),
  createdBy: z.string().describe('User id of who made it'),
  createdAt: z.string(),
  expiresAt: z.string(),
  revokedAt: z.string().nullable(),
  revokedBy: z.string().nullable(),
  lastUsedAt: z.string().nullable().describe('Last time the page was opened with it'),
  useCount: z.number().describe('How often the page was opened with it'),
  status: z.enum(['active', 'expired', 'revoked']),
});
export type PersonalLinkAnswer = z.infer<typeof linkSchema>;

const createdSchema = linkSchema.extend({
  url: z
    .string()
    .describe('The personal link with its token: give it to the person. It is shown this once only.'),
});
export type CreatedLinkAnswer = z.infer<typeof createdSchema>;

const createBody = z.object({
  validDays: z
    .number()
    .int()
    .min(1)
    .optional()
    .describe('Days the link stays valid; at most, and by default, PERSONAL_LINK_DAYS (policy, 90)'),
});

const linkParams = idParams.extend({ linkId: z.uuid().describe('Id of the link') });

/** Where the person opens the page: PUBLIC_URL when set, else the address this request came to. */
function publicBase(deps: AppDeps, req: Request): string {
  return (deps.config.PUBLIC_URL ?? `${req.protocol}://${req.get('host')}`).replace(/\/+$/, '');
}

async function mayManage(deps: AppDeps, principal: Principal, inburgeraarId: string): Promise<void> {
  assertMaySee(principal, await deps.trajectories.state(inburgeraarId));
}

const actor = (p: Principal) => ({ actorId: p.userId, actorRole: p.role });

export const personalLinkRoutes: RouteDef[] = [
  defineRoute({
    method: 'post',
    path: '/api/inburgeraars/:id/persoonlijke-links',
    operationId: 'createPersonalLink',
    summary: 'Make a personal link with which the inburgeraar opens their own page, without an account',
    description:
      'The answer holds the link (url) with a random token of 256 bits, shown this once: only its hash is stored. ' +
      'The link shows this one person, expires after validDays (PERSONAL_LINK_DAYS) and can be revoked. ' +
      'No Idempotency-Key: a stored replay would keep the token.',
    tag: 'persoonlijke links',
    roles: ['coach', 'manager'],
    params: idParams,
    body: createBody,
    responses: { 201: { description: 'The new link', schema: createdSchema }, ...errorResponses },
    handler: async ({ params, body, principal, deps, req }) => {
      if (req.get(IDEMPOTENCY_HEADER))
        throw new ValidationError([
          {
            field: 'Idempotency-Key',
            reason: 'not accepted here: the answer holds a token that is not stored',
          },
        ]);
      const max = deps.config.PERSONAL_LINK_DAYS;
      if (body.validDays !== undefined && body.validDays > max)
        throw new ValidationError([{ field: 'validDays', reason: `at most ${max} (PERSONAL_LINK_DAYS)` }]);
      await mayManage(deps, principal, params.id);
      const links = createPersonalLinks(deps.db);
      if (!(await links.personExists(params.id))) throw notFound('inburgeraar');
      const { link, token } = await links.create({
        inburgeraarId: params.id,
        createdBy: principal.userId,
        validDays: body.validDays ?? max,
      });
      await deps.audit.record({
        ...actor(principal),
        action: 'PERSONAL_LINK_CREATED',
        inburgeraarId: params.id,
        details: { linkId: link.id, expiresAt: link.expiresAt },
      });
      return {
        status: 201,
        body: { ...link, url: `${publicBase(deps, req)}${PERSONAL_PAGE_PATH}/${token}` },
        headers: { 'Cache-Control': 'no-store' },
      };
    },
  }),

  defineRoute({
    method: 'get',
    path: '/api/inburgeraars/:id/persoonlijke-links',
    operationId: 'listPersonalLinks',
    summary: "The person's personal links, newest first (never the tokens)",
    tag: 'persoonlijke links',
    roles: ['coach', 'manager'],
    params: idParams,
    responses: { 200: { description: 'The links', schema: z.array(linkSchema) }, ...errorResponses },
    handler: async ({ params, principal, deps }) => {
      await mayManage(deps, principal, params.id);
      return { body: await createPersonalLinks(deps.db).list(params.id) };
    },
  }),

  defineRoute({
    method: 'delete',
    path: '/api/inburgeraars/:id/persoonlijke-links/:linkId',
    operationId: 'revokePersonalLink',
    summary: 'Revoke a personal link: from now on it shows the neutral page',
    tag: 'persoonlijke links',
    roles: ['coach', 'manager'],
    params: linkParams,
    responses: {
      200: { description: 'The revoked link', schema: linkSchema },
      404: { description: 'No such person, or no such link of this person' },
    },
    handler: async ({ params, principal, deps }) => {
      await mayManage(deps, principal, params.id);
      const links = createPersonalLinks(deps.db);
      const existing: PersonalLinkView | undefined = await links.get(params.linkId);
      if (!existing || existing.inburgeraarId !== params.id) throw notFound('personal link');
      const revoked = (await links.revoke(params.linkId, principal.userId))!;
      if (!existing.revokedAt)
        await deps.audit.record({
          ...actor(principal),
          action: 'PERSONAL_LINK_REVOKED',
          inburgeraarId: params.id,
          details: { linkId: params.linkId },
        });
      return { body: revoked };
    },
  }),
];
