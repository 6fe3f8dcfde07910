/**
 * The page-API routes (api/routes/werk.ts) through supertest on the real app: the caseload by name
 * (overdue first, search by name without accents, by BSN through its keyed hash, a coach only her
 * own people), the action forms derived from commandSchemas, the allowed actions agreeing with
 * what the workflow then accepts or refuses, the timeline with names, held messages with the
 * reason, and an audit event for every answer that carries names (never the search text).
 */
import request from 'supertest';
import { COMMAND_NAMES, commandJsonSchema } from '../../domain';
import { ACTION_NAMES } from '../../api/routes/acties';
import {
  act,
  koppelingBody,
  PHASE_FIXTURES,
  startApiHarness,
  waitForReadModel,
  type ApiHarness,
} from './helpers/harness';

let h: ApiHarness;
const ids = { amal: '', bilal: '', other: '' };
let amalBsn = '';

const get = (path: string, key: string) => request(h.app).get(path).set('X-Api-Key', key);

beforeAll(async () => {
  h = await startApiHarness('werk');
  const koppel = async (voornaam: string, achternaam: string, coachId: string, extra = {}) => {
    const body = koppelingBody({ coachId, koppelingDate: '2025-01-06', ...extra });
    Object.assign(body.persoon as object, { voornaam, achternaam });
    const res = await request(h.app)
      .post('/api/inburgeraars')
      .set('X-Api-Key', h.users.coa.key)
      .send(body)
      .expect(201);
    return { id: res.body.inburgeraarId as string, bsn: (body.persoon as { bsn: string }).bsn };
  };
  const amal = await koppel('Amal', 'Haddad', h.users.coach.user.id, { import: PHASE_FIXTURES.pip });
  ids.amal = amal.id;
  amalBsn = amal.bsn;
  ids.bilal = (await koppel('Bilal', 'Çelik', h.users.coach.user.id)).id;
  ids.other = (await koppel('Chen', 'Wang', h.users.coach2.user.id)).id;
  await waitForReadModel(h, Object.values(ids));
});
afterAll(async () => {
  await h?.close();
});

describe('GET /api/werk/caseload', () => {
  it('lists a coach her own people by name, overdue first, with the next step', async () => {
    const res = await get('/api/werk/caseload', h.users.coach.key).expect(200);
    // Both are late on the same oldest deadline (huisvesting, from the koppeling): then by surname.
    expect(res.body.items.map((i: { naam: { voornaam: string } }) => i.naam.voornaam)).toEqual([
      'Bilal',
      'Amal',
    ]);
    const amal = res.body.items[1];
    expect(amal).toMatchObject({
      inburgeraarId: ids.amal,
      phase: 'PIP',
      overdue: true,
      nextStep: 'setPip',
      coach: { id: h.users.coach.user.id, name: h.users.coach.user.name },
    });
    expect(amal.overdueDeadlines.map((d: { key: string }) => d.key)).toContain('PIP_VASTSTELLEN');
    const pip = amal.overdueDeadlines.find((d: { key: string }) => d.key === 'PIP_VASTSTELLEN');
    expect(pip.source).toMatch(/Wi2021 art\. 15/);
  });

  it('searches by name ignoring case and accents, and by BSN exactly', async () => {
    const byName = await get('/api/werk/caseload?q=CELIK', h.users.coach.key).expect(200);
    expect(byName.body.items.map((i: { inburgeraarId: string }) => i.inburgeraarId)).toEqual([ids.bilal]);
    const byBsn = await get(`/api/werk/caseload?bsn=${amalBsn}`, h.users.coach.key).expect(200);
    expect(byBsn.body.items.map((i: { inburgeraarId: string }) => i.inburgeraarId)).toEqual([ids.amal]);
    // Another coach's person is not found by BSN either: the search stays inside the caseload.
    expect(
      (await get(`/api/werk/caseload?bsn=${amalBsn}`, h.users.coach2.key).expect(200)).body.items,
    ).toEqual([]);
    const bad = await get('/api/werk/caseload?bsn=123456789', h.users.coach.key).expect(400);
    expect(bad.body.issues[0].field).toBe('bsn');
  });

  it('gives a manager everyone, or one coach', async () => {
    expect((await get('/api/werk/caseload', h.users.manager.key).expect(200)).body.total).toBe(3);
    const one = await get(`/api/werk/caseload?coachId=${h.users.coach2.user.id}`, h.users.manager.key).expect(
      200,
    );
    expect(one.body.items.map((i: { naam: { voornaam: string } }) => i.naam.voornaam)).toEqual(['Chen']);
  });

  it('audits every answer with the ids shown, never the search text or the BSN', async () => {
    await get(`/api/werk/caseload?q=amal`, h.users.coach.key).expect(200);
    await get(`/api/werk/caseload?bsn=${amalBsn}`, h.users.coach.key).expect(200);
    const events = await h.db.auditEvent.findMany({
      where: { action: 'CASELOAD_READ' },
      orderBy: { id: 'desc' },
      take: 2,
    });
    expect(events.map((e) => JSON.parse(e.details))).toEqual([
      expect.objectContaining({ searched: 'bsn', inburgeraarIds: [ids.amal] }),
      expect.objectContaining({ searched: 'naam', inburgeraarIds: [ids.amal] }),
    ]);
    const all = JSON.stringify(events);
    expect(all).not.toContain(amalBsn);
    expect(all.toLowerCase()).not.toContain('amal');
  });
});

describe('the action forms and the allowed actions', () => {
  it('serves every action with the JSON Schema of commandSchemas', async () => {
    const res = await get('/api/acties', h.users.coach.key).expect(200);
    expect(res.body.map((a: { name: string }) => a.name)).toEqual(ACTION_NAMES);
    for (const a of res.body) expect(a.schema).toEqual(JSON.parse(JSON.stringify(commandJsonSchema(a.name))));
    expect(ACTION_NAMES.length).toBe(COMMAND_NAMES.length - 1); // all but reassignCoach (PUT /coach)
  });

  it('answers what the rules allow now, and the workflow agrees', async () => {
    const allowed = await get(`/api/inburgeraars/${ids.amal}/mogelijke-acties`, h.users.coach.key).expect(
      200,
    );
    const names = allowed.body.acties.map((a: { name: string }) => a.name);
    expect(names).toContain('setPip');
    expect(names).not.toContain('planBredeIntake');
    expect(names).not.toContain('startModule');
    // Left out → refused by the workflow; listed → accepted.
    await act(h, ids.amal, 'startModule', { module: 'PVT', date: '2025-04-01' }).expect(409);
    await act(h, ids.amal, 'setPip', {
      decisionDate: '2026-10-01', // after the fixture's intake (2026-09-15)
      route: 'B1',
      modules: [{ module: 'PVT' }, { module: 'MAP' }, { module: 'KNM' }],
    }).expect(200);
    const after = await get(`/api/inburgeraars/${ids.amal}/mogelijke-acties`, h.users.coach.key).expect(200);
    const start = after.body.acties.find((a: { name: string }) => a.name === 'startModule');
    expect(start.choices.module).toEqual(['PVT', 'MAP', 'KNM']);
    await get(`/api/inburgeraars/${ids.amal}/mogelijke-acties`, h.users.coach2.key).expect(403);
  });
});

describe('timeline and messages', () => {
  it('names who acted and says why a message was held', async () => {
    const res = await get(`/api/werk/inburgeraars/${ids.amal}/tijdlijn`, h.users.coach.key).expect(200);
    const setPip = res.body.events.find((e: { type: string }) => e.type === 'setPip');
    expect(setPip.actor).toEqual({ id: h.users.coach.user.id, name: h.users.coach.user.name });
    const held = res.body.notifications.filter((n: { status: string }) => n.status === 'held');
    expect(held.length).toBeGreaterThan(0);
    expect(held[0].reason).toMatch(/SMTP|e-mailadres|partner/);
    const problems = await get('/api/werk/meldingen', h.users.manager.key).expect(200);
    const mine = problems.body.items.filter((n: { inburgeraarId: string }) => n.inburgeraarId === ids.amal);
    expect(mine[0]).toMatchObject({
      naam: { voornaam: 'Amal', achternaam: 'Haddad' },
      coach: { id: h.users.coach.user.id },
    });
    await get('/api/werk/meldingen', h.users.coach.key).expect(403);
  });

  it('lists the coaches by name for the manager', async () => {
    const res = await get('/api/coaches', h.users.manager.key).expect(200);
    expect(res.body).toEqual(
      expect.arrayContaining([{ id: h.users.coach.user.id, name: h.users.coach.user.name }]),
    );
    expect(res.body.every((c: { id: string }) => c.id !== h.users.manager.user.id)).toBe(true);
  });
});
