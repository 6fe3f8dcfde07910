/**
 * Generated read-model rows for the list and figure tests and the lists benchmark: many
 * trajectory summaries (domain/summary.ts) of varied phases, routes, coaches, koppeling, intake
 * and PIP dates, overdue flags and deadlines of every kind and status (met early, on the due date
 * and late, missed, dropped, moved, expired, open and past due), from a seeded generator so a
 * failing comparison can be replayed. They are written with the read model's own row mappers
 * (activities/read-model.ts), in bulk, without Temporal.
 */
import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import { deadlineRows, trajectoryRow } from '../../activities/read-model';
import { addDays } from '../../domain/dates';
import type { DeadlineSummary, TrajectorySummary } from '../../domain/summary';
import {
  DEADLINE_KINDS,
  DEADLINE_STATUSES,
  DOELGROEPEN,
  END_PHASES,
  ENDED_REASONS,
  isEnded,
  LEERROUTES,
  PHASES,
  TAALNIVEAUS,
} from '../../domain/types';
import type { Db } from '../../prisma/db';

/** mulberry32: small, fast, and the same sequence for the same seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface GenerateOptions {
  /** The evaluation day: deadlines fall before, on and after it. */
  today: string;
  seed?: number;
  /** Coach ids to spread the trajectories over (default coach-0 .. coach-39). */
  coaches?: readonly string[];
  /** Id prefix, so several batches can go into one database. */
  idPrefix?: string;
}

/** `n` summaries as a workflow could have written them (not through the rules: the figures only read them). */
export function generateSummaries(n: number, o: GenerateOptions): TrajectorySummary[] {
  const rnd = seededRandom(o.seed ?? 1);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const int = (lo: number, hi: number): number => lo + Math.floor(rnd() * (hi - lo + 1));
  const coaches = o.coaches ?? Array.from({ length: 40 }, (_, i) => `coach-${i}`);
  const prefix = o.idPrefix ?? 'gen';
  const out: TrajectorySummary[] = [];
  for (let i = 0; i < n; i++) {
    const inburgeraarId = `${prefix}-${String(i).padStart(6, '0')}`;
    // Most trajectories are running; about one in six has ended.
    const phase = rnd() < 0.17 ? pick(END_PHASES) : pick(PHASES.filter((p) => !isEnded(p)));
    const koppeling = addDays(o.today, -int(0, 3 * 365));
    const phaseIndex = PHASES.indexOf(phase);
    const pastIntake = phaseIndex >= PHASES.indexOf('PIP') || (phaseIndex <= 1 && rnd() < 0.1);
    const intake = pastIntake && rnd() < 0.92 ? addDays(koppeling, int(0, 150)) : undefined;
    const pip =
      intake && phaseIndex >= PHASES.indexOf('LEERROUTE') && rnd() < 0.9
        ? addDays(intake, int(0, 70))
        : undefined;
    const route = pip || rnd() < 0.05 ? pick(LEERROUTES) : undefined;
    const deadlines: DeadlineSummary[] = [];
    const count = int(0, 12);
    for (let k = 0; k < count; k++) {
      const dueDate = addDays(koppeling, int(-10, 3 * 365 + 60));
      const status = pick(DEADLINE_STATUSES);
      // Met early, on the day, or late; a few deadlines fulfilled without being "met" (late ones).
      const fulfilled =
        status === 'met' || (status === 'missed' && rnd() < 0.3)
          ? addDays(dueDate, pick([-40, -3, -1, 0, 0, 1, 12]))
          : undefined;
      deadlines.push({
        key: `K${k}`,
        label: `Termijn ${k}`,
        kind: rnd() < 0.8 ? DEADLINE_KINDS[0] : pick(DEADLINE_KINDS),
        dueDate,
        originalDueDate: status === 'moved' ? addDays(dueDate, -int(30, 180)) : dueDate,
        status,
        source: 'Wi2021',
        ...(fulfilled ? { fulfilledDate: fulfilled } : {}),
        ...(rnd() < 0.05 ? { suspended: true } : {}),
      });
    }
    const next = deadlines
      .filter((d) => d.status === 'open' || d.status === 'moved')
      .sort((a, b) => a.dueDate.localeCompare(b.dueDate))[0];
    const ended = isEnded(phase);
    out.push({
      inburgeraarId,
      phase,
      ...(route ? { route } : {}),
      taalniveau: pick(TAALNIVEAUS),
      doelgroep: pick(DOELGROEPEN),
      coachId: pick(coaches),
      paused: rnd() < 0.05,
      ...(next && !ended
        ? { nextDeadline: { key: next.key, label: next.label, dueDate: next.dueDate, source: next.source } }
        : {}),
      overdue: deadlines.some((d) => d.status === 'missed' && !d.fulfilledDate) || rnd() < 0.03,
      deadlines,
      milestones: {
        koppeling,
        ...(intake ? { intake } : {}),
        ...(pip ? { pip, termijnStart: pip, termijnEnd: addDays(pip, 3 * 365) } : {}),
      },
      ...(ended ? { endedReason: pick(ENDED_REASONS), endedDate: addDays(koppeling, int(30, 900)) } : {}),
      eventSeq: int(1, 60),
      asOf: o.today,
    });
  }
  return out;
}

/**
 * Writes the summaries as the read model's activity would (same row mappers), in chunks inside
 * transactions: 20,000 trajectories with their deadlines take seconds, not minutes.
 */
export async function insertSummaries(
  db: Db,
  summaries: readonly TrajectorySummary[],
  chunk = 500,
): Promise<void> {
  const updatedAt = new Date();
  for (let i = 0; i < summaries.length; i += chunk) {
    const part = summaries.slice(i, i + chunk);
    await db.$transaction([
      db.trajectoryReadModel.createMany({
        data: part.map((s) => ({
          inburgeraarId: s.inburgeraarId,
          ...trajectoryRow(`inburgering-${s.inburgeraarId}`, s, updatedAt),
        })),
      }),
      db.deadlineReadModel.createMany({ data: part.flatMap((s) => deadlineRows(s)) }),
    ]);
  }
}

/** A value as Prisma's SQLite adapter stores it (booleans 0/1, instants as ISO text). */
const sqliteValue = (v: unknown): unknown =>
  v instanceof Date ? v.toISOString().replace('Z', '+00:00') : typeof v === 'boolean' ? Number(v) : v;

/**
 * The same rows straight into a SQLite file with one prepared statement per table in one
 * transaction: the benchmark's 20,000 trajectories in seconds (through Prisma's createMany they
 * take minutes on a loaded 2-core machine). Column lists come from the row mappers.
 */
export function insertSummariesSqlite(file: string, summaries: readonly TrajectorySummary[]): void {
  if (summaries.length === 0) return;
  const sqlite = new Database(file);
  try {
    const updatedAt = new Date();
    const trajectory = (s: TrajectorySummary) => ({
      inburgeraarId: s.inburgeraarId,
      ...trajectoryRow(`inburgering-${s.inburgeraarId}`, s, updatedAt),
    });
    const deadlines = (s: TrajectorySummary) => deadlineRows(s).map((d) => ({ id: randomUUID(), ...d }));
    const insert = (table: string, columns: string[]) => {
      const statement = sqlite.prepare(
        `INSERT INTO "${table}" (${columns.map((c) => `"${c}"`).join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`,
      );
      return (row: Record<string, unknown>) => statement.run(...columns.map((c) => sqliteValue(row[c])));
    };
    const insertTrajectory = insert('TrajectoryReadModel', Object.keys(trajectory(summaries[0]!)));
    let insertDeadline: ((row: Record<string, unknown>) => unknown) | undefined;
    sqlite.transaction(() => {
      for (const s of summaries) {
        insertTrajectory(trajectory(s));
        for (const d of deadlines(s)) (insertDeadline ??= insert('DeadlineReadModel', Object.keys(d)))(d);
      }
    })();
  } finally {
    sqlite.close();
  }
}
