/**
 * Headless Chromium for the browser tests (Debian's chromium through playwright-core), with the
 * checks every page gets: axe-core (WCAG 2.1 AA rules and the rest of axe's defaults) without
 * violations, a full-page screenshot in test-results/, and no sideways scrolling on a phone.
 *
 * Without Chromium the browser tests are skipped with a notice; with CI=true they fail instead.
 */
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

// Functions passed to page.evaluate run in the browser; these are the globals they use (the
// tests' TypeScript has no DOM library).
interface AxeResult {
  violations: { id: string; impact: string; nodes: { target: string[] }[] }[];
  passes: unknown[];
}
declare const document: { documentElement: { scrollWidth: number } };
declare const window: { innerWidth: number; axe: { run(): Promise<AxeResult> } };

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
export const RESULTS = path.join(__dirname, '../../test-results');
const AXE_SOURCE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export const SKIP_BROWSER = !fs.existsSync(CHROMIUM) && process.env.CI !== 'true';
if (SKIP_BROWSER)
  process.stderr.write(
    `\n[e2e] browser tests SKIPPED: Chromium not found at ${CHROMIUM}. Run \`npm run test:deps\` (Debian, root) or set CHROMIUM_PATH.\n`,
  );
export const describeBrowser = SKIP_BROWSER ? describe.skip : describe;

export async function launchBrowser(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM} (CI=true does not skip)`);
  fs.mkdirSync(RESULTS, { recursive: true });
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
}

export type AxeSummary = Record<string, { violations: number; passes: number }>;

/** Runs axe-core on the page, records the counts under `name`, and expects no violations. */
export async function axe(page: Page, name: string, results: AxeSummary): Promise<void> {
  await page.addScriptTag({ content: AXE_SOURCE });
  const result = await page.evaluate(async () => {
    const r = await window.axe.run();
    return {
      passes: r.passes.length,
      violations: r.violations.map((v) => ({
        id: v.id,
        impact: v.impact,
        nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')),
      })),
    };
  });
  results[name] = { violations: result.violations.length, passes: result.passes };
  expect({ page: name, violations: result.violations }).toEqual({ page: name, violations: [] });
}

export async function screenshot(page: Page, name: string): Promise<string> {
  const file = path.join(RESULTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  expect(fs.statSync(file).size).toBeGreaterThan(5_000);
  return file;
}

/** Nothing wider than the screen: no sideways scrolling at 375 px. */
export async function fitsWidth(page: Page): Promise<void> {
  const { scroll, width } = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    width: window.innerWidth,
  }));
  expect(scroll).toBeLessThanOrEqual(width);
}
