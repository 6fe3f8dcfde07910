/**
 * A koppeling's trajectory is started apart from its answer (application/trajectory-starts.ts):
 * the person and the pending start are stored in one transaction, and the workflow follows. Here,
 * against real Temporal servers and the real API:
 *  - a koppeling sent while Temporal is down is accepted at once, and its trajectory starts when
 *    Temporal is back (the sweep's retries), once;
 *  - a start left behind by a process that stopped after storing the person (as a crash between
 *    the commit and the start leaves it) is started by the sweeps of two other processes, once;
 *  - a coach's first action on a person whose start is still pending starts it and succeeds;
 *  - a repeated koppeling is answered while Temporal is down; an unreadable row is set aside
 *    without stopping the sweeps; a stopped process starts nothing more;
 *  - the retries wait longer after each failure, up to 5 minutes.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { Client, Connection } from '@temporalio/client';
import { stopApp } from '../../api/app';
import { prismaPersonStore } from '../../api/store/people';
import { prismaPendingStarts } from '../../api/store/pending-starts';
import { temporalTrajectories, workflowIdFor } from '../../application/temporal';
import { createTrajectoryStarts, retryDelayMs } from '../../application/trajectory-starts';
import { koppelingSchema } from '../../domain/commands';
import { startDevServer, type RunningDevServer } from '../../scripts/temporal-server';
import { koppelingBody, startApiHarness, type ApiHarness } from '../api/helpers/harness';
import { waitFor } from '../helpers/temporal';

const quiet = { warn: () => undefined, error: () => undefined };

/** `waitFor`, failing with what did not happen. */
async function until(what: string, check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  if (!(await waitFor(check, timeoutMs))) throw new Error(`not within ${timeoutMs} ms: ${what}`);
}

describe('trajectory starts apart from the koppeling', () => {
  let h: ApiHarness;
  beforeAll(async () => {
    h = await startApiHarness('trajectory-starts');
  });
  afterAll(async () => {
    await h?.close();
  });

  /** A person stored with a pending start and nothing else, as a process that stopped after its commit leaves it. */
  async function storedWithPendingStart(nextAttemptAt: Date): Promise<string> {
    const inburgeraarId = randomUUID();
    const input = koppelingSchema.parse({
      inburgeraarId,
      koppelingDate: '2026-09-01',
      doelgroep: 'asielstatushouder',
      coachId: h.users.coach.user.id,
    });
    await prismaPersonStore(h.db).create(
      {
        inburgeraarId,
        workflowId: workflowIdFor(inburgeraarId),
        koppelingRef: `LEFT-${inburgeraarId}`,
        coachId: input.coachId,
        doelgroep: input.doelgroep,
        bsnHash: randomBytes(32).toString('hex'),
        bsnEncrypted: 'v1.test',
        bsnKeyId: 'bsn-1',
        persoon: { voornaam: 'Test', achternaam: 'Achtergelaten' },
      },
      { actorId: 'test', actorRole: 'system', action: 'KOPPELING_REGISTERED' },
      { input, nextAttemptAt },
    );
    return inburgeraarId;
  }

  const startsProcess = () =>
    createTrajectoryStarts(
      {
        pending: prismaPendingStarts(h.db),
        trajectories: temporalTrajectories(h.env.client, h.taskQueue),
        log: quiet,
      },
      { sweepMs: 0, leaseMs: 10_000, maxInFlight: 4, sweepBatch: 100 },
    );

  it('sets an unreadable row aside and starts the others in the same sweep', async () => {
    const bad = await storedWithPendingStart(new Date(Date.now() - 2000));
    await h.db.pendingStart.update({
      where: { inburgeraarId: bad },
      data: { input: '{"not": "a koppeling"' },
    });
    const good = await storedWithPendingStart(new Date(Date.now() - 1000));
    const p = startsProcess();
    expect(await p.sweep()).toBe(1);
    expect(await h.db.pendingStart.count({ where: { inburgeraarId: good } })).toBe(0);
    const setAside = await h.db.pendingStart.findUniqueOrThrow({ where: { inburgeraarId: bad } });
    expect(setAside.lastError).toBe('UnreadablePendingStart');
    expect(setAside.nextAttemptAt.getTime()).toBeGreaterThan(Date.now() + 300 * 24 * 3600 * 1000);
    // It no longer blocks: the next sweep finds nothing due.
    expect(await p.sweep()).toBe(0);
    await h.db.pendingStart.delete({ where: { inburgeraarId: bad } });
  });

  it('starts nothing more once stopped: the row stays for the sweeps', async () => {
    const id = await storedWithPendingStart(new Date(Date.now() + 3_600_000));
    const p = startsProcess();
    await p.stop();
    const row = await h.db.pendingStart.findUniqueOrThrow({ where: { inburgeraarId: id } });
    p.startSoon(koppelingSchema.parse(JSON.parse(row.input)));
    await p.drain();
    expect(p.counts).toEqual({ started: 0, failed: 0 });
    expect(await h.db.pendingStart.count({ where: { inburgeraarId: id } })).toBe(1);
    await h.db.pendingStart.delete({ where: { inburgeraarId: id } });
  });

  it('starts a start left behind by a stopped process in the sweeps of two others, one workflow', async () => {
    const id = await storedWithPendingStart(new Date(Date.now() - 1000));
    const processes = [startsProcess(), startsProcess()];
    await Promise.all(processes.map((p) => p.sweep()));
    expect(await h.db.pendingStart.count({ where: { inburgeraarId: id } })).toBe(0);
    // The row was claimed by one of them; the other left it alone.
    expect(processes.map((p) => p.counts.started).sort()).toEqual([0, 1]);
    const handle = h.env.client.workflow.getHandle(workflowIdFor(id));
    const description = await handle.describe();
    expect(description.type).toBe('trajectory');
    // One run of this workflow id, however many processes started it.
    const runs = async () => {
      let n = 0;
      for await (const _ of h.env.client.workflow.list({ query: `WorkflowId = '${workflowIdFor(id)}'` })) n++;
      return n;
    };
    await until('the run is listed', async () => (await runs()) > 0);
    expect(await runs()).toBe(1);
    // The row is gone, so a later sweep starts nothing.
    expect(await processes[0]!.sweep()).toBe(0);
  });

  it("starts a still-pending trajectory at the coach's first action, which then succeeds", async () => {
    // Owned by a (stopped) process for another hour: no sweep would take it.
    const id = await storedWithPendingStart(new Date(Date.now() + 3_600_000));
    const res = await request(h.app)
      .post(`/api/inburgeraars/${id}/acties/planBredeIntake`)
      .set('X-Api-Key', h.users.coach.key)
      .send({ plannedDate: '2026-09-20' });
    expect(res.status).toBe(200);
    expect(res.body.phase).toBe('BREDE_INTAKE');
    expect(await h.db.pendingStart.count({ where: { inburgeraarId: id } })).toBe(0);
  });

  it('still answers 404 for an id without a person or a pending start', async () => {
    const res = await request(h.app)
      .post(`/api/inburgeraars/${randomUUID()}/acties/planBredeIntake`)
      .set('X-Api-Key', h.users.coach.key)
      .send({ plannedDate: '2026-09-20' });
    expect(res.status).toBe(404);
  });

  it('accepts a koppeling while Temporal is down and starts its trajectory once Temporal is back', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'starts-outage-'));
    const logFile = path.join(dir, 'temporal.log');
    let server: RunningDevServer | undefined = await startDevServer({ headless: true, logFile });
    const address = server.address;
    const port = Number(address.split(':')[1]);
    const connection = await Connection.connect({ address });
    const client = new Client({ connection });
    // The API of this test talks to this server; sweeps every second. The harness's own app shares
    // the database but talks to the harness's Temporal: its sweeps would start the row there.
    await stopApp(h.app);
    const app = h.appWith({ TRAJECTORY_START_SWEEP_SECONDS: 1 }, { temporal: client });
    try {
      await server.stop();
      server = undefined;

      const before = Date.now();
      const body = koppelingBody({ coachId: h.users.coach.user.id });
      const res = await request(app).post('/api/inburgeraars').set('X-Api-Key', h.users.coa.key).send(body);
      // Stored and answered without Temporal (before the pending starts: 503 after the client's retries).
      expect(res.status).toBe(201);
      expect(Date.now() - before).toBeLessThan(5_000);
      const id = res.body.inburgeraarId as string;
      expect(await h.db.inburgeraar.count({ where: { id } })).toBe(1);
      // The sender's retry is answered as a repeat, also without Temporal: the same person, nothing new.
      const again = Date.now();
      const repeat = await request(app)
        .post('/api/inburgeraars')
        .set('X-Api-Key', h.users.coa.key)
        .send(body);
      expect(repeat.status).toBe(200);
      expect(repeat.body).toMatchObject({ inburgeraarId: id, created: false });
      expect(Date.now() - again).toBeLessThan(5_000);
      expect(await h.db.inburgeraar.count({ where: { koppelingRef: body.koppelingRef as string } })).toBe(1);
      await until('the first start failed and was counted', async () => {
        const row = await h.db.pendingStart.findUnique({ where: { inburgeraarId: id } });
        return (row?.attempts ?? 0) >= 1;
      });
      const row = await h.db.pendingStart.findUniqueOrThrow({ where: { inburgeraarId: id } });
      expect(row.lastError).toBeTruthy();
      // IT sees it on /metrics: one waiting, one failed try in this process.
      const metrics = (await request(app).get('/metrics').expect(200)).text;
      expect(metrics).toMatch(/^inburgering_trajectory_starts_pending 1$/m);
      expect(metrics).toMatch(/^inburgering_trajectory_start_attempts\{result="failed"\} [1-9]/m);
      expect(row.lastError).not.toContain('Amira');

      // Temporal back on the same address: a sweep starts it, and the row goes.
      server = await startDevServer({ port, headless: true, logFile });
      await until(
        'the pending start is gone',
        async () => !(await h.db.pendingStart.findUnique({ where: { inburgeraarId: id } })),
        120_000,
      );
      const description = await client.workflow.getHandle(workflowIdFor(id)).describe();
      expect(description.type).toBe('trajectory');
      expect(description.taskQueue).toBe(h.taskQueue);
      const after = (await request(app).get('/metrics').expect(200)).text;
      expect(after).toMatch(/^inburgering_trajectory_starts_pending 0$/m);
      expect(after).toMatch(/^inburgering_trajectory_start_attempts\{result="started"\} 1$/m);
    } finally {
      await connection.close().catch(() => undefined);
      await server?.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 240_000);
});

describe('retryDelayMs', () => {
  it('doubles from 1 s after each failure and stays at 5 minutes', () => {
    expect([1, 2, 3, 4].map(retryDelayMs)).toEqual([1000, 2000, 4000, 8000]);
    expect(retryDelayMs(9)).toBe(256_000);
    expect(retryDelayMs(10)).toBe(300_000);
    expect(retryDelayMs(50)).toBe(300_000);
  });
});
