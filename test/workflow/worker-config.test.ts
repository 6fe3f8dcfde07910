/**
 * The worker as production starts it (worker/main.ts `startWorker`), configured only through its
 * environment: a workflow bundle built ahead of time (WORKFLOW_BUNDLE_PATH, here the one the test
 * run built) and the sizing (WORKER_*). A koppeling runs on it to its first step in the read model.
 */
import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { loadConfig } from '../../config/config';
import { startWorker } from '../../worker/main';
import { openMigratedDb } from '../db/helpers';
import { createDevServerEnv, uniqueTaskQueue, waitFor } from '../helpers/temporal';
import { trajectoryWorkflow } from '../../workflows';
import { localDate } from '../../domain';

it('runs a prebuilt bundle with the configured cache and slots', async () => {
  const env = await createDevServerEnv();
  const database = await openMigratedDb('sqlite', 'worker-config');
  const taskQueue = uniqueTaskQueue('worker-config');
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: database.url,
    TEMPORAL_ADDRESS: process.env.TEMPORAL_TEST_ADDRESS!,
    TEMPORAL_TASK_QUEUE: taskQueue,
    WORKFLOW_BUNDLE_PATH: process.env.TEMPORAL_TEST_BUNDLE!,
    PAYLOAD_KEY_ID: 'test', // the key id of the test client's codec (test/helpers/temporal.ts)
    WORKER_MAX_CACHED_WORKFLOWS: '7',
    WORKER_WORKFLOW_TASK_SLOTS: '3',
    WORKER_ACTIVITY_SLOTS: '4',
    WORKER_NONSTICKY_POLL_RATIO: '0.3',
  });
  const running = await startWorker({
    config,
    log: pino({ level: 'silent' }),
    db: database.db,
    schedules: false,
  });
  try {
    expect(running.worker.options.maxCachedWorkflows).toBe(7);
    expect(running.worker.options.nonStickyToStickyPollRatio).toBe(0.3);
    expect(running.worker.options.workflowBundle).toEqual({ codePath: process.env.TEMPORAL_TEST_BUNDLE });
    const inburgeraarId = randomUUID();
    await env.client.workflow.start(trajectoryWorkflow, {
      taskQueue,
      workflowId: `inburgering-${inburgeraarId}`,
      args: [
        {
          inburgeraarId,
          koppelingDate: localDate(Date.now()),
          doelgroep: 'gezinsmigrant',
          coachId: 'coach-wc',
        },
      ],
    });
    const written = await waitFor(
      async () => (await database.db.trajectoryReadModel.count({ where: { inburgeraarId } })) === 1,
      30_000,
    );
    expect(written).toBe(true);
    expect(running.worker.getStatus().numCachedWorkflows).toBeGreaterThanOrEqual(1);
  } finally {
    await running.stop();
    await database.close();
    await env.teardown();
  }
});
