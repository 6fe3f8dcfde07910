/**
 * The nudge that `recordStep` gives the delivery workflow after it queued notifications: a
 * `signalWithStart`, so the first nudge on a task queue also starts that queue's delivery workflow
 * (and a stopped one comes back). The worker also nudges once at start, so mail held while no
 * worker ran goes out without waiting for the next step.
 */
import type { Client } from '@temporalio/client';
import type { DeliveryTrigger } from '../activities';
import { deliveryKick, deliveryWorkflowId, type DeliveryOptions } from '../workflows/delivery';

export function createDeliveryTrigger(client: Client, options: DeliveryOptions = {}): DeliveryTrigger {
  return {
    async kick(taskQueue: string): Promise<void> {
      await client.workflow.signalWithStart('notificationDeliveryWorkflow', {
        workflowId: deliveryWorkflowId(taskQueue),
        taskQueue,
        args: [options],
        signal: deliveryKick,
        signalArgs: [],
      });
    },
  };
}
