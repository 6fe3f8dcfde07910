/**
 * Coach actions: one route for all of them, driven by `commandSchemas` (domain/commands.ts) and
 * `commandUpdates` (workflows/messages.ts), which share their keys. Each action is a Temporal
 * update: its validator applies the domain rules before anything changes, so a refusal (409) leaves
 * no trace and an accepted action answers with the new state. Nothing is half-applied because the
 * API holds no state of its own: the workflow either accepts the whole update or nothing.
 *
 * The OpenAPI document lists each action as its own operation (docVariants), with its own schema.
 */
import type { UpdateDefinition } from '@temporalio/client';
import { z } from 'zod';
import { COMMAND_NAMES, commandSchemas, type CommandName } from '../../domain/commands';
import { isEnded, type TrajectorySummary } from '../../domain/types';
import { commandUpdates } from '../../workflows/messages';
import { ROLE_GROUPS, type Principal } from '../auth/principal';
import { HttpError, notFound } from '../http/errors';
import { defineRoute, type RouteDef } from '../http/route';
import { parseOrThrow } from '../http/validation';
import type { AppDeps } from '../deps';
import { assertMaySee, queryState } from '../trajectories';
import { errorResponses, idParams, summarySchema } from './common';

/** reassignCoach is a manager's decision with its own route (PUT /coach), not a coach action. */
export const ACTION_NAMES = COMMAND_NAMES.filter((n) => n !== 'reassignCoach');
const isAction = (name: string): name is CommandName => (ACTION_NAMES as string[]).includes(name);

/** Command schemas restrict actorId to id characters; an OIDC `sub` may hold others (auth0|123). */
export const actorIdOf = (principal: Principal): string =>
  principal.userId.replace(/[^A-Za-z0-9._:-]/g, '_').slice(0, 100);

/**
 * Runs one command as an update after the access check. Shared with PUT /coach so both go through
 * the same checks and error mapping.
 */
export async function runCommand(
  deps: AppDeps,
  principal: Principal,
  inburgeraarId: string,
  name: CommandName,
  rawInput: unknown,
): Promise<TrajectorySummary> {
  // The actor is whoever is authenticated, never what the body claims.
  const input = parseOrThrow(
    commandSchemas[name],
    { ...(rawInput as object), actorId: actorIdOf(principal) },
    'body',
  );
  const { handle, state } = await queryState(deps, inburgeraarId);
  assertMaySee(principal, state, []);
  if (isEnded(state.phase)) {
    throw new HttpError(
      409,
      'TRAJECTORY_ENDED',
      `het traject is beëindigd (${state.phase}): er zijn geen acties meer mogelijk`,
    );
  }
  const update = commandUpdates[name] as unknown as UpdateDefinition<TrajectorySummary, [unknown], string>;
  return handle.executeUpdate(update, { args: [input] });
}

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
      409: { description: 'Refused by a rule (wrong phase, missing prerequisite): `error` is the rule code' },
    },
    docVariants: ACTION_NAMES.map((name) => ({
      path: `/api/inburgeraars/:id/acties/${name}`,
      operationId: name,
      summary: commandSchemas[name].description ?? name,
      description: `Runs the \`${name}\` update on the trajectory workflow. \`actorId\` is set from the authenticated user.`,
      body: commandSchemas[name],
    })),
    handler: async ({ params, principal, deps, req }) => {
      if (!isAction(params.actie)) throw notFound(`action ${params.actie}`);
      return { body: await runCommand(deps, principal, params.id, params.actie, req.body ?? {}) };
    },
  }),
];
