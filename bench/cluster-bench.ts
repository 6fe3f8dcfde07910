/**
 * `npm run bench -- --cluster`: the same load against a real Temporal cluster with one worker
 * process and then with two. A Temporal server built from `go.temporal.io/server`
 * (scripts/temporal-cluster.ts) on PostgreSQL databases of its own, the app's database on
 * PostgreSQL (TEST_POSTGRES_URL's server), two API processes (`api/server.ts`) sharing the load
 * round-robin, and worker processes (`worker/main.ts`) on one task queue: first one, then a second
 * one joins. Each phase sends N koppelingen with CLUSTER_IN_FLIGHT in flight and measures
 * koppelingen accepted per second and trajectories whose read-model row exists per second (the
 * worker ran the first workflow task and its activity), then the ratio of two workers to one.
 */
import type { Report } from './report';
import { addDays, localDate } from '../domain/dates';
import { koppelingBody } from '../test/api/helpers/harness';
import { ensureClusterBinaries } from '../scripts/temporal-cluster';
import { postgresReachable, TEST_POSTGRES_URL } from '../test/db/helpers';
import {
  callApi,
  processEnv,
  startApiProcess,
  startAppDatabase,
  startTestCluster,
  startWorkerProcess,
  type AppDatabase,
  type AppProcess,
  type TestCluster,
} from '../test/cluster/stack';
import { BENCH_RATE_LIMITS } from './stack';
import { latencies, nowMs, pool, sleep, waitUntil } from './stats';

/** Koppelingen in flight: enough that the workers, not the client, limit the read-model rate. */
export const CLUSTER_IN_FLIGHT = 16;
const WARMUP = 10;

interface Phase {
  accepted: number;
  readModel: number;
  p95: number;
}

export async function runClusterBench(
  report: Report,
  o: { people: number; say: (text: string) => void },
): Promise<void> {
  if (!postgresReachable())
    throw new Error(
      `--cluster needs PostgreSQL at TEST_POSTGRES_URL (${TEST_POSTGRES_URL.replace(/:[^:@/]*@/, ':***@')})`,
    );
  const t0 = nowMs();
  o.say('cluster: the Temporal server binaries (built on first use: minutes)');
  ensureClusterBinaries();
  const processes: AppProcess[] = [];
  let server: TestCluster | undefined;
  let app: AppDatabase | undefined;
  try {
    [server, app] = await Promise.all([startTestCluster('bench'), startAppDatabase('bench_app')]);
    report.add(
      'cluster: server ready (schemas, start, namespace, search attributes)',
      server.cluster.startMs / 1000,
      's',
    );
    // The bench's rate limits, as in every other row: with the defaults, the per-key limit of the
    // COA's key (429) would set the pace beyond a few koppelingen a second, not the workers (the
    // first run, at 3-6 a second under heavy foreign load, stayed below it; the first quiet one did not).
    const env = {
      ...processEnv({ address: server.cluster.address, databaseUrl: app.url, taskQueue: 'bench-cluster' }),
      ...BENCH_RATE_LIMITS,
    };
    o.say(`cluster: server on ${server.cluster.address}; starting 2 API processes and 1 worker process`);
    const started = await Promise.all([startApiProcess(env), startApiProcess(env), startWorkerProcess(env)]);
    processes.push(...started);
    const apis = started.slice(0, 2);
    report.add('cluster: setup (server + 2 APIs + 1 worker)', (nowMs() - t0) / 1000, 's');

    const phase = async (workers: number): Promise<Phase> => {
      await load(app!, apis, WARMUP); // JIT, pools, the new worker's first tasks: in no row
      o.say(
        `cluster: ${o.people} koppelingen, ${workers} worker process(es), ${CLUSTER_IN_FLIGHT} in flight`,
      );
      return load(app!, apis, o.people);
    };
    const one = await phase(1);
    o.say('cluster: starting the second worker process');
    processes.push(await startWorkerProcess(env));
    const two = await phase(2);

    const label = `N=${o.people}, ${CLUSTER_IN_FLIGHT} in flight over 2 APIs`;
    for (const [n, p] of [
      [1, one],
      [2, two],
    ] as const) {
      report.add(`cluster: ${n} worker(s): koppelingen accepted (${label})`, p.accepted, 'req/s');
      report.add(`cluster: ${n} worker(s): trajectories in the read model`, p.readModel, '/s');
      report.add(`cluster: ${n} worker(s): POST /api/inburgeraars p95`, p.p95, 'ms');
    }
    report.add('cluster: 2 workers / 1 worker, koppelingen accepted', two.accepted / one.accepted, '×');
    report.add(
      'cluster: 2 workers / 1 worker, trajectories in the read model',
      two.readModel / one.readModel,
      '×',
      'cluster.workerScaling',
    );
    report.note(
      'cluster rows: Temporal server, PostgreSQL, 2 API and 1-2 worker processes and the load share the same cores; ' +
        'a second worker adds capacity only where the first one is the bottleneck',
    );
  } finally {
    for (const p of processes.reverse()) await p.stop().catch(() => p.kill());
    await app?.close().catch((err: unknown) => o.say(`cluster: app database close failed: ${String(err)}`));
    await server?.close().catch((err: unknown) => o.say(`cluster: server stop failed: ${String(err)}`));
  }
}

/** N koppelingen round-robin over the APIs; rates from the first request. */
async function load(app: AppDatabase, apis: AppProcess[], n: number): Promise<Phase> {
  const koppelingDate = addDays(localDate(Date.now()), -30);
  const ids: string[] = [];
  const samples: number[] = [];
  const start = nowMs();
  await pool(
    Array.from({ length: n }, (_, i) => i),
    CLUSTER_IN_FLIGHT,
    async (i) => {
      const sent = nowMs();
      const body = koppelingBody({ coachId: app.users.coach.id, koppelingDate });
      const post = () =>
        callApi(apis[i % apis.length]!.url, 'POST', '/api/inburgeraars', app.users.coa.key, body);
      let r = await post();
      // Intake admitted at the workers' pace (application/admission.ts): wait out a 503 as a client must.
      for (let busy = 0; r.status === 503 && busy < 600; busy++) {
        await sleep(1000);
        r = await post();
      }
      if (r.status !== 201) throw new Error(`koppeling: ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`);
      samples.push(nowMs() - sent);
      ids.push((r.body as { inburgeraarId: string }).inburgeraarId);
    },
  );
  const acceptedSeconds = (nowMs() - start) / 1000;
  const complete = await waitUntil(
    async () => (await app.db.trajectoryReadModel.count({ where: { inburgeraarId: { in: ids } } })) === n,
    120_000,
    100,
  );
  if (!complete) throw new Error(`the read model did not get all ${n} rows within 120 s`);
  return {
    accepted: n / acceptedSeconds,
    readModel: n / ((nowMs() - start) / 1000),
    p95: latencies(samples).p95,
  };
}
