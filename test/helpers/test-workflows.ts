/**
 * Entry point of the workflow bundle used in tests: the production workflows plus small
 * test-only workflows that drive a single activity through a real Temporal server.
 */
import { ApplicationFailure, proxyActivities, sleep } from '@temporalio/workflow';
import type { TrajectoryActivities } from '../../activities/types';

export * from '../../workflows';

/**
 * Runs `sendNotification` once, with Temporal's retry policy: used to prove that a delivery which
 * fails after sending is retried without sending twice.
 */
export async function sendNotificationOnceWorkflow(
  input: Parameters<TrajectoryActivities['sendNotification']>[0],
): Promise<Awaited<ReturnType<TrajectoryActivities['sendNotification']>>> {
  const { sendNotification } = proxyActivities<TrajectoryActivities>({
    startToCloseTimeout: '30 seconds',
    retry: { initialInterval: '50 milliseconds', backoffCoefficient: 2, maximumAttempts: 5 },
  });
  return sendNotification(input);
}

/** Sleeps for `days` days of workflow time: proves the time-skipping server skips long timers. */
export async function sleepForDaysWorkflow(days: number): Promise<{ startedAt: string; wokeAt: string }> {
  const startedAt = new Date().toISOString();
  await sleep(`${days} days`);
  return { startedAt, wokeAt: new Date().toISOString() };
}

/**
 * Waits `delayMs` of workflow time, then records one step that queues a notification, as the
 * trajectory does when a reminder moment arrives: used to prove that a timer and its notification
 * survive a crash of the Temporal server or worker (the delivery workflow then delivers it).
 */
export async function notifyAfterWorkflow(
  delayMs: number,
  step: Parameters<TrajectoryActivities['recordStep']>[0],
): Promise<Awaited<ReturnType<TrajectoryActivities['recordStep']>>> {
  const { recordStep } = proxyActivities<TrajectoryActivities>({
    startToCloseTimeout: '30 seconds',
    retry: { initialInterval: '50 milliseconds', backoffCoefficient: 2 },
  });
  await sleep(delayMs);
  return recordStep(step);
}

/** Fails with `message`: proves failure messages are stored encrypted, like payloads. */
export async function failWithMessageWorkflow(message: string): Promise<never> {
  throw ApplicationFailure.nonRetryable(message, 'TEST_FAILURE');
}
