/**
 * deliverNotifications: delivers the outbox rows that are due, apart from the trajectories. The
 * delivery workflow (workflows/delivery.ts) runs it when nudged after a step and on its own timer,
 * so mail held during an SMTP outage, or a webhook a partner answered with 5xx, goes out by itself
 * once delivery is possible again.
 *
 * A run sends up to `DELIVERY_POLICY.sendConcurrency` rows at the same time; each is claimed on
 * its own, so that changes nothing below.
 *
 * Exactly once per key:
 * 1. A row is claimed with a conditional update (same status and attempts as read → `sending`,
 *    with a lease until `nextAttemptAt`): of two runs at once, one wins, the other skips the row.
 * 2. Only after the receiver accepted is the row marked `sent`; a sent row is never selected again.
 * 3. A run that dies between 1 and 2 leaves the row `sending`; when the lease runs out the row is due
 *    again. Only if the receiver had already accepted can that repeat a delivery; it carries the same
 *    Message-ID / Idempotency-Key, so the receiver can recognise it.
 *
 * What happens to a row: accepted → `sent`; a temporary failure (SMTP 4xx or no connection, a
 * webhook 5xx / 408 / 429 / no answer) → `pending` again, due after a backoff (30 s doubling to at
 * most 30 min, without a limit on attempts: an outage of any length is bridged); refused for good
 * (SMTP 5xx, webhook 4xx) → `failed`, until the recipient's settings change (requeueFor);
 * no SMTP configured or no address → `held`, looked at again every 15 minutes.
 *
 * Scheduling uses `now` from the delivery workflow (workflow time), so the time-skipping test
 * server moves it; the webhook timestamp and `sentAt` use the real clock.
 */
import type { Db } from '../prisma/db';
import { SMTP_POOL_CONNECTIONS } from './mailer';
import {
  PermanentDeliveryError,
  resolveTarget,
  transmit,
  withoutAddresses,
  type NotificationDeps,
  type OutboxRow,
} from './notifications';
import type { DeliveryRunInput, DeliveryRunResult, NotificationRequest } from './types';

/** Delivery policy (IT may tune these; they are not law). */
export const DELIVERY_POLICY = {
  firstRetryMs: 30_000,
  maxRetryMs: 30 * 60_000,
  heldRecheckMs: 15 * 60_000,
  /** How long a claimed row is left to one run before another may take it. */
  leaseMs: 2 * 60_000,
  /**
   * Rows sent at the same time within one run. One at a time, a run is as slow as the mail server's
   * answer times the rows (~150 ms a message against a loopback server here): with 1,000
   * trajectories through 3 simulated years that was ~6 messages a second, the figure that bounded
   * the whole run (bench/years-bench.ts). Each row is claimed on its own, so rows in parallel are
   * as safe as rows in sequence; 4 connections stay well within what a mail relay accepts (the
   * mailer keeps that many open: SMTP_POOL_CONNECTIONS in ./mailer.ts).
   */
  sendConcurrency: SMTP_POOL_CONNECTIONS,
} as const;

export function retryDelayMs(attempts: number): number {
  return Math.min(DELIVERY_POLICY.maxRetryMs, DELIVERY_POLICY.firstRetryMs * 2 ** Math.max(0, attempts - 1));
}

const DUE_STATUSES = ['pending', 'held', 'sending'];

export async function deliverNotifications(
  deps: NotificationDeps & { heartbeat?: () => void },
  input: DeliveryRunInput,
): Promise<DeliveryRunResult> {
  const { db } = deps;
  const now = new Date(input.now);
  const due = await db.notificationOutbox.findMany({
    where: {
      status: { in: DUE_STATUSES },
      OR: [{ nextAttemptAt: null }, { nextAttemptAt: { lte: now } }],
    },
    orderBy: { createdAt: 'asc' },
    take: input.limit,
  });
  const result: DeliveryRunResult = {
    sent: 0,
    retrying: 0,
    held: 0,
    failed: 0,
    more: due.length >= input.limit,
  };
  let next = 0;
  const lane = async (): Promise<void> => {
    for (let row = due[next++]; row; row = due[next++]) {
      // Alive: if this worker dies, Temporal gives the run to another worker within the heartbeat timeout.
      deps.heartbeat?.();
      const outcome = await deliverRow(deps, row, now);
      if (outcome) result[outcome] += 1;
    }
  };
  await Promise.all(Array.from({ length: DELIVERY_POLICY.sendConcurrency }, lane));
  const upcoming = await db.notificationOutbox.findFirst({
    where: { status: { in: DUE_STATUSES }, nextAttemptAt: { gt: now } },
    orderBy: { nextAttemptAt: 'asc' },
    select: { nextAttemptAt: true },
  });
  if (upcoming?.nextAttemptAt) result.nextAttemptAt = upcoming.nextAttemptAt.toISOString();
  return result;
}

type Outcome = 'sent' | 'retrying' | 'held' | 'failed' | null;

async function deliverRow(deps: NotificationDeps, row: OutboxRow, now: Date): Promise<Outcome> {
  const { db } = deps;
  const at = (ms: number) => new Date(now.getTime() + ms);
  const target = await resolveTarget(deps, db, {
    role: row.audience as NotificationRequest['recipient']['role'],
    id: row.recipientId,
  });
  if ('heldBecause' in target) {
    await db.notificationOutbox.updateMany({
      where: { id: row.id, status: row.status, attempts: row.attempts },
      data: {
        status: 'held',
        lastError: target.heldBecause,
        nextAttemptAt: at(DELIVERY_POLICY.heldRecheckMs),
      },
    });
    return 'held';
  }
  const claimed = await db.notificationOutbox.updateMany({
    where: { id: row.id, status: row.status, attempts: row.attempts },
    data: {
      status: 'sending',
      attempts: { increment: 1 },
      nextAttemptAt: at(DELIVERY_POLICY.leaseMs),
      channel: target.channel,
      recipient: target.address,
    },
  });
  if (claimed.count === 0) return null; // another run has it
  const attempts = row.attempts + 1;
  try {
    await transmit(deps, row, target);
  } catch (error) {
    const permanent = error instanceof PermanentDeliveryError;
    const fullMessage = error instanceof Error ? error.message : String(error);
    await db.notificationOutbox.update({
      where: { id: row.id },
      data: permanent
        ? { status: 'failed', lastError: fullMessage.slice(0, 1000), nextAttemptAt: null }
        : {
            status: 'pending',
            lastError: fullMessage.slice(0, 1000),
            nextAttemptAt: at(retryDelayMs(attempts)),
          },
    });
    // The row keeps the server's full text (it holds the address anyway); logs get it without addresses.
    deps.log.warn(
      {
        outboxId: row.id,
        key: row.key,
        template: row.template,
        channel: target.channel,
        attempts,
        permanent,
        err: withoutAddresses(fullMessage),
      },
      'notification delivery failed',
    );
    return permanent ? 'failed' : 'retrying';
  }
  await db.notificationOutbox.update({
    where: { id: row.id },
    data: { status: 'sent', sentAt: deps.clock.now(), lastError: null, nextAttemptAt: null },
  });
  deps.log.info(
    {
      outboxId: row.id,
      key: row.key,
      template: row.template,
      audience: row.audience,
      channel: target.channel,
      attempts,
    },
    'notification sent',
  );
  return 'sent';
}

/**
 * Rows refused for good (or held for want of an address) for this coach or partner become due
 * again: call it when their address, webhook URL or secret changes. Returns how many.
 */
export async function requeueFor(db: Db, recipientId: string, now: Date = new Date()): Promise<number> {
  const { count } = await db.notificationOutbox.updateMany({
    where: { recipientId, status: { in: ['failed', 'held'] } },
    data: { status: 'pending', nextAttemptAt: now },
  });
  return count;
}
