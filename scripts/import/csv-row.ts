/**
 * One row of a caseload CSV → the same request body as `POST /api/inburgeraars` (a koppeling with
 * the import part of domain/commands.ts, plus the person). Two steps, both zod:
 *  1. `csvRowSchema` turns the flat text columns into typed values (empty cell = not given);
 *  2. the koppeling's own `koppelingRequestSchema` (application/register-koppeling.ts) checks the result, so an imported row passes exactly
 *     the rules a koppeling through the API passes (BSN elfproef, which dates each phase needs, …).
 * Every issue is reported against the CSV column the user can fix, never a nested schema path.
 */
import { parse } from 'csv-parse/sync';
import { z } from 'zod';
import type { Koppeling } from '../../domain/commands';
import { MODULES } from '../../domain/types';
import { koppelingRequestSchema, type KoppelingRequest } from '../../application/register-koppeling';

/** The columns, in the order of the example file; documented in scripts/import/README.md. */
export const CSV_COLUMNS = [
  'koppelingRef',
  'bsn',
  'voornaam',
  'achternaam',
  'geboortedatum',
  'doelgroep',
  'coachId',
  'gemeenteCode',
  'koppelingDate',
  'bijstandStartDate',
  'kennisgevingDate',
  'brpInschrijvingDate',
  'huisvestingDate',
  'phase',
  'intakePlannedDate',
  'intakeDate',
  'pipDecisionDate',
  'route',
  'modules',
  'lessonHours',
  'participationHours',
  'voortgangsgesprekDates',
] as const;
export type CsvColumn = (typeof CSV_COLUMNS)[number];

/** An empty cell means "not given": spreadsheets cannot tell an empty string from a missing value. */
const optionalText = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

const optionalNumber = optionalText.transform((v, ctx) => {
  if (v === undefined) return undefined;
  // Dutch spreadsheets write decimals with a comma.
  const n = Number(v.replace(',', '.'));
  if (Number.isNaN(n) || n < 0) ctx.addIssue({ code: 'custom', message: 'must be a number ≥ 0' });
  return n;
});

/** A list in one cell, separated by `|`: both `,` and `;` are taken as column delimiters. */
const list = (v: string | undefined): string[] =>
  v === undefined
    ? []
    : v
        .split('|')
        .map((s) => s.trim())
        .filter(Boolean);

/** `PVT:2026-09-01|MAP` → modules with an optional agreed end date (which becomes a deadline). */
const modulesCell = optionalText.transform((v, ctx) => {
  const modules: NonNullable<NonNullable<Koppeling['import']>['modules']> = [];
  for (const part of list(v)) {
    const [code, agreedEndDate] = part.split(':').map((s) => s.trim());
    if (!(MODULES as readonly string[]).includes(code ?? '')) {
      ctx.addIssue({ code: 'custom', message: `unknown module "${code}" (expected ${MODULES.join(', ')})` });
      continue;
    }
    modules.push({ module: code as (typeof MODULES)[number], ...(agreedEndDate ? { agreedEndDate } : {}) });
  }
  return modules.length > 0 ? modules : undefined;
});

const dateList = optionalText.transform((v) => {
  const dates = list(v);
  return dates.length > 0 ? dates : undefined;
});

/** Shape and cleaning of a row; the domain rules come after, from koppelingSchema. */
export const csvRowSchema = z.object({
  koppelingRef: optionalText,
  bsn: optionalText,
  voornaam: optionalText,
  achternaam: optionalText,
  geboortedatum: optionalText,
  doelgroep: optionalText,
  coachId: optionalText,
  gemeenteCode: optionalText,
  koppelingDate: optionalText,
  bijstandStartDate: optionalText,
  kennisgevingDate: optionalText,
  brpInschrijvingDate: optionalText,
  huisvestingDate: optionalText,
  phase: optionalText,
  intakePlannedDate: optionalText,
  intakeDate: optionalText,
  pipDecisionDate: optionalText,
  route: optionalText,
  modules: modulesCell,
  lessonHours: optionalNumber,
  participationHours: optionalNumber,
  voortgangsgesprekDates: dateList,
});
type CsvRow = z.output<typeof csvRowSchema>;

export interface RowIssue {
  field: string;
  reason: string;
}

/** What one valid row becomes: the body of `POST /api/inburgeraars`. */
export type { KoppelingRequest };

export type RowResult = { ok: true; request: KoppelingRequest } | { ok: false; issues: RowIssue[] };

/** Drops undefined values, so the request holds only what the CSV gave. */
function defined<T extends Record<string, unknown>>(obj: T): Partial<T> {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/**
 * The request nests the person under `persoon` and the import facts under `import`; the CSV is
 * flat. The first path segment below those (or at the top) is the column, e.g.
 * ['import','modules',0,'agreedEndDate'] → `modules`, ['persoon','bsn'] → `bsn`.
 */
function columnOf(path: readonly PropertyKey[]): string {
  const [first, second] = path;
  const name = first === 'import' || first === 'persoon' ? second : first;
  return typeof name === 'string' ? name : 'rij';
}

/** The nested request; the import part only when the row names a phase (else: a plain koppeling). */
function toRequest(row: CsvRow): unknown {
  return defined({
    koppelingRef: row.koppelingRef,
    persoon: defined({
      bsn: row.bsn,
      voornaam: row.voornaam,
      achternaam: row.achternaam,
      geboortedatum: row.geboortedatum,
    }),
    koppelingDate: row.koppelingDate,
    doelgroep: row.doelgroep,
    coachId: row.coachId,
    gemeenteCode: row.gemeenteCode,
    bijstandStartDate: row.bijstandStartDate,
    kennisgevingDate: row.kennisgevingDate,
    brpInschrijvingDate: row.brpInschrijvingDate,
    import:
      row.phase === undefined
        ? undefined
        : defined({
            phase: row.phase,
            huisvestingDate: row.huisvestingDate,
            kennisgevingDate: row.kennisgevingDate,
            brpInschrijvingDate: row.brpInschrijvingDate,
            intakePlannedDate: row.intakePlannedDate,
            intakeDate: row.intakeDate,
            pipDecisionDate: row.pipDecisionDate,
            route: row.route,
            modules: row.modules,
            lessonHours: row.lessonHours,
            participationHours: row.participationHours,
            voortgangsgesprekDates: row.voortgangsgesprekDates,
          }),
  });
}

const issuesOf = (error: z.ZodError): RowIssue[] =>
  error.issues.map((issue) => ({ field: columnOf(issue.path), reason: issue.message }));

export function parseRow(record: Record<string, string | undefined>): RowResult {
  const cleaned = csvRowSchema.safeParse(record);
  if (!cleaned.success) return { ok: false, issues: issuesOf(cleaned.error) };
  const request = koppelingRequestSchema.safeParse(toRequest(cleaned.data));
  if (!request.success) return { ok: false, issues: issuesOf(request.error) };
  return { ok: true, request: request.data };
}

export interface CsvRecord {
  line: number;
  record: Record<string, string | undefined>;
}

/**
 * Parses the whole file up front (a caseload is thousands of rows at most), so the progress bar
 * knows its total. Accepts `,` and `;` (Dutch spreadsheet exports use `;`) and a UTF-8 BOM.
 */
export function readCsv(text: string): CsvRecord[] {
  const rows = parse(text, {
    columns: (header: string[]) => header.map((h) => h.trim()),
    delimiter: [',', ';'],
    bom: true,
    trim: true,
    skip_empty_lines: true,
    // A short row is reported per field by the row schema instead of failing the whole file.
    relax_column_count: true,
    info: true,
  }) as { record: Record<string, string>; info: { lines: number } }[];
  return rows.map(({ record, info }) => ({ line: info.lines, record }));
}
