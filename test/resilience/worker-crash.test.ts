/**
 * A hard crash of the worker (SIGKILL of its process) loses no timer and no notification: the
 * workflow waits on a reminder timer, the worker process is killed, a new worker process takes over,
 * its step queues the reminder and its delivery workflow delivers it by real SMTP exactly once.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { reminderFor, startActivityWorld, stepWith, type ActivityWorld } from '../activities/fixtures';
import { notifyAfterWorkflow } from '../helpers/test-workflows';
import { createDevServerEnv, uniqueTaskQueue, waitFor, waitForTimerStarted } from '../helpers/temporal';

const TIMER_MS = 6_000;

function startWorkerProcess(
  taskQueue: string,
  world: ActivityWorld,
  databaseUrl: string,
): Promise<ChildProcess> {
  // `node --import tsx` keeps the worker in this one process: through tsx's CLI wrapper, SIGKILL
  // would hit only the wrapper and leave the worker running in a grandchild.
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'worker-process.ts')], {
    env: { ...process.env, TASK_QUEUE: taskQueue, DATABASE_URL: databaseUrl, SMTP_URL: world.smtp.url },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => d.toString().includes('worker running') && resolve(child));
    child.once('exit', (code) => reject(new Error(`worker process exited with ${code}`)));
  });
}

describe('worker process killed while a reminder is pending', () => {
  let env: TestWorkflowEnvironment;
  let world: ActivityWorld;
  const children: ChildProcess[] = [];
  beforeAll(async () => {
    [env, world] = await Promise.all([createDevServerEnv(), startActivityWorld('worker-crash')]);
  });
  afterAll(async () => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    await world?.close();
    await env?.teardown();
  });

  it('fires the timer in the next worker and sends the reminder once', async () => {
    const taskQueue = uniqueTaskQueue('worker-crash');
    const databaseUrl = (await world.db.$queryRawUnsafe<{ file: string }[]>('PRAGMA database_list'))[0]!.file;
    const first = await startWorkerProcess(taskQueue, world, `file:${databaseUrl}`);
    children.push(first);

    const request = reminderFor(world.coachId);
    const handle = await env.client.workflow.start(notifyAfterWorkflow, {
      args: [TIMER_MS, stepWith(world.coachId, [request])],
      taskQueue,
      workflowId: uniqueTaskQueue('worker-crash-wf'),
    });
    // The timer is recorded in the server's history: that is what must survive.
    await waitForTimerStarted(handle);
    first.kill('SIGKILL');
    await new Promise((r) => first.once('exit', r));
    // The killed worker is really gone: no process of it is left to fire the timer.
    expect(() => process.kill(first.pid!, 0)).toThrow();
    expect(world.smtp.mails).toHaveLength(0);

    children.push(await startWorkerProcess(taskQueue, world, `file:${databaseUrl}`));
    const result = await handle.result();
    expect(result).toMatchObject({ queued: 1 });
    expect(
      await waitFor(
        async () =>
          (await world.db.notificationOutbox.findUnique({ where: { key: request.key } }))?.status === 'sent',
        // a delivery run the killed worker held is retried after its heartbeat timeout (30 s)
        60_000,
      ),
    ).toBe(true);
    expect(world.smtp.mails).toHaveLength(1);
    expect((await world.db.notificationOutbox.findUnique({ where: { key: request.key } }))?.status).toBe(
      'sent',
    );
  });
});
