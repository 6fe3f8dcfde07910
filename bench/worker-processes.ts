/**
 * The benchmark's worker processes, for the rows that put the raw SDK's worker beside the
 * service's (side-by-side.ts, memory-bench.ts): each is forked with tsx and the memory probe
 * (memory-probe.ts), so its memory can be read after a full garbage collection in every thread.
 */
import { type ChildProcess, fork } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { REPO_ROOT } from '../scripts/temporal-binaries';
import { WORKER_NODE_FLAGS } from '../worker/node-flags';
import type { MemorySample } from './memory-probe';

/**
 * Node options of a probed worker process: tsx, `global.gc`, and the probe in every thread; both
 * sides, the raw SDK's worker too, with the service's workflow-thread preload (worker/node-flags.ts:
 * no per-promise stack traces), so that the ratios compare the same SDK settings.
 */
const PROBED_EXEC_ARGV = [
  '--expose-gc',
  '--require',
  'tsx/cjs',
  '--require',
  require.resolve('./memory-probe'),
  ...WORKER_NODE_FLAGS,
];

/** VmRSS of a process, MB (as it is, without a GC first: see probeMemory for that). */
export function rssMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]);
  return kb / 1024;
}

/** Forks a TypeScript entry point with tsx and the memory probe; its output goes to `logFile`. */
export function forkTs(entry: string, env: Record<string, string>, logFile: string): ChildProcess {
  const out = fs.openSync(logFile, 'a');
  return fork(entry, [], {
    execPath: process.execPath,
    // BENCH_CPU_PROF_DIR=<dir>: each worker process writes a V8 CPU profile there (for a profile of
    // one side, not for figures: profiling slows the process down). BENCH_WORKER_NODE_FLAGS: more
    // Node flags for every worker process, e.g. `--trace-gc` (not allowed in NODE_OPTIONS).
    execArgv: [
      ...PROBED_EXEC_ARGV,
      ...(process.env.BENCH_WORKER_NODE_FLAGS?.split(/\s+/).filter(Boolean) ?? []),
      ...(process.env.BENCH_CPU_PROF_DIR
        ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF_DIR}`]
        : []),
    ],
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', out, out, 'ipc'],
  });
}

export interface ServiceWorkerOptions {
  temporalAddress: string;
  taskQueue: string;
  databaseUrl: string;
  /** A prebuilt workflow bundle (WORKFLOW_BUNDLE_PATH). */
  bundlePath: string;
  logFile: string;
  logLevel: string;
  /** More configuration (the worker's sizing, SMTP_URL). */
  env?: Record<string, string>;
}

/** What every process of the service under test gets: test mode, its database (migrated already), its Temporal. */
export const serviceProcessEnv = (o: {
  databaseUrl: string;
  temporalAddress: string;
  taskQueue: string;
  logLevel: string;
}): Record<string, string> => ({
  NODE_ENV: 'test',
  LOG_LEVEL: o.logLevel,
  DATABASE_URL: o.databaseUrl,
  DATABASE_MIGRATE_ON_START: 'false',
  TEMPORAL_ADDRESS: o.temporalAddress,
  TEMPORAL_TASK_QUEUE: o.taskQueue,
});

/**
 * The service's worker (`worker/main.ts`) as a probed process of its own on an app database that
 * is migrated already; `ready` resolves once it polls (it reports `{ ready }` over IPC) and rejects
 * if it exits before that or is not ready within 120 s.
 */
export function forkServiceWorker(o: ServiceWorkerOptions): { child: ChildProcess; ready: Promise<void> } {
  const child = forkTs(
    path.join(REPO_ROOT, 'worker', 'main.ts'),
    {
      ...o.env,
      ...serviceProcessEnv(o),
      WORKFLOW_BUNDLE_PATH: o.bundlePath,
      METRICS_PORT: '0',
    },
    o.logFile,
  );
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`the service worker did not start within 120 s: see ${o.logFile}`)),
      120_000,
    );
    child.on('message', (m: { ready?: boolean }) => {
      if (!m?.ready) return;
      clearTimeout(timer);
      resolve();
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the service worker exited with ${code}: see ${o.logFile}`));
    });
  });
  return { child, ready };
}

export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

let probeIds = 0;

/**
 * The memory of a probed worker process after a full collection in each of its threads: VmRSS and
 * the V8 heap per thread. With `snapshotDir`, each worker thread also writes a heap snapshot there.
 */
export function probeMemory(child: ChildProcess, snapshotDir?: string): Promise<MemorySample> {
  const id = ++probeIds;
  return new Promise<MemorySample>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.off('message', onMessage);
      reject(new Error(`memory probe ${id}: no answer from process ${child.pid}`));
    }, 180_000);
    const onMessage = (m: { memoryProbe?: number; sample?: MemorySample }) => {
      if (m.memoryProbe !== id || !m.sample) return;
      clearTimeout(timer);
      child.off('message', onMessage);
      resolve(m.sample);
    };
    child.on('message', onMessage);
    child.send({ memoryProbe: id, snapshotDir });
  });
}

/** The heap of the thread that runs the workflows (the largest worker thread), bytes. */
export function workflowThreadHeap(sample: MemorySample): number {
  return Math.max(0, ...sample.threads.map((t) => t.usedBytes));
}

/** The raw SDK's workflows (raw-workflows.ts) bundled into `workDir`, for raw-worker.ts: its path. */
export async function writeRawBundle(workDir: string): Promise<string> {
  const file = path.join(workDir, 'raw-workflow-bundle.js');
  const { code } = await bundleWorkflowCode({
    workflowsPath: require.resolve('./raw-workflows'),
    logger: { trace() {}, debug() {}, info() {}, warn() {}, error: console.error, log() {} } as never,
  });
  fs.writeFileSync(file, code);
  return file;
}
