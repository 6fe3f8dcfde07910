/**
 * The contract between the workflow and its activities (owned here; the workflow imports it by type).
 * The shapes are the ones the domain produces (domain/ports.ts), re-exported under their contract
 * names, so the workflow and the activities can never drift apart. All plain JSON: ids, ISO dates,
 * codes and free-text reasons, never personal data.
 *
 *   RecordEventInput   { workflowId, inburgeraarId, eventSeq, type (the action), at (ISO instant),
 *                        data (details, incl. actorId for coach actions), snapshot }
 *   ReadModelSnapshot  = domain TrajectorySummary (phase, route, coachId, nextDeadline, overdue,
 *                        deadlines[], milestones{}, endedReason, eventSeq, ...)
 *   NotificationRequest { key (unique: workflowId + ':' + moment id), template, recipient {role, id?},
 *                        channel, deadlineKey?, dueDate?, data (template params), workflowId,
 *                        inburgeraarId, at (ISO instant) }
 */
import type { NotificationRequestShape, RecordEventInputShape } from '../domain/ports';
import type { TrajectorySummary } from '../domain/types';

export type ReadModelSnapshot = TrajectorySummary;
export type RecordEventInput = RecordEventInputShape;
export type NotificationRequest = NotificationRequestShape;

/**
 * sent: delivered by this attempt; duplicate: an earlier attempt delivered it (nothing sent now);
 * held: kept in the outbox undelivered (no SMTP configured, or no address), visible to managers.
 */
export type NotificationStatus = 'sent' | 'held' | 'duplicate';

export interface NotificationResult {
  key: string;
  status: NotificationStatus;
  outboxId: string;
}

/** Outbox row kinds (for the manager's lists). */
export type NotificationKind = 'reminder' | 'escalation' | 'handoff' | 'info';

export interface TrajectoryActivities {
  /** Audit row (unique workflowId + eventSeq) + read model (newest snapshot wins) + deadline rows. */
  recordTrajectoryEvent(input: RecordEventInput): Promise<void>;
  /** Outbox row first (unique key), then delivery; a retry never delivers twice. */
  sendNotification(input: NotificationRequest): Promise<NotificationResult>;
}
