/**
 * Starting the trajectory of a new koppeling apart from the request that registers it (an outbox
 * towards Temporal). The koppeling's transaction stores the person, its audit row and a
 * PendingStart row with the start's input; the caller has its answer once that commits. The
 * workflow is started here: at once, in the same process, in the background; and when that fails
 * (Temporal unreachable) or the process stopped before it could, by a later sweep of any API or
 * import process, with growing waits between tries. A start is idempotent (the workflow id is the
 * person's, `USE_EXISTING`): two processes that start the same row start one workflow, and the row
 * goes once Temporal has it.
 *
 * Until the workflow exists, a command, a query or a partner's fact for the person starts it first
 * (`withPendingStarts`), so a coach's first action right after the koppeling does not fail.
 *
 * Why: a koppeling no longer waits for Temporal (the start was ~3/4 of its answer time under load,
 * README, the scale goals), and a koppeling that arrives while Temporal is down or being upgraded
 * is stored and answered instead of failing and relying on the sender to try again (as many as
 * intake admission lets through, ./admission.ts: nothing completes meanwhile).
 */
import type { Logger } from 'pino';
import type { Koppeling } from '../domain/commands';
import { NotFoundError } from './errors';
import type { PendingStartRecord, PendingStarts, Trajectories, TrajectoryStarter } from './ports';

export interface TrajectoryStartSettings {
  /** How often a sweep looks for rows nobody started (ms; 0: no sweeps, the at-once start still runs). */
  sweepMs: number;
  /** How long the registering process owns a new row before a sweep may take it (ms). */
  leaseMs: number;
  /** Starts in flight at most in this process; more wait in memory (their rows are stored). */
  maxInFlight: number;
  /** Rows one sweep takes at most. */
  sweepBatch: number;
}

/** The settings from the validated config. */
export const trajectoryStartSettings = (config: {
  TRAJECTORY_START_SWEEP_SECONDS: number;
}): TrajectoryStartSettings => ({
  sweepMs: config.TRAJECTORY_START_SWEEP_SECONDS * 1000,
  leaseMs: Math.max(10_000, 2 * config.TRAJECTORY_START_SWEEP_SECONDS * 1000),
  maxInFlight: 32,
  sweepBatch: 100,
});

/** The wait after the n-th failed try: 1 s, 2 s, 4 s … at most 5 minutes. */
export const retryDelayMs = (failures: number): number =>
  Math.min(1000 * 2 ** Math.max(0, failures - 1), 5 * 60_000);

export interface TrajectoryStarts {
  /** The pending-start row to store with a new person (the registering process owns it for a while). */
  pendingRecord(input: Koppeling): PendingStartRecord;
  /** Starts the trajectory of a just-registered koppeling, in the background. */
  startSoon(input: Koppeling): void;
  /**
   * Starts this person's pending trajectory now, if there is one: true when it did, false when
   * none was pending; throws what the start threw (the row stays for the next try).
   */
  startPending(inburgeraarId: string): Promise<boolean>;
  /**
   * Queues this person's pending start, if there is one, without waiting for it (a repeated
   * koppeling: answered while Temporal is down too). True when one was pending.
   */
  nudge(inburgeraarId: string): Promise<boolean>;
  /** One sweep: starts the rows that are due. Answers how many it started. */
  sweep(): Promise<number>;
  /** Sweeps every `sweepMs` (a first sweep at once) until `stop`. */
  run(): void;
  /** Resolves when no start is queued or in flight in this process. */
  drain(): Promise<void>;
  /**
   * Stops sweeping and starting (what is queued stays in the database, for another process's or
   * the next start's sweeps) and waits for the starts in flight.
   */
  stop(): Promise<void>;
  /** Starts and failed tries in this process so far. */
  readonly counts: { started: number; failed: number };
}

export interface TrajectoryStartDeps {
  pending: PendingStarts;
  trajectories: TrajectoryStarter;
  log: Pick<Logger, 'warn' | 'error'>;
}

export function createTrajectoryStarts(
  deps: TrajectoryStartDeps,
  settings: TrajectoryStartSettings,
): TrajectoryStarts {
  const counts = { started: 0, failed: 0 };
  const inFlight = new Map<string, Promise<void>>();
  const queue: Koppeling[] = [];
  let idle: (() => void)[] = [];
  let timer: NodeJS.Timeout | undefined;
  let sweeping: Promise<number> | undefined;
  let stopped = false;

  /** One try: start, then remove the row; a failure is counted on the row and tried again later. */
  const attempt = async (input: Koppeling): Promise<void> => {
    const id = input.inburgeraarId;
    try {
      await deps.trajectories.start(input);
    } catch (err) {
      counts.failed++;
      const kind = err instanceof Error ? err.name : 'Error';
      // Ids and the error's kind only: a message may carry what the request carried.
      deps.log.warn({ inburgeraarId: id, error: kind }, 'trajectory start failed; tried again later');
      // The wait grows with the row's own count of failures (whichever process tried).
      await deps.pending
        .failed(id, kind, retryDelayMs)
        .catch((e: unknown) =>
          deps.log.error({ inburgeraarId: id, err: e }, 'could not record a failed start'),
        );
      throw err;
    }
    counts.started++;
    // If this fails the row stays, and a later sweep starts it again: a no-op that removes it.
    await deps.pending
      .done(id)
      .catch((e: unknown) =>
        deps.log.error({ inburgeraarId: id, err: e }, 'could not remove a started trajectory'),
      );
  };

  /** `attempt`, once per id at a time in this process. */
  const once = (input: Koppeling): Promise<void> => {
    const id = input.inburgeraarId;
    const running = inFlight.get(id);
    if (running) return running;
    const p = attempt(input).finally(() => {
      inFlight.delete(id);
      pump();
    });
    inFlight.set(id, p);
    return p;
  };

  const pump = () => {
    if (stopped) queue.length = 0; // their rows stay for the sweeps
    while (queue.length && inFlight.size < settings.maxInFlight) {
      // A failure is recorded on the row; a sweep tries again.
      once(queue.shift()!).catch(() => undefined);
    }
    if (!queue.length && !inFlight.size) {
      const waiting = idle;
      idle = [];
      for (const resolve of waiting) resolve();
    }
  };

  /** The due rows this process claimed (another process's sweep skips them for a lease), started. */
  const sweep = async (): Promise<number> => {
    const now = new Date();
    const due = await deps.pending.due(now, settings.sweepBatch);
    let started = 0;
    await Promise.all(
      due.map(async (row) => {
        if (stopped || inFlight.has(row.input.inburgeraarId)) return;
        const until = new Date(now.getTime() + settings.leaseMs);
        if (!(await deps.pending.claim(row.input.inburgeraarId, row.nextAttemptAt, until))) return;
        await once(row.input).then(
          () => void started++,
          () => undefined,
        );
      }),
    );
    return started;
  };

  const sweepOnce = (): Promise<number> => {
    sweeping ??= sweep()
      .catch((err: unknown) => {
        deps.log.error({ err }, 'sweep of pending trajectory starts failed');
        return 0;
      })
      .finally(() => {
        sweeping = undefined;
      });
    return sweeping;
  };

  const startSoon = (input: Koppeling) => {
    if (stopped) return; // the row stays for the sweeps
    queue.push(input);
    pump();
  };

  return {
    counts,
    pendingRecord: (input) => ({ input, nextAttemptAt: new Date(Date.now() + settings.leaseMs) }),
    startSoon,
    async startPending(inburgeraarId) {
      const running = inFlight.get(inburgeraarId);
      if (running) {
        await running;
        return true;
      }
      const row = await deps.pending.find(inburgeraarId);
      if (!row) return false;
      await once(row.input);
      return true;
    },
    async nudge(inburgeraarId) {
      if (inFlight.has(inburgeraarId)) return true;
      const row = await deps.pending.find(inburgeraarId);
      if (!row) return false;
      startSoon(row.input);
      return true;
    },
    sweep: sweepOnce,
    run() {
      if (stopped || timer || settings.sweepMs <= 0) return;
      const tick = () => {
        void sweepOnce().finally(() => {
          if (!stopped) timer = setTimeout(tick, settings.sweepMs).unref();
        });
      };
      timer = setTimeout(tick, 0).unref();
    },
    drain() {
      if (!queue.length && !inFlight.size) return Promise.resolve();
      return new Promise<void>((resolve) => idle.push(resolve));
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      queue.length = 0;
      await sweeping;
      while (inFlight.size) await Promise.allSettled([...inFlight.values()]);
      pump(); // resolves drain()'s waiters
    },
  };
}

/**
 * The trajectories, where a person whose start is still pending gets it started before a
 * command, query or fact reaches the workflow (one more call after a NotFoundError; NotFoundError
 * as before when there is no such workflow).
 */
export function withPendingStarts(
  trajectories: Trajectories,
  starts: Pick<TrajectoryStarts, 'startPending'>,
): Trajectories {
  const startedFirst = async <T>(inburgeraarId: string, call: () => Promise<T>): Promise<T> => {
    try {
      return await call();
    } catch (err) {
      if (!(err instanceof NotFoundError)) throw err;
      // Started here, or (no row left) perhaps just now by another process or the background
      // start, after the first call missed it: one more call either way.
      await starts.startPending(inburgeraarId);
      return call();
    }
  };
  return {
    start: (input) => trajectories.start(input),
    state: (id) => startedFirst(id, () => trajectories.state(id)),
    execute: (id, name, input, user, updateId) =>
      startedFirst(id, () => trajectories.execute(id, name, input, user, updateId)),
    report: (id, kind, input) => startedFirst(id, () => trajectories.report(id, kind, input)),
  };
}
