/**
 * Retention end to end, against the dev server, a worker with the real activities and SQLite: a
 * trajectory with personal data everywhere it can be (record, free-text reasons in the audit trail,
 * a correction, a partner hand-off in the outbox, an Idempotency-Key answer) ends; the retention
 * activity, with an injected `now`, leaves everything in place the day before its date and, on the
 * date, removes every trace of the person from the database, Temporal and the logs, while the
 * monitoring figures stay the same and the audit chain stays valid. Then the Temporal Schedules:
 * installed by the worker wiring, run on demand, shown to a manager with their last and next run.
 */
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { WorkflowNotFoundError } from '@temporalio/common';
import pino from 'pino';
import request from 'supertest';
import { verifyAuditChain } from '../../activities/audit-chain';
import { applyRetention } from '../../activities/retention';
import { REDACT_PATHS } from '../../config/logger';
import { DEFAULT_RETENTION_POLICY, retentionDate } from '../../domain/retention';
import { ensureSchedules, privacySchedules } from '../../worker/schedules';
import {
  act,
  koppel,
  koppelingBody,
  PHASE_FIXTURES,
  startApiHarness,
  testBsn,
  type ApiHarness,
} from './helpers/harness';

const logLines: string[] = [];
const log = pino(
  { level: 'debug', redact: { paths: REDACT_PATHS, censor: '[redacted]' } },
  new Writable({
    write(chunk, _enc, done) {
      logLines.push(String(chunk));
      done();
    },
  }),
);

let h: ApiHarness;
beforeAll(async () => {
  h = await startApiHarness('retention', { log });
});
afterAll(async () => h?.close());

const unique = randomUUID().slice(0, 8);
const person = {
  bsn: testBsn(Number.parseInt(unique, 16) % 1_000_000),
  voornaam: `Zoë${unique}`,
  achternaam: `Bewaartermijn${unique}`,
  geboortedatum: '1991-03-04',
  email: `zoe.${unique}@voorbeeld.example`,
  telefoon: `06-${unique}`,
  adres: `Retentiestraat ${unique}, Zwolle`,
};
const corrected = `Bewaartermijnen${unique}`;
const pauseReason = `wacht op woning via ${unique}-familie`;
const endNote = `naar Duitsland, bij ${unique}-tante`;
const koppelingRef = `COA-RET-${unique}`;
const ENDED = '2026-11-20';

/** Everything in the database as text (every table, every column). */
async function databaseText(): Promise<string> {
  const tables = await h.db.$queryRawUnsafe<{ name: string }[]>(
    `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`,
  );
  const dump: unknown[] = [];
  for (const { name } of tables) dump.push(name, await h.db.$queryRawUnsafe(`SELECT * FROM "${name}"`));
  return JSON.stringify(dump, (_k, v: unknown) => (typeof v === 'bigint' ? Number(v) : v));
}

async function workflowGone(workflowId: string, timeoutMs = 30_000): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    try {
      await h.env.client.workflow.getHandle(workflowId).describe();
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return true;
      throw err;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return false;
}

describe('retention with an injected clock', () => {
  let id: string;
  let other: string;
  let personal: string[];

  beforeAll(async () => {
    const res = await request(h.app)
      .post('/api/inburgeraars')
      .set('X-Api-Key', h.users.coa.key)
      .set('Idempotency-Key', `koppeling-${unique}`)
      .send({
        ...koppelingBody({ coachId: h.users.coach.user.id, import: { ...PHASE_FIXTURES.pip } }),
        koppelingRef,
        persoon: person,
      })
      .expect(201);
    id = res.body.inburgeraarId;
    other = await koppel(h); // a running trajectory: retention must not touch it
    await act(h, id, 'setPip', {
      decisionDate: '2026-10-01',
      route: 'B1',
      modules: [{ module: 'PVT' }, { module: 'MAP' }, { module: 'KNM' }],
      taalschoolPartnerId: h.partnerIds.taalschool,
    }).expect(200);
    await act(h, id, 'pause', { date: '2026-11-01', reason: pauseReason }).expect(200);
    await act(h, id, 'resume', { date: '2026-11-10' }).expect(200);
    await request(h.app)
      .post(`/api/inburgeraars/${id}/correctie`)
      .set('X-Api-Key', h.users.manager.key)
      .send({ achternaam: corrected, toelichting: `paspoort getoond door ${unique}` })
      .expect(200);
    await request(h.app)
      .post(`/api/inburgeraars/${id}/acties/endTrajectory`)
      .set('X-Api-Key', h.users.coach.key)
      .set('Idempotency-Key', `einde-${unique}`)
      .send({ reason: 'VERTROKKEN', date: ENDED, toelichting: endNote })
      .expect(200);
    await h.env.client.workflow.getHandle(`inburgering-${id}`).result();
    const stored = await h.db.persoonsgegevens.findUniqueOrThrow({ where: { inburgeraarId: id } });
    personal = [
      person.bsn,
      stored.bsnHash,
      stored.bsnCiphertext,
      person.voornaam,
      person.achternaam,
      corrected,
      person.email,
      person.telefoon,
      person.adres,
      koppelingRef,
      pauseReason,
      endNote,
      `paspoort getoond door ${unique}`,
    ];
  });

  it('keeps everything until the date, then removes every trace of the person; the figures stay', async () => {
    const removalDay = retentionDate(ENDED, DEFAULT_RETENTION_POLICY);
    expect(removalDay).toBe('2031-11-20');
    const kpisBefore = (
      await request(h.app).get('/api/kpis').set('X-Api-Key', h.users.manager.key).expect(200)
    ).body;
    const statsBefore = (
      await request(h.app).get('/api/stats').set('X-Api-Key', h.users.manager.key).expect(200)
    ).body;

    // What is there before: the person's data in each place the issue names.
    const before = await databaseText();
    // (The BSN itself is never stored in clear: only its hash and ciphertext, which are in the list.)
    for (const text of personal.filter((t) => t !== person.bsn))
      expect({ text, found: before.includes(text) }).toEqual({ text, found: true });
    expect(await h.db.notificationOutbox.count({ where: { inburgeraarId: id, channel: 'webhook' } })).toBe(1);
    expect(await h.db.idempotencyRecord.count({ where: { responseBody: { contains: id } } })).toBeGreaterThan(
      0,
    );

    // The day before: nothing happens.
    const deps = { db: h.db, log, temporal: h.env.client };
    const early = await applyRetention(deps, {
      now: '2031-11-19T12:00:00Z',
      policy: DEFAULT_RETENTION_POLICY,
    });
    expect(early).toEqual({ anonymised: 0, workflowRunsDeleted: 0, waiting: 0 });
    expect(await databaseText()).toContain(pauseReason);
    await h.env.client.workflow.getHandle(`inburgering-${id}`).describe();

    // On the day (09:00 in Amsterdam): gone.
    const done = await applyRetention(deps, {
      now: '2031-11-20T08:00:00Z',
      policy: DEFAULT_RETENTION_POLICY,
    });
    expect(done).toMatchObject({ anonymised: 1, waiting: 0 });
    expect(done.workflowRunsDeleted).toBeGreaterThanOrEqual(1);

    const after = await databaseText();
    for (const text of personal)
      expect({ text, found: after.includes(text) }).toEqual({ text, found: false });
    expect(await h.db.inburgeraar.count({ where: { id } })).toBe(0);
    const outbox = await h.db.notificationOutbox.findMany({ where: { inburgeraarId: id } });
    expect(outbox.length).toBeGreaterThan(0);
    for (const row of outbox) {
      expect(row).toMatchObject({ subject: '', body: '', payload: '{}', recipient: null, recipientId: null });
      // Nothing is left for the delivery workflow to send.
      expect(['pending', 'held', 'sending']).not.toContain(row.status);
    }
    expect(await h.db.referral.count({ where: { inburgeraarId: id } })).toBe(0);

    // Temporal: the closed workflow's history is deleted (the server does it in the background,
    // seen to take over 30 s on a busy machine).
    expect(await workflowGone(`inburgering-${id}`, 120_000)).toBe(true);

    // The running trajectory is untouched.
    expect(await h.db.persoonsgegevens.count({ where: { inburgeraarId: other } })).toBe(1);
    await h.env.client.workflow.getHandle(`inburgering-${other}`).describe();

    // The figures are the same, and the audit trail's chain still holds.
    expect((await request(h.app).get('/api/kpis').set('X-Api-Key', h.users.manager.key)).body).toEqual(
      kpisBefore,
    );
    expect((await request(h.app).get('/api/stats').set('X-Api-Key', h.users.manager.key)).body).toEqual(
      statsBefore,
    );
    expect(await verifyAuditChain(h.db)).toMatchObject({ ok: true });
    const retention = await h.db.auditEvent.findFirstOrThrow({
      where: { inburgeraarId: id, action: 'RETENTION_APPLIED' },
    });
    expect(JSON.parse(retention.details).auditRowsAnonymised).toBeGreaterThan(5);

    // A second run has nothing left to do.
    expect(
      await applyRetention(deps, { now: '2031-11-21T08:00:00Z', policy: DEFAULT_RETENTION_POLICY }),
    ).toEqual({
      anonymised: 0,
      workflowRunsDeleted: 0,
      waiting: 0,
    });

    // Nothing personal was ever logged, by the API, the workflow's activities or the retention.
    expect(logLines.length).toBeGreaterThan(10);
    const logged = logLines.join('\n');
    for (const text of personal)
      expect({ text, logged: logged.includes(text) }).toEqual({ text, logged: false });
    expect(logged).toContain('retention applied');
  });
});

describe('the retention and clean-up schedules', () => {
  const schedules = () => privacySchedules(h.config);
  afterAll(async () => {
    for (const s of schedules())
      await h.env.client.schedule
        .getHandle(s.id)
        .delete()
        .catch(() => undefined);
  });

  it('are installed by the worker wiring, run, and a manager sees their last and next run', async () => {
    const [retention, cleanup] = schedules();
    // Before a worker installed them, the list says so.
    const none = await request(h.app).get('/api/schedules').set('X-Api-Key', h.users.manager.key).expect(200);
    expect(none.body.map((s: { installed: boolean }) => s.installed)).toEqual([false, false]);

    expect(await ensureSchedules(h.env.client, h.config)).toEqual([retention!.id, cleanup!.id]);
    expect(await ensureSchedules(h.env.client, h.config)).toHaveLength(2); // a second worker start updates
    const described = await h.env.client.schedule.getHandle(retention!.id).describe();
    expect(described.spec.calendars?.[0]).toMatchObject({ hour: [{ start: 2, end: 2, step: 1 }] });
    expect(described.spec.timezone).toBe('Europe/Amsterdam');

    // An old idempotency record is cleaned up by the clean-up schedule's workflow, a recent one stays.
    const record = { userId: 'u-1', method: 'POST', path: '/api/x', requestHash: 'h' };
    await h.db.idempotencyRecord.create({ data: { ...record, key: `new-${unique}` } });
    await h.db.idempotencyRecord.create({
      data: {
        userId: 'u-old',
        key: `old-${unique}`,
        method: 'POST',
        path: '/api/x',
        requestHash: 'h',
        createdAt: new Date(Date.now() - (h.config.IDEMPOTENCY_TTL_HOURS + 1) * 3_600_000),
      },
    });
    // An expired browser session goes too; a live one stays.
    const session = (sid: string, expiresAt: Date) => ({ sid: `${sid}-${unique}`, data: '{}', expiresAt });
    await h.db.webSession.create({ data: session('expired', new Date(Date.now() - 60_000)) });
    await h.db.webSession.create({ data: session('live', new Date(Date.now() + 3_600_000)) });
    for (const s of [retention!, cleanup!]) await h.env.client.schedule.getHandle(s.id).trigger();
    const until = Date.now() + 60_000;
    let body: { id: string; lastRun: { status: string | null } | null; nextRuns: string[] }[] = [];
    while (Date.now() < until) {
      body = (await request(h.app).get('/api/schedules').set('X-Api-Key', h.users.manager.key).expect(200))
        .body;
      if (body.every((s) => s.lastRun?.status === 'COMPLETED')) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(body).toEqual([
      expect.objectContaining({
        id: retention!.id,
        installed: true,
        paused: false,
        workflowType: 'retentionWorkflow',
        when: 'elke nacht om 02:30',
        lastRun: expect.objectContaining({ status: 'COMPLETED' }),
        runsTaken: 1,
      }),
      expect.objectContaining({
        id: cleanup!.id,
        installed: true,
        lastRun: expect.objectContaining({ status: 'COMPLETED' }),
      }),
    ]);
    for (const s of body) expect(Date.parse(s.nextRuns[0]!)).toBeGreaterThan(Date.now());
    expect(await h.db.idempotencyRecord.count({ where: { key: `old-${unique}` } })).toBe(0);
    expect(await h.db.idempotencyRecord.count({ where: { key: `new-${unique}` } })).toBe(1);
    expect(await h.db.webSession.count({ where: { sid: `expired-${unique}` } })).toBe(0);
    expect(await h.db.webSession.count({ where: { sid: `live-${unique}` } })).toBe(1);

    await request(h.app).get('/api/schedules').set('X-Api-Key', h.users.coach.key).expect(403);
  });
});
