/**
 * How the workflow code is bundled, in one place: the worker at start (`workflowsPath`), the test
 * run and the bench (ahead of time, `bundleWorkflows`) all use these options, so what is measured
 * and tested is what runs.
 *
 * Preloading (see workflows/README.md, "What the workflow bundle contains"): with the SDK's
 * reusable V8 context every cached workflow gets its own copy of each module the workflow code
 * requires, evaluated again at its first workflow task, unless the module is preloaded: then it is
 * evaluated once per worker thread, frozen, and shared. A module may be preloaded when its module
 * scope holds no per-workflow state and touches no workflow API at load time (there is no workflow
 * yet). That holds for every module here: the rules (domain/core.ts, with luxon) and the input
 * check (workflows/input-check.ts, its JSON Schema validators built once) are pure; the workflow
 * files define constants, message definitions and activity proxies at module scope, and keep a
 * workflow's state in the locals of its workflow function; the failure converter is one immutable
 * object. So all of them are preloaded, and a cached workflow holds only its own objects: its
 * activator, its closures and state, its pending promises. Before this, every cached trajectory
 * carried its own zod, luxon and rules (~2.3 MB of worker memory and ~25 ms of its first workflow
 * task), and then its own copies of the workflow files (~45 KB of heap).
 */
import { bundleWorkflowCode, type BundleOptions } from '@temporalio/worker';
import { FAILURE_CONVERTER_PATH } from './payload-codec';

/** The production workflows (workflows/index.ts). */
export const WORKFLOWS_PATH = require.resolve('../workflows');

/** Modules evaluated once per worker thread and shared by all workflows (must hold no workflow state). */
export const PRELOAD_MODULES: string[] = [
  require.resolve('../domain/core'),
  require.resolve('../workflows/input-check'),
  WORKFLOWS_PATH,
  FAILURE_CONVERTER_PATH,
];

/** The bundler options the worker passes when it bundles at start (`WorkerOptions.bundlerOptions`). */
export const BUNDLER_OPTIONS = { preloadModules: PRELOAD_MODULES } as const;

const quiet = { trace() {}, debug() {}, info() {}, warn: console.warn, error: console.error, log() {} };

/** The workflow code bundled ahead of time (tests, bench, replay): same options as the worker's. */
export async function bundleWorkflows(workflowsPath: string = WORKFLOWS_PATH): Promise<{ code: string }> {
  const options: BundleOptions = {
    workflowsPath,
    failureConverterPath: FAILURE_CONVERTER_PATH,
    ...BUNDLER_OPTIONS,
    logger: quiet as never,
  };
  return bundleWorkflowCode(options);
}
