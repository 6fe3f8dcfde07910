/**
 * The coach's workspace and the managers' page in headless Chromium, signed in through a real
 * OpenID provider (oidc-provider 9 in its own process on loopback, test/helpers/oidc-idp.ts):
 * authorization code flow with PKCE, the session cookie, CSRF, the idle timeout.
 *
 * The real app listens on a real port with the run's Temporal dev server, a worker with the real
 * workflow and activities and a SQLite file of its own (the API tests' harness). Facts are dated in
 * 2025, so the rules accept them whatever today is.
 *
 *  - a coach signs in and takes one person from koppeling through intake, PIP, modules and exams
 *    to "inburgeringsplicht voldaan", with a refused action showing its rule beside the form;
 *  - search by name and by BSN; keyboard only; CSRF refused; coach B cannot open coach A's person;
 *    a manager reassigns a person and the new coach sees them; a session expires;
 *  - every page passes axe-core without violations, at 1280 px and at 375 px, and leaves a
 *    screenshot in test-results/ (axe results in test-results/axe.json).
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import request from 'supertest';
import { createWebRouter } from '../../api/web/router';
import type { Config } from '../../config/config';
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
import { startTestIdp, type TestIdp } from '../helpers/oidc-idp';
import { koppelingBody, startApiHarness, type ApiHarness } from '../api/helpers/harness';

// Functions passed to page.evaluate run in the browser; these are the globals they use (the
// tests' TypeScript has no DOM library).
declare const document: {
  body: { dataset: Record<string, string | undefined> };
  cookie: string;
  activeElement: unknown;
};

const axeResults: AxeSummary = {};
const axe = (page: Page, name: string) => axeCheck(page, name, axeResults);

const USERS = {
  anna: { sub: 'anna', name: 'Anna de Vries', roles: ['coach'] },
  bram: { sub: 'bram', name: 'Bram Jansen', roles: ['coach'] },
  mo: { sub: 'mo', name: 'Mo Bakker', roles: ['manager'] },
};

let h: ApiHarness;
let idp: TestIdp;
let browser: Browser;
const servers: http.Server[] = [];
let base: string;
const person = { amal: '', bilal: '', amalBsn: '' };

async function listen(app: http.RequestListener | undefined): Promise<{ server: http.Server; url: string }> {
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

function webApp(overrides: Partial<Config>) {
  return h.appWith(overrides, {
    extraRouters: [createWebRouter({ temporalUiUrl: 'http://127.0.0.1:8233', namespace: 'default' })],
  });
}

beforeAll(async () => {
  if (SKIP_BROWSER) return;
  browser = await launchBrowser();
  h = await startApiHarness('werk');
  for (const u of Object.values(USERS))
    await h.stores.users.createUser({ id: u.sub, name: u.name, role: u.roles[0] as 'coach' | 'manager' });

  // The port first: the identity provider must know where to send the browser back.
  const { server, url } = await listen(undefined);
  base = url;
  idp = await startTestIdp({ accounts: Object.values(USERS), redirectUris: [`${base}/auth/callback`] });
  server.on(
    'request',
    webApp({
      OIDC_ISSUER: idp.issuer,
      OIDC_CLIENT_ID: idp.clientId,
      OIDC_REDIRECT_URL: `${base}/auth/callback`,
      OIDC_SCOPES: 'openid profile email roles',
      OIDC_ROLE_CLAIM: 'roles',
      PUBLIC_URL: base,
    }),
  );

  const koppeling = async (voornaam: string, achternaam: string, coachId: string) => {
    const body = koppelingBody({ coachId, koppelingDate: '2025-01-06' });
    Object.assign(body.persoon as object, { voornaam, achternaam });
    const res = await request(h.app).post('/api/inburgeraars').set('X-Api-Key', h.users.coa.key).send(body);
    if (res.status !== 201) throw new Error(`koppeling: ${res.status} ${JSON.stringify(res.body)}`);
    return { id: res.body.inburgeraarId as string, bsn: (body.persoon as { bsn: string }).bsn };
  };
  const amal = await koppeling('Amal', 'Haddad', 'anna');
  person.amal = amal.id;
  person.amalBsn = amal.bsn;
  person.bilal = (await koppeling('Bilal', 'Çelik', 'anna')).id;
  await koppeling('Chen', 'Wang', 'bram');
  // The read model is written by the workflow's first activity, just after each start.
  const until = Date.now() + 30_000;
  while ((await h.db.trajectoryReadModel.count()) < 3) {
    if (Date.now() > until) throw new Error('read model not written');
    await new Promise((r) => setTimeout(r, 200));
  }
}, 120_000);

afterAll(async () => {
  fs.writeFileSync(path.join(RESULTS, 'axe.json'), JSON.stringify(axeResults, null, 2));
  await browser?.close();
  for (const s of servers) await new Promise((resolve) => s.close(resolve));
  await idp?.close();
  await h?.close();
});

async function newPage(width = 1280): Promise<{ context: BrowserContext; page: Page }> {
  // bypassCSP only so the test can inject axe-core; the app's own scripts are files (CSP 'self').
  const context = await browser.newContext({
    viewport: { width, height: 900 },
    locale: 'nl-NL',
    bypassCSP: true,
  });
  const page = await context.newPage();
  page.on('pageerror', (err) => {
    throw err;
  });
  return { context, page };
}

/** Through the identity provider: its login form, then back to the page asked for. */
async function signIn(page: Page, user: keyof typeof USERS, target = '/werk'): Promise<void> {
  await page.goto(`${base}${target}`);
  await page.waitForURL(/\/aanmelden/);
  await page.getByRole('link', { name: 'Aanmelden met uw gemeente-account' }).click();
  await page.waitForURL((u) => u.toString().startsWith(idp.issuer));
  await page.locator('input[name=login]').fill(USERS[user].sub);
  await page.locator('input[name=password]').fill('test');
  await page.getByRole('button', { name: 'Sign-in' }).click();
  await page.waitForURL((u) => u.toString().startsWith(`${base}${target}`));
}

/** Opens an action of the "what now" panel, fills it, saves, and waits for the new state. */
async function act(page: Page, name: string, fill: (form: Locator) => Promise<void>, expectSaved = true) {
  const details = page.locator(`details[data-actie="${name}"]`);
  if ((await details.getAttribute('open')) === null) await details.locator('summary').click();
  const form = details.locator('form');
  await fill(form);
  await form.getByRole('button', { name: 'Opslaan' }).click();
  if (expectSaved) await page.locator('#melding [role=status]', { hasText: 'Opgeslagen' }).waitFor();
}

const phase = (page: Page) => page.locator('dl.summary dd').first().innerText();

describeBrowser('the coach workspace and the managers page', () => {
  let anna: Page;

  it('a coach signs in through the identity provider and sees her caseload by name', async () => {
    ({ page: anna } = await newPage());
    await anna.goto(`${base}/werk`);
    await anna.waitForURL(/\/aanmelden\?terug=%2Fwerk/);
    await axe(anna, 'aanmelden');
    await screenshot(anna, 'aanmelden');
    await signIn(anna, 'anna');
    await anna.getByRole('heading', { level: 1, name: 'Mijn caseload' }).waitFor();
    await expect(anna.locator('.site-header').innerText()).resolves.toContain('Anna de Vries');
    const rows = anna.locator('table tbody tr');
    await rows.first().waitFor();
    const names = await rows.locator('th').allInnerTexts();
    expect(names.sort()).toEqual(['Amal Haddad', 'Bilal Çelik']); // not Bram's Chen Wang
    // The session cookie is httpOnly and SameSite=Lax; scripts cannot read it.
    const cookie = (await anna.context().cookies()).find((c) => c.name === 'inburgering.sid');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax' });
    expect(await anna.evaluate(() => document.cookie)).not.toContain('inburgering.sid');
  });

  it('searches by name (case and accents ignored) and by BSN (exact)', async () => {
    await anna.getByLabel('Naam', { exact: true }).fill('celik');
    await anna.getByRole('button', { name: 'Zoeken' }).click();
    await anna.locator('#caseload-aantal', { hasText: '1 persoon' }).waitFor();
    await expect(anna.locator('table tbody th').innerText()).resolves.toBe('Bilal Çelik');
    await anna.getByRole('button', { name: 'Wissen' }).click();
    await anna.getByLabel('BSN').fill(person.amalBsn);
    await anna.getByRole('button', { name: 'Zoeken' }).click();
    await anna.locator('#caseload-aantal', { hasText: '1 persoon' }).waitFor();
    await expect(anna.locator('table tbody th').innerText()).resolves.toBe('Amal Haddad');
    await anna.getByRole('button', { name: 'Wissen' }).click();
    await anna.locator('#caseload-aantal', { hasText: '2 personen' }).waitFor();
    await axe(anna, 'werk-caseload');
    await screenshot(anna, 'werk-caseload');
  });

  it('takes one person from koppeling to inburgeringsplicht voldaan, with a refused action shown beside its form', async () => {
    await anna.getByRole('link', { name: 'Amal Haddad' }).click();
    await anna.getByRole('heading', { level: 1, name: 'Amal Haddad' }).waitFor();
    await expect(phase(anna)).resolves.toBe('Koppeling');
    // The step that moves on is open and marked; forms follow the command schemas.
    await expect(anna.locator('details[open] summary').first().innerText()).resolves.toContain(
      'Brede intake plannen',
    );
    expect(await anna.locator('details[data-actie="setPip"]').count()).toBe(0); // not allowed yet

    await act(anna, 'registerKennisgeving', (f) => f.getByLabel('Datum', { exact: true }).fill('2025-01-20'));
    await act(anna, 'registerBrpInschrijving', (f) =>
      f.getByLabel('Datum', { exact: true }).fill('2025-02-03'),
    );
    await act(anna, 'planBredeIntake', (f) =>
      f.getByLabel('Geplande datum', { exact: true }).fill('2025-02-20'),
    );
    await expect(phase(anna)).resolves.toBe('Brede intake');
    await act(anna, 'completeBredeIntake', async (f) => {
      await f.locator('#actie-completeBredeIntake-date').fill('2025-02-20');
      await f.locator('#actie-completeBredeIntake-lbt-date').fill('2025-02-18');
      await f.locator('#actie-completeBredeIntake-lbt-adviesRoute').selectOption('B1');
    });
    await expect(phase(anna)).resolves.toBe('PIP');

    // Refused: the B1-route needs MAP in the PIP. The rule's own Dutch text, beside the form.
    await act(
      anna,
      'setPip',
      async (f) => {
        await f.getByLabel('Datum van het besluit').fill('2025-03-31');
        await f.getByLabel('Leerroute', { exact: true }).selectOption('B1');
        await f.getByLabel('Participatieverklaring (PVT)').check();
        await f.getByLabel('Kennis van de Nederlandse maatschappij (KNM)').check();
      },
      false,
    );
    const refusal = anna.locator('details[data-actie="setPip"] .refusal');
    await refusal.waitFor();
    await expect(refusal.innerText()).resolves.toMatch(
      /Dit kan niet: Het PIP moet module MAP bevatten bij leerroute B1 \(Wi2021 art\. 6 lid 1\)\.\s+Regel: PIP_REQUIRES_MAP/,
    );
    await expect(phase(anna)).resolves.toBe('PIP'); // nothing changed
    await screenshot(anna, 'werk-persoon-geweigerd');

    await act(anna, 'setPip', (f) => f.getByLabel('Arbeidsmarkt en participatie (MAP)').check());
    await expect(phase(anna)).resolves.toBe('Leerroute');
    await expect(
      anna.locator('#deadlines ~ table tr', { hasText: 'Inburgeringstermijn' }).innerText(),
    ).resolves.toMatch(/31 maart 2028.*Wi2021 art\. 11/s);

    for (const [module, start, end] of [
      ['PVT', '2025-04-10', '2025-05-01'],
      ['MAP', '2025-04-10', '2025-09-01'],
    ] as const) {
      await act(anna, 'startModule', async (f) => {
        await f.getByLabel('Module', { exact: true }).selectOption(module);
        await f.getByLabel('Datum', { exact: true }).fill(start);
      });
      await act(anna, 'completeModule', async (f) => {
        await f.getByLabel('Module', { exact: true }).selectOption(module);
        await f.getByLabel('Datum', { exact: true }).fill(end);
        // PVT at least 12 hours, MAP at least 40 (Besluit inburgering 2021 art. 3.1 and 3.2).
        await f.getByLabel('Aantal uren').fill(module === 'MAP' ? '40' : '12');
      });
    }
    // Only the modules still open are offered: the rules narrowed the choices.
    await anna.locator('details[data-actie="startModule"] summary').click();
    await expect(
      anna.locator('details[data-actie="startModule"] select[name=module] option').allInnerTexts(),
    ).resolves.toEqual(['Kennis van de Nederlandse maatschappij (KNM)']);

    const exams = ['LEZEN', 'LUISTEREN', 'SCHRIJVEN', 'SPREKEN', 'KNM'];
    for (const [i, component] of exams.entries()) {
      await act(anna, 'recordExamResult', async (f) => {
        await f.getByLabel('Examenonderdeel').selectOption(component);
        await f.getByLabel('Poging').fill('1');
        await f.getByLabel('Datum', { exact: true }).fill(`2025-10-0${i + 1}`);
        await f.getByLabel('Ja').check();
      });
      if (i === 0) await expect(phase(anna)).resolves.toBe('Examens');
    }
    await expect(phase(anna)).resolves.toBe('Afgerond (voldaan)');
    await expect(anna.locator('dl.summary').first().innerText()).resolves.toMatch(
      /Inburgeringsplicht voldaan op 5 oktober 2025/,
    );
    await anna.getByText('Er zijn geen stappen meer mogelijk').waitFor();
    // The timeline names who acted; the messages say what was held and why (no SMTP in tests).
    await expect(anna.locator('.timeline').innerText()).resolves.toContain(
      'PIP vastgesteld · door Anna de Vries',
    );
    await expect(anna.locator('#berichten ~ table').innerText()).resolves.toMatch(
      /niet verstuurd \(wacht\).*(SMTP|e-mailadres)/s,
    );
    await axe(anna, 'werk-persoon');
    await screenshot(anna, 'werk-persoon');
  });

  it('works with the keyboard alone: find a person, open an action, save it', async () => {
    await anna.goto(`${base}/werk`);
    await anna.locator('#caseload-aantal').waitFor();
    const tabTo = async (target: Locator) => {
      for (let i = 0; i < 60; i++) {
        await anna.keyboard.press('Tab');
        if (await target.evaluate((el) => el === document.activeElement)) return;
      }
      throw new Error('not reachable with Tab');
    };
    await tabTo(anna.getByLabel('Naam', { exact: true }));
    await anna.keyboard.type('bilal');
    await anna.keyboard.press('Enter');
    await anna.locator('#caseload-aantal', { hasText: '1 persoon' }).waitFor();
    await tabTo(anna.getByRole('link', { name: 'Bilal Çelik' }));
    await anna.keyboard.press('Enter');
    await anna.getByRole('heading', { level: 1, name: 'Bilal Çelik' }).waitFor();
    const summary = anna.locator('details[data-actie="registerHuisvesting"] summary');
    await tabTo(summary);
    await anna.keyboard.press('Enter');
    await tabTo(anna.locator('#actie-registerHuisvesting-date'));
    // The date field holds today; typing fills its segments (day and month alike: any locale order).
    await anna.keyboard.type('02022025');
    await tabTo(anna.locator('details[data-actie="registerHuisvesting"] button[type=submit]'));
    await anna.keyboard.press('Enter');
    await anna.locator('#melding [role=status]', { hasText: 'Opgeslagen: Huisvesting vastleggen' }).waitFor();
    await expect(anna.locator('.timeline').innerText()).resolves.toContain(
      'Huisvesting vastgelegd · door Anna de Vries',
    );
  });

  it('refuses a write without the CSRF token, and changes nothing', async () => {
    const attempt = (token: string | null) =>
      anna.evaluate(
        async ({ id, token }) => {
          const headers: Record<string, string> = { 'content-type': 'application/json' };
          if (token !== null)
            headers['x-csrf-token'] = token === 'PAGE' ? document.body.dataset.csrf! : token;
          const res = await fetch(`/api/inburgeraars/${id}/acties/registerKennisgeving`, {
            method: 'POST',
            headers,
            body: JSON.stringify({ date: '2025-01-21' }),
          });
          return { status: res.status, body: await res.json() };
        },
        { id: person.bilal, token },
      );
    expect(await attempt(null)).toMatchObject({ status: 403, body: { error: 'CSRF_TOKEN_INVALID' } });
    expect(await attempt('not-the-token')).toMatchObject({
      status: 403,
      body: { error: 'CSRF_TOKEN_INVALID' },
    });
    const state = await request(h.app)
      .get(`/api/inburgeraars/${person.bilal}`)
      .set('X-Api-Key', h.users.manager.key);
    expect(state.body.state.dates.kennisgeving).toBeUndefined();
    // The page's own token is accepted: the check is the token, not the method.
    expect(await attempt('PAGE')).toMatchObject({ status: 200, body: { phase: 'KOPPELING' } });
  });

  it("coach B cannot open coach A's person", async () => {
    const { page: bram } = await newPage();
    await signIn(bram, 'bram');
    await bram.locator('#caseload-aantal', { hasText: '1 persoon' }).waitFor();
    await bram.goto(`${base}/werk#/persoon/${person.amal}`);
    await bram.getByRole('heading', { level: 1, name: 'Geen toegang' }).waitFor();
    await expect(bram.locator('main').innerText()).resolves.not.toContain('Amal');
    const status = await bram.evaluate(
      async (id) => (await fetch(`/api/inburgeraars/${id}`)).status,
      person.amal,
    );
    expect(status).toBe(403);
    // Nor the managers' page.
    const res = await bram.goto(`${base}/beheer`);
    expect(res?.status()).toBe(403);
    await axe(bram, 'geen-toegang');
    await screenshot(bram, 'geen-toegang');
    await bram.context().close();
  });

  it('a manager sees names, which deadline is late, held messages with the reason, and reassigns a person', async () => {
    const { page: mo } = await newPage();
    await signIn(mo, 'mo', '/beheer');
    await mo.getByRole('heading', { level: 1, name: 'Overzicht voor de manager' }).waitFor();
    const caseload = mo.locator('#caseload');
    await caseload.locator('tbody tr', { hasText: 'Bilal Çelik' }).waitFor();
    await expect(caseload.locator('tbody tr', { hasText: 'Chen Wang' }).innerText()).resolves.toContain(
      'Bram Jansen',
    );
    // Late: the trajectories started in 2025 and their terms passed; the list says which.
    const late = mo.locator('#te-laat tbody tr', { hasText: 'Chen Wang' });
    await expect(late.innerText()).resolves.toMatch(
      /Bram Jansen.*Koppeling.*Huisvesting \(doel\): uiterlijk \d+ \w+ 2025/s,
    );
    // Held messages with their reason (no SMTP configured in the tests).
    await expect(mo.locator('#berichten tbody').innerText()).resolves.toMatch(/geen SMTP geconfigureerd/);
    // Filter by coach, chosen from a list of names.
    await mo.getByLabel('Klantmanager', { exact: true }).selectOption({ label: 'Bram Jansen' });
    await mo.getByRole('button', { name: 'Toepassen' }).click();
    await mo.locator('#caseload-aantal', { hasText: 'Caseload: 1 traject' }).waitFor();
    await mo.getByRole('button', { name: 'Wissen' }).click();
    await mo.locator('#caseload-aantal', { hasText: 'Caseload: 3 trajecten' }).waitFor();
    await axe(mo, 'beheer');
    await screenshot(mo, 'beheer');

    const row = caseload.locator('tbody tr', { hasText: 'Bilal Çelik' });
    await row.locator('summary').click();
    await row.getByLabel('Nieuwe klantmanager').selectOption({ label: 'Bram Jansen' });
    await row.getByRole('button', { name: 'Wijzigen' }).click();
    await mo.locator('#melding', { hasText: 'Bilal Çelik heeft nu Bram Jansen als klantmanager' }).waitFor();
    await expect(caseload.locator('tbody tr', { hasText: 'Bilal Çelik' }).innerText()).resolves.toContain(
      'Bram Jansen',
    );

    // The new coach sees the person at once; the old one no longer does.
    const { page: bram } = await newPage();
    await signIn(bram, 'bram');
    await bram.getByRole('link', { name: 'Bilal Çelik' }).click();
    await bram.getByRole('heading', { level: 1, name: 'Bilal Çelik' }).waitFor();
    await expect(bram.locator('.timeline').innerText()).resolves.toContain(
      'Andere klantmanager · door Mo Bakker',
    );
    await anna.goto(`${base}/werk`);
    await anna.locator('#caseload-aantal', { hasText: '1 persoon' }).waitFor();

    // 375 px: the same pages, no sideways scrolling, still no axe violations.
    for (const [ctxPage, pagePath, name] of [
      [mo, '/beheer', 'beheer-375'],
      [bram, '/werk', 'werk-caseload-375'],
      [bram, `/werk#/persoon/${person.bilal}`, 'werk-persoon-375'],
    ] as const) {
      await ctxPage.setViewportSize({ width: 375, height: 800 });
      await ctxPage.goto(`${base}${pagePath}`);
      await ctxPage.locator('table tbody tr').first().waitFor();
      await fitsWidth(ctxPage);
      await axe(ctxPage, name);
      await screenshot(ctxPage, name);
    }
    await mo.context().close();
    await bram.context().close();
  });
});

describeBrowser('sessions without an identity provider', () => {
  let devBase: string;

  beforeAll(async () => {
    // No OIDC: the development sign-in; a 3-second idle timeout.
    const { server, url } = await listen(undefined);
    devBase = url;
    server.on('request', webApp({ SESSION_IDLE_MINUTES: 0.05 }));
    // (3 seconds: every request moves it on, so only a pause of 3 s ends the session.)
  });

  it('the development sign-in works, and the session expires after the idle timeout', async () => {
    const { page } = await newPage(375);
    await page.goto(`${devBase}/werk`);
    await fitsWidth(page);
    await axe(page, 'aanmelden-ontwikkel-375');
    await screenshot(page, 'aanmelden-ontwikkel-375');
    // Longer than the idle timeout on the sign-in page: its token expired, the page comes back.
    await page.waitForTimeout(4_000);
    await page.getByLabel('Gebruiker').selectOption({ label: 'Anna de Vries (klantmanager)' });
    await page.getByRole('button', { name: 'Aanmelden' }).click();
    await page.getByText('Uw sessie is verlopen omdat u een tijd niets heeft gedaan').waitFor();
    await page.getByLabel('Gebruiker').selectOption({ label: 'Anna de Vries (klantmanager)' });
    await page.getByRole('button', { name: 'Aanmelden' }).click();
    await page.getByRole('heading', { level: 1, name: 'Mijn caseload' }).waitFor();
    await page.locator('#caseload-aantal').waitFor();

    await page.waitForTimeout(4_000);
    await page.getByRole('button', { name: 'Zoeken' }).click();
    await page.getByRole('heading', { level: 1, name: 'Uw sessie is verlopen' }).waitFor();
    await axe(page, 'sessie-verlopen');
    await screenshot(page, 'sessie-verlopen');
    expect(await page.evaluate(async () => (await fetch('/api/me')).status)).toBe(401);
    await page.getByRole('link', { name: 'Opnieuw aanmelden' }).click();
    await page.getByText('Uw sessie is verlopen omdat u een tijd niets heeft gedaan').waitFor();
    await page.context().close();
  });

  it('NODE_ENV=production refuses the development sign-in', async () => {
    const app = webApp({ NODE_ENV: 'production' });
    const signInPage = await request(app).get('/aanmelden').expect(200);
    expect(signInPage.text).not.toContain('action="/auth/dev"');
    const res = await request(app).post('/auth/dev').type('form').send({ userId: 'anna' });
    expect(res.status).toBe(403);
    expect(res.body.error).toBe('DEV_SIGN_IN_DISABLED');
  });
});
