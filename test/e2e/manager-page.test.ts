/**
 * The manager's page (/beheer) end to end in headless Chromium: the real app (createApp with the
 * web router) listening on a real port, the run's Temporal dev server, a worker with the real
 * workflow and activities, and a SQLite database of its own (the API tests' harness). The manager
 * signs in with the development sign-in (no identity provider configured; the sign-in through one
 * is in werk.test.ts), pages and filters the caseload by coach, fase and leerroute, reads the
 * overdue list and the counts, opens a person with deadlines, legal sources and escalations and the
 * Temporal Web UI link, and leaves a screenshot in test-results/manager-page.png.
 *
 * Chromium is Debian's package (CI installs it). Without it this test fails and says so: a browser
 * test that skips silently would let a broken page through.
 */
import fs from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import request from 'supertest';
import { createWebRouter } from '../../api/web/router';
import {
  KOPPELING_DATE_FOR,
  koppel,
  PHASE_FIXTURES,
  startApiHarness,
  type ApiHarness,
} from '../api/helpers/harness';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const SCREENSHOT = path.join(__dirname, '../../test-results/manager-page.png');
/** A recognisable UI address, so the test can tell the link was built from configuration. */
const TEMPORAL_UI_URL = 'http://temporal-ui.example.test:8233';

let h: ApiHarness;
let server: Server;
let baseUrl: string;
let browser: Browser;
let page: Page;
const ids = { b1: '', pip: '' };
const COUNT = { coach: 9, coach2: 2 };
const TOTAL = COUNT.coach + COUNT.coach2;

/** Polls until `check` holds: the read model is written by an activity, shortly after each start. */
async function eventually(what: string, check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const api = (url: string) => request(server).get(url).set('Authorization', `Bearer ${h.users.manager.key}`);

/**
 * Like the PostgreSQL tests: without Chromium a developer's run skips these loudly, CI (CI=true)
 * fails instead, so a green CI always includes the browser.
 */
const SKIP_BROWSER = !fs.existsSync(CHROMIUM) && process.env.CI !== 'true';
// Straight to stderr: jest drops console output of a file whose tests are all skipped.
if (SKIP_BROWSER)
  process.stderr.write(
    `\n[e2e] browser tests SKIPPED: Chromium not found at ${CHROMIUM}. Run \`npm run test:deps\` (Debian, root) or set CHROMIUM_PATH.\n`,
  );
const describeBrowser = SKIP_BROWSER ? describe.skip : describe;

beforeAll(async () => {
  if (SKIP_BROWSER) return;
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM}: install Debian's chromium (npm run test:deps) or set CHROMIUM_PATH. With CI=true the browser test does not skip.`,
    );
  }
  h = await startApiHarness('e2e');
  const app = h.appWith(
    { TEMPORAL_UI_URL },
    {
      extraRouters: [
        createWebRouter({ temporalUiUrl: TEMPORAL_UI_URL, namespace: h.config.TEMPORAL_NAMESPACE }),
      ],
    },
  );
  server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  // A caseload across phases and two coaches; more than one page of 10.
  ids.b1 = await koppel(h, { import: PHASE_FIXTURES.b1, koppelingDate: KOPPELING_DATE_FOR('b1') });
  ids.pip = await koppel(h, { import: PHASE_FIXTURES.pip, koppelingDate: KOPPELING_DATE_FOR('pip') });
  await koppel(h, { import: PHASE_FIXTURES.intake, koppelingDate: KOPPELING_DATE_FOR('intake') });
  for (let i = 3; i < COUNT.coach; i++) await koppel(h);
  for (let i = 0; i < COUNT.coach2; i++) await koppel(h, { coachId: h.users.coach2.user.id });
  await eventually(
    'the read model to list every trajectory',
    async () => (await api('/api/inburgeraars?pageSize=1')).body.total === TOTAL,
  );
  // The PIP term of the PIP-phase person passed long ago: the workflow escalates on its first run.
  await eventually('the escalation of the overdue PIP', async () => {
    const timeline = await api(`/api/inburgeraars/${ids.pip}/timeline`);
    const escalated = (timeline.body.notified as string[]).some((n) => n.includes(':ESCALATION:'));
    const inOutbox = (timeline.body.entries as { kind: string; type: string }[]).some(
      (e) => e.kind === 'notification' && e.type === 'ESCALATION',
    );
    return escalated && inOutbox;
  });

  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
  page = await browser.newPage({ viewport: { width: 1280, height: 900 }, locale: 'nl-NL' });
  // A script error on the page must fail the test, not just leave an empty table.
  page.on('pageerror', (err) => {
    throw err;
  });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  await h?.close();
});

/** The filter fields by their visible label (the form is the scope: "Te laat" is also a section). */
const filter = (name: string) => page.locator('#filters').getByLabel(name, { exact: true });
const caseloadRows = () => page.locator('#caseload tbody tr');
const count = (text: string) => page.locator('#caseload-aantal', { hasText: text }).waitFor();
const apply = () => page.getByRole('button', { name: 'Toepassen' }).click();

describeBrowser('the manager page', () => {
  it('sends the browser to the sign-in page and back after signing in', async () => {
    await page.goto(`${baseUrl}/beheer`);
    await page.waitForURL(/\/aanmelden\?terug=%2Fbeheer/);
    await page.getByLabel('Gebruiker').selectOption({ label: `${h.users.manager.user.name} (manager)` });
    await page.getByRole('button', { name: 'Aanmelden' }).click();
    await page.waitForURL(`${baseUrl}/beheer`);
    await expect(page.title()).resolves.toBe('Beheer – Regie inburgering');
    await count(`Caseload: ${TOTAL} trajecten`);
    // Nothing of the session is readable by scripts or kept in the browser's storage.
    expect(await page.evaluate('document.cookie')).toBe('');
    expect(await page.evaluate('sessionStorage.length + localStorage.length')).toBe(0);
    await page.reload();
    await count(`Caseload: ${TOTAL} trajecten`);
  });

  it('pages the caseload', async () => {
    await filter('Per pagina').selectOption('10');
    await apply();
    await page.locator('#pagina-info', { hasText: 'Pagina 1 van 2' }).waitFor();
    expect(await caseloadRows().count()).toBe(10);
    await page.getByRole('button', { name: 'Volgende pagina' }).click();
    await page.locator('#pagina-info', { hasText: 'Pagina 2 van 2' }).waitFor();
    expect(await caseloadRows().count()).toBe(TOTAL - 10);
    expect(await page.getByRole('button', { name: 'Volgende pagina' }).isDisabled()).toBe(true);
  });

  it('filters by coach (from the list of names), by fase and by leerroute', async () => {
    await filter('Klantmanager').selectOption({ label: h.users.coach2.user.name });
    await apply();
    await count(`Caseload: ${COUNT.coach2} trajecten`);
    expect(await caseloadRows().count()).toBe(COUNT.coach2);
    await expect(caseloadRows().first().innerText()).resolves.toContain(h.users.coach2.user.name);

    await page.getByRole('button', { name: 'Wissen' }).click();
    await count(`Caseload: ${TOTAL} trajecten`);
    await filter('Fase').selectOption({ label: 'Leerroute' });
    await filter('Leerroute').selectOption({ label: 'B1-route' });
    await apply();
    await count('Caseload: 1 traject');
    await expect(caseloadRows().first().innerText()).resolves.toContain('B1-route');
    await page.getByRole('button', { name: 'Wissen' }).click();
    await count(`Caseload: ${TOTAL} trajecten`);
  });

  it('lists who is late, and with which deadline, as the API counts them', async () => {
    const overdueTotal = (await api('/api/inburgeraars?overdue=true&pageSize=1')).body.total as number;
    expect(overdueTotal).toBeGreaterThanOrEqual(1);
    const rows = page.locator('#te-laat tbody tr');
    await rows.first().waitFor();
    expect(await rows.count()).toBe(overdueTotal);
    await expect(page.locator('#te-laat').innerText()).resolves.toMatch(/PIP vaststellen: uiterlijk/);
  });

  it('shows the counts per fase and per leerroute, and the KPIs', async () => {
    const perFase = page.locator('#aantallen table').nth(0);
    await perFase.getByRole('rowheader', { name: 'Totaal' }).waitFor();
    await expect(perFase.locator('tr', { hasText: 'Totaal' }).innerText()).resolves.toContain(String(TOTAL));
    await expect(perFase.locator('tr', { hasText: 'Leerroute' }).innerText()).resolves.toContain('1');
    await expect(
      page.locator('#aantallen table').nth(1).locator('tr', { hasText: 'B1-route' }).innerText(),
    ).resolves.toContain('1');
    await expect(
      page.locator('#aantallen table').nth(2).locator('tr', { hasText: 'Trajecten' }).innerText(),
    ).resolves.toContain(String(TOTAL));
  });

  it('opens one person with deadlines, legal sources, escalations and the Temporal link', async () => {
    await filter('Fase').selectOption('LEERROUTE');
    await apply();
    await count('Caseload: 1 traject');
    await caseloadRows().first().getByRole('link').click();
    await page.getByRole('heading', { level: 1, name: /^Amira Test-/ }).waitFor();
    expect(page.url()).toBe(`${baseUrl}/werk#/persoon/${ids.b1}`);
    const termijn = page.locator('#deadlines ~ table tr', { hasText: 'Inburgeringstermijn' });
    await expect(termijn.innerText()).resolves.toMatch(/1 oktober 2029.*Wi2021 art\. 11/s);
    await expect(
      page.getByRole('link', { name: /Bekijk de workflow in Temporal/ }).getAttribute('href'),
    ).resolves.toBe(
      `${TEMPORAL_UI_URL}/namespaces/${h.config.TEMPORAL_NAMESPACE}/workflows/inburgering-${ids.b1}`,
    );

    // The overdue PIP person: the escalation to the manager is listed, held (no SMTP in the test).
    await page.goto(`${baseUrl}/werk#/persoon/${ids.pip}`);
    const pip = page.locator('#deadlines ~ table tr', { hasText: 'PIP vaststellen' });
    await pip.waitFor();
    await expect(pip.innerText()).resolves.toMatch(/te laat.*Wi2021 art\. 15/s);
    const escalation = page.locator('#berichten ~ table tr', { hasText: 'Melding te laat' });
    await expect(escalation.first().innerText()).resolves.toMatch(/manager.*niet verstuurd.*geen SMTP/s);
    expect(await page.locator('.timeline li').count()).toBeGreaterThan(0);

    fs.mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    expect(fs.statSync(SCREENSHOT).size).toBeGreaterThan(10_000);
  });

  it('signs out: the session is gone and the pages ask to sign in again', async () => {
    await page.goto(`${baseUrl}/beheer`);
    await page.getByRole('button', { name: 'Afmelden' }).click();
    await page.getByText('U bent afgemeld.').waitFor();
    expect(await page.evaluate(async () => (await fetch('/api/me')).status)).toBe(401);
    await page.goto(`${baseUrl}/beheer`);
    await page.waitForURL(/\/aanmelden/);
  });
});
