/**
 * The trajectories in Temporal: one workflow `inburgering-<inburgeraarId>` per person. Implements
 * the Temporal ports of ./ports.ts on a client, so the services never touch the SDK themselves.
 */
import type { Client, SignalDefinition, UpdateDefinition } from '@temporalio/client';
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/common';
import type { CommandInput, CommandName } from '../domain/commands';
import type { TrajectorySummary } from '../domain/types';
import type { ActingUser } from '../domain/access';
import { commandUpdates, getState, type CommandArgs } from '../workflows/messages';
import { NotFoundError } from './errors';
import { PARTNER_FACTS } from './partner-facts';
import type { Trajectories } from './ports';

export const WORKFLOW_ID_PREFIX = 'inburgering-';
export const workflowIdFor = (inburgeraarId: string): string => `${WORKFLOW_ID_PREFIX}${inburgeraarId}`;

const notFoundIfGone = (err: unknown): never => {
  if (err instanceof WorkflowNotFoundError) throw new NotFoundError('inburgeraar');
  throw err;
};

export function temporalTrajectories(client: Client, taskQueue: string): Trajectories {
  const handle = (inburgeraarId: string) => client.workflow.getHandle(workflowIdFor(inburgeraarId));
  return {
    /**
     * USE_EXISTING makes a second start for the same id a no-op, and REJECT_DUPLICATE keeps an
     * ended trajectory from being started again.
     */
    async start(input) {
      try {
        await client.workflow.start('trajectoryWorkflow', {
          taskQueue,
          workflowId: workflowIdFor(input.inburgeraarId),
          args: [input],
          workflowIdConflictPolicy: 'USE_EXISTING',
          workflowIdReusePolicy: 'REJECT_DUPLICATE',
        });
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
