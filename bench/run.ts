/**
 * `npm run bench`: starts everything it measures itself (in-memory Temporal dev server, the real
 * worker and API on a temp SQLite file, later Temporal's time-skipping test server), on loopback
 * only, runs a bounded number of calls, prints one table and writes it as JSON to
 * bench/results/<ISO timestamp>.json. Stops everything it started and exits 0 (1 on an error,
 * 2 when the whole run exceeded --max-seconds). See bench/README.md.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { createLogger } from '../config/logger';
import { closeDb, createDb } from '../prisma/db';
import type { RunningDevServer } from '../scripts/temporal-server';
import { koppelMany, planIntakes, runActies, runKoppelingen, runLists } from './api-bench';
import { runDomainBench } from './domain-bench';
import { defaultResultFile, Report } from './report';
import {
  BENCH_RATE_LIMITS,
  benchConfig,
  installQuietRuntime,
  startStack,
  type Stack,
  startDevServerAndBundle,
} from './stack';
import { nowMs } from './stats';
import { loadConfig } from '../config/config';
import { runTrajectory } from './trajectory-bench';
import { runOutage } from './outage-bench';
import { runSideBySide, type WorkerSizing } from './side-by-side';
import { runListsAtScale } from './lists-bench';
import { runClusterBench } from './cluster-bench';
import { runBackpressure } from './backpressure-bench';
import { runCapacity } from './capacity-bench';
import { runYears } from './years-bench';
import { startSmtpReceiver, type SmtpReceiver } from '../test/activities/receivers';

interface Options {
  people: number;
  out?: string;
  concurrency: number;
  actieConcurrency: number;
  listCalls: number;
  domainSeconds: number;
  trajectory: boolean;
  maxSeconds: number;
  keep: boolean;
  warmup: number;
  outagePeople: number;
  sidePeople: number;
  sideConcurrency: number[];
  listsSizes: [number, number] | false;
  listsScaleCalls: number;
  cluster: boolean;
  importPeople: number;
  yearsPeople: number;
  capacity: number;
}

const int =
  (min: number, max: number) =>
  (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max)
      throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}`);
    return n;
  };
const sizes = (value: string): [number, number] => {
  const [a, b, ...rest] = value.split(',').map(Number);
  if (rest.length || !Number.isInteger(a) || !Number.isInteger(b) || a! < 1 || b! <= a! || b! > 200_000)
    throw new InvalidArgumentError('expected two whole numbers, small,large (large at most 200000)');
  return [a!, b!];
};
const seconds = (value: string): number => {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || n > 10)
    throw new InvalidArgumentError('expected seconds from 0 to 10');
  return n;
};

function parseOptions(argv: string[]): Options {
  const program = new Command()
    .name('npm run bench --')
    .description('Benchmark of inburgering-regie: domain rules, API, worker memory, a whole trajectory')
    .option('--people <n>', 'trajectories to create through the API', int(1, 2000), 200)
    .option('--out <file>', 'JSON result file (default bench/results/<ISO timestamp>.json)')
    .option(
      '--concurrency <n>',
      'koppelingen in flight (4 = the default of scripts/import-caseload.ts)',
      int(1, 64),
      4,
    )
    .option('--actie-concurrency <n>', 'coach actions in flight (1 = one coach clicking)', int(1, 64), 1)
    .option(
      '--warmup <n>',
      'koppelingen + actions before measuring (JIT, pools; not in any row)',
      int(0, 100),
      10,
    )
    .option(
      '--side-people <n>',
      'workflows per side-by-side row, raw SDK and service each',
      int(10, 20000),
      300,
    )
    .option(
      '--side-concurrency <list>',
      'in-flight levels of the side-by-side rows',
      (v: string) => v.split(',').map((x) => int(1, 256)(x)),
      [4, 16],
    )
    .option(
      '--import-people <n>',
      'rows of the caseload import run beside 8 coach actions (backpressure rows; 5000 for the issue figure, 0 skips)',
      int(0, 100_000),
      200,
    )
    .option(
      '--years-people <n>',
      'trajectories through 3 simulated years on the time-skipping server (1000 for the issue figure, 0 skips)',
      int(0, 10_000),
      20,
    )
    .option(
      '--capacity <n>',
      'open trajectories to create through the API and hold, coach actions measured at 1k/5k/10k/20k/50k and N (0 skips; 20000 takes ~40 min here)',
      int(0, 200_000),
      0,
    )
    .option('--outage-people <n>', 'people per half of the SMTP-outage rows', int(1, 500), 30)
    .option('--list-calls <n>', 'calls per list endpoint', int(1, 1000), 50)
    .option(
      '--lists-sizes <small,large>',
      'read-model sizes of the lists-at-scale rows',
      sizes,
      [1000, 20000],
    )
    .option('--no-lists-sizes', 'skip the lists-at-scale rows')
    .option(
      '--lists-scale-calls <n>',
      'calls per endpoint and size in the lists-at-scale rows (a p95 of 50 calls is the third-slowest, one GC pause moves it)',
      int(20, 5000),
      200,
    )
    .option('--domain-seconds <s>', 'seconds for the domain rules rows', seconds, 1)
    .option('--no-trajectory', 'skip the time-skipping trajectory (no Java needed)')
    .option('--max-seconds <s>', 'hard limit for the whole run', int(30, 86_400), 300)
    .option('--keep', 'keep the temp directory (database, server log)', false)
    .option('--cluster', 'also: the same load on a real Temporal cluster, 1 then 2 worker processes', false)
    .parse(argv);
  return program.opts<Options>();
}

/** The worker's default sizing (config WORKER_*): both workers of the side-by-side rows use it. */
function defaultWorkerSizing(): WorkerSizing {
  const c = loadConfig({});
  return {
    maxCached: c.WORKER_MAX_CACHED_WORKFLOWS,
    workflowTaskSlots: c.WORKER_WORKFLOW_TASK_SLOTS,
    activitySlots: c.WORKER_ACTIVITY_SLOTS,
    nonStickyPollRatio: c.WORKER_NONSTICKY_POLL_RATIO,
  };
}

async function main(): Promise<number> {
  const opts = parseOptions(process.argv);
  const workerSizing = defaultWorkerSizing();
  const startedAt = new Date();
  const t0 = nowMs();
  const log = createLogger({ LOG_LEVEL: 'error' }, 'bench');
  installQuietRuntime(log);
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'inburgering-bench-'));
  const databaseUrl = `file:${path.join(workDir, 'bench.db')}`;
  const report = new Report();
  const say = (text: string) =>
    process.stderr.write(`[bench ${((nowMs() - t0) / 1000).toFixed(1).padStart(5)}s] ${text}\n`);

  let devServer: RunningDevServer | undefined;
  let stack: Stack | undefined;
  let smtp: SmtpReceiver | undefined;
  const cleanup = async () => {
    await stack?.close().catch((err: unknown) => say(`stack close failed: ${String(err)}`));
    stack = undefined;
    await smtp?.close();
    smtp = undefined;
    await devServer?.stop().catch((err: unknown) => say(`dev server stop failed: ${String(err)}`));
    devServer = undefined;
    if (!opts.keep) fs.rmSync(workDir, { recursive: true, force: true });
  };
  const watchdog = setTimeout(() => {
    say(`exceeded --max-seconds ${opts.maxSeconds}: stopping`);
    devServer?.process.kill('SIGKILL');
    void cleanup().finally(() => process.exit(2));
  }, opts.maxSeconds * 1000);
  watchdog.unref();
  const onSignal = () => void cleanup().finally(() => process.exit(130));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  const load = os.loadavg()[0] ?? 0;
  report.note(
    `machine: ${os.cpus().length} cores, 1-min load average ${load.toFixed(2)} at the start (other work on the machine skews every number)`,
  );
  try {
    say(`domain rules (${opts.domainSeconds} s)`);
    runDomainBench(report, opts.domainSeconds);

    say('starting Temporal dev server (in memory) and bundling the workflow code');
    const { server, bundle } = await startDevServerAndBundle(workDir);
    devServer = server;
    say(
      `side by side with the raw SDK: ${opts.sidePeople} workflows per row, ${opts.sideConcurrency.join('/')} in flight`,
    );
    await runSideBySide(report, {
      temporalAddress: server.address,
      serviceBundleCode: bundle.code,
      workDir,
      log,
      people: opts.sidePeople,
      concurrencies: opts.sideConcurrency,
      sizing: workerSizing,
      serverPid: server.process.pid,
    });
    say(`dev server on ${server.address}; starting worker and API`);
    smtp = await startSmtpReceiver();
    stack = await startStack({
      databaseUrl,
      temporalAddress: server.address,
      taskQueue: `bench-${process.pid}`,
      workflowCode: bundle.code,
      log,
      // The abuse limits (per key per minute) would cut the measured load short.
      env: { SMTP_URL: smtp.url, ...BENCH_RATE_LIMITS },
      // As `npm start` runs it: the worker in a process of its own, the API in this one.
      workerProcess: { workDir, logFile: path.join(workDir, 'worker.log') },
    });
    report.add('setup: dev server + bundle + worker + API', (nowMs() - t0) / 1000, 's');

    if (opts.warmup > 0) {
      // JIT, connection pools and the first workflow contexts: not part of any row.
      say(`warm-up: ${opts.warmup} koppelingen + planBredeIntake`);
      const warm = await koppelMany(stack, opts.warmup, opts.concurrency);
      await planIntakes(stack, warm.ids, opts.actieConcurrency);
    }
    say(`${opts.people} koppelingen via ${stack.apiUrl} (concurrency ${opts.concurrency})`);
    const ids = await runKoppelingen(stack, report, opts.people, opts.concurrency, opts.people + opts.warmup);
    say(`planBredeIntake on ${ids.length} trajectories (concurrency ${opts.actieConcurrency})`);
    await runActies(stack, report, ids, opts.actieConcurrency);
    say(`coach actions during an SMTP outage, then with SMTP up (${opts.outagePeople} people each)`);
    await runOutage(stack, report, smtp, opts.outagePeople, opts.actieConcurrency);
    say(`lists, stats, KPIs (${opts.listCalls} calls each)`);
    await runLists(stack, report, opts.people, opts.listCalls);
    if (opts.listsSizes) {
      say(`lists at scale: ${opts.listsSizes.join(' and ')} trajectories seeded in the read model`);
      const o = { temporal: stack.client, temporalAddress: server.address, log, workDir };
      await runListsAtScale(report, { ...o, sizes: opts.listsSizes, calls: opts.listsScaleCalls });
    }

    if (opts.importPeople > 0) await runBackpressure(report, stack, opts.importPeople, say);
    say('stopping API, worker and dev server');
    await stack.close();
    stack = undefined;
    await devServer.stop();
    devServer = undefined;
    if (opts.cluster) await runClusterBench(report, { people: opts.people, say });
    if (opts.capacity > 0) {
      say(`capacity: ${opts.capacity} open trajectories through the API on a file-backed dev server`);
      await runCapacity(report, { people: opts.capacity, workflowCode: bundle.code, workDir, log, say });
    }

    if (opts.trajectory) {
      say('whole B1-route trajectory on the time-skipping server');
      const db = createDb(databaseUrl);
      try {
        await runTrajectory(report, {
          db,
          config: benchConfig(databaseUrl, '127.0.0.1:0', 'unused'),
          log,
          workflowCode: bundle.code,
          workDir,
        });
      } finally {
        await closeDb(db);
      }
      if (opts.yearsPeople > 0) {
        say(`${opts.yearsPeople} trajectories through 3 simulated years on the time-skipping server`);
        await runYears(report, { people: opts.yearsPeople, workflowCode: bundle.code, workDir, log, say });
      }
    } else {
      report.note('trajectory and years rows skipped (--no-trajectory)');
    }
    report.add('total bench wall time', (nowMs() - t0) / 1000, 's');

    const file = path.resolve(opts.out ?? defaultResultFile(__dirname, startedAt));
    report.write(file, {
      startedAt: startedAt.toISOString(),
      options: { ...opts, out: undefined },
      machine: {
        cpus: os.cpus().length,
        cpuModel: os.cpus()[0]?.model ?? '',
        memoryGb: os.totalmem() / 1024 ** 3,
        node: process.version,
        loadAverageAtStart: load,
      },
    });
    process.stdout.write(`\n${report.toText()}\n\n`);
    for (const n of report.notes) process.stdout.write(`note: ${n}\n`);
    const failed = report.failed.length;
    process.stdout.write(
      `${failed === 0 ? 'all goals met' : `${failed} goal(s) not met`}; results written to ${file}\n`,
    );
    return 0;
  } finally {
    clearTimeout(watchdog);
    await cleanup();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(
      `bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    process.exit(1);
  },
);
