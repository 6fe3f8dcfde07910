/**
 * A crash of the API loses nothing and doubles nothing: the API keeps no state of its own (the
 * trajectory lives in Temporal, idempotency answers and the read model in the database). A client
 * that retries its request against a restarted API (a new app on the same database and Temporal)
 * with the same Idempotency-Key gets the first answer, and the action is applied once.
 */
import request from 'supertest';
import { koppelingBody, startApiHarness, type ApiHarness } from '../api/helpers/harness';

describe('API restart between a request and its retry', () => {
  let h: ApiHarness;
  beforeAll(async () => {
    h = await startApiHarness('api-restart');
  });
  afterAll(async () => {
    await h?.close();
  });

  it('answers a retried koppeling and coach action with the first answer, applied once', async () => {
    const body = koppelingBody({ coachId: h.users.coach.user.id });
    const first = await request(h.app)
      .post('/api/inburgeraars')
      .set('X-Api-Key', h.users.coa.key)
      .set('Idempotency-Key', 'koppeling-retry-1')
      .send(body);
    expect(first.status).toBe(201);

    const restarted = h.appWith({});
    const retried = await request(restarted)
      .post('/api/inburgeraars')
      .set('X-Api-Key', h.users.coa.key)
      .set('Idempotency-Key', 'koppeling-retry-1')
      .send(body);
    expect(retried.status).toBe(first.status);
    expect(retried.body).toEqual(first.body);
    const id = first.body.inburgeraarId as string;
    expect(await h.db.inburgeraar.count({ where: { id } })).toBe(1);

    const action = { plannedDate: '2026-09-20' };
    const acted = await request(h.app)
      .post(`/api/inburgeraars/${id}/acties/planBredeIntake`)
      .set('X-Api-Key', h.users.coach.key)
      .set('Idempotency-Key', 'plan-intake-1')
      .send(action);
    expect(acted.status).toBe(200);
    const again = await request(h.appWith({}))
      .post(`/api/inburgeraars/${id}/acties/planBredeIntake`)
      .set('X-Api-Key', h.users.coach.key)
      .set('Idempotency-Key', 'plan-intake-1')
      .send(action);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(acted.body);

    // The workflow writes its audit event through an activity, just after answering the update:
    // wait for it, then make sure no second one follows.
    const intakePlans = async () =>
      (await h.db.auditEvent.findMany({ where: { inburgeraarId: id } })).filter(
        (e) => /intake/i.test(e.action) && /plan/i.test(e.action),
      );
    for (let i = 0; i < 50 && (await intakePlans()).length === 0; i++)
      await new Promise((r) => setTimeout(r, 100));
    await new Promise((r) => setTimeout(r, 500));
    expect(await intakePlans()).toHaveLength(1);
  });
});
