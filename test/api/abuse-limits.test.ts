/**
 * Abuse limits (api/http/rate-limit.ts) on the real app: per API key, stricter on lists and
 * figures, per address (also without credentials), failed sign-ins per address, each answering
 * 429 with Retry-After; and the request body limit (413). Each case gets an app of its own with
 * small limits (the counters belong to the app), on the same real database and Temporal server.
 */
import request from 'supertest';
import { startApiHarness, type ApiHarness } from './helpers/harness';

let h: ApiHarness;
beforeAll(async () => {
  h = await startApiHarness('abuse-limits');
});
afterAll(async () => h?.close());

function expectLimited(res: request.Response): void {
  expect(res.status).toBe(429);
  const retryAfter = Number(res.headers['retry-after']);
  expect(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 15 * 60).toBe(true);
  expect(res.headers.ratelimit).toMatch(/r=0/);
  expect(res.body).toEqual({ error: 'RATE_LIMITED', message: expect.stringContaining('Probeer het over') });
}

it('limits each API key, not its neighbours', async () => {
  const app = h.appWith({ RATE_LIMIT_PER_KEY: 3 });
  for (let i = 0; i < 3; i++)
    await request(app).get('/api/me').set('X-Api-Key', h.users.coach.key).expect(200);
  expectLimited(await request(app).get('/api/me').set('X-Api-Key', h.users.coach.key));
  // The same key as a bearer token is the same caller.
  expectLimited(await request(app).get('/api/me').set('Authorization', `Bearer ${h.users.coach.key}`));
  await request(app).get('/api/me').set('X-Api-Key', h.users.manager.key).expect(200);
});

it('is stricter on lists and figures than on other routes', async () => {
  const app = h.appWith({ RATE_LIMIT_LISTS: 2 });
  const key = h.users.manager.key;
  await request(app).get('/api/kpis').set('X-Api-Key', key).expect(200);
  await request(app).get('/api/inburgeraars').set('X-Api-Key', key).expect(200);
  expectLimited(await request(app).get('/api/stats').set('X-Api-Key', key));
  expectLimited(await request(app).get('/api/kpis.csv').set('X-Api-Key', key));
  await request(app).get('/api/me').set('X-Api-Key', key).expect(200);
  await request(app).get('/api/kpis').set('X-Api-Key', h.users.admin.key).expect(200);
});

it('limits each address, with or without credentials', async () => {
  const app = h.appWith({ RATE_LIMIT_PER_ADDRESS: 4 });
  await request(app).get('/healthz').expect(200);
  await request(app).get('/api/me').set('X-Api-Key', h.users.coach.key).expect(200);
  await request(app).get('/api/me').set('X-Api-Key', h.users.manager.key).expect(200);
  await request(app).get('/api/me').expect(401);
  expectLimited(await request(app).get('/api/me').set('X-Api-Key', h.users.admin.key));
  // Behind the reverse proxy on this host, the client's own address counts (X-Forwarded-For).
  await request(app).get('/healthz').set('X-Forwarded-For', '203.0.113.9').expect(200);
});

it('stops guessing keys: after the failed sign-ins even a good key waits', async () => {
  const app = h.appWith({ RATE_LIMIT_AUTH_FAILURES: 3 });
  // Requests without any credentials are not sign-in attempts.
  for (let i = 0; i < 5; i++) await request(app).get('/api/me').expect(401);
  await request(app).get('/api/me').set('X-Api-Key', h.users.coach.key).expect(200);
  for (let i = 0; i < 3; i++)
    await request(app)
      .get('/api/me')
      .set('Authorization', `Bearer ir_${'guess'.repeat(9)}${i}`)
      .expect(401);
  const locked = await request(app).get('/api/me').set('X-Api-Key', h.users.coach.key);
  expectLimited(locked);
  expect(Number(locked.headers['retry-after'])).toBeGreaterThan(60); // the 15-minute window
  await request(app)
    .get('/api/me')
    .set('X-Forwarded-For', '198.51.100.7')
    .set('X-Api-Key', h.users.coach.key)
    .expect(200);
});

it('limits the browser sign-in routes per address', async () => {
  const app = h.appWith({ RATE_LIMIT_SIGN_IN: 2 });
  await request(app)
    .get('/auth/login')
    .expect((res) => expect(res.status).not.toBe(429));
  await request(app)
    .get('/auth/login')
    .expect((res) => expect(res.status).not.toBe(429));
  expectLimited(await request(app).post('/auth/dev').type('form').send({ userId: h.users.coach.user.id }));
  // The API itself is not affected.
  await request(app).get('/api/me').set('X-Api-Key', h.users.coach.key).expect(200);
});

it('refuses a request body over the limit with 413, and changes nothing', async () => {
  const app = h.appWith({ REQUEST_BODY_LIMIT_KB: 1 });
  const before = await h.db.user.count();
  const res = await request(app)
    .post('/api/users')
    .set('X-Api-Key', h.users.admin.key)
    .send({ name: 'x'.repeat(2048), role: 'coach' });
  expect(res.status).toBe(413);
  expect(res.body.error).toBeDefined();
  expect(await h.db.user.count()).toBe(before);
  await request(app)
    .post('/api/users')
    .set('X-Api-Key', h.users.admin.key)
    .send({ name: 'Kleine naam', role: 'coach' })
    .expect(201);
});
