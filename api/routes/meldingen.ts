/**
 * Partner reports (meldingen): a taalschool or werkgever reports lesson/participation hours or an
 * exam result for someone referred to it. These are facts from outside, so they travel as Temporal
 * **signals** (fire-and-forget, 202; application/report-partner-fact.ts): the workflow applies a
 * fact its rules accept and records a refused one in the audit trail, instead of making the
 * partner's system handle a 409.
 *
 * One route for every kind of application/partner-facts.ts, whose schemas validate the body (400).
 */
import { z } from 'zod';
import { PARTNER_FACT_KINDS, PARTNER_FACTS } from '../../application/partner-facts';
import { reportPartnerFact } from '../../application/report-partner-fact';
import { defineRoute, type RouteDef } from '../http/route';
import { idParams } from './common';

export const meldingRoutes: RouteDef[] = [
  defineRoute({
    method: 'post',
    path: '/api/inburgeraars/:id/meldingen/:soort',
    operationId: 'partnerReport',
    summary: 'A partner reports a fact (a Temporal signal)',
    tag: 'meldingen',
    roles: ['partner'],
    params: idParams.extend({ soort: z.string().describe(`One of: ${PARTNER_FACT_KINDS.join(', ')}`) }),
    responses: {
      202: {
        description: 'Accepted: the workflow applies it, or records why it could not',
        schema: z.object({ accepted: z.literal(true), inburgeraarId: z.string(), soort: z.string() }),
      },
      404: { description: 'No inburgeraar with this id, or no such kind of report' },
      409: { description: 'The trajectory has ended', codes: ['TRAJECTORY_ENDED'] },
    },
    docVariants: PARTNER_FACT_KINDS.map((soort) => ({
      path: `/api/inburgeraars/:id/meldingen/${soort}`,
      operationId: `partnerReport_${soort}`,
      summary: PARTNER_FACTS[soort].summary,
      description: '`partnerId` and `actorId` are set from the authenticated partner user.',
      body: PARTNER_FACTS[soort].schema,
    })),
    handler: async ({ params, principal, deps, req }) => {
      await reportPartnerFact(deps, principal, params.id, params.soort, req.body ?? {});
      return { status: 202, body: { accepted: true, inburgeraarId: params.id, soort: params.soort } };
    },
  }),
];
