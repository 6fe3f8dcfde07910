/**
 * The API describes itself: an OpenAPI 3.1 document generated from the same zod schemas that
 * validate requests (every route of the table, every coach action with its own body schema), a
 * rendered page at /api/docs; plus /healthz and Prometheus /metrics.
 */
import request from 'supertest';
import { commandSchemas } from '../../domain/commands';
import { ACTION_NAMES } from '../../api/routes/acties';
import { routeTable } from '../../api/routes';
import { startApiHarness, type ApiHarness } from './helpers/harness';

let h: ApiHarness;
beforeAll(async () => {
  h = await startApiHarness('system');
});
afterAll(async () => {
  await h?.close();
});

describe('GET /api/openapi.json', () => {
  it('is an OpenAPI 3.1 document of every route, with the schemas and roles', async () => {
    const res = await request(h.app).get('/api/openapi.json').expect(200);
    const doc = res.body;
    expect(doc.openapi).toBe('3.1.0');
    const documented = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(
      ([path, ops]) => Object.keys(ops).map((m) => `${m} ${path}`),
    );
    for (const route of routeTable.filter((r) => !r.docVariants)) {
      expect(documented).toContain(`${route.method} ${route.path.replace(/:(\w+)/g, '{$1}')}`);
    }
    // One operation per coach action, with the command's own schema as the body.
    for (const name of ACTION_NAMES) {
      const op = doc.paths[`/api/inburgeraars/{id}/acties/${name}`]?.post;
      expect(op).toBeDefined();
      expect(op.operationId).toBe(name);
      expect(op['x-roles']).toEqual(['coach', 'manager']);
      const required = op.requestBody.content['application/json'].schema.required ?? [];
      const schemaShape = Object.keys((commandSchemas[name] as unknown as { shape: object }).shape);
      expect(schemaShape).toEqual(expect.arrayContaining(required));
      expect(Object.keys(op.responses)).toEqual(
        expect.arrayContaining(['200', '400', '401', '403', '404', '409']),
      );
    }
    const koppeling = doc.paths['/api/inburgeraars'].post;
    expect(
      koppeling.requestBody.content['application/json'].schema.properties.persoon.properties.bsn.description,
    ).toMatch(/hashed and encrypted/);
    expect(doc.paths['/api/inburgeraars'].get.parameters.map((p: { name: string }) => p.name)).toEqual(
      expect.arrayContaining([
        'coachId',
        'phase',
        'route',
        'overdue',
        'dueWithinDays',
        'sort',
        'order',
        'page',
        'pageSize',
      ]),
    );
    expect(doc.components.securitySchemes).toHaveProperty('bearer');
  });

  it('is rendered at /api/docs', async () => {
    const res = await request(h.app).get('/api/docs/').expect(200);
    expect(res.text).toContain('swagger-ui');
    const init = await request(h.app).get('/api/docs/swagger-ui-init.js').expect(200);
    expect(init.text).toContain('/api/openapi.json');
  });
});

describe('what an outside client finds', () => {
  it('answers 405 with Allow for a method a known path does not serve, 404 for an unknown path', async () => {
    const me = await request(h.app).patch('/api/me').set('X-Api-Key', h.users.coach.key).expect(405);
    expect(me.headers.allow).toBe('GET, HEAD, OPTIONS');
    expect(me.body.error).toBe('METHOD_NOT_ALLOWED');
    const action = await request(h.app)
      .get('/api/inburgeraars/0b7c1a57-8d4c-4c0e-9a77-5c2b5c0f0c11/acties/setPip')
      .set('X-Api-Key', h.users.coach.key)
      .expect(405);
    expect(action.headers.allow).toBe('POST, OPTIONS');
    const list = await request(h.app).trace('/api/inburgeraars').expect(405);
    expect(list.headers.allow).toBe('GET, HEAD, POST, OPTIONS');
    expect((await request(h.app).options('/api/openapi.json').expect(204)).headers.allow).toBe(
      'GET, HEAD, OPTIONS',
    );
    await request(h.app).delete('/api/openapi.json').expect(405);
    await request(h.app).get('/api/nothing-here').set('X-Api-Key', h.users.coach.key).expect(404);
    // HEAD follows GET.
    await request(h.app).head('/healthz').expect(200);
  });

  it('refuses a valid key next to an invalid one (401), whichever header holds which', async () => {
    const invalid = `ir_${'Q'.repeat(43)}`;
    await request(h.app)
      .get('/api/me')
      .set('Authorization', `Bearer ${h.users.manager.key}`)
      .set('X-Api-Key', invalid)
      .expect(401);
    await request(h.app)
      .get('/api/me')
      .set('Authorization', `Bearer ${invalid}`)
      .set('X-Api-Key', h.users.manager.key)
      .expect(401);
    await request(h.app)
      .get('/api/me')
      .set('Authorization', `Bearer ${h.users.coach.key}`)
      .set('X-Api-Key', h.users.manager.key)
      .expect(401);
    await request(h.app)
      .get('/api/me')
      .set('Authorization', `Bearer ${h.users.manager.key}`)
      .set('X-Api-Key', h.users.manager.key)
      .expect(200);
  });
});

describe('operations', () => {
  it('/healthz reports the database and Temporal', async () => {
    await request(h.app)
      .get('/healthz')
      .expect(200, { status: 'ok', checks: { database: 'ok', temporal: 'ok' } });
  });

  it('/metrics counts requests per route template (never per id)', async () => {
    await request(h.app)
      .get('/api/inburgeraars/5b0e4a36-5d1c-4a8e-9a0a-000000000000')
      .set('X-Api-Key', h.users.manager.key)
      .expect(404);
    const res = await request(h.app).get('/metrics').expect(200);
    expect(res.headers['content-type']).toMatch(/text\/plain/);
    expect(res.text).toMatch(
      /http_requests_total\{method="GET",route="\/api\/inburgeraars\/:id",status="404"\} \d+/,
    );
    expect(res.text).toContain('http_request_duration_seconds_bucket');
    expect(res.text).not.toContain('5b0e4a36');
  });

  it('sets security headers and a request id', async () => {
    const res = await request(h.app).get('/healthz').expect(200);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-request-id']).toEqual(expect.any(String));
    expect(res.headers['x-powered-by']).toBeUndefined();
    // Plain http here: no upgrade to https (it would break the page on an internal http host).
    expect(res.headers['content-security-policy']).not.toContain('upgrade-insecure-requests');
    expect(res.headers['strict-transport-security']).toBeUndefined();
    const behindTls = await request(h.appWith({ PUBLIC_URL: 'https://inburgering.gemeente.example' })).get(
      '/healthz',
    );
    expect(behindTls.headers['content-security-policy']).toContain('upgrade-insecure-requests');
    expect(behindTls.headers['strict-transport-security']).toBeDefined();
  });
});
