/**
 * The person's rights through the API (dev server, worker with the real activities, SQLite): a
 * manager exports everything stored about one person (AVG art. 15) as JSON and as a page in Dutch,
 * and corrects their data (art. 16), the BSN included; each use is an audit event, and the
 * correction's old and new values sit in the audit row's personal part. Coaches and others may not.
 */
import { randomUUID } from 'node:crypto';
import { WorkflowNotFoundError } from '@temporalio/common';
import request from 'supertest';
import { verifyAuditChain } from '../../activities/audit-chain';
import {
  act,
  koppel,
  koppelingBody,
  PHASE_FIXTURES,
  startApiHarness,
  testBsn,
  waitForReadModel,
  type ApiHarness,
} from './helpers/harness';

let h: ApiHarness;
beforeAll(async () => {
  h = await startApiHarness('privacy-rights');
});
afterAll(async () => h?.close());

const unique = randomUUID().slice(0, 8);
const bsn = testBsn((Number.parseInt(unique, 16) % 1_000_000) + 1_000_000);
const manager = () => h.users.manager.key;

async function register(persoon: Record<string, unknown>): Promise<string> {
  const res = await request(h.app)
    .post('/api/inburgeraars')
    .set('X-Api-Key', h.users.coa.key)
    .send({
      ...koppelingBody({ coachId: h.users.coach.user.id, import: { ...PHASE_FIXTURES.pip } }),
      persoon,
    })
    .expect(201);
  return res.body.inburgeraarId as string;
}

describe('right of access (AVG art. 15)', () => {
  let id: string;
  beforeAll(async () => {
    id = await register({
      bsn,
      voornaam: 'Samira',
      achternaam: `<script>window.__xss=1</script>${unique}`,
      geboortedatum: '1988-07-09',
      email: `samira.${unique}@voorbeeld.example`,
      adres: 'Inzagelaan 3, Zwolle',
    });
    await act(h, id, 'setPip', {
      decisionDate: '2026-10-01',
      route: 'B1',
      modules: [{ module: 'PVT' }, { module: 'MAP' }, { module: 'KNM' }],
      taalschoolPartnerId: h.partnerIds.taalschool,
    }).expect(200);
    await act(h, id, 'pause', { date: '2026-11-01', reason: 'wacht op een woning' }).expect(200);
    await request(h.app).get(`/api/inburgeraars/${id}`).set('X-Api-Key', h.users.coach.key).expect(200);
  });

  it('gives everything stored about the person as one JSON export, and records that it did', async () => {
    const res = await request(h.app)
      .get(`/api/inburgeraars/${id}/inzage`)
      .set('X-Api-Key', manager())
      .expect(200);
    expect(res.headers['cache-control']).toBe('no-store');
    const x = res.body;
    expect(x).toMatchObject({
      inburgeraarId: id,
      workflowId: `inburgering-${id}`,
      generatedBy: h.users.manager.user.id,
      person: { bsn, voornaam: 'Samira', geboortedatum: '1988-07-09', adres: 'Inzagelaan 3, Zwolle' },
      koppeling: { doelgroep: 'asielstatushouder', coachId: h.users.coach.user.id },
      trajectory: { source: 'temporal', state: { phase: 'LEERROUTE', route: 'B1' } },
      recipients: [
        { partnerId: h.partnerIds.taalschool, name: 'Taalschool De Brug', purpose: 'PIP_REFERRAL' },
      ],
      retention: { yearsAfterEnd: 5, endedDate: null, removalDate: null },
    });
    expect(x.trajectory.state.paused.reason).toBe('wacht op een woning');
    expect(x.deadlines.map((d: { key: string }) => d.key)).toContain('INBURGERINGSTERMIJN');
    const actions = x.auditTrail.map((a: { action: string }) => a.action);
    // The workflow's changes, who read the person, and this very export.
    expect(actions).toEqual(
      expect.arrayContaining(['KOPPELING', 'setPip', 'pause', 'PERSON_READ', 'INZAGE_EXPORTED']),
    );
    expect(x.auditTrail.find((a: { action: string }) => a.action === 'pause').details.reason).toBe(
      'wacht op een woning',
    );
    expect(x.notifications.map((n: { template: string }) => n.template)).toContain('PIP_REFERRAL');

    const exports = await h.db.auditEvent.findMany({
      where: { inburgeraarId: id, action: 'INZAGE_EXPORTED' },
    });
    expect(exports.map((e) => [e.actor, JSON.parse(e.details).format])).toEqual([
      [h.users.manager.user.id, 'json'],
    ]);
  });

  it('gives the same as a readable page in Dutch, every value escaped', async () => {
    const res = await request(h.app)
      .get(`/api/inburgeraars/${id}/inzage.html`)
      .set('X-Api-Key', manager())
      .expect(200)
      .expect('content-type', /text\/html; charset=utf-8/);
    const html = res.text;
    for (const text of [
      '<html lang="nl">',
      'Uw gegevens bij Gemeente',
      'Uw persoonsgegevens',
      bsn,
      'Samira',
      '9 juli 1988',
      'Met wie wij uw gegevens deelden',
      'Taalschool De Brug',
      'Hoe lang bewaren wij uw gegevens?',
      'Wij bewaren ze tot 5 jaar na het einde van uw inburgering',
      'AVG, artikel 16',
      'wacht op een woning',
    ])
      expect({ text, found: html.includes(text) }).toEqual({ text, found: true });
    expect(html).toContain('&lt;script&gt;window.__xss=1&lt;/script&gt;');
    expect(html).not.toContain('<script>');
    const formats = await h.db.auditEvent.findMany({
      where: { inburgeraarId: id, action: 'INZAGE_EXPORTED' },
    });
    expect(formats.map((e) => JSON.parse(e.details).format)).toEqual(['json', 'html']);
  });

  it('falls back to the last stored state once Temporal no longer keeps the workflow', async () => {
    const gone = await koppel(h);
    await waitForReadModel(h, [gone]);
    const handle = h.env.client.workflow.getHandle(`inburgering-${gone}`);
    await handle.terminate('test: beyond the namespace retention');
    await h.env.client.workflowService.deleteWorkflowExecution({
      namespace: 'default',
      workflowExecution: { workflowId: `inburgering-${gone}` },
    });
    // Deleting is asynchronous in Temporal: wait until the workflow is gone, then export once.
    const until = Date.now() + 60_000;
    for (;;) {
      const deleted = await handle.describe().then(
        () => false,
        (err: unknown) => err instanceof WorkflowNotFoundError,
      );
      if (deleted) break;
      if (Date.now() > until) throw new Error('the workflow was not deleted');
      await new Promise((r) => setTimeout(r, 250));
    }
    const x = (
      await request(h.app).get(`/api/inburgeraars/${gone}/inzage`).set('X-Api-Key', manager()).expect(200)
    ).body as { trajectory: { source: string; summary: { phase: string } | null } };
    expect(x.trajectory).toMatchObject({
      source: 'readModel',
      state: null,
      summary: { phase: 'KOPPELING' },
    });
  });

  it('is for managers only, and answers 404 for an unknown person', async () => {
    for (const who of [h.users.coach, h.users.admin, h.users.partner, h.users.coa])
      await request(h.app).get(`/api/inburgeraars/${id}/inzage`).set('X-Api-Key', who.key).expect(403);
    await request(h.app)
      .get(`/api/inburgeraars/${randomUUID()}/inzage`)
      .set('X-Api-Key', manager())
      .expect(404);
  });
});

describe('right to rectification (AVG art. 16)', () => {
  let id: string;
  let otherBsn: string;
  beforeAll(async () => {
    id = await register({
      bsn: testBsn((Number.parseInt(unique, 16) % 1_000_000) + 2_000_000),
      voornaam: 'Yusuf',
      achternaam: 'Fout',
    });
    otherBsn = testBsn((Number.parseInt(unique, 16) % 1_000_000) + 3_000_000);
    await register({ bsn: otherBsn, voornaam: 'Ander', achternaam: 'Persoon' });
  });

  it('corrects name and BSN, records old and new values in the audit trail, and finds the person by the new BSN', async () => {
    const newBsn = testBsn((Number.parseInt(unique, 16) % 1_000_000) + 4_000_000);
    const res = await request(h.app)
      .post(`/api/inburgeraars/${id}/correctie`)
      .set('X-Api-Key', manager())
      .send({ achternaam: 'Goed', bsn: newBsn, telefoon: '06-11112222', toelichting: 'paspoort gezien' })
      .expect(200);
    expect(res.body).toEqual({
      inburgeraarId: id,
      fields: ['achternaam', 'telefoon', 'bsn'],
      persoon: { voornaam: 'Yusuf', achternaam: 'Goed', telefoon: '06-11112222' },
    });
    const read = await request(h.app).get(`/api/inburgeraars/${id}`).set('X-Api-Key', manager()).expect(200);
    expect(read.body.persoon).toMatchObject({ achternaam: 'Goed', telefoon: '06-11112222' });

    const audit = await h.db.auditEvent.findFirstOrThrow({
      where: { inburgeraarId: id, action: 'PERSONAL_DATA_CORRECTED' },
    });
    expect(audit.actor).toBe(h.users.manager.user.id);
    expect(JSON.parse(audit.details)).toEqual({
      fields: ['achternaam', 'telefoon', 'bsn'],
      actorRole: 'manager',
      persoonlijk: {
        toelichting: 'paspoort gezien',
        oud: { achternaam: 'Fout', telefoon: null },
        nieuw: { achternaam: 'Goed', telefoon: '06-11112222' },
      },
    });
    expect(audit.details).not.toContain(newBsn);
    expect(audit.personalDigest).toMatch(/^[0-9a-f]{64}$/);
    // The timeline shows it to the coach, too.
    const timeline = await request(h.app)
      .get(`/api/inburgeraars/${id}/timeline`)
      .set('X-Api-Key', h.users.coach.key);
    expect(timeline.body.entries.map((e: { type: string }) => e.type)).toContain('PERSONAL_DATA_CORRECTED');

    // A koppeling with the new BSN finds this person (the hash was recomputed); the export shows it.
    const again = await request(h.app)
      .post('/api/inburgeraars')
      .set('X-Api-Key', h.users.coa.key)
      .send({
        ...koppelingBody({ coachId: h.users.coach.user.id }),
        persoon: { bsn: newBsn, voornaam: 'Y', achternaam: 'G' },
      })
      .expect(200);
    expect(again.body).toMatchObject({ inburgeraarId: id, created: false });
    const x = await request(h.app)
      .get(`/api/inburgeraars/${id}/inzage`)
      .set('X-Api-Key', manager())
      .expect(200);
    expect(x.body.person.bsn).toBe(newBsn);
    expect(await verifyAuditChain(h.db)).toMatchObject({ ok: true });
  });

  it('refuses a BSN of another person (409), an empty correction and bad values (400), changing nothing', async () => {
    const before = await h.db.persoonsgegevens.findUniqueOrThrow({ where: { inburgeraarId: id } });
    const clash = await request(h.app)
      .post(`/api/inburgeraars/${id}/correctie`)
      .set('X-Api-Key', manager())
      .send({ bsn: otherBsn, toelichting: 'typefout' })
      .expect(409);
    expect(clash.body.error).toBe('BSN_IN_USE');
    const empty = await request(h.app)
      .post(`/api/inburgeraars/${id}/correctie`)
      .set('X-Api-Key', manager())
      .send({ toelichting: 'niets' })
      .expect(400);
    expect(empty.body.issues).toEqual([{ field: 'persoon', reason: 'name at least one field to correct' }]);
    const bad = await request(h.app)
      .post(`/api/inburgeraars/${id}/correctie`)
      .set('X-Api-Key', manager())
      .send({ bsn: '123456789', geboortedatum: '1990-13-01' })
      .expect(400);
    expect(bad.body.issues.map((i: { field: string }) => i.field).sort()).toEqual([
      'bsn',
      'geboortedatum',
      'toelichting',
    ]);
    expect(await h.db.persoonsgegevens.findUniqueOrThrow({ where: { inburgeraarId: id } })).toEqual(before);
    await request(h.app)
      .post(`/api/inburgeraars/${id}/correctie`)
      .set('X-Api-Key', h.users.coach.key)
      .send({ achternaam: 'X', toelichting: 'y' })
      .expect(403);
  });
});
