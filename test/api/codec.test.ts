/**
 * The remote codec endpoint for the Temporal Web UI (api/codec-server.ts), against the run's dev
 * server: the history Temporal stores is ciphertext; a manager gets it decrypted through
 * POST /codec/decode (Temporal's remote codec protocol) and can encode too; anyone else is refused;
 * CORS answers only the Web UI's origin; each decode is audited. Then the real `temporal` CLI,
 * pointed at the listening API with a manager's key, shows the workflow's state in clear.
 */
import { execFile } from 'node:child_process';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import type { Express } from 'express';
import request from 'supertest';
import { SIGN_IN_PATH } from '../../api/auth/sign-in';
import { DEVELOPMENT_KEY } from '../../config/config';
import { ensureTemporalCli } from '../../scripts/temporal-binaries';
import {
  act,
  koppel,
  PHASE_FIXTURES,
  startApiHarness,
  waitForReadModel,
  type ApiHarness,
} from './helpers/harness';

const UI = 'http://127.0.0.1:8233';
const REASON = 'wacht op bericht van de woningcorporatie';

let h: ApiHarness;
let app: Express;
let id: string;
type JsonPayload = { metadata: Record<string, string>; data?: string };
let stored: JsonPayload[];

const text = (b64: string | undefined) => Buffer.from(b64 ?? '', 'base64').toString('utf8');

beforeAll(async () => {
  h = await startApiHarness('codec');
  // The tests' worker encrypts with key id "test" (test/helpers/temporal.ts): a retired key here.
  app = h.appWith({ TEMPORAL_UI_URL: UI, PAYLOAD_OLD_KEYS: `test:${DEVELOPMENT_KEY}` });
  id = await koppel(h, { import: { ...PHASE_FIXTURES.pip } });
  await waitForReadModel(h, [id]);
  await act(h, id, 'registerWachtenOpDerden', { date: '2026-11-02', reason: REASON }).expect(200);
  // The history as Temporal stores it, without any codec.
  const history = await h.env.connection.workflowService.getWorkflowExecutionHistory({
    namespace: 'default',
    execution: { workflowId: `inburgering-${id}` },
  });
  stored = (history.history?.events ?? []).flatMap((e) =>
    [
      ...(e.workflowExecutionStartedEventAttributes?.input?.payloads ?? []),
      ...(e.activityTaskScheduledEventAttributes?.input?.payloads ?? []),
      // A step is a local activity: its result is in the marker (the marker's own bookkeeping,
      // `data`, holds ids and times only and does not pass the codec).
      ...(e.markerRecordedEventAttributes?.details?.result?.payloads ?? []),
      ...(e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.args?.payloads ?? []),
    ].map((p) => ({
      metadata: Object.fromEntries(
        Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')]),
      ),
      data: p.data ? Buffer.from(p.data).toString('base64') : undefined,
    })),
  );
});
afterAll(async () => h?.close());

it('Temporal stores only ciphertext', () => {
  expect(stored.length).toBeGreaterThan(3);
  for (const p of stored) {
    expect(text(p.metadata.encoding)).toBe('binary/encrypted');
    expect(text(p.data)).not.toContain('woningcorporatie');
  }
});

it('a manager gets the payloads decrypted, and that is audited', async () => {
  const res = await request(app)
    .post('/codec/decode')
    .set('X-Api-Key', h.users.manager.key)
    .set('X-Namespace', 'default')
    .set('Origin', UI)
    .send({ payloads: stored })
    .expect(200);
  expect(res.headers['access-control-allow-origin']).toBe(UI);
  const decoded = res.body.payloads as JsonPayload[];
  expect(decoded).toHaveLength(stored.length);
  expect(decoded.map((p) => text(p.metadata.encoding))).toEqual(decoded.map(() => 'json/plain'));
  const all = decoded.map((p) => text(p.data)).join('\n');
  expect(all).toContain(REASON);
  expect(all).toContain(`"inburgeraarId":"${id}"`);

  const audit = await h.db.auditEvent.findFirstOrThrow({ where: { action: 'TEMPORAL_PAYLOADS_DECODED' } });
  expect(audit.actor).toBe(h.users.manager.user.id);
  expect(JSON.parse(audit.details)).toMatchObject({ payloads: stored.length, namespace: 'default' });
});

it('encodes too: what it encodes is ciphertext that decodes back', async () => {
  const plain = {
    metadata: { encoding: Buffer.from('json/plain').toString('base64') },
    data: Buffer.from(JSON.stringify({ hallo: 'wereld' })).toString('base64'),
  };
  const encoded = await request(app)
    .post('/codec/encode')
    .set('Authorization', `Bearer ${h.users.manager.key}`)
    .send({ payloads: [plain] })
    .expect(200);
  const [cipher] = encoded.body.payloads as JsonPayload[];
  expect(text(cipher!.metadata.encoding)).toBe('binary/encrypted');
  expect(text(cipher!.data)).not.toContain('wereld');
  const back = await request(app)
    .post('/codec/decode')
    .set('Authorization', `Bearer ${h.users.manager.key}`)
    .send({ payloads: [cipher] })
    .expect(200);
  expect(back.body.payloads).toEqual([plain]);
});

it('refuses everyone but managers, and bad input, without decrypting anything', async () => {
  const noKey = await request(app)
    .post('/codec/decode')
    .set('Origin', UI)
    .send({ payloads: stored })
    .expect(401);
  expect(JSON.stringify(noKey.body)).not.toContain('woningcorporatie');
  for (const who of [h.users.coach, h.users.admin, h.users.partner, h.users.coa]) {
    const res = await request(app)
      .post('/codec/decode')
      .set('X-Api-Key', who.key)
      .send({ payloads: stored })
      .expect(403);
    expect(JSON.stringify(res.body)).not.toContain('woningcorporatie');
  }
  const bad = await request(app)
    .post('/codec/decode')
    .set('X-Api-Key', h.users.manager.key)
    .send({ payloads: [{ data: 'not base64!' }] })
    .expect(400);
  expect(bad.body.issues[0].field).toBe('payloads.0.data');
  // A payload under a key this server does not have cannot be decoded: 422, not a crash.
  const foreign = await request(h.appWith({ TEMPORAL_UI_URL: UI }))
    .post('/codec/decode')
    .set('X-Api-Key', h.users.manager.key)
    .send({ payloads: stored.slice(0, 1) })
    .expect(422);
  expect(foreign.body.error).toBe('CODEC_ERROR');
});

/** A browser signed in through the development sign-in (the pages' session cookie). */
async function signedIn(userId: string) {
  const agent = request.agent(app);
  const page = await agent.get(SIGN_IN_PATH).expect(200);
  const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)?.[1];
  await agent.post('/auth/dev').type('form').send({ userId, _csrf: csrf }).expect(303);
  return agent;
}

it("takes a signed-in manager's browser session, from the Web UI's origin only", async () => {
  const manager = await signedIn(h.users.manager.user.id);
  const res = await manager.post('/codec/decode').set('Origin', UI).send({ payloads: stored }).expect(200);
  expect(res.body.payloads.map((p: JsonPayload) => text(p.data)).join('\n')).toContain(REASON);
  // The same cookie from another page (or without an Origin) is not enough.
  await manager
    .post('/codec/decode')
    .set('Origin', 'http://127.0.0.1:3999')
    .send({ payloads: stored })
    .expect(401);
  await manager.post('/codec/decode').send({ payloads: stored }).expect(401);
  const coach = await signedIn(h.users.coach.user.id);
  await coach.post('/codec/decode').set('Origin', UI).send({ payloads: stored }).expect(403);
});

it('lets only the Web UI origin in (CORS), preflight included', async () => {
  const preflight = await request(app)
    .options('/codec/decode')
    .set('Origin', UI)
    .set('Access-Control-Request-Method', 'POST')
    .set('Access-Control-Request-Headers', 'content-type,x-namespace,authorization')
    .expect(204);
  expect(preflight.headers['access-control-allow-origin']).toBe(UI);
  expect(preflight.headers['access-control-allow-credentials']).toBe('true');
  expect(preflight.headers['access-control-allow-headers']).toContain('authorization');
  const evil = await request(app)
    .options('/codec/decode')
    .set('Origin', 'http://evil.example')
    .set('Access-Control-Request-Method', 'POST');
  expect(evil.headers['access-control-allow-origin']).toBeUndefined();
  const evilPost = await request(app)
    .post('/codec/decode')
    .set('Origin', 'http://evil.example')
    .set('X-Api-Key', h.users.manager.key)
    .send({ payloads: [] });
  expect(evilPost.headers['access-control-allow-origin']).toBeUndefined();
});

it('the temporal CLI, pointed at the endpoint with a manager key, shows the state in clear', async () => {
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  try {
    const { port } = server.address() as AddressInfo;
    const show = (key: string) =>
      promisify(execFile)(
        ensureTemporalCli(),
        [
          'workflow',
          'show',
          '--address',
          process.env.TEMPORAL_TEST_ADDRESS!,
          '--workflow-id',
          `inburgering-${id}`,
          '--output',
          'json',
          '--codec-endpoint',
          `http://127.0.0.1:${port}/codec`,
          '--codec-auth',
          `Bearer ${key}`,
        ],
        { maxBuffer: 32 * 1024 * 1024 },
      );
    // The JSON output keeps each payload's data base64-encoded: read what the codec made of it.
    const readable = (output: string): string => {
      const found: string[] = [];
      JSON.stringify(JSON.parse(output), (key, value: unknown) => {
        if (key === 'data' && typeof value === 'string') found.push(text(value));
        return value;
      });
      return found.join('\n');
    };
    const { stdout } = await show(h.users.manager.key);
    expect(readable(stdout)).toContain(REASON);
    // With a coach's key the codec refuses, and the CLI shows nothing readable.
    const refused = await show(h.users.coach.key).then(
      (r) => readable(r.stdout),
      (err: { stdout?: string; stderr?: string }) => `${err.stdout ?? ''}${err.stderr ?? ''}`,
    );
    expect(refused).not.toContain(REASON);
    expect(refused).not.toContain('woningcorporatie');
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
});
