/**
 * sendNotification: exactly-once delivery through the outbox.
 *
 * 1. The outbox row (unique `key`) is written BEFORE anything is delivered.
 * 2. A retry (Temporal re-runs the activity after a failure or timeout) finds that row: `sent` →
 *    answer `duplicate` without delivering; `held` → stays held; `pending` → deliver now.
 * 3. Only after the receiver accepted is the row marked `sent`.
 * The remaining window (delivered, then the process dies before step 3) can repeat a delivery; it
 * carries the same Message-ID / Idempotency-Key, so the receiver can recognise it.
 *
 * Delivery: e-mail (SMTP) to the coach (address from the User row) or the manager (MANAGER_EMAIL;
 * also for a warm transfer to another gemeente, which the manager hands over); a signed webhook to
 * a partner (or e-mail when the partner has no webhook). Without SMTP, or without an address, the
 * message stays in the outbox as `held` (shown on the manager's page).
 */
import { ApplicationFailure } from '@temporalio/common';
import type { Logger } from 'pino';
import { isUniqueViolation, type Db } from '../prisma/db';
import { isPermanentSmtpError, type Mailer } from './mailer';
import { kindOf, render, type RenderContext } from './templates';
import type { NotificationRequest, NotificationResult, NotificationStatus } from './types';
import { classifyWebhookStatus, type WebhookSender } from './webhooks';

export interface Clock {
  now(): Date;
}

export interface NotificationConfig extends RenderContext {
  managerEmail: string;
}

export interface NotificationDeps {
  db: Db;
  /** null: no SMTP configured, e-mail is held in the outbox. */
  mailer: Mailer | null;
  webhooks: WebhookSender;
  clock: Clock;
  log: Logger;
  config: NotificationConfig;
}

type Target =
  | { channel: 'email'; address: string }
  | { channel: 'webhook'; address: string; secret: string }
  | { channel: 'email' | 'webhook'; address: string | null; heldBecause: string };

type OutboxRow = Awaited<ReturnType<Db['notificationOutbox']['findUniqueOrThrow']>>;

export async function sendNotification(
  deps: NotificationDeps,
  request: NotificationRequest,
): Promise<NotificationResult> {
  // A retry that finds its row settled answers from it without looking anything up.
  const existing = await deps.db.notificationOutbox.findUnique({ where: { key: request.key } });
  if (existing && existing.status !== 'pending') return settled(deps, request, existing);
  const target = await resolveTarget(deps, request);
  const row = existing ?? (await createOutboxRow(deps, request, target));
  if (row.status !== 'pending') return settled(deps, request, row);
  if ('heldBecause' in target) {
    const held = await deps.db.notificationOutbox.update({
      where: { id: row.id },
      data: { status: 'held', lastError: target.heldBecause },
    });
    return answer(deps, request, held, 'held');
  }
  return deliver(deps, request, row, target);
}

/** The answer for a row that is no longer pending: sent → duplicate, held → held, failed → throw. */
function settled(deps: NotificationDeps, request: NotificationRequest, row: OutboxRow): NotificationResult {
  if (row.status === 'sent') return answer(deps, request, row, 'duplicate');
  if (row.status === 'held') return answer(deps, request, row, 'held');
  throw ApplicationFailure.nonRetryable(
    `notification ${row.key} was rejected: ${row.lastError ?? ''}`,
    'NOTIFICATION_REJECTED',
  );
}

// ---------------------------------------------------------------------------------------------

async function resolveTarget(deps: NotificationDeps, r: NotificationRequest): Promise<Target> {
  switch (r.recipient.role) {
    case 'coach':
      return coachTarget(
        deps,
        r.recipient.id ?? (typeof r.data.coachId === 'string' ? r.data.coachId : undefined),
      );
    case 'partner':
      return partnerTarget(deps, r);
    case 'manager':
    case 'gemeente':
      return emailTarget(deps, deps.config.managerEmail);
  }
}

function emailTarget(deps: NotificationDeps, address: string): Target {
  return deps.mailer
    ? { channel: 'email', address }
    : { channel: 'email', address, heldBecause: 'geen SMTP geconfigureerd (SMTP_URL)' };
}

async function coachTarget(deps: NotificationDeps, coachId: string | undefined): Promise<Target> {
  const user = coachId ? await deps.db.user.findUnique({ where: { id: coachId } }) : null;
  if (!user?.email)
    return {
      channel: 'email',
      address: null,
      heldBecause: `coach ${coachId ?? '?'} onbekend of zonder e-mailadres`,
    };
  return emailTarget(deps, user.email);
}

async function partnerTarget(deps: NotificationDeps, r: NotificationRequest): Promise<Target> {
  const partnerId = r.recipient.id;
  const partner = partnerId ? await deps.db.partner.findUnique({ where: { id: partnerId } }) : null;
  if (!partner)
    return { channel: 'webhook', address: null, heldBecause: `partner ${partnerId ?? '?'} onbekend` };
  // The partner may see this person from now on (its lists show only referred people).
  await deps.db.referral.upsert({
    where: {
      inburgeraarId_partnerId_purpose: {
        inburgeraarId: r.inburgeraarId,
        partnerId: partner.id,
        purpose: r.template,
      },
    },
    create: { inburgeraarId: r.inburgeraarId, partnerId: partner.id, purpose: r.template },
    update: {},
  });
  if (partner.webhookUrl && partner.webhookSecret)
    return { channel: 'webhook', address: partner.webhookUrl, secret: partner.webhookSecret };
  if (partner.email) return emailTarget(deps, partner.email);
  return {
    channel: 'webhook',
    address: null,
    heldBecause: `partner ${partner.id} heeft geen webhook en geen e-mailadres`,
  };
}

// ---------------------------------------------------------------------------------------------

/** The JSON a partner receives (also kept in the outbox, so every attempt sends the same bytes). */
function webhookBody(r: NotificationRequest, subject: string, text: string): string {
  const { key, template, inburgeraarId, workflowId, deadlineKey, dueDate, at, data } = r;
  return JSON.stringify({
    key,
    type: template,
    kind: kindOf(template),
    inburgeraarId,
    workflowId,
    deadlineKey,
    dueDate,
    at,
    data,
    subject,
    text,
  });
}

/** Writes the row before any delivery; when a concurrent attempt wrote it first, that row is the row. */
async function createOutboxRow(
  deps: NotificationDeps,
  r: NotificationRequest,
  target: Target,
): Promise<OutboxRow> {
  const { subject, text } = render(r, deps.config);
  try {
    return await deps.db.notificationOutbox.create({
      data: {
        key: r.key,
        kind: kindOf(r.template),
        template: r.template,
        channel: target.channel,
        audience: r.recipient.role,
        recipient: target.address,
        subject,
        body: text,
        payload: target.channel === 'webhook' ? webhookBody(r, subject, text) : JSON.stringify(r.data),
        status: 'pending',
        createdAt: deps.clock.now(),
        inburgeraarId: r.inburgeraarId,
        deadlineKey: r.deadlineKey ?? null,
        dueDate: r.dueDate ?? null,
      },
    });
  } catch (error) {
    if (isUniqueViolation(error))
      return deps.db.notificationOutbox.findUniqueOrThrow({ where: { key: r.key } });
    throw error;
  }
}

async function deliver(
  deps: NotificationDeps,
  r: NotificationRequest,
  row: OutboxRow,
  target: Exclude<Target, { heldBecause: string }>,
): Promise<NotificationResult> {
  await deps.db.notificationOutbox.update({ where: { id: row.id }, data: { attempts: { increment: 1 } } });
  try {
    await transmit(deps, row, target);
  } catch (error) {
    const permanent = error instanceof PermanentDeliveryError;
    const fullMessage = error instanceof Error ? error.message : String(error);
    // The outbox row already holds the recipient, so its lastError may keep the server's full text;
    // logs and Temporal failures get it without e-mail addresses (mail servers quote them).
    const message = withoutAddresses(fullMessage);
    await deps.db.notificationOutbox.update({
      where: { id: row.id },
      data: { lastError: fullMessage.slice(0, 1000), ...(permanent ? { status: 'failed' } : {}) },
    });
    deps.log.warn(
      {
        outboxId: row.id,
        key: r.key,
        template: r.template,
        channel: target.channel,
        permanent,
        err: message,
      },
      'notification delivery failed',
    );
    if (permanent) throw ApplicationFailure.nonRetryable(message, 'NOTIFICATION_REJECTED');
    throw ApplicationFailure.retryable(message, 'NOTIFICATION_DELIVERY');
  }
  const sent = await deps.db.notificationOutbox.update({
    where: { id: row.id },
    data: { status: 'sent', sentAt: deps.clock.now(), lastError: null },
  });
  return answer(deps, r, sent, 'sent');
}

/** A delivery the receiver refused for good (4xx, SMTP 5xx): a retry would be refused again. */
class PermanentDeliveryError extends Error {}

async function transmit(
  deps: NotificationDeps,
  row: OutboxRow,
  target: Exclude<Target, { heldBecause: string }>,
): Promise<void> {
  if (target.channel === 'email') {
    try {
      await deps.mailer!.send({ to: target.address, subject: row.subject, text: row.body, key: row.key });
    } catch (error) {
      if (isPermanentSmtpError(error))
        throw new PermanentDeliveryError(`SMTP weigerde: ${(error as Error).message}`);
      throw error;
    }
    return;
  }
  const timestamp = Math.floor(deps.clock.now().getTime() / 1000);
  const { status } = await deps.webhooks.post({
    url: target.address,
    secret: target.secret,
    body: row.payload,
    idempotencyKey: row.key,
    timestamp,
  });
  const verdict = classifyWebhookStatus(status);
  if (verdict === 'permanent') throw new PermanentDeliveryError(`webhook antwoordde HTTP ${status}`);
  if (verdict === 'retry') throw new Error(`webhook antwoordde HTTP ${status}`);
}

function answer(
  deps: NotificationDeps,
  r: NotificationRequest,
  row: OutboxRow,
  status: NotificationStatus,
): NotificationResult {
  // Ids and codes only: addresses and texts stay in the outbox.
  deps.log.info(
    {
      outboxId: row.id,
      key: r.key,
      template: r.template,
      audience: r.recipient.role,
      channel: row.channel,
      status,
    },
    'notification',
  );
  return { key: r.key, status, outboxId: row.id };
}

/** Replaces anything shaped like an e-mail address, e.g. in an SMTP server's rejection text. */
export function withoutAddresses(text: string): string {
  return text.replace(/[^\s<>()[\]"',;:]+@[^\s<>()[\]"',;:]+/g, '[adres]');
}
