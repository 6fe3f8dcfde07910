/**
 * The audit trail and the read model, both written idempotently, because
 * Temporal may run an activity more than once (retry after a timeout, worker restart):
 * - the audit row is unique on (workflowId, eventSeq): a second write is a no-op (rows are appended
 *   to the hash chain of ./audit-chain, which looks for them first);
 * - the read-model row only moves forward: a snapshot older than the stored one (by the snapshot's
 *   eventSeq) is ignored, so a late retry never overwrites newer state.
 */
import type { Db, DbTransaction } from '../prisma/db';
import { appendAuditEvents as appendToAuditChain, AUDIT_TRANSACTION_OPTIONS } from './audit-chain';
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
  await db.$transaction(
    (tx: DbTransaction) =>
      appendAuditEvents(tx, input.workflowId, input.inburgeraarId, [
        { eventSeq: input.eventSeq, type: input.type, at: input.at, data: input.data },
      ]),
    AUDIT_TRANSACTION_OPTIONS,
  );
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
 * The audit rows of one step, each once, appended to the audit trail's hash chain
 * (./audit-chain.ts): rows a retried attempt already wrote (same workflowId + eventSeq) are skipped
 * by looking first, because inside a PostgreSQL transaction a unique violation would abort the
 * whole transaction. It locks the chain's head until the transaction ends: call it as late in the
 * transaction as the order of writes allows. Returns how many rows were written.
 */
export function appendAuditEvents(
  tx: DbTransaction,
  workflowId: string,
  inburgeraarId: string,
  events: readonly StepEvent[],
): Promise<number> {
  return appendToAuditChain(
    tx,
    events.map((e) => ({
      occurredAt: new Date(e.at),
      actor: actorOf(e.data),
      action: e.type,
      inburgeraarId,
      workflowId,
      eventSeq: e.eventSeq,
      details: e.data,
    })),
  );
}
