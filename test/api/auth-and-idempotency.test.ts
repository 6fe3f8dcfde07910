/**
 * Authentication end to end through createApp: API keys issued and revoked through the admin API,
 * OpenID Connect tokens checked against a JWKS served from 127.0.0.1 by jose-generated keys; and
 * idempotent writes (a retried koppeling or action changes nothing twice).
 */
import request from 'supertest';
import { MemoryIdempotencyStore } from '../../api/http/idempotency';
import { requestFingerprint } from '../../api/http/route';
import { updateIdFor } from '../../application/run-command';
import { workflowIdFor } from '../../application/temporal';
import {
  KOPPELING_DATE_FOR,
  koppelingBody,
  koppel,
  PHASE_FIXTURES,
  startApiHarness,
  waitForReadModel,
  type ApiHarness,
} from './helpers/harness';
import { startTestOidcProvider, type TestOidcProvider } from './helpers/oidc';

let h: ApiHarness;
let oidc: TestOidcProvider;
beforeAll(async () => {
  [h, oidc] = await Promise.all([startApiHarness('auth'), startTestOidcProvider()]);
});
afterAll(async () => {
  await Promise.all([h?.close(), oidc?.close()]);
});

describe('API keys', () => {
  it('are issued once by an admin, work as Bearer and X-Api-Key, are stored hashed, and stop working when revoked', async () => {
    const admin = h.users.admin.key;
    const user = await request(h.app)
      .post('/api/users')
      .set('X-Api-Key', admin)
      .send({ name: 'Coach Sanne', role: 'coach', email: 'sanne@gemeente.example' })
      .expect(201);
    const issued = await request(h.app)
      .post(`/api/users/${user.body.id}/api-keys`)
      .set('X-Api-Key', admin)
      .send({ label: 'laptop' })
      .expect(201);
    const key = issued.body.key as string;
    expect(key).toMatch(/^ir_/);

    await request(h.app)
      .get('/api/me')
      .set('Authorization', `Bearer ${key}`)
      .expect(200, { userId: user.body.id, role: 'coach', partnerId: null, via: 'api-key' });
    await request(h.app).get('/api/me').set('X-Api-Key', key).expect(200);

    // Only the hash is stored, and the key list never shows the key.
    const row = await h.db.apiKey.findUnique({ where: { id: issued.body.id } });
    expect(row?.keyHash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(row)).not.toContain(key);
    const list = await request(h.app)
      .get(`/api/users/${user.body.id}/api-keys`)
      .set('X-Api-Key', admin)
      .expect(200);
    expect(JSON.stringify(list.body)).not.toContain(key);
    expect(list.body[0]).toMatchObject({
      id: issued.body.id,
      label: 'laptop',
      revokedAt: null,
      lastUsedAt: expect.any(String),
    });

    // A user who is no longer active cannot use a key that is still valid.
    await h.db.user.update({ where: { id: user.body.id }, data: { active: false } });
    await request(h.app).get('/api/me').set('X-Api-Key', key).expect(401);
    await h.db.user.update({ where: { id: user.body.id }, data: { active: true } });
    await request(h.app).get('/api/me').set('X-Api-Key', key).expect(200);

    const revoked = await request(h.app)
      .delete(`/api/api-keys/${issued.body.id}`)
      .set('X-Api-Key', admin)
      .expect(200);
    expect(revoked.body.revokedAt).toEqual(expect.any(String));
    await request(h.app).get('/api/me').set('Authorization', `Bearer ${key}`).expect(401);
    await request(h.app).delete('/api/api-keys/no-such-key').set('X-Api-Key', admin).expect(404);
  });

  it('answers 401 for missing, malformed and unknown credentials', async () => {
    await request(h.app).get('/api/me').expect(401);
    await request(h.app).get('/api/me').set('Authorization', 'Basic dXNlcjpwYXNz').expect(401);
    await request(h.app)
      .get('/api/me')
      .set('Authorization', `Bearer ir_${'A'.repeat(43)}`)
      .expect(401);
    // Without OIDC configured, a JWT is not accepted either.
    const token = await oidc.sign({ sub: 'x', roles: ['manager'] });
    await request(h.app).get('/api/me').set('Authorization', `Bearer ${token}`).expect(401);
  });

  it('creates a user under its OIDC subject, so a token and a coach assignment name the same person', async () => {
    const admin = h.users.admin.key;
    await request(h.app)
      .post('/api/users')
      .set('X-Api-Key', admin)
      .send({ id: 'kc-coach-7', name: 'Coach via SSO', role: 'coach' })
      .expect(201);
    await request(h.app)
      .post('/api/users')
      .set('X-Api-Key', admin)
      .send({ id: 'kc-coach-7', name: 'Again', role: 'coach' })
      .expect(409);
    const app = h.appWith({
      OIDC_ISSUER: oidc.issuer,
      OIDC_AUDIENCE: oidc.audience,
      OIDC_JWKS_URL: oidc.jwksUrl,
    });
    const id = await koppel(h, { coachId: 'kc-coach-7' });
    await waitForReadModel(h, [id]);
    const token = await oidc.sign({ sub: 'kc-coach-7', roles: ['coach'] });
    await request(app).get(`/api/inburgeraars/${id}`).set('Authorization', `Bearer ${token}`).expect(200);
    const list = await request(app)
      .get('/api/inburgeraars')
      .set('Authorization', `Bearer ${token}`)
      .expect(200);
    expect(list.body.items.map((i: { inburgeraarId: string }) => i.inburgeraarId)).toEqual([id]);
  });

  it('validates new users: a partner user needs an existing partner', async () => {
    const res = await request(h.app)
      .post('/api/users')
      .set('X-Api-Key', h.users.admin.key)
      .send({ name: 'P', role: 'partner' })
      .expect(400);
    expect(res.body.issues).toEqual([{ field: 'partnerId', reason: 'required for role partner' }]);
    await request(h.app)
      .post('/api/users')
      .set('X-Api-Key', h.users.admin.key)
      .send({ name: 'P', role: 'partner', partnerId: 'nope' })
      .expect(400);
    await request(h.app)
      .post('/api/users')
      .set('X-Api-Key', h.users.admin.key)
      .send({ name: 'P', role: 'superuser' })
      .expect(400);
  });
});

describe('OpenID Connect', () => {
  let app: ApiHarness['app'];
  beforeAll(() => {
    // Discovery through the issuer's /.well-known/openid-configuration (no OIDC_JWKS_URL).
    app = h.appWith({ OIDC_ISSUER: oidc.issuer, OIDC_AUDIENCE: oidc.audience, OIDC_ROLE_CLAIM: 'roles' });
  });

  it('accepts tokens signed by the issuer, with the role from the configured claim, next to API keys', async () => {
    const manager = await oidc.sign({ sub: 'oidc-manager', roles: ['manager'] });
    await request(app)
      .get('/api/me')
      .set('Authorization', `Bearer ${manager}`)
      .expect(200, { userId: 'oidc-manager', role: 'manager', partnerId: null, via: 'oidc' });
    await request(app).get('/api/stats').set('Authorization', `Bearer ${manager}`).expect(200);
    await request(app).get('/api/me').set('X-Api-Key', h.users.coach.key).expect(200);

    // A coach by token: the role check applies exactly as for keys.
    const coach = await oidc.sign({ sub: h.users.coach.user.id, roles: 'coach' });
    await request(app).get('/api/stats').set('Authorization', `Bearer ${coach}`).expect(403);
    const id = await koppel(h);
    await request(app).get(`/api/inburgeraars/${id}`).set('Authorization', `Bearer ${coach}`).expect(200);
  });

  it('answers 401 for a wrong audience, an expired token, a foreign key or an unknown role', async () => {
    for (const token of [
      await oidc.sign({ sub: 'a', roles: ['manager'] }, { audience: 'other-app' }),
      await oidc.sign({ sub: 'a', roles: ['manager'] }, { expiresIn: '-5m' }),
      await oidc.sign({ sub: 'a', roles: ['manager'] }, { foreignKey: true }),
      await oidc.sign({ sub: 'a', roles: ['god'] }),
    ]) {
      await request(app).get('/api/me').set('Authorization', `Bearer ${token}`).expect(401);
    }
    // The key set is cached, not fetched per request.
    expect(oidc.jwksFetches()).toBeLessThanOrEqual(2);
  });
});

describe('Idempotency-Key', () => {
  it('replays the first answer to a retried koppeling and starts nothing twice; another body with the key is 422', async () => {
    const body = koppelingBody({ coachId: h.users.coach.user.id });
    const send = (b: object, key = 'koppeling-1') =>
      request(h.app)
        .post('/api/inburgeraars')
        .set('X-Api-Key', h.users.coa.key)
        .set('Idempotency-Key', key)
        .send(b);
    const first = await send(body).expect(201);
    const retry = await send(body).expect(201);
    expect(retry.body).toEqual(first.body);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    const events = await h.db.auditEvent.count({
      where: { inburgeraarId: first.body.inburgeraarId, action: { startsWith: 'KOPPELING_' } },
    });
    expect(events).toBe(1);
    const other = await send({ ...body, koppelingDate: '2026-09-02' }).expect(422);
    expect(other.body.error).toBe('IDEMPOTENCY_KEY_REUSED');
    // The same key from another user is their own key.
    await request(h.app)
      .post('/api/inburgeraars')
      .set('X-Api-Key', h.users.manager.key)
      .set('Idempotency-Key', 'koppeling-1')
      .send(body)
      .expect(200);
  });

  it('applies a retried action once', async () => {
    const id = await koppel(h, {
      import: {
        phase: 'LEERROUTE',
        kennisgevingDate: '2026-09-05',
        intakePlannedDate: '2026-09-10',
        intakeDate: '2026-09-15',
        pipDecisionDate: '2026-10-01',
        route: 'B1',
        modules: [{ module: 'PVT' }, { module: 'MAP' }, { module: 'KNM' }],
      },
    });
    const send = () =>
      request(h.app)
        .post(`/api/inburgeraars/${id}/acties/recordProgressHours`)
        .set('X-Api-Key', h.users.coach.key)
        .set('Idempotency-Key', 'uren-oktober')
        .send({ kind: 'LESSEN', hours: 40, periodEnd: '2026-10-31' });
    const first = await send().expect(200);
    const again = await send().expect(200);
    expect(again.body).toEqual(first.body);
    const state = await request(h.app)
      .get(`/api/inburgeraars/${id}`)
      .set('X-Api-Key', h.users.coach.key)
      .expect(200);
    expect(state.body.state.hours.LESSEN).toBe(40);
    expect(state.body.state.eventSeq).toBe(first.body.eventSeq);

    // A refusal is an answer too: the retry gets the same 409, even if the rules would now allow it.
    const refusedKey = () =>
      request(h.app)
        .post(`/api/inburgeraars/${id}/acties/resume`)
        .set('X-Api-Key', h.users.coach.key)
        .set('Idempotency-Key', 'hervat-1')
        .send({ date: '2026-11-10' });
    await refusedKey().expect(409);
    await request(h.app)
      .post(`/api/inburgeraars/${id}/acties/pause`)
      .set('X-Api-Key', h.users.coach.key)
      .send({ date: '2026-11-01', reason: 'Ziek' })
      .expect(200);
    const replayed = await refusedKey().expect(409);
    expect(replayed.body.error).toBe('NOT_PAUSED');
  });

  it('is the Temporal update id: a retry applies once even when the API lost its own record of the first answer', async () => {
    const id = await koppel(h, { import: PHASE_FIXTURES.b1, koppelingDate: KOPPELING_DATE_FOR('b1') });
    const path = `/api/inburgeraars/${id}/acties/recordProgressHours`;
    const body = { kind: 'LESSEN', hours: 40, periodEnd: '2026-10-31' };
    // Two API instances, each with an empty idempotency store of its own: a restart that lost the
    // table, or a retry that reaches another instance. Only Temporal can recognise the retry.
    const instance = () => h.appWith({}, { idempotency: new MemoryIdempotencyStore() });
    const send = (app: ApiHarness['app'], key = h.users.coach.key, idempotencyKey = 'uren-november') =>
      request(app).post(path).set('X-Api-Key', key).set('Idempotency-Key', idempotencyKey).send(body);

    const first = await send(instance()).expect(200);
    const retry = await send(instance()).expect(200);
    expect(retry.headers['idempotent-replayed']).toBeUndefined(); // not the API's replay: Temporal's
    expect(retry.body).toEqual(first.body);
    const stateOf = async () =>
      (await request(h.app).get(`/api/inburgeraars/${id}`).set('X-Api-Key', h.users.manager.key).expect(200))
        .body.state;
    expect((await stateOf()).hours.LESSEN).toBe(40);

    // The update id is a hash of user, key, command and input: one accepted update in the history.
    const updateId = updateIdFor(h.users.coach.user.id, 'uren-november', 'recordProgressHours', {
      ...body,
      actorId: h.users.coach.user.id,
    });
    const history = await h.env.client.workflow.getHandle(workflowIdFor(id)).fetchHistory();
    const accepted = (history.events ?? [])
      .map((e) => e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.meta?.updateId)
      .filter(Boolean);
    expect(accepted.filter((u) => u === updateId)).toHaveLength(1);

    // The same key from another user is another update; another key is another update.
    await send(instance(), h.users.manager.key).expect(200);
    await send(instance(), h.users.coach.key, 'uren-november-2').expect(200);
    const state = await stateOf();
    expect(state.hours.LESSEN).toBe(120);
    expect(state.eventSeq).toBe(first.body.eventSeq + 2);
  });

  it('answers 409 while the first request still runs, and lets a retry take over a claim left by a crash', async () => {
    const id = await koppel(h);
    const path = `/api/inburgeraars/${id}/acties/registerKennisgeving`;
    const body = { date: '2026-09-05' };
    // A claim as a request that is still running (or whose process died) leaves it.
    await h.db.idempotencyRecord.create({
      data: {
        userId: h.users.coach.user.id,
        key: 'stuck',
        method: 'POST',
        path,
        requestHash: requestFingerprint('post', path, body),
      },
    });
    const send = () =>
      request(h.app)
        .post(path)
        .set('X-Api-Key', h.users.coach.key)
        .set('Idempotency-Key', 'stuck')
        .send(body);
    expect((await send().expect(409)).body.error).toBe('IDEMPOTENCY_IN_PROGRESS');
    await h.db.idempotencyRecord.updateMany({
      where: { key: 'stuck' },
      data: { createdAt: new Date(Date.now() - 10 * 60_000) },
    });
    const taken = await send();
    expect({ status: taken.status, body: taken.body }).toEqual({
      status: 200,
      body: expect.objectContaining({ inburgeraarId: id }),
    });
    expect((await send().expect(200)).headers['idempotent-replayed']).toBe('true');
    const long = await request(h.app)
      .post(path)
      .set('X-Api-Key', h.users.coach.key)
      .set('Idempotency-Key', 'k'.repeat(201))
      .send(body)
      .expect(400);
    expect(long.body.issues).toEqual([{ field: 'Idempotency-Key', reason: 'at most 200 characters' }]);
  });
});
