/**
 * Imports an existing caseload from CSV (see scripts/import/README.md for the columns):
 *
 *   npm run import:caseload -- --file caseload.csv [--dry-run]
 *
 * Safe to run twice: a person whose koppelingRef (or BSN) is already known is skipped. The import
 * keeps to the worker's pace by itself: when intake is busy it waits and runs fewer rows at a time
 * (see caseload-import.ts), so `--concurrency` is a maximum. Rejected
 * rows are listed with line number, field and reason; the exit code is 1 when any row was
 * rejected or failed, so a scheduled import is noticed.
 */
import fs from 'node:fs';
import { SingleBar, Presets } from 'cli-progress';
import { Command } from 'commander';
import { z } from 'zod';
import { loadConfig } from '../config/config';
import { createLogger } from '../config/logger';
import { closeDb, createDb } from '../prisma/db';
import { connectClient } from '../worker/connection';
import { importCaseload, type ImportReport } from './import/caseload-import';

function printReport(report: ImportReport, out: NodeJS.WritableStream = process.stdout): void {
  const write = (line = '') => out.write(`${line}\n`);
  write();
  write(report.dryRun ? 'Proefdraai (--dry-run): er is niets gestart of opgeslagen.' : 'Import klaar.');
  const counts: [string, number][] = [
    ['rijen', report.total],
    [report.dryRun ? 'zou starten' : 'gestart', report.imported.length],
    ['al bekend, overgeslagen', report.skipped.length],
    ['afgekeurd', report.rejected.length],
    ['mislukt, opnieuw proberen', report.failed.length],
  ];
  for (const [name, n] of counts) write(`  ${`${name}:`.padEnd(28)}${n}`);
  const t = report.throttle;
  if (t.refusals > 0)
    write(
      `  (de dienst vroeg ${t.refusals} keer om te wachten: ${t.waitedSeconds.toFixed(1)} s gewacht, minimaal ${t.minConcurrency} rij(en) tegelijk)`,
    );
  if (report.rejected.length > 0) {
    write();
    write('Afgekeurde rijen (regel · veld · reden):');
    for (const row of report.rejected) {
      for (const issue of row.issues)
        write(
          `  regel ${row.line}${row.koppelingRef ? ` (${row.koppelingRef})` : ''} · ${issue.field} · ${issue.reason}`,
        );
    }
  }
  if (report.startsPending > 0) {
    write();
    write(
      `${report.startsPending} traject(en) zijn opgeslagen maar konden nog niet starten (Temporal gaf geen antwoord). De dienst start ze vanzelf zodra Temporal weer werkt.`,
    );
  }
  if (report.failed.length > 0) {
    write();
    write('Mislukte rijen (de gegevens zijn goed; draai de import opnieuw):');
    for (const row of report.failed) write(`  regel ${row.line} (${row.koppelingRef}) · ${row.error}`);
  }
}

/**
 * Progress without a terminal: `import: <done>/<total> rijen` on stderr at every tenth of the rows
 * and at the end (stdout keeps only the report).
 */
function plainProgress(out: NodeJS.WritableStream = process.stderr) {
  let printed = -1;
  const print = (done: number, total: number) => {
    out.write(`import: ${done}/${total} rijen\n`);
    printed = done;
  };
  return {
    update(done: number, total: number): void {
      const tenth = (n: number) => Math.floor((n * 10) / Math.max(total, 1));
      if (done === total || done === 1 || tenth(done) > tenth(done - 1)) print(done, total);
    },
    finish(total: number): void {
      if (printed !== total) print(total, total);
    },
  };
}

async function main(): Promise<void> {
  const program = new Command()
    .name('import-caseload')
    .description(
      'Importeer een bestaande caseload uit CSV: elk traject start in de juiste fase met de juiste deadlines.',
    )
    .requiredOption('-f, --file <pad>', 'CSV-bestand (kolommen: zie scripts/import/README.md)')
    .option('--dry-run', 'alleen controleren: niets starten of opslaan', false)
    .option(
      '--concurrency <n>',
      'hoogstens zoveel rijen tegelijk (minder als de dienst druk is)',
      (v) => Number.parseInt(v, 10),
      4,
    )
    .parse();
  const opts = program.opts<{ file: string; dryRun: boolean; concurrency: number }>();

  // Validation messages of zod's own checks in Dutch, for the person who fixes the CSV.
  z.config(z.locales.nl());

  const config = loadConfig();
  const csvText = fs.readFileSync(opts.file, 'utf8');
  const db = createDb(config.DATABASE_URL);
  const temporal = await connectClient(config);
  // cli-progress draws only on a terminal; elsewhere (CI, a pipe, a log file) plain lines on stderr.
  const tty = Boolean(process.stderr.isTTY);
  const bar = new SingleBar(
    { format: 'Importeren [{bar}] {percentage}% | {value}/{total} rijen', hideCursor: true },
    Presets.shades_classic,
  );
  const lines = plainProgress();
  let started = false;
  try {
    const report = await importCaseload(
      {
        db,
        temporal,
        taskQueue: config.TEMPORAL_TASK_QUEUE,
        config,
        log: createLogger(config, 'import'),
      },
      csvText,
      {
        dryRun: opts.dryRun,
        concurrency: opts.concurrency,
        onProgress: (done, total) => {
          if (!tty) return lines.update(done, total);
          if (!started) {
            bar.start(total, 0);
            started = true;
          }
          bar.update(done);
        },
      },
    );
    if (started) bar.stop();
    if (!tty) lines.finish(report.total);
    printReport(report);
    process.exitCode = report.rejected.length > 0 || report.failed.length > 0 ? 1 : 0;
  } finally {
    if (started && tty) bar.stop();
    await temporal.connection.close();
    await closeDb(db);
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 2;
});
