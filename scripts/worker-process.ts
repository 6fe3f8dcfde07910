/**
 * The worker as a process of its own beside the API (`npm start`): `worker/main.ts` forked with the
 * worker's Node flags (worker/node-flags.ts), as it runs in production (`npm run worker`, the
 * chart's worker Deployment). A crash of the worker
 * no longer stops the API, and the API's requests and the worker's tasks do not share one
 * JavaScript thread (on 6 December 2026 that made no measurable difference to coach latencies:
 * bench/README.md, table of changes). Its output goes to this process's. It is started again when
 * it stops on its own (a crash: Temporal hands its tasks to the next worker that polls, so nothing
 * is lost), after 1 s, doubling up to 30 s while it keeps failing within a minute of starting; not
 * once this process got SIGINT or SIGTERM (Ctrl-C in a terminal reaches the worker too, and it
 * stops by itself). `stop()` sends SIGTERM (the worker lets running activities finish) and after
 * 20 s SIGKILL.
 */
import { type ChildProcess, fork } from 'node:child_process';
import path from 'node:path';
import type { Logger } from '../config/logger';
import { WORKER_NODE_FLAGS } from '../worker/node-flags';
import { REPO_ROOT } from './temporal-binaries';

export interface WorkerProcess {
  /** Resolves when the first worker reported it polls; rejects if it exited before that. */
  readonly ready: Promise<void>;
  stop(): Promise<void>;
}

export interface WorkerProcessOptions {
  log: Logger;
}

const ENTRY = path.join(REPO_ROOT, 'worker', 'main.ts');
/** The first restart delay; it doubles up to the second while the worker keeps failing. */
const FIRST_DELAY_MS = 1_000;
const MAX_DELAY_MS = 30_000;
/** A worker that ran this long before it stopped starts again after the first delay. */
const STABLE_MS = 60_000;
/** After SIGTERM, how long the worker may take to finish running activities before SIGKILL. */
const KILL_AFTER_MS = 20_000;

export function startWorkerProcess(o: WorkerProcessOptions): WorkerProcess {
  let delay = FIRST_DELAY_MS;
  let child: ChildProcess | undefined;
  let stopping = false;
  let restartTimer: NodeJS.Timeout | undefined;
  let markReady: () => void = () => {};
  let failFirst: (err: Error) => void = () => {};
  let first = true;
  const ready = new Promise<void>((resolve, reject) => {
    markReady = resolve;
    failFirst = reject;
  });

  const spawn = () => {
    const startedAt = Date.now();
    const proc = fork(ENTRY, [], {
      cwd: REPO_ROOT,
      execArgv: [...WORKER_NODE_FLAGS],
      // Migrated already by `npm start`.
      env: { ...process.env, DATABASE_MIGRATE_ON_START: 'false' },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    child = proc;
    proc.on('message', (m: { ready?: boolean }) => {
      if (!m?.ready) return;
      if (first) {
        first = false;
        markReady();
      } else o.log.info({ pid: proc.pid }, 'worker process running again');
    });
    proc.once('exit', (code, signal) => {
      if (child === proc) child = undefined;
      if (stopping) return;
      if (first) {
        first = false;
        failFirst(new Error(`the worker process exited before it ran (code ${code}, signal ${signal})`));
        return;
      }
      delay = Date.now() - startedAt > STABLE_MS ? FIRST_DELAY_MS : delay;
      o.log.error({ code, signal, restartInMs: delay }, 'worker process stopped; starting it again');
      restartTimer = setTimeout(() => {
        restartTimer = undefined;
        if (!stopping) spawn();
      }, delay);
      delay = Math.min(delay * 2, MAX_DELAY_MS);
    });
  };
  spawn();
  // This process is being stopped: a worker exiting now is part of that, not a crash.
  const onSignal = () => {
    stopping = true;
    if (restartTimer) clearTimeout(restartTimer);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  return {
    ready,
    async stop() {
      onSignal();
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      const proc = child;
      if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
      proc.kill('SIGTERM');
      const kill = setTimeout(() => proc.kill('SIGKILL'), KILL_AFTER_MS);
      await exited;
      clearTimeout(kill);
    },
  };
}
