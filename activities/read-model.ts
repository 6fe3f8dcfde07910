/**
 * The audit trail and the read model, both written idempotently, because
 * Temporal may run an activity more than once (retry after a timeout, worker restart):
 * - the audit row is unique on (workflowId, eventSeq): a second write is a no-op (rows are appended
 *   to the hash chain of ./audit-chain, which looks for them first);
 * - the read-model row only moves forward: a snapshot older than the stored one (by the snapshot's
 *   eventSeq) is ignored, so a late retry never overwrites newer state.
 */
import { randomUUID } from 'node:crypto';
import { daysBetween } from '../domain/dates';
import type { DeadlineKind, DeadlineStatus } from '../domain/types';
import type { Db, DbTransaction, RawSql } from '../prisma/db';
import { assignments, insertInto } from '../prisma/sql';
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

/** What the caseload page shows last: no deadline to sort by. */
export const NO_CASELOAD_DUE = '9999-12-31';

/**
 * The date the caseload page sorts by after "overdue first": the oldest deadline that was missed
 * and not fulfilled, else the next deadline, else NO_CASELOAD_DUE. Stored with the row so that a
 * page of the caseload is an index range scan instead of a sort of every trajectory.
 */
export function caseloadDue(s: ReadModelSnapshot): string {
  let oldest: string | undefined;
  for (const d of s.deadlines) {
    const open = d.kind === 'DEADLINE' && d.status === 'missed' && d.fulfilledDate === undefined;
    if (open && (oldest === undefined || d.dueDate < oldest)) oldest = d.dueDate;
  }
  return oldest ?? (s.nextDeadline?.key ? s.nextDeadline.dueDate : undefined) ?? NO_CASELOAD_DUE;
}

/**
 * Which deadlines the monitoring figures count (GET /api/kpis, api/kpis.ts): only kind DEADLINE (a
 * TERM_END is a window, not something to meet). Decided once fulfilled, lapsed (a status that says
 * it can no longer be met) or past its due date; met on time when fulfilled on or before it.
 */
export const KPI_DEADLINE_KIND: DeadlineKind = 'DEADLINE';
export const KPI_LAPSED_STATUSES = ['missed', 'expired'] as const satisfies readonly DeadlineStatus[];

/**
 * The row's parts of the monitoring figures, so that the KPIs are sums and counts over one index
 * instead of a pass over every trajectory and deadline. What depends on the day of asking (a
 * deadline neither fulfilled nor lapsed whose due date has passed) is counted on the deadline rows.
 */
export function figureColumns(s: ReadModelSnapshot) {
  const m = s.milestones;
  let deadlinesFulfilled = 0;
  let deadlinesMetOnTime = 0;
  let deadlinesLapsed = 0;
  for (const d of s.deadlines) {
    if (d.kind !== KPI_DEADLINE_KIND) continue;
    if (d.fulfilledDate) {
      deadlinesFulfilled += 1;
      if (d.fulfilledDate <= d.dueDate) deadlinesMetOnTime += 1;
    } else if ((KPI_LAPSED_STATUSES as readonly string[]).includes(d.status)) deadlinesLapsed += 1;
  }
  return {
    intakeDays: m.koppeling && m.intake ? daysBetween(m.koppeling, m.intake) : null,
    pipDays: m.koppeling && m.pip ? daysBetween(m.koppeling, m.pip) : null,
    deadlinesFulfilled,
    deadlinesMetOnTime,
    deadlinesLapsed,
  };
}

/** The trajectory row of a snapshot (also what bench and tests bulk-insert, so their rows are real). */
export function trajectoryRow(workflowId: string, s: ReadModelSnapshot, updatedAt: Date) {
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
    caseloadDue: caseloadDue(s),
    ...figureColumns(s),
    eventSeq: s.eventSeq,
    summary: JSON.stringify(s),
    updatedAt,
  };
}

/** The deadline rows of a snapshot. */
export function deadlineRows(s: ReadModelSnapshot) {
  return s.deadlines.map((d) => ({
    inburgeraarId: s.inburgeraarId,
    key: d.key,
    kind: d.kind,
    label: d.label ?? null,
    dueDate: d.dueDate,
    originalDueDate: d.originalDueDate ?? null,
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
  tx: RawSql,
  workflowId: string,
  snapshot: ReadModelSnapshot,
  updatedAt: Date,
): Promise<boolean> {
  // Raw statements (../prisma/sql.ts): this runs in every step of every trajectory.
  const inburgeraarId = snapshot.inburgeraarId;
  const row = trajectoryRow(workflowId, snapshot, updatedAt);
  const updateIfNotNewer = () =>
    tx.$executeRaw`UPDATE "TrajectoryReadModel" SET ${assignments(row)}
      WHERE "inburgeraarId" = ${inburgeraarId} AND "eventSeq" <= ${snapshot.eventSeq}`;
  if ((await updateIfNotNewer()) === 0) {
    const [stored] = await tx.$queryRaw<Array<{ eventSeq: number | bigint }>>`
      SELECT "eventSeq" FROM "TrajectoryReadModel" WHERE "inburgeraarId" = ${inburgeraarId}`;
    if (!stored) {
      await tx.$executeRaw(insertInto('TrajectoryReadModel', [{ inburgeraarId, ...row }]));
    } else if ((await updateIfNotNewer()) === 0) {
      // (A row found here may also be a first write committed after our update looked, under
      // PostgreSQL's read committed: hence the second conditional update before giving up.)
      return false; // a newer snapshot is there already
    }
  }
  await tx.$executeRaw`DELETE FROM "DeadlineReadModel" WHERE "inburgeraarId" = ${inburgeraarId}`;
  const deadlines = deadlineRows(snapshot);
  if (deadlines.length > 0)
    await tx.$executeRaw(
      insertInto(
        'DeadlineReadModel',
        deadlines.map((d) => ({ id: randomUUID(), ...d })),
      ),
    );
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
  tx: RawSql,
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
