/**
 * Coach actions: one route for all of them, driven by `commandSchemas` (domain/commands.ts), so a
 * new command is served and documented without a change here. Each action is a Temporal update
 * (application/run-command.ts): its validator applies the domain rules before anything changes, so
 * a refusal (409 with the rule code) leaves no trace and an accepted action answers the new summary.
 *
 * The OpenAPI document lists each action as its own operation (docVariants), with its own schema.
 */
import { z } from 'zod';
import { runCommand } from '../../application/run-command';
import { COMMAND_NAMES, commandSchemas, type CommandName } from '../../domain/commands';
import { ROLE_GROUPS } from '../auth/principal';
import { notFound } from '../http/errors';
import { defineRoute, type RouteDef } from '../http/route';
import { errorResponses, idParams, refusalResponse, summarySchema } from './common';

/** reassignCoach is a manager's decision with its own route (PUT /coach), not a coach action. */
export const ACTION_NAMES = COMMAND_NAMES.filter((n) => n !== 'reassignCoach');
const isAction = (name: string): name is CommandName => (ACTION_NAMES as string[]).includes(name);

export const actieRoutes: RouteDef[] = [
  defineRoute({
    method: 'post',
    path: '/api/inburgeraars/:id/acties/:actie',
    operationId: 'runAction',
    summary: 'Run a coach action (a Temporal update)',
    tag: 'acties',
    roles: ROLE_GROUPS.act,
    params: idParams.extend({ actie: z.string().describe(`One of: ${ACTION_NAMES.join(', ')}`) }),
    responses: {
      200: { description: 'Accepted: the trajectory after the action', schema: summarySchema },
      ...errorResponses,
      409: refusalResponse,
    },
    docVariants: ACTION_NAMES.map((name) => ({
      path: `/api/inburgeraars/:id/acties/${name}`,
      operationId: name,
      summary: commandSchemas[name].description ?? name,
      description:
        `Runs the \`${name}\` update on the trajectory workflow. \`actorId\` is set from the authenticated user. ` +
        'With an `Idempotency-Key`, a retry is the same Temporal update: it is applied once and answered with the first result.',
      body: commandSchemas[name],
    })),
    handler: async ({ params, principal, deps, req, idempotencyKey }) => {
      if (!isAction(params.actie)) throw notFound(`action ${params.actie}`);
      return {
        body: await runCommand(deps, principal, params.id, params.actie, req.body ?? {}, { idempotencyKey }),
      };
    },
  }),
];
