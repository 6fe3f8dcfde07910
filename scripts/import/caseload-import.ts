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
 * Backpressure: the import is intake like any koppeling, admitted only while the worker keeps up
 * (application/admission.ts, the same count in the database that the API processes read). A row
 * refused as busy changed nothing; the import waits the Retry-After it was given, halves the rows
 * it has in flight and tries that row again, and grows back by one row in flight after as many
 * rows accepted in a row as it has in flight (additive increase, multiplicative decrease). So it
 * slows down by itself to the worker's pace, and every row is still registered exactly once (a
 * row is either refused and retried, or registered; a retry of a registered person starts
 * nothing). A row that stays refused longer than `maxBusyWaitMs` is reported as failed (run the
 * import again later).
 *
 * Dependencies are passed in (`{ db, temporal, taskQueue }`), so a test runs it against the real
 * dev server and its own SQLite database; the CLI (scripts/import-caseload.ts) wires production.
 * `options.register` sends the rows elsewhere, e.g. through the API (./api-registrar.ts).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Client } from '@temporalio/client';
import type { Logger } from 'pino';
import { admissionSettings, createIntakeAdmission, IntakeBusyError } from '../../application/admission';
import { ApplicationError, InvalidInputError } from '../../application/errors';
import type { Actor } from '../../application/ports';
import { checkKoppeling, registerKoppeling } from '../../application/register-koppeling';
import { temporalTrajectories } from '../../application/temporal';
import { createTrajectoryStarts, trajectoryStartSettings } from '../../application/trajectory-starts';
import { prismaAuditStore } from '../../api/store/audit';
import { prismaPendingStarts } from '../../api/store/pending-starts';
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
  /** Where failed trajectory starts are logged (ids only); default nowhere. */
  log?: Pick<Logger, 'warn' | 'error'>;
}

const silentLog: Pick<Logger, 'warn' | 'error'> = { warn: () => undefined, error: () => undefined };

export interface ImportOptions {
  /** Validate and look up only: start nothing, write nothing. */
  dryRun?: boolean;
  /** Rows processed at the same time (each is a few database calls and one workflow start). */
  concurrency?: number;
  /** Called after each row (for the progress bar). */
  onProgress?: (done: number, total: number) => void;
  /**
   * Registers one row; throws IntakeBusyError when intake is busy. Default: in this process, on
   * `deps` (application/register-koppeling.ts with the admission of `deps.config`).
   */
  register?: KoppelingRegistrar;
  /** A row refused as busy for longer than this is reported as failed (default 10 minutes). */
  maxBusyWaitMs?: number;
}

/** Registers one koppeling somewhere (in process, or through the API). */
export type KoppelingRegistrar = (
  request: KoppelingRequest,
) => Promise<{ inburgeraarId: string; created: boolean }>;

/** What backpressure did to the import. */
export interface ThrottleReport {
  /** Refusals as busy (503 / 429 through the API) that were waited out and retried. */
  refusals: number;
  /** Seconds spent waiting because of them (all rows in flight together, not summed). */
  waitedSeconds: number;
  /** The fewest rows in flight the import went down to. */
  minConcurrency: number;
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
  throttle: ThrottleReport;
  /**
   * Imported rows whose trajectory could not be started yet (Temporal unreachable): they are
   * stored, and a running API starts them (its sweep, TRAJECTORY_START_SWEEP_SECONDS).
   */
  startsPending: number;
}

/** The import acts as this user in the audit trail (koppelingen are COA's role in the API). */
const IMPORT_ACTOR: Actor = { userId: 'caseload-import', role: 'coa', partnerId: null };

/**
 * Runs `work` over `items` with at most `limit` at a time, in input order of starting; fewer while
 * `throttle` says so (lane i takes a row only while i < throttle.concurrency and no pause runs).
 */
async function forEachLimited<T>(
  items: readonly T[],
  limit: number,
  throttle: AdaptiveThrottle,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, async (_, lane) => {
    while (next < items.length) {
      await throttle.turn(lane, () => next >= items.length);
      if (next >= items.length) break;
      await work(items[next++]!);
    }
  });
  await Promise.all(lanes);
}

/** Additive increase, multiplicative decrease of the rows in flight, and the pause of a Retry-After. */
export class AdaptiveThrottle {
  concurrency: number;
  private pauseUntil = 0;
  private acceptedSinceChange = 0;
  private waitedMs = 0;
  private waitingSince: number | undefined;
  readonly report: ThrottleReport;

  constructor(private readonly max: number) {
    this.concurrency = max;
    this.report = { refusals: 0, waitedSeconds: 0, minConcurrency: max };
  }

  /** Resolves when `lane` may take its next row, or when `finished()` says there is none left. */
  async turn(lane: number, finished: () => boolean): Promise<void> {
    while (!finished()) {
      const pause = this.pauseUntil - Date.now();
      if (pause > 0) await sleep(pause);
      else if (lane >= this.concurrency) await sleep(50);
      else return;
    }
  }

  accepted(): void {
    if (++this.acceptedSinceChange >= this.concurrency && this.concurrency < this.max) {
      this.concurrency += 1;
      this.acceptedSinceChange = 0;
    }
  }

  /** A refusal as busy: pause everyone for `retryAfterSeconds` (with jitter), halve the lanes. */
  busy(retryAfterSeconds: number): number {
    this.report.refusals += 1;
    this.concurrency = Math.max(1, Math.floor(this.concurrency / 2));
    this.report.minConcurrency = Math.min(this.report.minConcurrency, this.concurrency);
    this.acceptedSinceChange = 0;
    // Jitter (up to +25%) keeps several importers, or lanes, from coming back in the same instant.
    const waitMs = retryAfterSeconds * 1000 * (1 + Math.random() * 0.25);
    const now = Date.now();
    const until = Math.max(this.pauseUntil, now + waitMs);
    this.waitedMs += until - Math.max(this.pauseUntil, now);
    this.report.waitedSeconds = Math.round(this.waitedMs) / 1000;
    this.pauseUntil = until;
    return waitMs;
  }
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
  const people = prismaPersonStore(deps.db);
  const pendingStarts = prismaPendingStarts(deps.db);
  const trajectories = temporalTrajectories(deps.temporal, deps.taskQueue);
  // The import starts its rows' trajectories itself, apart from registering them, as the API does
  // (application/trajectory-starts.ts); what it cannot start now, an API process's sweep starts.
  const starts = createTrajectoryStarts(
    { pending: pendingStarts, trajectories, log: deps.log ?? silentLog },
    trajectoryStartSettings(config),
  );
  const ports = {
    people,
    users: prismaUserStore(deps.db),
    audit: prismaAuditStore(deps.db),
    trajectories,
    starts,
    admission: createIntakeAdmission(people, admissionSettings(config)),
    config,
  };
  const register: KoppelingRegistrar =
    options.register ?? ((request) => registerKoppeling(ports, IMPORT_ACTOR, request));
  const maxBusyWaitMs = options.maxBusyWaitMs ?? 10 * 60_000;
  const concurrency = options.concurrency ?? 4;
  const throttle = new AdaptiveThrottle(concurrency);

  const records = readCsv(csvText);
  const report: ImportReport = {
    dryRun: Boolean(options.dryRun),
    total: records.length,
    imported: [],
    skipped: [],
    rejected: [],
    failed: [],
    throttle: throttle.report,
    startsPending: 0,
  };
  let done = 0;
  const progress = () => options.onProgress?.(++done, records.length);

  /** Registers the row, waiting out and retrying refusals as busy (they changed nothing). */
  const registerBusyAware = async (request: KoppelingRequest) => {
    const firstRefusal = Date.now();
    for (;;) {
      try {
        const result = await register(request);
        throttle.accepted();
        return result;
      } catch (err) {
        if (!(err instanceof IntakeBusyError) || Date.now() - firstRefusal > maxBusyWaitMs) throw err;
        await sleep(throttle.busy(err.retryAfterSeconds));
      }
    }
  };

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

  await forEachLimited(valid, concurrency, throttle, async ({ line, request }) => {
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
      const { inburgeraarId, created } = await registerBusyAware(request);
      (created ? report.imported : report.skipped).push({ line, koppelingRef, inburgeraarId, phase });
    } catch (err) {
      // Still busy after maxBusyWaitMs: the row is fine, the service was not ready (run again).
      if (err instanceof ApplicationError && !(err instanceof IntakeBusyError))
        report.rejected.push({ line, koppelingRef, issues: issuesOf(err) });
      else
        report.failed.push({ line, koppelingRef, error: err instanceof Error ? err.message : String(err) });
    } finally {
      progress();
    }
  });

  // Every imported row's start tried before the import ends; those that failed stay pending.
  await starts.drain();
  await starts.stop();
  if (starts.counts.failed > 0) {
    const ids = report.imported.flatMap((row) => (row.inburgeraarId ? [row.inburgeraarId] : []));
    for (let i = 0; i < ids.length; i += 500)
      report.startsPending += await deps.db.pendingStart.count({
        where: { inburgeraarId: { in: ids.slice(i, i + 500) } },
      });
  }

  // Workers finish out of order; the report reads top to bottom like the file.
  for (const list of [report.imported, report.skipped, report.rejected, report.failed])
    list.sort((a, b) => a.line - b.line);
  return report;
}
