/**
 * Partner reports (meldingen): a taalschool or werkgever reports lesson/participation hours or an
 * exam result for someone referred to it. These are facts from outside, so they travel as Temporal
 * **signals** (fire-and-forget, 202): the workflow applies a fact its rules accept and records a
 * refused one in the audit trail, instead of making the partner's system handle a 409.
 *
 * One route for both kinds, driven by the table below (same shape as the coach's commands, whose
 * schemas validate the body: 400 on bad input).
 */
import type { SignalDefinition } from '@temporalio/client';
import { z } from 'zod';
import { partnerExamResultSchema, partnerLessonHoursSchema } from '../../domain/commands';
import { isEnded } from '../../domain/types';
import { partnerExamResult, partnerLessonHours } from '../../workflows/messages';
import { HttpError, notFound } from '../http/errors';
import { defineRoute, type RouteDef } from '../http/route';
import { parseOrThrow } from '../http/validation';
import { assertMaySee, queryState } from '../trajectories';
import { actorIdOf } from './acties';
import { idParams } from './common';

const PARTNER_FACTS = {
  lesuren: {
    schema: partnerLessonHoursSchema,
    signal: partnerLessonHours,
    summary: 'Report lesson or participation hours (taalschool, werkgever)',
  },
  examenuitslag: {
    schema: partnerExamResultSchema,
    signal: partnerExamResult,
    summary: 'Report an exam result (taalschool)',
  },
} as const;
type FactKind = keyof typeof PARTNER_FACTS;
export const PARTNER_FACT_KINDS = Object.keys(PARTNER_FACTS) as FactKind[];
const isFactKind = (kind: string): kind is FactKind => kind in PARTNER_FACTS;

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
      409: { description: 'The trajectory has ended' },
    },
    docVariants: PARTNER_FACT_KINDS.map((soort) => ({
      path: `/api/inburgeraars/:id/meldingen/${soort}`,
      operationId: `partnerReport_${soort}`,
      summary: PARTNER_FACTS[soort].summary,
      description: '`partnerId` and `actorId` are set from the authenticated partner user.',
      body: PARTNER_FACTS[soort].schema,
    })),
    handler: async ({ params, principal, deps, req }) => {
      if (!isFactKind(params.soort)) throw notFound(`report kind ${params.soort}`);
      const fact = PARTNER_FACTS[params.soort];
      // Who reports is whoever is authenticated, never what the body claims.
      const input = parseOrThrow(
        fact.schema,
        {
          ...(req.body as object),
          partnerId: principal.partnerId ?? undefined,
          actorId: actorIdOf(principal),
        },
        'body',
      );
      const { handle, state } = await queryState(deps, params.id);
      assertMaySee(principal, state, await deps.store.referredPartnerIds(params.id));
      if (isEnded(state.phase)) {
        throw new HttpError(
          409,
          'TRAJECTORY_ENDED',
          `TRAJECTORY_ENDED: the trajectory ended (${state.phase})`,
        );
      }
      await handle.signal(fact.signal as SignalDefinition<[unknown]>, input);
      await deps.store.audit({
        actorId: principal.userId,
        actorRole: principal.role,
        action: 'PARTNER_REPORT',
        inburgeraarId: params.id,
        details: { soort: params.soort, partnerId: principal.partnerId },
      });
      return { status: 202, body: { accepted: true, inburgeraarId: params.id, soort: params.soort } };
    },
  }),
];
