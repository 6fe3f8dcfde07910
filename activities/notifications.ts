/**
 * The outbox's building blocks: who a notification goes to (target), the row that records it, and
 * one transmission (SMTP or a signed webhook). `recordStep` (./step.ts) writes rows with them,
 * `deliverNotifications` (./delivery.ts) delivers them apart from the workflow.
 *
 * sendNotification (the first version's activity, kept for histories recorded before the
 * `2026-12-record-step` patch): exactly-once delivery through the outbox inside the activity.
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
import { isUniqueViolation, type Db, type DbTransaction } from '../prisma/db';
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

export type Target =
  | { channel: 'email'; address: string }
  | { channel: 'webhook'; address: string; secret: string }
  | { channel: 'email' | 'webhook'; address: string | null; heldBecause: string };
export type DeliverableTarget = Exclude<Target, { heldBecause: string }>;

export type OutboxRow = Awaited<ReturnType<Db['notificationOutbox']['findUniqueOrThrow']>>;
/** The database or a transaction on it: target look-ups run inside `recordStep`'s transaction. */
type DbLike = Db | DbTransaction;

export async function sendNotification(
  deps: NotificationDeps,
  request: NotificationRequest,
): Promise<NotificationResult> {
  // A retry that finds its row settled answers from it without looking anything up.
  const existing = await deps.db.notificationOutbox.findUnique({ where: { key: request.key } });
  if (existing && existing.status !== 'pending') return settled(deps, request, existing);
  const target = await resolveTarget(deps, deps.db, recipientOf(request));
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

/** Who a notification is for: a role, and the coach's or partner's id where the role has one. */
export interface Recipient {
  role: NotificationRequest['recipient']['role'];
  id: string | null;
}

export function recipientOf(r: NotificationRequest): Recipient {
  const id =
    r.recipient.id ??
    (r.recipient.role === 'coach' && typeof r.data.coachId === 'string' ? r.data.coachId : undefined);
  return { role: r.recipient.role, id: id ?? null };
}

/**
 * Where a notification goes now. Looked up when it is recorded and again at each delivery, so a
 * coach's new address or a partner's new webhook is used, and held mail goes out once SMTP is set.
 */
export async function resolveTarget(
  deps: Pick<NotificationDeps, 'mailer' | 'config'>,
  db: DbLike,
  to: Recipient,
): Promise<Target> {
  switch (to.role) {
    case 'coach':
      return coachTarget(deps, db, to.id ?? undefined);
    case 'partner':
      return partnerTarget(deps, db, to.id ?? undefined);
    case 'manager':
    case 'gemeente':
      return emailTarget(deps, deps.config.managerEmail);
  }
}

function emailTarget(deps: Pick<NotificationDeps, 'mailer'>, address: string): Target {
  return deps.mailer
    ? { channel: 'email', address }
    : { channel: 'email', address, heldBecause: 'geen SMTP geconfigureerd (SMTP_URL)' };
}

async function coachTarget(
  deps: Pick<NotificationDeps, 'mailer'>,
  db: DbLike,
  coachId: string | undefined,
): Promise<Target> {
  const user = coachId ? await db.user.findUnique({ where: { id: coachId } }) : null;
  if (!user?.email)
    return {
      channel: 'email',
      address: null,
      heldBecause: `coach ${coachId ?? '?'} onbekend of zonder e-mailadres`,
    };
  return emailTarget(deps, user.email);
}

async function partnerTarget(
  deps: Pick<NotificationDeps, 'mailer'>,
  db: DbLike,
  partnerId: string | undefined,
): Promise<Target> {
  const partner = partnerId ? await db.partner.findUnique({ where: { id: partnerId } }) : null;
  if (!partner)
    return { channel: 'webhook', address: null, heldBecause: `partner ${partnerId ?? '?'} onbekend` };
  if (partner.webhookUrl && partner.webhookSecret)
    return { channel: 'webhook', address: partner.webhookUrl, secret: partner.webhookSecret };
  if (partner.email) return emailTarget(deps, partner.email);
  return {
    channel: 'webhook',
    address: null,
    heldBecause: `partner ${partner.id} heeft geen webhook en geen e-mailadres`,
  };
}

/** The partner may see this person from now on (its lists show only referred people). */
export async function recordReferral(db: DbLike, r: NotificationRequest): Promise<void> {
  const partnerId = r.recipient.role === 'partner' ? r.recipient.id : undefined;
  if (!partnerId || !(await db.partner.findUnique({ where: { id: partnerId }, select: { id: true } })))
    return;
  await db.referral.upsert({
    where: {
      inburgeraarId_partnerId_purpose: { inburgeraarId: r.inburgeraarId, partnerId, purpose: r.template },
    },
    create: { inburgeraarId: r.inburgeraarId, partnerId, purpose: r.template },
    update: {},
  });
}

// ---------------------------------------------------------------------------------------------

/** The JSON a partner receives (also kept in the outbox, so every attempt sends the same bytes). */
export function webhookBody(r: NotificationRequest, subject: string, text: string): string {
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

/**
 * The outbox row of a notification, rendered once: every attempt sends the same subject, text and
 * (for partners) the same signed JSON. `status` is where delivery starts: pending, or held with why.
 */
export function outboxRowData(
  deps: Pick<NotificationDeps, 'config'>,
  r: NotificationRequest,
  target: Target,
  createdAt: Date,
) {
  const { subject, text } = render(r, deps.config);
  const held = 'heldBecause' in target;
  return {
    key: r.key,
    kind: kindOf(r.template),
    template: r.template,
    channel: target.channel,
    audience: r.recipient.role,
    recipient: target.address,
    recipientId: recipientOf(r).id,
    subject,
    body: text,
    payload: r.recipient.role === 'partner' ? webhookBody(r, subject, text) : JSON.stringify(r.data),
    status: held ? 'held' : 'pending',
    lastError: held ? target.heldBecause : null,
    createdAt,
    inburgeraarId: r.inburgeraarId,
    deadlineKey: r.deadlineKey ?? null,
    dueDate: r.dueDate ?? null,
  };
}

/** Writes the row before any delivery; when a concurrent attempt wrote it first, that row is the row. */
async function createOutboxRow(
  deps: NotificationDeps,
  r: NotificationRequest,
  target: Target,
): Promise<OutboxRow> {
  await recordReferral(deps.db, r);
  try {
    // The first version delivered inside this activity: the row starts pending, held is decided below.
    return await deps.db.notificationOutbox.create({
      data: { ...outboxRowData(deps, r, target, deps.clock.now()), status: 'pending', lastError: null },
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
  target: DeliverableTarget,
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
export class PermanentDeliveryError extends Error {}

/** One transmission of a row; throws PermanentDeliveryError when a retry cannot help. */
export async function transmit(
  deps: Pick<NotificationDeps, 'mailer' | 'webhooks' | 'clock'>,
  row: Pick<OutboxRow, 'subject' | 'body' | 'key' | 'payload'>,
  target: DeliverableTarget,
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
