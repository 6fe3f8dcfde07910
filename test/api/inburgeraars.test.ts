/**
 * The koppeling starts one trajectory per person (never two), keeps personal data out of Temporal,
 * and reading a person answers from the workflow, with the name only for who may see it, and writes
 * an audit event. Unknown ids answer 404, malformed ones 400.
 */
import request from 'supertest';
import { decodeArrayFromPayloads } from '@temporalio/common/lib/internal-non-workflow';
import { personViewSchema, timelineSchema } from '../../api/routes/common';
import {
  koppelingBody,
  koppel,
  startApiHarness,
  testBsn,
  trajectoryStarted,
  type ApiHarness,
} from './helpers/harness';

let h: ApiHarness;
beforeAll(async () => {
  h = await startApiHarness('inburgeraars');
});
afterAll(async () => {
  await h?.close();
});

const post = (body: object, key = h.users.coa.key) =>
  request(h.app).post('/api/inburgeraars').set('X-Api-Key', key).send(body);
const get = (path: string, key = h.users.coach.key) => request(h.app).get(path).set('X-Api-Key', key);

describe('POST /api/inburgeraars (koppeling)', () => {
  it('stores the person, starts the trajectory workflow inburgering-<uuid> and keeps personal data out of Temporal', async () => {
    const body = koppelingBody({ coachId: h.users.coach.user.id, bsn: testBsn(900001) });
    const res = await post(body).expect(201);
    expect(res.body).toMatchObject({ created: true, workflowId: `inburgering-${res.body.inburgeraarId}` });
    expect(res.body.inburgeraarId).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.headers.location).toBe(`/api/inburgeraars/${res.body.inburgeraarId}`);

    await trajectoryStarted(h, res.body.inburgeraarId);
    const handle = h.env.client.workflow.getHandle(res.body.workflowId);
    const description = await handle.describe();
    expect(description.type).toBe('trajectory');
    expect(description.taskQueue).toBe(h.taskQueue);

    // The decoded start input: the koppeling facts, no BSN, no name, no address.
    const history = await handle.fetchHistory();
    const started = history.events?.[0]?.workflowExecutionStartedEventAttributes;
    const [input] = await decodeArrayFromPayloads(
      h.env.client.options.loadedDataConverter,
      started?.input?.payloads,
    );
    expect(input).toMatchObject({
      inburgeraarId: res.body.inburgeraarId,
      coachId: h.users.coach.user.id,
      koppelingDate: '2026-09-01',
    });
    const persoon = body.persoon as Record<string, string>;
    const inputText = JSON.stringify(input);
    for (const value of [persoon.bsn, persoon.voornaam, persoon.achternaam, persoon.adres])
      expect(inputText).not.toContain(value);

    // In the database the BSN is hashed and encrypted, never in clear.
    const row = await h.db.persoonsgegevens.findUnique({ where: { inburgeraarId: res.body.inburgeraarId } });
    expect(row?.bsnHash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(row)).not.toContain(persoon.bsn);
  });

  it('answers 200 with the existing trajectory for the same koppelingRef or the same BSN, and starts no second workflow', async () => {
    const first = koppelingBody({ coachId: h.users.coach.user.id });
    const created = await post(first).expect(201);
    await trajectoryStarted(h, created.body.inburgeraarId);
    const runId = (await h.env.client.workflow.getHandle(created.body.workflowId).describe()).runId;

    const sameRef = await post({
      ...first,
      persoon: { ...(first.persoon as object), bsn: testBsn(900002) },
    }).expect(200);
    const sameBsn = await post({ ...first, koppelingRef: `${first.koppelingRef}-bis` }).expect(200);
    for (const again of [sameRef, sameBsn]) {
      expect(again.body).toMatchObject({ inburgeraarId: created.body.inburgeraarId, created: false });
    }
    expect((await h.env.client.workflow.getHandle(created.body.workflowId).describe()).runId).toBe(runId);
    expect(await h.db.inburgeraar.count({ where: { koppelingRef: first.koppelingRef as string } })).toBe(1);

    // Concurrent duplicates as well: one person, one workflow.
    const racing = koppelingBody({ coachId: h.users.coach.user.id });
    const answers = await Promise.all([post(racing), post(racing), post(racing)]);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 201]);
    expect(new Set(answers.map((a) => a.body.inburgeraarId)).size).toBe(1);
  });

  it('answers 400 with field and reason for bad input and an unknown coach', async () => {
    const good = koppelingBody({ coachId: h.users.coach.user.id });
    const cases: [Record<string, unknown>, string][] = [
      [{ ...good, persoon: { ...(good.persoon as object), bsn: '123456789' } }, 'persoon.bsn'],
      [{ ...good, koppelingDate: '2026-02-30' }, 'koppelingDate'],
      [{ ...good, doelgroep: 'toerist' }, 'doelgroep'],
      [{ ...good, persoon: undefined }, 'persoon'],
      [{ ...good, gemeenteCode: 'Zwolle' }, 'gemeenteCode'],
      [{ ...good, coachId: h.users.manager.user.id }, 'coachId'],
    ];
    for (const [body, field] of cases) {
      const res = await post(body).expect(400);
      expect(res.body.error).toBe('VALIDATION');
      expect(res.body.issues).toEqual(expect.arrayContaining([{ field, reason: expect.any(String) }]));
    }
  });
});

describe('GET /api/inburgeraars/:id', () => {
  it('answers the state from the workflow with every deadline and its legal source, plus the name for the coach', async () => {
    const body = koppelingBody({
      coachId: h.users.coach.user.id,
      import: {
        phase: 'PIP',
        intakePlannedDate: '2026-09-10',
        intakeDate: '2026-09-15',
        kennisgevingDate: '2026-09-05',
        brpInschrijvingDate: '2026-09-03',
      },
    });
    const id = (await post(body).expect(201)).body.inburgeraarId as string;
    const res = await get(`/api/inburgeraars/${id}`).expect(200);
    expect(res.body).toMatchObject({
      inburgeraarId: id,
      workflowId: `inburgering-${id}`,
      persoon: { voornaam: 'Amira', achternaam: (body.persoon as { achternaam: string }).achternaam },
      state: { phase: 'PIP', coachId: h.users.coach.user.id },
      links: { temporalUi: expect.stringContaining(`/workflows/inburgering-${id}`) },
    });
    expect(res.body.persoon.bsn).toBeUndefined();
    expect(personViewSchema.strict().safeParse(res.body).error).toBeUndefined();
    const pip = res.body.state.deadlines.find((d: { key: string }) => d.key === 'PIP_VASTSTELLEN');
    expect(pip).toMatchObject({
      dueDate: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
      source: expect.any(String),
    });
    expect(Array.isArray(res.body.overdue)).toBe(true);

    const reads = await h.db.auditEvent.findMany({ where: { inburgeraarId: id, action: 'PERSON_READ' } });
    expect(reads).toHaveLength(1);
    expect(reads[0]!.actor).toBe(h.users.coach.user.id);
    expect(JSON.parse(reads[0]!.details)).toEqual({ view: 'full', actorRole: 'coach' });
    expect(reads[0]!.details).not.toContain('Amira');
  });

  it('answers 404 for an unknown id and 400 for a malformed one', async () => {
    await get('/api/inburgeraars/5b0e4a36-5d1c-4a8e-9a0a-000000000000', h.users.manager.key).expect(404, {
      error: 'NOT_FOUND',
      message: 'inburgeraar not found',
    });
    const res = await get('/api/inburgeraars/123456789', h.users.manager.key).expect(400);
    expect(res.body.issues[0].field).toBe('id');
    await get('/api/inburgeraars/5b0e4a36-5d1c-4a8e-9a0a-000000000000/timeline', h.users.manager.key).expect(
      404,
    );
    await request(h.app)
      .put('/api/inburgeraars/5b0e4a36-5d1c-4a8e-9a0a-000000000000/coach')
      .set('X-Api-Key', h.users.manager.key)
      .send({ coachId: h.users.coach2.user.id })
      .expect(404);
    await get('/api/nothing-here', h.users.manager.key).expect(404);
  });
});

describe('timeline and reassignment', () => {
  it('shows audit events and notifications, and a reassignment tells the workflow and moves the caseload', async () => {
    const id = await koppel(h);
    await request(h.app)
      .post(`/api/inburgeraars/${id}/acties/planBredeIntake`)
      .set('X-Api-Key', h.users.coach.key)
      .send({ plannedDate: '2026-12-10' })
      .expect(200);

    const timeline = await get(`/api/inburgeraars/${id}/timeline`).expect(200);
    const types = timeline.body.entries.map((e: { type: string }) => e.type);
    expect(types).toEqual(expect.arrayContaining(['KOPPELING_REGISTERED']));
    expect(timeline.body.entries.length).toBeGreaterThanOrEqual(2);
    expect(timeline.body.deadlines.length).toBeGreaterThan(0);
    expect(timelineSchema.safeParse(timeline.body).error).toBeUndefined();

    const moved = await request(h.app)
      .put(`/api/inburgeraars/${id}/coach`)
      .set('X-Api-Key', h.users.manager.key)
      .send({ coachId: h.users.coach2.user.id })
      .expect(200);
    expect(moved.body.coachId).toBe(h.users.coach2.user.id);
    // The old coach lost access at once; the new one has it.
    await get(`/api/inburgeraars/${id}`, h.users.coach.key).expect(403);
    await get(`/api/inburgeraars/${id}`, h.users.coach2.key).expect(200);
    // Actions too: the workflow's validator checks who acts (one round trip, no query first).
    const plans = async () =>
      (await get(`/api/inburgeraars/${id}/timeline`, h.users.manager.key).expect(200)).body.entries.filter(
        (e: { type: string }) => e.type === 'planBredeIntake',
      ).length;
    const plansBefore = await plans();
    const denied = await request(h.app)
      .post(`/api/inburgeraars/${id}/acties/planBredeIntake`)
      .set('X-Api-Key', h.users.coach.key)
      .send({ plannedDate: '2026-12-11' })
      .expect(403);
    expect(denied.body).toMatchObject({ error: 'FORBIDDEN', message: 'not in your caseload' });
    expect(await plans()).toBe(plansBefore);
    await request(h.app)
      .post(`/api/inburgeraars/${id}/acties/planBredeIntake`)
      .set('X-Api-Key', h.users.coach2.key)
      .send({ plannedDate: '2026-12-11' })
      .expect(200);
    expect(await plans()).toBe(plansBefore + 1);
    expect((await h.db.inburgeraar.findUnique({ where: { id } }))?.coachId).toBe(h.users.coach2.user.id);

    // Same coach again: the workflow refuses, 409 with its rule; not a coach: 400.
    const same = await request(h.app)
      .put(`/api/inburgeraars/${id}/coach`)
      .set('X-Api-Key', h.users.manager.key)
      .send({ coachId: h.users.coach2.user.id })
      .expect(409);
    expect(same.body.error).toBe('COACH_UNCHANGED');
    await request(h.app)
      .put(`/api/inburgeraars/${id}/coach`)
      .set('X-Api-Key', h.users.manager.key)
      .send({ coachId: h.users.partner.user.id })
      .expect(400);
  });
});
