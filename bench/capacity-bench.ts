/**
 * Capacity rows (issue 10, item 5): N open trajectories created through the real intake path and
 * held open, with the coach's action measured at checkpoints along the way.
 *
 * - A file-backed Temporal dev server of its own (`--db-filename` in the work dir), so the disk its
 *   state takes can be measured; a SQLite app database of its own.
 * - The real worker as a process of its own (`worker/main.ts`, prebuilt bundle, the default sizing
 *   from config: WORKER_MAX_CACHED_WORKFLOWS = 10,000), so its RSS is its own.
 * - Intake through the API (`POST /api/inburgeraars` as the COA, `koppelMany` of api-bench.ts: the
 *   path an import through `scripts/import/api-registrar.ts` takes too, with admission, persoons-
 *   gegevens, the workflow start), waiting out the 503s of admission as a client must. Admission's
 *   bound is raised to twice the koppelingen in flight (INTAKE_MAX_PENDING) so that the rate is the
 *   worker's, not the bound's; the default bound (4) would make lanes sleep a Retry-After second.
 * - At each checkpoint (1k, 5k, 10k, 20k... up to N) intake stops until the worker has written every
 *   trajectory's first read-model row; then `actions` coach actions (`planBredeIntake` through the
 *   API, 8 in flight) on trajectories drawn at random from all open ones, so beyond the cache size
 *   some of them have been evicted and are replayed first. Rows per checkpoint: p50/p95/p99 and
 *   their ratio to the first checkpoint's ("normal latency", same run), p99 of the actions on
 *   trajectories created before the last cache-size ones (likely evicted), the worker's RSS, the
 *   disk (app database, dev server database, their WAL files), elapsed time and creation rate.
 *
 * Only these rows, without the rest of the bench:
 *   npx tsx bench/capacity-bench.ts 20000 [/path/to/result.json]
 * With another worker cache size than the default: BENCH_WORKER_MAX_CACHED_WORKFLOWS=2000 before it.
 */
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Logger } from 'pino';
import { createLogger } from '../config/logger';
import { loadConfig } from '../config/config';
import { addDays, localDate } from '../domain/dates';
import { startDevServer, type RunningDevServer } from '../scripts/temporal-server';
import { bundleWorkflows } from '../worker/bundle';
import { koppelMany } from './api-bench';
import { Report } from './report';
import { forkServiceWorker, rssMb, stopChild } from './worker-processes';
import { BENCH_RATE_LIMITS, call, startStack, type Stack } from './stack';
import { latencies, nowMs, percentile, pool, waitUntil, runAsScript } from './stats';

export interface CapacityOptions {
  /** Open trajectories to reach. */
  people: number;
  workflowCode: string;
  workDir: string;
  log: Logger;
  /** Koppelingen in flight during intake. */
  concurrency?: number;
  /** Coach actions per checkpoint. */
  actions?: number;
  say?: (text: string) => void;
  /** Called after each checkpoint's rows (the standalone run writes its JSON file each time). */
  onCheckpoint?: (checkpoints: readonly CapacityCheckpoint[]) => void;
}

/** The checkpoints below N at which the coach's action is measured; N itself is always one. */
const CHECKPOINTS = [1_000, 5_000, 10_000, 20_000, 50_000];
const COACHES_IN_FLIGHT = 8;
const MB = 1024 * 1024;

export function checkpointsFor(people: number): number[] {
  return [...CHECKPOINTS.filter((c) => c < people), people];
}

/** Bytes of a SQLite database with its -wal and -shm files, each. */
function sqliteBytes(file: string): { db: number; wal: number } {
  const size = (f: string) => (fs.existsSync(f) ? fs.statSync(f).size : 0);
  return { db: size(file), wal: size(`${file}-wal`) + size(`${file}-shm`) };
}

export interface CapacityCheckpoint {
  open: number;
  elapsedSeconds: number;
  createdPerSecond: number;
  actie: { n: number; errors: number; p50: number; p95: number; p99: number; evictedP99: number };
  workerRssMb: number;
  devServerRssMb: number;
  benchRssMb: number;
  disk: { appDbMb: number; appWalMb: number; temporalDbMb: number; temporalWalMb: number };
}

/** `n` coach actions on random open trajectories, 8 in flight; latencies of the 200s. */
async function coachActions(stack: Stack, ids: readonly string[], n: number, cacheSize: number) {
  const today = localDate(Date.now());
  const picks = Array.from({ length: n }, () => Math.floor(Math.random() * ids.length));
  const all: number[] = [];
  const evicted: number[] = [];
  let errors = 0;
  await pool(picks, COACHES_IN_FLIGHT, async (index, i) => {
    const r = await call(
      stack.apiUrl,
      'POST',
      `/api/inburgeraars/${ids[index]!}/acties/planBredeIntake`,
      stack.users.coach.key,
      { plannedDate: addDays(today, 10 + (i % 20)) },
    ).catch(() => undefined);
    if (r?.status !== 200) {
      errors += 1;
      return;
    }
    all.push(r.ms);
    // Created before the last `cacheSize` ones: evicted unless an earlier action brought it back.
    if (index < ids.length - cacheSize) evicted.push(r.ms);
  });
  const l = latencies(all);
  return {
    n: all.length,
    errors,
    p50: l.p50,
    p95: l.p95,
    p99: percentile(all, 99),
    evictedP99: percentile(evicted, 99),
  };
}

export async function runCapacity(report: Report, o: CapacityOptions): Promise<CapacityCheckpoint[]> {
  const say = o.say ?? (() => undefined);
  const concurrency = o.concurrency ?? 16;
  const actions = o.actions ?? 400;
  const dir = path.join(o.workDir, 'capacity');
  fs.mkdirSync(dir, { recursive: true });
  const temporalDb = path.join(dir, 'temporal.db');
  const appDb = path.join(dir, 'app.db');
  const bundleFile = path.join(dir, 'workflow-bundle.js');
  const workerLog = path.join(dir, 'worker.log');
  fs.writeFileSync(bundleFile, o.workflowCode);
  // The worker's default sizing; BENCH_WORKER_MAX_CACHED_WORKFLOWS tries another cache size.
  const sizing = loadConfig(
    process.env.BENCH_WORKER_MAX_CACHED_WORKFLOWS
      ? { WORKER_MAX_CACHED_WORKFLOWS: process.env.BENCH_WORKER_MAX_CACHED_WORKFLOWS }
      : {},
  );
  const taskQueue = `capacity-${process.pid}`;
  const intakeMaxPending = String(2 * concurrency);

  let server: RunningDevServer | undefined;
  let stack: Stack | undefined;
  let worker: ChildProcess | undefined;
  const checkpoints: CapacityCheckpoint[] = [];
  const t0 = nowMs();
  let peakWorkerRss = 0;
  const rssTimer = setInterval(() => {
    if (worker?.pid && worker.exitCode === null) peakWorkerRss = Math.max(peakWorkerRss, rssMb(worker.pid));
  }, 2_000);
  rssTimer.unref();
  try {
    server = await startDevServer({
      headless: true,
      dbFilename: temporalDb,
      logFile: path.join(dir, 'temporal-dev-server.log'),
    });
    stack = await startStack({
      databaseUrl: `file:${appDb}`,
      temporalAddress: server.address,
      taskQueue,
      workflowCode: o.workflowCode,
      log: o.log,
      env: { ...BENCH_RATE_LIMITS, INTAKE_MAX_PENDING: intakeMaxPending },
      inProcessWorker: false,
    });
    const capacityWorker = forkServiceWorker({
      temporalAddress: server.address,
      taskQueue,
      databaseUrl: `file:${appDb}`,
      bundlePath: bundleFile,
      logFile: workerLog,
      logLevel: 'warn',
      env: {
        // The defaults, stated: the cache size is what this row is about.
        WORKER_MAX_CACHED_WORKFLOWS: String(sizing.WORKER_MAX_CACHED_WORKFLOWS),
        WORKER_WORKFLOW_TASK_SLOTS: String(sizing.WORKER_WORKFLOW_TASK_SLOTS),
        WORKER_ACTIVITY_SLOTS: String(sizing.WORKER_ACTIVITY_SLOTS),
      },
    });
    worker = capacityWorker.child;
    await capacityWorker.ready;
    const readModelRows = () => stack!.db.trajectoryReadModel.count();
    const warm = await koppelMany(stack, 10, 4);
    if (!(await waitUntil(async () => (await readModelRows()) >= 10, 180_000, 200)))
      throw new Error(`the capacity worker did not complete the warm-up: see ${workerLog}`);
    const ids: string[] = [...warm.ids];
    report.add(
      'capacity: setup (file-backed dev server, API, worker process, warm-up 10)',
      (nowMs() - t0) / 1000,
      's',
    );
    const setupAt = nowMs();

    let created = ids.length;
    /** Seconds spent creating (intake until written), without the checkpoints' measurements. */
    let creatingSeconds = 0;
    for (const target of checkpointsFor(o.people)) {
      const segmentStart = nowMs();
      const toCreate = target - created;
      if (toCreate > 0) {
        // In slices, so progress shows and a slow stretch is visible in the log.
        for (let done = 0; done < toCreate;) {
          const n = Math.min(1_000, toCreate - done);
          const batch = await koppelMany(stack, n, concurrency);
          ids.push(...batch.ids);
          done += n;
          say(
            `  capacity: ${created + done}/${o.people} accepted, ${((created + done - 10) / (creatingSeconds + (nowMs() - segmentStart) / 1000)).toFixed(1)}/s overall, worker RSS ${rssMb(worker.pid!).toFixed(0)} MB`,
          );
        }
      }
      const completed = await waitUntil(async () => (await readModelRows()) >= target, 600_000, 500);
      if (!completed)
        report.note(`capacity: the read model did not reach ${target} rows 10 min after intake`);
      const segmentSeconds = (nowMs() - segmentStart) / 1000;
      creatingSeconds += segmentSeconds;
      created = target;

      const actie = await coachActions(stack, ids, actions, sizing.WORKER_MAX_CACHED_WORKFLOWS);
      const app = sqliteBytes(appDb);
      const temporal = sqliteBytes(temporalDb);
      const cp: CapacityCheckpoint = {
        open: target,
        elapsedSeconds: (nowMs() - setupAt) / 1000,
        createdPerSecond: toCreate / segmentSeconds,
        actie,
        workerRssMb: rssMb(worker.pid!),
        devServerRssMb: rssMb(server.process.pid!),
        benchRssMb: process.memoryUsage().rss / MB,
        disk: {
          appDbMb: app.db / MB,
          appWalMb: app.wal / MB,
          temporalDbMb: temporal.db / MB,
          temporalWalMb: temporal.wal / MB,
        },
      };
      peakWorkerRss = Math.max(peakWorkerRss, cp.workerRssMb);
      checkpoints.push(cp);
      const first = checkpoints[0]!;
      const at = `capacity: ${target.toLocaleString('en-US')} open`;
      say(
        `${at}: actie p50/p95/p99 ${actie.p50.toFixed(0)}/${actie.p95.toFixed(0)}/${actie.p99.toFixed(0)} ms, worker RSS ${cp.workerRssMb.toFixed(0)} MB, ` +
          `disk app ${(cp.disk.appDbMb + cp.disk.appWalMb).toFixed(0)} MB temporal ${(cp.disk.temporalDbMb + cp.disk.temporalWalMb).toFixed(0)} MB, ${cp.createdPerSecond.toFixed(1)}/s`,
      );
      report.add(`${at}: created per second (this stretch, until written)`, cp.createdPerSecond, '/s');
      report.add(`${at}: elapsed since setup`, cp.elapsedSeconds, 's');
      report.add(
        `${at}: coach action p50 (n=${actie.n}, ${COACHES_IN_FLIGHT} in flight, random open)`,
        actie.p50,
        'ms',
      );
      report.add(`${at}: coach action p95`, actie.p95, 'ms');
      report.add(`${at}: coach action p99`, actie.p99, 'ms');
      if (Number.isFinite(actie.evictedP99))
        report.add(`${at}: coach action p99 on trajectories older than the cache`, actie.evictedP99, 'ms');
      if (actie.errors > 0) report.note(`${at}: ${actie.errors} coach actions not answered 200`);
      if (cp !== first) {
        const last = target === o.people;
        report.add(`${at}: coach action p50 / at ${first.open}`, actie.p50 / first.actie.p50, 'x');
        report.add(
          `${at}: coach action p95 / at ${first.open}`,
          actie.p95 / first.actie.p95,
          'x',
          last ? 'capacity.actieP95Ratio' : undefined,
        );
        report.add(`${at}: coach action p99 / at ${first.open}`, actie.p99 / first.actie.p99, 'x');
      }
      report.add(`${at}: worker RSS`, cp.workerRssMb, 'MB');
      report.add(`${at}: Temporal dev server RSS`, cp.devServerRssMb, 'MB');
      report.add(`${at}: disk, app SQLite (+ WAL)`, cp.disk.appDbMb + cp.disk.appWalMb, 'MB');
      report.add(
        `${at}: disk, Temporal dev server SQLite (+ WAL)`,
        cp.disk.temporalDbMb + cp.disk.temporalWalMb,
        'MB',
      );
      o.onCheckpoint?.(checkpoints);
    }

    const last = checkpoints.at(-1)!;
    const total = (nowMs() - t0) / 1000;
    report.add(`capacity: ${o.people} open, whole run (setup included)`, total, 's');
    report.add(`capacity: ${o.people} open, overall creation rate`, (last.open - 10) / creatingSeconds, '/s');
    report.add('capacity: worker RSS, peak', peakWorkerRss, 'MB');
    report.add(
      'capacity: disk per open trajectory (app + Temporal, with WAL)',
      ((last.disk.appDbMb + last.disk.appWalMb + last.disk.temporalDbMb + last.disk.temporalWalMb) * 1024) /
        last.open,
      'KB',
    );
    report.note(
      `capacity: INTAKE_MAX_PENDING ${intakeMaxPending} for these rows (2 x ${concurrency} koppelingen in flight), worker cache ${sizing.WORKER_MAX_CACHED_WORKFLOWS}, ${sizing.WORKER_WORKFLOW_TASK_SLOTS} workflow-task slots; 1-min load average ${os.loadavg()[0]!.toFixed(2)} at the end`,
    );
    return checkpoints;
  } finally {
    clearInterval(rssTimer);
    if (worker) await stopChild(worker);
    await stack?.close();
    await server?.stop();
  }
}

/** `npx tsx bench/capacity-bench.ts N [result.json]`: only these rows. */
if (require.main === module) {
  runAsScript('capacity bench', async () => {
    const people = Number(process.argv[2] ?? 1000);
    if (!Number.isInteger(people) || people < 20)
      throw new Error('expected the number of trajectories (>= 20)');
    const out = process.argv[3];
    const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'inburgering-capacity-'));
    const report = new Report();
    const startedAt = new Date();
    const load = os.loadavg()[0]!;
    report.note(`machine: ${os.cpus().length} cores, 1-min load average ${load.toFixed(2)} at the start`);
    const t0 = nowMs();
    const say = (text: string) =>
      process.stderr.write(`[capacity ${((nowMs() - t0) / 1000).toFixed(0).padStart(5)}s] ${text}\n`);
    const write = (checkpoints: readonly CapacityCheckpoint[]) => {
      if (out)
        report.write(path.resolve(out), {
          startedAt: startedAt.toISOString(),
          options: { capacity: people },
          machine: {
            cpus: os.cpus().length,
            memoryGb: os.totalmem() / 1024 ** 3,
            node: process.version,
            loadAverageAtStart: load,
            loadAverageNow: os.loadavg()[0],
          },
          checkpoints,
        });
    };
    try {
      say('bundling the workflow code');
      const bundle = await bundleWorkflows();
      const checkpoints = await runCapacity(report, {
        people,
        workflowCode: bundle.code,
        workDir,
        log: createLogger({ LOG_LEVEL: 'error' }, 'bench'),
        say,
        onCheckpoint: write,
      });
      process.stdout.write(`${report.toText()}\n`);
      for (const n of report.notes) process.stdout.write(`note: ${n}\n`);
      write(checkpoints);
    } finally {
      fs.rmSync(workDir, { recursive: true, force: true });
    }
  });
}
