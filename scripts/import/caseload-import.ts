/**
 * Imports an existing caseload from CSV: people already in koppeling, brede intake, PIP or a
 * leerroute, each started as a trajectory workflow in the right phase with the right deadlines
 * (the workflow computes them from the import part of its start input, domain/commands.ts).
 *
 * Every row goes through the very same path as `POST /api/inburgeraars` (same schema, same
 * person store, same workflow start), so an imported person is indistinguishable from one
 * registered through the API, and a second run finds each person by koppelingRef (or BSN) and
 * starts nothing: safe to run twice.
 *
 * Dependencies are passed in (`{ db, temporal, taskQueue }`), so a test runs it against the real
 * dev server and its own SQLite database; the CLI (scripts/import-caseload.ts) wires production.
 */
import type { Client } from '@temporalio/client';
import pino, { type Logger } from 'pino';
import { loadConfig, type Config } from '../../config/config';
import type { Db } from '../../prisma/db';
import type { Principal } from '../../api/auth/principal';
import type { AppDeps } from '../../api/deps';
import { HttpError, ValidationError, type ValidationIssue } from '../../api/http/errors';
import { MemoryIdempotencyStore } from '../../api/http/idempotency';
import type { ApiStore } from '../../api/store';
import { hashBsn } from '../../api/persons/bsn';
import { inburgeraarRoutes } from '../../api/routes/inburgeraars';
import { createPrismaStore } from '../../api/prisma-store';
import { parseRow, readCsv, type KoppelingRequest, type RowIssue } from './csv-row';

export interface ImportDeps {
  db: Db;
  temporal: Client;
  taskQueue: string;
  /** Defaults to the environment's config (BSN_KEY, Temporal UI URL); tests pass their own. */
  config?: Config;
  log?: Logger;
  /** Defaults to the API's Prisma store on `db`. */
  store?: ApiStore;
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
const IMPORT_PRINCIPAL: Principal = {
  userId: 'caseload-import',
  role: 'coa',
  partnerId: null,
  via: 'api-key',
};

type Registered = { inburgeraarId: string; created: boolean };

/**
 * The koppeling handler of the API, called in-process: one implementation of "store the person,
 * start (or find) the workflow, audit it", so the import cannot drift from the API's rules.
 */
function koppelingRegistrar(deps: AppDeps): (request: KoppelingRequest) => Promise<Registered> {
  const route = inburgeraarRoutes.find((r) => r.operationId === 'registerKoppeling');
  if (!route) throw new Error('registerKoppeling route missing from api/routes/inburgeraars.ts');
  return async (request) => {
    const result = await route.handler({
      params: undefined,
      query: undefined,
      body: request,
      principal: IMPORT_PRINCIPAL,
      deps,
      // The handler reads nothing from the HTTP request; there is none here.
      req: undefined as never,
    });
    return result.body as Registered;
  };
}

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

const issuesFromHttp = (err: HttpError): RowIssue[] =>
  err instanceof ValidationError
    ? err.issues.map((i: ValidationIssue) => ({ field: i.field.replace(/^body\./, ''), reason: i.reason }))
    : [{ field: 'rij', reason: `${err.code}: ${err.message}` }];

export async function importCaseload(
  deps: ImportDeps,
  csvText: string,
  options: ImportOptions = {},
): Promise<ImportReport> {
  const baseConfig = deps.config ?? loadConfig();
  const config: Config = { ...baseConfig, TEMPORAL_TASK_QUEUE: deps.taskQueue };
  const store = deps.store ?? createPrismaStore(deps.db);
  const appDeps: AppDeps = {
    temporal: deps.temporal,
    db: deps.db,
    config,
    log: deps.log ?? pino({ level: 'silent' }),
    store,
    // Neither is used by the koppeling handler; present only to satisfy AppDeps.
    auth: { authenticate: async () => undefined },
    idempotency: new MemoryIdempotencyStore(),
  };
  const register = koppelingRegistrar(appDeps);

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
        const existing = await store.findPerson({
          koppelingRef,
          bsnHash: hashBsn(request.persoon.bsn, config.BSN_KEY),
        });
        if (existing) {
          report.skipped.push({ line, koppelingRef, inburgeraarId: existing.inburgeraarId, phase });
          return;
        }
        // The one check of the API's handler that needs the database: predicted here so a dry run
        // finds every row that a real run would reject.
        const coach = await store.getUser(request.coachId);
        if (!coach || coach.role !== 'coach' || !coach.active) {
          report.rejected.push({
            line,
            koppelingRef,
            issues: [{ field: 'coachId', reason: 'no active coach with this id' }],
          });
          return;
        }
        report.imported.push({ line, koppelingRef, phase });
        return;
      }
      const { inburgeraarId, created } = await register(request);
      (created ? report.imported : report.skipped).push({ line, koppelingRef, inburgeraarId, phase });
    } catch (err) {
      if (err instanceof HttpError && err.status < 500)
        report.rejected.push({ line, koppelingRef, issues: issuesFromHttp(err) });
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
