/**
 * Row groups 2-4: the HTTP API end to end (fetch → express → Prisma/SQLite → Temporal → worker →
 * activities → read model), as the COA, a coach and a manager use it.
 */
import { addDays, localDate } from '../domain/dates';
import { SORT_FIELDS } from '../api/store/read-model';
import { koppelingBody } from '../test/api/helpers/harness';
import type { Report } from './report';
import { call, expectCall, type Stack } from './stack';
import { latencies, nowMs, pool, sleep, waitUntil } from './stats';

export interface Batch {
  ids: string[];
  samples: number[];
  seconds: number;
}

/** N koppelingen as the COA through POST /api/inburgeraars, `concurrency` in flight. */
/**
 * One koppeling as the COA. Intake is admitted at the worker's pace (application/admission.ts):
 * a 503 is waited out as a client must (1 s: the default Retry-After; the import's own client
 * reads the header). `ms` is the answer that was accepted.
 */
export async function koppel(stack: Stack, body: unknown): Promise<{ inburgeraarId: string; ms: number }> {
  let r = await call(stack.apiUrl, 'POST', '/api/inburgeraars', stack.users.coa.key, body);
  for (let busy = 0; r.status === 503 && busy < 600; busy++) {
    await sleep(1000);
    r = await call(stack.apiUrl, 'POST', '/api/inburgeraars', stack.users.coa.key, body);
  }
  if (r.status !== 201) throw new Error(`POST /api/inburgeraars: expected 201, got ${r.status}`);
  return { inburgeraarId: (r.body as { inburgeraarId: string }).inburgeraarId, ms: r.ms };
}

export async function koppelMany(stack: Stack, n: number, concurrency: number): Promise<Batch> {
  const today = localDate(Date.now());
  const bodies = Array.from({ length: n }, () =>
    koppelingBody({ coachId: stack.users.coach.id, koppelingDate: addDays(today, -30) }),
  );
  const ids: string[] = new Array<string>(n);
  const samples: number[] = [];
  const start = nowMs();
  await pool(bodies, concurrency, async (body, i) => {
    const r = await koppel(stack, body);
    samples.push(r.ms);
    ids[i] = r.inburgeraarId;
  });
  return { ids, samples, seconds: (nowMs() - start) / 1000 };
}

/** planBredeIntake (a Temporal update) through the API on every trajectory, as its coach. */
export async function planIntakes(
  stack: Stack,
  ids: readonly string[],
  concurrency: number,
): Promise<number[]> {
  const plannedDate = addDays(localDate(Date.now()), 14);
  const samples: number[] = [];
  await pool(ids, concurrency, async (id) => {
    const r = await expectCall(
      stack.apiUrl,
      'POST',
      `/api/inburgeraars/${id}/acties/planBredeIntake`,
      stack.users.coach.key,
      200,
      {
        plannedDate,
      },
    );
    if ((r.body as { phase?: string }).phase !== 'BREDE_INTAKE')
      throw new Error(`planBredeIntake answered ${JSON.stringify(r.body)}`);
    samples.push(r.ms);
  });
  return samples;
}

/**
 * 2. N koppelingen, then the time until the read model holds `readModelRows` rows (the N plus
 * any created before), counted from the first request.
 */
export async function runKoppelingen(
  stack: Stack,
  report: Report,
  n: number,
  concurrency: number,
  readModelRows: number,
): Promise<string[]> {
  const start = nowMs();
  const batch = await koppelMany(stack, n, concurrency);
  const complete = await waitUntil(
    async () => (await stack.db.trajectoryReadModel.count()) >= readModelRows,
    60_000,
  );
  const readModelAll = complete ? (nowMs() - start) / 1000 : Number.NaN;
  if (!complete)
    report.note(`read model did not reach ${readModelRows} rows within 60 s after the last koppeling`);

  const l = latencies(batch.samples);
  report.add(
    `koppeling: POST /api/inburgeraars p50 (N=${n}, c=${concurrency})`,
    l.p50,
    'ms',
    'koppeling.p50',
  );
  report.add('koppeling: POST /api/inburgeraars p95', l.p95, 'ms', 'koppeling.p95');
  report.add('koppeling: all N answered', batch.seconds, 's');
  report.add('koppeling: throughput', n / batch.seconds, 'req/s', 'koppeling.throughput');
  report.add(
    'koppeling: read model has all N (from first request)',
    readModelAll,
    's',
    'koppeling.readModelAll',
  );
  return batch.ids;
}

/** 3. planBredeIntake on every trajectory of the batch. */
export async function runActies(
  stack: Stack,
  report: Report,
  ids: readonly string[],
  concurrency: number,
): Promise<void> {
  const l = latencies(await planIntakes(stack, ids, concurrency));
  report.add(
    `actie: planBredeIntake update p50 (N=${ids.length}, c=${concurrency})`,
    l.p50,
    'ms',
    'actie.p50',
  );
  report.add('actie: planBredeIntake update p95', l.p95, 'ms', 'actie.p95');
}

/** 4. The manager's list, stats and KPIs with N trajectories in the read model, one call at a time. */
export async function runLists(stack: Stack, report: Report, n: number, calls: number): Promise<void> {
  const key = stack.users.manager.key;
  const measure = async (paths: (i: number) => string, check: (body: unknown) => void): Promise<number[]> => {
    for (let i = 0; i < 3; i++) check((await expectCall(stack.apiUrl, 'GET', paths(i), key, 200)).body); // warm-up
    const samples: number[] = [];
    for (let i = 0; i < calls; i++) {
      const r = await expectCall(stack.apiUrl, 'GET', paths(i), key, 200);
      check(r.body);
      samples.push(r.ms);
    }
    return samples;
  };
  const list = await measure(
    (i) =>
      `/api/inburgeraars?pageSize=50&sort=${SORT_FIELDS[i % SORT_FIELDS.length]}&order=${i % 2 ? 'desc' : 'asc'}`,
    (body) => {
      const b = body as { total: number; items: unknown[] };
      if (b.total < n || b.items.length !== Math.min(50, b.total))
        throw new Error(`list answered total ${b.total}, ${b.items.length} items`);
    },
  );
  const stats = await measure(
    () => '/api/stats',
    (body) => {
      if ((body as { total: number }).total < n)
        throw new Error(`stats answered ${JSON.stringify(body).slice(0, 200)}`);
    },
  );
  const kpis = await measure(
    () => '/api/kpis',
    () => undefined,
  );
  const row = (label: string, samples: number[], goal: 'list.p95' | 'stats.p95' | 'kpis.p95') => {
    const l = latencies(samples);
    report.add(`${label} p50 (${calls} calls, N=${n})`, l.p50, 'ms');
    report.add(`${label} p95`, l.p95, 'ms', goal);
  };
  row('list: GET /api/inburgeraars?pageSize=50&sort=*', list, 'list.p95');
  row('list: GET /api/stats', stats, 'stats.p95');
  row('list: GET /api/kpis', kpis, 'kpis.p95');
}
