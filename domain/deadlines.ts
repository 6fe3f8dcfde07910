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
  EXTENSION_REQUEST_FROM,
  HUISVESTING,
  INBURGERINGSTERMIJN,
  MODULE_AFSPRAAK,
  ONTZORGEN,
  PIP_THIRD_PARTY_GRACE_WEEKS,
  PIP_VASTSTELLEN,
  ROUTE_SWITCH,
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

/**
 * Besluit art. 5.3 (*check*): while third-party information is awaited the PIP term is on hold;
 * after it arrives the PIP is due 2 weeks later, or at the 10-week date if that is later.
 */
export function pipWaitEffect(
  state: TrajectoryState,
  base: string,
): { dueDate?: string; suspended?: boolean } {
  const waits = state.pipWaits ?? [];
  if (!waits.length) return {};
  if (waits.some((w) => !w.receivedDate))
    // Set while still on hold (the information turned out not to be needed): in time.
    return state.dates.pipDecision
      ? { dueDate: maxDate(base, state.dates.pipDecision)! }
      : { suspended: true };
  const grace = waits.map((w) => addPeriod(w.receivedDate!, { weeks: PIP_THIRD_PARTY_GRACE_WEEKS }));
  return { dueDate: maxDate(base, ...grace)! };
}

interface Draft {
  key: string;
  rule: TermRule;
  label: string;
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

/** Last day of the inburgeringstermijn before extensions (= PIP decision date + 3 years). */
export function termijnEndDate(termijnStart: string): string {
  return lastDayOf(termijnStart, INBURGERINGSTERMIJN.length!);
}

export function routeSwitchLastDay(termijnStart: string): string {
  return lastDayOf(termijnStart, ROUTE_SWITCH.length!);
}

export function extensionRequestFrom(termijnStart: string): string {
  return addPeriod(termijnStart, EXTENSION_REQUEST_FROM);
}

export function pipDueDate(kennisgeving: string, brp: string): string {
  return addPeriod(maxDate(kennisgeving, brp)!, PIP_VASTSTELLEN.length!);
}

function drafts(state: TrajectoryState): Draft[] {
  const { dates, settings } = state;
  const out: Draft[] = [];
  if (state.doelgroep === 'asielstatushouder') {
    out.push({
      key: 'HUISVESTING',
      rule: HUISVESTING,
      label: HUISVESTING.label,
      originalDueDate: addPeriod(dates.koppeling, { weeks: settings.huisvestingTargetWeeks }),
      fulfilledDate: dates.huisvesting,
    });
    if (dates.bijstandStart)
      out.push({
        key: 'ONTZORGEN',
        rule: ONTZORGEN,
        label: ONTZORGEN.label,
        originalDueDate: lastDayOf(dates.bijstandStart, ONTZORGEN.length!),
      });
  }
  if (dates.kennisgeving && dates.brpInschrijving)
    out.push({
      key: 'PIP_VASTSTELLEN',
      rule: PIP_VASTSTELLEN,
      label: PIP_VASTSTELLEN.label,
      originalDueDate: pipDueDate(dates.kennisgeving, dates.brpInschrijving),
      ...pipWaitEffect(state, pipDueDate(dates.kennisgeving, dates.brpInschrijving)),
      fulfilledDate: dates.pipDecision,
    });
  if (dates.termijnStart) {
    out.push({
      key: 'INBURGERINGSTERMIJN',
      rule: INBURGERINGSTERMIJN,
      label: INBURGERINGSTERMIJN.label,
      originalDueDate: termijnEndDate(dates.termijnStart),
      fulfilledDate: state.ended?.reason === 'VOLDAAN' ? state.ended.date : undefined,
    });
    out.push({
      key: 'ROUTE_SWITCH',
      rule: ROUTE_SWITCH,
      label: ROUTE_SWITCH.label,
      originalDueDate: routeSwitchLastDay(dates.termijnStart),
    });
  }
  if (dates.pipDecision) {
    // Gesprek n is due interval months after gesprek n-1 (or the PIP); gesprek n fulfils it.
    const held = state.voortgangsgesprekken;
    const interval = { months: settings.voortgangsgesprekIntervalMonths };
    for (let n = 0; n <= held.length; n++) {
      const from = n === 0 ? dates.pipDecision : held[n - 1]!;
      out.push({
        key: `VOORTGANGSGESPREK-${n + 1}`,
        rule: VOORTGANGSGESPREK,
        label: `${VOORTGANGSGESPREK.label} ${n + 1}`,
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
          originalDueDate: m.agreedEndDate,
          fulfilledDate: m.completedDate,
        });
    }
  }
  return out;
}

/** Days a deadline moves: every extension granted while it was still unfulfilled. */
function extensionShift(state: TrajectoryState, d: Draft): number {
  if (!d.rule.movesWithExtension) return 0;
  return state.extensions
    .filter((e) => !d.fulfilledDate || d.fulfilledDate > e.decisionDate)
    .reduce((sum, e) => sum + e.periodDays, 0);
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
        source: d.rule.source,
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
