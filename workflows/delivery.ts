/**
 * notificationDeliveryWorkflow: the one path on which notifications leave the service. One runs per
 * task queue (id `notification-delivery-<task queue>`), started or nudged by `signalWithStart` from
 * `recordStep` and from the worker at start. It delivers what is due (activities/delivery.ts), then
 * waits until the next row is due, a nudge arrives, or the poll interval passes, so held mail and
 * failed webhooks are retried by themselves. Trajectories never wait for it: their steps only
 * write outbox rows.
 *
 * Its clock is workflow time, so on the time-skipping test server a two-hour outage takes no
 * real time. continueAsNew keeps its history short.
 */
import {
  condition,
  continueAsNew,
  defineSignal,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { DeliveryActivities } from '../activities/types';

export const deliveryWorkflowId = (taskQueue: string): string => `notification-delivery-${taskQueue}`;

/** "Something was queued": wakes the delivery workflow at once. */
export const deliveryKick = defineSignal('deliveryKick');

export interface DeliveryOptions {
  /** Rows per activity run. */
  batchSize?: number;
  /** Longest wait between two runs when nothing is due and no nudge arrives. */
  pollMs?: number;
}

const DEFAULT_BATCH = 50;
const DEFAULT_POLL_MS = 5 * 60_000;
/** Runs per workflow run before continueAsNew (a run's history stays a few thousand events). */
const RUNS_PER_HISTORY = 500;

/**
 * Each run is idempotent (rows are claimed); a failed run is simply retried. It heartbeats per row,
 * so a run on a worker that died is given to another worker after 30 s, not after the 10 minutes a
 * long batch against slow receivers may take.
 */
const { deliverNotifications } = proxyActivities<DeliveryActivities>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '30 seconds',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes' },
});

export async function notificationDeliveryWorkflow(options: DeliveryOptions = {}): Promise<void> {
  const batchSize = options.batchSize ?? DEFAULT_BATCH;
  const pollMs = options.pollMs ?? DEFAULT_POLL_MS;
  let kicked = false;
  setHandler(deliveryKick, () => {
    kicked = true;
  });
  for (let run = 0; run < RUNS_PER_HISTORY && !workflowInfo().continueAsNewSuggested; run++) {
    kicked = false;
    const result = await deliverNotifications({ now: new Date(Date.now()).toISOString(), limit: batchSize });
    if (result.more) continue;
    const untilNext = result.nextAttemptAt ? Date.parse(result.nextAttemptAt) - Date.now() : pollMs;
    await condition(() => kicked, Math.max(1_000, Math.min(pollMs, untilNext)));
  }
  // A nudge that arrives now is not lost: the next run starts by delivering what is due.
  return continueAsNew<typeof notificationDeliveryWorkflow>(options);
}
