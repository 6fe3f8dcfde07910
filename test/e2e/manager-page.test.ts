/**
 * The manager's page (/beheer) end to end in headless Chromium: the real app (createApp with the
 * web router) listening on a real port, the run's Temporal dev server, a worker with the real
 * workflow and activities, and a SQLite database of its own (the API tests' harness). The browser
 * signs in with a manager's API key, filters, sorts and pages the caseload, reads the overdue list
 * and the counts, opens a timeline with its deadlines, legal sources and escalations, checks the
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

/** The filter fields by their visible label (the form is the scope: "Achterstallig" is also a section). */
const filter = (name: string) => page.locator('#filters').getByLabel(name, { exact: true });
const caseloadRows = () => page.locator('#tabel-caseload tbody tr');
const caption = (text: string) => page.locator('#caseload-bijschrift', { hasText: text }).waitFor();

describeBrowser('the manager page', () => {
  it('asks for the API key once and keeps it for the tab only', async () => {
    await page.goto(`${baseUrl}/beheer`);
    await expect(page.title()).resolves.toBe('Regie inburgering – beheer');
    await page.getByLabel('API-sleutel').fill(h.users.manager.key);
    await page.getByRole('button', { name: 'Aanmelden' }).click();
    await caption(`Caseload: ${TOTAL} trajecten`);
    expect(await page.evaluate('Object.values(sessionStorage)')).toEqual([h.users.manager.key]);
    expect(await page.evaluate('localStorage.length')).toBe(0);

    // A reload keeps the session: no second prompt.
    await page.reload();
    await caption(`Caseload: ${TOTAL} trajecten`);
    expect(await page.locator('#aanmelden').isHidden()).toBe(true);
  });

  it('pages the caseload and sorts it by a column header', async () => {
    await filter('Per pagina').selectOption('10');
    await page.getByRole('button', { name: 'Toepassen' }).click();
    await page.locator('#pagina-info', { hasText: 'Pagina 1 van 2' }).waitFor();
    expect(await caseloadRows().count()).toBe(10);
    await page.getByRole('button', { name: 'Volgende pagina' }).click();
    await page.locator('#pagina-info', { hasText: 'Pagina 2 van 2' }).waitFor();
    expect(await caseloadRows().count()).toBe(TOTAL - 10);
    expect(await page.getByRole('button', { name: 'Volgende pagina' }).isDisabled()).toBe(true);

    const faseHeader = page.locator('#tabel-caseload th[data-sort="phase"]');
    await faseHeader.getByRole('button').click();
    await page.locator('#tabel-caseload th[data-sort="phase"][aria-sort="ascending"]').waitFor();
    await page.locator('#pagina-info', { hasText: 'Pagina 1 van 2' }).waitFor();
    await faseHeader.getByRole('button').click();
    await page.locator('#tabel-caseload th[data-sort="phase"][aria-sort="descending"]').waitFor();
  });

  it('filters by coach, by fase and by leerroute', async () => {
    await filter('Coach').fill(h.users.coach2.user.id);
    await page.getByRole('button', { name: 'Toepassen' }).click();
    await caption(`Caseload: ${COUNT.coach2} trajecten`);
    expect(await caseloadRows().count()).toBe(COUNT.coach2);

    await page.getByRole('button', { name: 'Wissen' }).click();
    await caption(`Caseload: ${TOTAL} trajecten`);
    await filter('Fase').selectOption({ label: 'Leerroute' });
    await filter('Leerroute').selectOption({ label: 'B1-route' });
    await page.getByRole('button', { name: 'Toepassen' }).click();
    await caption('Caseload: 1 traject');
    await expect(caseloadRows().first().innerText()).resolves.toContain('B1-route');
  });

  it('shows the overdue list and the filter "achterstallig" agrees with the API', async () => {
    const overdueTotal = (await api('/api/inburgeraars?overdue=true&pageSize=1')).body.total as number;
    expect(overdueTotal).toBeGreaterThanOrEqual(1);
    await page.locator('#tabel-achterstallig tbody tr').first().waitFor();
    expect(await page.locator('#tabel-achterstallig tbody tr').count()).toBe(overdueTotal);

    await page.getByRole('button', { name: 'Wissen' }).click();
    await caption(`Caseload: ${TOTAL} trajecten`);
    await filter('Achterstallig').selectOption('true');
    await page.getByRole('button', { name: 'Toepassen' }).click();
    await caption(`Caseload: ${overdueTotal} ${overdueTotal === 1 ? 'traject' : 'trajecten'}`);

    // Deadline within N days: the API decides; the page shows the same number.
    await page.getByRole('button', { name: 'Wissen' }).click();
    const within = (await api('/api/inburgeraars?dueWithinDays=30&pageSize=1')).body.total as number;
    await filter('Deadline binnen (dagen)').fill('30');
    await page.getByRole('button', { name: 'Toepassen' }).click();
    await caption(`Caseload: ${within} ${within === 1 ? 'traject' : 'trajecten'}`);
  });

  it('shows the counts per fase and per leerroute, and the KPIs', async () => {
    const perFase = page.locator('#tabel-per-fase');
    await perFase.getByRole('rowheader', { name: 'Totaal' }).waitFor();
    await expect(perFase.locator('tr', { hasText: 'Totaal' }).innerText()).resolves.toContain(String(TOTAL));
    await expect(perFase.locator('tr', { hasText: 'Leerroute' }).innerText()).resolves.toContain('1');
    await expect(page.locator('#tabel-per-route tr', { hasText: 'B1-route' }).innerText()).resolves.toContain(
      '1',
    );
    await expect(
      page.locator('#tabel-kpis tr', { hasText: 'Trajecten' }).first().innerText(),
    ).resolves.toContain(String(TOTAL));
  });

  it("opens one person's timeline with deadlines, legal sources, escalations and the Temporal link", async () => {
    await page.getByRole('button', { name: 'Wissen' }).click();
    await filter('Fase').selectOption('LEERROUTE');
    await page.getByRole('button', { name: 'Toepassen' }).click();
    await caption('Caseload: 1 traject');
    await caseloadRows()
      .first()
      .getByRole('button', { name: /^Tijdlijn/ })
      .click();

    const detail = page.locator('#detail');
    await detail.getByRole('heading', { name: /^Tijdlijn van Amira Test-/ }).waitFor();
    const termijn = detail.locator('#tabel-deadlines tr', { hasText: 'Inburgeringstermijn' });
    await expect(termijn.innerText()).resolves.toMatch(/Wi2021 art\. 7/);
    await expect(termijn.innerText()).resolves.toContain('1 okt 2029');
    expect(page.url()).toContain(`#/inburgeraar/${ids.b1}`);
    await expect(
      page.getByRole('link', { name: 'Bekijk de workflow in Temporal Web UI' }).getAttribute('href'),
    ).resolves.toBe(
      `${TEMPORAL_UI_URL}/namespaces/${h.config.TEMPORAL_NAMESPACE}/workflows/inburgering-${ids.b1}`,
    );

    // The overdue PIP person: the escalation sent to the manager is listed.
    await page.goto(`${baseUrl}/beheer#/inburgeraar/${ids.pip}`);
    await detail.locator('#tabel-deadlines tr', { hasText: 'PIP vaststellen' }).waitFor();
    await expect(
      detail.locator('#tabel-deadlines tr', { hasText: 'PIP vaststellen' }).innerText(),
    ).resolves.toMatch(/gemist.*Wi2021 art\. 15/s);
    const escalation = detail.locator('#tabel-meldingen tr', { hasText: 'Escalatie' });
    await escalation.first().waitFor();
    // No SMTP in the test: the mail is held in the outbox, and the page says so.
    await expect(escalation.first().innerText()).resolves.toMatch(/manager.*aangehouden/s);
    expect(await detail.locator('#tijdlijn li').count()).toBeGreaterThan(0);

    fs.mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    expect(fs.statSync(SCREENSHOT).size).toBeGreaterThan(10_000);
  });

  it('sends a wrong key back to the sign-in form with a Dutch message', async () => {
    await page.getByRole('button', { name: 'Afmelden' }).click();
    await page.getByLabel('API-sleutel').fill('ir_this-key-does-not-exist-0123456789');
    await page.getByRole('button', { name: 'Aanmelden' }).click();
    await page.locator('#melding', { hasText: 'API-sleutel is onbekend' }).waitFor();
    expect(await page.locator('#aanmelden').isVisible()).toBe(true);
    expect(await page.evaluate('sessionStorage.length')).toBe(0);
  });
});
