/**
 * The export for the person (AVG art. 15) as a person reads it: the page from
 * GET /api/inburgeraars/:id/inzage.html opened in headless Chromium (Debian's package), signed in as
 * a manager. It shows its sections in Dutch with the data filled in, a name holding a script tag
 * stays text (nothing runs), and a screenshot goes to test-results/inzage.png.
 */
import fs from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import request from 'supertest';
import {
  act,
  koppelingBody,
  PHASE_FIXTURES,
  startApiHarness,
  testBsn,
  type ApiHarness,
} from '../api/helpers/harness';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SCREENSHOT = path.join(__dirname, '../../test-results/inzage.png');
const SKIP_BROWSER = !fs.existsSync(CHROMIUM) && process.env.CI !== 'true';
if (SKIP_BROWSER)
  process.stderr.write(`\n[e2e] inzage page test SKIPPED: Chromium not found at ${CHROMIUM}.\n`);

(SKIP_BROWSER ? describe.skip : describe)('the export page in a browser', () => {
  let h: ApiHarness;
  let server: Server;
  let browser: Browser;
  let id: string;

  beforeAll(async () => {
    h = await startApiHarness('inzage-page');
    const res = await request(h.app)
      .post('/api/inburgeraars')
      .set('X-Api-Key', h.users.coa.key)
      .send({
        ...koppelingBody({ coachId: h.users.coach.user.id, import: { ...PHASE_FIXTURES.pip } }),
        persoon: {
          bsn: testBsn(Date.now() % 1_000_000),
          voornaam: 'Nour',
          achternaam: 'El Amrani<script>window.__ran = true</script>',
          geboortedatum: '1995-02-14',
          adres: 'Bewaarstraat 12, Zwolle',
        },
      })
      .expect(201);
    id = res.body.inburgeraarId;
    await act(h, id, 'setPip', {
      decisionDate: '2026-10-01',
      route: 'B1',
      modules: [{ module: 'PVT' }, { module: 'MAP' }, { module: 'KNM' }],
      taalschoolPartnerId: h.partnerIds.taalschool,
    }).expect(200);
    server = h.app.listen(0, '127.0.0.1');
    await new Promise<void>((resolve) => server.once('listening', resolve));
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu'],
      headless: true,
    });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
    await h?.close();
  });

  it('reads as a page in Dutch, with nothing from the data executed', async () => {
    const page = await browser.newPage({ viewport: { width: 1100, height: 1400 }, locale: 'nl-NL' });
    await page.setExtraHTTPHeaders({ 'X-Api-Key': h.users.manager.key });
    const { port } = server.address() as AddressInfo;
    const response = await page.goto(`http://127.0.0.1:${port}/api/inburgeraars/${id}/inzage.html`);
    expect(response?.status()).toBe(200);
    await expect(page.locator('h1').textContent()).resolves.toBe('Uw gegevens bij Gemeente');
    const headings = await page.locator('h2').allTextContents();
    expect(headings).toEqual([
      'Uw persoonsgegevens',
      'Uw inburgering',
      'Uw termijnen',
      'Wat wij hebben vastgelegd',
      'Berichten over u',
      'Met wie wij uw gegevens deelden',
      'Hoe lang bewaren wij uw gegevens?',
      'Wat kunt u doen?',
      'Alle gegevens van uw traject',
    ]);
    const body = await page.locator('body').innerText();
    for (const text of [
      'Nour',
      '14 februari 1995',
      'Bewaarstraat 12, Zwolle',
      'Taalschool De Brug',
      'LEERROUTE',
    ])
      expect({ text, shown: body.includes(text) }).toEqual({ text, shown: true });
    expect(body).toContain('El Amrani<script>window.__ran = true</script>');
    expect(await page.evaluate(() => (globalThis as unknown as { __ran?: boolean }).__ran)).toBeUndefined();
    fs.mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: false });
    await page.close();
  });
});
