/**
 * A rolling update: the API already starts the workflow type `trajectory` while a worker that does
 * not know it still polls. That worker must not run it (it would take another path than the
 * updated code replays); the task fails, and an updated worker takes it over: the history has no
 * patch marker and the koppeling's step is written once. Dev server, real workers.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { temporal } from '@temporalio/proto';
import {
  decodeOptionalFailureToOptionalError,
  loadDataConverter,
} from '@temporalio/common/lib/internal-non-workflow';
import { createDevServerEnv, testDataConverter } from '../helpers/temporal';
import { bundleWorkflows } from '../../worker/bundle';
import { temporalTrajectories } from '../../application/temporal';
import { localDate } from '../../domain';
import {
  newInburgeraarId,
  Recorder,
  startWorker,
  stopWorker,
  uniqueTaskQueue,
  type History,
} from './harness';

let env: TestWorkflowEnvironment;
/** The bundle of a worker from before the type (bundled here: ~10 s on a loaded machine). */
let earlierBundle: string;
beforeAll(async () => {
  env = await createDevServerEnv();
  earlierBundle = (await bundleWorkflows(require.resolve('./fixtures/workflows-before-trajectory-type')))
    .code;
}, 180_000);
afterAll(async () => {
  await env?.teardown();
});

const eventsOf = (history: History) => history.events ?? [];
const markerNames = (history: History) =>
  eventsOf(history).flatMap((e) =>
    e.markerRecordedEventAttributes ? [e.markerRecordedEventAttributes.markerName] : [],
  );

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await probe();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

it('a worker without the type fails the task; an updated worker runs it, with no patch marker', async () => {
  const taskQueue = uniqueTaskQueue('rolling');
  const oldRecorder = new Recorder();
  const oldWorker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    activities: oldRecorder.activities(),
    workflowBundle: { code: earlierBundle },
    dataConverter: testDataConverter,
  });
  const oldRunning = oldWorker.run();
  const inburgeraarId = newInburgeraarId();
  const workflowId = `inburgering-${inburgeraarId}`;
  try {
    const today = localDate(Date.now());
    await temporalTrajectories(env.client, taskQueue).start({
      inburgeraarId,
      koppelingDate: today,
      doelgroep: 'gezinsmigrant',
      coachId: 'coach-rolling',
      kennisgevingDate: today,
    });
    const h = env.client.workflow.getHandle(workflowId);
    // The old worker took the task and failed it (a failed first task is written to the history).
    const failed = await until('a failed workflow task', async () => {
      const history = await h.fetchHistory();
      return eventsOf(history).find((e) => e.workflowTaskFailedEventAttributes) ? history : undefined;
    });
    // A failure of the worker, not of the workflow (Temporal retries the task): the SDK finds no
    // such function in its bundle (the text is encrypted by the failure converter, decoded here).
    const failure = eventsOf(failed).find(
      (e) => e.workflowTaskFailedEventAttributes,
    )!.workflowTaskFailedEventAttributes!;
    expect(failure.cause).toBe(
      temporal.api.enums.v1.WorkflowTaskFailedCause
        .WORKFLOW_TASK_FAILED_CAUSE_WORKFLOW_WORKER_UNHANDLED_FAILURE,
    );
    const error = await decodeOptionalFailureToOptionalError(
      loadDataConverter(testDataConverter),
      failure.failure,
    );
    expect(error?.message).toContain("Failed to initialize workflow of type 'trajectory'");
    expect(markerNames(failed)).toEqual([]);
    expect(oldRecorder.steps).toHaveLength(0);
  } finally {
    oldWorker.shutdown();
    await oldRunning;
  }

  const recorder = new Recorder();
  const newWorker = await startWorker(env, taskQueue, recorder);
  try {
    const h = env.client.workflow.getHandle(workflowId);
    const history = await until('the first step by the updated worker', async () => {
      const seen = await h.fetchHistory();
      return markerNames(seen).includes('core_local_activity') ? seen : undefined;
    });
    expect(markerNames(history)).toEqual(['core_local_activity']); // no patch marker
    expect(recorder.steps.map((s) => s.workflowId)).toEqual([workflowId]);
    expect((await h.describe()).status.name).toBe('RUNNING');
  } finally {
    await stopWorker(newWorker);
  }
}, 300_000);
