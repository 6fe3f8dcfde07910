/**
 * State transitions of a trajectory: `validate(state, command, now)` says whether the rules allow a
 * command (a Refusal with a rule code, or null) and `apply(state, command, now)` performs it,
 * returning the new state, the audit events and the notifications (hand-offs) it causes.
 * `tick(state, now)` advances the clock: statuses of deadlines and the reminders/escalations due.
 * `upgradeRules(state, now)` moves a trajectory to the current rules version (./law.ts).
 *
 * All functions are pure and never mutate their input: the workflow replaces its state with the
 * result, so a refused or failed command leaves nothing half-applied.
 *
 * Which law applies: every number and article comes from ./law.ts, in the version in force on the
 * date that matters for the case and known to the trajectory's rules version. A command is always
 * checked against the current rules version (`validate` looks at the trajectory as upgraded); what
 * a command does and which deadlines follow use the trajectory's own version, so a workflow
 * replaying its history computes what it computed then.
 */
import type { RuleCode } from './refusals';
import type { Command, CommandInput, CommandName, Koppeling } from './commands';
import { addDays, addPeriod, daysBetween, localDate, maxDate, minDate } from './dates';
import {
  computeDeadlines,
  dueMoments,
  extensionRequestOpens,
  notificationFor,
  ontzorgenApplies,
  pipTerm,
  routeSwitchLastDay,
  tijdigAanbodTerm,
} from './deadlines';
import {
  AANZIENLIJKE_INSPANNINGEN,
  AFSCHALEN,
  BOETE_BREDE_INTAKE,
  BOETE_MAXIMUM,
  BOETE_PIP,
  BREDE_INTAKE,
  CURRENT_RULES_VERSION,
  GRATIS_EXAMENPOGINGEN,
  MAATSCHAPPELIJKE_BEGELEIDING_WET,
  MAP_WET,
  ONDERBREKING,
  ONTZORGEN_WET,
  PVT_WET,
  SCHAKELEN,
  VERLENGINGSGRONDEN,
  Z_ROUTE,
  inForce,
  lawFor,
  rulesVersionOf,
} from './law';
import { examsInRoute, mapRoutes, requiredModules, routeWays } from './rules';
import { resolveSettings } from './settings-defaults';
import {
  LANGUAGE_SKILLS,
  isEnded,
  type EndedReason,
  type ExtensionGround,
  type Fine,
  type FineGround,
  type LanguageSkill,
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

/** `2400` → `€ 2.400` (Dutch thousands separator; no Intl in domain code). */
const euro = (n: number) => `€ ${String(n).replace(/\B(?=(\d{3})+(?!\d))/g, '.')}`;

// ---------------------------------------------------------------------------------------------
// Start
// ---------------------------------------------------------------------------------------------

function emptyModule(module: ModuleCode): ModuleState {
  return { module, inPip: false };
}

/** The state at the koppeling (or at a caseload import, in the phase given), on the current rules. */
export function initialState(input: Koppeling, now: string): TrajectoryState {
  return initialStateForRules(CURRENT_RULES_VERSION, input, now);
}

/**
 * The state at the koppeling computed with a given rules version: the workflow replays a trajectory
 * that started before the current version with the version it started on (workflows/trajectory.ts).
 */
export function initialStateForRules(rulesVersion: number, input: Koppeling, now: string): TrajectoryState {
  const imp = input.import;
  const transferIn = imp ? undefined : input.transferIn;
  const state: TrajectoryState = {
    schemaVersion: 1,
    inburgeraarId: input.inburgeraarId,
    doelgroep: input.doelgroep,
    coachId: input.coachId,
    phase: imp?.phase ?? (transferIn ? 'PIP' : 'KOPPELING'),
    today: localDate(now),
    settings: resolveSettings(input.settings),
    dates: { koppeling: input.koppelingDate },
    intake: { noShows: [] },
    taalniveau: 'B1',
    routeSwitches: [],
    modules: {},
    hours: { LESSEN: imp?.lessonHours ?? 0, PARTICIPATIE: imp?.participationHours ?? 0, KNM: 0 },
    exams: {},
    voortgangsgesprekken: [...(imp?.voortgangsgesprekDates ?? [])].sort(),
    extensions: [],
    pauses: [],
    deadlines: [],
    notified: [],
    eventSeq: 0,
  };
  if (rulesVersion > 1) state.rulesVersion = rulesVersion;
  if (input.gemeenteCode) state.gemeenteCode = input.gemeenteCode;
  if (input.verblijfsvergunning) state.verblijfsvergunning = input.verblijfsvergunning;
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
  if (transferIn) {
    // Wi2021 art. 11 lid 3 and art. 15 lid 4: the termijn of the first PIP runs on, the route stays.
    state.transferIn = {
      fromGemeenteCode: transferIn.fromGemeenteCode,
      firstPipDecisionDate: transferIn.pipDecisionDate,
      route: transferIn.route,
    };
    state.route = transferIn.route;
    d.termijnStart = addDays(transferIn.pipDecisionDate, 1);
  }
  if (d.brpInschrijving) startMaatschappelijkeBegeleiding(state, d.brpInschrijving);
  state.deadlines = computeDeadlines(state);
  return state;
}

/** Wi2021 art. 13: maatschappelijke begeleiding of an asielstatushouder starts on the day of BRP registration. */
function startMaatschappelijkeBegeleiding(s: TrajectoryState, brp: string): void {
  const v = inForce(MAATSCHAPPELIJKE_BEGELEIDING_WET, brp, rulesVersionOf(s));
  if (v && v.values.doelgroepen.includes(s.doelgroep)) s.dates.maatschappelijkeBegeleidingStart = brp;
}

// ---------------------------------------------------------------------------------------------
// Facts the rules read
// ---------------------------------------------------------------------------------------------

const hoursOf = (s: TrajectoryState, kind: 'LESSEN' | 'PARTICIPATIE' | 'KNM'): number => s.hours[kind] ?? 0;

/** Skills at A2 (old states knew only "all four", as taalniveau A2). */
export function downgradedSkills(s: TrajectoryState): readonly LanguageSkill[] {
  return s.downgradedSkills ?? (s.taalniveau === 'A2' ? LANGUAGE_SKILLS : []);
}

function passedOn(s: TrajectoryState, component: string): string | undefined {
  return s.exams[component as keyof TrajectoryState['exams']]?.find((a) => a.passed)?.date;
}

/** The end of the termijn as it runs now (extensions and gaps included), once it started. */
function currentTermijnEnd(s: TrajectoryState): string | undefined {
  return computeDeadlines(s).find((d) => d.key === 'INBURGERINGSTERMIJN')?.dueDate;
}

/** The amount of a fine the college imposes now, and what is left under the maximum per termijn. */
export function fineAmount(
  s: TrajectoryState,
  ground: FineGround,
  decisionDate: string,
): { nominalEur: number; amountEur: number; article: Fine['article']; source: string; maxEur: number } {
  const fines = s.fines ?? [];
  const intake = lawFor(s, BOETE_BREDE_INTAKE, decisionDate);
  const cap = lawFor(s, BOETE_MAXIMUM, decisionDate);
  let nominalEur: number;
  let article: Fine['article'];
  let source: string;
  if (intake.values.grounds.includes(ground)) {
    nominalEur = intake.values.amountEur;
    article = 'WI2021_ART_22';
    source = intake.source;
  } else {
    const pip = lawFor(s, BOETE_PIP, decisionDate);
    // Doubled for each repeat within 12 months of the previous art. 23 fine, up to the maximum.
    const previous = fines.filter((f) => f.article === 'WI2021_ART_23').at(-1);
    const repeat = previous && decisionDate <= addPeriod(previous.decisionDate, pip.values.repeatWithin);
    nominalEur = repeat
      ? Math.min(previous.nominalEur * pip.values.factor, pip.values.maxEur)
      : pip.values.firstEur;
    article = 'WI2021_ART_23';
    source = pip.source;
  }
  const imposed = fines.reduce((sum, f) => sum + f.amountEur, 0);
  const amountEur = Math.max(0, Math.min(nominalEur, cap.values.totalEur - imposed));
  return { nominalEur, amountEur, article, source, maxEur: cap.values.totalEur };
}

/** Whether the conditions of an extension for aanzienlijke inspanningen are met (null) or what is missing. */
function aanzienlijkeInspanningenMissing(
  s: TrajectoryState,
  date: string,
  allLessonsFollowed: boolean | undefined,
): string | null {
  const c = lawFor(s, AANZIENLIJKE_INSPANNINGEN, date).values;
  if (s.route !== c.route) return `alleen in de ${c.route}-route`;
  const languagePassed = LANGUAGE_SKILLS.filter((k) => passedOn(s, k)).length;
  if (languagePassed < c.minLanguageExamsPassed)
    return `minstens ${c.minLanguageExamsPassed} van de 4 taalexamens gehaald (nu ${languagePassed})`;
  if (c.knmPassed && !passedOn(s, 'KNM')) return 'het examen KNM gehaald';
  const open = c.modulesCompleted.filter((m) => !s.modules[m]?.completedDate);
  if (open.length) return `${open.join(' en ')} afgerond`;
  if (s.doelgroep === 'gezinsmigrant') {
    const lessons = hoursOf(s, 'LESSEN') + hoursOf(s, 'KNM');
    if (lessons < c.gezinsmigrantMinLessonHours)
      return `minstens ${c.gezinsmigrantMinLessonHours} lesuren gevolgd (nu ${lessons})`;
  } else if (!allLessonsFollowed) return 'alle aangeboden lessen gevolgd (allLessonsFollowed)';
  return null;
}

/** Whether the course started too late (or has not started while its term passed). */
function aanbodTeLaat(s: TrajectoryState, today: string): { dueDate: string } | undefined {
  const term = tijdigAanbodTerm(s);
  if (!term) return undefined;
  const late = s.dates.lessenStart ? s.dates.lessenStart > term.dueDate : today > term.dueDate;
  return late ? { dueDate: term.dueDate } : undefined;
}

/**
 * Grounds for an extension the trajectory itself shows (the summary lists them): a course that
 * did not start in time, and aanzienlijke inspanningen once its conditions are met.
 */
export function extensionGroundsShown(
  s: TrajectoryState,
): { ground: ExtensionGround; source: string; reason: string }[] {
  const out: { ground: ExtensionGround; source: string; reason: string }[] = [];
  if (!s.dates.termijnStart || isEnded(s.phase)) return out;
  const grounds = lawFor(s, VERLENGINGSGRONDEN, s.today).values.grounds;
  const late = aanbodTeLaat(s, s.today);
  if (late && grounds.GEEN_TIJDIG_AANBOD)
    out.push({
      ground: 'GEEN_TIJDIG_AANBOD',
      source: grounds.GEEN_TIJDIG_AANBOD.source,
      reason: `de lessen zijn niet gestart binnen de termijn na het PIP (uiterlijk ${late.dueDate})`,
    });
  if (
    grounds.AANZIENLIJKE_INSPANNINGEN &&
    !aanzienlijkeInspanningenMissing(s, s.today, s.doelgroep !== 'gezinsmigrant')
  )
    out.push({
      ground: 'AANZIENLIJKE_INSPANNINGEN',
      source: grounds.AANZIENLIJKE_INSPANNINGEN.source,
      reason:
        'B1-route, taalexamens, KNM, PVT en MAP zoals vereist (asielstatushouder: als alle lessen gevolgd zijn)',
    });
  return out;
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
  'registerStartLessen',
  'registerMeldingAanbodDuo',
  'registerPlichtOnderbreking',
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
    case 'registerPlichtOnderbreking':
      return c.input.to;
    case 'setPip':
    case 'revisePip':
    case 'grantExtension':
    case 'grantExemption':
    case 'imposeFine':
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
  date: string,
): Refusal | null {
  const codes = modules.map((m) => m.module);
  if (new Set(codes).size !== codes.length)
    return refuse('PIP_DUPLICATE_MODULE', 'een module staat twee keer in het PIP');
  for (const required of requiredModules(s, route))
    if (!codes.includes(required))
      return refuse(
        `PIP_REQUIRES_${required}` satisfies RuleCode,
        `het PIP moet module ${required} bevatten bij leerroute ${route} (Wi2021 art. 6 lid 1)`,
      );
  if (codes.includes('MAP') && !mapRoutes(s).includes(route))
    return refuse('MAP_NOT_IN_ROUTE', `MAP hoort niet bij leerroute ${route} (Wi2021 art. 8 lid 3)`);
  if (codes.includes('ONTZORGEN')) {
    const at = s.dates.bijstandStart ?? date;
    if (!ontzorgenApplies(s, at))
      return refuse(
        'ONTZORGEN_ONLY_ASIEL_PERMIT',
        `ontzorgen geldt alleen bij een verblijfsvergunning asiel voor bepaalde tijd (${inForce(ONTZORGEN_WET, at)!.source})`,
      );
    if (!s.dates.bijstandStart)
      return refuse(
        'ONTZORGEN_REQUIRES_BIJSTAND',
        'ontzorgen begint op de dag dat het recht op bijstand ontstaat: registreer eerst de bijstand',
      );
  }
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

/** How many summonses the brede intake has before the college completes it without the person. */
function intakeSummonses(s: TrajectoryState, date: string): number {
  const model = lawFor(s, BREDE_INTAKE, date).values;
  return model.model === 'OPROEPEN' ? model.summonses : model.steps.length;
}

function periodOf(p: { unit: 'WEEKS' | 'MONTHS'; amount: number }) {
  return p.unit === 'WEEKS' ? { weeks: p.amount } : { months: p.amount };
}

const describePeriod = (p: { weeks?: number; months?: number }) =>
  p.weeks !== undefined ? `${p.weeks} weken` : `${p.months} maanden`;

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
    if (!i.lbt && !i.lbtNotTakenReason && !i.lbtExemption)
      return refuse(
        'LBT_RESULT_REQUIRED',
        'geef de uitkomst van de leerbaarheidstoets, de vrijstelling, of waarom die niet is afgenomen',
      );
    return null;
  },
  completeBredeIntakeWithoutPerson: (s, i) => {
    if (s.phase === 'KOPPELING') return refuse('INTAKE_NOT_PLANNED', 'plan eerst de brede intake');
    if (s.phase !== 'BREDE_INTAKE')
      return refuse('INTAKE_ALREADY_COMPLETED', 'de brede intake is al afgerond');
    if (i.date < s.dates.koppeling)
      return refuse('DATE_BEFORE_KOPPELING', 'de intake kan niet vóór de koppeling liggen');
    const summonses = intakeSummonses(s, i.date);
    if (s.intake.noShows.length < summonses)
      return refuse(
        'INTAKE_SUMMONSES_NOT_EXHAUSTED',
        `zonder de inburgeraar kan pas na ${summonses} gemiste oproepen (nu ${s.intake.noShows.length}; Wi2021 art. 14 lid 2)`,
      );
    return null;
  },
  recordIntakeNoShow: (s, i) => {
    if (s.phase === 'KOPPELING') return refuse('INTAKE_NOT_PLANNED', 'er is geen intake gepland');
    if (s.phase !== 'BREDE_INTAKE')
      return refuse('INTAKE_ALREADY_COMPLETED', 'de brede intake is al afgerond');
    const summonses = intakeSummonses(s, i.date);
    if (s.intake.noShows.length >= summonses)
      return refuse(
        'INTAKE_SANCTIONS_EXHAUSTED',
        `na ${summonses} gemiste oproepen rondt het college de brede intake af zonder de inburgeraar (Wi2021 art. 14 lid 2)`,
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
    const version = pipTerm(s);
    if (version?.thirdPartyGraceWeeks === undefined)
      return refuse(
        'PIP_WAIT_NOT_IN_FORCE',
        `voor deze PIP-termijn geldt geen uitzondering voor informatie van derden (${term.source}; de uitzondering geldt sinds 1 januari 2023)`,
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
    const withoutInput =
      s.phase === 'BREDE_INTAKE' && s.intake.noShows.length >= intakeSummonses(s, i.decisionDate);
    if (s.phase !== 'PIP' && !withoutInput)
      return refuse('PIP_REQUIRES_INTAKE', 'het PIP kan pas na de brede intake worden vastgesteld');
    if (!s.dates.kennisgeving && !s.transferIn)
      return refuse('PIP_REQUIRES_KENNISGEVING', 'registreer eerst de kennisgeving van DUO');
    if (s.transferIn && i.route !== s.transferIn.route)
      return refuse(
        'TRANSFER_ROUTE_FIXED',
        `na een verhuizing blijft de leerroute ${s.transferIn.route} (Wi2021 art. 15 lid 4); schakelen gaat met switchRoute`,
      );
    if (s.dates.intake && i.decisionDate < s.dates.intake)
      return refuse('PIP_BEFORE_INTAKE', 'het PIP-besluit kan niet vóór de intake liggen');
    return pipModuleRules(s, i.route, i.modules, i.decisionDate);
  },
  revisePip: (s, i) => {
    const r = requirePip(s);
    if (r) return r;
    if (i.decisionDate < s.pip!.decisionDate)
      return refuse('DATE_OUT_OF_ORDER', 'een herziening kan niet vóór het PIP liggen');
    return pipModuleRules(s, s.route!, pipModulesAfterRevision(s, i.modules ?? []), i.decisionDate);
  },
  startModule: (s, i) => {
    const r = requirePip(s);
    if (r) return r;
    const m = s.modules[i.module];
    if (!m?.inPip) return refuse('MODULE_NOT_IN_PIP', `module ${i.module} staat niet in het PIP`);
    if (m.startDate)
      return refuse('MODULE_ALREADY_STARTED', `module ${i.module} is al gestart op ${m.startDate}`);
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
    if (i.module === 'PVT') {
      const pvt = lawFor(s, PVT_WET, i.date);
      if ((i.hours ?? 0) < pvt.values.minHours)
        return refuse('PVT_MIN_HOURS', `het PVT vraagt minstens ${pvt.values.minHours} uur (${pvt.source})`);
    }
    if (i.module === 'MAP') {
      const map = lawFor(s, MAP_WET, i.date);
      if ((i.hours ?? 0) < map.values.minHours)
        return refuse('MAP_MIN_HOURS', `MAP vraagt minstens ${map.values.minHours} uur (${map.source})`);
    }
    return null;
  },
  recordProgressHours: (s) => requirePip(s),
  recordExamResult: (s, i) => {
    const r = requirePip(s);
    if (r) return r;
    if (!examsInRoute(s, s.route!).includes(i.component))
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
    if (!routeWays(s, s.route!).some((w) => w.completion))
      return refuse(
        'LEERROUTE_COMPLETES_BY_EXAMS',
        'de B1-route wordt afgerond met de examens (Wi2021 art. 7)',
      );
    if (s.dates.leerrouteCompleted)
      return refuse('LEERROUTE_ALREADY_COMPLETED', 'de leerroute is al afgerond');
    if (i.date < s.pip!.decisionDate) return refuse('DATE_OUT_OF_ORDER', 'afronden kan niet vóór het PIP');
    if (s.route === 'Z') {
      const z = lawFor(s, Z_ROUTE, i.date);
      const course = hoursOf(s, 'LESSEN') + hoursOf(s, 'KNM');
      if (course < z.values.courseHours)
        return refuse(
          'Z_ROUTE_HOURS_INSUFFICIENT',
          `de Z-route vraagt ${z.values.courseHours} lesuren NT2 en KNM samen (nu ${course}; ${z.source})`,
        );
      if (z.values.participationDoelgroepen.includes(s.doelgroep)) {
        const participation =
          hoursOf(s, 'PARTICIPATIE') +
          z.values.participationCountsModules.reduce((sum, m) => sum + (s.modules[m]?.hours ?? 0), 0);
        if (participation < z.values.participationHours)
          return refuse(
            'Z_ROUTE_HOURS_INSUFFICIENT',
            `de Z-route vraagt ${z.values.participationHours} uur zelfredzaamheid en participatie, uren van MAP en PVT tellen mee (nu ${participation}; ${z.source})`,
          );
      }
      if (!i.finalInterviewWithCollege)
        return refuse(
          'Z_ROUTE_FINAL_INTERVIEW_REQUIRED',
          `de Z-route wordt afgesloten met een eindgesprek met het college zelf (${z.source})`,
        );
    }
    return null;
  },
  switchRoute: (s, i) => {
    const r = requirePip(s);
    if (r) return r;
    if (i.to === s.route) return refuse('ROUTE_UNCHANGED', `de leerroute is al ${i.to}`);
    if (i.date < s.pip!.decisionDate) return refuse('DATE_OUT_OF_ORDER', 'schakelen kan niet vóór het PIP');
    const rule = lawFor(s, SCHAKELEN, i.date);
    const anyTime = rule.values.anyTime.some(([from, to]) => from === s.route && to === i.to);
    const lastDay = routeSwitchLastDay(s.dates.termijnStart!);
    if (anyTime || i.date <= lastDay) return null;
    if (!i.exceptionGround)
      return refuse(
        'ROUTE_SWITCH_WINDOW_CLOSED',
        `schakelen kon tot en met ${lastDay} (1,5 jaar na de start van de termijn; ${rule.source})`,
      );
    if (!rule.values.exceptions.includes(i.exceptionGround))
      return refuse(
        'ROUTE_SWITCH_EXCEPTION_NOT_IN_FORCE',
        `schakelen na 1,5 jaar om deze reden kan pas sinds 1 januari 2023 (${rule.source})`,
      );
    return null;
  },
  downgradeRoute: (s, i) => {
    const r = requirePip(s);
    if (r) return r;
    if (s.route !== 'B1') return refuse('DOWNGRADE_ONLY_FROM_B1', 'afschalen kan alleen in de B1-route');
    const skills = i.skills ?? LANGUAGE_SKILLS;
    const done = downgradedSkills(s);
    if (skills.every((k) => done.includes(k)))
      return refuse('ALREADY_DOWNGRADED', `al afgeschaald naar A2: ${skills.join(', ')}`);
    const passed = skills.find((k) => passedOn(s, k));
    if (passed)
      return refuse(
        'EXAM_ALREADY_PASSED',
        `${passed} is al gehaald op B1: afschalen van dat onderdeel kan niet meer`,
      );
    const rule = lawFor(s, AFSCHALEN, i.date);
    if (hoursOf(s, 'LESSEN') < rule.values.minNt2Hours)
      return refuse(
        'DOWNGRADE_REQUIRES_600_HOURS',
        `afschalen vraagt in totaal minstens ${rule.values.minNt2Hours} lesuren NT2 (nu ${hoursOf(s, 'LESSEN')}; ${rule.source})`,
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
    // The termijn as it runs now (the state's deadlines are current after every change).
    const end = s.deadlines.find((d) => d.key === 'INBURGERINGSTERMIJN')?.dueDate;
    if (!s.dates.termijnStart || !end)
      return refuse('TERMIJN_NOT_STARTED', 'de inburgeringstermijn is nog niet gestart');
    if (i.requestDate && i.requestDate > i.decisionDate)
      return refuse('DATE_OUT_OF_ORDER', 'de aanvraag ligt na het besluit van DUO');
    const opens = extensionRequestOpens(end);
    if ((i.requestDate ?? i.decisionDate) < opens)
      return refuse(
        'EXTENSION_TOO_EARLY',
        `verlenging kan worden aangevraagd vanaf ${opens}: 6 maanden voor het einde van de termijn op ${end} (Besluit inburgering 2021 art. 4.5)`,
      );
    const grounds = lawFor(s, VERLENGINGSGRONDEN, i.decisionDate);
    const ground = grounds.values.grounds[i.ground];
    if (!ground)
      return refuse(
        'EXTENSION_GROUND_NOT_IN_FORCE',
        `de grond ${i.ground} gold nog niet op ${i.decisionDate} (${grounds.source}; sinds 1 januari 2023)`,
      );
    const granted = daysBetween(end, addPeriod(end, periodOf(i.period)));
    if (ground.fixedPeriod && granted !== daysBetween(end, addPeriod(end, ground.fixedPeriod)))
      return refuse(
        'EXTENSION_PERIOD_INVALID',
        `verlenging op deze grond is ${describePeriod(ground.fixedPeriod)} (${ground.source})`,
      );
    if (ground.minPeriod && granted < daysBetween(end, addPeriod(end, ground.minPeriod)))
      return refuse(
        'EXTENSION_PERIOD_TOO_SHORT',
        `deze grond vraagt een periode van minstens ${describePeriod(ground.minPeriod)} (${ground.source})`,
      );
    if (i.ground === 'AANZIENLIJKE_INSPANNINGEN') {
      const missing = aanzienlijkeInspanningenMissing(s, i.decisionDate, i.allLessonsFollowed);
      if (missing)
        return refuse(
          'EXTENSION_CONDITIONS_NOT_MET',
          `aanzienlijke inspanningen vraagt: ${missing} (${ground.source})`,
        );
    }
    if (i.ground === 'GEEN_TIJDIG_AANBOD') {
      if (s.doelgroep !== 'asielstatushouder')
        return refuse(
          'EXTENSION_CONDITIONS_NOT_MET',
          'deze grond geldt alleen voor asielstatushouders: de gemeente biedt hun het aanbod (Wi2021 art. 16)',
        );
      if (tijdigAanbodTerm(s) && !aanbodTeLaat(s, i.decisionDate))
        return refuse(
          'EXTENSION_CONDITIONS_NOT_MET',
          'de lessen zijn op tijd gestart na het PIP (Wi2021 art. 16)',
        );
    }
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
  registerStartLessen: (s, i) => {
    const r = requirePip(s);
    if (r) return r;
    if (s.dates.lessenStart)
      return refuse('LESSEN_ALREADY_STARTED', `de lessen zijn al gestart op ${s.dates.lessenStart}`);
    if (i.date < s.pip!.decisionDate)
      return refuse('DATE_OUT_OF_ORDER', 'de lessen van de leerroute starten na het PIP');
    return null;
  },
  registerMeldingAanbodDuo: (s, i) => {
    const r = requirePip(s);
    if (r) return r;
    if (s.dates.aanbodGemeldBijDuo)
      return refuse('MELDING_ALREADY_RECORDED', `al gemeld bij DUO op ${s.dates.aanbodGemeldBijDuo}`);
    if (!aanbodTeLaat(s, i.date))
      return refuse(
        'COURSE_OFFER_NOT_LATE',
        'de lessen zijn (nog) niet te laat: melden kan als ze niet binnen de termijn na het PIP zijn gestart (Wi2021 art. 16)',
      );
    return null;
  },
  imposeFine: (s, i) => {
    const last = s.fines?.at(-1);
    if (last && i.decisionDate < last.decisionDate)
      return refuse('DATE_OUT_OF_ORDER', `er is al een boete van ${last.decisionDate}`);
    const intake = lawFor(s, BOETE_BREDE_INTAKE, i.decisionDate);
    if (intake.values.grounds.includes(i.ground)) {
      if (s.phase === 'KOPPELING') return refuse('INTAKE_NOT_PLANNED', 'er is geen intake gepland');
      if (s.phase !== 'BREDE_INTAKE')
        return refuse('INTAKE_ALREADY_COMPLETED', 'de brede intake is al afgerond');
      const newTermEnd = i.newTermEnd ?? addPeriod(i.decisionDate, intake.values.newTermMax);
      if (newTermEnd <= i.decisionDate)
        return refuse('DATE_OUT_OF_ORDER', 'de nieuwe termijn eindigt na het boetebesluit');
      const max = addPeriod(i.decisionDate, intake.values.newTermMax);
      if (newTermEnd > max)
        return refuse(
          'FINE_TERM_TOO_LONG',
          `de nieuwe termijn is ten hoogste ${describePeriod(intake.values.newTermMax)}: uiterlijk ${max} (${intake.source})`,
        );
      const running = (s.fines ?? []).find((f) => f.newTermEnd && i.decisionDate <= f.newTermEnd);
      if (running)
        return refuse(
          'FINE_TERM_RUNNING',
          `de vorige boete gaf een termijn tot en met ${running.newTermEnd}: een volgende boete kan als die voorbij is (${intake.source})`,
        );
    } else {
      const r = requirePip(s);
      if (r) return r;
    }
    const amount = fineAmount(s, i.ground, i.decisionDate);
    if (amount.amountEur <= 0)
      return refuse(
        'FINE_CAP_REACHED',
        `alle boetes van de gemeente samen zijn ten hoogste ${euro(amount.maxEur)} per termijn; dat is bereikt (${lawFor(s, BOETE_MAXIMUM, i.decisionDate).source})`,
      );
    return null;
  },
  registerPlichtOnderbreking: (s, i) => {
    if (!s.dates.termijnStart)
      return refuse('TERMIJN_NOT_STARTED', 'de inburgeringstermijn is nog niet gestart');
    if (i.to <= i.from) return refuse('DATE_OUT_OF_ORDER', 'de onderbreking eindigt na de eerste dag');
    if (i.to <= s.dates.termijnStart)
      return refuse(
        'DATE_OUT_OF_ORDER',
        `de onderbreking moet (deels) in de termijn vallen, die begon op ${s.dates.termijnStart}`,
      );
    if ((s.onderbrekingen ?? []).some((g) => i.from < g.to && g.from < i.to))
      return refuse('DATE_OUT_OF_ORDER', 'deze onderbreking overlapt een eerdere');
    if (onderbrekingDays(s, i.from, i.to) <= 0)
      return refuse(
        'ONDERBREKING_MAXIMUM_REACHED',
        `de termijn is al met het maximum voor onderbrekingen verlengd (${lawFor(s, ONDERBREKING, i.from).source})`,
      );
    return null;
  },
};

/**
 * Days a gap extends the termijn: its length within the termijn (days before the termijn started
 * do not count), within the maximum of all gaps together.
 */
function onderbrekingDays(s: TrajectoryState, from: string, to: string): number {
  const rule = lawFor(s, ONDERBREKING, from);
  const gaps = s.onderbrekingen ?? [];
  const start = maxDate(from, s.dates.termijnStart)!;
  const first = gaps[0]?.from ?? start;
  const maxDays = daysBetween(first, addPeriod(first, rule.values.maxTotal));
  const used = gaps.reduce((sum, g) => sum + g.periodDays, 0);
  return Math.max(0, Math.min(daysBetween(start, to), maxDays - used));
}

/**
 * Whether the rules allow `command` now: null, or the refusal with its rule code. A trajectory on
 * an older rules version is checked as it will be when the workflow moves it to the current one.
 */
export function validate(state: TrajectoryState, command: Command, now: string): Refusal | null {
  const s = rulesVersionOf(state) < CURRENT_RULES_VERSION ? upgradeRules(state, now).state : state;
  const today = localDate(now);
  if (isEnded(s.phase)) return refuse('TRAJECTORY_ENDED', `het traject is beëindigd (${s.phase})`);
  if (s.paused && !ALLOWED_WHILE_PAUSED.includes(command.type))
    return refuse('TRAJECTORY_PAUSED', `het traject is gepauzeerd sinds ${s.paused.since}`);
  const date = factDate(command);
  if (date && date > today) return refuse('DATE_IN_FUTURE', `${date} ligt in de toekomst`);
  return (validators[command.type] as Validator<CommandName>)(s, command.input, today);
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
    // Maatschappelijke begeleiding in the PIP runs since the BRP registration (Wi2021 art. 13).
    const since =
      m.module === 'MAATSCHAPPELIJKE_BEGELEIDING' ? ctx.s.dates.maatschappelijkeBegeleidingStart : undefined;
    ctx.s.modules[m.module] = { ...(since ? { startDate: since } : {}), ...current, ...m, inPip: true };
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

/** A missed summons (rules version 2: Wi2021 art. 14 lid 2) or a step of the old sanction ladder. */
function intakeNoShow(ctx: Ctx, i: CommandInput<'recordIntakeNoShow'>): void {
  const s = ctx.s;
  const model = lawFor(s, BREDE_INTAKE, i.date).values;
  const base = { inburgeraarId: s.inburgeraarId, coachId: s.coachId, noShowDate: i.date };
  if (model.model === 'SANCTIELADDER') {
    // Rules version 1, kept as it was so that running trajectories replay.
    const sanction = model.steps[s.intake.noShows.length]!;
    s.intake.noShows.push({ date: i.date, sanction });
    if (i.nextPlannedDate) s.dates.intakePlanned = i.nextPlannedDate;
    const seq = event(ctx, 'INTAKE_SANCTION', { sanction, noShowDate: i.date });
    const data = { ...base, sanction };
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
        data: { ...data, fineEur: model.fineEur, pipWithoutInput: sanction === 'TWEEDE_BOETE' },
      });
    return;
  }
  const summons = s.intake.noShows.length + 1;
  const last = summons >= model.summonses;
  const sanction = last ? 'GEEN' : 'WAARSCHUWING';
  s.intake.noShows.push({ date: i.date, sanction, summons });
  if (i.nextPlannedDate && !last) s.dates.intakePlanned = i.nextPlannedDate;
  const seq = event(ctx, 'INTAKE_SANCTION', { sanction, summons, noShowDate: i.date });
  const template = last ? 'INTAKE_ZONDER_INBURGERAAR' : 'INTAKE_WAARSCHUWING';
  notify(ctx, {
    id: `${template}:${seq}`,
    template,
    recipient: { role: 'coach', id: s.coachId },
    channel: 'email',
    data: { ...base, sanction, summons, summonses: model.summonses },
  });
}

const appliers: { [N in CommandName]: Applier<N> } = {
  planBredeIntake: (ctx, i) => {
    ctx.s.dates.intakePlanned = i.plannedDate;
    if (i.lbtPlannedDate) ctx.s.dates.lbtPlanned = i.lbtPlannedDate;
    setPhase(ctx, 'BREDE_INTAKE');
  },
  completeBredeIntake: (ctx, i) => {
    ctx.s.dates.intake = i.date;
    if (i.lbt) ctx.s.intake.lbt = { ...i.lbt };
    else if (i.lbtExemption) ctx.s.intake.lbt = { date: i.date, exemption: i.lbtExemption };
    else if (i.lbtNotTakenReason) ctx.s.intake.lbt = { date: i.date, notTakenReason: i.lbtNotTakenReason };
    setPhase(ctx, 'PIP');
  },
  completeBredeIntakeWithoutPerson: (ctx, i) => {
    ctx.s.dates.intake = i.date;
    ctx.s.intake.withoutPerson = true;
    setPhase(ctx, 'PIP');
  },
  recordIntakeNoShow: intakeNoShow,
  registerKennisgeving: (ctx, i) => {
    ctx.s.dates.kennisgeving = i.date;
  },
  registerBrpInschrijving: (ctx, i) => {
    ctx.s.dates.brpInschrijving = i.date;
    startMaatschappelijkeBegeleiding(ctx.s, i.date);
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
    const withoutInput = s.phase === 'BREDE_INTAKE' || !!s.intake.withoutPerson;
    s.pip = { decisionDate: i.decisionDate, route: i.route, withoutInput, revisions: [] };
    if (rulesVersionOf(s) > 1) s.pip.rulesVersion = rulesVersionOf(s);
    if (i.taalschoolPartnerId) s.pip.taalschoolPartnerId = i.taalschoolPartnerId;
    s.route = i.route;
    s.dates.pipDecision = i.decisionDate;
    // Wi2021 art. 11: the termijn starts the day after the first PIP; after moving here it runs on.
    if (!s.transferIn) s.dates.termijnStart = addDays(i.decisionDate, 1);
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
    ctx.s.hours[i.kind] = Math.round(((ctx.s.hours[i.kind] ?? 0) + i.hours) * 100) / 100;
  },
  recordExamResult: (ctx, i) => {
    const s = ctx.s;
    const attempts = s.exams[i.component] ?? [];
    const free = lawFor(s, GRATIS_EXAMENPOGINGEN, i.date).values;
    const downgraded = (downgradedSkills(s) as readonly string[]).includes(i.component);
    attempts.push({
      attempt: i.attempt,
      date: i.date,
      passed: i.passed,
      level: downgraded ? 'A2' : 'B1',
      free: i.attempt <= free.attempts && free.doelgroepen.includes(s.doelgroep),
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
    s.routeSwitches.push({
      date: i.date,
      from,
      to: i.to,
      reason: i.reason,
      ...(i.exceptionGround ? { exceptionGround: i.exceptionGround } : {}),
    });
    s.route = i.to;
    s.pip!.route = i.to;
    s.pip!.revisions.push({ decisionDate: i.date, reason: `schakelen ${from} → ${i.to}: ${i.reason}` });
    s.taalniveau = 'B1';
    delete s.downgradedOn;
    delete s.downgradedSkills;
    delete s.dates.leerrouteCompleted;
    // The revised PIP follows the new route's modules: MAP joins or leaves the plicht.
    if (mapRoutes(s).includes(i.to)) mergeModules(ctx, s.modules.MAP?.inPip ? [] : [{ module: 'MAP' }]);
    else if (s.modules.MAP) s.modules.MAP.inPip = false;
  },
  downgradeRoute: (ctx, i) => {
    const s = ctx.s;
    const skills = i.skills ?? LANGUAGE_SKILLS;
    const all = LANGUAGE_SKILLS.filter((k) => downgradedSkills(s).includes(k) || skills.includes(k));
    s.downgradedSkills = all;
    s.taalniveau = all.length === LANGUAGE_SKILLS.length ? 'A2' : 'B1';
    s.downgradedOn = i.date;
    // Besluit art. 5.3 lid 6: the PIP is adjusted.
    s.pip!.revisions.push({
      decisionDate: i.date,
      reason: `afschalen naar A2 (${skills.join(', ')}): ${i.reason}`,
    });
  },
  recordVoortgangsgesprek: (ctx, i) => {
    ctx.s.voortgangsgesprekken.push(i.date);
  },
  grantExtension: (ctx, i) => {
    const s = ctx.s;
    const end = currentTermijnEnd(s)!;
    const moved = addPeriod(end, periodOf(i.period));
    s.extensions.push({
      ground: i.ground,
      decisionDate: i.decisionDate,
      ...(i.requestDate ? { requestDate: i.requestDate } : {}),
      period: { ...i.period },
      periodDays: daysBetween(end, moved),
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
  registerStartLessen: (ctx, i) => {
    ctx.s.dates.lessenStart = i.date;
  },
  registerMeldingAanbodDuo: (ctx, i) => {
    ctx.s.dates.aanbodGemeldBijDuo = i.date;
  },
  imposeFine: (ctx, i) => {
    const s = ctx.s;
    const amount = fineAmount(s, i.ground, i.decisionDate);
    const fine: Fine = {
      decisionDate: i.decisionDate,
      ground: i.ground,
      article: amount.article,
      amountEur: amount.amountEur,
      nominalEur: amount.nominalEur,
      source: amount.source,
      // Art. 22: the new term as decided, or the maximum of 2 months.
      ...(amount.article === 'WI2021_ART_22'
        ? {
            newTermEnd:
              i.newTermEnd ??
              addPeriod(i.decisionDate, lawFor(s, BOETE_BREDE_INTAKE, i.decisionDate).values.newTermMax),
          }
        : {}),
      ...(i.reason ? { reason: i.reason } : {}),
    };
    s.fines = [...(s.fines ?? []), fine];
    const { reason: _reason, ...recorded } = fine;
    event(ctx, 'FINE_RECORDED', { ...recorded, totalEur: s.fines.reduce((sum, f) => sum + f.amountEur, 0) });
  },
  registerPlichtOnderbreking: (ctx, i) => {
    const s = ctx.s;
    const periodDays = onderbrekingDays(s, i.from, i.to);
    s.onderbrekingen = [
      ...(s.onderbrekingen ?? []),
      {
        from: i.from,
        to: i.to,
        registeredOn: s.today,
        periodDays,
        ...(i.reason ? { reason: i.reason } : {}),
      },
    ];
  },
};

/** The day a way to meet the route was met, if it was. */
function wayMetOn(
  s: TrajectoryState,
  way: { completion: boolean; exams: readonly string[] },
): string | undefined {
  if (way.completion && !s.dates.leerrouteCompleted) return undefined;
  const exams = way.exams.map((c) => passedOn(s, c));
  if (exams.some((d) => !d)) return undefined;
  return (
    maxDate(way.completion ? s.dates.leerrouteCompleted : undefined, ...exams) ?? s.dates.leerrouteCompleted
  );
}

/**
 * Plicht voldaan (Wi2021 art. 6 lid 1): the route is met (one of its ways, ./law.ts LEERROUTE_EISEN)
 * and PVT and MAP (where it applies) are done. The date is the day the last requirement was met.
 */
export function voldaanDate(s: TrajectoryState): string | undefined {
  if (!s.route || isEnded(s.phase)) return undefined;
  const routeMet = minDate(...routeWays(s, s.route).map((w) => wayMetOn(s, w)));
  if (!routeMet) return undefined;
  const modules = requiredModules(s, s.route).map((m) => s.modules[m]?.completedDate);
  if (modules.some((d) => !d)) return undefined;
  return maxDate(routeMet, ...modules);
}

/** Ends the trajectory as voldaan and tells the coach. */
function finish(ctx: Ctx, done: string): void {
  end(ctx, 'AFGEROND', 'VOLDAAN', done);
  notify(ctx, {
    id: `AFGEROND:${done}`,
    template: 'AFGEROND',
    recipient: { role: 'coach', id: ctx.s.coachId },
    channel: 'email',
    data: { inburgeraarId: ctx.s.inburgeraarId, date: done, route: ctx.s.route ?? '' },
  });
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
  if (done) finish(ctx, done);
  ctx.s.deadlines = computeDeadlines(ctx.s);
  return { state: ctx.s, events: ctx.events, notifications: ctx.notifications };
}

/**
 * Moves a trajectory to a newer rules version (./law.ts): from now on it is computed with the rows
 * of that version (deadlines, when the plicht is voldaan, what actions do). An audit event records
 * the move; a plicht that the newer rules find met ends the trajectory. No-op when already there.
 */
export function upgradeRules(
  state: TrajectoryState,
  now: string,
  to: number = CURRENT_RULES_VERSION,
): Transition {
  const from = rulesVersionOf(state);
  if (from >= to) return { state, events: [], notifications: [] };
  const ctx: Ctx = { s: clone(state), now, events: [], notifications: [] };
  ctx.s.today = localDate(now);
  ctx.s.rulesVersion = to;
  ctx.s.rulesUpgraded = { from, date: ctx.s.today };
  event(ctx, 'RULES_UPGRADED', { from, to });
  const done = voldaanDate(ctx.s);
  if (done) finish(ctx, done);
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
