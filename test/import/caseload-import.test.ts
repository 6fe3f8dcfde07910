/**
 * The caseload import against real things: the run's Temporal dev server with a worker running the
 * real workflow, and a SQLite database of its own (the API's test harness). Good rows start a
 * trajectory in the right phase with deadlines computed from the imported dates; bad rows are
 * reported with line, column and reason; a second run changes nothing; a dry run starts nothing.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { hashBsn } from '../../api/persons/bsn';
import type { Deadline, TrajectoryState, TrajectorySummary } from '../../domain/types';
import { importCaseload, type ImportDeps, type ImportReport } from '../../scripts/import/caseload-import';
import { getState, getSummary } from '../../workflows/messages';
import { startApiHarness, testBsn, type ApiHarness } from '../api/helpers/harness';

let h: ApiHarness;
let deps: ImportDeps;

beforeAll(async () => {
  h = await startApiHarness('import');
  deps = { db: h.db, temporal: h.env.client, taskQueue: h.taskQueue, config: h.config };
});

afterAll(async () => {
  await h?.close();
});

const HEADER =
  'koppelingRef;bsn;voornaam;achternaam;doelgroep;coachId;koppelingDate;bijstandStartDate;kennisgevingDate;brpInschrijvingDate;phase;intakePlannedDate;intakeDate;pipDecisionDate;route;modules;lessonHours';

/** A `;`-delimited file as a Dutch spreadsheet exports it; `ref` keeps each test's rows apart. */
function caseloadCsv(
  ref: string,
  coach: string,
  coach2: string,
): { text: string; bsn: (line: number) => string } {
  const bsns = new Map<number, string>();
  const bsn = (line: number) => {
    if (!bsns.has(line)) bsns.set(line, testBsn(Math.floor(Math.random() * 1e7)));
    return bsns.get(line)!;
  };
  const rows = [
    // line 2: just coupled
    `${ref}-K;${bsn(2)};Test;Een;asielstatushouder;${coach};2026-10-20;;;;KOPPELING;;;;;;`,
    // line 3: intake planned; PIP term runs from the kennisgeving (later than BRP)
    `${ref}-I;${bsn(3)};Test;Twee;asielstatushouder;${coach};2026-09-01;;2026-09-20;2026-09-10;BREDE_INTAKE;2026-12-08;;;;;`,
    // line 4: intake done, PIP not set, PIP term long passed → overdue
    `${ref}-P;${bsn(4)};Test;Drie;gezinsmigrant;${coach2};2026-06-15;;2026-07-01;2026-06-20;PIP;;2026-08-10;;;;`,
    // line 5: B1-route since a PIP of 2 June 2025, with an agreed PVT end date
    `${ref}-L;${bsn(5)};Test;Vier;asielstatushouder;${coach2};2025-03-03;2025-03-20;2025-04-01;2025-03-25;LEERROUTE;;2025-05-06;2025-06-02;B1;PVT:2026-12-01|MAP|KNM;420`,
    // line 6: invalid BSN
    `${ref}-X1;123456789;Test;Fout;asielstatushouder;${coach};2026-10-01;;;;;;;;;;`,
    // line 7: LEERROUTE without route and PIP date
    `${ref}-X2;${bsn(7)};Test;Fout;asielstatushouder;${coach};2026-01-01;;2026-01-10;;LEERROUTE;;2026-02-01;;;;`,
    // line 8: coach unknown (the API's own rule: an active coach)
    `${ref}-X3;${bsn(8)};Test;Fout;asielstatushouder;00000000-0000-4000-8000-000000000000;2026-10-01;;;;;;;;;;`,
    // line 9: same koppelingRef as line 2
    `${ref}-K;${bsn(9)};Test;Dubbel;asielstatushouder;${coach};2026-10-20;;;;;;;;;;`,
  ];
  return { text: [HEADER, ...rows].join('\n') + '\n', bsn };
}

const stateOf = (id: string) => h.env.client.workflow.getHandle(`inburgering-${id}`).query(getState);
const summaryOf = (id: string) => h.env.client.workflow.getHandle(`inburgering-${id}`).query(getSummary);
const deadline = (state: TrajectoryState, rule: string): Deadline | undefined =>
  state.deadlines.find((d) => d.rule === rule);
const byRef = (report: ImportReport, ref: string) =>
  report.imported.find((r) => r.koppelingRef === ref) ?? report.skipped.find((r) => r.koppelingRef === ref);

describe('caseload import', () => {
  let csv: ReturnType<typeof caseloadCsv>;
  let first: ImportReport;
  const progress: number[] = [];

  beforeAll(async () => {
    csv = caseloadCsv('T1', h.users.coach.user.id, h.users.coach2.user.id);
    first = await importCaseload(deps, csv.text, { onProgress: (done) => progress.push(done) });
  });

  it('starts each good row once and reports progress for every row', () => {
    expect(first.total).toBe(8);
    expect(first.imported.map((r) => [r.line, r.koppelingRef, r.phase])).toEqual([
      [2, 'T1-K', 'KOPPELING'],
      [3, 'T1-I', 'BREDE_INTAKE'],
      [4, 'T1-P', 'PIP'],
      [5, 'T1-L', 'LEERROUTE'],
    ]);
    expect(first.skipped).toEqual([]);
    expect(first.failed).toEqual([]);
    expect(progress).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('reports each bad row with its line, column and reason', () => {
    const rejected = first.rejected.map((r) => ({
      line: r.line,
      fields: r.issues.map((i) => i.field).sort(),
    }));
    expect(rejected).toEqual([
      { line: 6, fields: ['bsn'] },
      { line: 7, fields: ['pipDecisionDate', 'route'] },
      { line: 8, fields: ['coachId'] },
      { line: 9, fields: ['koppelingRef'] },
    ]);
    expect(first.rejected.find((r) => r.line === 9)!.issues[0]!.reason).toMatch(/regel 2/);
    for (const row of first.rejected)
      for (const issue of row.issues) expect(issue.reason.length).toBeGreaterThan(3);
  });

  it('starts every trajectory in its phase, with coach and route from the row', async () => {
    const expected: [string, string, string | undefined, string][] = [
      ['T1-K', 'KOPPELING', undefined, h.users.coach.user.id],
      ['T1-I', 'BREDE_INTAKE', undefined, h.users.coach.user.id],
      ['T1-P', 'PIP', undefined, h.users.coach2.user.id],
      ['T1-L', 'LEERROUTE', 'B1', h.users.coach2.user.id],
    ];
    for (const [ref, phase, route, coachId] of expected) {
      const state = await stateOf(byRef(first, ref)!.inburgeraarId!);
      expect({ ref, phase: state.phase, route: state.route, coachId: state.coachId }).toEqual({
        ref,
        phase,
        route,
        coachId,
      });
    }
  });

  it('computes the deadlines from the imported dates (law terms, not the import date)', async () => {
    // PIP within 10 weeks of the kennisgeving (2026-09-20, later than the BRP registration).
    const intake = await stateOf(byRef(first, 'T1-I')!.inburgeraarId!);
    expect(deadline(intake, 'PIP_VASTSTELLEN')).toMatchObject({
      dueDate: '2026-11-29',
      source: expect.stringContaining('Wi2021 art. 15'),
    });

    // Kennisgeving 2026-07-01 + 10 weeks = 2026-09-09, long passed without a PIP: overdue.
    const pipId = byRef(first, 'T1-P')!.inburgeraarId!;
    expect(deadline(await stateOf(pipId), 'PIP_VASTSTELLEN')).toMatchObject({
      dueDate: '2026-09-09',
      status: 'missed',
    });
    const pipSummary: TrajectorySummary = await summaryOf(pipId);
    expect(pipSummary.overdue).toBe(true);

    // PIP decision 2025-06-02: the termijn starts the next day and ends 3 years later; the PIP
    // deadline was met on the decision date; the agreed PVT end date is a deadline of its own.
    const route = await stateOf(byRef(first, 'T1-L')!.inburgeraarId!);
    expect(route.dates.termijnStart).toBe('2025-06-03');
    expect(deadline(route, 'INBURGERINGSTERMIJN')).toMatchObject({
      dueDate: '2028-06-02',
      source: 'Wi2021 art. 11',
    });
    expect(deadline(route, 'PIP_VASTSTELLEN')).toMatchObject({ status: 'met', fulfilledDate: '2025-06-02' });
    expect(route.deadlines.filter((d) => d.rule === 'MODULE_AFSPRAAK').map((d) => d.dueDate)).toEqual([
      '2026-12-01',
    ]);
    expect(route.hours.LESSEN).toBe(420);
  });

  it('changes nothing when run a second time', async () => {
    const second = await importCaseload(deps, csv.text);
    expect(second.imported).toEqual([]);
    expect(second.skipped.map((r) => [r.line, r.inburgeraarId])).toEqual(
      first.imported.map((r) => [r.line, r.inburgeraarId]),
    );
    expect(second.rejected.map((r) => r.line)).toEqual([6, 7, 8, 9]);
    // One person per koppelingRef in the database, one workflow per person in Temporal.
    for (const row of first.imported) {
      const person = await h.stores.people.find({
        koppelingRef: row.koppelingRef,
        bsnHash: hashBsn(csv.bsn(row.line), h.config.BSN_KEY),
      });
      expect(person?.inburgeraarId).toBe(row.inburgeraarId);
      const runs = h.env.client.workflow.list({ query: `WorkflowId = "inburgering-${row.inburgeraarId}"` });
      let count = 0;
      for await (const _ of runs) count++;
      expect(count).toBe(1);
    }
  });
});

describe('caseload import --dry-run', () => {
  it('checks and looks up, but stores and starts nothing', async () => {
    const csv = caseloadCsv('T2', h.users.coach.user.id, h.users.coach2.user.id);
    const report = await importCaseload(deps, csv.text, { dryRun: true });
    expect(report.dryRun).toBe(true);
    expect(report.imported.map((r) => r.line)).toEqual([2, 3, 4, 5]);
    expect(report.imported.every((r) => r.inburgeraarId === undefined)).toBe(true);
    expect(report.rejected.map((r) => r.line)).toEqual([6, 7, 8, 9]);
    expect(
      await h.stores.people.find({ koppelingRef: 'T2-K', bsnHash: hashBsn(csv.bsn(2), h.config.BSN_KEY) }),
    ).toBeUndefined();
  });

  it('runs as a command with progress and a report per line (exit code 1 on rejected rows)', async () => {
    const file = path.join(process.env.TEST_RUN_DIR ?? '/tmp', `caseload-${Date.now()}.csv`);
    fs.writeFileSync(file, caseloadCsv('T3', h.users.coach.user.id, h.users.coach2.user.id).text);
    const cli = path.join(__dirname, '../../scripts/import-caseload.ts');
    const run = promisify(execFile)(
      process.execPath,
      [require.resolve('tsx/cli'), cli, '--file', file, '--dry-run'],
      {
        env: {
          ...process.env,
          DATABASE_URL: h.config.DATABASE_URL,
          TEMPORAL_ADDRESS: process.env.TEMPORAL_TEST_ADDRESS,
          LOG_LEVEL: 'silent',
        },
      },
    );
    await expect(run).rejects.toMatchObject({ code: 1 });
    const { stdout, stderr } = (await run.catch((e: { stdout: string; stderr: string }) => e)) as {
      stdout: string;
      stderr: string;
    };
    // Not a terminal here (a pipe, as in CI): plain progress lines on stderr instead of the bar.
    const progressLines = stderr.split('\n').filter((l) => l.startsWith('import: '));
    expect(progressLines.length).toBeGreaterThanOrEqual(2);
    expect(progressLines.at(-1)).toBe('import: 8/8 rijen');
    const counts = progressLines.map((l) => Number(/^import: (\d+)\/8 rijen$/.exec(l)?.[1]));
    expect(counts).toEqual([...counts].sort((a, b) => a - b));
    expect(new Set(counts).size).toBe(counts.length);
    expect(stdout).not.toContain('import: ');
    expect(stdout).toContain('Proefdraai');
    expect(stdout).toMatch(/zou starten:\s+4\n/);
    expect(stdout).toMatch(/afgekeurd:\s+4\n/);
    expect(stdout).toMatch(/regel 6 \(T3-X1\) · bsn · /);
    expect(stdout).toMatch(/regel 7 \(T3-X2\) · route · /);
  });
});
