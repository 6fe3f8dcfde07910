/**
 * A crash of the Temporal server loses no deadline and no notification: a workflow waits on a timer
 * (a reminder moment in miniature), the dev server is killed with SIGKILL while the timer runs, and
 * started again on the same SQLite file. The timer still fires, the step queues the reminder, and
 * the delivery workflow delivers it by real SMTP exactly once.
 */
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { startDevServer, type RunningDevServer } from '../../scripts/temporal-server';
import { createDeliveryTrigger } from '../../worker/delivery-trigger';
import { reminderFor, startActivityWorld, stepWith, type ActivityWorld } from '../activities/fixtures';
import { notifyAfterWorkflow } from '../helpers/test-workflows';
import {
  testDataConverter,
  uniqueTaskQueue,
  waitFor,
  waitForTimerStarted,
  workflowBundle,
} from '../helpers/temporal';

const TIMER_MS = 8_000;

describe('Temporal server crash during a pending reminder', () => {
  let world: ActivityWorld;
  let server: RunningDevServer | undefined;
  let nativeConnection: NativeConnection | undefined;
  let connection: Connection | undefined;

  beforeAll(async () => {
    world = await startActivityWorld('server-crash');
  });
  afterAll(async () => {
    await connection?.close();
    await nativeConnection?.close().catch(() => undefined);
    await server?.stop();
    await world?.close();
  });

  it('fires the timer after the restart and sends the reminder exactly once', async () => {
    const runDir = process.env.TEST_RUN_DIR!;
    const dbFilename = path.join(runDir, `crash-${Date.now()}`, 'temporal.db');
    const logFile = path.join(path.dirname(dbFilename), 'server.log');
    server = await startDevServer({ dbFilename, headless: true, logFile });
    // The restart comes back on the same address, as a restarted server does.
    const port = Number(server.address.split(':')[1]);

    nativeConnection = await NativeConnection.connect({ address: server.address });
    connection = await Connection.connect({ address: server.address });
    const client = new Client({ connection, dataConverter: testDataConverter });
    const taskQueue = uniqueTaskQueue('server-crash');
    const worker = await Worker.create({
      connection: nativeConnection,
      taskQueue,
      activities: world.activities({ delivery: createDeliveryTrigger(client) }),
      ...workflowBundle(),
    });
    const workerRun = worker.run();

    const request = reminderFor(world.coachId);
    const handle = await client.workflow.start(notifyAfterWorkflow, {
      args: [TIMER_MS, stepWith(world.coachId, [request])],
      taskQueue,
      workflowId: uniqueTaskQueue('server-crash-wf'),
    });
    // The timer is recorded in the server's history: that is what must survive.
    await waitForTimerStarted(handle);

    server.process.kill('SIGKILL');
    await new Promise((r) => server!.process.once('exit', r));
    expect(world.smtp.mails).toHaveLength(0);
    await new Promise((r) => setTimeout(r, 1_000));
    server = await startDevServer({ dbFilename, port, headless: true, logFile });

    const result = await handle.result();
    expect(result).toMatchObject({ queued: 1 });
    const sent = await waitFor(
      async () =>
        (await world.db.notificationOutbox.findUnique({ where: { key: request.key } }))?.status === 'sent',
      30_000,
    );
    worker.shutdown();
    await workerRun;

    expect(sent).toBe(true);
    expect(world.smtp.mails).toHaveLength(1);
    expect(world.smtp.mails[0]!.subject).toMatch(/PIP/);
    const outbox = await world.db.notificationOutbox.findUnique({ where: { key: request.key } });
    expect(outbox?.status).toBe('sent');
    // The timer really waited: the workflow completed no earlier than TIMER_MS after its start.
    const description = await handle.describe();
    expect(description.closeTime!.getTime() - description.startTime.getTime()).toBeGreaterThanOrEqual(
      TIMER_MS,
    );
  });
});
