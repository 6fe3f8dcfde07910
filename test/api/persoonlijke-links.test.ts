/**
 * Personal links and the inburgeraar's own page (/mijn/<token>) through the real app: Temporal dev
 * server, a worker with the real workflow and activities, SQLite.
 *
 *  - a coach makes a link: a 256-bit token in the URL, only its hash in the database, the default
 *    expiry from the policy (PERSONAL_LINK_DAYS), no Idempotency-Key (a replay would keep it);
 *  - the page shows this person's trajectory (name, deadlines with their article) and never
 *    another's; every view is an audit row with the person's and the link's id, never the token;
 *  - a wrong, malformed, expired or revoked token: the same neutral page, the same status;
 *  - the language: chosen by ?taal, remembered in a cookie, else Accept-Language; Arabic right to left;
 *  - headers: no caching by shared caches, no Referer; the request log never holds the token;
 *  - rate limits per address: failed lookups, and requests per minute.
 */
import { Writable } from 'node:stream';
import pino from 'pino';
import request from 'supertest';
import { hashToken } from '../../api/personal-links/links';
import {
  KOPPELING_DATE_FOR,
  koppel,
  PHASE_FIXTURES,
  startApiHarness,
  waitForReadModel,
  type ApiHarness,
} from './helpers/harness';

let h: ApiHarness;
let amal: string;
let bilal: string;

const names = { amal: 'Amal', bilal: 'Bilal' };

beforeAll(async () => {
  h = await startApiHarness('persoonlijke-links');
  amal = await koppel(h, { import: PHASE_FIXTURES.b1, koppelingDate: KOPPELING_DATE_FOR('b1') });
  bilal = await koppel(h);
  await waitForReadModel(h, [amal, bilal]);
  await h.db.persoonsgegevens.update({ where: { inburgeraarId: amal }, data: { voornaam: names.amal } });
  await h.db.persoonsgegevens.update({ where: { inburgeraarId: bilal }, data: { voornaam: names.bilal } });
});

afterAll(async () => {
  await h?.close();
});

async function makeLink(id: string, key = h.users.coach.key, body: object = {}) {
  const res = await request(h.app)
    .post(`/api/inburgeraars/${id}/persoonlijke-links`)
    .set('X-Api-Key', key)
    .send(body);
  expect(res.status).toBe(201);
  const token = String(res.body.url).split('/mijn/')[1]!;
  return { link: res.body as { id: string; url: string; expiresAt: string }, token };
}

const page = (token: string, app = h.app) => request(app).get(`/mijn/${token}`);

describe('personal links', () => {
  it('a coach makes a link: 256 random bits, only the hash stored, 90 days by default, audited', async () => {
    const before = Date.now();
    const { link, token } = await makeLink(amal);
    expect(link.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/mijn\/[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);
    // Nothing of the person in the link: not the id, not the BSN.
    expect(link.url).not.toContain(amal);
    const row = await h.db.personalLink.findUniqueOrThrow({ where: { id: link.id } });
    expect(row.tokenHash).toBe(hashToken(token));
    expect(JSON.stringify(row)).not.toContain(token);
    const days = (row.expiresAt.getTime() - before) / 86_400_000;
    expect(days).toBeGreaterThan(89.99);
    expect(days).toBeLessThan(90.01);
    const audit = await h.db.auditEvent.findFirstOrThrow({
      where: { action: 'PERSONAL_LINK_CREATED', inburgeraarId: amal },
    });
    expect(JSON.parse(audit.details)).toMatchObject({ linkId: link.id, actorRole: 'coach' });
    expect(audit.details).not.toContain(token);
    // The list shows the link without its token.
    const list = await request(h.app)
      .get(`/api/inburgeraars/${amal}/persoonlijke-links`)
      .set('X-Api-Key', h.users.coach.key)
      .expect(200);
    expect(list.body[0]).toMatchObject({ id: link.id, status: 'active', useCount: 0 });
    expect(JSON.stringify(list.body)).not.toContain(token);
  });

  it('refuses an Idempotency-Key (a stored replay would keep the token) and more days than the policy', async () => {
    const res = await request(h.app)
      .post(`/api/inburgeraars/${amal}/persoonlijke-links`)
      .set('X-Api-Key', h.users.coach.key)
      .set('Idempotency-Key', 'link-1')
      .send({});
    expect(res.status).toBe(400);
    expect(res.body.issues[0].field).toBe('Idempotency-Key');
    const tooLong = await request(h.app)
      .post(`/api/inburgeraars/${amal}/persoonlijke-links`)
      .set('X-Api-Key', h.users.coach.key)
      .send({ validDays: 91 });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.issues[0]).toMatchObject({ field: 'validDays' });
    const { link } = await makeLink(amal, h.users.manager.key, { validDays: 7 });
    expect(new Date(link.expiresAt).getTime() - Date.now()).toBeLessThan(7 * 86_400_000 + 60_000);
    // The other coach cannot make one for Amal.
    await request(h.app)
      .post(`/api/inburgeraars/${amal}/persoonlijke-links`)
      .set('X-Api-Key', h.users.coach2.key)
      .send({})
      .expect(403);
  });

  it("shows the person's own trajectory, from the workflow's state, and audits the view with ids only", async () => {
    const { link, token } = await makeLink(amal);
    const res = await page(token).set('Accept-Language', 'nl').expect(200);
    expect(res.headers['cache-control']).toBe('private, no-store');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.text).toContain('<html lang="nl" dir="ltr">');
    expect(res.text).toContain(`Deze pagina is voor \u2068${names.amal} `);
    expect(res.text).not.toContain(names.bilal);
    // The termijn's end and its article come from the trajectory's own deadline.
    const state = (
      await request(h.app).get(`/api/inburgeraars/${amal}`).set('X-Api-Key', h.users.coach.key).expect(200)
    ).body.state as { deadlines: { rule: string; dueDate: string; source: string }[] };
    const termijn = state.deadlines.find((d) => d.rule === 'INBURGERINGSTERMIJN')!;
    const shown = new Intl.DateTimeFormat('nl', { dateStyle: 'long', timeZone: 'UTC' }).format(
      new Date(`${termijn.dueDate}T00:00:00Z`),
    );
    expect(res.text).toMatch(
      new RegExp(`${shown}</time><span class="date-title">Einde van uw inburgeringstermijn`),
    );
    expect(res.text).toContain(termijn.source);
    expect(res.text).toContain('B1-route');
    // No script, no third-party asset.
    expect(res.text).not.toContain('<script');
    expect(res.text).not.toMatch(/(src|href)="https?:\/\/(?!127\.0\.0\.1)/);

    const views = await h.db.auditEvent.findMany({ where: { action: 'PERSONAL_LINK_VIEWED' } });
    const view = views.find((v) => JSON.parse(v.details).linkId === link.id)!;
    expect(view).toMatchObject({ inburgeraarId: amal, actor: `link:${link.id}` });
    expect(JSON.parse(view.details)).toEqual({ linkId: link.id, actorRole: 'inburgeraar' });
    for (const v of views) expect(JSON.stringify(v)).not.toContain(token);
    expect(await h.db.personalLink.findUniqueOrThrow({ where: { id: link.id } })).toMatchObject({
      useCount: 1,
    });
  });

  it("a token for one person never shows another's", async () => {
    const a = await makeLink(amal);
    const b = await makeLink(bilal);
    const pageA = await page(a.token).expect(200);
    const pageB = await page(b.token).expect(200);
    expect(pageA.text).toContain(`voor \u2068${names.amal} `);
    expect(pageA.text).not.toContain(names.bilal);
    expect(pageB.text).toContain(`voor \u2068${names.bilal} `);
    expect(pageB.text).not.toContain(names.amal);
  });

  it('a wrong, malformed, expired or revoked link: one neutral page, one status', async () => {
    const expired = await makeLink(amal);
    await h.db.personalLink.update({
      where: { id: expired.link.id },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    const revoked = await makeLink(amal);
    await page(revoked.token).expect(200);
    const revokedAnswer = await request(h.app)
      .delete(`/api/inburgeraars/${amal}/persoonlijke-links/${revoked.link.id}`)
      .set('X-Api-Key', h.users.coach.key)
      .expect(200);
    expect(revokedAnswer.body).toMatchObject({ status: 'revoked', revokedBy: h.users.coach.user.id });
    expect(
      await h.db.auditEvent.count({ where: { action: 'PERSONAL_LINK_REVOKED', inburgeraarId: amal } }),
    ).toBe(1);
    // Revoking a link of Amal through Bilal's path: not found.
    await request(h.app)
      .delete(`/api/inburgeraars/${bilal}/persoonlijke-links/${expired.link.id}`)
      .set('X-Api-Key', h.users.coach.key)
      .expect(404);

    const wrong = Buffer.alloc(32, 9).toString('base64url');
    const answers = await Promise.all(
      [wrong, 'kort', expired.token, revoked.token].map((t) => page(t).set('Accept-Language', 'nl')),
    );
    for (const a of answers) {
      expect(a.status).toBe(404);
      expect(a.headers['cache-control']).toBe('private, no-store');
      expect(a.text).toBe(answers[0]!.text);
    }
    expect(answers[0]!.text).toContain('Deze link werkt niet');
    expect(answers[0]!.text).not.toContain(names.amal);
  });

  it('the language: chosen on the page and remembered in a cookie, else the browser language', async () => {
    const { token } = await makeLink(amal);
    const chosen = await page(`${token}?taal=ar`).expect(200);
    expect(chosen.text).toContain('<html lang="ar" dir="rtl">');
    const cookie = chosen.headers['set-cookie']![0]!;
    expect(cookie).toMatch(
      /^mijn_taal=ar; Max-Age=31536000; Path=\/mijn; Expires=.*; HttpOnly; SameSite=Lax$/,
    );
    const remembered = await page(token).set('Cookie', 'mijn_taal=ar').set('Accept-Language', 'tr');
    expect(remembered.text).toContain('<html lang="ar" dir="rtl">');
    const browser = await page(token).set('Accept-Language', 'tr-TR,tr;q=0.9,en;q=0.5');
    expect(browser.text).toContain('<html lang="tr" dir="ltr">');
    expect(browser.headers['content-language']).toBe('tr');
    const unknown = await page(`${token}?taal=xx`).set('Accept-Language', 'fr');
    expect(unknown.text).toContain('<html lang="nl" dir="ltr">');
    expect(unknown.headers['set-cookie']).toBeUndefined();
  });

  it('the request log holds /mijn/[token], never the token', async () => {
    const lines: string[] = [];
    const log = pino(
      { level: 'info' },
      new Writable({
        write(chunk: Buffer, _enc, done) {
          lines.push(chunk.toString());
          done();
        },
      }),
    );
    const app = h.appWith({}, { log });
    const { token } = await makeLink(amal);
    await page(token, app).expect(200);
    await page('onbekend-token', app).expect(404);
    const requestLines = lines.filter((l) => l.includes('/mijn/'));
    expect(requestLines.length).toBeGreaterThanOrEqual(2);
    for (const l of requestLines) expect(l).toContain('/mijn/[token]');
    expect(lines.join('\n')).not.toContain(token);
    expect(lines.join('\n')).not.toContain('onbekend-token');
  });

  it('rate-limits failed lookups per address (429, in the same neutral words), and requests per minute', async () => {
    const { token } = await makeLink(amal);
    const guarded = h.appWith({ PERSONAL_LINK_FAILURE_LIMIT: 3 });
    for (let i = 0; i < 3; i++) await page(Buffer.alloc(32, i).toString('base64url'), guarded).expect(404);
    const blocked = await page(Buffer.alloc(32, 7).toString('base64url'), guarded).set(
      'Accept-Language',
      'en',
    );
    expect(blocked.status).toBe(429);
    expect(blocked.headers['retry-after']).toBeDefined();
    expect(blocked.text).toContain('Please wait');
    // Guessing stopped: also a good token waits until the window has passed.
    await page(token, guarded).expect(429);

    const busy = h.appWith({ PERSONAL_LINK_RATE_LIMIT: 2 });
    await page(token, busy).expect(200);
    await page(token, busy).expect(200);
    await page(token, busy).expect(429);
  });
});
