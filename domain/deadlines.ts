/**
 * Deadlines and the moments to act on them, all derived from the facts in the state.
 *
 * - A deadline on date D is met when fulfilled on or before D (D is the last day, inclusive).
 * - Reminders go to the coach on D - n days (settings.reminderDaysBefore, policy 14 and 3);
 *   an overdue DEADLINE is escalated to the manager on D + settings.escalationDaysAfter (default
 *   D + 1, the first day it is late); a TERM_END sends a "term ended" notice on D + 1.
 * - Every moment fires at settings.notificationHour (default 09:00) Europe/Amsterdam on its date:
 *   a fixed office hour, so mail arrives in working time and the moment is stable across DST.
 * - A deadline's status flips to missed/expired when the workflow evaluates a day after D; the
 *   workflow wakes at the escalation / term-end moment, so that is when the flag becomes visible.
 * - While paused nothing is sent; on resume, reminders still ahead of their due date and
 *   escalations of still-open overdue deadlines are sent (catch-up), older reminders are skipped.
 */
import { addDays, addPeriod, daysBetween, instantAt, maxDate, subtractPeriod, toMillis } from './dates';
import {
  INBURGERINGSTERMIJN_WET,
  ONTZORGEN_WET,
  PIP_TERMIJN,
  PIP_TERMIJN_NA_VERHUIZING,
  SCHAKELEN,
  TIJDIG_AANBOD_WET,
  VERLENGING_AANVRAAG,
  inForce,
  lawFor,
  rulesVersionOf,
  versionsFor,
  type PipAnchor,
} from './law';
import {
  BOETE_TERMIJN,
  HUISVESTING,
  INBURGERINGSTERMIJN,
  MODULE_AFSPRAAK,
  ONTZORGEN,
  PIP_VASTSTELLEN,
  ROUTE_SWITCH,
  TIJDIG_AANBOD,
  VOORTGANGSGESPREK,
  type TermRule,
} from './rules';
import {
  isEnded,
  type Deadline,
  type DeadlineStatus,
  type NotificationIntent,
  type TrajectoryState,
} from './types';

/** The PIP term of a case: when it starts, its due date, and the version of the law that decided it. */
export interface PipTerm {
  start: string;
  dueDate: string;
  source: string;
  /** Besluit art. 5.3 lid 2 (since 2023): the PIP is due at most this many weeks after third-party information arrives. */
  thirdPartyGraceWeeks?: number;
}

function anchorDate(anchor: PipAnchor, kennisgeving?: string, brp?: string): string | undefined {
  if (anchor === 'BRP') return brp;
  return kennisgeving && brp ? maxDate(kennisgeving, brp) : undefined;
}

/**
 * The PIP term (Besluit art. 5.3): a term follows the version in force on the day it starts, so
 * each version's start is computed and the version that is in force on its own start decides.
 * A person who moved here: 10 weeks from the BRP registration here (art. 5.3 lid 3).
 */
export function pipTerm(
  s: Pick<TrajectoryState, 'dates' | 'transferIn' | 'rulesVersion'>,
): PipTerm | undefined {
  const { kennisgeving, brpInschrijving: brp } = s.dates;
  if (s.transferIn) {
    if (!brp) return undefined;
    const v = lawFor(s, PIP_TERMIJN_NA_VERHUIZING, brp);
    return { start: brp, dueDate: addPeriod(brp, v.values.length), source: v.source };
  }
  const rulesVersion = rulesVersionOf(s);
  const newestFirst = versionsFor(PIP_TERMIJN, rulesVersion).sort((a, b) =>
    b.validFrom.localeCompare(a.validFrom),
  );
  for (const v of newestFirst) {
    const start = anchorDate(v.values.anchor, kennisgeving, brp);
    if (!start || inForce(PIP_TERMIJN, start, rulesVersion) !== v) continue;
    const term: PipTerm = { start, dueDate: addPeriod(start, v.values.length), source: v.source };
    if (v.values.thirdPartyGraceWeeks !== undefined)
      term.thirdPartyGraceWeeks = v.values.thirdPartyGraceWeeks;
    return term;
  }
  return undefined;
}

/**
 * Besluit art. 5.3 lid 2 (since 2023): while third-party information is awaited the PIP term is on
 * hold; after it arrives the PIP is due 2 weeks later, or at the 10-week date if that is later.
 */
export function pipWaitEffect(
  state: TrajectoryState,
  term: PipTerm,
): { dueDate?: string; suspended?: boolean } {
  const waits = state.pipWaits ?? [];
  if (!waits.length || term.thirdPartyGraceWeeks === undefined) return {};
  if (waits.some((w) => !w.receivedDate))
    // Set while still on hold (the information turned out not to be needed): in time.
    return state.dates.pipDecision
      ? { dueDate: maxDate(term.dueDate, state.dates.pipDecision)! }
      : { suspended: true };
  const grace = waits.map((w) => addPeriod(w.receivedDate!, { weeks: term.thirdPartyGraceWeeks! }));
  return { dueDate: maxDate(term.dueDate, ...grace)! };
}

interface Draft {
  key: string;
  rule: TermRule;
  label: string;
  /** The article of the version that decided this case (or the policy). */
  source: string;
  originalDueDate: string;
  /** A due date other than original + extensions (PIP term after third-party information). */
  dueDate?: string;
  fulfilledDate?: string;
  suspended?: boolean;
}

/**
 * Last day of a term of `period` that starts on `start`: the day before the same-numbered day
 * after the period; when that day does not exist (a start on 29-31 of a month), the term ends on
 * the last day of that month (as EU Regulation 1182/71 art. 3 reads "same-numbered day").
 */
export function lastDayOf(start: string, period: Parameters<typeof addPeriod>[1]): string {
  const end = addPeriod(start, period);
  const clamped = Number(end.slice(8)) < Number(start.slice(8));
  return clamped ? end : addDays(end, -1);
}

/** Last day of the inburgeringstermijn before extensions (= PIP decision date + 3 years: Wi2021 art. 11). */
export function termijnEndDate(termijnStart: string): string {
  return lastDayOf(termijnStart, inForce(INBURGERINGSTERMIJN_WET, termijnStart)!.values.length);
}

/** Last day a route switch is possible without an exception (Besluit art. 5.4). */
export function routeSwitchLastDay(termijnStart: string): string {
  return lastDayOf(termijnStart, inForce(SCHAKELEN, termijnStart)!.values.window);
}

/**
 * First day an extension can be requested: 6 months before the end of the termijn as it runs now
 * (`termijnEnd` is its last day, extensions included: Wi2021 art. 12, Besluit art. 4.5).
 */
export function extensionRequestOpens(termijnEnd: string): string {
  const cached = opensMemo.get(termijnEnd);
  if (cached !== undefined) return cached;
  const v = inForce(VERLENGING_AANVRAAG, termijnEnd)!;
  const opens = subtractPeriod(addDays(termijnEnd, 1), v.values.notBeforeEnd);
  if (opensMemo.size >= 1024) opensMemo.clear();
  opensMemo.set(termijnEnd, opens);
  return opens;
}

/** Memo of a pure date function (the "what now" probes ask it per input); bounded. */
const opensMemo = new Map<string, string>();

/** Whether ontzorgen applies: an asylum permit (when the koppeling gave the kind), or an asielstatushouder. */
export function ontzorgenApplies(
  s: Pick<TrajectoryState, 'doelgroep' | 'verblijfsvergunning'>,
  date: string,
): boolean {
  const { permits } = inForce(ONTZORGEN_WET, date)!.values;
  return s.verblijfsvergunning
    ? permits.includes(s.verblijfsvergunning)
    : s.doelgroep === 'asielstatushouder';
}

/** The route the first PIP set (the timely course offer is counted from it). */
function firstRoute(s: TrajectoryState) {
  return s.routeSwitches[0]?.from ?? s.route;
}

/**
 * The timely course offer (Wi2021 art. 16): asielstatushouders whose PIP was set here under rules
 * version 2 or later (for imported or older PIPs the start of the lessons was never asked).
 */
export function tijdigAanbodTerm(s: TrajectoryState): { dueDate: string; source: string } | undefined {
  const pipDate = s.dates.pipDecision;
  if (!pipDate || !s.pip?.rulesVersion) return undefined;
  const v = inForce(TIJDIG_AANBOD_WET, pipDate, rulesVersionOf(s));
  if (!v || !v.values.doelgroepen.includes(s.doelgroep)) return undefined;
  const within = firstRoute(s) === 'ONDERWIJS' ? v.values.withinOnderwijsroute : v.values.within;
  return { dueDate: addPeriod(pipDate, within), source: v.source };
}

function drafts(state: TrajectoryState): Draft[] {
  const { dates, settings } = state;
  const out: Draft[] = [];
  if (state.doelgroep === 'asielstatushouder' && !state.transferIn)
    out.push({
      key: 'HUISVESTING',
      rule: HUISVESTING,
      label: HUISVESTING.label,
      source: HUISVESTING.source!,
      originalDueDate: addPeriod(dates.koppeling, { weeks: settings.huisvestingTargetWeeks }),
      fulfilledDate: dates.huisvesting,
    });
  if (dates.bijstandStart && ontzorgenApplies(state, dates.bijstandStart)) {
    const v = inForce(ONTZORGEN_WET, dates.bijstandStart)!;
    out.push({
      key: 'ONTZORGEN',
      rule: ONTZORGEN,
      label: ONTZORGEN.label,
      source: v.source,
      originalDueDate: lastDayOf(dates.bijstandStart, v.values.length),
    });
  }
  const pip = pipTerm(state);
  if (pip)
    out.push({
      key: 'PIP_VASTSTELLEN',
      rule: PIP_VASTSTELLEN,
      label: PIP_VASTSTELLEN.label,
      source: pip.source,
      originalDueDate: pip.dueDate,
      ...pipWaitEffect(state, pip),
      fulfilledDate: dates.pipDecision,
    });
  if (dates.termijnStart) {
    out.push({
      key: 'INBURGERINGSTERMIJN',
      rule: INBURGERINGSTERMIJN,
      label: INBURGERINGSTERMIJN.label,
      source: inForce(INBURGERINGSTERMIJN_WET, dates.termijnStart)!.source,
      originalDueDate: termijnEndDate(dates.termijnStart),
      fulfilledDate: state.ended?.reason === 'VOLDAAN' ? state.ended.date : undefined,
    });
    out.push({
      key: 'ROUTE_SWITCH',
      rule: ROUTE_SWITCH,
      label: ROUTE_SWITCH.label,
      source: inForce(SCHAKELEN, dates.termijnStart)!.source,
      originalDueDate: routeSwitchLastDay(dates.termijnStart),
    });
  }
  (state.fines ?? []).forEach((f, i) => {
    if (!f.newTermEnd) return;
    out.push({
      key: `BOETE_TERMIJN-${i + 1}`,
      rule: BOETE_TERMIJN,
      label: `${BOETE_TERMIJN.label} (${f.decisionDate})`,
      source: f.source,
      originalDueDate: f.newTermEnd,
      // Settled once the intake is completed after the fine (also when the college completed it
      // without the person: no further brede-intake fine is possible then).
      fulfilledDate: dates.intake && dates.intake >= f.decisionDate ? dates.intake : undefined,
    });
  });
  if (dates.pipDecision) {
    const aanbod = tijdigAanbodTerm(state);
    if (aanbod)
      out.push({
        key: 'TIJDIG_AANBOD',
        rule: TIJDIG_AANBOD,
        label: TIJDIG_AANBOD.label,
        source: aanbod.source,
        originalDueDate: aanbod.dueDate,
        fulfilledDate: dates.lessenStart,
      });
    // Gesprek n is due interval months after gesprek n-1 (or the PIP); gesprek n fulfils it.
    const held = state.voortgangsgesprekken;
    const interval = { months: settings.voortgangsgesprekIntervalMonths };
    for (let n = 0; n <= held.length; n++) {
      const from = n === 0 ? dates.pipDecision : held[n - 1]!;
      out.push({
        key: `VOORTGANGSGESPREK-${n + 1}`,
        rule: VOORTGANGSGESPREK,
        label: `${VOORTGANGSGESPREK.label} ${n + 1}`,
        source: VOORTGANGSGESPREK.source!,
        originalDueDate: addPeriod(from, interval),
        fulfilledDate: held[n],
      });
    }
    for (const m of Object.values(state.modules)) {
      if (m?.inPip && m.agreedEndDate)
        out.push({
          key: `MODULE-${m.module}`,
          rule: MODULE_AFSPRAAK,
          label: `Module ${m.module} afgerond`,
          source: MODULE_AFSPRAAK.source!,
          originalDueDate: m.agreedEndDate,
          fulfilledDate: m.completedDate,
        });
    }
  }
  return out;
}

/**
 * Days a deadline moves: every extension granted, and every gap in the obligation registered,
 * while it was still unfulfilled.
 */
function extensionShift(state: TrajectoryState, d: Draft): number {
  if (!d.rule.movesWithExtension) return 0;
  const moves = [
    ...state.extensions.map((e) => ({ on: e.decisionDate, days: e.periodDays })),
    ...(state.onderbrekingen ?? []).map((g) => ({ on: g.registeredOn, days: g.periodDays })),
  ];
  return moves.filter((m) => !d.fulfilledDate || d.fulfilledDate > m.on).reduce((sum, m) => sum + m.days, 0);
}

function statusOf(state: TrajectoryState, d: Draft, dueDate: string): DeadlineStatus {
  if (d.fulfilledDate) return d.fulfilledDate <= dueDate ? 'met' : 'missed';
  if (isEnded(state.phase)) return 'dropped';
  if (d.suspended) return 'open';
  if (state.today > dueDate) return d.rule.kind === 'TERM_END' ? 'expired' : 'missed';
  return dueDate !== d.originalDueDate ? 'moved' : 'open';
}

/** All deadlines of the trajectory with due dates and statuses, sorted by due date then key. */
export function computeDeadlines(state: TrajectoryState): Deadline[] {
  return drafts(state)
    .map((d): Deadline => {
      const dueDate = d.dueDate ?? addDays(d.originalDueDate, extensionShift(state, d));
      const deadline: Deadline = {
        key: d.key,
        rule: d.rule.id,
        kind: d.rule.kind,
        dueDate,
        originalDueDate: d.originalDueDate,
        status: statusOf(state, d, dueDate),
        source: d.source,
        binds: d.rule.binds,
        label: d.label,
      };
      if (d.fulfilledDate) deadline.fulfilledDate = d.fulfilledDate;
      if (d.suspended && !d.fulfilledDate) deadline.suspended = true;
      return deadline;
    })
    .sort((a, b) =>
      a.dueDate === b.dueDate ? a.key.localeCompare(b.key) : a.dueDate.localeCompare(b.dueDate),
    );
}

export function isPending(d: Deadline): boolean {
  return d.status === 'open' || d.status === 'moved';
}

/** Overdue = a DEADLINE past its date and still not done. */
export function isOverdue(d: Deadline): boolean {
  return d.kind === 'DEADLINE' && d.status === 'missed' && !d.fulfilledDate;
}

export type MomentType = 'REMINDER' | 'ESCALATION' | 'TERM_ENDED';

export interface Moment {
  /** Unique id: `<deadlineKey>:<type>[-<days>]:<date>`; part of the notification key. */
  id: string;
  type: MomentType;
  deadlineKey: string;
  date: string;
  instant: string;
  /** For reminders: days before the due date. */
  daysBefore?: number;
}

/** The reminder, escalation and term-end moments of one deadline. */
export function momentsOf(d: Deadline, settings: TrajectoryState['settings']): Moment[] {
  const at = (date: string) => instantAt(date, settings.notificationHour);
  const out: Moment[] = [...settings.reminderDaysBefore]
    .sort((a, b) => b - a)
    .map((n) => {
      const date = subtractPeriod(d.dueDate, { days: n });
      return {
        id: `${d.key}:REMINDER-${n}:${date}`,
        type: 'REMINDER' as const,
        deadlineKey: d.key,
        date,
        instant: at(date),
        daysBefore: n,
      };
    });
  if (d.kind === 'DEADLINE') {
    const date = addDays(d.dueDate, settings.escalationDaysAfter);
    out.push({
      id: `${d.key}:ESCALATION:${date}`,
      type: 'ESCALATION',
      deadlineKey: d.key,
      date,
      instant: at(date),
    });
  } else {
    const date = addDays(d.dueDate, 1);
    out.push({
      id: `${d.key}:TERM_ENDED:${date}`,
      type: 'TERM_ENDED',
      deadlineKey: d.key,
      date,
      instant: at(date),
    });
  }
  return out;
}

/**
 * Moments that are due at `now` and not yet sent (nothing while paused or ended).
 * Of several passed reminders of one deadline (catch-up after a late fact or a pause) only the
 * latest counts, and only while the due date is still ahead.
 */
export function dueMoments(state: TrajectoryState, now: string): Moment[] {
  if (isEnded(state.phase) || state.paused) return [];
  const nowMs = toMillis(now);
  const due: Moment[] = [];
  for (const d of state.deadlines) {
    if (d.suspended) continue;
    const passed = momentsOf(d, state.settings).filter((m) => toMillis(m.instant) <= nowMs);
    const lastReminder = passed.filter((m) => m.type === 'REMINDER').at(-1);
    if (lastReminder && isPending(d) && state.today <= d.dueDate) due.push(lastReminder);
    due.push(...passed.filter((m) => m.type === 'ESCALATION' && isOverdue(d)));
    due.push(...passed.filter((m) => m.type === 'TERM_ENDED' && d.status === 'expired'));
  }
  return due.filter((m) => !state.notified.includes(m.id));
}

/**
 * The next instant the workflow must wake: the earliest future moment that still matters.
 * Undefined when nothing is scheduled (ended trajectory, or no deadlines yet).
 */
export function nextWakeUp(state: TrajectoryState, now: string): string | undefined {
  if (isEnded(state.phase)) return undefined;
  const nowMs = toMillis(now);
  let next: string | undefined;
  for (const d of state.deadlines) {
    if (d.suspended) continue;
    for (const m of momentsOf(d, state.settings)) {
      if (state.notified.includes(m.id) || toMillis(m.instant) <= nowMs) continue;
      if (!(isPending(d) || isOverdue(d))) continue;
      if (next === undefined || toMillis(m.instant) < toMillis(next)) next = m.instant;
    }
  }
  return next;
}

/** The notification a moment turns into (Dutch texts come from the activity's templates). */
export function notificationFor(state: TrajectoryState, m: Moment): NotificationIntent {
  const d = state.deadlines.find((x) => x.key === m.deadlineKey)!;
  const data: NotificationIntent['data'] = {
    deadlineKey: d.key,
    label: d.label,
    dueDate: d.dueDate,
    source: d.source,
    coachId: state.coachId,
    inburgeraarId: state.inburgeraarId,
  };
  if (m.type === 'REMINDER') data.daysBefore = m.daysBefore ?? 0;
  if (m.type === 'ESCALATION') data.daysOverdue = daysBetween(d.dueDate, m.date);
  return {
    id: m.id,
    template: m.type,
    recipient: m.type === 'ESCALATION' ? { role: 'manager' } : { role: 'coach', id: state.coachId },
    channel: 'email',
    deadlineKey: d.key,
    dueDate: d.dueDate,
    data,
  };
}
