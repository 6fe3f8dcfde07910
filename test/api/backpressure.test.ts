/**
 * Backpressure on intake (application/admission.ts) against the real dev server and database:
 * two apps share one database as two API processes would. App A starts its workflows on a task
 * queue that no worker polls yet, so its koppelingen stay pending (accepted, no read-model row);
 * once the bound is reached, app B (whose own worker is idle) refuses new koppelingen with 503 and
 * Retry-After and stores nothing; a repeat of a known person is still answered; and when a worker
 * comes for A's queue and catches up, the very same request is accepted.
 */
import request from 'supertest';
import { createIntakeAdmission, INTAKE_BUSY, IntakeBusyError } from '../../application/admission';
import { uniqueTaskQueue, waitFor } from '../helpers/temporal';
import { koppelingBody, startApiHarness, type ApiHarness } from './helpers/harness';

let h: ApiHarness;
beforeAll(async () => {
  h = await startApiHarness('backpressure');
});
afterAll(async () => {
  await h?.close();
});

const LIMIT = 3;

describe('intake admission', () => {
  const stuckQueue = uniqueTaskQueue('backpressure-stuck');
  const settings = { INTAKE_MAX_PENDING: LIMIT, INTAKE_SIGNAL_TTL_MS: 0 };
  let appA: ReturnType<ApiHarness['appWith']>;
  let appB: ReturnType<ApiHarness['appWith']>;
  const post = (app: typeof appA, body: object, key?: string) => {
    const req = request(app).post('/api/inburgeraars').set('X-Api-Key', h.users.coa.key);
    return (key ? req.set('Idempotency-Key', key) : req).send(body);
  };

  beforeAll(() => {
    appA = h.appWith({ ...settings, TEMPORAL_TASK_QUEUE: stuckQueue });
    appB = h.appWith(settings);
  });

  it('accepts below the bound, refuses beyond it with 503 + Retry-After, and changes nothing', async () => {
    const first: object[] = [];
    for (let i = 0; i < LIMIT; i++) {
      const body = koppelingBody({ coachId: h.users.coach.user.id });
      const res = await post(appA, body);
      expect(res.status).toBe(201);
      first.push(body);
    }
    const people = await h.db.inburgeraar.count();
    expect(await h.stores.people.pendingIntake(new Date(Date.now() - 60_000))).toBe(LIMIT);

    // The other "process" sees the same pending count in the database.
    const refused = koppelingBody({ coachId: h.users.coach.user.id });
    const res = await post(appB, refused, 'bp-retry-1');
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe(String(h.config.INTAKE_RETRY_AFTER_SECONDS));
    expect(res.body).toMatchObject({ error: INTAKE_BUSY });
    expect(res.body.message).toMatch(/Probeer het over 1 seconde opnieuw/);
    expect(await h.db.inburgeraar.count()).toBe(people);
    expect(
      await h.db.inburgeraar.count({
        where: { koppelingRef: (refused as { koppelingRef: string }).koppelingRef },
      }),
    ).toBe(0);

    // A repeat of a known person starts nothing new: never refused.
    const again = await post(appB, first[0]!);
    expect(again.status).toBe(200);
    expect(again.body.created).toBe(false);
    expect(await h.db.inburgeraar.count()).toBe(people);

    // A worker for A's queue catches up; then the refused request (same Idempotency-Key) is accepted.
    const stop = await h.addWorker(stuckQueue);
    try {
      expect(
        await waitFor(
          async () => (await h.stores.people.pendingIntake(new Date(Date.now() - 60_000))) === 0,
          30_000,
        ),
      ).toBe(true);
      const retried = await post(appB, refused, 'bp-retry-1');
      expect(retried.status).toBe(201);
      expect(retried.headers['idempotent-replayed']).toBeUndefined();
      expect(await h.db.inburgeraar.count()).toBe(people + 1);
    } finally {
      await stop();
    }
  });

  it('documents the 503 with Retry-After and its code in the OpenAPI document', async () => {
    const doc = (await request(h.app).get('/api/openapi.json')).body;
    const busy = doc.paths['/api/inburgeraars'].post.responses['503'];
    expect(busy.headers['Retry-After'].schema).toEqual({ type: 'integer' });
    expect(busy.content['application/json'].schema.properties.error.enum).toEqual([INTAKE_BUSY]);
    // Only intake is throttled: a coach action has no 503.
    expect(doc.paths['/api/inburgeraars/{id}/acties/planBredeIntake'].post.responses['503']).toBeUndefined();
  });
});

describe('admission within one process between two reads of the count', () => {
  it('adds what it admitted itself, so it never overshoots the bound; reads again after the TTL', async () => {
    let reads = 0;
    let clock = 0;
    const admission = createIntakeAdmission(
      {
        pendingIntake: async () => {
          reads += 1;
          return 1;
        },
      },
      { maxPending: 3, signalTtlMs: 1000, windowMinutes: 10, retryAfterSeconds: 2 },
      () => clock,
    );
    await admission.admit();
    await admission.admit();
    await expect(admission.admit()).rejects.toBeInstanceOf(IntakeBusyError);
    await expect(admission.admit()).rejects.toMatchObject({
      retryAfterSeconds: 2,
      load: { pending: 3, limit: 3 },
    });
    expect(reads).toBe(1);
    clock = 1000;
    await admission.admit();
    expect(reads).toBe(2);
  });
});
