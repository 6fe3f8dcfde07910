/**
 * The API's building blocks on their own, without Temporal or a database: authentication (API keys
 * and OIDC against a real local JWKS server), the route mechanism (roles, zod validation, answers),
 * idempotency, the mapping of update refusals to 409, and the OpenAPI document.
 */
import express from 'express';
import pino from 'pino';
import request from 'supertest';
import { z } from 'zod';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { generateApiKey, hashApiKey } from '../../../api/auth/api-keys';
import { authenticationMiddleware, createAuthenticator } from '../../../api/auth/authenticator';
import { createOidcVerifier } from '../../../api/auth/oidc';
import type { Principal } from '../../../api/auth/principal';
import type { AppDeps } from '../../../api/deps';
import { errorMiddleware, HttpError, ruleRefusal } from '../../../api/http/errors';
import { MemoryIdempotencyStore } from '../../../api/http/idempotency';
import { defineRoute, mountRoutes, type RouteDef } from '../../../api/http/route';
import { buildOpenApiDocument } from '../../../api/openapi';
import { startTestOidcProvider, type TestOidcProvider } from '../helpers/oidc';

const log = pino({ level: 'silent' });

describe('API keys', () => {
  it('are ir_-prefixed, random, and stored only as a SHA-256 hash', () => {
    const a = generateApiKey();
    const b = generateApiKey();
    expect(a.plaintext).toMatch(/^ir_[A-Za-z0-9_-]{43}$/);
    expect(a.plaintext).not.toBe(b.plaintext);
    expect(a.hash).toBe(hashApiKey(a.plaintext));
    expect(a.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(a.hash).not.toContain(a.plaintext.slice(3, 12));
  });
});

describe('authenticator', () => {
  let oidc: TestOidcProvider;
  const key = generateApiKey();
  const keyPrincipal: Principal = { userId: 'u-coach', role: 'coach', partnerId: null, via: 'api-key' };
  const findApiKey = async (hash: string) => (hash === key.hash ? keyPrincipal : undefined);

  beforeAll(async () => {
    oidc = await startTestOidcProvider();
  });
  afterAll(async () => {
    await oidc.close();
  });

  const withOidc = (roleClaim = 'roles', jwks = true) =>
    createAuthenticator({
      findApiKey,
      oidc: createOidcVerifier({
        issuer: oidc.issuer,
        audience: oidc.audience,
        roleClaim,
        ...(jwks ? { jwksUrl: oidc.jwksUrl } : {}),
      }),
    });

  it('accepts an API key as Bearer or X-Api-Key, rejects unknown keys, allows no credentials', async () => {
    const auth = createAuthenticator({ findApiKey });
    await expect(auth.authenticate({ authorization: `Bearer ${key.plaintext}` })).resolves.toEqual(
      keyPrincipal,
    );
    await expect(auth.authenticate({ apiKey: key.plaintext })).resolves.toEqual(keyPrincipal);
    await expect(auth.authenticate({})).resolves.toBeUndefined();
    await expect(auth.authenticate({ apiKey: generateApiKey().plaintext })).rejects.toMatchObject({
      status: 401,
    });
    await expect(auth.authenticate({ authorization: 'Basic abc' })).rejects.toMatchObject({ status: 401 });
    // Without OIDC configured a JWT-looking bearer is simply invalid.
    await expect(auth.authenticate({ authorization: 'Bearer eyJhbGciOi.x.y' })).rejects.toMatchObject({
      status: 401,
    });
  });

  it('refuses a request whose credentials do not all hold: one valid and one invalid, or two users', async () => {
    const valid = key.plaintext;
    const invalid = generateApiKey().plaintext;
    const auth = withOidc();
    for (const headers of [
      { authorization: `Bearer ${valid}`, apiKey: invalid },
      { authorization: `Bearer ${invalid}`, apiKey: valid },
      { authorization: 'Basic abc', apiKey: valid },
      { authorization: `Bearer ${valid}`, apiKey: '' },
      // Both valid, but not the same user: which one would act?
      {
        authorization: `Bearer ${await oidc.sign({ sub: 'someone-else', roles: ['manager'] })}`,
        apiKey: valid,
      },
    ])
      await expect(auth.authenticate(headers)).rejects.toMatchObject({ status: 401 });
    // The same key twice is one credential.
    await expect(auth.authenticate({ authorization: `Bearer ${valid}`, apiKey: valid })).resolves.toEqual(
      keyPrincipal,
    );
  });

  it('verifies OIDC tokens against the issuer JWKS (discovered or configured) and reads the role claim', async () => {
    const token = await oidc.sign({ sub: 'oidc-manager-1', roles: ['viewer', 'manager'] });
    await expect(withOidc().authenticate({ authorization: `Bearer ${token}` })).resolves.toEqual({
      userId: 'oidc-manager-1',
      role: 'manager',
      partnerId: null,
      via: 'oidc',
    });
    await expect(
      withOidc('roles', false).authenticate({ authorization: `Bearer ${token}` }),
    ).resolves.toMatchObject({ role: 'manager' });

    const nested = await oidc.sign({
      sub: 'p-1',
      realm_access: { roles: ['partner'] },
      partner_id: 'partner-9',
    });
    await expect(
      withOidc('realm_access.roles').authenticate({ authorization: `Bearer ${nested}` }),
    ).resolves.toMatchObject({
      role: 'partner',
      partnerId: 'partner-9',
    });
  });

  it.each([
    ['wrong audience', { audience: 'someone-else' }, { sub: 'x', roles: 'coach' }],
    ['wrong issuer', { issuer: 'http://evil.example' }, { sub: 'x', roles: 'coach' }],
    ['expired', { expiresIn: '-10m' }, { sub: 'x', roles: 'coach' }],
    ['signed by another key', { foreignKey: true }, { sub: 'x', roles: 'coach' }],
    ['no known role', {}, { sub: 'x', roles: ['superuser'] }],
    ['no subject', {}, { roles: 'coach' }],
  ])('rejects an OIDC token: %s', async (_name, options, claims) => {
    const token = await oidc.sign(claims, options);
    await expect(withOidc().authenticate({ authorization: `Bearer ${token}` })).rejects.toMatchObject({
      status: 401,
    });
  });
});

describe('update refusals', () => {
  it('map to 409 with the rule code from the failure type, never from the text', () => {
    const err = new WorkflowUpdateFailedError(
      'Workflow Update failed',
      ApplicationFailure.create({ type: 'PIP_REQUIRES_INTAKE', message: 'eerst de brede intake afronden' }),
    );
    const mapped = ruleRefusal(err);
    expect(mapped).toBeInstanceOf(HttpError);
    expect(mapped?.toBody()).toEqual({
      error: 'PIP_REQUIRES_INTAKE',
      message: 'eerst de brede intake afronden',
    });
    expect(mapped?.status).toBe(409);
    // A code in the text alone is not a code.
    expect(
      ruleRefusal(
        new WorkflowUpdateFailedError(
          'x',
          ApplicationFailure.create({ message: 'PIP_REQUIRES_INTAKE: tekst' }),
        ),
      )?.toBody(),
    ).toMatchObject({ error: 'UPDATE_REJECTED' });
    expect(
      ruleRefusal(new WorkflowUpdateFailedError('x', new Error('no code here')))?.toBody(),
    ).toMatchObject({ error: 'UPDATE_REJECTED' });
    expect(ruleRefusal(new Error('PIP_REQUIRES_INTAKE: not an update error'))).toBeUndefined();
  });

  it('map INVALID_INPUT to 400 with the field issues the workflow sent', () => {
    const err = new WorkflowUpdateFailedError(
      'x',
      ApplicationFailure.create({
        type: 'INVALID_INPUT',
        message: 'ongeldige invoer',
        details: [{ issues: [{ field: 'date', reason: 'expected a date YYYY-MM-DD' }] }],
      }),
    );
    const mapped = ruleRefusal(err);
    expect(mapped?.status).toBe(400);
    expect(mapped?.toBody()).toEqual({
      error: 'VALIDATION',
      issues: [{ field: 'date', reason: 'expected a date YYYY-MM-DD' }],
    });
  });
});

describe('route mechanism', () => {
  const calls: unknown[] = [];
  const routes: RouteDef[] = [
    defineRoute({
      method: 'post',
      path: '/api/things/:id',
      operationId: 'createThing',
      summary: 'Create a thing',
      tag: 'things',
      roles: ['coach', 'manager'],
      params: z.object({ id: z.string().uuid() }),
      query: z.object({ dryRun: z.enum(['true', 'false']).optional() }),
      body: z.object({ naam: z.string().min(2), aantal: z.number().int().positive() }),
      responses: { 201: { description: 'created', schema: z.object({ id: z.string(), seq: z.number() }) } },
      handler: async ({ params, body }) => {
        calls.push(body);
        if (body.naam === 'refuse') throw new HttpError(409, 'THING_REFUSED', 'THING_REFUSED: no');
        if (body.naam === 'crash') throw new Error('boom');
        return { status: 201, body: { id: params.id, seq: calls.length } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/open',
      operationId: 'open',
      summary: 'Public',
      tag: 'system',
      roles: 'public',
      responses: { 200: { description: 'ok' } },
      handler: async () => ({ body: 'ok', contentType: 'text/plain' }),
    }),
  ];
  const users: Record<string, Principal> = {
    coach: { userId: 'c1', role: 'coach', partnerId: null, via: 'api-key' },
    coach2: { userId: 'c2', role: 'coach', partnerId: null, via: 'api-key' },
    partner: { userId: 'p1', role: 'partner', partnerId: 'x', via: 'api-key' },
  };
  const app = express();
  app.use(express.json());
  app.use(
    authenticationMiddleware(
      {
        async authenticate({ apiKey }) {
          if (!apiKey) return undefined;
          const user = users[apiKey];
          if (!user) throw new HttpError(401, 'UNAUTHORIZED', 'bad key');
          return user;
        },
      },
      log,
    ),
  );
  const router = express.Router();
  mountRoutes(router, routes, { log, idempotency: new MemoryIdempotencyStore() } as unknown as AppDeps);
  app.use(router);
  app.use(errorMiddleware(log));
  const id = '6f1c7f0e-9a55-4b8e-8d8e-1f7e7a0c2b11';

  it('answers 401 without credentials, 403 for a wrong role, and lets public routes through', async () => {
    await request(app)
      .post(`/api/things/${id}`)
      .send({ naam: 'ab', aantal: 1 })
      .expect(401, { error: 'UNAUTHORIZED', message: 'authentication required' });
    await request(app).post(`/api/things/${id}`).set('X-Api-Key', 'nobody').send({}).expect(401);
    await request(app)
      .post(`/api/things/${id}`)
      .set('X-Api-Key', 'partner')
      .send({ naam: 'ab', aantal: 1 })
      .expect(403);
    await request(app).get('/api/open').expect(200, 'ok');
  });

  it('answers 400 with field and reason for params, query and body', async () => {
    const res = await request(app)
      .post('/api/things/not-a-uuid?dryRun=maybe')
      .set('X-Api-Key', 'coach')
      .send({ naam: 'a', aantal: 1.5 })
      .expect(400);
    expect(res.body.error).toBe('VALIDATION');
    expect(res.body.issues.map((i: { field: string }) => i.field).sort()).toEqual(['id']);
    const bodyRes = await request(app)
      .post(`/api/things/${id}`)
      .set('X-Api-Key', 'coach')
      .send({ naam: 'a', aantal: 1.5 })
      .expect(400);
    expect(bodyRes.body.issues).toEqual([
      { field: 'naam', reason: expect.any(String) },
      { field: 'aantal', reason: expect.any(String) },
    ]);
    const malformed = await request(app)
      .post(`/api/things/${id}`)
      .set('X-Api-Key', 'coach')
      .set('content-type', 'application/json')
      .send('{"naam":')
      .expect(400);
    expect(malformed.body).toEqual({
      error: 'VALIDATION',
      issues: [{ field: 'body', reason: 'malformed JSON' }],
    });
  });

  it('replays the first answer for a retried Idempotency-Key, 422 for another body, per user', async () => {
    const before = calls.length;
    const first = await request(app)
      .post(`/api/things/${id}`)
      .set('X-Api-Key', 'coach')
      .set('Idempotency-Key', 'k1')
      .send({ naam: 'abc', aantal: 2 })
      .expect(201);
    const again = await request(app)
      .post(`/api/things/${id}`)
      .set('X-Api-Key', 'coach')
      .set('Idempotency-Key', 'k1')
      .send({ aantal: 2, naam: 'abc' })
      .expect(201);
    expect(again.body).toEqual(first.body);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(calls.length).toBe(before + 1);
    const other = await request(app)
      .post(`/api/things/${id}`)
      .set('X-Api-Key', 'coach')
      .set('Idempotency-Key', 'k1')
      .send({ naam: 'abd', aantal: 2 })
      .expect(422);
    expect(other.body.error).toBe('IDEMPOTENCY_KEY_REUSED');
    // Another user with the same key is another request.
    await request(app)
      .post(`/api/things/${id}`)
      .set('X-Api-Key', 'coach2')
      .set('Idempotency-Key', 'k1')
      .send({ naam: 'abc', aantal: 2 })
      .expect(201);
    expect(calls.length).toBe(before + 2);
  });

  it('stores refusals (4xx) but releases the key after a server error', async () => {
    await request(app)
      .post(`/api/things/${id}`)
      .set('X-Api-Key', 'coach')
      .set('Idempotency-Key', 'k2')
      .send({ naam: 'refuse', aantal: 1 })
      .expect(409);
    const replay = await request(app)
      .post(`/api/things/${id}`)
      .set('X-Api-Key', 'coach')
      .set('Idempotency-Key', 'k2')
      .send({ naam: 'refuse', aantal: 1 })
      .expect(409);
    expect(replay.body).toEqual({ error: 'THING_REFUSED', message: 'THING_REFUSED: no' });
    expect(replay.headers['idempotent-replayed']).toBe('true');
    const before = calls.length;
    await request(app)
      .post(`/api/things/${id}`)
      .set('X-Api-Key', 'coach')
      .set('Idempotency-Key', 'k3')
      .send({ naam: 'crash', aantal: 1 })
      .expect(500, { error: 'INTERNAL', message: 'internal error' });
    await request(app)
      .post(`/api/things/${id}`)
      .set('X-Api-Key', 'coach')
      .set('Idempotency-Key', 'k3')
      .send({ naam: 'crash', aantal: 1 })
      .expect(500);
    expect(calls.length).toBe(before + 2);
  });

  it('documents the table as OpenAPI 3.1 with zod-generated schemas, roles and error answers', () => {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- walking a JSON document
    const doc = buildOpenApiDocument(routes, { title: 't', version: '1' }) as any;
    expect(doc.openapi).toBe('3.1.0');
    const op = doc.paths['/api/things/{id}'].post;
    expect(op['x-roles']).toEqual(['coach', 'manager']);
    expect(op.parameters).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          name: 'id',
          in: 'path',
          required: true,
          schema: expect.objectContaining({ format: 'uuid' }),
        }),
        expect.objectContaining({ name: 'dryRun', in: 'query', required: false }),
        { $ref: '#/components/parameters/IdempotencyKey' },
      ]),
    );
    expect(op.requestBody.content['application/json'].schema).toMatchObject({
      type: 'object',
      required: ['naam', 'aantal'],
      properties: { naam: { type: 'string', minLength: 2 }, aantal: { type: 'integer' } },
    });
    expect(Object.keys(op.responses).sort()).toEqual([
      '201',
      '400',
      '401',
      '403',
      '404',
      '409',
      '413',
      '422',
      '429',
    ]);
    expect(op.responses['429'].headers['Retry-After']).toBeDefined();
    expect(doc.paths['/api/open'].get.security).toEqual([]);
  });
});
