/**
 * The deadlines and terms of a trajectory as named rules: what starts each, who it binds, what
 * happens when it passes, and where its length and article come from. Lengths and articles of the
 * law live, per version and date, in ./law.ts; a deadline shows the article of the version that
 * decided its case. *Policy* values (the law sets no number) are gemeente settings (./settings.ts).
 *
 * Also here: what a route requires (modules, exams), derived from the law rows of a trajectory.
 */
import {
  BOETE_BREDE_INTAKE,
  INBURGERINGSTERMIJN_WET,
  LEERROUTE_EISEN,
  ONTZORGEN_WET,
  PIP_TERMIJN,
  SCHAKELEN,
  TIJDIG_AANBOD_WET,
  WI2021_IN_FORCE,
  Z_ROUTE,
  inForce,
  rulesVersionOf,
  type LawRule,
  type RouteWay,
} from './law';
import type { Binds, DeadlineKind, ExamComponent, Leerroute, ModuleCode } from './types';

export interface TermRule {
  id: string;
  label: string;
  kind: DeadlineKind;
  startEvent: string;
  binds: Binds;
  whenPassed: string;
  /** The law rule that gives its length and article (per version and date). */
  law?: LawRule<unknown>;
  /** The source shown when no law rule decides it: the gemeente's policy, or the PIP itself. */
  source?: string;
  /** Deadlines of this rule move when the inburgeringstermijn is extended (or a gap extends it). */
  movesWithExtension: boolean;
}

/** Housing target (*policy*: settings.huisvestingTargetWeeks, ~10 weeks). Asielstatushouders only. */
export const HUISVESTING: TermRule = {
  id: 'HUISVESTING',
  label: 'Huisvesting (doel)',
  kind: 'DEADLINE',
  startEvent: 'koppeling',
  binds: 'gemeente',
  whenPassed: 'escalatie naar manager (monitoringcijfer)',
  source: 'beleid gemeente (huisvestingsdoel na koppeling)',
  movesWithExtension: false,
};

/**
 * PIP term: 10 weeks (law.ts PIP_TERMIJN, and PIP_TERMIJN_NA_VERHUIZING for a person who moved
 * here). Waiting for third-party information puts it on hold where the version in force allows.
 */
export const PIP_VASTSTELLEN: TermRule = {
  id: 'PIP_VASTSTELLEN',
  label: 'PIP vaststellen',
  kind: 'DEADLINE',
  startEvent:
    'DUO-kennisgeving, of de latere BRP-inschrijving (vanaf 2023); BRP-inschrijving (2022; na verhuizing)',
  binds: 'gemeente',
  whenPassed: 'escalatie naar manager (monitoringcijfer)',
  law: PIP_TERMIJN,
  movesWithExtension: false,
};

/** Inburgeringstermijn (Wi2021 art. 11): 3 years from the day after the date on the first PIP. */
export const INBURGERINGSTERMIJN: TermRule = {
  id: 'INBURGERINGSTERMIJN',
  label: 'Inburgeringstermijn',
  kind: 'DEADLINE',
  startEvent: 'dag na de datum van het (eerste) PIP-besluit',
  binds: 'inburgeraar',
  whenPassed: 'DUO: verlenging (niet verwijtbaar) of boete + nieuwe termijn; escalatie naar manager',
  law: INBURGERINGSTERMIJN_WET,
  movesWithExtension: true,
};

/** Route switch window (Besluit art. 5.4): 1.5 years from the start of the termijn. */
export const ROUTE_SWITCH: TermRule = {
  id: 'ROUTE_SWITCH',
  label: 'Schakelen van leerroute mogelijk',
  kind: 'TERM_END',
  startEvent: 'start inburgeringstermijn',
  binds: 'gemeente+inburgeraar',
  whenPassed:
    'schakelen niet meer mogelijk, behalve onderwijsroute → B1-route en (vanaf 2023) na een niet-vrijstellende opleiding of in bijzondere gevallen',
  law: SCHAKELEN,
  movesWithExtension: false,
};

/** Ontzorgen (Participatiewet art. 56a): 6 months from the day the right to bijstand arises. */
export const ONTZORGEN: TermRule = {
  id: 'ONTZORGEN',
  label: 'Ontzorgen (6 maanden)',
  kind: 'TERM_END',
  startEvent: 'dag waarop het recht op bijstand ontstaat',
  binds: 'gemeente',
  whenPassed: 'ontzorgen eindigt; besluit over vervolg',
  law: ONTZORGEN_WET,
  movesWithExtension: false,
};

/**
 * Timely course offer (Wi2021 art. 16): lessons start within 3 months of the PIP (6 in the
 * onderwijsroute), asielstatushouders. Passed: a ground for an extension without blame, and the
 * gemeente reports it to DUO (Besluit art. 9.3 lid 2 b).
 */
export const TIJDIG_AANBOD: TermRule = {
  id: 'TIJDIG_AANBOD',
  label: 'Lessen gestart (tijdig aanbod)',
  kind: 'DEADLINE',
  startEvent: 'PIP-besluit',
  binds: 'gemeente',
  whenPassed:
    'grond voor verlenging zonder verwijt (Besluit art. 4.3); de gemeente meldt het aan DUO en geeft de inburgeraar een verklaring',
  law: TIJDIG_AANBOD_WET,
  movesWithExtension: false,
};

/**
 * The new term a brede-intake fine sets (Wi2021 art. 22: at most 2 months): the person must still
 * take part; when the term passes, the college may impose a further fine.
 */
export const BOETE_TERMIJN: TermRule = {
  id: 'BOETE_TERMIJN',
  label: 'Nieuwe termijn na boete brede intake',
  kind: 'DEADLINE',
  startEvent: 'boetebesluit (Wi2021 art. 22)',
  binds: 'inburgeraar',
  whenPassed:
    'escalatie naar manager: een volgende boete van het college is mogelijk; afgesloten zodra de intake is afgerond',
  law: BOETE_BREDE_INTAKE,
  movesWithExtension: false,
};

/**
 * Voortgangsgesprek (*policy*, settings.voortgangsgesprekIntervalMonths): counted from the PIP,
 * then from the last gesprek; the number of gesprekken is part of the PIP (Besluit art. 5.3 lid 4).
 */
export const VOORTGANGSGESPREK: TermRule = {
  id: 'VOORTGANGSGESPREK',
  label: 'Voortgangsgesprek',
  kind: 'DEADLINE',
  startEvent: 'PIP-besluit of vorig voortgangsgesprek',
  binds: 'coach',
  whenPassed: 'escalatie naar manager',
  source: 'beleid gemeente (interval); aantal gesprekken in het PIP: Besluit inburgering 2021 art. 5.3 lid 4',
  movesWithExtension: false,
};

/** A module's agreed end date in the PIP (Wi2021 art. 15). Moves with an extension. */
export const MODULE_AFSPRAAK: TermRule = {
  id: 'MODULE_AFSPRAAK',
  label: 'Module afgerond (PIP-afspraak)',
  kind: 'DEADLINE',
  startEvent: 'PIP-besluit (afgesproken einddatum)',
  binds: 'gemeente+inburgeraar',
  whenPassed: 'escalatie naar manager; bespreken in voortgangsgesprek',
  source: 'afspraak in het PIP (Wi2021 art. 15)',
  movesWithExtension: true,
};

export const TERM_RULES: Record<string, TermRule> = {
  HUISVESTING,
  PIP_VASTSTELLEN,
  INBURGERINGSTERMIJN,
  ROUTE_SWITCH,
  ONTZORGEN,
  TIJDIG_AANBOD,
  BOETE_TERMIJN,
  VOORTGANGSGESPREK,
  MODULE_AFSPRAAK,
};

/** The source a user sees for a term rule without a case (its newest version, or its policy). */
export function currentSourceOf(rule: TermRule): string {
  if (rule.law) return inForce(rule.law, '9999-12-31')!.source;
  return rule.source ?? '';
}

// ---------------------------------------------------------------------------------------------
// What a route requires (Wi2021 art. 6-9), per trajectory's rules version
// ---------------------------------------------------------------------------------------------

type VersionOf = { rulesVersion?: number };

function eisen(s: VersionOf) {
  return inForce(LEERROUTE_EISEN, WI2021_IN_FORCE, rulesVersionOf(s))!.values;
}

/** The ways a route can be met: completion and/or exams. */
export function routeWays(s: VersionOf, route: Leerroute): readonly RouteWay[] {
  return eisen(s).ways[route];
}

/** The routes in which MAP is part of the plicht (B1- and Z-route; not the onderwijsroute). */
export function mapRoutes(s: VersionOf): readonly Leerroute[] {
  return eisen(s).mapRoutes;
}

/** Exams that count in a route (any of its ways). */
export function examsInRoute(s: VersionOf, route: Leerroute): readonly ExamComponent[] {
  const key = `${rulesVersionOf(s)}:${route}`;
  let exams = examsMemo.get(key);
  if (!exams) {
    exams = [...new Set(routeWays(s, route).flatMap((w) => w.exams))];
    examsMemo.set(key, exams);
  }
  return exams;
}

/** Memo per rules version and route (the table is constant; the "what now" probes ask it often). */
const examsMemo = new Map<string, readonly ExamComponent[]>();

/** Modules a PIP must contain per route: PVT always, MAP where it applies. */
export function requiredModules(s: VersionOf, route: Leerroute): ModuleCode[] {
  return mapRoutes(s).includes(route) ? ['PVT', 'MAP'] : ['PVT'];
}

/**
 * Per route, the exams of its main way as the law stands now (the newest rows of ./law.ts): the
 * B1-route its five exams; the onderwijsroute and the Z-route none (they are met by completing
 * them; the B1 exams are the onderwijsroute's other way). For pages that explain a route.
 */
export const REQUIRED_EXAMS: Record<Leerroute, readonly ExamComponent[]> = (() => {
  const ways = inForce(LEERROUTE_EISEN, '9999-12-31')!.values.ways;
  return { B1: ways.B1[0]!.exams, ONDERWIJS: ways.ONDERWIJS[0]!.exams, Z: ways.Z[0]!.exams };
})();

/** The brede-intake fine as the law stands now (Wi2021 art. 22; ./law.ts BOETE_BREDE_INTAKE). */
export const INTAKE_FINE_EUR = inForce(BOETE_BREDE_INTAKE, '9999-12-31')!.values.amountEur;

/** Z-route course hours (NT2 and KNM together) as the law stands now (Wi2021 art. 9; ./law.ts Z_ROUTE). */
export const Z_ROUTE_LESSON_HOURS = inForce(Z_ROUTE, '9999-12-31')!.values.courseHours;
