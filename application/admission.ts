/**
 * Admission of intake (backpressure): a new koppeling — through `POST /api/inburgeraars` or the
 * caseload import — is accepted only while the worker keeps up with the ones accepted before;
 * beyond that it is refused with `IntakeBusyError` (the API answers 503 with `Retry-After`, the
 * import waits and retries the row), and nothing is stored or started.
 *
 * The signal: the number of koppelingen **pending**, i.e. people registered within the last
 * `INTAKE_PENDING_WINDOW_MINUTES` whose workflow has not yet written its first read-model row. Why
 * this one, and not the task queue's backlog or schedule-to-start latency:
 *  - it measures the whole path a koppeling takes through the worker (the start's workflow task,
 *    the activity that writes the read model), so admitting while it is below a bound admits
 *    exactly as fast as the worker completes (Little's law: throughput = bound / time per koppeling);
 *  - it lives in the application's database, so every API process and every import process sees
 *    the same figure (two API processes behind a load balancer share it), on every Temporal
 *    (dev server, self-hosted cluster, Cloud) without needing task-queue statistics;
 *  - a koppeling whose workflow has not started yet (Temporal down: ./trajectory-starts.ts tries
 *    again) counts as pending, and stops counting after the window, so an outage cannot keep
 *    intake closed for good.
 * The figure is cached for `INTAKE_SIGNAL_TTL_MS`, so admission costs one indexed count query per
 * process per TTL, not one per request. Between two reads a process adds what it admitted itself,
 * so one process never overshoots the bound; N processes together can overshoot by at most what
 * the others admitted within one TTL (bounded by their request rate × TTL).
 *
 * Not used, after measuring on the dev server (1.32): DescribeTaskQueue statistics (they exist,
 * backlog count and age, per priority key too, but cover one queue and not every server keeps
 * them), and task priority for intake (honoured approximately, but inherited by every later task
 * of the workflow: an imported person's coach actions would stay low priority for years).
 *
 * A repeat koppeling (a person who is already known) is never refused: it starts nothing new.
 */
import { ApplicationError } from './errors';

/** The error code of a refused intake (API `error` field, OpenAPI enum). */
export const INTAKE_BUSY = 'INTAKE_BUSY';

/** Intake is above its bound: try again after `retryAfterSeconds`; nothing was changed. */
export class IntakeBusyError extends ApplicationError {
  readonly code = INTAKE_BUSY;
  constructor(
    readonly retryAfterSeconds: number,
    /** Pending koppelingen and the bound, when known (not when read from an API's answer). */
    readonly load?: { pending: number; limit: number },
  ) {
    super(
      `Er worden nu te veel nieuwe trajecten tegelijk gestart. Probeer het over ${retryAfterSeconds} ${retryAfterSeconds === 1 ? 'seconde' : 'seconden'} opnieuw. Er is niets opgeslagen.`,
    );
    this.name = 'IntakeBusyError';
  }
}

/** Port: the database's count of koppelingen registered since `since` without a read-model row. */
export interface PendingIntakeCounter {
  pendingIntake(since: Date): Promise<number>;
}

export interface IntakeAdmission {
  /** Resolves when one new koppeling may start; throws IntakeBusyError otherwise. */
  admit(): Promise<void>;
  /** The last figure read (for metrics and tests). */
  readonly lastPending: number;
}

export interface AdmissionSettings {
  /** Most koppelingen pending at a time (INTAKE_MAX_PENDING); 0 turns admission off. */
  maxPending: number;
  /** How long a read figure is reused (INTAKE_SIGNAL_TTL_MS). */
  signalTtlMs: number;
  /** Registered longer ago than this, a koppeling no longer counts (INTAKE_PENDING_WINDOW_MINUTES). */
  windowMinutes: number;
  /** What a refusal tells the client to wait (INTAKE_RETRY_AFTER_SECONDS). */
  retryAfterSeconds: number;
}

/** The settings from the validated config. */
export const admissionSettings = (config: {
  INTAKE_MAX_PENDING: number;
  INTAKE_SIGNAL_TTL_MS: number;
  INTAKE_PENDING_WINDOW_MINUTES: number;
  INTAKE_RETRY_AFTER_SECONDS: number;
}): AdmissionSettings => ({
  maxPending: config.INTAKE_MAX_PENDING,
  signalTtlMs: config.INTAKE_SIGNAL_TTL_MS,
  windowMinutes: config.INTAKE_PENDING_WINDOW_MINUTES,
  retryAfterSeconds: config.INTAKE_RETRY_AFTER_SECONDS,
});

export function createIntakeAdmission(
  counter: PendingIntakeCounter,
  settings: AdmissionSettings,
  now: () => number = Date.now,
): IntakeAdmission {
  let pending = 0;
  let readAt = Number.NEGATIVE_INFINITY;
  let admittedSinceRead = 0;
  /** One read at a time: concurrent requests share it (single flight). */
  let reading: Promise<void> | undefined;

  const refresh = (): Promise<void> =>
    (reading ??= (async () => {
      try {
        const at = now();
        pending = await counter.pendingIntake(new Date(at - settings.windowMinutes * 60_000));
        readAt = at;
        admittedSinceRead = 0;
      } finally {
        reading = undefined;
      }
    })());

  return {
    get lastPending() {
      return pending;
    },
    async admit() {
      if (settings.maxPending <= 0) return;
      if (now() - readAt >= settings.signalTtlMs) await refresh();
      const estimate = pending + admittedSinceRead;
      if (estimate >= settings.maxPending)
        throw new IntakeBusyError(settings.retryAfterSeconds, {
          pending: estimate,
          limit: settings.maxPending,
        });
      admittedSinceRead += 1;
    },
  };
}
