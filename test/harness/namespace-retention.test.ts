/**
 * The project's own setup decides how long Temporal keeps closed workflows: the dev server that
 * `npm start` runs sets the namespace's retention (TEMPORAL_RETENTION_DAYS) and points its Web UI
 * at the API's codec endpoint; `npm run temporal:retention` sets it on a running server (a
 * cluster), as a user runs it.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import {
  codecEndpointOf,
  freePort,
  startDevServer,
  type RunningDevServer,
} from '../../scripts/temporal-server';

let server: RunningDevServer;
let connection: Connection;
const retentionDays = async () =>
  Number(
    (await connection.workflowService.describeNamespace({ namespace: 'default' })).config
      ?.workflowExecutionRetentionTtl?.seconds,
  ) / 86_400;

beforeAll(async () => {
  const codecEndpoint = codecEndpointOf({ PUBLIC_URL: undefined, HOST: '127.0.0.1', PORT: 3999 });
  server = await startDevServer({
    retentionDays: 30,
    codecEndpoint,
    uiPort: await freePort(),
    logFile: path.join(process.env.TEST_RUN_DIR ?? '/tmp', 'namespace-retention-dev-server.log'),
  });
  connection = await Connection.connect({ address: server.address });
});
afterAll(async () => {
  await connection?.close();
  await server?.stop();
});

it('the dev server keeps closed workflows for the configured days (its own default is 1)', async () => {
  expect(await retentionDays()).toBe(30);
});

it("the dev server's Web UI decodes through the API's codec endpoint", async () => {
  const settings = (await (await fetch(`${server.uiUrl}/api/v1/settings`)).json()) as {
    Codec: { Endpoint: string };
  };
  expect(settings.Codec.Endpoint).toBe('http://127.0.0.1:3999/codec');
});

it('npm run temporal:retention sets it on a running server', () => {
  const result = spawnSync(process.execPath, [require.resolve('tsx/cli'), 'scripts/temporal-retention.ts'], {
    cwd: path.join(__dirname, '../..'),
    env: {
      ...process.env,
      NODE_ENV: 'test',
      TEMPORAL_ADDRESS: server.address,
      TEMPORAL_RETENTION_DAYS: '45',
    },
    encoding: 'utf8',
    timeout: 60_000,
  });
  expect(result.stdout).toContain('namespace default keeps closed workflows for 45 days');
  expect(result.status).toBe(0);
  return expect(retentionDays()).resolves.toBe(45);
});
