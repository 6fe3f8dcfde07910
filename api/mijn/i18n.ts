/**
 * The texts of the personal page (/mijn) in several languages: message catalogues in
 * `locales/<language>.json`, one flat JSON object per language of key → ICU MessageFormat string,
 * formatted with intl-messageformat (FormatJS). A translator edits or adds a JSON file; no code
 * changes (locales/README.md). Dutch (`nl.json`) is the reference: its keys are the keys, and the
 * code's keys are typed against it, so a key the code uses and Dutch lacks does not compile.
 *
 * `loadCatalogues` checks every catalogue against Dutch and lists each problem: a missing or
 * unknown key, a message that does not parse, a message whose variables differ from the Dutch
 * one, a wrong `language.dir`. The page then uses the Dutch text for that message (never a blank);
 * the catalogue test fails on any problem, so none reaches production unnoticed.
 */
import fs from 'node:fs';
import path from 'node:path';
import { IntlMessageFormat } from 'intl-messageformat';

export const LOCALES_DIR = path.join(__dirname, '..', '..', 'locales');
export const REFERENCE_LANGUAGE = 'nl';

export type MessageKey = keyof typeof import('../../locales/nl.json');
/** A calendar date (YYYY-MM-DD), formatted per language. */
export interface DateValue {
  date: string;
}
export type MessageValue = string | number | DateValue;
export type MessageValues = Record<string, MessageValue>;

export interface Language {
  code: string;
  /** The language's own name (autonym), for the language choice. */
  name: string;
  dir: 'ltr' | 'rtl';
}

export interface Translator {
  language: Language;
  t(key: MessageKey, values?: MessageValues): string;
  /** A key that may be missing (e.g. built from a rule id): undefined when no catalogue has it. */
  tMaybe(key: string, values?: MessageValues): string | undefined;
  formatDate(date: string): string;
}

export interface Catalogues {
  languages: Language[];
  has(code: string): boolean;
  translator(code: string): Translator;
  /** Everything wrong with the catalogues, one line each (empty when all is well). */
  problems: string[];
}

type Catalogue = Record<string, string>;
const LANGUAGE_CODE = /^[a-z]{2,3}(-[A-Z]{2})?$/;

/** Every variable a message uses (arguments, plural and select values, nested too). */
export function variablesOf(message: string, locale: string): string[] {
  const names = new Set<string>();
  interface Element {
    type: number;
    value?: unknown;
    options?: Record<string, { value: Element[] }>;
    children?: Element[];
  }
  const walk = (elements: Element[]) => {
    for (const el of elements) {
      // literal (0) and pound (7) carry no variable; tags (8) have children
      if (el.type !== 0 && el.type !== 7 && typeof el.value === 'string') names.add(el.value);
      for (const option of Object.values(el.options ?? {})) walk(option.value);
      if (el.children) walk(el.children);
    }
  };
  walk(new IntlMessageFormat(message, locale).getAst() as unknown as Element[]);
  return [...names].sort();
}

function readCatalogue(file: string): Catalogue {
  const data: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
  if (!data || typeof data !== 'object' || Array.isArray(data)) throw new Error('not a JSON object');
  for (const [k, v] of Object.entries(data))
    if (typeof v !== 'string') throw new Error(`${k}: a message must be a string`);
  return data as Catalogue;
}

export function loadCatalogues(dir: string = LOCALES_DIR): Catalogues {
  const problems: string[] = [];
  const catalogues = new Map<string, Catalogue>();
  for (const file of fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()) {
    const code = file.slice(0, -'.json'.length);
    if (!LANGUAGE_CODE.test(code)) {
      problems.push(`${file}: the file name must be a language code (nl, ar, pt-BR)`);
      continue;
    }
    try {
      catalogues.set(code, readCatalogue(path.join(dir, file)));
    } catch (err) {
      problems.push(`${file}: ${(err as Error).message}`);
    }
  }
  const reference = catalogues.get(REFERENCE_LANGUAGE);
  if (!reference) throw new Error(`${dir}: ${REFERENCE_LANGUAGE}.json (the reference) is missing`);

  // Parse every message once; what does not parse or does not match Dutch is left out (Dutch shows).
  const compiled = new Map<string, Map<string, IntlMessageFormat>>();
  const referenceVars = new Map<string, string>();
  for (const [code, catalogue] of [
    [REFERENCE_LANGUAGE, reference] as const,
    ...[...catalogues].filter(([c]) => c !== REFERENCE_LANGUAGE),
  ]) {
    const messages = new Map<string, IntlMessageFormat>();
    for (const key of Object.keys(reference))
      if (!(key in catalogue)) problems.push(`${code}.json: missing key "${key}"`);
    for (const [key, text] of Object.entries(catalogue)) {
      if (!(key in reference)) {
        problems.push(`${code}.json: unknown key "${key}" (not in ${REFERENCE_LANGUAGE}.json)`);
        continue;
      }
      let vars: string;
      try {
        messages.set(key, new IntlMessageFormat(text, code));
        vars = variablesOf(text, code).join(',');
      } catch (err) {
        problems.push(`${code}.json: "${key}" does not parse: ${(err as Error).message}`);
        messages.delete(key);
        continue;
      }
      if (code === REFERENCE_LANGUAGE) referenceVars.set(key, vars);
      else if (vars !== referenceVars.get(key)) {
        problems.push(`${code}.json: "${key}" uses {${vars}}, Dutch uses {${referenceVars.get(key) ?? ''}}`);
        messages.delete(key);
      }
    }
    compiled.set(code, messages);
  }

  const languages: Language[] = [...catalogues.keys()].map((code) => {
    const catalogue = catalogues.get(code)!;
    const dir = catalogue['language.dir'];
    if (dir !== 'ltr' && dir !== 'rtl') problems.push(`${code}.json: "language.dir" must be "ltr" or "rtl"`);
    return { code, name: catalogue['language.name'] ?? code, dir: dir === 'rtl' ? 'rtl' : 'ltr' };
  });
  // Dutch first, then the others by code (a stable order on the page).
  languages.sort((a, b) =>
    a.code === REFERENCE_LANGUAGE ? -1 : b.code === REFERENCE_LANGUAGE ? 1 : a.code.localeCompare(b.code),
  );

  const translators = new Map<string, Translator>();
  const translator = (code: string): Translator => {
    const language = languages.find((l) => l.code === code) ?? languages[0]!;
    const cached = translators.get(language.code);
    if (cached) return cached;
    const own = compiled.get(language.code)!;
    const dutch = compiled.get(REFERENCE_LANGUAGE)!;
    const dates = new Intl.DateTimeFormat(language.code, { dateStyle: 'long', timeZone: 'UTC' });
    const formatDate = (date: string) => dates.format(new Date(`${date}T00:00:00Z`));
    const format = (message: IntlMessageFormat, values: MessageValues = {}): string => {
      const plain = Object.fromEntries(
        Object.entries(values).map(([k, v]) => [k, typeof v === 'object' ? formatDate(v.date) : v]),
      );
      return String(message.format(plain));
    };
    const tMaybe = (key: string, values?: MessageValues) => {
      const message = own.get(key) ?? dutch.get(key);
      return message ? format(message, values) : undefined;
    };
    const made: Translator = {
      language,
      tMaybe,
      t: (key, values) => tMaybe(key, values) ?? key,
      formatDate,
    };
    translators.set(language.code, made);
    return made;
  };

  return {
    languages,
    has: (code) => catalogues.has(code),
    translator,
    problems,
  };
}
