/**
 * The role matrix: every route of the route table, tried by every role (and without credentials).
 * Table-driven: one row per route, one expected status per caller. A route added to the table
 * without a row here fails the first test, so the matrix cannot fall behind.
 *
 * Callers: a coach whose caseload holds the person and one whose does not; a partner the person is
 * referred to (the taalschool of the PIP) and one it is not.
 */
import { Writable } from 'node:stream';
import pino from 'pino';
import request from 'supertest';
import { routeTable } from '../../api/routes';
import { createPersonalLinks } from '../../api/personal-links/links';
import { partnerPersonViewSchema } from '../../api/routes/common';
import {
  act,
  koppelingBody,
  koppel,
  PHASE_FIXTURES,
  startApiHarness,
  type ApiHarness,
} from './helpers/harness';

type Caller = 'anonymous' | 'coa' | 'coach' | 'otherCoach' | 'manager' | 'partner' | 'otherPartner' | 'admin';
const CALLERS: Caller[] = [
  'anonymous',
  'coa',
  'coach',
  'otherCoach',
  'manager',
  'partner',
  'otherPartner',
  'admin',
];

interface Ctx {
  h: ApiHarness;
  personId: string;
  throwawayKeyId: string;
  linkId: string;
}
interface Row {
  method: 'get' | 'post' | 'put' | 'delete';
  /** The route table's path (for the coverage check). */
  route: string;
  path: (c: Ctx) => string;
  body?: (c: Ctx) => object;
  /** Expected status per caller; callers not listed answer 403 (401 for anonymous). */
  allowed: Partial<Record<Caller, number>>;
}

const ALL_AUTHENTICATED = {
  coa: 200,
  coach: 200,
  otherCoach: 200,
  manager: 200,
  partner: 200,
  otherPartner: 200,
  admin: 200,
};

const rows: Row[] = [
  {
    method: 'post',
    route: '/api/inburgeraars/:id/meldingen/:soort',
    path: (c) => `/api/inburgeraars/${c.personId}/meldingen/lesuren`,
    body: () => ({ kind: 'LESSEN', hours: 5, periodEnd: '2026-11-01' }),
    allowed: { partner: 202 },
  },
  {
    method: 'get',
    route: '/healthz',
    path: () => '/healthz',
    allowed: { anonymous: 200, ...ALL_AUTHENTICATED },
  },
  { method: 'get', route: '/api/me', path: () => '/api/me', allowed: ALL_AUTHENTICATED },
  {
    method: 'post',
    route: '/api/inburgeraars',
    path: () => '/api/inburgeraars',
    body: (c) => koppelingBody({ coachId: c.h.users.coach.user.id }),
    allowed: { coa: 201, manager: 201, admin: 201 },
  },
  {
    method: 'get',
    route: '/api/inburgeraars/:id',
    path: (c) => `/api/inburgeraars/${c.personId}`,
    allowed: { coach: 200, manager: 200, partner: 200 },
  },
  {
    method: 'get',
    route: '/api/inburgeraars/:id/timeline',
    path: (c) => `/api/inburgeraars/${c.personId}/timeline`,
    allowed: { coach: 200, manager: 200 },
  },
  {
    method: 'put',
    route: '/api/inburgeraars/:id/coach',
    path: (c) => `/api/inburgeraars/${c.personId}/coach`,
    // The same coach again: past the role check the workflow refuses (409), so nothing moves.
    body: (c) => ({ coachId: c.h.users.coach.user.id }),
    allowed: { manager: 409 },
  },
  {
    method: 'post',
    route: '/api/inburgeraars/:id/acties/:actie',
    path: (c) => `/api/inburgeraars/${c.personId}/acties/recordProgressHours`,
    body: () => ({ kind: 'LESSEN', hours: 10, periodEnd: '2026-11-01' }),
    allowed: { coach: 200, manager: 200 },
  },
  {
    method: 'get',
    route: '/api/inburgeraars',
    path: () => '/api/inburgeraars',
    allowed: { coach: 200, otherCoach: 200, manager: 200, partner: 200, otherPartner: 200 },
  },
  { method: 'get', route: '/api/stats', path: () => '/api/stats', allowed: { manager: 200, admin: 200 } },
  { method: 'get', route: '/api/kpis', path: () => '/api/kpis', allowed: { manager: 200, admin: 200 } },
  {
    method: 'get',
    route: '/api/kpis.csv',
    path: () => '/api/kpis.csv',
    allowed: { manager: 200, admin: 200 },
  },
  {
    method: 'post',
    route: '/api/users',
    path: () => '/api/users',
    body: () => ({ name: 'Nieuwe coach', role: 'coach' }),
    allowed: { admin: 201 },
  },
  { method: 'get', route: '/api/users', path: () => '/api/users', allowed: { admin: 200 } },
  {
    method: 'post',
    route: '/api/users/:id/api-keys',
    path: (c) => `/api/users/${c.h.users.coach.user.id}/api-keys`,
    body: () => ({ label: 'matrix' }),
    allowed: { admin: 201 },
  },
  {
    method: 'get',
    route: '/api/users/:id/api-keys',
    path: (c) => `/api/users/${c.h.users.coach.user.id}/api-keys`,
    allowed: { admin: 200 },
  },
  {
    method: 'delete',
    route: '/api/api-keys/:keyId',
    path: (c) => `/api/api-keys/${c.throwawayKeyId}`,
    allowed: { admin: 200 },
  },
  {
    method: 'post',
    route: '/api/partners',
    path: () => '/api/partners',
    body: () => ({ name: 'Werkgever X', kind: 'werkgever' }),
    allowed: { admin: 201 },
  },
  {
    method: 'put',
    route: '/api/partners/:id',
    path: (c) => `/api/partners/${c.h.partnerIds.werkgever}`,
    body: () => ({ email: 'intake@taalschool.example' }),
    allowed: { admin: 200 },
  },
  {
    method: 'get',
    route: '/api/partners',
    path: () => '/api/partners',
    allowed: { admin: 200, manager: 200, coach: 200, otherCoach: 200 },
  },
  {
    method: 'get',
    route: '/api/werk/caseload',
    path: () => '/api/werk/caseload',
    allowed: { coach: 200, otherCoach: 200, manager: 200 },
  },
  { method: 'get', route: '/api/coaches', path: () => '/api/coaches', allowed: { manager: 200 } },
  {
    method: 'get',
    route: '/api/acties',
    path: () => '/api/acties',
    allowed: { coach: 200, otherCoach: 200, manager: 200 },
  },
  {
    method: 'get',
    route: '/api/inburgeraars/:id/mogelijke-acties',
    path: (c) => `/api/inburgeraars/${c.personId}/mogelijke-acties`,
    allowed: { coach: 200, manager: 200 },
  },
  {
    method: 'get',
    route: '/api/werk/inburgeraars/:id/tijdlijn',
    path: (c) => `/api/werk/inburgeraars/${c.personId}/tijdlijn`,
    allowed: { coach: 200, manager: 200 },
  },
  {
    method: 'get',
    route: '/api/werk/meldingen',
    path: () => '/api/werk/meldingen',
    allowed: { manager: 200 },
  },
  {
    method: 'post',
    route: '/api/inburgeraars/:id/persoonlijke-links',
    path: (c) => `/api/inburgeraars/${c.personId}/persoonlijke-links`,
    body: () => ({}),
    allowed: { coach: 201, manager: 201 },
  },
  {
    method: 'get',
    route: '/api/inburgeraars/:id/persoonlijke-links',
    path: (c) => `/api/inburgeraars/${c.personId}/persoonlijke-links`,
    allowed: { coach: 200, manager: 200 },
  },
  {
    method: 'delete',
    route: '/api/inburgeraars/:id/persoonlijke-links/:linkId',
    path: (c) => `/api/inburgeraars/${c.personId}/persoonlijke-links/${c.linkId}`,
    allowed: { coach: 200, manager: 200 },
  },
  {
    method: 'get',
    route: '/api/inburgeraars/:id/inzage',
    path: (c) => `/api/inburgeraars/${c.personId}/inzage`,
    allowed: { manager: 200 },
  },
  {
    method: 'get',
    route: '/api/inburgeraars/:id/inzage.html',
    path: (c) => `/api/inburgeraars/${c.personId}/inzage.html`,
    allowed: { manager: 200 },
  },
  {
    method: 'post',
    route: '/api/inburgeraars/:id/correctie',
    path: (c) => `/api/inburgeraars/${c.personId}/correctie`,
    body: () => ({ telefoon: '06-12345678', toelichting: 'op verzoek van de inburgeraar' }),
    allowed: { manager: 200 },
  },
  { method: 'get', route: '/api/schedules', path: () => '/api/schedules', allowed: { manager: 200 } },
];

let h: ApiHarness;
let ctx: Ctx;
const logLines: Record<string, unknown>[] = [];
let loggedApp: ApiHarness['app'];

beforeAll(async () => {
  h = await startApiHarness('roles');
  const personId = await koppel(h, { import: { ...PHASE_FIXTURES.pip } });
  // The PIP refers the person to the taalschool: that partner may see them, the werkgever not.
  await act(h, personId, 'setPip', {
    decisionDate: '2026-10-01',
    route: 'B1',
    modules: [{ module: 'PVT' }, { module: 'MAP', agreedEndDate: '2027-06-01' }, { module: 'KNM' }],
    taalschoolPartnerId: h.partnerIds.taalschool,
  }).expect(200);
  const throwaway = await h.addUser('coa');
  const keys = await h.stores.users.listApiKeys(throwaway.user.id);
  const { link } = await createPersonalLinks(h.db).create({
    inburgeraarId: personId,
    createdBy: h.users.coach.user.id,
    validDays: 90,
  });
  ctx = { h, personId, throwawayKeyId: keys[0]!.id, linkId: link.id };
  const sink = new Writable({
    write(chunk, _enc, done) {
      logLines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  loggedApp = h.appWith({}, { log: pino({ level: 'info' }, sink) });
});
afterAll(async () => {
  await h?.close();
});

function keyOf(caller: Caller): string | undefined {
  const u = h.users;
  return {
    anonymous: undefined,
    coa: u.coa.key,
    coach: u.coach.key,
    otherCoach: u.coach2.key,
    manager: u.manager.key,
    partner: u.partner.key,
    otherPartner: u.partner2.key,
    admin: u.admin.key,
  }[caller];
}

it('has a row for every route in the route table', () => {
  const table = routeTable.map((r) => `${r.method} ${r.path}`).sort();
  expect(rows.map((r) => `${r.method} ${r.route}`).sort()).toEqual(table);
});

describe.each(rows.map((r) => [`${r.method.toUpperCase()} ${r.route}`, r] as const))('%s', (_name, row) => {
  it.each(CALLERS)('as %s', async (caller) => {
    const expected = row.allowed[caller] ?? (caller === 'anonymous' ? 401 : 403);
    let req = request(h.app)[row.method](row.path(ctx));
    const key = keyOf(caller);
    if (key) req = req.set('X-Api-Key', key);
    const res = await (row.body ? req.send(row.body(ctx)) : req);
    expect({ caller, status: res.status, body: res.status === expected ? 'as expected' : res.body }).toEqual({
      caller,
      status: expected,
      body: 'as expected',
    });
  });
});

describe('what a partner sees', () => {
  it('gets phase, route and its module dates only: no name, BSN, address, coach or deadlines', async () => {
    const res = await request(h.app)
      .get(`/api/inburgeraars/${ctx.personId}`)
      .set('X-Api-Key', h.users.partner.key)
      .expect(200);
    expect(Object.keys(res.body).sort()).toEqual(
      [
        'exams',
        'hours',
        'inburgeraarId',
        'modules',
        'paused',
        'phase',
        'route',
        'taalniveau',
        'termijnStart',
      ].sort(),
    );
    expect(res.body).toMatchObject({ phase: 'LEERROUTE', route: 'B1' });
    // The documented schema (OpenAPI) is what is answered.
    expect(partnerPersonViewSchema.strict().safeParse(res.body).error).toBeUndefined();
    expect(res.body.modules.map((m: { module: string }) => m.module).sort()).toEqual(['KNM', 'MAP', 'PVT']);
    const text = JSON.stringify(res.body);
    expect(text).not.toContain('Amira');
    expect(text).not.toContain(h.users.coach.user.id);
  });

  it('lists only people referred to it', async () => {
    await koppel(h);
    const mine = await request(h.app)
      .get('/api/inburgeraars')
      .set('X-Api-Key', h.users.partner.key)
      .expect(200);
    const theirs = await request(h.app)
      .get('/api/inburgeraars')
      .set('X-Api-Key', h.users.partner2.key)
      .expect(200);
    expect(theirs.body.items).toEqual([]);
    expect(mine.body.items.map((i: { inburgeraarId: string }) => i.inburgeraarId)).toEqual([ctx.personId]);
    expect(mine.body.items[0]).toEqual({
      inburgeraarId: ctx.personId,
      phase: 'LEERROUTE',
      route: 'B1',
      paused: false,
    });
  });
});

describe('denials are logged without personal data', () => {
  it('logs 401 and 403 with ids and role only', async () => {
    const bad = 'ir_' + 'x'.repeat(43);
    await request(loggedApp)
      .get(`/api/inburgeraars/${ctx.personId}`)
      .set('Authorization', `Bearer ${bad}`)
      .expect(401);
    await request(loggedApp)
      .get(`/api/inburgeraars/${ctx.personId}`)
      .set('X-Api-Key', h.users.coach2.key)
      .expect(403);
    await request(loggedApp).get('/api/users').set('X-Api-Key', h.users.coach.key).expect(403);
    const denials = logLines.filter((l) => l.event === 'auth.denied');
    expect(denials.map((d) => d.status)).toEqual([401, 403, 403]);
    expect(denials[2]).toMatchObject({ userId: h.users.coach.user.id, role: 'coach', route: '/api/users' });
    const all = JSON.stringify(logLines);
    for (const secret of [bad, h.users.coach.key, h.users.coach2.key, 'Amira'])
      expect(all).not.toContain(secret);
  });
});
