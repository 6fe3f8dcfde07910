/**
 * The shapes the workflow hands to its activities (proposed by the workflow side; the
 * data+activities builder's activities/types.ts owns the contract and may re-export these).
 * Plain JSON, no personal data: ids, dates, codes and free-text reasons only.
 */
import type { NotificationIntent, TrajectoryEvent, TrajectorySummary } from './types';

/** One audit event plus the read-model snapshot after it (idempotent on workflowId + eventSeq). */
export interface RecordEventInputShape {
  workflowId: string;
  inburgeraarId: string;
  eventSeq: number;
  type: string;
  /** Workflow time (ISO instant) of the change. */
  at: string;
  data: Record<string, unknown>;
  snapshot: TrajectorySummary;
}

/** A notification to deliver exactly once by `key` (= workflowId + ':' + intent id). */
export interface NotificationRequestShape extends Omit<NotificationIntent, 'id'> {
  key: string;
  workflowId: string;
  inburgeraarId: string;
  /** Workflow time (ISO instant) at which the workflow asked for it. */
  at: string;
}

export function toRecordEventInput(
  workflowId: string,
  e: TrajectoryEvent,
  snapshot: TrajectorySummary,
): RecordEventInputShape {
  return {
    workflowId,
    inburgeraarId: snapshot.inburgeraarId,
    eventSeq: e.seq,
    type: e.type,
    at: e.at,
    data: e.data,
    snapshot,
  };
}

export function toNotificationRequest(
  workflowId: string,
  inburgeraarId: string,
  n: NotificationIntent,
  at: string,
): NotificationRequestShape {
  const { id, ...rest } = n;
  return { ...rest, key: `${workflowId}:${id}`, workflowId, inburgeraarId, at };
}

/** What sendNotification answers (the outbox decides whether it delivered now or earlier). */
export interface NotificationResultShape {
  key: string;
  /** sent: delivered now; duplicate: an earlier attempt delivered it; queued: kept in the outbox. */
  status: 'sent' | 'duplicate' | 'queued';
}

/** The activities the workflow calls (activities/types.ts is the owner of the real contract). */
export interface TrajectoryActivitiesPort {
  recordTrajectoryEvent(input: RecordEventInputShape): Promise<void>;
  sendNotification(input: NotificationRequestShape): Promise<NotificationResultShape | unknown>;
}
