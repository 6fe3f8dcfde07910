/**
 * The project's own Temporal servers work: the dev server started by global-setup answers with our
 * search attributes registered, and the time-skipping server runs a 180-day timer in seconds.
 */
import { Worker } from '@temporalio/worker';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { searchAttributeKeys } from '../../workflows/search-attributes';
import { failWithMessageWorkflow, sleepForDaysWorkflow } from '../helpers/test-workflows';
import {
  createDevServerEnv,
  createTimeSkippingEnv,
  testDataConverter,
  uniqueTaskQueue,
  workflowBundle,
} from '../helpers/temporal';

describe('time-skipping test server', () => {
  let env: TestWorkflowEnvironment;
  beforeAll(async () => {
    env = await createTimeSkippingEnv();
  });
  afterAll(async () => {
    await env?.teardown();
  });

  it('runs a workflow that sleeps 180 days in a few seconds of real time', async () => {
    const taskQueue = uniqueTaskQueue('sleep');
    const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, ...workflowBundle() });
    const realStart = Date.now();
    const result = await worker.runUntil(
      env.client.workflow.execute(sleepForDaysWorkflow, {
        args: [180],
        taskQueue,
        workflowId: uniqueTaskQueue('sleep-wf'),
      }),
    );
    const skippedDays = (Date.parse(result.wokeAt) - Date.parse(result.startedAt)) / 86_400_000;
    expect(skippedDays).toBeGreaterThanOrEqual(180);
    expect(skippedDays).toBeLessThan(181);
    expect(Date.now() - realStart).toBeLessThan(30_000);
  });
});

describe('dev server', () => {
  let env: TestWorkflowEnvironment;
  beforeAll(async () => {
    env = await createDevServerEnv();
  });
  afterAll(async () => {
    await env?.teardown();
  });

  it('has the search attributes of the manager lists registered', async () => {
    const response = await env.connection.operatorService.listSearchAttributes({ namespace: 'default' });
    const registered = Object.keys(response.customAttributes ?? {});
    for (const key of searchAttributeKeys) expect(registered).toContain(key.name);
  });

  it('stores payloads encrypted: the raw history holds no readable input', async () => {
    const taskQueue = uniqueTaskQueue('codec');
    const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, ...workflowBundle() });
    const workflowId = uniqueTaskQueue('codec-wf');
    await worker.runUntil(
      env.client.workflow.execute(sleepForDaysWorkflow, { args: [0], taskQueue, workflowId }),
    );
    const history = await env.client.workflow.getHandle(workflowId).fetchHistory();
    const started = history.events?.[0]?.workflowExecutionStartedEventAttributes;
    const payload = started?.input?.payloads?.[0];
    expect(Buffer.from(payload?.metadata?.encoding ?? []).toString()).toBe('binary/encrypted');
    // The plain payload (encoding json/plain, data "0") is inside the ciphertext, not readable.
    expect(Buffer.from(payload?.data ?? []).toString('latin1')).not.toContain('json/plain');
    const [decoded] = await testDataConverter.payloadCodecs![0]!.decode([payload!]);
    expect(Buffer.from(decoded!.metadata!.encoding!).toString()).toBe('json/plain');
    expect(Buffer.from(decoded!.data!).toString()).toBe('0');
  });

  it('stores failure messages encrypted too, and the client still reads them', async () => {
    const taskQueue = uniqueTaskQueue('failure');
    const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, ...workflowBundle() });
    const workflowId = uniqueTaskQueue('failure-wf');
    const secret = 'mailbox jan.jansen@example.org rejected';
    const outcome = await worker.runUntil(
      env.client.workflow
        .execute(failWithMessageWorkflow, { args: [secret], taskQueue, workflowId })
        .catch((e: unknown) => e),
    );
    expect(String((outcome as { cause?: Error }).cause?.message)).toBe(secret);
    const history = await env.client.workflow.getHandle(workflowId).fetchHistory();
    const failed = history.events?.find((e) => e.workflowExecutionFailedEventAttributes);
    const raw = JSON.stringify(failed?.workflowExecutionFailedEventAttributes?.failure);
    expect(raw).not.toContain('jan.jansen');
    expect(failed?.workflowExecutionFailedEventAttributes?.failure?.message).toBe('Encoded failure');
  });
});
