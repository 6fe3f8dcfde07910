/**
 * The Node flags every worker process starts with, in one place for the launchers written in
 * TypeScript (`npm start`'s supervisor, the cluster tier, the bench). The image's entry point
 * (deploy/image/entrypoint.sh) and package.json's `worker` script give the same flags;
 * test/workflow/stack-traces.test.ts checks that they do.
 *
 * - `--require worker/workflow-thread-preload.cjs`: reaches the SDK's workflow thread too; without
 *   WORKER_WORKFLOW_STACK_TRACES=true it leaves out the SDK's per-promise stack traces (why: that
 *   file).
 * - `--import tsx`: the TypeScript loader (the project runs its sources as they are).
 */
import path from 'node:path';

export const WORKFLOW_THREAD_PRELOAD = path.join(__dirname, 'workflow-thread-preload.cjs');

export const WORKER_NODE_FLAGS: readonly string[] = ['--require', WORKFLOW_THREAD_PRELOAD, '--import', 'tsx'];
