/**
 * The audit trail and the read model, both written idempotently, because
 * Temporal may run an activity more than once (retry after a timeout, worker restart):
 * - the audit row is unique on (workflowId, eventSeq): a second insert is a no-op;
 * - the read-model row only moves forward: a snapshot older than the stored one (by the snapshot's
 *   eventSeq) is ignored, so a late retry never overwrites newer state.
 */
import { isUniqueViolation, type Db, type DbTransaction } from '../prisma/db';
import type { ReadModelSnapshot, RecordEventInput, StepEvent } from './types';

/** The first version's activity (one event per call), kept for histories before `2026-12-record-step`. */
export async function recordTrajectoryEvent(db: Db, input: RecordEventInput): Promise<void> {
  await writeAuditEvent(db, input);
  await upsertReadModel(db, input.workflowId, input.snapshot, new Date(input.at));
}

/** The actor of an event: the coach/partner who sent the command, else the workflow itself (timers). */
function actorOf(data: Record<string, unknown>): string {
  const actorId = data.actorId;
  return typeof actorId === 'string' && actorId ? actorId : 'workflow';
}

async function writeAuditEvent(db: Db, input: RecordEventInput): Promise<void> {
  try {
    await db.auditEvent.create({
      data: {
        occurredAt: new Date(input.at),
        actor: actorOf(input.data),
        action: input.type,
        inburgeraarId: input.inburgeraarId,
        workflowId: input.workflowId,
        eventSeq: input.eventSeq,
        details: JSON.stringify(input.data),
      },
    });
  } catch (error) {
    if (!isUniqueViolation(error)) throw error; // written by an earlier attempt: nothing to do
  }
}

function trajectoryRow(workflowId: string, s: ReadModelSnapshot, updatedAt: Date) {
  const m = s.milestones;
  return {
    workflowId,
    coachId: s.coachId,
    phase: s.phase,
    route: s.route ?? null,
    doelgroep: s.doelgroep,
    taalniveau: s.taalniveau,
    paused: s.paused,
    nextDeadlineKey: s.nextDeadline?.key ?? null,
    nextDeadlineLabel: s.nextDeadline?.label ?? null,
    nextDeadlineDate: s.nextDeadline?.dueDate ?? null,
    overdue: s.overdue,
    koppelingDate: m.koppeling,
    intakeDate: m.intake ?? null,
    pipDate: m.pip ?? null,
    termijnStart: m.termijnStart ?? null,
    termijnEnd: m.termijnEnd ?? null,
    endedReason: s.endedReason ?? null,
    endedDate: s.endedDate ?? null,
    eventSeq: s.eventSeq,
    summary: JSON.stringify(s),
    updatedAt,
  };
}

function deadlineRows(s: ReadModelSnapshot) {
  return s.deadlines.map((d) => ({
    inburgeraarId: s.inburgeraarId,
    key: d.key,
    kind: d.kind,
    label: d.label,
    dueDate: d.dueDate,
    originalDueDate: d.originalDueDate,
    status: d.status,
    metOn: d.fulfilledDate ?? null,
    legalSource: d.source,
    suspended: d.suspended ?? false,
  }));
}

/**
 * Upserts the trajectory row unless a newer snapshot is stored, and replaces its deadline rows, in
 * one transaction. The conditional update (`eventSeq <= new`) makes the ordering check atomic; two
 * first writes racing on the insert end in a unique violation, and Temporal's retry settles it.
 * Returns false when the snapshot was older than the stored one (nothing written).
 */
export async function upsertReadModel(
  db: Db,
  workflowId: string,
  snapshot: ReadModelSnapshot,
  updatedAt: Date,
): Promise<boolean> {
  return db.$transaction((tx: DbTransaction) => upsertReadModelIn(tx, workflowId, snapshot, updatedAt));
}

/** The same, inside a transaction the caller holds (recordStep writes a whole step in one). */
export async function upsertReadModelIn(
  tx: DbTransaction,
  workflowId: string,
  snapshot: ReadModelSnapshot,
  updatedAt: Date,
): Promise<boolean> {
  const inburgeraarId = snapshot.inburgeraarId;
  const row = trajectoryRow(workflowId, snapshot, updatedAt);
  const updateIfNotNewer = () =>
    tx.trajectoryReadModel.updateMany({
      where: { inburgeraarId, eventSeq: { lte: snapshot.eventSeq } },
      data: row,
    });
  if ((await updateIfNotNewer()).count === 0) {
    const stored = await tx.trajectoryReadModel.findUnique({
      where: { inburgeraarId },
      select: { eventSeq: true },
    });
    if (!stored) {
      await tx.trajectoryReadModel.create({ data: { inburgeraarId, ...row } });
    } else if ((await updateIfNotNewer()).count === 0) {
      // (A row found here may also be a first write committed after our update looked, under
      // PostgreSQL's read committed: hence the second conditional update before giving up.)
      return false; // a newer snapshot is there already
    }
  }
  await tx.deadlineReadModel.deleteMany({ where: { inburgeraarId } });
  await tx.deadlineReadModel.createMany({ data: deadlineRows(snapshot) });
  return true;
}

/**
 * The audit rows of one step, each once: rows a retried attempt already wrote (same workflowId +
 * eventSeq) are skipped by looking first, because inside a PostgreSQL transaction a unique
 * violation would abort the whole transaction. Returns how many rows were written.
 */
export async function appendAuditEvents(
  tx: DbTransaction,
  workflowId: string,
  inburgeraarId: string,
  events: readonly StepEvent[],
): Promise<number> {
  if (!events.length) return 0;
  const written = await tx.auditEvent.findMany({
    where: { workflowId, eventSeq: { in: events.map((e) => e.eventSeq) } },
    select: { eventSeq: true },
  });
  const seen = new Set(written.map((w) => w.eventSeq));
  const rows = events
    .filter((e) => !seen.has(e.eventSeq))
    .map((e) => ({
      occurredAt: new Date(e.at),
      actor: actorOf(e.data),
      action: e.type,
      inburgeraarId,
      workflowId,
      eventSeq: e.eventSeq,
      details: JSON.stringify(e.data),
    }));
  if (rows.length) await tx.auditEvent.createMany({ data: rows });
  return rows.length;
}
