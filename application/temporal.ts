/**
 * The trajectories in Temporal: one workflow `inburgering-<inburgeraarId>` per person. Implements
 * the Temporal ports of ./ports.ts on a client, so the services never touch the SDK themselves.
 */
import type { Client, SignalDefinition, UpdateDefinition } from '@temporalio/client';
import {
  TypedSearchAttributes,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
} from '@temporalio/common';
import type { CommandInput, CommandName, Koppeling } from '../domain/commands';
import type { TrajectorySummary } from '../domain/types';
import type { ActingUser } from '../domain/access';
import { commandUpdates, getState, type CommandArgs } from '../workflows/messages';
import { NotFoundError } from './errors';
import { PARTNER_FACTS } from './partner-facts';
import type { Trajectories } from './ports';
import { summaryAtKoppeling } from '../domain/core';
import { startSearchAttributes } from '../workflows/search-attributes';
import type * as workflows from '../workflows';

/**
 * The workflow type new trajectories start as (see `trajectory` in workflows/trajectory.ts; the
 * ones started before it run on as `trajectoryWorkflow`).
 */
export const TRAJECTORY_WORKFLOW_TYPE = 'trajectory' satisfies keyof typeof workflows;

export const WORKFLOW_ID_PREFIX = 'inburgering-';

/** How long one start may take before it counts as failed (and is tried again later). */
export const START_DEADLINE_MS = 15_000;
export const workflowIdFor = (inburgeraarId: string): string => `${WORKFLOW_ID_PREFIX}${inburgeraarId}`;

/**
 * The search attributes of the koppeling's first step, to start with. Only an optimisation (the
 * workflow upserts what differs), so a failure here starts the trajectory without them.
 */
function firstSearchAttributes(input: Koppeling): TypedSearchAttributes | undefined {
  try {
    return startSearchAttributes(summaryAtKoppeling(input, new Date().toISOString()));
  } catch {
    return undefined;
  }
}

const notFoundIfGone = (err: unknown): never => {
  if (err instanceof WorkflowNotFoundError) throw new NotFoundError('inburgeraar');
  throw err;
};

export function temporalTrajectories(client: Client, taskQueue: string): Trajectories {
  const handle = (inburgeraarId: string) => client.workflow.getHandle(workflowIdFor(inburgeraarId));
  return {
    /**
     * USE_EXISTING makes a second start for the same id a no-op, and REJECT_DUPLICATE keeps an
     * ended trajectory from being started again. The search attributes of the koppeling's first
     * step go with the start, so the workflow's first task has none to upsert.
     */
    async start(input) {
      try {
        // A deadline: without one a call waits as long as the connection tries to reconnect (minutes
        // with the server down), and a pending start (./trajectory-starts.ts) should fail and be
        // tried again later instead.
        await client.withDeadline(Date.now() + START_DEADLINE_MS, () =>
          client.workflow.start(TRAJECTORY_WORKFLOW_TYPE, {
            taskQueue,
            workflowId: workflowIdFor(input.inburgeraarId),
            args: [input],
            typedSearchAttributes: firstSearchAttributes(input),
            workflowIdConflictPolicy: 'USE_EXISTING',
            workflowIdReusePolicy: 'REJECT_DUPLICATE',
          }),
        );
      } catch (err) {
        if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      }
    },

    async state(inburgeraarId) {
      return handle(inburgeraarId).query(getState).catch(notFoundIfGone);
    },

    async execute<N extends CommandName>(
      inburgeraarId: string,
      name: N,
      input: CommandInput<N>,
      user: ActingUser,
      updateId?: string,
    ): Promise<TrajectorySummary> {
      const update = commandUpdates[name] as UpdateDefinition<TrajectorySummary, CommandArgs<N>, N>;
      return handle(inburgeraarId)
        .executeUpdate(update, { args: [input, user], ...(updateId ? { updateId } : {}) })
        .catch(notFoundIfGone);
    },

    async report(inburgeraarId, kind, input) {
      const signal = PARTNER_FACTS[kind].signal as SignalDefinition<[typeof input]>;
      await handle(inburgeraarId).signal(signal, input).catch(notFoundIfGone);
    },
  };
}
