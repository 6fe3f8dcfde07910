/**
 * Partner reports arrive as signals: 202 at once, applied by the workflow when its rules allow, and
 * recorded as PARTNER_FACT_REFUSED in the audit trail when not. Only a partner the person is
 * referred to may report, and the reporting partner is taken from the key, not from the body.
 */
import request from 'supertest';
import { PARTNER_FACT_KINDS } from '../../application/partner-facts';
import type { TrajectoryState } from '../../domain/types';
import { koppel, PHASE_FIXTURES, startApiHarness, type ApiHarness } from './helpers/harness';

let h: ApiHarness;
let id: string;
beforeAll(async () => {
  h = await startApiHarness('meldingen');
  // In a B1-route, with the taalschool providing the modules.
  id = await koppel(h, {
    import: {
      ...PHASE_FIXTURES.b1,
      modules: PHASE_FIXTURES.b1.modules.map((m) => ({ ...m, partnerId: h.partnerIds.taalschool })),
    },
  });
});
afterAll(async () => {
  await h?.close();
});

const report = (soort: string, body: object, key = h.users.partner.key) =>
  request(h.app).post(`/api/inburgeraars/${id}/meldingen/${soort}`).set('X-Api-Key', key).send(body);

async function stateWhen(ok: (state: TrajectoryState) => boolean): Promise<TrajectoryState> {
  const until = Date.now() + 15_000;
  for (;;) {
    const res = await request(h.app)
      .get(`/api/inburgeraars/${id}`)
      .set('X-Api-Key', h.users.coach.key)
      .expect(200);
    if (ok(res.body.state)) return res.body.state;
    if (Date.now() > until) throw new Error(`state never matched: ${JSON.stringify(res.body.state)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

it('offers lesson hours and exam results', () => {
  expect(PARTNER_FACT_KINDS).toEqual(['lesuren', 'examenuitslag']);
});

it('applies reported hours and exam results (202), with the partner from the key', async () => {
  const res = await report('lesuren', {
    kind: 'LESSEN',
    hours: 30,
    periodEnd: '2026-10-31',
    partnerId: 'someone-else',
  }).expect(202);
  expect(res.body).toEqual({ accepted: true, inburgeraarId: id, soort: 'lesuren' });
  await stateWhen((s) => s.hours.LESSEN === 30);

  await report('examenuitslag', { component: 'LEZEN', attempt: 1, date: '2026-11-02', passed: false }).expect(
    202,
  );
  const state = await stateWhen((s) => (s.exams.LEZEN ?? []).length === 1);
  expect(state.exams.LEZEN?.[0]).toMatchObject({ attempt: 1, passed: false, source: 'partner' });
  expect(JSON.stringify(state)).not.toContain('someone-else');
});

it('records a fact the rules refuse in the audit trail instead of applying it', async () => {
  const before = await stateWhen(() => true);
  await report('examenuitslag', { component: 'LEZEN', attempt: 5, date: '2026-11-03', passed: true }).expect(
    202,
  );
  const timeline = async () =>
    (
      await request(h.app)
        .get(`/api/inburgeraars/${id}/timeline`)
        .set('X-Api-Key', h.users.manager.key)
        .expect(200)
    ).body.entries as { type: string; details: { code?: string } }[];
  const until = Date.now() + 15_000;
  let refused: { details: { code?: string } } | undefined;
  while (!refused && Date.now() < until) {
    refused = (await timeline()).find((e) => e.type === 'PARTNER_FACT_REFUSED');
    if (!refused) await new Promise((r) => setTimeout(r, 100));
  }
  expect(refused?.details.code).toBe('EXAM_ATTEMPT_OUT_OF_ORDER');
  const after = await stateWhen(() => true);
  expect(after.exams.LEZEN).toEqual(before.exams.LEZEN);
});

it('answers 400 for bad input, 404 for an unknown kind or person, 403 for a partner it is not referred to', async () => {
  const bad = await report('lesuren', { kind: 'SLAPEN', hours: 3, periodEnd: '2026-10-31' }).expect(400);
  expect(bad.body.issues.map((i: { field: string }) => i.field)).toEqual(['kind']);
  await report('diploma', {}).expect(404);
  await request(h.app)
    .post('/api/inburgeraars/5b0e4a36-5d1c-4a8e-9a0a-000000000000/meldingen/lesuren')
    .set('X-Api-Key', h.users.partner.key)
    .send({ kind: 'LESSEN', hours: 3, periodEnd: '2026-10-31' })
    .expect(404);
  await report('lesuren', { kind: 'LESSEN', hours: 3, periodEnd: '2026-10-31' }, h.users.partner2.key).expect(
    403,
  );
  await report('lesuren', { kind: 'LESSEN', hours: 3, periodEnd: '2026-10-31' }, h.users.coach.key).expect(
    403,
  );
});
