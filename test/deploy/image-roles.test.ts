/**
 * The image's three roles run as the container runs them: deploy/image/entrypoint.sh with the
 * variables the chart renders (ConfigMap + the secrets IT provides), as the image's numeric user
 * (when the tests run as root) so that nothing can be written outside /tmp, against the real
 * Temporal dev server of this test run and a real database (PostgreSQL when present, as in the
 * chart). Proves: `migrate` applies the migrations and exits; `api` listens and the chart's
 * readiness path answers 200; `worker` starts and the chart's liveness command sees it; the health
 * check fails when nothing answers; both stop on SIGTERM within the chart's grace period.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createTestDatabase, providersUnderTest, type TestDatabase } from '../db/helpers';
import { parse } from 'yaml';
import {
  CHART_DIR,
  containerOf,
  find,
  HELM_BUILD_TIMEOUT_MS,
  prepareHelm,
  readDockerfile,
  RELEASE,
  render,
  REPO_ROOT,
  type Manifest,
} from './chart';

const FULLNAME = `${RELEASE}-inburgering-regie`;
const ENTRYPOINT = path.join(REPO_ROOT, 'deploy', 'image', 'entrypoint.sh');
const [uid, gid] = readDockerfile()
  .filter((i) => i.keyword === 'USER')
  .at(-1)!
  .args.split(':')
  .map(Number);
/** As root, run as the image's user: the repository is then read-only to the processes. */
const asImageUser = process.getuid?.() === 0 ? { uid: uid!, gid: gid! } : {};

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

interface Running {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function start(role: string, env: NodeJS.ProcessEnv): Running {
  const child = spawn(ENTRYPOINT, [role], {
    cwd: REPO_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    ...asImageUser,
  });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

/** The health check the image (HEALTHCHECK) and the worker's liveness probe run. */
function healthcheck(role: string, env: NodeJS.ProcessEnv): { status: number | null; output: string } {
  const result = spawnSync('node', ['deploy/image/healthcheck.mjs', role], {
    cwd: REPO_ROOT,
    env,
    encoding: 'utf8',
    ...asImageUser,
  });
  return { status: result.status, output: result.stdout + result.stderr };
}

async function waitUntil(what: string, seconds: number, ok: () => boolean, running: Running): Promise<void> {
  const deadline = Date.now() + seconds * 1000;
  let exitCode: number | null | undefined;
  void running.exited.then((code) => (exitCode = code));
  while (Date.now() < deadline) {
    if (ok()) return;
    if (exitCode !== undefined)
      throw new Error(`${what}: the process exited (${exitCode}):\n${running.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  throw new Error(`${what}: not within ${seconds} s:\n${running.output()}`);
}

async function stop(running: Running, graceSeconds: number): Promise<number | null> {
  running.child.kill('SIGTERM');
  const timeout = new Promise<'timeout'>((resolve) =>
    setTimeout(() => resolve('timeout'), graceSeconds * 1000),
  );
  const result = await Promise.race([running.exited, timeout]);
  if (result === 'timeout') {
    running.child.kill('SIGKILL');
    throw new Error(`did not stop within ${graceSeconds} s after SIGTERM:\n${running.output()}`);
  }
  return result;
}

const provider = providersUnderTest('deploy image roles').some((p) => p.provider === 'postgresql' && p.run)
  ? 'postgresql'
  : 'sqlite';

let scratch: string;
let database: TestDatabase | undefined;
const running: Running[] = [];
let manifests: Manifest[];

beforeAll(prepareHelm, HELM_BUILD_TIMEOUT_MS);

beforeAll(async () => {
  manifests = render();
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'image-roles-'));
  if (asImageUser.uid !== undefined) fs.chownSync(scratch, asImageUser.uid, asImageUser.gid!);
  database =
    provider === 'postgresql'
      ? await createTestDatabase('postgresql', 'deploy_roles')
      : { url: `file:${path.join(scratch, 'app.db')}`, drop: async () => {} };
});

afterAll(async () => {
  for (const r of running) if (r.child.exitCode === null) r.child.kill('SIGKILL');
  await Promise.all(running.map((r) => r.exited));
  await database?.drop();
  fs.rmSync(scratch, { recursive: true, force: true });
});

it(`migrate, api and worker run from the entry point with the chart's variables (${provider})`, async () => {
  const api = find(manifests, 'Deployment', `${FULLNAME}-api`);
  const worker = find(manifests, 'Deployment', `${FULLNAME}-worker`);
  const config = find(manifests, 'ConfigMap', FULLNAME).data!;
  const workerEnv = containerOf(worker).env as { name: string; value?: string; valueFrom?: unknown }[];
  const secretNames = workerEnv.filter((e) => e.valueFrom).map((e) => e.name);
  expect(secretNames.sort()).toEqual(['BSN_KEY', 'DATABASE_URL', 'PAYLOAD_KEY']);

  const port = await freePort();
  const metricsPort = await freePort();
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    // What the chart renders ...
    ...config,
    // ... what IT puts in the referenced Secrets ...
    DATABASE_URL: database!.url,
    PAYLOAD_KEY: randomBytes(32).toString('base64'),
    BSN_KEY: randomBytes(32).toString('base64'),
    // ... and what differs on this machine: the test run's Temporal, local ports, the image's /tmp.
    TEMPORAL_ADDRESS: process.env.TEMPORAL_TEST_ADDRESS,
    TEMPORAL_NAMESPACE: 'default',
    TEMPORAL_TASK_QUEUE: `deploy-roles-${randomUUID()}`,
    HOST: '127.0.0.1',
    PORT: String(port),
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    METRICS_PORT: String(metricsPort),
    HOME: scratch,
    TMPDIR: scratch,
    LOG_LEVEL: 'warn',
  };

  const migrate = spawnSync(ENTRYPOINT, ['migrate'], {
    cwd: REPO_ROOT,
    env,
    encoding: 'utf8',
    ...asImageUser,
  });
  expect({ status: migrate.status, output: migrate.stdout + migrate.stderr }).toEqual({
    status: 0,
    output: expect.stringMatching(/Applied \d+ migration\(s\)/),
  });

  const apiProcess = start('api', env);
  running.push(apiProcess);
  const nodeOptions = workerEnv.find((e) => e.name === 'NODE_OPTIONS')!.value!;
  // info: the worker says 'worker running' once it polls its task queue.
  const workerProcess = start('worker', { ...env, NODE_OPTIONS: nodeOptions, LOG_LEVEL: 'info' });
  running.push(workerProcess);

  const started = Date.now();
  await waitUntil('API healthy', 180, () => healthcheck('api', env).status === 0, apiProcess);
  const readinessPath = containerOf(api).readinessProbe.httpGet.path as string;
  const ready = await fetch(`http://127.0.0.1:${port}${readinessPath}`);
  expect(ready.status).toBe(200);
  expect(await ready.json()).toEqual({ status: 'ok', checks: { database: 'ok', temporal: 'ok' } });
  expect(apiProcess.output()).toMatch(/Admin API key \(shown once\): ir_\S+/);

  const livenessCommand = containerOf(worker).livenessProbe.exec.command as string[];
  expect(livenessCommand.slice(0, 2)).toEqual(['node', 'deploy/image/healthcheck.mjs']);
  await waitUntil(
    'worker alive',
    240,
    () => healthcheck(livenessCommand[2]!, env).status === 0 && /worker running/.test(workerProcess.output()),
    workerProcess,
  );

  // Peak RSS so far (start-up included: the worker bundles its workflows) against what the chart
  // gives them: the worker's base (its cache is still empty), half the API's memory limit.
  const peakRss = (r: Running) =>
    Number(/VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${r.child.pid}/status`, 'utf8'))?.[1]) / 1024;
  const [apiPeak, workerPeak] = [peakRss(apiProcess), peakRss(workerProcess)];
  process.stderr.write(
    `[image-roles] API and worker up in ${((Date.now() - started) / 1000).toFixed(1)} s; peak RSS API ${apiPeak.toFixed(0)} MiB, worker ${workerPeak.toFixed(0)} MiB\n`,
  );
  const values = parse(fs.readFileSync(path.join(CHART_DIR, 'values.yaml'), 'utf8')) as {
    worker: { memory: { baseMiB: number } };
  };
  expect(workerPeak).toBeLessThan(values.worker.memory.baseMiB);
  const apiLimitMiB = Number(/^(\d+)Mi$/.exec(containerOf(api).resources.limits.memory as string)?.[1]);
  expect(apiPeak).toBeLessThan(apiLimitMiB / 2);

  // Nothing answering: the check fails (and says where it looked).
  const nobody = String(await freePort());
  const down = healthcheck('api', { ...env, PORT: nobody, HEALTHCHECK_TIMEOUT_MS: '2000' });
  expect(down.status).toBe(1);
  expect(down.output).toContain(`127.0.0.1:${nobody}/healthz`);

  const grace = Number(worker.spec.template.spec.terminationGracePeriodSeconds);
  expect(await stop(apiProcess, 30)).toBe(0);
  expect(await stop(workerProcess, grace)).toBe(0);
}, 600_000);
