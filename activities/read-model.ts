/**
 * recordTrajectoryEvent: the audit trail and the read model, both written idempotently, because
 * Temporal may run an activity more than once (retry after a timeout, worker restart):
 * - the audit row is unique on (workflowId, eventSeq): a second insert is a no-op;
 * - the read-model row only moves forward: a snapshot older than the stored one (by the snapshot's
 *   eventSeq) is ignored, so a late retry never overwrites newer state.
 */
import { isUniqueViolation, type Db, type DbTransaction } from '../prisma/db';
import type { ReadModelSnapshot, RecordEventInput } from './types';

export async function recordTrajectoryEvent(db: Db, input: RecordEventInput): Promise<void> {
  await writeAuditEvent(db, input);
  await upsertReadModel(db, input.workflowId, input.snapshot, new Date(input.at));
}

/** The actor of an event: the coach/partner who sent the command, else the workflow itself (timers). */
function actorOf(input: RecordEventInput): string {
  const actorId = input.data.actorId;
  return typeof actorId === 'string' && actorId ? actorId : 'workflow';
}

async function writeAuditEvent(db: Db, input: RecordEventInput): Promise<void> {
  try {
    await db.auditEvent.create({
      data: {
        occurredAt: new Date(input.at),
        actor: actorOf(input),
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
  const inburgeraarId = snapshot.inburgeraarId;
  const row = trajectoryRow(workflowId, snapshot, updatedAt);
  const updateIfNotNewer = (tx: DbTransaction) =>
    tx.trajectoryReadModel.updateMany({
      where: { inburgeraarId, eventSeq: { lte: snapshot.eventSeq } },
      data: row,
    });
  return db.$transaction(async (tx: DbTransaction) => {
    if ((await updateIfNotNewer(tx)).count === 0) {
      const stored = await tx.trajectoryReadModel.findUnique({
        where: { inburgeraarId },
        select: { eventSeq: true },
      });
      if (!stored) {
        await tx.trajectoryReadModel.create({ data: { inburgeraarId, ...row } });
      } else if ((await updateIfNotNewer(tx)).count === 0) {
        // (A row found here may also be a first write committed after our update looked, under
        // PostgreSQL's read committed: hence the second conditional update before giving up.)
        return false; // a newer snapshot is there already
      }
    }
    await tx.deadlineReadModel.deleteMany({ where: { inburgeraarId } });
    await tx.deadlineReadModel.createMany({ data: deadlineRows(snapshot) });
    return true;
  });
}
