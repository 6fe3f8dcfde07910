/**
 * Imports an existing caseload from CSV: people already in koppeling, brede intake, PIP or a
 * leerroute, each started as a trajectory workflow in the right phase with the right deadlines
 * (the workflow computes them from the import part of its start input, domain/commands.ts).
 *
 * Every row goes through the very service behind `POST /api/inburgeraars`
 * (application/register-koppeling.ts: same schema, same person register, same workflow start), so
 * an imported person is indistinguishable from one registered through the API, and a second run
 * finds each person by koppelingRef (or BSN) and starts nothing: safe to run twice.
 *
 * Dependencies are passed in (`{ db, temporal, taskQueue }`), so a test runs it against the real
 * dev server and its own SQLite database; the CLI (scripts/import-caseload.ts) wires production.
 */
import type { Client } from '@temporalio/client';
import { ApplicationError, InvalidInputError } from '../../application/errors';
import type { Actor } from '../../application/ports';
import { checkKoppeling, registerKoppeling } from '../../application/register-koppeling';
import { temporalTrajectories } from '../../application/temporal';
import { prismaAuditStore } from '../../api/store/audit';
import { prismaPersonStore } from '../../api/store/people';
import { prismaUserStore } from '../../api/store/users';
import { loadConfig, type Config } from '../../config/config';
import type { Db } from '../../prisma/db';
import { parseRow, readCsv, type KoppelingRequest, type RowIssue } from './csv-row';

export interface ImportDeps {
  db: Db;
  temporal: Client;
  taskQueue: string;
  /** Defaults to the environment's config (BSN_KEY); tests pass their own. */
  config?: Config;
}

export interface ImportOptions {
  /** Validate and look up only: start nothing, write nothing. */
  dryRun?: boolean;
  /** Rows processed at the same time (each is a few database calls and one workflow start). */
  concurrency?: number;
  /** Called after each row (for the progress bar). */
  onProgress?: (done: number, total: number) => void;
}

export interface ImportedRow {
  line: number;
  koppelingRef: string;
  /** Undefined in a dry run for a person that would be new. */
  inburgeraarId?: string;
  phase: string;
}
export interface RejectedRow {
  line: number;
  koppelingRef?: string;
  issues: RowIssue[];
}
export interface FailedRow {
  line: number;
  koppelingRef: string;
  error: string;
}

export interface ImportReport {
  dryRun: boolean;
  total: number;
  /** Started now (or, in a dry run, that would be started). */
  imported: ImportedRow[];
  /** Already had a trajectory (same koppelingRef or BSN): nothing started. */
  skipped: ImportedRow[];
  /** Rows with invalid data: fix the field and run again. */
  rejected: RejectedRow[];
  /** Rows that were valid but could not be processed (e.g. Temporal unreachable): run again. */
  failed: FailedRow[];
}

/** The import acts as this user in the audit trail (koppelingen are COA's role in the API). */
const IMPORT_ACTOR: Actor = { userId: 'caseload-import', role: 'coa', partnerId: null };

/** Runs `work` over `items` with at most `limit` at a time, in input order of starting. */
async function forEachLimited<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, async () => {
    while (next < items.length) await work(items[next++]!);
  });
  await Promise.all(lanes);
}

/** A refusal of the service is a rejected row (fix the data); anything else failed (run again). */
const issuesOf = (err: ApplicationError): RowIssue[] =>
  err instanceof InvalidInputError ? err.issues : [{ field: 'rij', reason: err.message }];

export async function importCaseload(
  deps: ImportDeps,
  csvText: string,
  options: ImportOptions = {},
): Promise<ImportReport> {
  const config = deps.config ?? loadConfig();
  const ports = {
    people: prismaPersonStore(deps.db),
    users: prismaUserStore(deps.db),
    audit: prismaAuditStore(deps.db),
    trajectories: temporalTrajectories(deps.temporal, deps.taskQueue),
    config,
  };

  const records = readCsv(csvText);
  const report: ImportReport = {
    dryRun: Boolean(options.dryRun),
    total: records.length,
    imported: [],
    skipped: [],
    rejected: [],
    failed: [],
  };
  let done = 0;
  const progress = () => options.onProgress?.(++done, records.length);

  // Validate every row first, and reject a koppelingRef that occurs twice in the file: the second
  // row would otherwise be silently skipped as "already imported".
  const firstLineOf = new Map<string, number>();
  const valid: { line: number; request: KoppelingRequest }[] = [];
  for (const { line, record } of records) {
    const parsed = parseRow(record);
    const ref = record.koppelingRef?.trim() || undefined;
    if (!parsed.ok) {
      report.rejected.push({ line, ...(ref ? { koppelingRef: ref } : {}), issues: parsed.issues });
      progress();
      continue;
    }
    const earlier = firstLineOf.get(parsed.request.koppelingRef);
    if (earlier !== undefined) {
      report.rejected.push({
        line,
        koppelingRef: parsed.request.koppelingRef,
        issues: [{ field: 'koppelingRef', reason: `staat al op regel ${earlier}` }],
      });
      progress();
      continue;
    }
    firstLineOf.set(parsed.request.koppelingRef, line);
    valid.push({ line, request: parsed.request });
  }

  await forEachLimited(valid, options.concurrency ?? 4, async ({ line, request }) => {
    const koppelingRef = request.koppelingRef;
    const phase = request.import?.phase ?? 'KOPPELING';
    try {
      if (options.dryRun) {
        // The same checks a real run makes first; nothing is stored or started.
        const existing = await checkKoppeling(ports, request);
        if (existing)
          report.skipped.push({ line, koppelingRef, inburgeraarId: existing.inburgeraarId, phase });
        else report.imported.push({ line, koppelingRef, phase });
        return;
      }
      const { inburgeraarId, created } = await registerKoppeling(ports, IMPORT_ACTOR, request);
      (created ? report.imported : report.skipped).push({ line, koppelingRef, inburgeraarId, phase });
    } catch (err) {
      if (err instanceof ApplicationError)
        report.rejected.push({ line, koppelingRef, issues: issuesOf(err) });
      else
        report.failed.push({ line, koppelingRef, error: err instanceof Error ? err.message : String(err) });
    } finally {
      progress();
    }
  });

  // Workers finish out of order; the report reads top to bottom like the file.
  for (const list of [report.imported, report.skipped, report.rejected, report.failed])
    list.sort((a, b) => a.line - b.line);
  return report;
}
