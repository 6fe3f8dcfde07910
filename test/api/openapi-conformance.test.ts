/**
 * Real answers of the API, checked against the API's own OpenAPI document (/api/openapi.json) with
 * a JSON Schema validator (test/api/helpers/openapi.ts): every main route, as each role uses it,
 * with its successes and its refusals (400, 401, 403, 404, 409, 422). A status the document does not
 * list, or a body its schema rejects, fails here: the document cannot drift from what is served.
 * (Every coach action's 200, 400 and 409 are checked the same way in acties.test.ts.)
 */
import request from 'supertest';
import { openApiChecker, type OpenApiChecker } from './helpers/openapi';
import {
  koppelingBody,
  PHASE_FIXTURES,
  startApiHarness,
  waitForReadModel,
  type ApiHarness,
} from './helpers/harness';

let h: ApiHarness;
let checker: OpenApiChecker;

beforeAll(async () => {
  h = await startApiHarness('openapi-conformance');
  checker = openApiChecker((await request(h.app).get('/api/openapi.json').expect(200)).body);
});
afterAll(async () => {
  await h?.close();
});

type Method = 'get' | 'post' | 'put' | 'delete';

/** One request; the answer must have `status` and conform to the document. */
async function call(
  method: Method,
  path: string,
  status: number,
  o: { key?: string | undefined; body?: object; idempotencyKey?: string } = {},
) {
  let req = request(h.app)[method](path);
  if (o.key) req = req.set('X-Api-Key', o.key);
  if (o.idempotencyKey) req = req.set('Idempotency-Key', o.idempotencyKey);
  const res = o.body === undefined ? await req : await req.send(o.body);
  expect({ path, status: res.status }).toEqual({ path, status });
  expect(checker.problems(method, path, res)).toEqual([]);
  return res;
}

it('the checker refuses what the document does not say', () => {
  const json = { 'content-type': 'application/json; charset=utf-8' };
  const me = { userId: 'u', role: 'coach', partnerId: null, via: 'api-key' };
  expect(checker.problems('get', '/api/me', { status: 200, body: me, headers: json })).toEqual([]);
  expect(
    checker.problems('get', '/api/me', { status: 200, body: { ...me, role: 1 }, headers: json }),
  ).not.toEqual([]);
  expect(
    checker.problems('get', '/api/me', { status: 200, body: { ...me, extra: 1 }, headers: json }),
  ).not.toEqual([]);
  expect(checker.problems('get', '/api/me', { status: 418, body: {}, headers: json })).not.toEqual([]);
  expect(checker.problems('patch', '/api/me', { status: 200, body: me, headers: json })).not.toEqual([]);
  const refusal = { error: 'NOT_A_RULE', message: 'x' };
  const path = '/api/inburgeraars/0b7c1a57-8d4c-4c0e-9a77-5c2b5c0f0c11/acties/resume';
  expect(checker.problems('post', path, { status: 409, body: refusal, headers: json })).not.toEqual([]);
  expect(
    checker.problems('post', path, { status: 409, body: { ...refusal, error: 'NOT_PAUSED' }, headers: json }),
  ).toEqual([]);
});

it('answers every main route as documented', async () => {
  const { admin, coa, coach, coach2, manager, partner, partner2 } = h.users;
  const none = undefined;

  // System and the caller.
  await call('get', '/healthz', 200);
  for (const u of [admin, coa, coach, manager, partner]) await call('get', '/api/me', 200, { key: u.key });
  await call('get', '/api/me', 401, { key: none });
  await call('get', '/api/me', 401, { key: `ir_${'x'.repeat(43)}` });

  // Administration: users, keys, partners.
  const user = await call('post', '/api/users', 201, {
    key: admin.key,
    body: { id: 'conformance-coach', name: 'Coach Conform', role: 'coach', email: 'c@gemeente.example' },
  });
  await call('post', '/api/users', 409, {
    key: admin.key,
    body: { id: 'conformance-coach', name: 'X', role: 'coach' },
  });
  await call('post', '/api/users', 400, { key: admin.key, body: { name: '', role: 'keizer' } });
  await call('post', '/api/users', 403, { key: coach.key, body: { name: 'X', role: 'coach' } });
  await call('get', '/api/users', 200, { key: admin.key });
  const issued = await call('post', `/api/users/${user.body.id}/api-keys`, 201, { key: admin.key, body: {} });
  await call('post', '/api/users/nobody/api-keys', 404, { key: admin.key, body: {} });
  await call('get', `/api/users/${user.body.id}/api-keys`, 200, { key: admin.key });
  await call('delete', `/api/api-keys/${issued.body.id}`, 200, { key: admin.key });
  await call('delete', '/api/api-keys/nope', 404, { key: admin.key });
  await call('post', '/api/partners', 201, {
    key: admin.key,
    body: {
      name: 'Taalhuis',
      kind: 'taalschool',
      webhookUrl: 'http://127.0.0.1:9/hook',
      webhookSecret: 'x'.repeat(20),
    },
  });
  await call('post', '/api/partners', 400, {
    key: admin.key,
    body: { name: 'Taalhuis', kind: 'taalschool', webhookUrl: 'http://127.0.0.1:9/hook' },
  });
  for (const u of [admin, manager, coach]) await call('get', '/api/partners', 200, { key: u.key });

  // Koppelingen: new (201), the same again (200), invalid (400), wrong role (403), replayed key (422).
  const body = koppelingBody({ coachId: coach.user.id, import: PHASE_FIXTURES.pip });
  const started = await call('post', '/api/inburgeraars', 201, { key: coa.key, body, idempotencyKey: 'k-1' });
  const id = started.body.inburgeraarId as string;
  await call('post', '/api/inburgeraars', 201, { key: coa.key, body, idempotencyKey: 'k-1' });
  await call('post', '/api/inburgeraars', 422, {
    key: coa.key,
    body: { ...body, koppelingDate: '2026-09-02' },
    idempotencyKey: 'k-1',
  });
  await call('post', '/api/inburgeraars', 200, { key: manager.key, body });
  await call('post', '/api/inburgeraars', 400, { key: coa.key, body: { ...body, persoon: { bsn: '123' } } });
  await call('post', '/api/inburgeraars', 400, {
    key: coa.key,
    body: { ...koppelingBody({ coachId: 'nobody' }) },
  });
  await call('post', '/api/inburgeraars', 403, { key: coach.key, body });
  await waitForReadModel(h, [id]);

  // Actions and the coach's reassignment: the summary (200), a rule's refusal (409), bad input (400).
  const pip = {
    decisionDate: '2026-10-01',
    route: 'B1',
    modules: [{ module: 'PVT', partnerId: h.partnerIds.taalschool }, { module: 'MAP' }, { module: 'KNM' }],
    taalschoolPartnerId: h.partnerIds.taalschool,
  };
  await call('post', `/api/inburgeraars/${id}/acties/setPip`, 200, {
    key: coach.key,
    body: pip,
    idempotencyKey: 'pip',
  });
  await call('post', `/api/inburgeraars/${id}/acties/setPip`, 200, {
    key: coach.key,
    body: pip,
    idempotencyKey: 'pip',
  });
  await call('post', `/api/inburgeraars/${id}/acties/setPip`, 409, { key: coach.key, body: pip });
  await call('post', `/api/inburgeraars/${id}/acties/startModule`, 400, {
    key: coach.key,
    body: { module: 'YOGA' },
  });
  await call('post', `/api/inburgeraars/${id}/acties/startModule`, 403, {
    key: coach2.key,
    body: { module: 'PVT', date: '2026-10-10' },
  });
  await call('post', '/api/inburgeraars/0b7c1a57-8d4c-4c0e-9a77-5c2b5c0f0c11/acties/startModule', 404, {
    key: coach.key,
    body: { module: 'PVT', date: '2026-10-10' },
  });
  await call('put', `/api/inburgeraars/${id}/coach`, 200, {
    key: manager.key,
    body: { coachId: coach2.user.id },
  });
  await call('put', `/api/inburgeraars/${id}/coach`, 409, {
    key: manager.key,
    body: { coachId: coach2.user.id },
  });
  await call('put', `/api/inburgeraars/${id}/coach`, 400, { key: manager.key, body: { coachId: 'nobody' } });
  await call('put', `/api/inburgeraars/${id}/coach`, 200, {
    key: manager.key,
    body: { coachId: coach.user.id },
  });

  // Partner reports (signals): accepted (202), not referred (403), bad input (400).
  await call('post', `/api/inburgeraars/${id}/meldingen/lesuren`, 202, {
    key: partner.key,
    body: { kind: 'LESSEN', hours: 12, periodEnd: '2026-10-31' },
  });
  await call('post', `/api/inburgeraars/${id}/meldingen/lesuren`, 403, {
    key: partner2.key,
    body: { kind: 'LESSEN', hours: 12, periodEnd: '2026-10-31' },
  });
  await call('post', `/api/inburgeraars/${id}/meldingen/examenuitslag`, 400, {
    key: partner.key,
    body: { attempt: 0 },
  });

  // Reading one person (full view, partner view), the timeline, the lists and the figures.
  await call('get', `/api/inburgeraars/${id}`, 200, { key: manager.key });
  await call('get', `/api/inburgeraars/${id}`, 200, { key: coach.key });
  await call('get', `/api/inburgeraars/${id}`, 200, { key: partner.key });
  await call('get', `/api/inburgeraars/${id}`, 403, { key: partner2.key });
  await call('get', '/api/inburgeraars/not-a-uuid', 400, { key: manager.key });
  await call('get', '/api/inburgeraars/0b7c1a57-8d4c-4c0e-9a77-5c2b5c0f0c11', 404, { key: manager.key });
  await call('get', `/api/inburgeraars/${id}/timeline`, 200, { key: coach.key });
  await call('get', `/api/inburgeraars/${id}/timeline`, 403, { key: partner.key });
  for (const u of [manager, coach, partner])
    await call('get', '/api/inburgeraars?sort=koppelingDate', 200, { key: u.key });
  await call('get', '/api/inburgeraars?overdue=misschien', 400, { key: manager.key });
  await call('get', '/api/stats', 200, { key: manager.key });
  await call('get', '/api/kpis', 200, { key: manager.key });
  await call('get', '/api/kpis.csv', 200, { key: admin.key });
  await call('get', '/api/kpis', 403, { key: coach.key });

  // The operations this test must have seen answers for.
  expect([...checker.seen].sort()).toEqual(
    expect.arrayContaining([
      'delete /api/api-keys/{keyId}',
      'get /api/inburgeraars',
      'get /api/inburgeraars/{id}',
      'get /api/inburgeraars/{id}/timeline',
      'get /api/kpis',
      'get /api/kpis.csv',
      'get /api/me',
      'get /api/partners',
      'get /api/stats',
      'get /api/users',
      'get /api/users/{id}/api-keys',
      'get /healthz',
      'post /api/inburgeraars',
      'post /api/inburgeraars/{id}/acties/setPip',
      'post /api/inburgeraars/{id}/acties/startModule',
      'post /api/inburgeraars/{id}/meldingen/examenuitslag',
      'post /api/inburgeraars/{id}/meldingen/lesuren',
      'post /api/partners',
      'post /api/users',
      'post /api/users/{id}/api-keys',
      'put /api/inburgeraars/{id}/coach',
    ]),
  );
});
