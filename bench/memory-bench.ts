/**
 * Worker memory per cached workflow, the service's worker beside the raw SDK's, in one run:
 *
 *   npx tsx bench/memory-bench.ts [--workflows 2000] [--concurrency 16] [--snapshots] [--out FILE]
 *
 * Both workers run as processes of their own, as in the side-by-side rows (side-by-side.ts): the
 * raw SDK's (raw-worker.ts running raw-workflows.ts: one activity, then a long timer) and the
 * service's (worker/main.ts with the prebuilt bundle, fed by the real API in this process), with
 * the same cache size and slots, on one in-memory dev server. Both are forked with the memory
 * probe (memory-probe.ts), so every reading comes after a full garbage collection in each thread:
 * VmRSS of the process, the V8 heap of the workflow thread (the workflows' JavaScript objects) and
 * of the main thread (the SDK's bookkeeping); RSS less both heaps is native memory (the Rust core,
 * buffers, the allocator's pages).
 *
 * Readings: after a warm-up (in no figure), then after each half of `--workflows` per side. Per
 * cached workflow = growth / workflows; the two halves show how straight the line is. The workflow
 * thread's heap is exact at any size; RSS needs a few thousand workflows (at a few hundred, V8
 * handing back heap pages after the collection can outweigh the growth and the figure goes negative). With
 * `--snapshots` each worker's workflow thread writes a heap snapshot at the warm-up reading and at
 * the end (into the temp dir, kept), for comparing with a heap snapshot viewer or
 * `npx tsx bench/heap-diff.ts A B`.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { Command, Option } from 'commander';
import { loadConfig } from '../config/config';
import { createLogger } from '../config/logger';
import { koppelMany } from './api-bench';
import type { MemorySample } from './memory-probe';
import { defaultResultFile, Report } from './report';
import { BENCH_RATE_LIMITS, startDevServerAndBundle, startStack } from './stack';
import { pool, sleep, waitUntil } from './stats';
import {
  forkServiceWorker,
  forkTs,
  probeMemory,
  stopChild,
  workflowThreadHeap,
  writeRawBundle,
} from './worker-processes';

interface Options {
  workflows: number;
  concurrency: number;
  warmup: number;
  snapshots: boolean;
  out?: string;
}

function parseOptions(argv: string[]): Options {
  const int = (min: number, max: number) => (v: string) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min || n > max) throw new Error(`expected an integer ${min}-${max}`);
    return n;
  };
  return new Command()
    .name('npx tsx bench/memory-bench.ts')
    .addOption(
      new Option('--workflows <n>', 'workflows added per side').argParser(int(2, 20_000)).default(2000),
    )
    .addOption(new Option('--concurrency <n>', 'starts in flight').argParser(int(1, 64)).default(16))
    .addOption(
      new Option('--warmup <n>', 'workflows per side before the first reading')
        .argParser(int(1, 500))
        .default(50),
    )
    .option('--snapshots', 'heap snapshots of each workflow thread at the first and last reading', false)
    .option('--out <file>', 'JSON result file (default bench/results/<ISO timestamp>-memory.json)')
    .parse(argv)
    .opts<Options>();
}

interface Reading {
  workflows: number;
  raw: MemorySample;
  service: MemorySample;
}

const KB = 1024;

async function main(): Promise<void> {
  const opts = parseOptions(process.argv);
  const log = createLogger({ LOG_LEVEL: 'error' }, 'bench');
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'inburgering-memory-'));
  const say = (text: string) => process.stderr.write(`[memory] ${text}\n`);
  const report = new Report();
  const load = () =>
    os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ');
  report.note(`machine: ${os.cpus().length} cores, load average ${load()} at the start`);
  const sizing = loadConfig({});

  const { server, bundle } = await startDevServerAndBundle(workDir);
  const rawBundle = await writeRawBundle(workDir);
  const serviceBundle = path.join(workDir, 'service-workflow-bundle.js');
  fs.writeFileSync(serviceBundle, bundle.code);
  const rawQueue = `raw-${process.pid}`;
  const serviceQueue = `memory-${process.pid}`;
  const databaseUrl = `file:${path.join(workDir, 'memory.db')}`;
  const rawClient = new Client({ connection: await Connection.connect({ address: server.address }) });
  const stack = await startStack({
    databaseUrl,
    temporalAddress: server.address,
    taskQueue: serviceQueue,
    workflowCode: bundle.code,
    log,
    env: BENCH_RATE_LIMITS,
    inProcessWorker: false,
  });
  const children: ChildProcess[] = [];
  try {
    let rawDone = 0;
    const raw = forkTs(
      path.join(__dirname, 'raw-worker.ts'),
      {
        TEMPORAL_ADDRESS: server.address,
        TASK_QUEUE: rawQueue,
        BUNDLE_PATH: rawBundle,
        MAX_CACHED: String(sizing.WORKER_MAX_CACHED_WORKFLOWS),
        WFT_SLOTS: String(sizing.WORKER_WORKFLOW_TASK_SLOTS),
        ACTIVITY_SLOTS: String(sizing.WORKER_ACTIVITY_SLOTS),
        NONSTICKY_POLL_RATIO: String(sizing.WORKER_NONSTICKY_POLL_RATIO),
      },
      path.join(workDir, 'raw-worker.log'),
    );
    children.push(raw);
    const rawReady = new Promise<void>((resolve, reject) => {
      raw.on('message', (m: { ready?: boolean; done?: number }) => {
        if (m.ready) resolve();
        if (m.done) rawDone += m.done;
      });
      raw.once('exit', (code) => reject(new Error(`raw worker exited with ${code}`)));
    });
    const serviceWorker = forkServiceWorker({
      temporalAddress: server.address,
      taskQueue: serviceQueue,
      databaseUrl,
      bundlePath: serviceBundle,
      logFile: path.join(workDir, 'service-worker.log'),
      logLevel: 'info',
    });
    const service = serviceWorker.child;
    children.push(service);
    await rawReady;
    await serviceWorker.ready;

    let rawStarted = 0;
    const addRaw = async (n: number) => {
      const target = rawStarted + n;
      await pool(
        Array.from({ length: n }, () => rawStarted++),
        opts.concurrency,
        async (seq) => {
          await rawClient.workflow.start('rawTrajectoryWorkflow', {
            taskQueue: rawQueue,
            workflowId: `raw-${process.pid}-${seq}`,
            args: [seq],
          });
        },
      );
      if (!(await waitUntil(async () => rawDone >= target, 600_000, 50)))
        throw new Error('raw: not all completed');
    };
    let serviceStarted = 0;
    const addService = async (n: number) => {
      serviceStarted += n;
      await koppelMany(stack, n, opts.concurrency);
      const done = await waitUntil(
        async () => (await stack.db.trajectoryReadModel.count()) >= serviceStarted,
        600_000,
        200,
      );
      if (!done) throw new Error('service: not all completed');
    };

    const readings: Reading[] = [];
    const read = async (workflows: number, snapshots: boolean) => {
      await sleep(2000); // let the last completions and the pollers settle
      const dir = snapshots ? workDir : undefined;
      // One process at a time: both collecting at once would compete for the 2 cores.
      const rawSample = await probeMemory(raw, dir);
      const serviceSample = await probeMemory(service, dir);
      readings.push({ workflows, raw: rawSample, service: serviceSample });
      say(
        `${workflows} cached each: raw RSS ${(rawSample.rssBytes / KB / KB).toFixed(1)} MB, service RSS ${(serviceSample.rssBytes / KB / KB).toFixed(1)} MB (load ${load()})`,
      );
    };

    say(`warm-up: ${opts.warmup} per side`);
    await addRaw(opts.warmup);
    await addService(opts.warmup);
    await read(opts.warmup, opts.snapshots);
    const half = Math.floor(opts.workflows / 2);
    for (const [i, n] of [half, opts.workflows - half].entries()) {
      say(`adding ${n} per side`);
      // Alternate which side goes first, so neither always runs on a warmer machine.
      if (i % 2 === 0) {
        await addRaw(n);
        await addService(n);
      } else {
        await addService(n);
        await addRaw(n);
      }
      await read(readings.at(-1)!.workflows + n, opts.snapshots && i === 1);
    }

    const first = readings[0]!;
    const last = readings.at(-1)!;
    const added = last.workflows - first.workflows;
    const per = (a: Reading, b: Reading, side: 'raw' | 'service', f: (s: MemorySample) => number) =>
      (f(b[side]) - f(a[side])) / KB / (b.workflows - a.workflows);
    const rss = (s: MemorySample) => s.rssBytes;
    const thread = (s: MemorySample) => workflowThreadHeap(s);
    const mainHeap = (s: MemorySample) => s.main.usedBytes;
    const threadCommitted = (s: MemorySample) => Math.max(0, ...s.threads.map((t) => t.totalBytes));
    const heapsCommitted = (s: MemorySample) =>
      s.main.totalBytes +
      s.threads.reduce((sum, t) => sum + t.totalBytes + t.externalBytes, s.main.externalBytes);
    const native = (s: MemorySample) => s.rssBytes - heapsCommitted(s);
    for (const side of ['raw', 'service'] as const) {
      const label = side === 'raw' ? 'raw SDK' : 'service';
      report.add(
        `${label}: worker RSS, ${first.workflows} → ${last.workflows} cached`,
        last[side].rssBytes / KB / KB,
        'MB',
      );
      report.add(
        `${label}: RSS per cached workflow`,
        per(first, last, side, rss),
        'KB',
        side === 'service' ? 'memory.perWorkflowKb' : undefined,
      );
      report.add(
        `${label}: RSS per cached workflow, first half / second half`,
        per(first, readings[1]!, side, rss) / per(readings[1]!, last, side, rss),
        'x',
      );
      report.add(
        `${label}: workflow thread V8 heap per cached workflow`,
        per(first, last, side, thread),
        'KB',
      );
      report.add(
        `${label}: workflow thread V8 heap committed per cached workflow`,
        per(first, last, side, threadCommitted),
        'KB',
      );
      report.add(`${label}: main thread V8 heap per cached workflow`, per(first, last, side, mainHeap), 'KB');
      report.add(
        `${label}: RSS less V8 heaps committed (Rust core, allocator) per cached workflow`,
        per(first, last, side, native),
        'KB',
      );
    }
    const ratio = (f: (s: MemorySample) => number) =>
      per(first, last, 'service', f) / per(first, last, 'raw', f);
    report.add('RSS per cached workflow, service/raw', ratio(rss), 'x');
    report.add('workflow thread heap per cached workflow, service/raw', ratio(thread), 'x');
    report.note(`${added} workflows added per side; load average ${load()} at the end`);
    if (opts.snapshots)
      report.note(
        `heap snapshots: ${[...first.raw.threads, ...first.service.threads, ...last.raw.threads, ...last.service.threads].map((t) => t.snapshot).join(' ')}`,
      );

    process.stdout.write(`${report.toText()}\n${report.notes.join('\n')}\n`);
    const file = report.write(opts.out ?? defaultResultFile(__dirname).replace(/\.json$/, '-memory.json'), {
      options: opts,
      readings,
    });
    say(`written: ${file}`);
  } finally {
    for (const child of children) await stopChild(child);
    await stack.close();
    await rawClient.connection.close();
    await server.stop();
    if (!opts.snapshots) fs.rmSync(workDir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(
      `memory bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    process.exit(1);
  },
);
