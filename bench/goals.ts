/**
 * What "fast enough" means for each measured row, with the reason. A row passes when its value is
 * at most `max` (latencies, seconds, MB) or at least `min` (throughput).
 *
 * Calibration: the starting values were the brief's suggestions (update p95 < 250 ms, list p95 <
 * 100 ms, koppeling p95 < 300 ms, < 2 MB per cached workflow, full trajectory < 20 s). They were
 * then checked against first runs on the 2-core / 24 GB build machine (2026-11-29, numbers in
 * bench/README.md), where bench client, API, worker, SQLite and the Temporal dev server share the
 * two cores, and other builds often ran beside it. A goal says what the service needs; it was only
 * changed where the first measurement showed the suggested number did not fit how the row is
 * measured (then the comment says what changed and why). A row that fails is a finding, not a
 * reason to move the goal.
 */
export interface Goal {
  /** Pass when value <= max. */
  max?: number;
  /** Pass when value >= min. */
  min?: number;
  why: string;
}

export const GOALS = {
  // --- 0. side by side with the raw Temporal SDK (same server, same run; bench/side-by-side.ts) ---
  'side.acceptedRatio': {
    min: 0.8,
    why: 'koppelingen accepted through the API at >= 0.8x the rate at which the raw SDK starts a trivial workflow (issue: a city imports its caseload on day one)',
  },
  'side.completedRatio': {
    min: 0.8,
    why: 'trajectories whose first step is written at >= 0.8x the rate at which the raw SDK completes a one-activity workflow',
  },
  'memory.perWorkflowKb': {
    max: 200,
    why: '10,000 cached trajectories in 2 GiB of worker memory (RSS growth per cached workflow)',
  },

  // --- 1. domain rules (pure functions, run in every workflow task, on replay and in validators) ---
  'domain.computeDeadlines': {
    min: 2_000,
    why: 'recomputed after every command and wake-up: <= 0.5 ms keeps it invisible in a workflow task (first runs: 1.5k-4.5k/s)',
  },
  'domain.apply': {
    min: 1_000,
    why: 'validate + clone + recompute per coach action: <= 1 ms next to a ~100 ms Temporal update (first runs: 1.2k-3.5k/s)',
  },
  'domain.tick': {
    // Suggested start was 1,000/s; first runs gave 170-470/s (luxon zone conversion in instantAt
    // for every reminder moment of every deadline). Set to 500/s = 2 ms: what a wake-up may cost
    // when a 3-year history of ~100 wake-ups is replayed after a cache eviction (<= 0.2 s).
    min: 500,
    why: 'runs on every wake-up and again on every replay: 2 ms budget',
  },

  // --- 2. koppeling: a COA batch through the API (DB writes + workflow start) ---
  'koppeling.p50': { max: 150, why: 'the typical row of a batch import or a single form submit' },
  'koppeling.p95': {
    // Suggested 300 ms was for one request alone; the row is measured with 4 in flight (the
    // default of scripts/import-caseload.ts), so a request may queue behind three others.
    max: 500,
    why: 'tail of a 4-way batch import: at most ~4 service times of queueing',
  },
  'koppeling.throughput': {
    min: 15,
    why: 'a caseload of 2,000 (a large gemeente) imports in under 2.5 minutes',
  },
  'koppeling.readModelAll': {
    max: 30,
    why: 'the managers list shows a batch of N within half a minute (the read model is written by activities, async)',
  },

  // --- 3. coach action: HTTP -> query -> Temporal update (validator, apply, audit/read-model activity) ---
  'actie.p50': { max: 150, why: 'a coach clicks and waits for the new state' },
  'actie.p95': {
    max: 250,
    why: 'brief suggestion; one click = query + update + one activity in one request',
  },

  // --- 3b. coach action while the mail server refuses every connection ---
  'outage.actieP95': {
    max: 250,
    why: 'the same bound as without an outage: an update waits for its own write, never for delivery',
  },
  'outage.ratio': {
    max: 2,
    why: 'p95 during an SMTP outage against p95 with SMTP up, same actions, same run: delivery must not show',
  },

  // --- 3c. coach action while a caseload import runs (backpressure, application/admission.ts) ---
  'backpressure.actieP99': {
    max: 200,
    why: 'issue 10: a coach is never starved by a bulk import; p99 with 8 actions in flight while an import of 5,000 runs (unthrottled, the first action got no answer within 30 s)',
  },
  'backpressure.exactlyOnce': {
    min: 1,
    why: 'slowing down must not lose or double a row: every row of the import registered once',
  },

  // --- 4. manager lists, from the read model (never by querying workflows) ---
  'list.p95': { max: 100, why: 'the managers page loads a page of 50 on every filter or sort change' },
  'stats.p95': { max: 100, why: 'dashboard figures, loaded with the page' },
  'kpis.p95': {
    max: 100,
    why: 'monitoring figures, loaded with the page (SQL aggregates over indexes, see 4b)',
  },

  // --- 4b. the same at scale: 1,000 against 20,000 trajectories, seeded, in one run (lists-bench.ts) ---
  // Flat = the answer time does not follow the caseload. Twenty times the rows makes any cost that
  // is linear in the rows show as a ratio far above 2 (at 2,000 rows the old in-JavaScript figures
  // took ~200 ms, ~0.1 ms per trajectory, against a ~5 ms fixed cost per request), while an index
  // lookup or an aggregate over a small index grows by its depth only. 2 leaves room for that and
  // for p95 noise on a shared 2-core machine; the calls to both sizes alternate, so load hits both.
  'scale.statsRatio': { max: 2, why: 'counts per phase/route from GROUP BY: flat from 1,000 to 20,000' },
  'scale.kpisRatio': { max: 2, why: 'monitoring figures from SQL aggregates: flat from 1,000 to 20,000' },
  'scale.listRatio': { max: 2, why: 'a page of 50 is an index range scan: flat from 1,000 to 20,000' },
  'scale.caseloadRatio': {
    max: 2,
    why: 'the caseload page (names, overdue first) is an index range scan: flat from 1,000 to 20,000',
  },
  // The absolute bound at 20,000 is the same as the page's at 200 (list.p95 and friends): a country-
  // wide caseload is ~100,000, a large gemeente a few thousand, and the dashboard must feel the same.
  'scale.statsP95': { max: 100, why: 'dashboard figures with 20,000 trajectories, loaded with the page' },
  'scale.kpisP95': { max: 100, why: 'monitoring figures with 20,000 trajectories, loaded with the page' },
  'scale.listP95': { max: 100, why: 'a page of 50 of 20,000 on every filter or sort change' },
  'scale.caseloadP95': { max: 100, why: 'the caseload page of 50 of 20,000, with names' },

  // --- 6. whole trajectory on the time-skipping server ---
  'trajectory.wall': {
    max: 20,
    why: 'the multi-year scenario tests must stay a fast part of npm test (brief suggestion; first runs 4-10 s)',
  },

  // --- 8. capacity: N open trajectories held, coach actions at checkpoints (bench/capacity-bench.ts) ---
  'capacity.actieP95Ratio': {
    // Same reasoning as the lists at scale: a cost that follows the number of open trajectories
    // shows as a ratio far above 2; noise on a shared 2-core machine and the replay of an evicted
    // trajectory (beyond WORKER_MAX_CACHED_WORKFLOWS) stay below it.
    max: 2,
    why: 'issue 10: 20,000 open trajectories held with coach actions at their normal latency (p95 at N against p95 at the first checkpoint, 1,000, same run)',
  },
  'years.wall': {
    max: 120,
    why: 'issue 10: 1,000 trajectories through 3 simulated years on the time-skipping server in under 2 minutes',
  },

  // --- 7. a real Temporal cluster: one worker process against two (bench/cluster-bench.ts) ---
  'cluster.workerScaling': {
    min: 0.9,
    why: 'a second worker process on the same task queue must never slow the cluster down (no contention between workers); on one 2-core machine it cannot add CPU, so more than 1x is not asked here',
  },
} satisfies Record<string, Goal>;

export type GoalKey = keyof typeof GOALS;

export function meets(goal: Goal, value: number): boolean {
  if (goal.max !== undefined && value > goal.max) return false;
  if (goal.min !== undefined && value < goal.min) return false;
  return true;
}

export function describeGoal(goal: Goal): string {
  const parts: string[] = [];
  if (goal.max !== undefined) parts.push(`<= ${goal.max}`);
  if (goal.min !== undefined) parts.push(`>= ${goal.min}`);
  return parts.join(' and ');
}
