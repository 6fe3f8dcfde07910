/** The one result table: printed as text and written as JSON to bench/results/<timestamp>.json. */
import fs from 'node:fs';
import path from 'node:path';
import { describeGoal, GOALS, meets, type GoalKey } from './goals';

export interface Row {
  metric: string;
  value: number;
  unit: string;
  /** e.g. "<= 250"; empty when the row is informative only. */
  goal: string;
  /** null when the row has no goal. */
  pass: boolean | null;
  goalKey?: GoalKey;
}

export class Report {
  readonly rows: Row[] = [];
  readonly notes: string[] = [];

  /** Adds a row; with a goal key its goal and pass/fail come from bench/goals.ts. */
  add(metric: string, value: number, unit: string, goalKey?: GoalKey): void {
    if (!goalKey) {
      this.rows.push({ metric, value, unit, goal: '', pass: null });
      return;
    }
    const goal = GOALS[goalKey];
    this.rows.push({
      metric,
      value,
      unit,
      goal: describeGoal(goal),
      pass: Number.isFinite(value) && meets(goal, value),
      goalKey,
    });
  }

  note(text: string): void {
    this.notes.push(text);
  }

  get failed(): Row[] {
    return this.rows.filter((r) => r.pass === false);
  }

  toText(): string {
    const header = ['metric', 'value', 'unit', 'goal', 'result'];
    const lines = this.rows.map((r) => [
      r.metric,
      formatValue(r.value),
      r.unit,
      r.goal,
      r.pass === null ? '' : r.pass ? 'pass' : 'FAIL',
    ]);
    const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
    const fmt = (cells: string[]) =>
      cells
        .map((c, i) => (i === 1 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
        .join('  ')
        .trimEnd();
    return [fmt(header), widths.map((w) => '-'.repeat(w)).join('  '), ...lines.map(fmt)].join('\n');
  }

  /** Writes the JSON file and answers its path. */
  write(file: string, meta: Record<string, unknown>): string {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const body = {
      ...meta,
      rows: this.rows.map(({ goalKey, ...r }) => ({ ...r, ...(goalKey ? { why: GOALS[goalKey].why } : {}) })),
      notes: this.notes,
      passed: this.failed.length === 0,
    };
    fs.writeFileSync(file, `${JSON.stringify(body, null, 2)}\n`);
    return file;
  }
}

export function formatValue(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (Math.abs(v) >= 1000) return Math.round(v).toLocaleString('en-US');
  if (Math.abs(v) >= 100) return v.toFixed(0);
  if (Math.abs(v) >= 10) return v.toFixed(1);
  return v.toFixed(2);
}

/** `bench/results/2026-11-29T05-40-00.123Z.json` (colons are awkward in file names). */
export function defaultResultFile(benchDir: string, at = new Date()): string {
  return path.join(benchDir, 'results', `${at.toISOString().replace(/:/g, '-')}.json`);
}
