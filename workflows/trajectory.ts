/**
 * The trajectory workflow (types `trajectory` and, for those started before it,
 * `trajectoryWorkflow`): the inburgering trajectory of one person, from koppeling to its end, as one
 * durable workflow. The rules live in domain/ (pure); this file only wires them to Temporal:
 *
 * - State is plain JSON (TrajectoryState), carried through continueAsNew.
 * - Coach actions are updates (validator = domain `validate`, refusal → `CODE: message`); partner
 *   facts are signals; `getState` / `getSummary` are queries (workflows/messages.ts).
 * - One main loop: `await condition(() => dirty, untilNextWakeUp)`. On a wake-up or a change it
 *   runs domain `tick` (deadline statuses, reminders/escalations due), then writes the queued
 *   effects as one step: `recordStep` writes the audit events, the read model and an outbox row per
 *   notification (key = workflowId + ':' + moment id, so a retry or a replay never queues twice) in
 *   one transaction, and upserts the search attributes when phase/route/coach/next deadline/overdue
 *   changed. An update answers after its own step is written, so the API reads its own writes;
 *   it never waits for delivery, which the delivery workflow does apart (workflows/delivery.ts).
 * - continueAsNew when Temporal suggests it (or after settings.continueAsNewAfterEvents events),
 *   after all handlers finished and all effects were flushed.
 * - No personal data: ids, dates, codes and reasons only (and payloads are encrypted by the codec).
 *
 * Changing rules for running workflows (procedure):
 * 1. A change that alters the commands this workflow emits for an existing history (another
 *    timer, activity or search-attribute upsert at the same point) must be guarded:
 *    `if (patched('<yyyy-mm>-<what>')) { new behaviour } else { old behaviour }`.
 *    Domain-only changes that merely alter *values* inside a running state (e.g. a new policy
 *    default) do not need a patch when they only apply to new trajectories: settings are copied
 *    into the state at the koppeling, so running trajectories keep their values.
 * 2. Replay: test/workflow/replay.test.ts replays the committed histories of earlier versions
 *    (test/workflow/histories/*.json.gz) against the new bundle (`Worker.runReplayHistories`); it
 *    must still pass. Re-record them (RECORD_HISTORIES=1, see histories/README.md) only after the
 *    change is guarded with `patched()` or no old workflow runs any more.
 * 3. When no workflow started before the change is still running (check with a visibility query),
 *    replace `patched` by `deprecatePatch('<same id>')`; after those are gone too, remove it.
 * A change of the law is a new row in domain/law.ts; when it changes what running trajectories do,
 * the row comes with a new rules version (CURRENT_RULES_VERSION) and its patch id in RULES_PATCHES
 * below: nothing else in this file changes.
 * A next patch is asked for with `patched()` as usual, in both types; it never joins CURRENT_PATHS
 * (the four that the combined marker and the type `trajectory` stand for, frozen).
 *
 * Workflow types: the API starts `trajectory` (December 2026), which takes the current paths without
 * asking and starts from the search attributes given with the start: its first task records no
 * patch marker and no upsert (workflows/README.md, "Two workflow types"). The trajectories started
 * before it run on as `trajectoryWorkflow`, which asks for the patches below. A next patch is asked
 * for with `patched()` in both; `trajectory` histories then replay with it as any other.
 *
 * Active patches (type `trajectoryWorkflow`; `trajectory` takes the first four's paths):
 * - `2026-12-current-paths` (December 2026): one marker for the four patches below. Each `patched()`
 *   call of a new workflow records a marker and an upsert of the `TemporalChangeVersion` search
 *   attribute (a visibility write on the server); a koppeling recorded four of each in its first
 *   workflow task. A run that has this patch takes all four new paths without asking for them
 *   (`usesPath`); a history without it (started before it) asks for each as before.
 * - `2026-12-steady-timer` (December 2026): the main loop keeps its wake-up timer while the wake-up
 *   moment stays the same, instead of cancelling and restarting it on every wake (see its const).
 * - `2026-12-local-step` (December 2026): `recordStep` runs as a local activity (see its proxy
 *   below). Histories recorded before it replay with the regular activity.
 * - `2026-12-record-step` (December 2026): effects are written as one `recordStep` per step and
 *   delivered by the delivery workflow, instead of `recordTrajectoryEvent` per event and
 *   `sendNotification` per notification inside the flush (which held updates open while a mail
 *   server or partner was down). Histories recorded before it replay on the old path; both old
 *   activities stay registered until no such trajectory runs any more.
 * - `2026-12-rules-v2` (rules version 2: the law checked per article, the Besluit as in force on
 *   the date of the case). It changes what a running trajectory computes: the onderwijsroute is met
 *   by the taalschakeltraject without a KNM exam, the PIP term of a 2022 case counts from the BRP
 *   registration, a missed intake summons no longer fines by itself, and PIPs set from now on get
 *   the timely-course-offer deadline. Histories recorded before it replay with rules version 1
 *   (`patched` is false there: the state keeps `rulesVersion` 1); a trajectory started under version
 *   1 moves to version 2 at its first new workflow task (`RULES_UPGRADED` event), so its past replays
 *   as it ran and its future follows the law as checked. New trajectories start on version 2.
 */
import {
  ApplicationFailure,
  CancellationScope,
  allHandlersFinished,
  condition,
  continueAsNew,
  log,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  sleep,
  upsertSearchAttributes as upsertWorkflowSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { UpdateDefinition } from '@temporalio/common';
import {
  ACCESS_DENIED,
  accessRefusal,
  apply,
  applyValidated,
  CURRENT_RULES_VERSION,
  commandOf,
  INVALID_INPUT,
  initialState,
  initialStateForRules,
  isEnded,
  nextWakeUp,
  rulesVersionOf,
  summarize,
  tick,
  toNotificationRequest,
  toRecordEventInput,
  toStepRecord,
  upgradeRules,
  validate,
} from '../domain/core';
import type {
  ActingUser,
  Command,
  CommandInput,
  CommandName,
  Koppeling,
  NotificationIntent,
  NotificationRequestShape,
  RefusalCode,
  TrajectoryEvent,
  TrajectoryState,
  TrajectorySummary,
  Transition,
} from '../domain';
import { COMMAND_NAMES } from './contract';
import { commandInputIssues, describeIssues, koppelingIssues } from './input-check';
import type { TrajectoryActivities } from '../activities/types';
import {
  commandUpdates,
  getState,
  getSummary,
  partnerExamResult,
  partnerLessonHours,
  type CommandArgs,
} from './messages';
import { fingerprintOf, fingerprintOfPairs, searchAttributePairs } from './search-attributes';

/** The second workflow argument: what continueAsNew carries to the next run, and switches. */
export interface CarriedState {
  /** The state of the previous run (continueAsNew); absent at the koppeling. */
  state?: TrajectoryState;
}

/**
 * Since the `2026-12-record-step` patch a step (an update, a partner fact, a wake-up) is written in
 * ONE activity: audit events, read model and outbox rows together. Idempotent (unique eventSeq and
 * key), so retried without limit with a capped backoff. Delivery is the delivery workflow's work.
 */
const RECORD_STEP_PATCH = '2026-12-record-step';
const { recordStep } = proxyActivities<TrajectoryActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

/**
 * Since `2026-12-local-step` the step is a local activity: it runs in the worker that runs the
 * workflow task, inside that task, and its result is recorded in the task's completion. A step is
 * a few milliseconds of database work, so the server's activity round trip (schedule, dispatch,
 * start, complete, and one more workflow task) was most of its cost: a koppeling now takes one
 * workflow task instead of two, and a coach's action answers after one. Retries after the first
 * minute go through server timers (the SDK's local retry threshold), so a database outage still
 * holds nothing but the step itself.
 */
const LOCAL_STEP_PATCH = '2026-12-local-step';
const { recordStep: recordStepLocally } = proxyLocalActivities<TrajectoryActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

/** First version (histories before the patch): one audit write per event. */
const { recordTrajectoryEvent } = proxyActivities<TrajectoryActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '5 minutes' },
});

/**
 * First version (histories before the patch): delivery inside the workflow's flush; after 12
 * attempts (~hours) the failure was recorded and the trajectory went on.
 */
const { sendNotification } = proxyActivities<TrajectoryActivities>({
  startToCloseTimeout: '1 minute',
  retry: {
    initialInterval: '5 seconds',
    backoffCoefficient: 2,
    maximumInterval: '30 minutes',
    maximumAttempts: 12,
  },
});

/**
 * Since `2026-12-steady-timer` the main loop keeps one timer for its next wake-up and replaces it
 * only when the wake-up moves. Before, every wake (each update, each partner fact) cancelled the
 * timer and started a new one for the same moment: two history events and a chain of promises per
 * coach action, for nothing. Histories recorded before it replay with the old loop.
 */
const STEADY_TIMER_PATCH = '2026-12-steady-timer';

/** The patch through which a trajectory adopts each rules version of domain/law.ts (see the header). */
const RULES_PATCHES: Record<number, string> = { 2: '2026-12-rules-v2' };

/**
 * Since `2026-12-current-paths` a new run records this one patch instead of the four it stands for
 * (see the header). A history recorded before it lacks the marker, so `patched` is false there
 * and each of the four is asked for as before. The four are also what the type `trajectory` takes
 * without asking. So this set is frozen: a later patch never joins it (a running trajectory would
 * take that path without a marker and replay differently); it is asked for with `patched()`.
 */
const CURRENT_PATHS_PATCH = '2026-12-current-paths';
const CURRENT_PATHS: ReadonlySet<string> = new Set([
  RECORD_STEP_PATCH,
  LOCAL_STEP_PATCH,
  STEADY_TIMER_PATCH,
  RULES_PATCHES[2]!,
]);

/** Whether this run takes the path of `patchId`: given by the combined patch, or asked for itself. */
type UsesPath = (patchId: string) => boolean;

/** The newest rules version whose patch this history has (or, when not replaying, the current one). */
function startRulesVersion(usesPath: UsesPath): number {
  for (let v = CURRENT_RULES_VERSION; v > 1; v--) if (usesPath(RULES_PATCHES[v]!)) return v;
  return 1;
}

type Effect =
  | { kind: 'event'; event: TrajectoryEvent; snapshot: TrajectorySummary }
  | { kind: 'notification'; intent: NotificationIntent; at: string };

const nowIso = (): string => new Date(Date.now()).toISOString();

/** The acting user's shape (ids and role as strings), before the access rule reads it. */
const isActingUser = (value: unknown): value is ActingUser => {
  const u = value as Partial<ActingUser> | null;
  return (
    typeof u === 'object' &&
    u !== null &&
    typeof u.userId === 'string' &&
    typeof u.role === 'string' &&
    (u.partnerId === undefined || u.partnerId === null || typeof u.partnerId === 'string')
  );
};

/** The type of an activity failure (ApplicationFailure type or error name), never its message. */
function failureType(err: unknown): string {
  const cause = (err as { cause?: { type?: string; name?: string } }).cause;
  return cause?.type ?? cause?.name ?? 'unknown';
}

/**
 * The trajectory's workflow type since December 2026 (the API starts this one). It takes the
 * current paths without recording a patch marker, and starts from the search attributes the API
 * gave the start (the koppeling's first step), so a koppeling's first workflow task records no
 * marker and no upsert when those are still right. A worker that does not know the type yet (a
 * rolling update) fails the task, which Temporal retries until a worker that knows it takes it.
 */
export async function trajectory(koppeling: Koppeling, carried?: CarriedState): Promise<TrajectorySummary> {
  return runTrajectory(koppeling, carried, true);
}

/**
 * The type of the trajectories started before `trajectory` existed: they keep running (and
 * continuing as new) under it, asking for the combined patch, or for each patch in older histories.
 */
export async function trajectoryWorkflow(
  koppeling: Koppeling,
  carried?: CarriedState,
): Promise<TrajectorySummary> {
  return runTrajectory(koppeling, carried, false);
}

/** Both types' body; `current` (type `trajectory`): the current paths without asking, see there. */
async function runTrajectory(
  koppeling: Koppeling,
  carried: CarriedState | undefined,
  current: boolean,
): Promise<TrajectorySummary> {
  const { workflowId } = workflowInfo();
  // Asked once, first: a run that started before the combined patch keeps asking per patch.
  const currentPaths = current || patched(CURRENT_PATHS_PATCH);
  const usesPath: UsesPath = (patchId) => (currentPaths && CURRENT_PATHS.has(patchId)) || patched(patchId);
  let state: TrajectoryState;
  if (carried?.state) {
    state = carried.state;
  } else {
    const issues = koppelingIssues(koppeling);
    if (issues.length)
      throw ApplicationFailure.nonRetryable(
        `INVALID_KOPPELING: ${describeIssues(issues)}`,
        'INVALID_KOPPELING',
      );
    const version = startRulesVersion(usesPath);
    state =
      version === CURRENT_RULES_VERSION
        ? initialState(koppeling, nowIso())
        : initialStateForRules(version, koppeling, nowIso());
  }
  const firstSeqOfRun = state.eventSeq;
  // Upserts only on change: from the attributes the run started with (type `trajectory`), or from
  // none (the old type's histories upsert once per run, so they replay as recorded).
  let lastSearchAttributes = current ? fingerprintOf(workflowInfo().typedSearchAttributes) : '';

  // Effects are flushed in order by the main loop; `flushed` counts the ones done.
  const effects: Effect[] = [];
  let enqueued = 0;
  let flushed = 0;
  let dirty = true;

  function enqueue(t: Pick<Transition, 'events' | 'notifications'>, now: string): number {
    const snapshot = summarize(state);
    for (const event of t.events) effects.push({ kind: 'event', event, snapshot });
    for (const intent of t.notifications) effects.push({ kind: 'notification', intent, at: now });
    enqueued += t.events.length + t.notifications.length;
    return enqueued;
  }

  /**
   * Moves a trajectory on an older rules version to the current one, through the patch of each
   * version: during replay of a history without that patch nothing changes (it replays as it ran).
   */
  function adoptCurrentRules(): void {
    while (rulesVersionOf(state) < CURRENT_RULES_VERSION) {
      const next = rulesVersionOf(state) + 1;
      if (!usesPath(RULES_PATCHES[next]!)) return;
      const now = nowIso();
      const t = upgradeRules(state, now, next);
      state = t.state;
      enqueue(t, now);
      dirty = true;
    }
  }

  if (!carried?.state) {
    state = { ...state, eventSeq: state.eventSeq + 1 };
    enqueue(
      {
        events: [{ seq: state.eventSeq, type: 'KOPPELING', at: nowIso(), data: { phase: state.phase } }],
        notifications: [],
      },
      nowIso(),
    );
  }

  /** Writes the queued effects: as one step per activity call, or (before the patch) one by one. */
  async function flush(): Promise<void> {
    if (usesPath(RECORD_STEP_PATCH)) await flushAsSteps();
    else await flushOneByOne();
    upsertSearchAttributes();
  }

  async function flushAsSteps(): Promise<void> {
    while (effects.length) {
      const batch = effects.splice(0);
      const events: TrajectoryEvent[] = [];
      const notifications: NotificationRequestShape[] = [];
      for (const effect of batch)
        if (effect.kind === 'event') events.push(effect.event);
        else
          notifications.push(
            toNotificationRequest(workflowId, state.inburgeraarId, effect.intent, effect.at),
          );
      const step = toStepRecord(workflowId, summarize(state), events, notifications);
      await (usesPath(LOCAL_STEP_PATCH) ? recordStepLocally(step) : recordStep(step));
      flushed += batch.length;
    }
  }

  async function flushOneByOne(): Promise<void> {
    while (effects.length) {
      const effect = effects[0]!;
      if (effect.kind === 'event') {
        await recordTrajectoryEvent(toRecordEventInput(workflowId, effect.event, effect.snapshot));
      } else {
        const request = toNotificationRequest(workflowId, state.inburgeraarId, effect.intent, effect.at);
        try {
          await sendNotification(request);
        } catch (err) {
          log.warn('notification failed after retries', { key: request.key, template: request.template });
          state = { ...state, eventSeq: state.eventSeq + 1 };
          effects.push({
            kind: 'event',
            event: {
              seq: state.eventSeq,
              type: 'NOTIFICATION_FAILED',
              at: nowIso(),
              // Only the failure type: a delivery error text may name an address (PII).
              data: { key: request.key, failure: failureType(err) },
            },
            snapshot: summarize(state),
          });
          enqueued += 1;
        }
      }
      effects.shift();
      flushed += 1;
    }
  }

  /**
   * Lets running update handlers finish: they wait for their effects, so keep flushing until
   * none is left (a plain `condition(allHandlersFinished)` would deadlock on them).
   */
  async function drainHandlers(): Promise<void> {
    await flush();
    while (!allHandlersFinished()) {
      await condition(() => allHandlersFinished() || effects.length > 0);
      await flush();
    }
  }

  /** Phase, route, coach, next deadline and overdue flag for the manager's lists (no PII). */
  function upsertSearchAttributes(): void {
    const pairs = searchAttributePairs(summarize(state));
    const fingerprint = fingerprintOfPairs(pairs);
    if (fingerprint === lastSearchAttributes) return;
    lastSearchAttributes = fingerprint;
    upsertWorkflowSearchAttributes(pairs);
  }

  /**
   * Runs a command the validator accepted: its shape and the rules were checked there on this very
   * state, so neither happens again. (The input was parsed with the zod schema by the application
   * layer before it was sent; the validator checked its shape against the same contract.)
   */
  async function handle<N extends CommandName>(name: N, input: CommandInput<N>): Promise<TrajectorySummary> {
    adoptCurrentRules();
    const now = nowIso();
    const t = applyValidated(state, commandOf(name, input), now);
    state = t.state;
    const mine = enqueue(t, now);
    dirty = true;
    await condition(() => flushed >= mine);
    return summarize(state);
  }

  /** A refusal the API can read without parsing text: the failure type is the rule code. */
  const refusal = (type: RefusalCode, message: string, details?: unknown) =>
    ApplicationFailure.create({ type, message, nonRetryable: true, details: details ? [details] : [] });

  function registerCommand<N extends CommandName>(name: N): void {
    const update: UpdateDefinition<TrajectorySummary, CommandArgs<N>> = commandUpdates[name];
    setHandler<TrajectorySummary, CommandArgs<N>, typeof update>(update, (input) => handle(name, input), {
      validator: (input: CommandInput<N>, user?: ActingUser) => {
        // Who acts first, on this very state: the API sends no separate query to check it.
        if (user !== undefined) {
          const denied = isActingUser(user) ? accessRefusal(user, state) : 'not allowed for this role';
          if (denied) throw refusal(ACCESS_DENIED, denied);
        }
        const issues = commandInputIssues(name, input);
        if (issues.length) throw refusal(INVALID_INPUT, describeIssues(issues), { issues });
        const found = validate(state, commandOf(name, input), nowIso());
        if (found) throw refusal(found.code, found.message);
      },
    });
  }
  for (const name of COMMAND_NAMES) registerCommand(name);

  /** Records a partner fact that was not applied, so the coach can see it in the audit trail. */
  function refusedFact(command: CommandName, code: string, message: string): void {
    const now = nowIso();
    state = { ...state, eventSeq: state.eventSeq + 1 };
    enqueue(
      {
        events: [
          { seq: state.eventSeq, type: 'PARTNER_FACT_REFUSED', at: now, data: { command, code, message } },
        ],
        notifications: [],
      },
      now,
    );
    dirty = true;
  }

  /** Partner facts: applied when the rules allow, otherwise recorded as refused (no exception). */
  function partnerFact<N extends 'recordProgressHours' | 'recordExamResult'>(name: N, input: unknown): void {
    adoptCurrentRules();
    const issues = commandInputIssues(name, input);
    if (issues.length) return refusedFact(name, 'INVALID_INPUT', describeIssues(issues));
    const command = { type: name, input } as Command;
    const now = nowIso();
    const refusal = validate(state, command, now);
    if (refusal) return refusedFact(name, refusal.code, refusal.message);
    const t = apply(state, command, now);
    state = t.state;
    enqueue(t, now);
    dirty = true;
  }
  setHandler(partnerLessonHours, (input) => partnerFact('recordProgressHours', input));
  setHandler(partnerExamResult, (input) => partnerFact('recordExamResult', input));

  setHandler(getState, () => state);
  setHandler(getSummary, () => summarize(state));

  /** The main loop's one wake-up timer (since STEADY_TIMER_PATCH): its moment, and whether it fired. */
  let timer: { at: number; scope: CancellationScope; fired: boolean } | undefined;

  /** Keeps the timer for `at` running, or replaces it when the wake-up moved (none: no timer). */
  function wakeUpAt(at: number | undefined): void {
    if (timer && timer.at === at) return;
    timer?.scope.cancel();
    timer = undefined;
    if (at === undefined) return;
    const current = { at, scope: new CancellationScope(), fired: false };
    timer = current;
    current.scope
      .run(() => sleep(Math.max(1, at - Date.now())))
      .then(
        () => {
          current.fired = true;
        },
        () => undefined, // cancelled: the wake-up moved
      );
  }

  const continueAsNewDue = (): boolean => {
    const threshold = state.settings.continueAsNewAfterEvents;
    return (
      workflowInfo().continueAsNewSuggested ||
      (threshold !== undefined && state.eventSeq - firstSeqOfRun >= threshold)
    );
  };

  for (;;) {
    adoptCurrentRules();
    const now = nowIso();
    const t = tick(state, now);
    state = t.state;
    enqueue(t, now);
    await flush();

    if (isEnded(state.phase)) break;
    if (continueAsNewDue()) {
      await drainHandlers();
      if (!isEnded(state.phase)) return continueAsNew<typeof trajectoryWorkflow>(koppeling, { state });
      break;
    }

    dirty = false;
    const wake = nextWakeUp(state, nowIso());
    if (usesPath(STEADY_TIMER_PATCH)) {
      wakeUpAt(wake === undefined ? undefined : Date.parse(wake));
      await condition(() => dirty || timer?.fired === true);
      if (timer?.fired) timer = undefined;
    } else {
      const timeout = wake === undefined ? undefined : Math.max(1, Date.parse(wake) - Date.now());
      if (timeout === undefined) await condition(() => dirty);
      else await condition(() => dirty, timeout);
    }
  }

  // The end: a final event that says why, then let running update handlers answer.
  const now = nowIso();
  state = { ...state, eventSeq: state.eventSeq + 1 };
  enqueue(
    {
      events: [
        {
          seq: state.eventSeq,
          type: 'TRAJECTORY_ENDED',
          at: now,
          data: { phase: state.phase, reason: state.ended?.reason ?? null, date: state.ended?.date ?? null },
        },
      ],
      notifications: [],
    },
    now,
  );
  await drainHandlers();
  return summarize(state);
}
