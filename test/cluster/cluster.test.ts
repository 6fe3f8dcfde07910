/**
 * The cluster tier: the service as it runs in production, on a real Temporal server (built from
 * `go.temporal.io/server`, persistence and SQL visibility on PostgreSQL, scripts/temporal-cluster.ts)
 * with the app's database on PostgreSQL, TWO worker processes (`worker/main.ts`) and TWO API
 * processes (`api/server.ts`), each its own OS process configured by environment variables.
 *
 * Needs the built server (`npm run temporal:cluster:install`, which .ci/run calls) and PostgreSQL
 * (scripts/ci-postgres.sh); without them the tier is skipped with a notice, with CI=true it fails.
 */
import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { addDays, localDate } from '../../domain/dates';
import { workflowIdFor } from '../../application/temporal';
import { koppelingBody } from '../api/helpers/harness';
import { startSmtpReceiver, type SmtpReceiver } from '../activities/receivers';
import { DELIVERY_POLICY } from '../../activities/delivery';
import { messageIdFor } from '../../activities/mailer';
import { connectClient } from '../../worker/connection';
import {
  callApi,
  clusterUnavailable,
  configFor,
  processEnv,
  startApiProcess,
  startAppDatabase,
  startTestCluster,
  startWorkerProcess,
  type AppDatabase,
  type AppProcess,
  type TestCluster,
} from './stack';

const unavailable = clusterUnavailable();
if (unavailable && process.env.CI === 'true')
  throw new Error(`[cluster] CI=true but the cluster tier cannot run: ${unavailable}`);
if (unavailable) console.warn(`[cluster] cluster tier SKIPPED: ${unavailable}`);
const describeCluster = unavailable ? describe.skip : describe;

/** Trajectories created in the kill-under-load test (enough that both workers hold several). */
const LOAD = 40;
const IN_FLIGHT = 8;

const { EventType } = temporal.api.enums.v1;

async function waitUntil(
  check: () => Promise<boolean>,
  timeoutMs: number,
  intervalMs = 500,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

describeCluster('on a real Temporal cluster: two workers, two APIs, PostgreSQL', () => {
  let server: TestCluster;
  let app: AppDatabase;
  let smtp: SmtpReceiver;
  let client: Client;
  let env: Record<string, string>;
  let workers: AppProcess[] = [];
  let apis: AppProcess[] = [];
  const today = localDate(Date.now());
  /** Every trajectory the tests create, with the coach it should end with. */
  const created = new Map<string, { coachId: string; phase: string }>();

  beforeAll(async () => {
    const t0 = Date.now();
    [server, app, smtp] = await Promise.all([
      startTestCluster('cluster'),
      startAppDatabase('cluster_app'),
      startSmtpReceiver(),
    ]);
    env = processEnv({
      address: server.cluster.address,
      databaseUrl: app.url,
      taskQueue: 'inburgering-regie',
      smtpUrl: smtp.url,
      // The bundle this test run built (worker/bundle.ts options): no webpack in each worker.
      bundlePath: process.env.TEMPORAL_TEST_BUNDLE,
    });
    client = await connectClient(configFor(env));
    [workers, apis] = await Promise.all([
      Promise.all([startWorkerProcess(env), startWorkerProcess(env)]),
      Promise.all([startApiProcess(env), startApiProcess(env)]),
    ]);
    console.info(
      `[cluster] server ready in ${(server.cluster.startMs / 1000).toFixed(1)} s (schemas, start, namespace, ` +
        `search attributes); 2 workers + 2 APIs ready after ${((Date.now() - t0) / 1000).toFixed(1)} s`,
    );
  }, 300_000);

  afterAll(async () => {
    for (const p of [...apis, ...workers]) await p.stop().catch(() => p.kill());
    await client?.connection.close();
    await smtp?.close();
    await app?.close();
    await server?.close();
  }, 120_000);

  const koppel = async (api: AppProcess, key: string): Promise<string> => {
    const r = await callApi(
      api.url,
      'POST',
      '/api/inburgeraars',
      app.users.coa.key,
      koppelingBody({ coachId: app.users.coach.id, koppelingDate: today }),
      key,
    );
    if (r.status !== 201) throw new Error(`koppeling ${key}: ${r.status} ${JSON.stringify(r.body)}`);
    const id = (r.body as { inburgeraarId: string }).inburgeraarId;
    created.set(id, { coachId: app.users.coach.id, phase: 'KOPPELING' });
    return id;
  };
  const planIntake = async (
    api: AppProcess,
    id: string,
    key: string,
    plannedDate = addDays(today, 14),
    as = app.users.coach.key,
  ) => {
    const r = await callApi(
      api.url,
      'POST',
      `/api/inburgeraars/${id}/acties/planBredeIntake`,
      as,
      { plannedDate },
      key,
    );
    if (r.status !== 200) throw new Error(`planBredeIntake ${id}: ${r.status} ${JSON.stringify(r.body)}`);
    created.set(id, { ...created.get(id)!, phase: 'BREDE_INTAKE' });
    return r;
  };
  const reassign = async (api: AppProcess, id: string, key: string) => {
    const r = await callApi(
      api.url,
      'PUT',
      `/api/inburgeraars/${id}/coach`,
      app.users.manager.key,
      { coachId: app.users.coach2.id },
      key,
    );
    if (r.status !== 200) throw new Error(`reassign ${id}: ${r.status} ${JSON.stringify(r.body)}`);
    created.set(id, { ...created.get(id)!, coachId: app.users.coach2.id });
    return r;
  };

  it('serves a koppeling and coach actions through either API, on either worker', async () => {
    const [a, b] = apis as [AppProcess, AppProcess];
    const id = await koppel(a, 'k-first');

    const read = await callApi(b.url, 'GET', `/api/inburgeraars/${id}`, app.users.coach.key);
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({
      inburgeraarId: id,
      persoon: { voornaam: 'Amira' },
      state: { coachId: app.users.coach.id, phase: 'KOPPELING' },
    });

    const planned = await planIntake(b, id, 'plan-first');
    expect(planned.body).toMatchObject({ inburgeraarId: id, phase: 'BREDE_INTAKE' });
    // The same request retried at the other API is the same Temporal update: answered, not applied twice.
    const retried = await callApi(
      a.url,
      'POST',
      `/api/inburgeraars/${id}/acties/planBredeIntake`,
      app.users.coach.key,
      { plannedDate: addDays(today, 14) },
      'plan-first',
    );
    expect(retried.status).toBe(200);
    expect((retried.body as { eventSeq: number }).eventSeq).toBe(
      (planned.body as { eventSeq: number }).eventSeq,
    );

    // A rule refusal comes from the workflow's validator (on a worker) through the other API.
    const refused = await callApi(
      a.url,
      'POST',
      `/api/inburgeraars/${id}/acties/setPip`,
      app.users.coach.key,
      { decisionDate: today, route: 'B1', modules: [{ module: 'MAP' }] },
    );
    expect(refused.status).toBe(409);

    const moved = await reassign(a, id, 'reassign-first');
    expect(moved.body).toMatchObject({ coachId: app.users.coach2.id, phase: 'BREDE_INTAKE' });
    expect(
      await waitUntil(async () => {
        const row = await app.db.trajectoryReadModel.findUnique({ where: { inburgeraarId: id } });
        return row?.coachId === app.users.coach2.id && row.phase === 'BREDE_INTAKE';
      }, 30_000),
    ).toBe(true);
  });

  it('lists trajectories by the custom search attributes on SQL visibility', async () => {
    const [a, b] = apis as [AppProcess, AppProcess];
    const ids = [await koppel(a, 'k-list-1'), await koppel(b, 'k-list-2'), await koppel(a, 'k-list-3')];
    await planIntake(b, ids[0]!, 'plan-list-1');
    await planIntake(a, ids[1]!, 'plan-list-2');
    const listed = async (query: string): Promise<string[]> => {
      const found: string[] = [];
      for await (const w of client.workflow.list({ query })) found.push(w.workflowId);
      return found.sort();
    };
    const inIntake = `CoachId = "${app.users.coach.id}" AND InburgeringFase = "BREDE_INTAKE" AND Achterstallig = false`;
    const expected = [ids[0]!, ids[1]!].map(workflowIdFor).sort();
    // Visibility is written after the workflow task: poll until it caught up.
    expect(
      await waitUntil(
        async () => JSON.stringify(await listed(inIntake)) === JSON.stringify(expected),
        30_000,
      ),
    ).toBe(true);
    const waiting = `CoachId = "${app.users.coach.id}" AND InburgeringFase = "KOPPELING" AND ExecutionStatus = "Running"`;
    expect(await listed(waiting)).toEqual([workflowIdFor(ids[2]!)]);
    const due = `CoachId = "${app.users.coach.id}" AND VolgendeDeadline > "${today}T00:00:00Z"`;
    expect((await client.workflow.count(due)).count).toBe(3);
  });

  it('loses nothing when one worker is killed under load: the other takes over; a mail repeats only if it was being handed over, with its Message-ID', async () => {
    const [a, b] = apis as [AppProcess, AppProcess];
    const [victim, survivor] = workers as [AppProcess, AppProcess];
    const t0 = Date.now();
    const before = [...created.keys()];
    let done = 0;
    let killedAt = 0;
    let killing: Promise<void> | undefined;
    let retries = 0;
    const ids: string[] = [];
    const lanes = Array.from({ length: IN_FLIGHT }, async (_, lane) => {
      for (let i = lane; i < LOAD; i += IN_FLIGHT) {
        const [first, second] = i % 2 === 0 ? [a, b] : [b, a];
        const id = await koppel(first, `k-load-${i}`);
        ids.push(id);
        const planned = await planIntake(second, id, `plan-load-${i}`);
        const moved = await reassign(first, id, `reassign-load-${i}`);
        retries += planned.attempts - 1 + moved.attempts - 1;
        done++;
        if (done === Math.floor(LOAD / 3) && !killing) {
          killedAt = Date.now();
          killing = victim.kill();
        }
      }
    });
    await Promise.all(lanes);
    await killing;
    expect(killedAt).toBeGreaterThan(0);
    expect(victim.child.signalCode).toBe('SIGKILL');
    expect(() => process.kill(victim.pid, 0)).toThrow(); // really gone
    expect(ids).toHaveLength(LOAD);
    const loaded = Date.now();

    // The trajectories that lived before the kill (some cached on the killed worker) still answer
    // (as the manager: one of them has another coach by now).
    for (const [i, id] of before.entries()) {
      await planIntake(i % 2 ? a : b, id, `replan-${i}`, addDays(today, 21), app.users.manager.key);
    }

    // Every trajectory reached its state, in the read model too.
    const all = [...created.entries()];
    expect(
      await waitUntil(async () => {
        const rows = await app.db.trajectoryReadModel.findMany({
          where: { inburgeraarId: { in: all.map(([id]) => id) } },
          select: { inburgeraarId: true, coachId: true, phase: true },
        });
        const byId = new Map(rows.map((r) => [r.inburgeraarId, r]));
        return all.every(
          ([id, want]) => byId.get(id)?.coachId === want.coachId && byId.get(id)?.phase === want.phase,
        );
      }, 60_000),
    ).toBe(true);

    const readModelDone = Date.now();
    // One COACH_ASSIGNED mail per reassignment, sent once: in the outbox and at the SMTP server.
    const reassigned = all.filter(([, want]) => want.coachId === app.users.coach2.id).map(([id]) => id);
    expect(reassigned.length).toBe(LOAD + 1);
    const outbox = async () =>
      (await app.db.notificationOutbox.findMany({ where: { template: 'COACH_ASSIGNED' } })).filter((row) =>
        reassigned.some((id) => row.key.startsWith(`${workflowIdFor(id)}:`)),
      );
    // A delivery the killed worker held is retried after its activity's heartbeat timeout.
    expect(
      await waitUntil(
        async () => {
          const rows = await outbox();
          return rows.length === reassigned.length && rows.every((r) => r.status === 'sent');
        },
        120_000,
        1_000,
      ),
    ).toBe(true);
    const outboxDone = Date.now();
    await new Promise((r) => setTimeout(r, 3_000)); // a late duplicate would arrive now
    const mails = smtp.mails.filter((m) => m.to.includes(app.users.coach2.email!));
    // Each reassignment's mail arrived as one message: one Message-ID per outbox row, none other.
    const rows = await outbox();
    const received = new Map<string, number>();
    for (const m of mails) received.set(m.messageId, (received.get(m.messageId) ?? 0) + 1);
    expect([...received.keys()].sort()).toEqual(rows.map((r) => messageIdFor(r.key)).sort());
    // The one repeat the design allows (activities/delivery.ts, 3.): the killed worker died after the
    // mail server had accepted a message and before it marked the row sent. Then the row went again
    // when its lease ran out, as its second attempt, with the same Message-ID (so a mail client shows
    // it once), and only for rows that worker was sending at that moment: at most one per lane.
    const repeated = rows.filter((r) => (received.get(messageIdFor(r.key)) ?? 0) > 1);
    expect(repeated.length).toBeLessThanOrEqual(DELIVERY_POLICY.sendConcurrency);
    for (const row of repeated) {
      expect(received.get(messageIdFor(row.key))).toBe(2);
      expect(row.attempts).toBeGreaterThanOrEqual(2);
    }
    expect(mails).toHaveLength(reassigned.length + repeated.length);

    // The survivor took over: after the kill only it ran workflow tasks, also of trajectories the
    // killed worker had run before; and no workflow task or workflow failed.
    let takenOver = 0;
    let unattributed = 0;
    for (const id of [...before, ...ids]) {
      const handle = client.workflow.getHandle(workflowIdFor(id));
      expect((await handle.describe()).status.name).toBe('RUNNING');
      const history = await handle.fetchHistory();
      const started = (history.events ?? []).filter(
        (e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED,
      );
      expect(history.events?.some((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED)).toBe(
        false,
      );
      // A speculative workflow task (the one that accepts an update) is written to the history
      // by the server without the worker's identity: those are counted, not attributed.
      const identities = started.map((e) => e.workflowTaskStartedEventAttributes?.identity).filter(Boolean);
      unattributed += started.length - identities.length;
      expect(identities.filter((who) => who !== victim.identity && who !== survivor.identity)).toEqual([]);
      const afterKill = started.filter(
        (e) =>
          Number(e.eventTime?.seconds ?? 0) * 1000 > killedAt + 1_000 &&
          e.workflowTaskStartedEventAttributes?.identity,
      );
      expect(afterKill.map((e) => e.workflowTaskStartedEventAttributes?.identity)).toEqual(
        afterKill.map(() => survivor.identity),
      );
      if (identities.includes(victim.identity) && identities.at(-1) === survivor.identity) takenOver++;
    }
    expect(takenOver).toBeGreaterThan(0);
    console.info(
      `[cluster] killed worker ${victim.pid} after ${Math.floor(LOAD / 3)} of ${LOAD} trajectories; ` +
        `${takenOver} trajectories moved to worker ${survivor.pid}; client retries: ${retries}; ` +
        `workflow tasks without a worker identity: ${unattributed}; ` +
        `phases (s): load ${((loaded - t0) / 1000).toFixed(1)}, read model ${((readModelDone - t0) / 1000).toFixed(1)}, ` +
        `outbox ${((outboxDone - t0) / 1000).toFixed(1)}, histories ${((Date.now() - t0) / 1000).toFixed(1)}`,
    );
  }, 300_000);
});
