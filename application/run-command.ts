/**
 * Running a command of domain/commands.ts on one trajectory: parse the input once (400 with the
 * field before Temporal is asked) and run it as the workflow's update, whose validator checks that
 * the actor may act on this person and applies the rules (a refusal changes nothing). One round
 * trip to Temporal: until December 2026 a query for the state came first, for the access check,
 * and cost a coach's action as much again.
 *
 * Idempotency: a client's `Idempotency-Key` becomes the Temporal update id, scoped to the user and
 * the request (a hash of user id, key, command and input), so a retried request is deduplicated by
 * Temporal itself and answered with the first result, even when the API has lost its own record of
 * the first answer (a restart, another API instance). Two users' keys can never collide.
 */
import { createHash } from 'node:crypto';
import { commandSchemas, type CommandInput, type CommandName } from '../domain/commands';
import { isEnded, type TrajectorySummary } from '../domain/types';
import { actingUserOf, actorIdOf, assertMaySee } from './access';
import { NotFoundError, RefusedError } from './errors';
import { canonicalJson, parseInput } from './parse';
import type { Actor, CommandRunner, TrajectoryReader } from './ports';

export interface RunCommandDeps {
  trajectories: TrajectoryReader & CommandRunner;
}

export interface RunOptions {
  /** The client's Idempotency-Key, if it sent one. */
  idempotencyKey?: string | undefined;
}

/** The Temporal update id for a user's Idempotency-Key on this command and input. */
export function updateIdFor(
  userId: string,
  idempotencyKey: string,
  name: CommandName,
  input: unknown,
): string {
  const digest = createHash('sha256')
    .update(`${userId}\u0000${idempotencyKey}\u0000${name}\u0000${canonicalJson(input)}`)
    .digest('base64url');
  return `idem-${digest}`;
}

/** Parses the raw input of `name`, with the actor set from who is authenticated (never the body). */
export function parseCommand<N extends CommandName>(
  actor: Actor,
  name: N,
  rawInput: unknown,
): CommandInput<N> {
  const body = rawInput && typeof rawInput === 'object' ? (rawInput as object) : {};
  return parseInput(commandSchemas[name], { ...body, actorId: actorIdOf(actor) }) as CommandInput<N>;
}

export async function runCommand<N extends CommandName>(
  deps: RunCommandDeps,
  actor: Actor,
  inburgeraarId: string,
  name: N,
  rawInput: unknown,
  options: RunOptions = {},
): Promise<TrajectorySummary> {
  const input = parseCommand(actor, name, rawInput);
  const updateId =
    options.idempotencyKey === undefined
      ? undefined
      : updateIdFor(actor.userId, options.idempotencyKey, name, input);
  try {
    // One round trip: the update's validator checks the actor's access on the workflow's state.
    return await deps.trajectories.execute(inburgeraarId, name, input, actingUserOf(actor), updateId);
  } catch (err) {
    if (!(err instanceof NotFoundError)) throw err;
    // No running workflow: either there is no such trajectory, or it has ended (an update cannot
    // reach a closed workflow, a query can). Tell which, after the same access check.
    const state = await deps.trajectories.state(inburgeraarId);
    assertMaySee(actor, state);
    if (isEnded(state.phase)) {
      throw new RefusedError(
        'TRAJECTORY_ENDED',
        `het traject is beëindigd (${state.phase}): er zijn geen acties meer mogelijk`,
      );
    }
    throw err;
  }
}
