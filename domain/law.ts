/**
 * The law as data: every rule of the Wet inburgering 2021 (Wi2021), the Besluit and Regeling
 * inburgering 2021 and Participatiewet art. 56a that this service computes, as a list of versions.
 * Each version says
 * - `validFrom`: the first day it is in force (the Besluit changed on 1 January 2023, Stb. 2022, 489);
 * - `source`: the article a user sees next to every date computed with it;
 * - `values`: its numbers, terms and conditions;
 * - `rules` / `retiredIn`: which versions of this service's rules use the row (see below).
 *
 * A case is decided by the version in force on the date that matters for that rule (`decidedBy`:
 * the day a term starts, the date of a decision, of a switch). The next change of the law is a new
 * row with its date: old rows stay, so older cases keep being decided by the law of their date.
 *
 * Rules versions. A running trajectory is a Temporal workflow whose history must replay exactly:
 * a row that changes what a running trajectory does (its deadlines and so its reminders, when the
 * plicht is voldaan, the notifications of an action) can only apply from a new rules version,
 * which the workflow adopts through `patched()` (workflows/trajectory.ts). Such a row gets
 * `rules: <new version>`; the row it replaces for the older version gets `retiredIn`. Rows that only
 * change a check on a new action, or a value no one is notified about, apply to every version
 * (`rules: 1`): a command is always checked against a trajectory already on the current version.
 * Version 1 is what this service computed before the review per article of December 2026.
 */
import type { Period } from './dates';
import type {
  Doelgroep,
  ExamComponent,
  ExtensionGround,
  FineGround,
  IntakeSanction,
  LbtExemption,
  Leerroute,
  ModuleCode,
  RouteSwitchException,
  Verblijfsvergunning,
} from './types';

/** The rules version new trajectories are computed with. */
export const CURRENT_RULES_VERSION = 2;

/** What each rules version is (shown in the docs; the workflow's patch ids are per version). */
export const RULES_VERSIONS: Record<number, string> = {
  1: 'de regels zoals deze dienst ze rekende tot december 2026',
  2: 'de regels na de controle per artikel van december 2026, met de wijziging van het Besluit per 1 januari 2023',
};

export interface LawVersion<V> {
  /** First day in force (YYYY-MM-DD). */
  validFrom: string;
  /** First rules version of this service that applies this row. */
  rules: number;
  /** Rules version from which this row no longer applies (replaced by a newer row). */
  retiredIn?: number;
  /** Article(s) as shown to users. */
  source: string;
  values: V;
}

export interface LawRule<V> {
  id: string;
  /** Dutch short title. */
  title: string;
  /** Which date of a case picks the version in force. */
  decidedBy: string;
  versions: readonly LawVersion<V>[];
}

/** The Wet inburgering 2021 entered into force on 1 January 2022. */
export const WI2021_IN_FORCE = '2022-01-01';
/** The amended Besluit inburgering 2021 (Stb. 2022, 489) entered into force on 1 January 2023. */
export const BESLUIT_2023 = '2023-01-01';

const rule = <V>(r: LawRule<V>): LawRule<V> => r;

/** The rows a rules version applies, oldest `validFrom` first. */
export function versionsFor<V>(r: LawRule<V>, rulesVersion: number): LawVersion<V>[] {
  return [...knownRows(r, rulesVersion)];
}

/**
 * Memo of the rows per rule and rules version: the table is constant, and the rules ask for it on
 * every check (the "what now" probes validate thousands of inputs). A memo of a pure function of
 * constant data cannot change a result, so it is safe in the workflow sandbox too.
 */
const rowsMemo = new WeakMap<LawRule<unknown>, Map<number, readonly LawVersion<unknown>[]>>();

function knownRows<V>(r: LawRule<V>, rulesVersion: number): readonly LawVersion<V>[] {
  const perVersion = rowsMemo.get(r as LawRule<unknown>) ?? new Map<number, readonly LawVersion<unknown>[]>();
  rowsMemo.set(r as LawRule<unknown>, perVersion);
  let rows = perVersion.get(rulesVersion) as readonly LawVersion<V>[] | undefined;
  if (!rows) {
    rows = r.versions
      .filter((v) => v.rules <= rulesVersion && (v.retiredIn === undefined || rulesVersion < v.retiredIn))
      .sort((a, b) => a.validFrom.localeCompare(b.validFrom));
    perVersion.set(rulesVersion, rows as readonly LawVersion<unknown>[]);
  }
  return rows;
}

/**
 * The version of `r` in force on `date` for a trajectory on `rulesVersion`: the row with the latest
 * `validFrom` on or before the date. A date before every row (a fact from before the Wi2021) gets
 * the first row. Undefined when the rules version does not know the rule at all.
 */
export function inForce<V>(
  r: LawRule<V>,
  date: string,
  rulesVersion: number = CURRENT_RULES_VERSION,
): LawVersion<V> | undefined {
  const known = knownRows(r, rulesVersion);
  let found: LawVersion<V> | undefined;
  for (const v of known) if (v.validFrom <= date) found = v;
  return found ?? known[0];
}

// ---------------------------------------------------------------------------------------------
// Terms
// ---------------------------------------------------------------------------------------------

export type PipAnchor = 'BRP' | 'KENNISGEVING_OF_LATERE_BRP';

/**
 * PIP term (Wi2021 art. 15 lid 5, Besluit art. 5.3): the college sets the PIP within 10 weeks.
 * - 2022: counted from the registration in the BRP of the housing gemeente; no exception.
 * - Since 1 January 2023: counted from the DUO kennisgeving, or from the BRP registration when the
 *   person was not yet registered on that date; when the PIP reasonably cannot be set without
 *   information the college waits for, at most 2 weeks after it arrives (lid 2).
 * A term follows the version in force on the day it starts.
 */
export const PIP_TERMIJN = rule<{ length: Period; anchor: PipAnchor; thirdPartyGraceWeeks?: number }>({
  id: 'PIP_TERMIJN',
  title: 'PIP vaststellen',
  decidedBy: 'de dag waarop de termijn begint',
  versions: [
    {
      // What rules version 1 computed for every date (the 2023 text also for 2022 cases).
      validFrom: WI2021_IN_FORCE,
      rules: 1,
      retiredIn: 2,
      source: 'Besluit inburgering 2021 art. 5.3 lid 1 en 2 (Wi2021 art. 15 lid 5)',
      values: { length: { weeks: 10 }, anchor: 'KENNISGEVING_OF_LATERE_BRP', thirdPartyGraceWeeks: 2 },
    },
    {
      validFrom: WI2021_IN_FORCE,
      rules: 2,
      source: 'Besluit inburgering 2021 art. 5.3 lid 1, tekst 2022 (Wi2021 art. 15 lid 5)',
      values: { length: { weeks: 10 }, anchor: 'BRP' },
    },
    {
      validFrom: BESLUIT_2023,
      rules: 1,
      source: 'Besluit inburgering 2021 art. 5.3 lid 1 en 2 (Wi2021 art. 15 lid 5)',
      values: { length: { weeks: 10 }, anchor: 'KENNISGEVING_OF_LATERE_BRP', thirdPartyGraceWeeks: 2 },
    },
  ],
});

/** A person who moved here: the new PIP within 10 weeks of the BRP registration here, same route. */
export const PIP_TERMIJN_NA_VERHUIZING = rule<{ length: Period }>({
  id: 'PIP_TERMIJN_NA_VERHUIZING',
  title: 'PIP vaststellen na verhuizing',
  decidedBy: 'de dag van inschrijving in de BRP van deze gemeente',
  versions: [
    {
      validFrom: WI2021_IN_FORCE,
      rules: 1,
      source: 'Wi2021 art. 15 lid 4; Besluit inburgering 2021 art. 5.3 lid 3',
      values: { length: { weeks: 10 } },
    },
  ],
});

/**
 * Inburgeringstermijn (Wi2021 art. 11): 3 years from the day after the date on the PIP decision;
 * re-setting, or revoking and replacing the PIP does not move it.
 */
export const INBURGERINGSTERMIJN_WET = rule<{ length: Period }>({
  id: 'INBURGERINGSTERMIJN',
  title: 'Inburgeringstermijn',
  decidedBy: 'de dag na de datum van het (eerste) PIP',
  versions: [
    { validFrom: WI2021_IN_FORCE, rules: 1, source: 'Wi2021 art. 11', values: { length: { years: 3 } } },
  ],
});

/** A gap in the obligation extends the termijn by its length, all gaps together at most 1 year. */
export const ONDERBREKING = rule<{ maxTotal: Period }>({
  id: 'ONDERBREKING',
  title: 'Onderbreking van de inburgeringsplicht',
  decidedBy: 'de eerste dag van de onderbreking',
  versions: [
    {
      validFrom: WI2021_IN_FORCE,
      rules: 1,
      source: 'Besluit inburgering 2021 art. 4.2 en art. 2.1 lid 2',
      values: { maxTotal: { years: 1 } },
    },
  ],
});

/**
 * Extension request: not earlier than 6 months before the end of the termijn as it runs then
 * (already extended termijnen included); DUO decides within 8 weeks.
 */
export const VERLENGING_AANVRAAG = rule<{ notBeforeEnd: Period; duoDecidesWithin: Period }>({
  id: 'VERLENGING_AANVRAAG',
  title: 'Verlenging aanvragen',
  decidedBy: 'de datum van de aanvraag',
  versions: [
    {
      validFrom: WI2021_IN_FORCE,
      rules: 1,
      source: 'Wi2021 art. 12; Besluit inburgering 2021 art. 4.5',
      values: { notBeforeEnd: { months: 6 }, duoDecidesWithin: { weeks: 8 } },
    },
  ],
});

export interface ExtensionGroundRule {
  source: string;
  /** The granted period must be at least this long. */
  minPeriod?: Period;
  /** The granted period is exactly this. */
  fixedPeriod?: Period;
}

/** Extension grounds with their periods; the niet-vrijstellende opleiding since 1 January 2023. */
export const VERLENGINGSGRONDEN = rule<{ grounds: Partial<Record<ExtensionGround, ExtensionGroundRule>> }>(
  (() => {
    const geenVerwijt = 'Wi2021 art. 12; Besluit inburgering 2021 art. 4.3 lid 1';
    const grounds2022: Partial<Record<ExtensionGround, ExtensionGroundRule>> = {
      ZIEKTE: { source: geenVerwijt, minPeriod: { months: 3 } },
      ZWANGERSCHAP_BEVALLING: { source: geenVerwijt, fixedPeriod: { weeks: 16 } },
      BIJZONDERE_OMSTANDIGHEDEN: { source: geenVerwijt, minPeriod: { months: 3 } },
      GEEN_TIJDIG_AANBOD: { source: `${geenVerwijt}; Wi2021 art. 16` },
      AANZIENLIJKE_INSPANNINGEN: {
        source: 'Wi2021 art. 12; Besluit inburgering 2021 art. 4.4; Regeling inburgering 2021 art. 4.1',
        fixedPeriod: { months: 6 },
      },
    };
    return {
      id: 'VERLENGINGSGRONDEN',
      title: 'Gronden voor verlenging van de inburgeringstermijn',
      decidedBy: 'de datum van het besluit van DUO',
      versions: [
        { validFrom: WI2021_IN_FORCE, rules: 1, source: geenVerwijt, values: { grounds: grounds2022 } },
        {
          validFrom: BESLUIT_2023,
          rules: 1,
          source: 'Wi2021 art. 12; Besluit inburgering 2021 art. 4.3 lid 1 en 2',
          values: {
            grounds: {
              ...grounds2022,
              NIET_ONTHEFFENDE_OPLEIDING: {
                source:
                  'Wi2021 art. 12; Besluit inburgering 2021 art. 4.3 lid 2; Regeling inburgering 2021 art. 4.2',
              },
            },
          },
        },
      ],
    };
  })(),
);

/**
 * Aanzienlijke inspanningen: a fixed 6 months when the person follows the B1-route, followed all
 * lessons (gezinsmigranten: at least 450 hours), passed at least 2 of the 4 language exams and KNM,
 * and completed PVT and MAP.
 */
export const AANZIENLIJKE_INSPANNINGEN = rule<{
  route: Leerroute;
  minLanguageExamsPassed: number;
  knmPassed: boolean;
  modulesCompleted: ModuleCode[];
  gezinsmigrantMinLessonHours: number;
}>({
  id: 'AANZIENLIJKE_INSPANNINGEN',
  title: 'Verlenging na aanzienlijke inspanningen',
  decidedBy: 'de datum van het besluit van DUO',
  versions: [
    {
      validFrom: WI2021_IN_FORCE,
      rules: 1,
      source: 'Wi2021 art. 12; Besluit inburgering 2021 art. 4.4; Regeling inburgering 2021 art. 4.1',
      values: {
        route: 'B1',
        minLanguageExamsPassed: 2,
        knmPassed: true,
        modulesCompleted: ['PVT', 'MAP'],
        gezinsmigrantMinLessonHours: 450,
      },
    },
  ],
});

/**
 * Switching route (schakelen): within 1.5 years of the start of the termijn; onderwijsroute →
 * B1-route at any time; since 1 January 2023 also after a niet-vrijstellende opleiding ended, and
 * in special cases. A switch means a revised PIP.
 */
export const SCHAKELEN = rule<{
  window: Period;
  anyTime: readonly (readonly [Leerroute, Leerroute])[];
  exceptions: readonly RouteSwitchException[];
}>({
  id: 'SCHAKELEN',
  title: 'Schakelen van leerroute',
  decidedBy: 'de datum van het gewijzigde PIP',
  versions: [
    {
      validFrom: WI2021_IN_FORCE,
      rules: 1,
      source: 'Wi2021 art. 17 lid 2; Besluit inburgering 2021 art. 5.4, tekst 2022',
      values: { window: { months: 18 }, anyTime: [['ONDERWIJS', 'B1']], exceptions: [] },
    },
    {
      validFrom: BESLUIT_2023,
      rules: 1,
      source: 'Wi2021 art. 17 lid 2; Besluit inburgering 2021 art. 5.4',
      values: {
        window: { months: 18 },
        anyTime: [['ONDERWIJS', 'B1']],
        exceptions: ['NIET_VRIJSTELLENDE_OPLEIDING_BEEINDIGD', 'BIJZONDERE_OMSTANDIGHEDEN'],
      },
    },
  ],
});

/**
 * Afschalen from B1 to A2, for some or all language skills, after in total 600 hours of NT2 course
 * (literacy lessons count) and facts that show enough effort. No condition on exam attempts, no
 * time limit; the PIP is adjusted (Besluit art. 5.3 lid 6).
 */
export const AFSCHALEN = rule<{ minNt2Hours: number }>({
  id: 'AFSCHALEN',
  title: 'Afschalen naar A2',
  decidedBy: 'de datum van het besluit',
  versions: [
    {
      validFrom: WI2021_IN_FORCE,
      rules: 1,
      source: 'Wi2021 art. 17 lid 3; Besluit inburgering 2021 art. 5.5 en art. 5.3 lid 6',
      values: { minNt2Hours: 600 },
    },
  ],
});

/**
 * Ontzorgen: for 6 months from the day the right to bijstand arises, the college pays rent, energy,
 * water and the health insurance premium from the person's bijstand. Only for a verblijfsvergunning
 * asiel voor bepaalde tijd.
 */
export const ONTZORGEN_WET = rule<{ length: Period; permits: readonly Verblijfsvergunning[] }>({
  id: 'ONTZORGEN',
  title: 'Ontzorgen',
  decidedBy: 'de dag waarop het recht op bijstand ontstaat',
  versions: [
    {
      validFrom: WI2021_IN_FORCE,
      rules: 1,
      source: 'Participatiewet art. 56a',
      values: { length: { months: 6 }, permits: ['ASIEL_BEPAALDE_TIJD'] },
    },
  ],
});

/**
 * Timely course offer for asielstatushouders: the lessons start within 3 months of the PIP, 6 months
 * in the onderwijsroute. When not, that is a ground for an extension without blame and the gemeente
 * reports it to DUO.
 */
export const TIJDIG_AANBOD_WET = rule<{
  within: Period;
  withinOnderwijsroute: Period;
  doelgroepen: readonly Doelgroep[];
}>({
  id: 'TIJDIG_AANBOD',
  title: 'Tijdig aanbod',
  decidedBy: 'de datum van het PIP',
  versions: [
    {
      validFrom: WI2021_IN_FORCE,
      rules: 2,
      source: 'Wi2021 art. 16; Besluit inburgering 2021 art. 9.3 lid 2 onder b',
      values: {
        within: { months: 3 },
        withinOnderwijsroute: { months: 6 },
        doelgroepen: ['asielstatushouder'],
      },
    },
  ],
});

/** Maatschappelijke begeleiding of asielstatushouders starts on the day of BRP registration. */
export const MAATSCHAPPELIJKE_BEGELEIDING_WET = rule<{ doelgroepen: readonly Doelgroep[] }>({
  id: 'MAATSCHAPPELIJKE_BEGELEIDING',
  title: 'Maatschappelijke begeleiding',
  decidedBy: 'de dag van inschrijving in de BRP',
  versions: [
    {
      validFrom: WI2021_IN_FORCE,
      rules: 1,
      source: 'Wi2021 art. 13',
      values: { doelgroepen: ['asielstatushouder'] },
    },
  ],
});

// ---------------------------------------------------------------------------------------------
// The plicht: routes and modules
// ---------------------------------------------------------------------------------------------

/** One way to meet a route: its completion (taalschakeltraject, Z-route final interview), exams. */
export interface RouteWay {
  completion: boolean;
  exams: readonly ExamComponent[];
}

const B1_EXAMS: readonly ExamComponent[] = ['LEZEN', 'LUISTEREN', 'SCHRIJVEN', 'SPREKEN', 'KNM'];

/**
 * When the route is met (Wi2021 art. 6 lid 1 and art. 7-9) and which routes include MAP:
 * - B1-route: the B1 exams of the four language skills and KNM;
 * - onderwijsroute: completing the taalschakeltraject, without a KNM exam and without MAP (art. 8
 *   lid 3); when it is not achieved, the B1 exams plus KNM still meet the plicht (art. 8 lid 4);
 * - Z-route: completed (800 course hours and the final interview with the college).
 * Rules version 1 asked a KNM exam in the onderwijsroute too.
 */
export const LEERROUTE_EISEN = rule<{
  ways: Record<Leerroute, readonly RouteWay[]>;
  mapRoutes: readonly Leerroute[];
}>({
  id: 'LEERROUTE_EISEN',
  title: 'Inburgeringsplicht voldaan',
  decidedBy: 'de datum waarop aan de laatste eis is voldaan',
  versions: [
    {
      validFrom: WI2021_IN_FORCE,
      rules: 1,
      retiredIn: 2,
      source: 'Wi2021 art. 6 lid 1, art. 7, 8 en 9',
      values: {
        ways: {
          B1: [{ completion: false, exams: B1_EXAMS }],
          ONDERWIJS: [{ completion: true, exams: ['KNM'] }],
          Z: [{ completion: true, exams: [] }],
        },
        mapRoutes: ['B1', 'Z'],
      },
    },
    {
      validFrom: WI2021_IN_FORCE,
      rules: 2,
      source: 'Wi2021 art. 6 lid 1, art. 7, art. 8 lid 3 en 4, art. 9',
      values: {
        ways: {
          B1: [{ completion: false, exams: B1_EXAMS }],
          ONDERWIJS: [
            { completion: true, exams: [] },
            { completion: false, exams: B1_EXAMS },
          ],
          Z: [{ completion: true, exams: [] }],
        },
        mapRoutes: ['B1', 'Z'],
      },
    },
  ],
});

/**
 * Z-route: 800 course hours of NT2 and KNM together at a keurmerk school and a final interview with
 * the college; asielstatushouders also 800 hours of self-reliance and participation activities, to
 * which the hours of MAP and PVT count.
 */
export const Z_ROUTE = rule<{
  courseHours: number;
  participationHours: number;
  participationDoelgroepen: readonly Doelgroep[];
  participationCountsModules: readonly ModuleCode[];
}>({
  id: 'Z_ROUTE',
  title: 'Z-route',
  decidedBy: 'de datum van het eindgesprek',
  versions: [
    {
      validFrom: WI2021_IN_FORCE,
      rules: 1,
      source: 'Wi2021 art. 9; Besluit inburgering 2021 art. 3.14',
      values: {
        courseHours: 800,
        participationHours: 800,
        participationDoelgroepen: ['asielstatushouder'],
        participationCountsModules: ['MAP', 'PVT'],
      },
    },
  ],
});

/** PVT: at least 12 hours, an introduction to the core values and a signing meeting; every route. */
export const PVT_WET = rule<{ minHours: number }>({
  id: 'PVT',
  title: 'Participatieverklaringstraject',
  decidedBy: 'de datum van afronding',
  versions: [
    {
      validFrom: WI2021_IN_FORCE,
      rules: 1,
      source: 'Wi2021 art. 6 lid 1 onder a; Besluit inburgering 2021 art. 3.1',
      values: { minHours: 12 },
    },
  ],
});

/** MAP: eight themes, 40 practice hours and a final interview with the college. */
export const MAP_WET = rule<{ minHours: number }>({
  id: 'MAP',
  title: 'Module Arbeidsmarkt en Participatie',
  decidedBy: 'de datum van het eindgesprek',
  versions: [
    {
      validFrom: WI2021_IN_FORCE,
      rules: 1,
      source: 'Wi2021 art. 6 lid 1 onder b; Besluit inburgering 2021 art. 3.2; Regeling inburgering 2021',
      values: { minHours: 40 },
    },
  ],
});

/** The first 2 attempts of each exam are free for asielstatushouders. */
export const GRATIS_EXAMENPOGINGEN = rule<{ attempts: number; doelgroepen: readonly Doelgroep[] }>({
  id: 'GRATIS_EXAMENPOGINGEN',
  title: 'Gratis examenpogingen',
  decidedBy: 'de examendatum',
  versions: [
    {
      validFrom: WI2021_IN_FORCE,
      rules: 1,
      source: 'Regeling inburgering 2021 art. 3.5',
      values: { attempts: 2, doelgroepen: ['asielstatushouder'] },
    },
  ],
});

// ---------------------------------------------------------------------------------------------
// Brede intake and the gemeente's fines
// ---------------------------------------------------------------------------------------------

/**
 * Brede intake: the college summons the person with a term; no show → a written warning and a new
 * summons; after three summonses the college completes the intake without the person. Rules
 * version 1 instead ran a ladder of warning, fine and second fine on each missed appointment.
 */
export const BREDE_INTAKE = rule<
  | { model: 'OPROEPEN'; summonses: number }
  | { model: 'SANCTIELADDER'; steps: readonly IntakeSanction[]; fineEur: number }
>({
  id: 'BREDE_INTAKE',
  title: 'Brede intake: oproepen',
  decidedBy: 'de datum van de gemiste afspraak',
  versions: [
    {
      validFrom: WI2021_IN_FORCE,
      rules: 1,
      retiredIn: 2,
      source: 'Wi2021 art. 14 en 22',
      values: { model: 'SANCTIELADDER', steps: ['WAARSCHUWING', 'BOETE', 'TWEEDE_BOETE'], fineEur: 250 },
    },
    {
      validFrom: WI2021_IN_FORCE,
      rules: 2,
      source: 'Wi2021 art. 14 lid 2; Besluit inburgering 2021 art. 5.2',
      values: { model: 'OPROEPEN', summonses: 3 },
    },
  ],
});

/** The gemeente may exempt from the leerbaarheidstoets for a visual or auditory impairment. */
export const LBT_VRIJSTELLING = rule<{ grounds: readonly LbtExemption[] }>({
  id: 'LBT_VRIJSTELLING',
  title: 'Vrijstelling leerbaarheidstoets',
  decidedBy: 'de datum van de intake',
  versions: [
    {
      validFrom: WI2021_IN_FORCE,
      rules: 1,
      source: 'Wi2021 art. 14 lid 6',
      values: { grounds: ['VISUELE_BEPERKING', 'AUDITIEVE_BEPERKING'] },
    },
  ],
});

/**
 * Fine for not appearing at, or not cooperating in, the brede intake (incl. the leerbaarheidstoets):
 * €250; the fine sets a new term of at most 2 months, and a further €250 follows when the person
 * again fails.
 */
export const BOETE_BREDE_INTAKE = rule<{
  amountEur: number;
  newTermMax: Period;
  grounds: readonly FineGround[];
}>({
  id: 'BOETE_BREDE_INTAKE',
  title: 'Boete brede intake',
  decidedBy: 'de datum van het boetebesluit',
  versions: [
    {
      validFrom: WI2021_IN_FORCE,
      rules: 1,
      source: 'Wi2021 art. 22; Besluit inburgering 2021 art. 7.1 lid 1',
      values: {
        amountEur: 250,
        newTermMax: { months: 2 },
        grounds: ['INTAKE_NIET_VERSCHENEN', 'INTAKE_NIET_MEEGEWERKT', 'LBT_NIET_MEEGEWERKT'],
      },
    },
  ],
});

/** Fine for not keeping to the PIP: €50, doubled for each repeat within 12 months, at most €800. */
export const BOETE_PIP = rule<{
  firstEur: number;
  factor: number;
  repeatWithin: Period;
  maxEur: number;
  grounds: readonly FineGround[];
}>({
  id: 'BOETE_PIP',
  title: 'Boete PIP',
  decidedBy: 'de datum van het boetebesluit',
  versions: [
    {
      validFrom: WI2021_IN_FORCE,
      rules: 1,
      source: 'Wi2021 art. 23; Besluit inburgering 2021 art. 7.1',
      values: {
        firstEur: 50,
        factor: 2,
        repeatWithin: { months: 12 },
        maxEur: 800,
        grounds: ['PIP_NIET_NAGEKOMEN'],
      },
    },
  ],
});

/** All fines of the gemeente (art. 22 and 23) together: at most €2,400 per termijn. */
export const BOETE_MAXIMUM = rule<{ totalEur: number }>({
  id: 'BOETE_MAXIMUM',
  title: 'Maximum gemeentelijke boetes',
  decidedBy: 'de datum van het boetebesluit',
  versions: [
    {
      validFrom: WI2021_IN_FORCE,
      rules: 1,
      source: 'Wi2021 art. 23 en 26; Besluit inburgering 2021 art. 7.1',
      values: { totalEur: 2400 },
    },
  ],
});

/** Every rule of the law this service computes, by id (docs and tests walk this list). */
export const LAW = {
  PIP_TERMIJN,
  PIP_TERMIJN_NA_VERHUIZING,
  INBURGERINGSTERMIJN: INBURGERINGSTERMIJN_WET,
  ONDERBREKING,
  VERLENGING_AANVRAAG,
  VERLENGINGSGRONDEN,
  AANZIENLIJKE_INSPANNINGEN,
  SCHAKELEN,
  AFSCHALEN,
  ONTZORGEN: ONTZORGEN_WET,
  TIJDIG_AANBOD: TIJDIG_AANBOD_WET,
  MAATSCHAPPELIJKE_BEGELEIDING: MAATSCHAPPELIJKE_BEGELEIDING_WET,
  LEERROUTE_EISEN,
  Z_ROUTE,
  PVT: PVT_WET,
  MAP: MAP_WET,
  GRATIS_EXAMENPOGINGEN,
  BREDE_INTAKE,
  LBT_VRIJSTELLING,
  BOETE_BREDE_INTAKE,
  BOETE_PIP,
  BOETE_MAXIMUM,
} as const;

/** A trajectory's rules version (absent in states from before versions existed = 1). */
export function rulesVersionOf(state: { rulesVersion?: number }): number {
  return state.rulesVersion ?? 1;
}

/**
 * The version of `r` in force on `date` for this trajectory. Throws when the trajectory's rules
 * version does not know the rule: callers that can meet an older state use `inForce` instead.
 */
export function lawFor<V>(state: { rulesVersion?: number }, r: LawRule<V>, date: string): LawVersion<V> {
  const found = inForce(r, date, rulesVersionOf(state));
  if (!found) throw new Error(`rule ${r.id} is not part of rules version ${rulesVersionOf(state)}`);
  return found;
}
