/**
 * The vocabulary of one inburgering trajectory: phases, routes, modules, exam components and the
 * plain-JSON state the workflow carries (no Date/Map/Set: it must survive continueAsNew and the
 * payload codec). Dutch domain terms stay Dutch; the law behind them is described in
 * docs/wet-inburgering.md and, per article and date, in ./law.ts.
 *
 * Calendar dates are ISO `YYYY-MM-DD` strings in Europe/Amsterdam; instants are ISO UTC strings.
 */

/** The phases of a trajectory, in order; the last six are the ways it can end. */
export const PHASES = [
  'KOPPELING', // coupled to the gemeente (COA / DUO); housing + BRP follow
  'BREDE_INTAKE', // intake planned, not yet completed
  'PIP', // intake done, PIP (Persoonlijk Plan Inburgering en Participatie) being drafted
  'LEERROUTE', // PIP set: following the leerroute and modules
  'EXAMENS', // first exam result registered (B1- and onderwijsroute)
  'AFGEROND', // inburgeringsplicht voldaan
  'ONTHEFFING', // DUO granted an exemption
  'VERHUISD', // moved to another gemeente (warm transfer)
  'VERTROKKEN', // left the country
  'OVERLEDEN', // died
  'BEEINDIGD', // ended for another reason (e.g. naturalisation, plicht ended by DUO)
] as const;
export type Phase = (typeof PHASES)[number];

/** The phases a running trajectory can be in (a caseload import may start in any of them). */
export const ACTIVE_PHASES = ['KOPPELING', 'BREDE_INTAKE', 'PIP', 'LEERROUTE', 'EXAMENS'] as const;
export type ActivePhase = (typeof ACTIVE_PHASES)[number];

export const END_PHASES = [
  'AFGEROND',
  'ONTHEFFING',
  'VERHUISD',
  'VERTROKKEN',
  'OVERLEDEN',
  'BEEINDIGD',
] as const;
export type EndPhase = (typeof END_PHASES)[number];

export function isEnded(phase: Phase): boolean {
  return (END_PHASES as readonly string[]).includes(phase);
}

/** Wi2021 art. 7, 8 and 9: B1-route, onderwijsroute, Z-route (zelfredzaamheidsroute). */
export const LEERROUTES = ['B1', 'ONDERWIJS', 'Z'] as const;
export type Leerroute = (typeof LEERROUTES)[number];

/** The language level of the B1-route: A2 after afschalen (downgradeRoute). */
export const TAALNIVEAUS = ['B1', 'A2'] as const;
export type Taalniveau = (typeof TAALNIVEAUS)[number];

export const DOELGROEPEN = ['asielstatushouder', 'gezinsmigrant'] as const;
export type Doelgroep = (typeof DOELGROEPEN)[number];

/**
 * The kind of residence permit, as far as the law distinguishes it: ontzorgen (Participatiewet
 * art. 56a) is only for a verblijfsvergunning asiel voor bepaalde tijd, not for a family member of
 * a status holder who came on a regular permit.
 */
export const VERBLIJFSVERGUNNINGEN = ['ASIEL_BEPAALDE_TIJD', 'REGULIER'] as const;
export type Verblijfsvergunning = (typeof VERBLIJFSVERGUNNINGEN)[number];

/** Modules beside the route (Wi2021 art. 6 lid 1, art. 13; Participatiewet art. 56a). */
export const MODULES = ['PVT', 'MAP', 'KNM', 'ONTZORGEN', 'MAATSCHAPPELIJKE_BEGELEIDING'] as const;
export type ModuleCode = (typeof MODULES)[number];

/** Exam components of the B1-route: the four language skills and KNM. */
export const EXAM_COMPONENTS = ['LEZEN', 'LUISTEREN', 'SCHRIJVEN', 'SPREKEN', 'KNM'] as const;
export type ExamComponent = (typeof EXAM_COMPONENTS)[number];

/** The four language skills (afschalen to A2 is per skill: Wi2021 art. 17 lid 3). */
export const LANGUAGE_SKILLS = ['LEZEN', 'LUISTEREN', 'SCHRIJVEN', 'SPREKEN'] as const;
export type LanguageSkill = (typeof LANGUAGE_SKILLS)[number];

/**
 * Kinds of progress hours reported by partners or the coach: LESSEN = NT2 course hours (literacy
 * lessons count), KNM = KNM course hours, PARTICIPATIE = self-reliance and participation
 * activities of the Z-route other than MAP and PVT (whose hours are recorded at their completion).
 * Before KNM was a kind of its own, LESSEN held NT2 and KNM hours together.
 */
export const HOUR_KINDS = ['LESSEN', 'PARTICIPATIE', 'KNM'] as const;
export type HourKind = (typeof HOUR_KINDS)[number];

/**
 * Grounds on which DUO extends the inburgeringstermijn (Wi2021 art. 12; Besluit inburgering 2021
 * art. 4.3 and 4.4; the periods and conditions per ground are in ./law.ts, VERLENGINGSGRONDEN).
 */
export const EXTENSION_GROUNDS = [
  'ZIEKTE', // illness of at least 3 months of the person or close family
  'ZWANGERSCHAP_BEVALLING', // birth: 16 weeks
  'BIJZONDERE_OMSTANDIGHEDEN', // other special circumstances of at least 3 consecutive months
  'NIET_ONTHEFFENDE_OPLEIDING', // following a niet-vrijstellende opleiding (since 1 January 2023)
  'AANZIENLIJKE_INSPANNINGEN', // considerable effort: a fixed 6 months, with conditions
  'GEEN_TIJDIG_AANBOD', // asielstatushouder whose course did not start in time after the PIP
] as const;
export type ExtensionGround = (typeof EXTENSION_GROUNDS)[number];

/** Why a route may be switched after the 1.5-year window (Besluit art. 5.4, since 1 January 2023). */
export const ROUTE_SWITCH_EXCEPTIONS = [
  'NIET_VRIJSTELLENDE_OPLEIDING_BEEINDIGD',
  'BIJZONDERE_OMSTANDIGHEDEN',
] as const;
export type RouteSwitchException = (typeof ROUTE_SWITCH_EXCEPTIONS)[number];

/** Grounds on which the gemeente exempts from the leerbaarheidstoets (Wi2021 art. 14 lid 6). */
export const LBT_EXEMPTIONS = ['VISUELE_BEPERKING', 'AUDITIEVE_BEPERKING'] as const;
export type LbtExemption = (typeof LBT_EXEMPTIONS)[number];

/**
 * Grounds of a fine the gemeente imposes: the first three under Wi2021 art. 22 (brede intake,
 * including the leerbaarheidstoets), the last under Wi2021 art. 23 (not keeping to the PIP).
 */
export const FINE_GROUNDS = [
  'INTAKE_NIET_VERSCHENEN',
  'INTAKE_NIET_MEEGEWERKT',
  'LBT_NIET_MEEGEWERKT',
  'PIP_NIET_NAGEKOMEN',
] as const;
export type FineGround = (typeof FINE_GROUNDS)[number];

export const EXEMPTION_GROUNDS = ['MEDISCH', 'AANTOONBARE_INSPANNING', 'DIPLOMA', 'OVERIG'] as const;
export type ExemptionGround = (typeof EXEMPTION_GROUNDS)[number];

export const END_REASONS = ['VERTROKKEN', 'OVERLEDEN', 'OVERIG'] as const;
export type EndReasonInput = (typeof END_REASONS)[number];

/** Why the workflow ended (the final state says it). */
export const ENDED_REASONS = [
  'VOLDAAN',
  'ONTHEFFING',
  'VERHUISD',
  'VERTROKKEN',
  'OVERLEDEN',
  'OVERIG',
] as const;
export type EndedReason = (typeof ENDED_REASONS)[number];

/**
 * What followed a missed brede intake. Rules version 2: WAARSCHUWING (written warning and a new
 * summons) after the first and second summons, GEEN after the third (the college completes the
 * intake without the person; fines are decisions of their own, `imposeFine`). Rules version 1
 * used the ladder WAARSCHUWING, BOETE, TWEEDE_BOETE.
 */
export const INTAKE_SANCTIONS = ['GEEN', 'WAARSCHUWING', 'BOETE', 'TWEEDE_BOETE'] as const;
export type IntakeSanction = (typeof INTAKE_SANCTIONS)[number];

/** Deadline states. `moved` = still open but shifted by an extension; `expired` = a term (window) ran out. */
export const DEADLINE_STATUSES = ['open', 'met', 'missed', 'moved', 'dropped', 'expired'] as const;
export type DeadlineStatus = (typeof DEADLINE_STATUSES)[number];

/**
 * DEADLINE: something must be done by the due date (reminders before, escalation after).
 * TERM_END: a term (window) runs out on the due date (reminders before, a notice when it ends).
 */
export const DEADLINE_KINDS = ['DEADLINE', 'TERM_END'] as const;
export type DeadlineKind = (typeof DEADLINE_KINDS)[number];

/** Who a deadline binds. */
export type Binds = 'gemeente' | 'inburgeraar' | 'coach' | 'gemeente+inburgeraar';

export interface Deadline {
  /** Stable key, unique within one trajectory, e.g. `PIP_VASTSTELLEN`, `VOORTGANGSGESPREK-3`. */
  key: string;
  /** Id of the rule in domain/rules.ts. */
  rule: string;
  kind: DeadlineKind;
  /** Last day on which it is still met (inclusive). */
  dueDate: string;
  /** The due date before any extension. */
  originalDueDate: string;
  status: DeadlineStatus;
  /** The date the deadline was fulfilled (also when late). */
  fulfilledDate?: string;
  /** The article (in the version applied to this case), or the gemeente's policy. */
  source: string;
  binds: Binds;
  /** Short Dutch label for lists and messages. */
  label: string;
  /** On hold: no due date can pass (PIP term while waiting for third-party information). */
  suspended?: boolean;
}

export interface ModuleState {
  module: ModuleCode;
  inPip: boolean;
  agreedStartDate?: string;
  agreedEndDate?: string;
  partnerId?: string;
  startDate?: string;
  completedDate?: string;
  hours?: number;
}

export interface ExamAttempt {
  attempt: number;
  date: string;
  passed: boolean;
  level: Taalniveau;
  /** DUO pays the first attempts of an asielstatushouder (Regeling art. 3.5); not the later ones. */
  free: boolean;
  source: 'coach' | 'partner';
}

export interface PipRevision {
  decisionDate: string;
  reason: string;
}

export interface Pip {
  decisionDate: string;
  route: Leerroute;
  /** Set without the person's input: the intake was completed without them (Wi2021 art. 14 lid 2). */
  withoutInput: boolean;
  taalschoolPartnerId?: string;
  revisions: PipRevision[];
  /**
   * The rules version under which this PIP was set in this service (absent: imported, or set
   * before rules version 2). The timely course offer is only tracked for PIPs set from version 2.
   */
  rulesVersion?: number;
}

export interface Extension {
  ground: ExtensionGround;
  decisionDate: string;
  /** The day the person asked DUO (a request may be made from 6 months before the termijn ends). */
  requestDate?: string;
  /** Length in days the dependent deadlines moved (computed from the granted period). */
  periodDays: number;
  period: { unit: 'WEEKS' | 'MONTHS'; amount: number };
  reason?: string;
}

/** A period in which the inburgeringsplicht did not apply (Besluit art. 4.2, art. 2.1 lid 2). */
export interface PlichtOnderbreking {
  from: string;
  to: string;
  /** Day it was registered: deadlines still open then move. */
  registeredOn: string;
  /** Days the termijn moves: the length of the gap, within the 1-year maximum of all gaps. */
  periodDays: number;
  reason?: string;
}

/** A fine decision of the college (Wi2021 art. 22 or 23), with the amount the rules set. */
export interface Fine {
  decisionDate: string;
  ground: FineGround;
  article: 'WI2021_ART_22' | 'WI2021_ART_23';
  /** The amount imposed: the law's amount, lowered when the maximum per termijn is reached. */
  amountEur: number;
  /** The amount before the maximum per termijn was applied. */
  nominalEur: number;
  /** Art. 22: the new term (at most 2 months) within which the person must still take part. */
  newTermEnd?: string;
  source: string;
  reason?: string;
}

export interface IntakeNoShow {
  date: string;
  sanction: IntakeSanction;
  /** Rules version 2: the number of the summons that was missed (1-3). */
  summons?: number;
}

export interface StateDates {
  koppeling: string;
  huisvesting?: string;
  kennisgeving?: string;
  brpInschrijving?: string;
  /** The day the right to bijstand arose (starts ontzorgen: Participatiewet art. 56a). */
  bijstandStart?: string;
  intakePlanned?: string;
  lbtPlanned?: string;
  intake?: string;
  pipDecision?: string;
  termijnStart?: string;
  /** Maatschappelijke begeleiding of an asielstatushouder started: the BRP registration (Wi2021 art. 13). */
  maatschappelijkeBegeleidingStart?: string;
  /** First lesson of the course of the leerroute (NT2, taalschakeltraject or Z-route course). */
  lessenStart?: string;
  /** The gemeente reported to DUO that the course did not start in time (Besluit art. 9.3 lid 2 b). */
  aanbodGemeldBijDuo?: string;
  leerrouteCompleted?: string;
  ended?: string;
}

export interface TrajectoryState {
  schemaVersion: 1;
  /**
   * The version of this service's rules the trajectory is computed with (./law.ts): absent = 1,
   * the rules before the review per article of December 2026. The workflow moves a running
   * trajectory to the current version through `patched()` (workflows/trajectory.ts).
   */
  rulesVersion?: number;
  /** When the trajectory moved to a newer rules version, from which one. */
  rulesUpgraded?: { from: number; date: string };
  inburgeraarId: string;
  doelgroep: Doelgroep;
  /** Kind of residence permit, when the koppeling gave it (ontzorgen: asylum permits only). */
  verblijfsvergunning?: Verblijfsvergunning;
  /** Moved in from another gemeente: the leerroute and the termijn of the first PIP continue. */
  transferIn?: { fromGemeenteCode: string; firstPipDecisionDate: string; route: Leerroute };
  coachId: string;
  gemeenteCode?: string;
  phase: Phase;
  /** The local calendar date (Europe/Amsterdam) the state was last evaluated at. */
  today: string;
  settings: import('./settings').GemeenteSettings;
  dates: StateDates;
  intake: {
    noShows: IntakeNoShow[];
    lbt?: {
      date: string;
      adviesRoute?: Leerroute;
      score?: number;
      notTakenReason?: string;
      exemption?: LbtExemption;
    };
    /** Completed by the college without the person after three summonses (Wi2021 art. 14 lid 2). */
    withoutPerson?: boolean;
  };
  pip?: Pip;
  /** Waits for third-party information before the PIP (Besluit art. 5.3); absent in old states. */
  pipWaits?: { since: string; reason: string; receivedDate?: string }[];
  route?: Leerroute;
  /** Level of the B1-route: A2 once every language skill is afgeschaald. */
  taalniveau: Taalniveau;
  routeSwitches: {
    date: string;
    from: Leerroute;
    to: Leerroute;
    reason: string;
    exceptionGround?: RouteSwitchException;
  }[];
  downgradedOn?: string;
  /** The language skills afgeschaald to A2 (absent in old states: taalniveau A2 = all four). */
  downgradedSkills?: LanguageSkill[];
  modules: Partial<Record<ModuleCode, ModuleState>>;
  /** Hours per kind; KNM is absent in states from before it was a kind of its own. */
  hours: Record<'LESSEN' | 'PARTICIPATIE', number> & Partial<Record<HourKind, number>>;
  exams: Partial<Record<ExamComponent, ExamAttempt[]>>;
  voortgangsgesprekken: string[];
  extensions: Extension[];
  /** Gaps in the obligation; absent in old states. */
  onderbrekingen?: PlichtOnderbreking[];
  /** Fines the gemeente imposed; absent in old states. */
  fines?: Fine[];
  exemption?: { decisionDate: string; ground: ExemptionGround; reason?: string };
  paused?: { since: string; reason: string };
  pauses: { from: string; to?: string; reason: string }[];
  transfer?: { toGemeenteCode: string; date: string };
  ended?: { reason: EndedReason; date: string; toelichting?: string };
  /** Every deadline with its status, recomputed by computeDeadlines() after each change. */
  deadlines: Deadline[];
  /** Ids of reminder/escalation moments already sent (deadlineKey:moment:date), never resent. */
  notified: string[];
  /** Sequence number of the last trajectory event (audit trail ordering, idempotent writes). */
  eventSeq: number;
}

/** One entry of the audit trail (no personal data: ids, dates, codes, free-text reasons). */
export interface TrajectoryEvent {
  seq: number;
  type: string;
  /** Workflow time (ISO instant) at which the change happened. */
  at: string;
  data: Record<string, unknown>;
}

export type NotificationChannel = 'email' | 'webhook';
export type RecipientRole = 'coach' | 'manager' | 'partner' | 'gemeente';

/** A notification the workflow wants sent (the activity delivers it exactly once by `key`). */
export interface NotificationIntent {
  /** Unique within the trajectory; the workflow prefixes the workflow id to make it global. */
  id: string;
  /** Template id, e.g. REMINDER, ESCALATION, TERM_ENDED, PIP_REFERRAL, INTAKE_WAARSCHUWING. */
  template: string;
  recipient: { role: RecipientRole; id?: string };
  channel: NotificationChannel;
  deadlineKey?: string;
  dueDate?: string;
  /** Template data: ids, dates, codes only. */
  data: Record<string, string | number | boolean>;
}

/** The read-model snapshot: one zod schema in ./summary.ts (trajectorySummarySchema). */
export type { TrajectorySummary } from './summary';
