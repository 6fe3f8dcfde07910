/**
 * Exactly-once delivery, proven on a real Temporal server (the run's dev server): the test-only
 * workflow `sendNotificationOnceWorkflow` (test/helpers/test-workflows.ts) runs `sendNotification`
 * with Temporal's retry policy. The activity delivers, then its attempt fails as if the worker died
 * before Temporal heard of the success; Temporal retries; the retry finds the outbox row `sent` and
 * delivers nothing. One message arrives.
 */
import { Context } from '@temporalio/activity';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import type { TrajectoryActivities } from '../../activities/types';
import { createDevServerEnv, uniqueTaskQueue, workflowBundle } from '../helpers/temporal';
import { COACH_EMAIL, referralFor, reminderFor, startActivityWorld, type ActivityWorld } from './fixtures';

let w: ActivityWorld;
let env: TestWorkflowEnvironment;

beforeAll(async () => {
  [w, env] = await Promise.all([startActivityWorld('exactly-once'), createDevServerEnv()]);
});
afterAll(async () => {
  await env?.teardown();
  await w?.close();
});

/** The real activities, except that the first attempt that delivered fails afterwards. */
function failingAfterFirstDelivery(
  activities: TrajectoryActivities,
  attempts: number[],
): TrajectoryActivities {
  let crashed = false;
  return {
    ...activities,
    async sendNotification(input) {
      attempts.push(Context.current().info.attempt);
      const result = await activities.sendNotification(input);
      if (result.status === 'sent' && !crashed) {
        crashed = true;
        throw new Error('simulated worker crash after delivering, before reporting success');
      }
      return result;
    },
  };
}

async function runOnce(
  activities: TrajectoryActivities,
  input: Parameters<TrajectoryActivities['sendNotification']>[0],
) {
  const taskQueue = uniqueTaskQueue('exactly-once');
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    ...workflowBundle(),
    activities,
  });
  return worker.runUntil(
    env.client.workflow.execute('sendNotificationOnceWorkflow', {
      args: [input],
      taskQueue,
      workflowId: `${input.key}:test`,
    }),
  );
}

it('an e-mail reminder: the retry after a failed attempt answers duplicate, one mail arrives', async () => {
  const request = reminderFor(w.coachId);
  const attempts: number[] = [];
  const before = w.smtp.mails.length;

  const result = await runOnce(failingAfterFirstDelivery(w.activities(), attempts), request);

  expect(attempts).toEqual([1, 2]);
  expect(result).toMatchObject({ key: request.key, status: 'duplicate' });
  const arrived = w.smtp.mails.slice(before);
  expect(arrived).toHaveLength(1);
  expect(arrived[0]!.to).toEqual([COACH_EMAIL]);
  expect(arrived[0]!.subject).toContain('15 maart 2027');
  expect(await w.db.notificationOutbox.findUniqueOrThrow({ where: { key: request.key } })).toMatchObject({
    status: 'sent',
    attempts: 1,
  });
});

it('a partner webhook behind a 503 and a lost completion: one accepted call', async () => {
  const request = referralFor(w.partnerId, w.coachId);
  const attempts: number[] = [];
  const start = w.hooks.calls.length;
  w.hooks.answers.push(503);

  const result = await runOnce(failingAfterFirstDelivery(w.activities(), attempts), request);

  expect(attempts).toEqual([1, 2, 3]);
  expect(result.status).toBe('duplicate');
  expect(w.hooks.calls.slice(start).map((c) => c.status)).toEqual([503, 200]);
});
