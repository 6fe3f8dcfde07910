/**
 * The inburgeraar's own page in headless Chromium, end to end: the coach makes a personal link in
 * the workspace (/werk, development sign-in), the person opens it on a 375 px phone screen and
 * picks a language; the real app with the run's Temporal dev server, a worker with the real
 * workflow and activities, and a SQLite file of its own.
 *
 *  - every language of the catalogues: the page in that language (Arabic right to left), the choice
 *    remembered, no sideways scrolling, axe-core without violations, a screenshot each in
 *    test-results/mijn-<language>.png (axe counts in test-results/axe-mijn.json);
 *  - readable without JavaScript; the gemeente's site gets no Referer (the token stays here);
 *  - a link for person A never shows person B; a revoked (in the workspace) and an expired link
 *    show the same neutral page; every view is one audit row with the person's and the link's id.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import request from 'supertest';
import { loadCatalogues } from '../../api/mijn/i18n';
import { createWebRouter } from '../../api/web/router';
import {
  axe as axeCheck,
  describeBrowser,
  fitsWidth,
  launchBrowser,
  RESULTS,
  screenshot,
  SKIP_BROWSER,
  type AxeSummary,
} from '../helpers/browser';
import { act, koppel, PHASE_FIXTURES, startApiHarness, type ApiHarness } from '../api/helpers/harness';

declare const document: { documentElement: { lang: string; dir: string } };

const catalogues = loadCatalogues();
const axeResults: AxeSummary = {};
const axe = (page: Page, name: string) => axeCheck(page, name, axeResults);

let h: ApiHarness;
let browser: Browser;
let base: string;
const servers: http.Server[] = [];
/** The Referer of each request for the "gemeente's website" (its home page). */
const siteVisits: (string | undefined)[] = [];
const person = { amal: '', bilal: '' };
let amalLink = '';

async function listen(handler?: http.RequestListener): Promise<{ server: http.Server; url: string }> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

beforeAll(async () => {
  if (SKIP_BROWSER) return;
  browser = await launchBrowser();
  h = await startApiHarness('mijn');
  await h.stores.users.createUser({ id: 'anna', name: 'Anna de Vries', role: 'coach' });
  const { url: site } = await listen((req, res) => {
    if (req.url === '/') siteVisits.push(req.headers.referer);
    res.setHeader('content-type', 'text/html; charset=utf-8');
    res.end('<!doctype html><html lang="nl"><title>Gemeente</title><h1>Website van de gemeente</h1></html>');
  });
  // The port first: the links the app makes carry its public address.
  const { server, url } = await listen();
  base = url;
  const app = h.appWith(
    {
      PUBLIC_URL: base,
      GEMEENTE_NAAM: 'Gemeente Zwolle',
      GEMEENTE_TELEFOON: '14 038',
      GEMEENTE_EMAIL: 'inburgering@zwolle.example',
      GEMEENTE_WEBSITE: `${site}/`,
      PERSONAL_LINK_RATE_LIMIT: 1000,
    },
    { extraRouters: [createWebRouter({ temporalUiUrl: 'http://127.0.0.1:8233', namespace: 'default' })] },
  );
  server.on('request', app);

  // Amal: B1-route since October 2026, PVT done, one exam failed and one passed. Bilal: just coupled.
  person.amal = await koppel(h, { coachId: 'anna', import: PHASE_FIXTURES.b1, koppelingDate: '2026-09-01' });
  person.bilal = await koppel(h, { coachId: 'anna' });
  const manager = h.users.manager.key;
  for (const [actie, body] of [
    ['startModule', { module: 'PVT', date: '2026-10-12' }],
    ['completeModule', { module: 'PVT', date: '2026-11-02', hours: 12 }],
    ['startModule', { module: 'MAP', date: '2026-10-20' }],
    ['recordExamResult', { component: 'LEZEN', attempt: 1, date: '2026-11-10', passed: false }],
    ['recordExamResult', { component: 'KNM', attempt: 1, date: '2026-11-12', passed: true }],
  ] as const)
    await act(h, person.amal, actie, body, manager).expect(200);
  for (const [id, voornaam, achternaam] of [
    [person.amal, 'Amal', 'Haddad'],
    [person.bilal, 'Bilal', 'Çelik'],
  ] as const)
    await h.db.persoonsgegevens.update({ where: { inburgeraarId: id }, data: { voornaam, achternaam } });
}, 120_000);

afterAll(async () => {
  if (!SKIP_BROWSER)
    fs.writeFileSync(path.join(RESULTS, 'axe-mijn.json'), JSON.stringify(axeResults, null, 2));
  await browser?.close();
  for (const s of servers) await new Promise((resolve) => s.close(resolve));
  await h?.close();
});

async function phone(options: { javaScriptEnabled?: boolean } = {}): Promise<Page> {
  // bypassCSP only so the test can inject axe-core; the page itself has no script.
  const context = await browser.newContext({
    viewport: { width: 375, height: 812 },
    locale: 'nl-NL',
    bypassCSP: true,
    ...options,
  });
  const page = await context.newPage();
  page.on('pageerror', (err) => {
    throw err;
  });
  return page;
}

/** The development sign-in (no identity provider in this app), then the person's page. */
async function openAsCoach(page: Page, inburgeraarId: string): Promise<void> {
  await page.goto(`${base}/werk`);
  await page.getByLabel('Gebruiker').selectOption({ label: 'Anna de Vries (klantmanager)' });
  await page.getByRole('button', { name: 'Aanmelden' }).click();
  await page.getByRole('heading', { level: 1, name: 'Mijn caseload' }).waitFor();
  await page.goto(`${base}/werk#/persoon/${inburgeraarId}`);
}

const viewsOf = async (linkId: string) =>
  (await h.db.auditEvent.findMany({ where: { action: 'PERSONAL_LINK_VIEWED' } })).filter(
    (e) => JSON.parse(e.details).linkId === linkId,
  );

describeBrowser('the inburgeraar’s own page', () => {
  it('the coach makes a personal link in the workspace', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
    await openAsCoach(page, person.amal);
    await page.getByRole('heading', { level: 1, name: 'Amal Haddad' }).waitFor();
    await page.getByRole('heading', { level: 2, name: 'Persoonlijke pagina' }).waitFor();
    await page.locator('#persoonlijke-links', { hasText: 'Nog geen persoonlijke links' }).waitFor();
    await page.getByRole('button', { name: 'Maak een persoonlijke link' }).click();
    const field = page.getByLabel('Persoonlijke link voor Amal Haddad');
    await field.waitFor();
    amalLink = await field.inputValue();
    expect(amalLink).toMatch(new RegExp(`^${base}/mijn/[A-Za-z0-9_-]{43}$`));
    await page.locator('#persoonlijke-links tbody tr', { hasText: 'werkt' }).waitFor();
    await axe(page, 'werk-persoonlijke-link');
    await screenshot(page, 'werk-persoonlijke-link');
    await page.context().close();
  });

  it('shows the page in every language, chosen on the page and remembered; Arabic right to left', async () => {
    expect(catalogues.languages.map((l) => l.code)).toEqual(
      expect.arrayContaining(['nl', 'en', 'ar', 'ti', 'uk', 'tr']),
    );
    // A font for every language's script, or the screenshots show empty boxes (npm run test:deps).
    for (const { code } of catalogues.languages)
      expect({
        code,
        fonts:
          execFileSync('fc-list', [`:lang=${code}`, 'family'])
            .toString()
            .trim() !== '',
      }).toEqual({ code, fonts: true });
    for (const language of catalogues.languages) {
      const tr = catalogues.translator(language.code);
      const page = await phone();
      const first = await page.goto(amalLink);
      expect(first?.status()).toBe(200);
      expect(first?.headers()['cache-control']).toBe('private, no-store');
      expect(first?.headers()['referrer-policy']).toBe('no-referrer');
      // The browser's language (nl-NL) first; then the person picks theirs on the page.
      if (language.code !== 'nl') await page.getByRole('link', { name: language.name, exact: true }).click();
      await page.getByRole('heading', { level: 1, name: tr.t('page.title') }).waitFor();
      // Remembered: the link itself, opened again, comes in the chosen language.
      await page.goto(amalLink);
      const html = await page.evaluate(() => ({
        lang: document.documentElement.lang,
        dir: document.documentElement.dir,
      }));
      expect(html).toEqual({ lang: language.code, dir: language.code === 'ar' ? 'rtl' : 'ltr' });
      const main = await page.locator('main').innerText();
      expect(main).toContain('Amal Haddad');
      expect(main).not.toContain('Bilal');
      expect(main).toContain(tr.t('next.title'));
      expect(main).toContain(tr.t('deadline.INBURGERINGSTERMIJN.title'));
      expect(main).toContain(tr.t('exam.KNM'));
      expect(main).toContain('Anna de Vries');
      await expect(page.locator('[aria-current="true"]').innerText()).resolves.toBe(language.name);
      // The explanation of a missed date, with the article, opens without script.
      await page.locator('details summary').first().click();
      await fitsWidth(page);
      await axe(page, `mijn-${language.code}`);
      await screenshot(page, `mijn-${language.code}`);
      await page.context().close();
    }
  });

  it('is readable without JavaScript, and the gemeente’s site gets no Referer with the token', async () => {
    const page = await phone({ javaScriptEnabled: false });
    await page.goto(amalLink);
    await page.getByRole('heading', { level: 1, name: 'Mijn inburgering' }).waitFor();
    await expect(page.locator('main').innerText()).resolves.toContain(
      'Deze pagina is voor \u2068Amal Haddad\u2069.',
    );
    await page.getByRole('link', { name: /^127\.0\.0\.1/ }).click();
    await page.getByRole('heading', { name: 'Website van de gemeente' }).waitFor();
    expect(siteVisits).toEqual([undefined]);
    await page.context().close();
  });

  it("a link for one person never shows another's", async () => {
    const res = await request(base)
      .post(`/api/inburgeraars/${person.bilal}/persoonlijke-links`)
      .set('X-Api-Key', h.users.manager.key)
      .send({})
      .expect(201);
    const page = await phone();
    await page.goto(res.body.url as string);
    const main = await page.locator('main').innerText();
    expect(main).toContain('Bilal Çelik');
    expect(main).not.toContain('Amal');
    expect(main).toContain('Start');
    await page.context().close();
  });

  it('a revoked and an expired link show the same neutral page; every view is in the audit trail', async () => {
    const amalLinkId = (await h.db.personalLink.findFirstOrThrow({ where: { inburgeraarId: person.amal } }))
      .id;
    const row = await h.db.personalLink.findUniqueOrThrow({ where: { id: amalLinkId } });
    const views = await viewsOf(amalLinkId);
    expect(views.length).toBe(row.useCount);
    expect(views.length).toBeGreaterThanOrEqual(catalogues.languages.length * 2);
    const token = amalLink.split('/mijn/')[1]!;
    for (const v of views) {
      expect(v).toMatchObject({ inburgeraarId: person.amal, actor: `link:${amalLinkId}` });
      expect(JSON.stringify(v)).not.toContain(token);
    }

    // Revoked in the workspace.
    const coach = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await openAsCoach(coach, person.amal);
    await coach.locator('#persoonlijke-links tbody tr', { hasText: 'werkt' }).waitFor();
    await coach.getByRole('button', { name: /intrekken$/ }).click();
    await coach.locator('#persoonlijke-links tbody tr', { hasText: 'ingetrokken' }).waitFor();
    await coach.context().close();

    // Expired: a second link whose time ran out.
    const second = await request(base)
      .post(`/api/inburgeraars/${person.amal}/persoonlijke-links`)
      .set('X-Api-Key', h.users.manager.key)
      .send({})
      .expect(201);
    await h.db.personalLink.update({
      where: { id: second.body.id as string },
      data: { expiresAt: new Date(Date.now() - 60_000) },
    });

    const texts: string[] = [];
    for (const [url, name] of [
      [amalLink, 'mijn-ingetrokken'],
      [second.body.url as string, 'mijn-verlopen'],
    ] as const) {
      const page = await phone();
      const res = await page.goto(url);
      expect(res?.status()).toBe(404);
      await page.getByRole('heading', { level: 1, name: 'Deze link werkt niet' }).waitFor();
      const main = await page.locator('main').innerText();
      expect(main).not.toContain('Amal');
      texts.push(main);
      await fitsWidth(page);
      await axe(page, name);
      await screenshot(page, name);
      await page.context().close();
    }
    expect(texts[1]).toBe(texts[0]);
    // Nothing was shown, so nothing more was counted.
    expect(await viewsOf(amalLinkId)).toHaveLength(views.length);
  });
});
