/**
 * The worker: runs the trajectory workflows, the notification delivery workflow and their
 * activities on the configured task queue.
 * `npm run worker` (this file) runs it as a process of its own, as in production, where worker and
 * API scale apart, and as `npm start` runs it beside the API (scripts/worker-process.ts);
 * `startWorker` runs it inside another process (tests, the benchmark's years rows).
 */
import path from 'node:path';
import { Client } from '@temporalio/client';
import { Worker, type WorkerOptions } from '@temporalio/worker';
import { loadConfig, type Config } from '../config/config';
import { createLogger, type Logger } from '../config/logger';
import { createActivities } from '../activities';
import { closeDb, createDb, type Db } from '../prisma/db';
import { migrateDatabase } from '../prisma/migrate';
import { BUNDLER_OPTIONS, WORKFLOWS_PATH } from './bundle';
import { connectWorker } from './connection';
import { createDeliveryTrigger } from './delivery-trigger';
import { WORKFLOW_THREAD_PRELOAD } from './node-flags';
import { createDataConverter } from './payload-codec';
import { installRuntime } from './runtime';
import { ensureSchedules } from './schedules';

export interface RunningWorker {
  worker: Worker;
  /** Settles when the worker has stopped (rejects if it crashed). */
  done: Promise<void>;
  stop(): Promise<void>;
}

export interface StartWorkerOptions {
  config: Config;
  log: Logger;
  db: Db;
  /** Tests pass the bundle built once per run; production bundles `workflows/` at start. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  /** Install or update the retention and clean-up schedules (worker/schedules.ts); default true. */
  schedules?: boolean;
}

/** The workflow code: the bundle given (tests), the prebuilt one configured, or workflows/ bundled now. */
function workflowCode(
  config: Config,
  workflowBundle: WorkerOptions['workflowBundle'],
): Pick<WorkerOptions, 'workflowBundle' | 'workflowsPath' | 'bundlerOptions'> {
  if (workflowBundle) return { workflowBundle };
  if (config.WORKFLOW_BUNDLE_PATH) return { workflowBundle: { codePath: config.WORKFLOW_BUNDLE_PATH } };
  return { workflowsPath: WORKFLOWS_PATH, bundlerOptions: BUNDLER_OPTIONS };
}

export async function startWorker({
  config,
  log,
  db,
  workflowBundle,
  schedules = true,
}: StartWorkerOptions): Promise<RunningWorker> {
  const connection = await connectWorker(config);
  const dataConverter = createDataConverter(config);
  const client = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE, dataConverter });
  const delivery = createDeliveryTrigger(client);
  const worker = await Worker.create({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    ...workflowCode(config, workflowBundle),
    activities: createActivities({ db, config, log, delivery }),
    dataConverter,
    // Sizing (config WORKER_*; why these values: workflows/README.md "Worker sizing").
    maxCachedWorkflows: config.WORKER_MAX_CACHED_WORKFLOWS,
    maxConcurrentWorkflowTaskExecutions: config.WORKER_WORKFLOW_TASK_SLOTS,
    maxConcurrentActivityTaskExecutions: config.WORKER_ACTIVITY_SLOTS,
    nonStickyToStickyPollRatio: config.WORKER_NONSTICKY_POLL_RATIO,
    // Let a running activity (an e-mail being sent) finish before shutdown; the outbox makes a
    // retry after a hard kill safe anyway.
    shutdownGraceTime: '10 seconds',
  });
  if (schedules) log.info({ schedules: await ensureSchedules(client, config) }, 'schedules installed');
  const done = worker.run().finally(() => connection.close());
  // Delivery runs on its own workflow; start it (or nudge it) now, so what was queued or held
  // while no worker ran goes out without waiting for the next step.
  await delivery.kick(config.TEMPORAL_TASK_QUEUE).catch((err: unknown) => {
    log.warn({ err: (err as Error).message }, 'could not start the delivery workflow; the next step retries');
  });
  log.info({ taskQueue: config.TEMPORAL_TASK_QUEUE, namespace: config.TEMPORAL_NAMESPACE }, 'worker running');
  return {
    worker,
    done,
    async stop() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await done;
    },
  };
}

if (require.main === module) {
  const config = loadConfig();
  const log = createLogger(config, 'worker');
  installRuntime(log, `127.0.0.1:${config.METRICS_PORT}`);
  void (async () => {
    if (config.DATABASE_MIGRATE_ON_START) await migrateDatabase(config.DATABASE_URL);
    const db = createDb(config.DATABASE_URL);
    // Worker.run() shuts down by itself on SIGINT/SIGTERM (the SDK's default shutdown signals).
    const running = await startWorker({ config, log, db });
    // The preload (worker/node-flags.ts) is what leaves the SDK's promise stack traces out.
    const preloaded = process.execArgv.some((a) => a.endsWith(path.basename(WORKFLOW_THREAD_PRELOAD)));
    if (!preloaded && !config.WORKER_WORKFLOW_STACK_TRACES)
      log.warn(
        `started without ${path.basename(WORKFLOW_THREAD_PRELOAD)}: workflow stack traces stay on, which costs CPU on every step; start the worker with the flags of worker/node-flags.ts`,
      );
    else log.info({ workflowStackTraces: config.WORKER_WORKFLOW_STACK_TRACES }, 'workflow stack traces');
    // Started by `npm start` (an IPC channel): say so, and stop when that process is gone.
    if (process.send) {
      process.send({ ready: true });
      process.once('disconnect', () => void running.stop());
    }
    await running.done.finally(() => closeDb(db));
  })().catch((err: unknown) => {
    log.error({ err }, 'worker failed');
    process.exit(1);
  });
}
