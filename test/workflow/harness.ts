/**
 * Scenario harness for the trajectory workflow (type `trajectory`) on the time-skipping server (real Temporal, real worker,
 * real bundle). Only our own activities are replaced, by recorders that keep every call with the
 * workflow time at which it was made, so tests assert the exact dates of reminders and escalations.
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker, type WorkerOptions } from '@temporalio/worker';
import { Client, WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { UpdateDefinition } from '@temporalio/common';
import {
  instantAt,
  localDate,
  type ActingUser,
  type CommandInput,
  type CommandName,
  type Koppeling,
  type TrajectorySummary,
  type NotificationRequestShape,
  type RecordEventInputShape,
  type StepRecordShape,
} from '../../domain';
import type { TrajectoryActivities } from '../../activities/types';
import type { CommandArgs } from '../../workflows/messages';
import { trajectory } from '../../workflows';
import {
  createTimeSkippingEnv,
  testDataConverter,
  uniqueTaskQueue,
  workflowBundle,
} from '../helpers/temporal';
import { historyToJSON, type historyFromJSON } from '@temporalio/common/lib/proto-utils';

export type History = ReturnType<typeof historyFromJSON>;

/**
 * Activities that record instead of writing a database or a mailbox. `recordStep` is the activity of
 * today's workflow; the two first-version activities stay for histories recorded before the
 * `2026-12-record-step` patch. A notification counts once per key, like the outbox.
 */
export class Recorder {
  readonly events: RecordEventInputShape[] = [];
  readonly notifications: NotificationRequestShape[] = [];
  /** Every recordStep call, as it arrived (one per step, however many events it carries). */
  readonly steps: StepRecordShape[] = [];
  private readonly sentKeys = new Set<string>();

  activities(): TrajectoryActivities {
    const keep = (input: RecordEventInputShape): void => {
      if (!this.events.some((e) => e.workflowId === input.workflowId && e.eventSeq === input.eventSeq))
        this.events.push(input);
    };
    const queue = (input: NotificationRequestShape): boolean => {
      if (this.sentKeys.has(input.key)) return false;
      this.sentKeys.add(input.key);
      this.notifications.push(input);
      return true;
    };
    return {
      recordStep: async (step: StepRecordShape) => {
        this.steps.push(step);
        for (const e of step.events)
          keep({
            workflowId: step.workflowId,
            inburgeraarId: step.inburgeraarId,
            ...e,
            snapshot: step.snapshot,
          });
        const queued = step.notifications.filter(queue).length;
        return { events: step.events.length, queued, held: 0 };
      },
      recordTrajectoryEvent: async (input: RecordEventInputShape): Promise<void> => keep(input),
      sendNotification: async (input: NotificationRequestShape) =>
        queue(input)
          ? { key: input.key, status: 'sent' as const, outboxId: input.key }
          : { key: input.key, status: 'duplicate' as const, outboxId: input.key },
    };
  }

  /** `<local date of sending> <template> <deadline key or recipient>` for one workflow. */
  sent(workflowId: string): string[] {
    return this.notifications
      .filter((n) => n.workflowId === workflowId)
      .map(
        (n) =>
          `${localDate(n.at)} ${n.template} ${n.deadlineKey ?? `${n.recipient.role}:${n.recipient.id ?? ''}`}`,
      );
  }

  eventTypes(workflowId: string): string[] {
    return this.events.filter((e) => e.workflowId === workflowId).map((e) => e.type);
  }
}

export interface RecordedHistory {
  workflowId: string;
  history: History;
  /**
   * Name of the committed fixture this history is (re)recorded to, test/workflow/histories/<fixture>.json.gz
   * (gzipped: the encrypted payloads make the plain JSON ~1 MB), which replay.test.ts replays on every
   * run. Only a representative set of scenarios has one.
   */
  fixture?: string;
}

/** Where the committed histories live (see its README.md). */
export const HISTORIES_DIR = path.join(__dirname, 'histories');

/**
 * Re-records the committed fixtures, only when asked:
 *   RECORD_HISTORIES=1 npx jest test/workflow/routes.test.ts test/workflow/terms.test.ts test/workflow/lifecycle.test.ts test/workflow/law.test.ts test/workflow/search-attributes.test.ts
 * Only after a change deliberately guarded with `patched()`, or when no old workflow still runs:
 * re-recording otherwise hides exactly the non-determinism replay.test.ts is there to catch.
 */
function recordFixtures(histories: RecordedHistory[]): void {
  if (process.env.RECORD_HISTORIES !== '1') return;
  fs.mkdirSync(HISTORIES_DIR, { recursive: true });
  for (const { fixture, history } of histories)
    if (fixture)
      fs.writeFileSync(
        path.join(HISTORIES_DIR, `${fixture}.json.gz`),
        zlib.gzipSync(`${historyToJSON(history)}\n`, { level: 9 }),
      );
}

/** What a scenario file shares: one server, one worker with recording activities, its histories. */
export interface ScenarioSuite {
  env: TestWorkflowEnvironment;
  taskQueue: string;
  recorder: Recorder;
  histories: RecordedHistory[];
}

/**
 * Sets up a scenario file (call at top level): a time-skipping server and a worker with the
 * recording activities before all tests, both stopped after them. Fields are filled in beforeAll.
 */
export function scenarioSuite(name: string): ScenarioSuite {
  const suite = {
    taskQueue: uniqueTaskQueue(name),
    recorder: new Recorder(),
    histories: [],
  } as unknown as ScenarioSuite;
  let worker: Awaited<ReturnType<typeof startWorker>> | undefined;
  beforeAll(async () => {
    suite.env = await createTimeSkippingEnv();
    worker = await startWorker(suite.env, suite.taskQueue, suite.recorder);
  });
  afterAll(async () => {
    if (worker) await stopWorker(worker);
    await suite.env?.teardown();
  }, 30_000);
  return suite;
}

/**
 * Replays the histories recorded in this run against the current bundle (both from the same code,
 * so this proves the workflow replays at all; replay.test.ts replays the committed older histories
 * and catches a change that breaks running workflows). With RECORD_HISTORIES=1 it also writes those
 * with a `fixture` name to test/workflow/histories/ (see recordFixtures).
 */
export async function expectHistoriesReplay(histories: RecordedHistory[], count: number): Promise<void> {
  expect(histories).toHaveLength(count);
  recordFixtures(histories);
  for await (const r of Worker.runReplayHistories({ ...workflowBundle() }, histories))
    expect([r.workflowId, r.error]).toEqual([r.workflowId, undefined]);
}

export async function startWorker(
  env: TestWorkflowEnvironment,
  taskQueue: string,
  recorder: Recorder,
  options: Partial<WorkerOptions> = {},
): Promise<{ worker: Worker; running: Promise<void> }> {
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    activities: recorder.activities(),
    ...workflowBundle(),
    ...options,
  });
  const running = worker.run();
  return { worker, running };
}

export async function stopWorker(h: { worker: Worker; running: Promise<void> }): Promise<void> {
  h.worker.shutdown();
  await h.running;
}

/** Moves the server clock to `hour`:00 Amsterdam time on `date` (time only moves forward). */
export async function advanceTo(env: TestWorkflowEnvironment, date: string, hour = 12): Promise<void> {
  const target = Date.parse(instantAt(date, hour));
  const now = await env.currentTimeMs();
  if (target < now) throw new Error(`cannot go back in time to ${date} (now ${new Date(now).toISOString()})`);
  await env.sleep(target - now);
}

export async function today(env: TestWorkflowEnvironment): Promise<string> {
  return localDate(await env.currentTimeMs());
}

let counter = 0;
/** A fresh uuid-shaped id per scenario (workflow id `inburgering-<id>`). */
export function newInburgeraarId(): string {
  counter += 1;
  const suffix = `${Date.now().toString(16)}${counter.toString(16).padStart(4, '0')}`
    .slice(-12)
    .padStart(12, '0');
  return `5f0c0c4e-7d1a-4c3b-9e2f-${suffix}`;
}

export async function startTrajectory(
  env: TestWorkflowEnvironment,
  taskQueue: string,
  koppeling: Omit<Koppeling, 'inburgeraarId'>,
): Promise<WorkflowHandle<typeof trajectory>> {
  const inburgeraarId = newInburgeraarId();
  // The type the API starts (the time-skipping server has no search attributes to start with).
  return env.client.workflow.start(trajectory, {
    taskQueue,
    workflowId: `inburgering-${inburgeraarId}`,
    args: [{ ...koppeling, inburgeraarId }],
  });
}

export { uniqueTaskQueue };

/** Asserts that a promise (an update) was refused by the rule `code`: the failure's type, not its text. */
export async function expectRefused(promise: Promise<unknown>, code: string): Promise<void> {
  let error: unknown;
  try {
    await promise;
  } catch (err) {
    error = err;
  }
  expect(error).toBeInstanceOf(WorkflowUpdateFailedError);
  const cause = (error as WorkflowUpdateFailedError).cause;
  expect(cause).toBeInstanceOf(ApplicationFailure);
  expect((cause as ApplicationFailure).type).toBe(code);
  expect(cause?.message).not.toContain(code); // the text is the Dutch explanation for people
}

/**
 * The result of a workflow that has already ended. Not `handle.result()` of the test env's client:
 * that one unlocks time skipping while it waits, and the server then jumps years ahead.
 */
export async function finalResult(env: TestWorkflowEnvironment, workflowId: string) {
  const client = new Client({ connection: env.connection, dataConverter: testDataConverter });
  return client.workflow.getHandle<typeof trajectory>(workflowId).result();
}

/** Typed shorthand: `u(setPip, input)` runs the update on this trajectory and answers its summary. */
export function updater(h: WorkflowHandle<typeof trajectory>) {
  return <N extends CommandName>(
    update: UpdateDefinition<TrajectorySummary, CommandArgs<N>, N>,
    input: CommandInput<N>,
    user?: ActingUser,
  ): Promise<TrajectorySummary> => h.executeUpdate(update, { args: user ? [input, user] : [input] });
}
