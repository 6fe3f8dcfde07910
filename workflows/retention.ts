/**
 * The privacy maintenance workflows, each started by a Temporal Schedule (worker/schedules.ts):
 *  - retentionWorkflow (daily): removes the personal data of trajectories whose retention period
 *    (domain/retention.ts) has passed, in the database and in Temporal (activities/retention.ts);
 *  - cleanupWorkflow (hourly): deletes Idempotency-Key answers past their time to live and expired
 *    browser sessions.
 * Deterministic and small: `now` is the workflow's own clock, handed to the activity, so the
 * activity never reads a clock of its own.
 */
import { proxyActivities } from '@temporalio/workflow';
import type { CleanupResult, RetentionActivities, RetentionResult } from '../activities/retention';
import type { RetentionPolicy } from '../domain/retention';

/** One call handles every due trajectory, heartbeating between batches; retried as a whole (idempotent). */
const { applyRetention } = proxyActivities<RetentionActivities>({
  startToCloseTimeout: '2 hours',
  heartbeatTimeout: '10 minutes',
  retry: {
    initialInterval: '1 minute',
    backoffCoefficient: 2,
    maximumInterval: '1 hour',
    maximumAttempts: 10,
  },
});

const { cleanupExpired } = proxyActivities<RetentionActivities>({
  startToCloseTimeout: '10 minutes',
  retry: { initialInterval: '10 seconds', maximumAttempts: 5 },
});

const workflowNow = (): string => new Date(Date.now()).toISOString();

export interface RetentionWorkflowInput {
  policy: RetentionPolicy;
}

export async function retentionWorkflow(input: RetentionWorkflowInput): Promise<RetentionResult> {
  return applyRetention({ now: workflowNow(), policy: input.policy });
}

export interface CleanupWorkflowInput {
  idempotencyTtlHours: number;
}

export async function cleanupWorkflow(input: CleanupWorkflowInput): Promise<CleanupResult> {
  return cleanupExpired({ now: workflowNow(), idempotencyTtlHours: input.idempotencyTtlHours });
}
