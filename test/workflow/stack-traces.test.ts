/**
 * The worker process as its launchers start it (the flags of worker/node-flags.ts): without
 * WORKER_WORKFLOW_STACK_TRACES the SDK records no promise stack traces, so the `__stack_trace`
 * query says they are not enabled, while the trajectory runs as before; with it set, the query
 * answers the trajectory's stack. And the launchers outside TypeScript (package.json's `worker`
 * script, the image's entry point) give the same flags.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { QueryNotRegisteredError } from '@temporalio/client';
import { REPO_ROOT } from '../../scripts/temporal-binaries';
import { WORKER_NODE_FLAGS, WORKFLOW_THREAD_PRELOAD } from '../../worker/node-flags';
import { trajectoryWorkflow } from '../../workflows';
import { localDate } from '../../domain';
import { openMigratedDb } from '../db/helpers';
import { createDevServerEnv, uniqueTaskQueue, waitFor } from '../helpers/temporal';

jest.setTimeout(90_000);

/**
 * `node <flags> worker/main.ts` without an IPC channel (as the image runs it); ready once it logs
 * that it runs.
 */
async function startWorkerProcess(env: Record<string, string>): Promise<ChildProcess> {
  // The setting only as the test gives it, not as this machine's environment may have it.
  const { WORKER_WORKFLOW_STACK_TRACES: _inherited, ...inherited } = process.env;
  const child = spawn(process.execPath, [...WORKER_NODE_FLAGS, path.join(REPO_ROOT, 'worker', 'main.ts')], {
    cwd: REPO_ROOT,
    env: { ...inherited, ...env, LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out = (out + d.toString()).slice(-10_000);
      if (out.includes('"msg":"worker running"')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`worker exited with ${code} before it ran`)));
  });
  return child;
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

describe.each([
  { setting: undefined, traces: false },
  { setting: 'true', traces: true },
])('a worker process with WORKER_WORKFLOW_STACK_TRACES=$setting', ({ setting, traces }) => {
  it(`runs a trajectory and ${traces ? 'answers' : 'has no'} workflow stack traces`, async () => {
    const env = await createDevServerEnv();
    const database = await openMigratedDb('sqlite', `stack-traces-${traces}`);
    const taskQueue = uniqueTaskQueue('stack-traces');
    const child = await startWorkerProcess({
      NODE_ENV: 'test',
      DATABASE_URL: database.url,
      DATABASE_MIGRATE_ON_START: 'false',
      TEMPORAL_ADDRESS: process.env.TEMPORAL_TEST_ADDRESS!,
      TEMPORAL_TASK_QUEUE: taskQueue,
      WORKFLOW_BUNDLE_PATH: process.env.TEMPORAL_TEST_BUNDLE!,
      PAYLOAD_KEY_ID: 'test', // the key id of the test client's codec (test/helpers/temporal.ts)
      METRICS_PORT: '0',
      ...(setting ? { WORKER_WORKFLOW_STACK_TRACES: setting } : {}),
    });
    try {
      const inburgeraarId = randomUUID();
      const handle = await env.client.workflow.start(trajectoryWorkflow, {
        taskQueue,
        workflowId: `inburgering-${inburgeraarId}`,
        args: [
          { inburgeraarId, koppelingDate: localDate(Date.now()), doelgroep: 'gezinsmigrant', coachId: 'c' },
        ],
      });
      const written = await waitFor(
        async () => (await database.db.trajectoryReadModel.count({ where: { inburgeraarId } })) === 1,
        30_000,
      );
      expect(written).toBe(true);
      const query = handle.query<string>('__stack_trace');
      if (traces) await expect(query).resolves.toMatch(/trajectory/i);
      // The workflow's "not enabled" error reaches the client as a failed query (its message
      // encrypted by the payload codec).
      else await expect(query).rejects.toThrow(QueryNotRegisteredError);
    } finally {
      await stop(child);
      await database.close();
      await env.teardown();
    }
  });
});

it('package.json and the image start the worker with the same flags', () => {
  const asWritten = WORKER_NODE_FLAGS.map((f) =>
    f === WORKFLOW_THREAD_PRELOAD ? `./${path.relative(REPO_ROOT, f)}` : f,
  ).join(' ');
  const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as {
    scripts: Record<string, string>;
  };
  expect(pkg.scripts.worker).toBe(`node ${asWritten} worker/main.ts`);
  const entrypoint = fs.readFileSync(path.join(REPO_ROOT, 'deploy', 'image', 'entrypoint.sh'), 'utf8');
  expect(entrypoint).toContain(`worker) exec node ${asWritten} worker/main.ts "$@"`);
});
