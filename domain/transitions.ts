/**
 * State transitions of a trajectory: `validate(state, command, now)` says whether the rules allow a
 * command (a Refusal with a rule code, or null) and `apply(state, command, now)` performs it,
 * returning the new state, the audit events and the notifications (hand-offs) it causes.
 * `tick(state, now)` advances the clock: statuses of deadlines and the reminders/escalations due.
 *
 * All functions are pure and never mutate their input: the workflow replaces its state with the
 * result, so a refused or failed command leaves nothing half-applied.
 */
import type { RuleCode } from './refusals';
import type { Command, CommandInput, CommandName, Koppeling } from './commands';
import { addDays, addPeriod, daysBetween, localDate, maxDate } from './dates';
import {
  computeDeadlines,
  dueMoments,
  extensionRequestFrom,
  notificationFor,
  routeSwitchLastDay,
} from './deadlines';
import {
  DOWNGRADE_MIN_LESSON_HOURS,
  EXTENSION_BIRTH_WEEKS,
  EXTENSION_MIN_MONTHS,
  FREE_EXAM_ATTEMPTS,
  INTAKE_FINE_EUR,
  MAP_MIN_HOURS,
  MAP_ROUTES,
  REQUIRED_EXAMS,
  Z_ROUTE_LESSON_HOURS,
  Z_ROUTE_PARTICIPATION_HOURS,
  requiredModules,
} from './rules';
import { resolveSettings } from './settings';
import {
  INTAKE_SANCTIONS,
  isEnded,
  type EndedReason,
  type Leerroute,
  type ModuleCode,
  type ModuleState,
  type NotificationIntent,
  type Phase,
  type TrajectoryEvent,
  type TrajectoryState,
} from './types';

export interface Refusal {
  code: RuleCode;
  message: string;
}

export interface Transition {
  state: TrajectoryState;
  events: TrajectoryEvent[];
  notifications: NotificationIntent[];
}

/** Thrown by apply() when validate() refuses; the message starts with the rule code. */
export class RuleViolation extends Error {
  constructor(readonly refusal: Refusal) {
    super(`${refusal.code}: ${refusal.message}`);
    this.name = 'RuleViolation';
  }
}

const refuse = (code: RuleCode, message: string): Refusal => ({ code, message });

function clone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

// ---------------------------------------------------------------------------------------------
// Start
// ---------------------------------------------------------------------------------------------

function emptyModule(module: ModuleCode): ModuleState {
  return { module, inPip: false };
}

/** The state at the koppeling (or at a caseload import, in the phase given). */
export function initialState(input: Koppeling, now: string): TrajectoryState {
  const imp = input.import;
  const state: TrajectoryState = {
    schemaVersion: 1,
    inburgeraarId: input.inburgeraarId,
    doelgroep: input.doelgroep,
    coachId: input.coachId,
    phase: imp?.phase ?? 'KOPPELING',
    today: localDate(now),
    settings: resolveSettings(input.settings),
    dates: { koppeling: input.koppelingDate },
    intake: { noShows: [] },
    taalniveau: 'B1',
    routeSwitches: [],
    modules: {},
    hours: { LESSEN: imp?.lessonHours ?? 0, PARTICIPATIE: imp?.participationHours ?? 0 },
    exams: {},
    voortgangsgesprekken: [...(imp?.voortgangsgesprekDates ?? [])].sort(),
    extensions: [],
    pauses: [],
    deadlines: [],
    notified: [],
    eventSeq: 0,
  };
  if (input.gemeenteCode) state.gemeenteCode = input.gemeenteCode;
  const d = state.dates;
  const set = (k: keyof typeof d, v: string | undefined) => {
    if (v) d[k] = v;
  };
  set('bijstandStart', input.bijstandStartDate);
  set('kennisgeving', imp?.kennisgevingDate ?? input.kennisgevingDate);
  set('brpInschrijving', imp?.brpInschrijvingDate ?? input.brpInschrijvingDate);
  set('huisvesting', imp?.huisvestingDate);
  set('intakePlanned', imp?.intakePlannedDate);
  set('intake', imp?.intakeDate);
  if (imp?.pipDecisionDate && imp.route) {
    d.pipDecision = imp.pipDecisionDate;
    d.termijnStart = addDays(imp.pipDecisionDate, 1);
    state.route = imp.route;
    state.pip = { decisionDate: imp.pipDecisionDate, route: imp.route, withoutInput: false, revisions: [] };
    for (const m of imp.modules ?? [])
      state.modules[m.module] = { ...emptyModule(m.module), ...m, inPip: true };
  }
  state.deadlines = computeDeadlines(state);
  return state;
}

// ---------------------------------------------------------------------------------------------
// Validation
// ---------------------------------------------------------------------------------------------

/** Commands still allowed while paused: facts from outside, DUO decisions, ends, coach changes. */
const ALLOWED_WHILE_PAUSED: readonly CommandName[] = [
  'pause', // refused by its own rule (ALREADY_PAUSED), which says more
  'resume',
  'reassignCoach',
  'registerKennisgeving',
  'registerBrpInschrijving',
  'registerHuisvesting',
  'registerBijstand',
  // Hours and exam results are facts from partners: a pause must not lose them.
  'recordProgressHours',
  'recordExamResult',
  'registerWachtenOpDerden',
  'registerDerdenInformatieOntvangen',
  'grantExtension',
  'grantExemption',
  'transfer',
  'endTrajectory',
];

/** Date fields that record facts, which cannot lie in the future (planned dates may). */
function factDate(c: Command): string | undefined {
  switch (c.type) {
    case 'planBredeIntake':
    case 'reassignCoach':
      return undefined;
    case 'registerBijstand':
      return c.input.startDate;
    case 'recordProgressHours':
      return c.input.periodEnd;
    case 'setPip':
    case 'revisePip':
    case 'grantExtension':
    case 'grantExemption':
      return c.input.decisionDate;
    default:
      return c.input.date;
  }
}

type Validator<N extends CommandName> = (
  s: TrajectoryState,
  input: CommandInput<N>,
  today: string,
) => Refusal | null;

function requirePip(s: TrajectoryState): Refusal | null {
  return s.pip ? null : refuse('PIP_NOT_SET', 'dit kan pas nadat het PIP is vastgesteld');
}

function pipModuleRules(
  s: TrajectoryState,
  route: Leerroute,
  modules: { module: ModuleCode }[],
): Refusal | null {
  const codes = modules.map((m) => m.module);
  if (new Set(codes).size !== codes.length)
    return refuse('PIP_DUPLICATE_MODULE', 'een module staat twee keer in het PIP');
  for (const required of requiredModules(route))
    if (!codes.includes(required))
      return refuse(
        `PIP_REQUIRES_${required}` satisfies RuleCode,
        `het PIP moet module ${required} bevatten bij leerroute ${route}`,
      );
  if (codes.includes('MAP') && !MAP_ROUTES.includes(route))
    return refuse('MAP_NOT_IN_ROUTE', `MAP hoort niet bij leerroute ${route}`);
  if (codes.includes('ONTZORGEN') && (s.doelgroep !== 'asielstatushouder' || !s.dates.bijstandStart))
    return refuse(
      'ONTZORGEN_REQUIRES_BIJSTAND',
      'ontzorgen geldt alleen voor asielstatushouders met bijstand',
    );
  return null;
}

function pipModulesAfterRevision(
  s: TrajectoryState,
  added: { module: ModuleCode }[],
): { module: ModuleCode }[] {
  const codes = new Set<ModuleCode>();
  for (const m of Object.values(s.modules)) if (m?.inPip) codes.add(m.module);
  for (const m of added) codes.add(m.module);
  return [...codes].map((module) => ({ module }));
}

function isRouteCompleted(s: TrajectoryState): boolean {
  if (!s.route) return false;
  if (s.route !== 'B1' && !s.dates.leerrouteCompleted) return false;
  return REQUIRED_EXAMS[s.route].every((c) => s.exams[c]?.some((a) => a.passed));
}

const validators: { [N in CommandName]: Validator<N> } = {
  planBredeIntake: (s, i) => {
    if (s.phase !== 'KOPPELING' && s.phase !== 'BREDE_INTAKE')
      return refuse('INTAKE_ALREADY_COMPLETED', 'de brede intake is al afgerond');
    if (i.plannedDate < s.dates.koppeling)
      return refuse('DATE_BEFORE_KOPPELING', 'de intake kan niet vóór de koppeling liggen');
    if (i.lbtPlannedDate && i.lbtPlannedDate < s.dates.koppeling)
      return refuse('DATE_BEFORE_KOPPELING', 'de leerbaarheidstoets kan niet vóór de koppeling liggen');
    return null;
  },
  completeBredeIntake: (s, i) => {
    if (s.phase === 'KOPPELING') return refuse('INTAKE_NOT_PLANNED', 'plan eerst de brede intake');
    if (s.phase !== 'BREDE_INTAKE')
      return refuse('INTAKE_ALREADY_COMPLETED', 'de brede intake is al afgerond');
    if (i.date < s.dates.koppeling)
      return refuse('DATE_BEFORE_KOPPELING', 'de intake kan niet vóór de koppeling liggen');
    if (!i.lbt && !i.lbtNotTakenReason)
      return refuse(
        'LBT_RESULT_REQUIRED',
        'geef de uitkomst van de leerbaarheidstoets, of waarom die niet is afgenomen',
      );
    return null;
  },
  recordIntakeNoShow: (s, i) => {
    if (s.phase === 'KOPPELING') return refuse('INTAKE_NOT_PLANNED', 'er is geen intake gepland');
    if (s.phase !== 'BREDE_INTAKE')
      return refuse('INTAKE_ALREADY_COMPLETED', 'de brede intake is al afgerond');
    if (s.intake.noShows.length >= INTAKE_SANCTIONS.length - 1)
      return refuse(
        'INTAKE_SANCTIONS_EXHAUSTED',
        'alle stappen zijn gezet: stel het PIP vast zonder inbreng',
      );
    if (s.intake.noShows.some((n) => n.date >= i.date))
      return refuse('DATE_OUT_OF_ORDER', 'er is al een niet-verschijnen op of na deze datum geregistreerd');
    return null;
  },
  registerKennisgeving: () => null,
  registerBrpInschrijving: () => null,
  registerHuisvesting: (s, i) =>
    i.date < s.dates.koppeling
      ? refuse('DATE_BEFORE_KOPPELING', 'huisvesting kan niet vóór de koppeling liggen')
      : null,
  registerBijstand: () => null,
  registerWachtenOpDerden: (s, i) => {
    if (s.pip) return refuse('PIP_ALREADY_SET', 'het PIP is al vastgesteld');
    const term = s.deadlines.find((d) => d.key === 'PIP_VASTSTELLEN');
    if (!term)
      return refuse(
        'PIP_TERM_NOT_STARTED',
        'de PIP-termijn loopt nog niet (kennisgeving en BRP-inschrijving)',
      );
    if ((s.pipWaits ?? []).some((w) => !w.receivedDate))
      return refuse('PIP_WAIT_OPEN', 'er wordt al op informatie van derden gewacht');
    if (!term.suspended && i.date > term.dueDate)
      return refuse('PIP_TERM_PASSED', `de PIP-termijn is op ${term.dueDate} verstreken`);
    return null;
  },
  registerDerdenInformatieOntvangen: (s, i) => {
    const open = (s.pipWaits ?? []).find((w) => !w.receivedDate);
    if (!open) return refuse('NO_PIP_WAIT', 'er wordt niet op informatie van derden gewacht');
    if (i.date < open.since) return refuse('DATE_OUT_OF_ORDER', 'ontvangen kan niet vóór de aanvraag');
    return null;
  },
  setPip: (s, i) => {
    if (s.pip) return refuse('PIP_ALREADY_SET', 'het PIP is al vastgesteld: gebruik revisePip');
    const withoutInput = s.phase === 'BREDE_INTAKE' && s.intake.noShows.at(-1)?.sanction === 'TWEEDE_BOETE';
    if (s.phase !== 'PIP' && !withoutInput)
      return refuse('PIP_REQUIRES_INTAKE', 'het PIP kan pas na de brede intake worden vastgesteld');
    if (!s.dates.kennisgeving)
      return refuse('PIP_REQUIRES_KENNISGEVING', 'registreer eerst de kennisgeving van DUO');
    if (s.dates.intake && i.decisionDate < s.dates.intake)
      return refuse('PIP_BEFORE_INTAKE', 'het PIP-besluit kan niet vóór de intake liggen');
    return pipModuleRules(s, i.route, i.modules);
  },
  revisePip: (s, i) => {
    const r = requirePip(s);
    if (r) return r;
    if (i.decisionDate < s.pip!.decisionDate)
      return refuse('DATE_OUT_OF_ORDER', 'een herziening kan niet vóór het PIP liggen');
    return pipModuleRules(s, s.route!, pipModulesAfterRevision(s, i.modules ?? []));
  },
  startModule: (s, i) => {
    const r = requirePip(s);
    if (r) return r;
    const m = s.modules[i.module];
    if (!m?.inPip) return refuse('MODULE_NOT_IN_PIP', `module ${i.module} staat niet in het PIP`);
    if (m.startDate) return refuse('MODULE_ALREADY_STARTED', `module ${i.module} is al gestart`);
    return null;
  },
  completeModule: (s, i) => {
    const r = requirePip(s);
    if (r) return r;
    const m = s.modules[i.module];
    if (!m?.inPip) return refuse('MODULE_NOT_IN_PIP', `module ${i.module} staat niet in het PIP`);
    if (!m.startDate) return refuse('MODULE_NOT_STARTED', `module ${i.module} is nog niet gestart`);
    if (m.completedDate) return refuse('MODULE_ALREADY_COMPLETED', `module ${i.module} is al afgerond`);
    if (i.date < m.startDate) return refuse('DATE_OUT_OF_ORDER', 'afronden kan niet vóór de start');
    if (i.module === 'MAP' && (i.hours ?? 0) < MAP_MIN_HOURS)
      return refuse('MAP_MIN_HOURS', `MAP vraagt minstens ${MAP_MIN_HOURS} uur`);
    return null;
  },
  recordProgressHours: (s) => requirePip(s),
  recordExamResult: (s, i) => {
    const r = requirePip(s);
    if (r) return r;
    if (!REQUIRED_EXAMS[s.route!].includes(i.component))
      return refuse(
        'EXAM_NOT_IN_ROUTE',
        `examenonderdeel ${i.component} hoort niet bij leerroute ${s.route}`,
      );
    const attempts = s.exams[i.component] ?? [];
    if (attempts.some((a) => a.passed)) return refuse('EXAM_ALREADY_PASSED', `${i.component} is al gehaald`);
    if (i.attempt !== attempts.length + 1)
      return refuse(
        'EXAM_ATTEMPT_OUT_OF_ORDER',
        `verwacht poging ${attempts.length + 1} voor ${i.component}`,
      );
    if (attempts.some((a) => a.date > i.date))
      return refuse('DATE_OUT_OF_ORDER', 'een eerdere poging ligt na deze datum');
    return null;
  },
  completeLeerroute: (s, i) => {
    const r = requirePip(s);
    if (r) return r;
    if (s.route === 'B1')
      return refuse('LEERROUTE_COMPLETES_BY_EXAMS', 'de B1-route wordt afgerond met de examens');
    if (s.dates.leerrouteCompleted)
      return refuse('LEERROUTE_ALREADY_COMPLETED', 'de leerroute is al afgerond');
    if (i.date < s.pip!.decisionDate) return refuse('DATE_OUT_OF_ORDER', 'afronden kan niet vóór het PIP');
    if (s.route === 'Z') {
      if (s.hours.LESSEN < Z_ROUTE_LESSON_HOURS)
        return refuse(
          'Z_ROUTE_HOURS_INSUFFICIENT',
          `de Z-route vraagt ${Z_ROUTE_LESSON_HOURS} lesuren (nu ${s.hours.LESSEN})`,
        );
      if (s.doelgroep === 'asielstatushouder' && s.hours.PARTICIPATIE < Z_ROUTE_PARTICIPATION_HOURS)
        return refuse(
          'Z_ROUTE_HOURS_INSUFFICIENT',
          `de Z-route vraagt ${Z_ROUTE_PARTICIPATION_HOURS} participatie-uren (nu ${s.hours.PARTICIPATIE})`,
        );
    }
    return null;
  },
  switchRoute: (s, i) => {
    const r = requirePip(s);
    if (r) return r;
    if (i.to === s.route) return refuse('ROUTE_UNCHANGED', `de leerroute is al ${i.to}`);
    if (i.date < s.pip!.decisionDate) return refuse('DATE_OUT_OF_ORDER', 'schakelen kan niet vóór het PIP');
    const anyTime = s.route === 'ONDERWIJS' && i.to === 'B1';
    const lastDay = routeSwitchLastDay(s.dates.termijnStart!);
    if (!anyTime && i.date > lastDay)
      return refuse(
        'ROUTE_SWITCH_WINDOW_CLOSED',
        `schakelen kon tot en met ${lastDay} (1,5 jaar na de start van de termijn)`,
      );
    return null;
  },
  downgradeRoute: (s) => {
    const r = requirePip(s);
    if (r) return r;
    if (s.route !== 'B1') return refuse('DOWNGRADE_ONLY_FROM_B1', 'afschalen kan alleen in de B1-route');
    if (s.taalniveau === 'A2') return refuse('ALREADY_DOWNGRADED', 'de B1-route is al afgeschaald naar A2');
    if (s.hours.LESSEN < DOWNGRADE_MIN_LESSON_HOURS)
      return refuse(
        'DOWNGRADE_REQUIRES_600_HOURS',
        `afschalen vraagt minstens ${DOWNGRADE_MIN_LESSON_HOURS} lesuren NT2 (nu ${s.hours.LESSEN})`,
      );
    return null;
  },
  recordVoortgangsgesprek: (s, i) => {
    const r = requirePip(s);
    if (r) return r;
    if (i.date < s.pip!.decisionDate)
      return refuse('DATE_OUT_OF_ORDER', 'een voortgangsgesprek volgt op het PIP');
    if (s.voortgangsgesprekken.some((d) => d >= i.date))
      return refuse('DATE_OUT_OF_ORDER', 'er is al een voortgangsgesprek op of na deze datum');
    return null;
  },
  grantExtension: (s, i) => {
    if (!s.dates.termijnStart)
      return refuse('TERMIJN_NOT_STARTED', 'de inburgeringstermijn is nog niet gestart');
    const from = extensionRequestFrom(s.dates.termijnStart);
    if (i.decisionDate < from)
      return refuse(
        'EXTENSION_TOO_EARLY',
        `verlenging kan pas vanaf ${from} (2,5 jaar na de start van de termijn)`,
      );
    const { unit, amount } = i.period;
    if (i.ground === 'ZWANGERSCHAP_BEVALLING' && !(unit === 'WEEKS' && amount === EXTENSION_BIRTH_WEEKS))
      return refuse('EXTENSION_PERIOD_INVALID', `verlenging bij bevalling is ${EXTENSION_BIRTH_WEEKS} weken`);
    if (
      (i.ground === 'ZIEKTE' || i.ground === 'BIJZONDERE_OMSTANDIGHEDEN') &&
      (unit === 'MONTHS' ? amount < EXTENSION_MIN_MONTHS : amount * 7 < EXTENSION_MIN_MONTHS * 30)
    )
      return refuse(
        'EXTENSION_PERIOD_TOO_SHORT',
        `deze grond vraagt een periode van minstens ${EXTENSION_MIN_MONTHS} maanden`,
      );
    return null;
  },
  grantExemption: () => null,
  pause: (s) => (s.paused ? refuse('ALREADY_PAUSED', 'het traject is al gepauzeerd') : null),
  resume: (s, i) => {
    if (!s.paused) return refuse('NOT_PAUSED', 'het traject is niet gepauzeerd');
    if (i.date < s.paused.since) return refuse('DATE_OUT_OF_ORDER', 'hervatten kan niet vóór de pauze');
    return null;
  },
  transfer: (s, i) =>
    s.gemeenteCode === i.toGemeenteCode ? refuse('TRANSFER_SAME_GEMEENTE', 'dat is de eigen gemeente') : null,
  endTrajectory: (_s, i) =>
    i.reason === 'OVERIG' && !i.toelichting
      ? refuse('END_REASON_REQUIRES_TOELICHTING', 'geef een toelichting bij reden OVERIG')
      : null,
  reassignCoach: (s, i) => (s.coachId === i.coachId ? refuse('COACH_UNCHANGED', 'dit is al de coach') : null),
};

/** Whether the rules allow `command` now: null, or the refusal with its rule code. */
export function validate(state: TrajectoryState, command: Command, now: string): Refusal | null {
  const today = localDate(now);
  if (isEnded(state.phase)) return refuse('TRAJECTORY_ENDED', `het traject is beëindigd (${state.phase})`);
  if (state.paused && !ALLOWED_WHILE_PAUSED.includes(command.type))
    return refuse('TRAJECTORY_PAUSED', `het traject is gepauzeerd sinds ${state.paused.since}`);
  const date = factDate(command);
  if (date && date > today) return refuse('DATE_IN_FUTURE', `${date} ligt in de toekomst`);
  return (validators[command.type] as Validator<CommandName>)(state, command.input, today);
}

// ---------------------------------------------------------------------------------------------
// Application
// ---------------------------------------------------------------------------------------------

interface Ctx {
  s: TrajectoryState;
  now: string;
  events: TrajectoryEvent[];
  notifications: NotificationIntent[];
}

function event(ctx: Ctx, type: string, data: Record<string, unknown>): number {
  ctx.s.eventSeq += 1;
  ctx.events.push({ seq: ctx.s.eventSeq, type, at: ctx.now, data });
  return ctx.s.eventSeq;
}

function notify(ctx: Ctx, n: NotificationIntent): void {
  ctx.notifications.push(n);
}

function setPhase(ctx: Ctx, phase: Phase): void {
  if (ctx.s.phase === phase) return;
  event(ctx, 'PHASE_CHANGED', { from: ctx.s.phase, to: phase });
  ctx.s.phase = phase;
}

function end(ctx: Ctx, phase: Phase, reason: EndedReason, date: string, toelichting?: string): void {
  ctx.s.ended = { reason, date, ...(toelichting ? { toelichting } : {}) };
  ctx.s.dates.ended = date;
  ctx.s.paused = undefined;
  setPhase(ctx, phase);
}

function mergeModules(
  ctx: Ctx,
  modules: { module: ModuleCode; agreedStartDate?: string; agreedEndDate?: string; partnerId?: string }[],
): void {
  for (const m of modules) {
    const current = ctx.s.modules[m.module] ?? emptyModule(m.module);
    ctx.s.modules[m.module] = { ...current, ...m, inPip: true };
  }
}

function referral(ctx: Ctx, partnerId: string, decisionDate: string): void {
  const s = ctx.s;
  notify(ctx, {
    id: `PIP_REFERRAL:${partnerId}:${decisionDate}`,
    template: 'PIP_REFERRAL',
    recipient: { role: 'partner', id: partnerId },
    channel: 'webhook',
    data: {
      inburgeraarId: s.inburgeraarId,
      route: s.route ?? '',
      taalniveau: s.taalniveau,
      pipDecisionDate: decisionDate,
      termijnEnd: s.deadlines.find((d) => d.key === 'INBURGERINGSTERMIJN')?.dueDate ?? '',
      modules: Object.values(s.modules)
        .filter((m) => m?.inPip)
        .map((m) => m!.module)
        .join(','),
      coachId: s.coachId,
    },
  });
}

type Applier<N extends CommandName> = (ctx: Ctx, input: CommandInput<N>) => void;

const appliers: { [N in CommandName]: Applier<N> } = {
  planBredeIntake: (ctx, i) => {
    ctx.s.dates.intakePlanned = i.plannedDate;
    if (i.lbtPlannedDate) ctx.s.dates.lbtPlanned = i.lbtPlannedDate;
    setPhase(ctx, 'BREDE_INTAKE');
  },
  completeBredeIntake: (ctx, i) => {
    ctx.s.dates.intake = i.date;
    if (i.lbt) ctx.s.intake.lbt = { ...i.lbt };
    else if (i.lbtNotTakenReason) ctx.s.intake.lbt = { date: i.date, notTakenReason: i.lbtNotTakenReason };
    setPhase(ctx, 'PIP');
  },
  recordIntakeNoShow: (ctx, i) => {
    const s = ctx.s;
    const sanction = INTAKE_SANCTIONS[s.intake.noShows.length + 1]!;
    s.intake.noShows.push({ date: i.date, sanction });
    if (i.nextPlannedDate) s.dates.intakePlanned = i.nextPlannedDate;
    const seq = event(ctx, 'INTAKE_SANCTION', { sanction, noShowDate: i.date });
    const data = { inburgeraarId: s.inburgeraarId, coachId: s.coachId, noShowDate: i.date, sanction };
    if (sanction === 'WAARSCHUWING')
      notify(ctx, {
        id: `INTAKE_WAARSCHUWING:${seq}`,
        template: 'INTAKE_WAARSCHUWING',
        recipient: { role: 'coach', id: s.coachId },
        channel: 'email',
        data,
      });
    else
      notify(ctx, {
        id: `INTAKE_${sanction}:${seq}`,
        template: `INTAKE_${sanction}`,
        recipient: { role: 'manager' },
        channel: 'email',
        data: { ...data, fineEur: INTAKE_FINE_EUR, pipWithoutInput: sanction === 'TWEEDE_BOETE' },
      });
  },
  registerKennisgeving: (ctx, i) => {
    ctx.s.dates.kennisgeving = i.date;
  },
  registerBrpInschrijving: (ctx, i) => {
    ctx.s.dates.brpInschrijving = i.date;
  },
  registerHuisvesting: (ctx, i) => {
    ctx.s.dates.huisvesting = i.date;
  },
  registerBijstand: (ctx, i) => {
    ctx.s.dates.bijstandStart = i.startDate;
  },
  registerWachtenOpDerden: (ctx, i) => {
    ctx.s.pipWaits = [...(ctx.s.pipWaits ?? []), { since: i.date, reason: i.reason }];
  },
  registerDerdenInformatieOntvangen: (ctx, i) => {
    const open = ctx.s.pipWaits!.find((w) => !w.receivedDate)!;
    open.receivedDate = i.date;
  },
  setPip: (ctx, i) => {
    const s = ctx.s;
    const withoutInput = s.phase === 'BREDE_INTAKE';
    s.pip = { decisionDate: i.decisionDate, route: i.route, withoutInput, revisions: [] };
    if (i.taalschoolPartnerId) s.pip.taalschoolPartnerId = i.taalschoolPartnerId;
    s.route = i.route;
    s.dates.pipDecision = i.decisionDate;
    s.dates.termijnStart = addDays(i.decisionDate, 1);
    mergeModules(ctx, i.modules);
    setPhase(ctx, 'LEERROUTE');
    s.deadlines = computeDeadlines(s); // the referral names the termijn end
    if (i.taalschoolPartnerId) referral(ctx, i.taalschoolPartnerId, i.decisionDate);
  },
  revisePip: (ctx, i) => {
    const pip = ctx.s.pip!;
    pip.revisions.push({ decisionDate: i.decisionDate, reason: i.reason });
    if (i.modules) mergeModules(ctx, i.modules);
    if (i.taalschoolPartnerId && i.taalschoolPartnerId !== pip.taalschoolPartnerId) {
      pip.taalschoolPartnerId = i.taalschoolPartnerId;
      referral(ctx, i.taalschoolPartnerId, i.decisionDate);
    }
  },
  startModule: (ctx, i) => {
    const m = ctx.s.modules[i.module]!;
    m.startDate = i.date;
    if (i.partnerId) m.partnerId = i.partnerId;
  },
  completeModule: (ctx, i) => {
    const m = ctx.s.modules[i.module]!;
    m.completedDate = i.date;
    if (i.hours !== undefined) m.hours = i.hours;
  },
  recordProgressHours: (ctx, i) => {
    ctx.s.hours[i.kind] = Math.round((ctx.s.hours[i.kind] + i.hours) * 100) / 100;
  },
  recordExamResult: (ctx, i) => {
    const s = ctx.s;
    const attempts = s.exams[i.component] ?? [];
    attempts.push({
      attempt: i.attempt,
      date: i.date,
      passed: i.passed,
      level: i.component === 'KNM' ? 'B1' : s.taalniveau,
      free: i.attempt <= FREE_EXAM_ATTEMPTS,
      source: i.partnerId ? 'partner' : 'coach',
    });
    s.exams[i.component] = attempts;
    if (s.phase === 'LEERROUTE') setPhase(ctx, 'EXAMENS');
  },
  completeLeerroute: (ctx, i) => {
    ctx.s.dates.leerrouteCompleted = i.date;
  },
  switchRoute: (ctx, i) => {
    const s = ctx.s;
    const from = s.route!;
    s.routeSwitches.push({ date: i.date, from, to: i.to, reason: i.reason });
    s.route = i.to;
    s.pip!.route = i.to;
    s.pip!.revisions.push({ decisionDate: i.date, reason: `schakelen ${from} → ${i.to}: ${i.reason}` });
    s.taalniveau = 'B1';
    delete s.downgradedOn;
    delete s.dates.leerrouteCompleted;
    // The revised PIP follows the new route's modules: MAP joins or leaves the plicht.
    if (MAP_ROUTES.includes(i.to)) mergeModules(ctx, s.modules.MAP?.inPip ? [] : [{ module: 'MAP' }]);
    else if (s.modules.MAP) s.modules.MAP.inPip = false;
  },
  downgradeRoute: (ctx, i) => {
    ctx.s.taalniveau = 'A2';
    ctx.s.downgradedOn = i.date;
  },
  recordVoortgangsgesprek: (ctx, i) => {
    ctx.s.voortgangsgesprekken.push(i.date);
  },
  grantExtension: (ctx, i) => {
    const s = ctx.s;
    const termijn = computeDeadlines(s).find((d) => d.key === 'INBURGERINGSTERMIJN')!;
    const moved = addPeriod(
      termijn.dueDate,
      i.period.unit === 'WEEKS' ? { weeks: i.period.amount } : { months: i.period.amount },
    );
    s.extensions.push({
      ground: i.ground,
      decisionDate: i.decisionDate,
      period: { ...i.period },
      periodDays: daysBetween(termijn.dueDate, moved),
      ...(i.reason ? { reason: i.reason } : {}),
    });
  },
  grantExemption: (ctx, i) => {
    ctx.s.exemption = {
      decisionDate: i.decisionDate,
      ground: i.ground,
      ...(i.reason ? { reason: i.reason } : {}),
    };
    end(ctx, 'ONTHEFFING', 'ONTHEFFING', i.decisionDate, i.reason);
  },
  pause: (ctx, i) => {
    ctx.s.paused = { since: i.date, reason: i.reason };
    ctx.s.pauses.push({ from: i.date, reason: i.reason });
  },
  resume: (ctx, i) => {
    ctx.s.paused = undefined;
    const last = ctx.s.pauses.at(-1);
    if (last) last.to = i.date;
  },
  transfer: (ctx, i) => {
    const s = ctx.s;
    s.transfer = { toGemeenteCode: i.toGemeenteCode, date: i.date };
    end(ctx, 'VERHUISD', 'VERHUISD', i.date, i.reason);
    notify(ctx, {
      id: `TRANSFER:${i.toGemeenteCode}:${i.date}`,
      template: 'TRANSFER',
      recipient: { role: 'gemeente', id: i.toGemeenteCode },
      channel: 'email',
      data: {
        inburgeraarId: s.inburgeraarId,
        toGemeenteCode: i.toGemeenteCode,
        date: i.date,
        phase: s.phase,
        route: s.route ?? '',
        pipDecisionDate: s.dates.pipDecision ?? '',
        termijnStart: s.dates.termijnStart ?? '',
      },
    });
  },
  endTrajectory: (ctx, i) => {
    const phase: Phase = i.reason === 'OVERIG' ? 'BEEINDIGD' : i.reason;
    end(ctx, phase, i.reason, i.date, i.toelichting);
  },
  reassignCoach: (ctx, i) => {
    ctx.s.coachId = i.coachId;
    notify(ctx, {
      id: `COACH_ASSIGNED:${i.coachId}:${ctx.s.eventSeq + 1}`,
      template: 'COACH_ASSIGNED',
      recipient: { role: 'coach', id: i.coachId },
      channel: 'email',
      data: { inburgeraarId: ctx.s.inburgeraarId, coachId: i.coachId },
    });
  },
};

/**
 * Plicht voldaan: the leerroute is completed and PVT and MAP (where it applies) are done. The date
 * is the day the last requirement was met.
 */
export function voldaanDate(s: TrajectoryState): string | undefined {
  if (!s.route || isEnded(s.phase) || !isRouteCompleted(s)) return undefined;
  const modules = requiredModules(s.route).map((m) => s.modules[m]?.completedDate);
  if (modules.some((d) => !d)) return undefined;
  const examDates = REQUIRED_EXAMS[s.route].map((c) => s.exams[c]!.find((a) => a.passed)!.date);
  return maxDate(s.dates.leerrouteCompleted, ...examDates, ...modules);
}

/** Performs a command (validate() must allow it, or this throws a RuleViolation). */
export function apply(state: TrajectoryState, command: Command, now: string): Transition {
  const refusal = validate(state, command, now);
  if (refusal) throw new RuleViolation(refusal);
  return applyValidated(state, command, now);
}

/**
 * Applies a command that `validate` accepted a moment ago on this same state (the workflow's update
 * validator did): the rules are checked once per action, not again here.
 */
export function applyValidated(state: TrajectoryState, command: Command, now: string): Transition {
  const ctx: Ctx = { s: clone(state), now, events: [], notifications: [] };
  ctx.s.today = localDate(now);
  const { actorId, ...data } = command.input as { actorId?: string } & Record<string, unknown>;
  event(ctx, command.type, { ...data, ...(actorId ? { actorId } : {}) });
  (appliers[command.type] as Applier<CommandName>)(ctx, command.input);
  const done = voldaanDate(ctx.s);
  if (done) {
    end(ctx, 'AFGEROND', 'VOLDAAN', done);
    notify(ctx, {
      id: `AFGEROND:${done}`,
      template: 'AFGEROND',
      recipient: { role: 'coach', id: ctx.s.coachId },
      channel: 'email',
      data: { inburgeraarId: ctx.s.inburgeraarId, date: done, route: ctx.s.route ?? '' },
    });
  }
  ctx.s.deadlines = computeDeadlines(ctx.s);
  return { state: ctx.s, events: ctx.events, notifications: ctx.notifications };
}

/**
 * Advances the clock to `now`: recomputes deadline statuses (audit event per status change) and
 * returns the reminders/escalations/term-end notices due, already marked as sent in the state.
 */
export function tick(state: TrajectoryState, now: string): Transition {
  const ctx: Ctx = { s: clone(state), now, events: [], notifications: [] };
  ctx.s.today = localDate(now);
  ctx.s.deadlines = computeDeadlines(ctx.s);
  for (const d of ctx.s.deadlines) {
    const before = state.deadlines.find((x) => x.key === d.key);
    if (before && before.status !== d.status)
      event(ctx, 'DEADLINE_STATUS', { key: d.key, from: before.status, to: d.status, dueDate: d.dueDate });
  }
  for (const m of dueMoments(ctx.s, now)) {
    ctx.notifications.push(notificationFor(ctx.s, m));
    ctx.s.notified.push(m.id);
    event(ctx, `NOTIFICATION_${m.type}`, { deadlineKey: m.deadlineKey, moment: m.id });
  }
  return { state: ctx.s, events: ctx.events, notifications: ctx.notifications };
}

/** Convenience for callers with a name and an input (the workflow's update handlers). */
export function commandOf<N extends CommandName>(type: N, input: CommandInput<N>): Command {
  return { type, input } as Command;
}
