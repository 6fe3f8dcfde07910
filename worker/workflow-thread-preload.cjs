// @ts-check
/**
 * Preloaded (`node --require`) into every thread of the worker process, so it also runs in the
 * SDK's workflow thread before that thread installs its hooks. Unless WORKER_WORKFLOW_STACK_TRACES
 * is `true`, it keeps the SDK from installing its promise hook there.
 *
 * Why: to answer the `__stack_trace` query (the Temporal UI's "Stack Trace" tab), the TypeScript
 * SDK 1.24 records a stack trace for every promise a workflow creates: it builds an `Error`,
 * formats its frames and maps each through the bundle's source map. A coach action creates a few
 * dozen promises in the SDK and the trajectory; measured on 6 December 2026 that was about a third
 * of the workflow thread's CPU per action (workflows/README.md, *Worker sizing*). The SDK has
 * no option for it, but has a mode without the hook (hosts without `v8.promiseHooks`): there the
 * query answers "Workflow stack traces are not enabled on this worker" and nothing else changes;
 * replay and determinism do not depend on it.
 *
 * Plain CommonJS, no TypeScript: `--require` runs before the TypeScript loader (`--import tsx`) is
 * registered. The launchers pass it through WORKER_NODE_FLAGS (worker/node-flags.ts), the image's
 * entry point and package.json's `worker` script with the same flags; test/workflow/
 * stack-traces.test.ts checks both settings on a real worker process.
 */
'use strict';
const { isMainThread } = require('node:worker_threads');

const ON = ['true', '1', 'yes']; // as config/config.ts reads a boolean

if (!isMainThread && !ON.includes(process.env.WORKER_WORKFLOW_STACK_TRACES ?? '')) {
  /** @type {{ globalHandlers?: object }} */
  let shared = {};
  try {
    shared = require('@temporalio/worker/lib/workflow/vm-shared.js');
  } catch {
    // Not the SDK this was written for: leave the stack traces on.
  }
  const proto = shared.globalHandlers && Object.getPrototypeOf(shared.globalHandlers);
  if (proto && typeof proto.setPromiseHook === 'function') {
    proto.setPromiseHook = function setPromiseHook() {
      // Not installed: the SDK then runs its workflows without promise stack traces.
    };
  } else {
    process.emitWarning(
      'worker/workflow-thread-preload.cjs: the SDK has no GlobalHandlers.setPromiseHook; workflow stack traces stay on',
    );
  }
}
