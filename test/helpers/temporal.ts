/**
 * Real Temporal servers for tests (never a mock): the dev server that test/global-setup.ts started
 * for this run, or a fresh time-skipping Java test server per call for timers of months and years.
 */
import { randomUUID } from 'node:crypto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkerOptions } from '@temporalio/worker';
import { DEVELOPMENT_KEY } from '../../config/config';
import { registerSearchAttributes } from '../../scripts/temporal-server';
import { createDataConverter } from '../../worker/payload-codec';

/** The same codec as production, with the development key: tests prove payloads are encrypted. */
export const testDataConverter = createDataConverter({
  PAYLOAD_KEY: DEVELOPMENT_KEY,
  PAYLOAD_KEY_ID: 'test',
});

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run tests through jest (test/global-setup.ts sets it)`);
  return value;
}

/** Connects to the run's dev server (full server: visibility, search attributes, updates). */
export async function createDevServerEnv(): Promise<TestWorkflowEnvironment> {
  return TestWorkflowEnvironment.createFromExistingServer({
    address: required('TEMPORAL_TEST_ADDRESS'),
    client: { dataConverter: testDataConverter },
  });
}

/**
 * Starts a time-skipping test server (Temporal's Java test server, from .cache/) for this file:
 * awaiting a workflow result or `env.sleep()` skips timers, so a 3-year trajectory runs in seconds.
 * It has no visibility (list/count) and no schedules: test those on the dev server.
 */
export async function createTimeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  const env = await startTimeSkippingServer(required('TEMPORAL_TEST_SERVER_PATH'));
  // The Java test server fails every workflow task that upserts an unknown search attribute.
  await registerSearchAttributes(env.connection);
  return env;
}

/**
 * A time-skipping test server from `executable` (the tests' and the bench's). The SDK gives the
 * JVM 5 s to open its port; on a loaded 2-core machine it sometimes needs more. A server that did
 * not come up in time is simply started again (up to three times).
 */
export async function startTimeSkippingServer(
  executable: string,
  attempt = 1,
): Promise<TestWorkflowEnvironment> {
  try {
    return await TestWorkflowEnvironment.createTimeSkipping({
      server: { executable: { type: 'existing-path', path: executable } },
      client: { dataConverter: testDataConverter },
    });
  } catch (err) {
    if (attempt >= 3 || !/did not start within/.test(String(err))) throw err;
    return startTimeSkippingServer(executable, attempt + 1);
  }
}

/** Worker options for the workflow bundle built once per run (production workflows + test ones). */
export function workflowBundle(): Pick<WorkerOptions, 'workflowBundle' | 'dataConverter'> {
  return { workflowBundle: { codePath: required('TEMPORAL_TEST_BUNDLE') }, dataConverter: testDataConverter };
}

/** A task queue of its own per test file, so files running in parallel never share a worker. */
export function uniqueTaskQueue(prefix: string): string {
  return `${prefix}-${randomUUID()}`;
}

/**
 * Waits until the workflow's history holds a started timer: from then on the timer lives in the
 * server, which is what a crash test must see survive.
 */
export async function waitForTimerStarted(
  handle: { fetchHistory(): Promise<{ events?: { timerStartedEventAttributes?: unknown }[] | null }> },
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const history = await handle.fetchHistory();
    if (history.events?.some((e) => e.timerStartedEventAttributes)) return;
    if (Date.now() > deadline) throw new Error(`no timer started within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Polls `check` every `intervalMs` (100) until it holds (true) or `timeoutMs` passed (false). */
export async function waitFor(
  check: () => Promise<boolean>,
  timeoutMs: number,
  intervalMs = 100,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  return true;
}
