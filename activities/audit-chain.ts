/**
 * The audit trail as a tamper-evident hash chain. Every audit row is written through
 * `appendAuditEvents(tx, rows)`, inside the caller's transaction:
 *
 * 1. It updates the one `AuditChainHead` row first. That write serialises all writers, whichever
 *    process they run in: on PostgreSQL it is a row lock held until commit (a second writer waits on
 *    it and then reads the committed head), on SQLite it takes the database's write lock. A caller
 *    that writes other rows in the same transaction should call it last, so the head stays locked
 *    for the shortest time.
 * 2. It skips rows whose (workflowId, eventSeq) is stored already (a retried activity), by looking
 *    first: inside a PostgreSQL transaction a unique violation would abort the whole transaction.
 * 3. Each new row gets `chainSeq` = head + 1, `prevHash` = the head's hash and
 *      hash = SHA-256(canonical JSON of { seq, prevHash, occurredAt, actor, action, inburgeraarId,
 *                                         workflowId, eventSeq, open details, personalDigest })
 *    and the head moves to the last row.
 *
 * Personal content and retention. `details` has an open part (codes, ids, dates) and a personal
 * part: the free-text fields of the command named by `action` (marked in domain/commands.ts),
 * anything under the key `persoonlijk`, and the koppeling's reference (`koppelingRef`, the
 * person's file number at COA or DUO). The chain covers the personal part only through
 *      personalDigest = SHA-256(personalSalt + canonical JSON of the personal part)
 * so retention can replace that part by "[verwijderd]" and drop the salt (`anonymiseAuditEvents`)
 * while the stored digest, and with it every hash, stays valid; without the salt the digest of a
 * short text cannot be guessed back either.
 *
 * `verifyAuditChain` walks the chain (`npm run audit:verify`) and names the first row that does not
 * fit: a changed field, a removed or inserted row, a cut-off tail (checked against the head), a
 * personal part that no longer matches its digest, or one removed without a retention event.
 * Database triggers (see the migration) refuse deletes and every update except that anonymisation.
 * An administrator who disables the triggers and rewrites the chain from some row onwards changes
 * the head hash: keep the head that `audit:verify` prints somewhere else (a ticket, the log
 * archive) to anchor it.
 */
import { createHash, randomBytes } from 'node:crypto';
import { configure } from 'safe-stable-stringify';
import { commandSchemas, freeTextFields, type CommandName } from '../domain/commands';
import { directTransaction, Prisma, type Db, type DbTransaction, type RawSql } from '../prisma/db';
import { insertInto } from '../prisma/sql';

/** Details key for personal content that is not a command's free text (e.g. corrected values). */
export const PERSONAL_DETAILS_KEY = 'persoonlijk';
/**
 * Details keys that identify a person outside this system, personal wherever they occur: the
 * koppeling's reference is COA's or DUO's file number of the person.
 */
const IDENTIFYING_DETAIL_KEYS = [PERSONAL_DETAILS_KEY, 'koppelingRef'];
/** What retention leaves in place of a removed personal value. */
export const REMOVED = '[verwijderd]';
/** The audit action retention writes for a person, after anonymising that person's rows. */
export const RETENTION_ACTION = 'RETENTION_APPLIED';

const HEAD_ID = 1;
const canonicalJson = configure({ deterministic: true, circularValue: Error, bigint: false });

export interface AuditRowInput {
  occurredAt: Date;
  actor: string;
  action: string;
  inburgeraarId?: string | null;
  workflowId?: string | null;
  eventSeq?: number | null;
  details?: Record<string, unknown>;
}

type Details = Record<string, unknown>;

let freeTextByCommand: Map<string, string[]> | undefined;
function personalKeysOf(action: string): string[] {
  freeTextByCommand ??= new Map(
    (Object.keys(commandSchemas) as CommandName[]).map((name) => [
      name,
      freeTextFields(commandSchemas[name]),
    ]),
  );
  return [...(freeTextByCommand.get(action) ?? []), ...IDENTIFYING_DETAIL_KEYS];
}

/** Splits details into the part the chain covers as is, and the personal part (null if none). */
export function splitDetails(action: string, details: Details): { open: Details; personal: Details | null } {
  const open: Details = {};
  const personal: Details = {};
  const personalKeys = personalKeysOf(action);
  for (const [key, value] of Object.entries(details)) {
    if (value !== undefined && personalKeys.includes(key)) personal[key] = value;
    else open[key] = value;
  }
  return { open, personal: Object.keys(personal).length ? personal : null };
}

const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

export const personalDigestOf = (salt: string, personal: Details): string =>
  sha256(salt + canonicalJson(personal));

interface ChainFields {
  chainSeq: number;
  prevHash: string;
  occurredAt: Date;
  actor: string;
  action: string;
  inburgeraarId: string | null;
  workflowId: string | null;
  eventSeq: number | null;
  personalDigest: string | null;
}

export function rowHash(row: ChainFields, open: Details): string {
  return sha256(
    canonicalJson({
      v: 1,
      seq: row.chainSeq,
      prevHash: row.prevHash,
      occurredAt: row.occurredAt.toISOString(),
      actor: row.actor,
      action: row.action,
      inburgeraarId: row.inburgeraarId,
      workflowId: row.workflowId,
      eventSeq: row.eventSeq,
      details: open,
      personalDigest: row.personalDigest,
    }) ?? '',
  );
}

/** Parses stored details; anything that is not a JSON object is open text as it stands. */
function parseDetails(text: string): Details {
  try {
    const value: unknown = JSON.parse(text);
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Details;
  } catch {
    // fall through
  }
  return { text };
}

const keyOf = (workflowId: string, eventSeq: number): string => `${workflowId}\u0000${eventSeq}`;

/**
 * Appends rows to the audit trail in the caller's transaction (see the module comment). Rows with
 * a (workflowId, eventSeq) that is stored already, or repeated within `rows`, are skipped.
 * Returns how many rows were written.
 */
export async function appendAuditEvents(tx: RawSql, rows: readonly AuditRowInput[]): Promise<number> {
  if (rows.length === 0) return 0;
  // First statement: the write that serialises appenders (see 1. above). The statements here are
  // raw SQL (../prisma/sql.ts: a third of a model query's CPU; every step and request writes them).
  const [head] = await tx.$queryRaw<Array<{ seq: number | bigint; hash: string }>>`
    UPDATE "AuditChainHead" SET "seq" = "seq" WHERE "id" = ${HEAD_ID} RETURNING "seq", "hash"`;
  if (!head) throw new Error('the audit chain has no head row (migrations not applied?)');

  const seen = new Set<string>();
  const seqsByWorkflow = new Map<string, number[]>();
  for (const r of rows) {
    if (!r.workflowId || typeof r.eventSeq !== 'number') continue;
    const seqs = seqsByWorkflow.get(r.workflowId) ?? [];
    seqs.push(r.eventSeq);
    seqsByWorkflow.set(r.workflowId, seqs);
  }
  // One query per workflow (a step's rows all have the same one).
  for (const [workflowId, seqs] of seqsByWorkflow) {
    const stored = await tx.$queryRaw<Array<{ eventSeq: number | bigint }>>`
      SELECT "eventSeq" FROM "AuditEvent"
      WHERE "workflowId" = ${workflowId} AND "eventSeq" IN (${Prisma.join(seqs)})`;
    for (const r of stored) seen.add(keyOf(workflowId, Number(r.eventSeq)));
  }

  let seq = Number(head.seq);
  let hash = head.hash;
  const data = [];
  for (const r of rows) {
    if (r.workflowId && typeof r.eventSeq === 'number') {
      const key = keyOf(r.workflowId, r.eventSeq);
      if (seen.has(key)) continue;
      seen.add(key);
    }
    const detailsText = JSON.stringify(r.details ?? {});
    // The chain is computed over what a reader parses back, so JSON's own conversions cannot break it.
    const { open, personal } = splitDetails(r.action, parseDetails(detailsText));
    const personalSalt = personal ? randomBytes(16).toString('hex') : null;
    const fields: ChainFields = {
      chainSeq: seq + 1,
      prevHash: hash,
      occurredAt: new Date(r.occurredAt.getTime()),
      actor: r.actor,
      action: r.action,
      inburgeraarId: r.inburgeraarId ?? null,
      workflowId: r.workflowId ?? null,
      eventSeq: r.eventSeq ?? null,
      personalDigest: personal && personalSalt ? personalDigestOf(personalSalt, personal) : null,
    };
    seq += 1;
    hash = rowHash(fields, open);
    data.push({ ...fields, details: detailsText, hash, personalSalt });
  }
  if (data.length === 0) return 0;
  // All rows in one statement: on PostgreSQL each statement is a round trip, and this transaction
  // holds the chain's head.
  await tx.$executeRaw(insertInto('AuditEvent', data));
  await tx.$executeRaw`UPDATE "AuditChainHead" SET "seq" = ${seq}, "hash" = ${hash} WHERE "id" = ${HEAD_ID}`;
  return data.length;
}

/**
 * Every writer queues on the chain head, so under load a transaction may wait a while for its
 * turn (and for a pooled connection): longer than Prisma's 2 s default. For the Prisma
 * transactions that append (a correction, a step with notifications); the direct ones wait as long
 * for their connection (START_TIMEOUT_MS in ../prisma/direct.ts).
 */
export const AUDIT_TRANSACTION_OPTIONS = { maxWait: 15_000, timeout: 15_000 } as const;

/**
 * `appendAuditEvents` in a transaction of its own (one API audit entry, one workflow event): a
 * direct transaction (../prisma/direct.ts), as every audited request writes one.
 */
export function appendAuditEventsNow(db: Db, rows: readonly AuditRowInput[]): Promise<number> {
  return directTransaction(db)((tx) => appendAuditEvents(tx, rows));
}

/**
 * Retention: replaces the personal part of every not yet anonymised audit row of this person by
 * "[verwijderd]" and drops its salt; the chain stays valid (the digest is kept). Returns the count.
 */
export async function anonymiseAuditEvents(
  tx: DbTransaction,
  inburgeraarId: string,
  at: Date,
): Promise<number> {
  const rows = await tx.auditEvent.findMany({
    where: { inburgeraarId, anonymisedAt: null },
    select: { id: true, action: true, details: true },
  });
  for (const row of rows) {
    const details = parseDetails(row.details);
    const { personal } = splitDetails(row.action, details);
    const redacted = { ...details };
    for (const key of Object.keys(personal ?? {})) redacted[key] = REMOVED;
    await tx.auditEvent.update({
      where: { id: row.id },
      data: { details: JSON.stringify(redacted), personalSalt: null, anonymisedAt: at },
    });
  }
  return rows.length;
}

export interface ChainBreak {
  /** The row's primary key (AuditEvent.id), or null when the break is a missing row or the head. */
  id: number | null;
  chainSeq: number | null;
  reason: string;
}

export interface ChainReport {
  ok: boolean;
  /** Rows in the chain. */
  rows: number;
  /** Rows written before the chain existed (not covered). */
  unchainedRows: number;
  head: { seq: number; hash: string };
  firstBreak?: ChainBreak;
}

/** Walks the whole chain in order and reports the first row that does not fit (see the module comment). */
export async function verifyAuditChain(db: Db, options: { pageSize?: number } = {}): Promise<ChainReport> {
  const pageSize = options.pageSize ?? 1000;
  const head = await db.auditChainHead.findUnique({ where: { id: HEAD_ID } });
  const headInfo = { seq: head?.seq ?? 0, hash: head?.hash ?? '' };
  const unchainedRows = await db.auditEvent.count({ where: { chainSeq: null } });
  const report = (rows: number, firstBreak?: ChainBreak): ChainReport => ({
    ok: !firstBreak,
    rows,
    unchainedRows,
    head: headInfo,
    ...(firstBreak ? { firstBreak } : {}),
  });
  if (!head) return report(0, { id: null, chainSeq: null, reason: 'the chain head row is missing' });

  // A row outside the chain written after the chain began was not written by appendAuditEvents.
  const firstChained = await db.auditEvent.findFirst({
    where: { chainSeq: { not: null } },
    orderBy: { chainSeq: 'asc' },
    select: { id: true },
  });
  if (firstChained) {
    const intruder = await db.auditEvent.findFirst({
      where: { chainSeq: null, id: { gt: firstChained.id } },
      orderBy: { id: 'asc' },
      select: { id: true },
    });
    if (intruder)
      return report(0, { id: intruder.id, chainSeq: null, reason: 'row is not part of the hash chain' });
  }

  let expectedSeq = 1;
  let prevHash = '';
  let count = 0;
  /** Anonymised rows waiting for the retention event of their person: inburgeraarId → first row. */
  const awaitingRetention = new Map<string, { id: number; chainSeq: number }>();
  for (;;) {
    const page = await db.auditEvent.findMany({
      where: { chainSeq: { gte: expectedSeq } },
      orderBy: { chainSeq: 'asc' },
      take: pageSize,
    });
    for (const row of page) {
      const at = { id: row.id, chainSeq: row.chainSeq };
      if (row.chainSeq !== expectedSeq)
        return report(count, {
          id: row.id,
          chainSeq: row.chainSeq,
          reason: `chain position ${expectedSeq} is missing before this row (a row was removed)`,
        });
      if (row.prevHash !== prevHash)
        return report(count, { ...at, reason: 'prevHash does not match the hash of the row before it' });
      const { open, personal } = splitDetails(row.action, parseDetails(row.details));
      if (row.anonymisedAt) {
        if (personal && Object.values(personal).some((v) => v !== REMOVED))
          return report(count, { ...at, reason: 'anonymised row still holds a personal value' });
        if (row.inburgeraarId && !awaitingRetention.has(row.inburgeraarId))
          awaitingRetention.set(row.inburgeraarId, { id: row.id, chainSeq: row.chainSeq });
      } else if (personal) {
        if (!row.personalSalt || personalDigestOf(row.personalSalt, personal) !== row.personalDigest)
          return report(count, { ...at, reason: 'the personal part of details does not match its digest' });
      } else if (row.personalDigest) {
        return report(count, { ...at, reason: 'the personal part of details is gone, not by retention' });
      }
      if (row.action === RETENTION_ACTION && row.inburgeraarId) awaitingRetention.delete(row.inburgeraarId);
      const expected = rowHash(
        {
          chainSeq: row.chainSeq,
          prevHash,
          occurredAt: row.occurredAt,
          actor: row.actor,
          action: row.action,
          inburgeraarId: row.inburgeraarId,
          workflowId: row.workflowId,
          eventSeq: row.eventSeq,
          personalDigest: row.personalDigest,
        },
        open,
      );
      if (row.hash !== expected)
        return report(count, { ...at, reason: 'the row was changed after it was written (hash mismatch)' });
      prevHash = row.hash;
      expectedSeq += 1;
      count += 1;
    }
    if (page.length < pageSize) break;
  }
  const [orphan] = awaitingRetention.values();
  if (orphan) return report(count, { ...orphan, reason: 'personal part removed without a retention event' });
  if (head.seq !== count || head.hash !== prevHash)
    return report(count, {
      id: null,
      chainSeq: head.seq,
      reason: `the chain ends at position ${count} but its head says ${head.seq} (rows at the end were removed)`,
    });
  return report(count);
}
