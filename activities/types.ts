/**
 * The contract between the workflows and their activities (owned here; workflows import it by type).
 * The shapes are the ones the domain produces (domain/ports.ts), re-exported under their contract
 * names, so the workflow and the activities can never drift apart. All plain JSON: ids, ISO dates,
 * codes and free-text reasons, never personal data.
 *
 *   StepRecord          { workflowId, inburgeraarId, events[] {eventSeq, type, at, data},
 *                         snapshot (TrajectorySummary), notifications[] (NotificationRequest) }
 *   NotificationRequest { key (unique: workflowId + ':' + moment id), template, recipient {role, id?},
 *                         channel, deadlineKey?, dueDate?, data (template params), workflowId,
 *                         inburgeraarId, at (ISO instant) }
 *
 * A trajectory step is one `recordStep` call: its audit events, read-model row and outbox rows in
 * one transaction. Delivery is `deliverNotifications`, run by the delivery workflow apart from the
 * trajectories. `recordTrajectoryEvent` and `sendNotification` are the activities of the first
 * version of the workflow, kept registered while histories recorded before the
 * `2026-12-record-step` patch may still be replayed (see workflows/trajectory.ts).
 */
import type {
  NotificationRequestShape,
  RecordEventInputShape,
  StepEventShape,
  StepRecordShape,
} from '../domain/ports';
import type { TrajectorySummary } from '../domain/types';

export type ReadModelSnapshot = TrajectorySummary;
export type RecordEventInput = RecordEventInputShape;
export type NotificationRequest = NotificationRequestShape;
export type StepRecord = StepRecordShape;
export type StepEvent = StepEventShape;

/** The states of an outbox row (see NotificationOutbox in prisma/models.prisma). */
export const OUTBOX_STATUSES = ['pending', 'sending', 'held', 'sent', 'failed'] as const;
export type OutboxStatus = (typeof OUTBOX_STATUSES)[number];

/**
 * What the first version's `sendNotification` answered. sent: delivered by this attempt;
 * duplicate: an earlier attempt delivered it; held: kept in the outbox undelivered.
 */
export type NotificationStatus = 'sent' | 'held' | 'duplicate';

export interface NotificationResult {
  key: string;
  status: NotificationStatus;
  outboxId: string;
}

/** Outbox row kinds (for the manager's lists). */
export type NotificationKind = 'reminder' | 'escalation' | 'handoff' | 'info';

export interface StepResult {
  /** Audit events written now (a retry that finds them written answers 0). */
  events: number;
  /** Outbox rows written now, by their first status. */
  queued: number;
  held: number;
}

export interface DeliveryRunInput {
  /** The delivery workflow's time (ISO instant): what is due is due by this clock. */
  now: string;
  /** At most this many rows per run. */
  limit: number;
}

export interface DeliveryRunResult {
  sent: number;
  /** Temporary failures, due again later (backoff). */
  retrying: number;
  held: number;
  failed: number;
  /** True when the run stopped at `limit`: more rows are due now. */
  more: boolean;
  /** The earliest moment another row becomes due (ISO instant), if any. */
  nextAttemptAt?: string;
}

export interface TrajectoryActivities {
  /** One step: audit rows (unique workflowId + eventSeq), read model (newest wins), outbox rows (unique key). */
  recordStep(input: StepRecord): Promise<StepResult>;
  /** First version (pre-patch histories): one audit row + read model per event. */
  recordTrajectoryEvent(input: RecordEventInput): Promise<void>;
  /** First version (pre-patch histories): outbox row first, then delivery in the same activity. */
  sendNotification(input: NotificationRequest): Promise<NotificationResult>;
}

export interface DeliveryActivities {
  /** Delivers the outbox rows that are due: each exactly once by key, retried with backoff. */
  deliverNotifications(input: DeliveryRunInput): Promise<DeliveryRunResult>;
}
