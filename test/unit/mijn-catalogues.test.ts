/**
 * The message catalogues of the personal page (locales/*.json): every language has every key of
 * Dutch, every message parses as ICU MessageFormat and uses the same variables as the Dutch one,
 * and the texts the page builds from the domain (a phase, a route, a deadline's rule, a next step)
 * exist for every value the domain has. The checker itself is tested on a broken catalogue.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadCatalogues, variablesOf } from '../../api/mijn/i18n';
import { INTERNAL_RULES, NEXT_STEPS_WITH_TEXT } from '../../api/mijn/view';
import { ACTIVE_PHASES, LEERROUTES, nextStepOf, PHASES, TERM_RULES } from '../../domain';
import nl from '../../locales/nl.json';

const catalogues = loadCatalogues();
const REQUIRED_LANGUAGES = ['nl', 'en', 'ar', 'ti', 'uk', 'tr'];

describe('the catalogues of the personal page', () => {
  it('have no problems: no key missing in any language, every message parses with the Dutch variables', () => {
    expect(catalogues.problems).toEqual([]);
  });

  it('hold at least Dutch, English, Arabic (right to left), Tigrinya, Ukrainian and Turkish', () => {
    const codes = catalogues.languages.map((l) => l.code);
    expect(codes).toEqual(expect.arrayContaining(REQUIRED_LANGUAGES));
    for (const l of catalogues.languages) expect(l.dir).toBe(l.code === 'ar' ? 'rtl' : 'ltr');
    // Each language is offered in its own name.
    expect(catalogues.languages.find((l) => l.code === 'ar')!.name).toBe('العربية');
  });

  it('have a text for every deadline rule the person sees and every next step the domain can give', () => {
    const keys = new Set(Object.keys(nl));
    for (const id of Object.keys(TERM_RULES).filter((r) => !INTERNAL_RULES.has(r))) {
      expect(keys).toContain(`deadline.${id}.title`);
      expect(keys).toContain(`deadline.${id}.missed`);
    }
    for (const phase of PHASES) {
      expect(keys).toContain(`phase.${phase}.title`);
      expect(keys).toContain(`phase.${phase}.text`);
    }
    for (const phase of ACTIVE_PHASES)
      for (const route of [undefined, ...LEERROUTES])
        for (const paused of [false, true]) {
          const step = nextStepOf({ phase, route, paused });
          expect(NEXT_STEPS_WITH_TEXT).toContain(step);
          expect(keys).toContain(`next.${step}`);
        }
  });

  it('format every message in every language with sample values', () => {
    const sample = (name: string) =>
      ['count', 'amount', 'hours', 'attempt'].includes(name)
        ? 2
        : name === 'date'
          ? { date: '2027-03-31' }
          : 'yes';
    for (const language of catalogues.languages) {
      const tr = catalogues.translator(language.code);
      for (const [key, message] of Object.entries(nl)) {
        const values = Object.fromEntries(variablesOf(message, 'nl').map((v) => [v, sample(v)]));
        const text = tr.t(key as keyof typeof nl, values);
        expect(text).not.toBe(key);
        expect(text.length).toBeGreaterThan(0);
      }
    }
    // A date in the page's language; in Arabic, Arabic month names.
    expect(catalogues.translator('ar').formatDate('2027-03-31')).toContain('مارس');
    expect(catalogues.translator('nl').formatDate('2027-03-31')).toBe('31 maart 2027');
  });

  it('the checker finds a missing key, an unknown key, a message that does not parse, and other variables', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'locales-'));
    const write = (code: string, data: object) =>
      fs.writeFileSync(path.join(dir, `${code}.json`), JSON.stringify(data));
    write('nl', {
      'language.name': 'Nederlands',
      'language.dir': 'ltr',
      a: 'Hallo {name}',
      b: 'Tot {date}',
      c: 'Klaar',
    });
    write('xx', {
      'language.name': 'X',
      'language.dir': 'up',
      a: 'Hello {naam}',
      b: 'Until {date',
      extra: 'Unknown',
    });
    const broken = loadCatalogues(dir);
    expect(broken.problems).toEqual(
      expect.arrayContaining([
        'xx.json: missing key "c"',
        'xx.json: unknown key "extra" (not in nl.json)',
        expect.stringMatching(/^xx\.json: "b" does not parse/),
        'xx.json: "a" uses {naam}, Dutch uses {name}',
        'xx.json: "language.dir" must be "ltr" or "rtl"',
      ]),
    );
    // The page falls back to Dutch for what is wrong, never to a blank.
    expect(broken.translator('xx').t('c' as never)).toBe('Klaar');
    expect(broken.translator('xx').t('a' as never, { name: 'Amal' })).toBe('Hallo Amal');
    fs.rmSync(dir, { recursive: true });
  });
});
