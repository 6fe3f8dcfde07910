/**
 * The raw-SDK worker of the side-by-side rows, as its own process (like the service's worker in
 * those rows): the Temporal SDK with its defaults plus the same cache size, slots and polls as the
 * service's worker, running bench/raw-workflows.ts from a bundle built ahead of time. Reports each
 * finished `rawStep` to the parent over IPC (batched every 20 ms).
 *
 * Env: TEMPORAL_ADDRESS, TASK_QUEUE, BUNDLE_PATH, MAX_CACHED, WFT_SLOTS, ACTIVITY_SLOTS,
 * NONSTICKY_POLL_RATIO (the service's WORKER_NONSTICKY_POLL_RATIO: both poll alike).
 */
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';

async function main(): Promise<void> {
  const env = (name: string): string => {
    const value = process.env[name];
    if (!value) throw new Error(`${name} is not set`);
    return value;
  };
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const connection = await NativeConnection.connect({ address: env('TEMPORAL_ADDRESS') });
  let done = 0;
  const flush = setInterval(() => {
    if (done > 0) {
      process.send?.({ done });
      done = 0;
    }
  }, 20);
  const worker = await Worker.create({
    connection,
    taskQueue: env('TASK_QUEUE'),
    workflowBundle: { codePath: env('BUNDLE_PATH') },
    activities: {
      rawStep: async () => {
        done += 1;
      },
    },
    maxCachedWorkflows: Number(env('MAX_CACHED')),
    maxConcurrentWorkflowTaskExecutions: Number(env('WFT_SLOTS')),
    maxConcurrentActivityTaskExecutions: Number(env('ACTIVITY_SLOTS')),
    nonStickyToStickyPollRatio: Number(env('NONSTICKY_POLL_RATIO')),
  });
  process.send?.({ ready: true });
  await worker.run();
  clearInterval(flush);
  await connection.close();
}

main().catch((err: unknown) => {
  process.stderr.write(`raw worker failed: ${String(err)}\n`);
  process.exit(1);
});
