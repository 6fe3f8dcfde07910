/**
 * The shapes the workflow hands to its activities, built by pure functions here so the workflow
 * and its tests share them; activities/types.ts owns the activity contract and re-exports these.
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

/** One audit event of a step, without the snapshot (the step carries one for all its events). */
export interface StepEventShape {
  eventSeq: number;
  type: string;
  /** Workflow time (ISO instant) of the change. */
  at: string;
  data: Record<string, unknown>;
}

/**
 * Everything one step of the workflow decided, written in one transaction by `recordStep`: its audit
 * events, the read-model snapshot after them and the notifications that became due (outbox rows).
 */
export interface StepRecordShape {
  workflowId: string;
  inburgeraarId: string;
  events: StepEventShape[];
  snapshot: TrajectorySummary;
  notifications: NotificationRequestShape[];
}

export function toStepRecord(
  workflowId: string,
  snapshot: TrajectorySummary,
  events: readonly TrajectoryEvent[],
  notifications: readonly NotificationRequestShape[],
): StepRecordShape {
  return {
    workflowId,
    inburgeraarId: snapshot.inburgeraarId,
    events: events.map((e) => ({ eventSeq: e.seq, type: e.type, at: e.at, data: e.data })),
    snapshot,
    notifications: [...notifications],
  };
}
