/**
 * A worker in a process of its own (spawned by worker-crash.test.ts, so that it can be killed with
 * SIGKILL): the run's workflow bundle, the real activities on the given SQLite file and SMTP server.
 * Env: TEMPORAL_TEST_ADDRESS, TEMPORAL_TEST_BUNDLE, TASK_QUEUE, DATABASE_URL, SMTP_URL.
 */
import '../setup-runtime';
import pino from 'pino';
import { Client } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { createActivities, createSmtpMailer } from '../../activities';
import { createDb } from '../../prisma/db';
import { CONFIG } from '../activities/fixtures';
import { testDataConverter, workflowBundle } from '../helpers/temporal';
import { createDeliveryTrigger } from '../../worker/delivery-trigger';

void (async () => {
  const env = (name: string) => process.env[name] ?? '';
  const connection = await NativeConnection.connect({ address: env('TEMPORAL_TEST_ADDRESS') });
  const db = createDb(env('DATABASE_URL'));
  const delivery = createDeliveryTrigger(new Client({ connection, dataConverter: testDataConverter }));
  const worker = await Worker.create({
    connection,
    taskQueue: env('TASK_QUEUE'),
    ...workflowBundle(),
    activities: createActivities({
      db,
      config: CONFIG,
      log: pino({ level: 'silent' }),
      mailer: createSmtpMailer(env('SMTP_URL'), CONFIG.MAIL_FROM),
      delivery,
    }),
  });
  const running = worker.run();
  await delivery.kick(env('TASK_QUEUE')); // as worker/main.ts does at start
  process.stdout.write('worker running\n');
  await running;
})();
