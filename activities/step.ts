/**
 * recordStep: everything one step of a trajectory decided, in ONE transaction — its audit events,
 * the read-model row after them, and an outbox row for each notification that became due. Nothing
 * is delivered here: a coach's action waits only for this write, never for a mail server or a
 * partner. After the commit the delivery workflow is nudged (./delivery.ts delivers).
 *
 * Idempotent, because Temporal may run it again (retry after a timeout, a worker crash):
 * audit rows are unique on (workflowId, eventSeq), outbox rows on their key, and the read model
 * only moves forward (its eventSeq), so a second run writes nothing new.
 */
import type { Logger } from 'pino';
import { directTransaction, type Db, type DbTransaction, type RawSql } from '../prisma/db';
import {
  outboxRowData,
  recordReferral,
  recipientOf,
  resolveTarget,
  type NotificationDeps,
} from './notifications';
import { DELIVERY_POLICY } from './delivery';
import { AUDIT_TRANSACTION_OPTIONS } from './audit-chain';
import { appendAuditEvents, upsertReadModelIn } from './read-model';
import type { StepRecord, StepResult } from './types';

/** Nudges the delivery workflow of a task queue (it also polls, so a lost nudge only delays). */
export interface DeliveryTrigger {
  kick(taskQueue: string): Promise<void>;
}

export interface StepDeps {
  db: Db;
  notifications: Pick<NotificationDeps, 'mailer' | 'config' | 'clock'>;
  delivery: DeliveryTrigger | null;
  log: Logger;
}

export async function recordStep(
  deps: StepDeps,
  input: StepRecord,
  taskQueue: string | undefined,
): Promise<StepResult> {
  const { db } = deps;
  const updatedAt = new Date(input.events.at(-1)?.at ?? input.notifications.at(-1)?.at ?? Date.now());
  /** The step's writes; `notify` (a Prisma transaction) only when the step has notifications. */
  const write = async (tx: RawSql, notify?: DbTransaction) => {
    await upsertReadModelIn(tx, input.workflowId, input.snapshot, updatedAt);
    let queued = 0;
    let held = 0;
    if (notify) {
      const existing = await notify.notificationOutbox.findMany({
        where: { key: { in: input.notifications.map((n) => n.key) } },
        select: { key: true },
      });
      const written = new Set(existing.map((e) => e.key));
      for (const n of input.notifications) {
        if (written.has(n.key)) continue;
        written.add(n.key);
        await recordReferral(notify, n);
        const target = await resolveTarget(deps.notifications, notify, recipientOf(n));
        const data = outboxRowData(deps.notifications, n, target, deps.notifications.clock.now());
        await notify.notificationOutbox.create({
          // Held rows are looked at again by the delivery workflow after a while (SMTP may be set up,
          // an address added); pending rows are due at once.
          data: {
            ...data,
            nextAttemptAt:
              data.status === 'held' ? new Date(Date.parse(n.at) + DELIVERY_POLICY.heldRecheckMs) : null,
          },
        });
        if (data.status === 'held') held += 1;
        else queued += 1;
      }
    }
    // Last: appending locks the audit chain's head until the commit (./audit-chain.ts).
    const events = await appendAuditEvents(tx, input.workflowId, input.inburgeraarId, input.events);
    return { events, queued, held };
  };
  // A step without notifications (most of them) is raw statements only: a direct transaction on
  // the client's connection (../prisma/direct.ts). The outbox rows' look-ups use the model API, so a
  // step with notifications runs in a Prisma transaction.
  const result = input.notifications.length
    ? await db.$transaction((tx: DbTransaction) => write(tx, tx), AUDIT_TRANSACTION_OPTIONS)
    : await directTransaction(db)((tx) => write(tx));
  if (result.queued > 0 && deps.delivery && taskQueue) {
    try {
      await deps.delivery.kick(taskQueue);
    } catch (err) {
      // The step is recorded; delivery polls on its own, so this only costs a little delay.
      deps.log.warn({ err: (err as Error).message, workflowId: input.workflowId }, 'delivery nudge failed');
    }
  }
  return result;
}
