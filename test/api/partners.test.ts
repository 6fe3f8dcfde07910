/**
 * A partner set up through the API receives its referrals: an admin registers it with a webhook URL
 * and secret (the secret is write-only), a coach takes a person through to the PIP naming it as
 * taalschool, and the real activity POSTs one signed hand-off to a real receiver on 127.0.0.1.
 */
import request from 'supertest';
import { verifyWebhook } from '../../activities';
import { startWebhookReceiver, type WebhookReceiver } from '../activities/receivers';
import { act, koppelingBody, startApiHarness, type ApiHarness } from './helpers/harness';

const SECRET = 'partner-secret-0123456789abcdef';

let h: ApiHarness;
let receiver: WebhookReceiver;

beforeAll(async () => {
  h = await startApiHarness('partners');
  receiver = await startWebhookReceiver();
});
afterAll(async () => {
  await receiver?.close();
  await h?.close();
});

const createPartner = (body: Record<string, unknown>) =>
  request(h.app).post('/api/partners').set('X-Api-Key', h.users.admin.key).send(body);

async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('POST /api/partners', () => {
  it('answers 400 for a webhookUrl without a secret, or with a short one (field + reason)', async () => {
    const noSecret = await createPartner({
      name: 'Zonder geheim',
      kind: 'taalschool',
      webhookUrl: receiver.url,
    });
    expect(noSecret.status).toBe(400);
    expect(noSecret.body.error).toBe('VALIDATION');
    expect(noSecret.body.issues).toEqual([
      { field: 'webhookSecret', reason: 'required with webhookUrl (webhook calls are signed with it)' },
    ]);

    const short = await createPartner({
      name: 'Kort geheim',
      kind: 'taalschool',
      webhookUrl: receiver.url,
      webhookSecret: 'te-kort',
    });
    expect(short.status).toBe(400);
    expect(short.body.issues).toEqual([{ field: 'webhookSecret', reason: expect.stringMatching(/16/) }]);

    const badEmail = await createPartner({ name: 'Geen adres', kind: 'werkgever', email: 'geen-adres' });
    expect(badEmail.status).toBe(400);
    expect(badEmail.body.issues.map((i: { field: string }) => i.field)).toEqual(['email']);
  });

  it('stores an e-mail-only partner and shows its address', async () => {
    const res = await createPartner({
      name: 'Werkgever Per Mail',
      kind: 'werkgever',
      email: 'hr@werkgever.example',
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      email: 'hr@werkgever.example',
      webhookUrl: null,
      hasWebhookSecret: false,
    });
  });

  it('delivers the PIP referral as a signed webhook to a partner created through the API; the secret is never answered', async () => {
    const created = await createPartner({
      name: 'Taalschool Via API',
      kind: 'taalschool',
      webhookUrl: receiver.url,
      webhookSecret: SECRET,
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name: 'Taalschool Via API',
      kind: 'taalschool',
      webhookUrl: receiver.url,
      hasWebhookSecret: true,
      email: null,
    });
    expect(created.body).not.toHaveProperty('webhookSecret');
    expect(JSON.stringify(created.body)).not.toContain(SECRET);
    const partnerId = created.body.id as string;

    const listed = await request(h.app).get('/api/partners').set('X-Api-Key', h.users.admin.key).expect(200);
    expect(listed.body).toContainEqual(expect.objectContaining({ id: partnerId, hasWebhookSecret: true }));
    expect(JSON.stringify(listed.body)).not.toContain(SECRET);
    const asCoach = await request(h.app).get('/api/partners').set('X-Api-Key', h.users.coach.key).expect(200);
    expect(JSON.stringify(asCoach.body)).not.toContain(SECRET);

    // The koppeling and the coach's actions up to the PIP (all dates in the past).
    const koppeling = koppelingBody({ coachId: h.users.coach.user.id, koppelingDate: '2026-09-01' });
    const person = koppeling.persoon as { bsn: string; voornaam: string; achternaam: string };
    const started = await request(h.app)
      .post('/api/inburgeraars')
      .set('X-Api-Key', h.users.coa.key)
      .send(koppeling)
      .expect(201);
    const id = started.body.inburgeraarId as string;
    const steps: [string, Record<string, unknown>][] = [
      ['registerKennisgeving', { date: '2026-09-05' }],
      ['planBredeIntake', { plannedDate: '2026-09-15' }],
      [
        'completeBredeIntake',
        { date: '2026-09-15', lbt: { date: '2026-09-12', adviesRoute: 'B1', score: 71 } },
      ],
      [
        'setPip',
        {
          decisionDate: '2026-10-01',
          route: 'B1',
          modules: [
            { module: 'PVT', partnerId },
            { module: 'MAP', agreedEndDate: '2027-06-01' },
            { module: 'KNM' },
          ],
          taalschoolPartnerId: partnerId,
        },
      ],
    ];
    for (const [actie, body] of steps) {
      const res = await act(h, id, actie, body);
      expect({ actie, status: res.status, body: res.status === 200 ? 'ok' : res.body }).toEqual({
        actie,
        status: 200,
        body: 'ok',
      });
    }

    // The outbox row turns `sent` only after the receiver answered 200.
    const row = await until('the referral to be sent', async () => {
      const r = await h.db.notificationOutbox.findFirst({
        where: { inburgeraarId: id, template: 'PIP_REFERRAL', status: 'sent' },
      });
      return r ?? undefined;
    });
    expect(row.channel).toBe('webhook');
    expect(row.recipient).toBe(receiver.url);

    const calls = receiver.calls.filter((c) => c.body.includes(id));
    expect(calls).toHaveLength(1);
    const call = calls[0]!;
    const headers = {
      signature: call.headers['x-inburgering-signature'] as string | undefined,
      timestamp: call.headers['x-inburgering-timestamp'] as string | undefined,
    };
    const now = Math.floor(Date.now() / 1000);
    expect(verifyWebhook(SECRET, headers, call.body, now)).toBe(true);
    expect(verifyWebhook('another-secret-0123456789', headers, call.body, now)).toBe(false);
    expect(call.headers['idempotency-key']).toBe(row.key);

    const payload = JSON.parse(call.body) as { type: string; inburgeraarId: string };
    expect(payload).toMatchObject({ type: 'PIP_REFERRAL', inburgeraarId: id });
    expect(call.body).not.toContain(person.bsn);
    expect(call.body).not.toContain(person.voornaam);
    expect(call.body).not.toContain(person.achternaam);
    expect(call.body).not.toContain(SECRET);

    // The partner may see this person from now on.
    expect(await h.stores.partners.referralsOf(partnerId)).toEqual([id]);
  });

  it('a hand-off the partner refused (410) is sent again, once, after the admin changes the partner', async () => {
    const refusing = await startWebhookReceiver();
    refusing.outageStatus = 410;
    try {
      const created = await createPartner({
        name: 'Taalschool Verhuisd',
        kind: 'taalschool',
        webhookUrl: refusing.url,
        webhookSecret: SECRET,
      });
      const partnerId = created.body.id as string;
      const started = await request(h.app)
        .post('/api/inburgeraars')
        .set('X-Api-Key', h.users.coa.key)
        .send(koppelingBody({ coachId: h.users.coach.user.id, koppelingDate: '2026-09-01' }))
        .expect(201);
      const id = started.body.inburgeraarId as string;
      for (const [actie, body] of [
        ['registerKennisgeving', { date: '2026-09-05' }],
        ['planBredeIntake', { plannedDate: '2026-09-15' }],
        ['completeBredeIntake', { date: '2026-09-15', lbtNotTakenReason: 'niet nodig' }],
        [
          'setPip',
          {
            decisionDate: '2026-10-01',
            route: 'Z',
            modules: [{ module: 'PVT' }, { module: 'MAP' }],
            taalschoolPartnerId: partnerId,
          },
        ],
      ] as const)
        expect((await act(h, id, actie, body)).status).toBe(200);
      const failed = await until('the refusal', async () => {
        const r = await h.db.notificationOutbox.findFirst({
          where: { inburgeraarId: id, template: 'PIP_REFERRAL', status: 'failed' },
        });
        return r ?? undefined;
      });
      expect(failed.lastError).toBe('webhook antwoordde HTTP 410');

      const bad = await request(h.app)
        .put(`/api/partners/${partnerId}`)
        .set('X-Api-Key', h.users.admin.key)
        .send({ webhookUrl: receiver.url });
      expect(bad.status).toBe(400);
      expect(bad.body.issues).toEqual([{ field: 'webhookSecret', reason: expect.any(String) }]);
      const changed = await request(h.app)
        .put(`/api/partners/${partnerId}`)
        .set('X-Api-Key', h.users.admin.key)
        .send({ webhookUrl: receiver.url, webhookSecret: SECRET })
        .expect(200);
      expect(changed.body).toMatchObject({ id: partnerId, webhookUrl: receiver.url, requeued: 1 });
      expect(JSON.stringify(changed.body)).not.toContain(SECRET);

      // The delivery workflow delivers it (woken by the change); nothing is resent by hand.
      await until(
        'the referral to arrive at the new address',
        async () =>
          (await h.db.notificationOutbox.findFirst({ where: { id: failed.id, status: 'sent' } })) ??
          undefined,
        30_000,
      );
      expect(receiver.calls.filter((c) => c.headers['idempotency-key'] === failed.key)).toHaveLength(1);
      expect(refusing.calls.filter((c) => c.headers['idempotency-key'] === failed.key)).toHaveLength(1);
      await request(h.app)
        .put('/api/partners/no-such-partner')
        .set('X-Api-Key', h.users.admin.key)
        .send({ name: 'X' })
        .expect(404);
    } finally {
      await refusing.close();
    }
  });
});
