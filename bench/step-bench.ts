/**
 * `recordStep` alone: the CPU one workflow step's transaction costs this process (the read-model
 * row, its deadline rows and the step's audit rows), on a fresh SQLite file or on PostgreSQL.
 *
 *   npx tsx bench/step-bench.ts [steps per round, default 1000] [rounds, default 3]
 *   DATABASE_URL=postgresql://… npx tsx bench/step-bench.ts      (an empty database: it is migrated)
 *
 * Per round: `steps` first steps (a koppeling's: the row is inserted) and as many later steps on
 * the same trajectories (the row is updated), one at a time; prints CPU (user + system) and wall
 * time per step for each kind. Compare runs of two versions back to back: the machine is shared.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { createActivities } from '../activities';
import { loadConfig } from '../config/config';
import { initialState, summarize, toStepRecord } from '../domain';
import { closeDb, createDb } from '../prisma/db';
import { migrateDatabase } from '../prisma/migrate';

const steps = Number(process.argv[2] ?? 1000);
const rounds = Number(process.argv[3] ?? 3);
const AT = '2027-03-01T08:00:00.000Z';

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'step-bench-'));
  const url = process.env.DATABASE_URL?.startsWith('postgres')
    ? process.env.DATABASE_URL
    : `file:${path.join(dir, 'bench.db')}`;
  await migrateDatabase(url);
  const db = createDb(url);
  const config = loadConfig({ ...process.env, DATABASE_URL: url, SMTP_URL: '' });
  const activities = createActivities({ db, config, log: pino({ level: 'silent' }), mailer: null });
  const coachId = 'coach-step-bench';

  const stepOf = (inburgeraarId: string, seq: number) => {
    const state = initialState(
      { inburgeraarId, koppelingDate: '2027-01-04', doelgroep: 'asielstatushouder', coachId },
      AT,
    );
    const events = [
      { seq, type: seq === 1 ? 'KOPPELING' : 'registerHuisvesting', at: AT, data: { actorId: coachId } },
    ];
    return toStepRecord(`inburgering-${inburgeraarId}`, { ...summarize(state), eventSeq: seq }, events, []);
  };
  const measure = async (label: string, records: ReturnType<typeof stepOf>[]) => {
    const cpu = process.cpuUsage();
    const t0 = performance.now();
    for (const record of records) await activities.recordStep(record);
    const used = process.cpuUsage(cpu);
    const ms = performance.now() - t0;
    const per = (x: number) => (x / records.length).toFixed(3);
    console.log(`${label}: CPU ${per((used.user + used.system) / 1000)} ms, wall ${per(ms)} ms per step`);
  };

  // Warm-up: JIT, prepared statements.
  const warm = Array.from({ length: 200 }, () => randomUUID());
  for (const id of warm) await activities.recordStep(stepOf(id, 1));
  for (let round = 1; round <= rounds; round += 1) {
    const ids = Array.from({ length: steps }, () => randomUUID());
    await measure(
      `round ${round}, first steps`,
      ids.map((id) => stepOf(id, 1)),
    );
    await measure(
      `round ${round}, later steps`,
      ids.map((id) => stepOf(id, 2)),
    );
  }
  await closeDb(db);
  fs.rmSync(dir, { recursive: true, force: true });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
