/**
 * The CSV side of the caseload import on its own (no server): reading `,`/`;` files with line
 * numbers, and turning a row into the API's koppeling request or into issues per CSV column.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseRow, readCsv } from '../../scripts/import/csv-row';

const base = {
  koppelingRef: 'COA-1',
  bsn: '900021603',
  voornaam: 'Test',
  achternaam: 'Persoon',
  doelgroep: 'asielstatushouder',
  coachId: 'coach-1',
  koppelingDate: '2026-01-05',
};

describe('readCsv', () => {
  it('reads , and ; files with a BOM and reports the line each record ends on', () => {
    const text = '\uFEFFkoppelingRef;bsn\nA;1\n\nB;2\n';
    expect(readCsv(text)).toEqual([
      { line: 2, record: { koppelingRef: 'A', bsn: '1' } },
      { line: 4, record: { koppelingRef: 'B', bsn: '2' } },
    ]);
  });

  it('keeps a short row, so its missing fields are reported per column', () => {
    const [row] = readCsv('koppelingRef,bsn,voornaam\nA,900021603\n');
    expect(row!.record).toEqual({ koppelingRef: 'A', bsn: '900021603' });
    const result = parseRow(row!.record);
    expect(result.ok).toBe(false);
    if (!result.ok)
      expect(result.issues.map((i) => i.field)).toEqual(
        expect.arrayContaining(['voornaam', 'achternaam', 'doelgroep', 'coachId', 'koppelingDate']),
      );
  });

  it('parses every row of the shipped example file', () => {
    const text = fs.readFileSync(path.join(__dirname, '../../scripts/import/example-caseload.csv'), 'utf8');
    const results = readCsv(text).map(({ record }) => parseRow(record));
    expect(results).toHaveLength(6);
    expect(results.filter((r) => !r.ok)).toEqual([]);
  });
});

describe('parseRow', () => {
  it('turns a LEERROUTE row into a koppeling request with the import part', () => {
    const result = parseRow({
      ...base,
      kennisgevingDate: '2026-01-20',
      phase: 'LEERROUTE',
      intakeDate: '2026-02-10',
      pipDecisionDate: '2026-03-02',
      route: 'B1',
      modules: 'PVT:2026-09-01|MAP|KNM',
      lessonHours: '120,5',
      voortgangsgesprekDates: '2026-06-01|2026-09-01',
      huisvestingDate: '',
    });
    expect(result).toEqual({
      ok: true,
      request: expect.objectContaining({
        koppelingRef: 'COA-1',
        persoon: { bsn: '900021603', voornaam: 'Test', achternaam: 'Persoon' },
        coachId: 'coach-1',
        kennisgevingDate: '2026-01-20',
        import: {
          phase: 'LEERROUTE',
          kennisgevingDate: '2026-01-20',
          intakeDate: '2026-02-10',
          pipDecisionDate: '2026-03-02',
          route: 'B1',
          modules: [{ module: 'PVT', agreedEndDate: '2026-09-01' }, { module: 'MAP' }, { module: 'KNM' }],
          lessonHours: 120.5,
          voortgangsgesprekDates: ['2026-06-01', '2026-09-01'],
        },
      }),
    });
  });

  it('starts a row without phase as a plain koppeling', () => {
    const result = parseRow(base);
    expect(result.ok && result.request.import).toBeUndefined();
  });

  it.each([
    [{ bsn: '123456789' }, 'bsn'],
    [{ koppelingDate: '2026-02-30' }, 'koppelingDate'],
    [{ doelgroep: 'toerist' }, 'doelgroep'],
    [{ phase: 'KLAAR' }, 'phase'],
    [{ phase: 'PIP', intakeDate: '' }, 'intakeDate'],
    [
      {
        phase: 'LEERROUTE',
        intakeDate: '2026-02-01',
        kennisgevingDate: '2026-01-10',
        pipDecisionDate: '2026-03-01',
      },
      'route',
    ],
    [{ phase: 'BREDE_INTAKE', intakePlannedDate: '2026-02-01', modules: 'PVT|YOGA' }, 'modules'],
    [{ phase: 'BREDE_INTAKE', intakePlannedDate: '2026-02-01', lessonHours: 'veel' }, 'lessonHours'],
    [{ koppelingRef: 'met spatie' }, 'koppelingRef'],
  ])('rejects %j in column %s', (change, field) => {
    const result = parseRow({ ...base, ...change });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.issues.map((i) => i.field)).toContain(field);
  });
});
