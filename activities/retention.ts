/**
 * Retention and clean-up, the activities behind the two Temporal Schedules of workflows/retention.ts.
 *
 * applyRetention({ now, policy }): for every trajectory that ended on or before the cutoff of the
 * gemeente's retention period (domain/retention.ts) and is not yet done, in this order:
 *  1. Temporal: every run of its workflow (continue-as-new makes several) is deleted, if the
 *     namespace's own retention has not removed it already. A run that is still open stops the
 *     person's retention for now (reported as `waiting`; the next run tries again).
 *  2. Database, in one transaction:
 *     - the person's record (Inburgeraar + Persoonsgegevens: BSN hash and ciphertext, names,
 *       contact details, the COA reference) is deleted;
 *     - the personal part of their audit rows (free-text reasons, corrected values) becomes
 *       "[verwijderd]" (activities/audit-chain.ts keeps the hash chain valid) and a
 *       RETENTION_APPLIED audit event is appended;
 *     - their outbox rows keep kind, template, channel, audience, status and dates; subject, body,
 *       payload (the webhook body), recipient and error are emptied, and a message still waiting
 *       for delivery becomes `failed` (never sent without its text);
 *     - their referrals and the Idempotency-Key answers that name them are deleted;
 *     - the read-model row and its deadlines stay (only opaque ids, dates and codes: the
 *       monitoring figures do not change) and get `anonymisedAt`.
 *  `now` comes from the workflow's clock, so a test moves time by passing another `now`.
 *
 * cleanupExpired({ now, idempotencyTtlHours }): deletes Idempotency-Key answers older than their
 * time to live, and browser sessions (WebSession) past their idle timeout.
 *
 * Logs carry counts only.
 */
import { Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/common';
import type { Logger } from 'pino';
import { retentionCutoff, type RetentionPolicy } from '../domain/retention';
import type { Db, DbTransaction } from '../prisma/db';
import {
  anonymiseAuditEvents,
  appendAuditEvents,
  AUDIT_TRANSACTION_OPTIONS,
  RETENTION_ACTION,
} from './audit-chain';

export interface RetentionInput {
  /** ISO instant: the workflow's time (or a test's). */
  now: string;
  policy: RetentionPolicy;
  /** Trajectories read per database query (the activity heartbeats between batches). */
  batchSize?: number;
}

export interface RetentionResult {
  /** Trajectories whose personal data was removed in this call. */
  anonymised: number;
  /** Workflow runs deleted from Temporal. */
  workflowRunsDeleted: number;
  /** Due, but a workflow run of theirs is still open: tried again on the next run. */
  waiting: number;
}

export interface CleanupInput {
  now: string;
  idempotencyTtlHours: number;
}

export interface CleanupResult {
  idempotencyRecords: number;
  /** Browser sessions past their idle timeout (their row holds who was signed in). */
  webSessions: number;
}

export interface RetentionActivities {
  applyRetention(input: RetentionInput): Promise<RetentionResult>;
  cleanupExpired(input: CleanupInput): Promise<CleanupResult>;
}

export interface RetentionDeps {
  db: Db;
  log: Logger;
  /** Default: the worker's own client (activity context). Tests calling the activity directly pass one. */
  temporal?: Client;
}

const REMOVED_TEXT = '';

/** Deletes every closed run of a workflow; answers how many, or null when one is still open. */
async function deleteClosedRuns(client: Client, workflowId: string): Promise<number | null> {
  const runs = new Map<string, string>();
  for await (const run of client.workflow.list({ query: `WorkflowId = "${workflowId}"` }))
    runs.set(run.runId, run.status.name);
  try {
    // Visibility may lag behind: the latest run is asked for directly as well.
    const latest = await client.workflow.getHandle(workflowId).describe();
    runs.set(latest.runId, latest.status.name);
  } catch (err) {
    if (!(err instanceof WorkflowNotFoundError)) throw err;
  }
  if ([...runs.values()].includes('RUNNING')) return null;
  let deleted = 0;
  for (const runId of runs.keys()) {
    try {
      await client.workflowService.deleteWorkflowExecution({
        namespace: client.options.namespace,
        workflowExecution: { workflowId, runId },
      });
      deleted += 1;
    } catch (err) {
      if ((err as { code?: number }).code !== 5) throw err; // 5 = NOT_FOUND: gone already
    }
  }
  return deleted;
}

async function anonymisePerson(tx: DbTransaction, inburgeraarId: string, at: Date): Promise<void> {
  await tx.inburgeraar.deleteMany({ where: { id: inburgeraarId } }); // cascades to Persoonsgegevens
  await tx.notificationOutbox.updateMany({
    where: { inburgeraarId, anonymisedAt: null },
    data: {
      subject: REMOVED_TEXT,
      body: REMOVED_TEXT,
      payload: '{}',
      recipient: null,
      // Also keeps requeueFor (activities/delivery.ts) from ever picking these rows up again.
      recipientId: null,
      lastError: null,
      anonymisedAt: at,
    },
  });
  // A message still waiting for delivery is not sent any more (it has no text now).
  await tx.notificationOutbox.updateMany({
    where: { inburgeraarId, status: { in: ['pending', 'held', 'sending'] } },
    data: { status: 'failed', lastError: 'bewaartermijn verstreken: niet verstuurd', nextAttemptAt: null },
  });
  await tx.referral.deleteMany({ where: { inburgeraarId } });
  await tx.idempotencyRecord.deleteMany({
    where: { OR: [{ path: { contains: inburgeraarId } }, { responseBody: { contains: inburgeraarId } }] },
  });
  await tx.trajectoryReadModel.updateMany({ where: { inburgeraarId }, data: { anonymisedAt: at } });
  const rows = await anonymiseAuditEvents(tx, inburgeraarId, at);
  // Last: the chain head stays locked for the shortest time.
  await appendAuditEvents(tx, [
    {
      occurredAt: at,
      actor: 'retention',
      action: RETENTION_ACTION,
      inburgeraarId,
      details: { auditRowsAnonymised: rows },
    },
  ]);
}

/** The activity's context when running in a worker; undefined when a test calls the function. */
function activityContext(): Context | undefined {
  try {
    return Context.current();
  } catch {
    return undefined;
  }
}

export async function applyRetention(deps: RetentionDeps, input: RetentionInput): Promise<RetentionResult> {
  const at = new Date(input.now);
  const cutoff = retentionCutoff(input.now, input.policy);
  const context = activityContext();
  const temporal = deps.temporal ?? context?.client;
  if (!temporal) throw new Error('applyRetention needs a Temporal client (deps.temporal or a worker)');
  const result: RetentionResult = { anonymised: 0, workflowRunsDeleted: 0, waiting: 0 };
  const waiting: string[] = [];
  for (;;) {
    const batch = await deps.db.trajectoryReadModel.findMany({
      where: { endedDate: { not: null, lte: cutoff }, anonymisedAt: null, inburgeraarId: { notIn: waiting } },
      orderBy: { endedDate: 'asc' },
      take: input.batchSize ?? 100,
      select: { inburgeraarId: true, workflowId: true },
    });
    if (batch.length === 0) break;
    for (const { inburgeraarId, workflowId } of batch) {
      const deleted = await deleteClosedRuns(temporal, workflowId);
      if (deleted === null) {
        waiting.push(inburgeraarId);
        continue;
      }
      result.workflowRunsDeleted += deleted;
      await deps.db.$transaction(
        (tx: DbTransaction) => anonymisePerson(tx, inburgeraarId, at),
        AUDIT_TRANSACTION_OPTIONS,
      );
      result.anonymised += 1;
    }
    context?.heartbeat(result.anonymised);
  }
  result.waiting = waiting.length;
  deps.log.info({ cutoff, ...result }, 'retention applied');
  return result;
}

export async function cleanupExpired(deps: RetentionDeps, input: CleanupInput): Promise<CleanupResult> {
  const before = new Date(Date.parse(input.now) - input.idempotencyTtlHours * 3_600_000);
  const idempotency = await deps.db.idempotencyRecord.deleteMany({ where: { createdAt: { lt: before } } });
  const sessions = await deps.db.webSession.deleteMany({ where: { expiresAt: { lt: new Date(input.now) } } });
  const result = { idempotencyRecords: idempotency.count, webSessions: sessions.count };
  deps.log.info(result, 'expired records cleaned up');
  return result;
}

export function createRetentionActivities(deps: RetentionDeps): RetentionActivities {
  return {
    applyRetention: (input) => applyRetention(deps, input),
    cleanupExpired: (input) => cleanupExpired(deps, input),
  };
}
