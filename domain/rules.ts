/**
 * Every legal term and every *policy* value as a named rule: its length, the event that starts it,
 * who it binds, what happens when it passes, and its source. Values marked *check* come from a
 * secondary source (shared/domain.md): they are single named constants so one edit corrects them.
 * Values marked *policy* are gemeente choices: they live in GemeenteSettings (domain/settings.ts).
 */
import type { Period } from './dates';
import type { Binds, DeadlineKind, ExamComponent, Leerroute, ModuleCode } from './types';

export interface TermRule {
  id: string;
  label: string;
  kind: DeadlineKind;
  /** Length of the term; `undefined` when it comes from settings or a PIP agreement. */
  length?: Period;
  startEvent: string;
  binds: Binds;
  whenPassed: string;
  source: string;
  /** Deadlines of this rule move when DUO grants an extension of the inburgeringstermijn. */
  movesWithExtension: boolean;
}

/**
 * Housing target. Source: *policy* (domain.md phase 1: "gemeente target ~10 weeks for housing").
 * Starts at the koppeling; only for asielstatushouders (gezinsmigranten arrive with housing).
 * Length: settings.huisvestingTargetWeeks (default 10). Passed: escalate to the manager.
 */
export const HUISVESTING: TermRule = {
  id: 'HUISVESTING',
  label: 'Huisvesting (doel)',
  kind: 'DEADLINE',
  startEvent: 'koppeling',
  binds: 'gemeente',
  whenPassed: 'escalatie naar manager (monitoringcijfer)',
  source: 'beleid gemeente (huisvestingsdoel ~10 weken na koppeling)',
  movesWithExtension: false,
};

/**
 * PIP term. Source: Wi2021 art. 15 jo. Besluit inburgering 2021 art. 5.3 (*check*): the college
 * sets the PIP within 10 weeks of the DUO kennisgeving, or of the BRP registration if that is later.
 * Passed: escalate to the manager; it counts in the monitoring figures.
 * Waiting for third-party information (registered within the term) holds the term; once the
 * information arrives the PIP is due PIP_THIRD_PARTY_GRACE_WEEKS later, or at the 10-week date if
 * that is later (Besluit inburgering 2021 art. 5.3, *check*).
 */
export const PIP_VASTSTELLEN: TermRule = {
  id: 'PIP_VASTSTELLEN',
  label: 'PIP vaststellen',
  kind: 'DEADLINE',
  length: { weeks: 10 },
  startEvent: 'DUO-kennisgeving of BRP-inschrijving, de laatste van beide',
  binds: 'gemeente',
  whenPassed: 'escalatie naar manager (monitoringcijfer)',
  source: 'Wi2021 art. 15; Besluit inburgering 2021 art. 5.3 (check)',
  movesWithExtension: false,
};
export const PIP_THIRD_PARTY_GRACE_WEEKS = 2; // *check* Besluit art. 5.3

/**
 * Inburgeringstermijn. Source: Wi2021 art. 7 (*check*): 3 years, starting the day after the date on
 * the PIP decision; PIP revisions do not move it; DUO extensions do. The last day of the term is
 * start + 3 years - 1 day (= the PIP decision date + 3 years).
 * Passed: DUO decides: extension when not the person's fault, otherwise a fine and a new term.
 */
export const INBURGERINGSTERMIJN: TermRule = {
  id: 'INBURGERINGSTERMIJN',
  label: 'Inburgeringstermijn',
  kind: 'DEADLINE',
  length: { years: 3 },
  startEvent: 'dag na de datum van het PIP-besluit',
  binds: 'inburgeraar',
  whenPassed: 'DUO: verlenging (niet verwijtbaar) of boete + nieuwe termijn; escalatie naar manager',
  source: 'Wi2021 art. 7 (check)',
  movesWithExtension: true,
};

/**
 * Route switch window (schakelen). Source: Wi2021 / Besluit inburgering 2021 art. 4.x, DUO
 * explanation (*check*): a route can be switched within 1.5 years of the start of the termijn;
 * onderwijsroute → B1-route at any time. Passed: switching is no longer possible.
 */
export const ROUTE_SWITCH: TermRule = {
  id: 'ROUTE_SWITCH',
  label: 'Schakelen van leerroute mogelijk',
  kind: 'TERM_END',
  length: { months: 18 },
  startEvent: 'start inburgeringstermijn',
  binds: 'gemeente+inburgeraar',
  whenPassed: 'schakelen niet meer mogelijk (behalve onderwijsroute → B1-route)',
  source: 'Besluit inburgering 2021 (schakelen binnen 1,5 jaar, check)',
  movesWithExtension: false,
};

/**
 * Ontzorgen. Source: Wi2021 art. 16 (*check*): for asielstatushouders on bijstand, the gemeente pays
 * fixed costs from the benefit for the first 6 months from the start of the bijstand.
 * Passed: ontzorgen ends; the coach decides on follow-up.
 */
export const ONTZORGEN: TermRule = {
  id: 'ONTZORGEN',
  label: 'Ontzorgen (6 maanden)',
  kind: 'TERM_END',
  length: { months: 6 },
  startEvent: 'start bijstand',
  binds: 'gemeente',
  whenPassed: 'ontzorgen eindigt; besluit over vervolg',
  source: 'Wi2021 art. 16 (check)',
  movesWithExtension: false,
};

/**
 * Extension request. Source: Besluit inburgering 2021 art. 3.x / DUO (*check*): an extension of the
 * termijn can be requested no sooner than 2.5 years into the termijn. Not a deadline: a date before
 * which grantExtension is refused.
 */
export const EXTENSION_REQUEST_FROM: Period = { months: 30 };

/**
 * Extension grounds and periods (DUO decides). Source: Besluit inburgering 2021 art. 3.x (*check*):
 * illness > 3 months (self or close family), birth (16 weeks), special circumstances ≥ 3 months,
 * a non-exempting course. All deadlines with movesWithExtension move by the granted period.
 */
export const EXTENSION_MIN_MONTHS = 3;
export const EXTENSION_BIRTH_WEEKS = 16;

/**
 * Voortgangsgesprek. Source: *policy* (domain.md: every 3 months): counted from the PIP decision,
 * then from the last gesprek. Passed: reminder, then escalation to the manager.
 */
export const VOORTGANGSGESPREK: TermRule = {
  id: 'VOORTGANGSGESPREK',
  label: 'Voortgangsgesprek',
  kind: 'DEADLINE',
  startEvent: 'PIP-besluit of vorig voortgangsgesprek',
  binds: 'coach',
  whenPassed: 'escalatie naar manager',
  source: 'beleid gemeente (elke 3 maanden)',
  movesWithExtension: false,
};

/**
 * A module's agreed end date from the PIP. Source: the PIP itself (Wi2021 art. 15: the PIP names the
 * modules and how progress is followed). Passed: escalate; it moves with a DUO extension.
 */
export const MODULE_AFSPRAAK: TermRule = {
  id: 'MODULE_AFSPRAAK',
  label: 'Module afgerond (PIP-afspraak)',
  kind: 'DEADLINE',
  startEvent: 'PIP-besluit (afgesproken einddatum)',
  binds: 'gemeente+inburgeraar',
  whenPassed: 'escalatie naar manager; bespreken in voortgangsgesprek',
  source: 'PIP (Wi2021 art. 15)',
  movesWithExtension: true,
};

export const TERM_RULES: Record<string, TermRule> = {
  HUISVESTING,
  PIP_VASTSTELLEN,
  INBURGERINGSTERMIJN,
  ROUTE_SWITCH,
  ONTZORGEN,
  VOORTGANGSGESPREK,
  MODULE_AFSPRAAK,
};

/** DUO gives two free attempts per exam (*check*); later attempts are at the person's cost. */
export const FREE_EXAM_ATTEMPTS = 2;

/** Afschalen B1 → A2 only after at least 600 hours of NT2 lessons at a keurmerk school (*check*). */
export const DOWNGRADE_MIN_LESSON_HOURS = 600;

/** Z-route: 800 h lessons (NT2 + KNM); asielstatushouders also 800 h participation (*check*). */
export const Z_ROUTE_LESSON_HOURS = 800;
export const Z_ROUTE_PARTICIPATION_HOURS = 800;

/** MAP: at least 40 hours (8 themes, final interview). Source: Regeling inburgering 2021 (check). */
export const MAP_MIN_HOURS = 40;

/** Fine for not taking part in the brede intake (*check*). */
export const INTAKE_FINE_EUR = 250;

/** The routes in which MAP is part of the plicht (not the onderwijsroute) (*check* for Z). */
export const MAP_ROUTES: readonly Leerroute[] = ['B1', 'Z'];

/** The exams each route requires for the plicht (Z-route: no compulsory exam). */
export const REQUIRED_EXAMS: Record<Leerroute, readonly ExamComponent[]> = {
  B1: ['LEZEN', 'LUISTEREN', 'SCHRIJVEN', 'SPREKEN', 'KNM'],
  ONDERWIJS: ['KNM'],
  Z: [],
};

/** Modules a PIP must contain per route (PVT always; MAP where it applies). */
export function requiredModules(route: Leerroute): ModuleCode[] {
  return MAP_ROUTES.includes(route) ? ['PVT', 'MAP'] : ['PVT'];
}
