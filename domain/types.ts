/**
 * The vocabulary of one inburgering trajectory: phases, routes, modules, exam components and the
 * plain-JSON state the workflow carries (no Date/Map/Set: it must survive continueAsNew and the
 * payload codec). Dutch domain terms stay Dutch; see ../../shared/domain.md (copied in README).
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

/** Wi2021 art. 7 / 8 (routes): B1-route, onderwijsroute, Z-route (zelfredzaamheidsroute). */
export const LEERROUTES = ['B1', 'ONDERWIJS', 'Z'] as const;
export type Leerroute = (typeof LEERROUTES)[number];

/** The language level of the B1-route: A2 after afschalen (downgradeRoute). */
export const TAALNIVEAUS = ['B1', 'A2'] as const;
export type Taalniveau = (typeof TAALNIVEAUS)[number];

export const DOELGROEPEN = ['asielstatushouder', 'gezinsmigrant'] as const;
export type Doelgroep = (typeof DOELGROEPEN)[number];

/** Modules beside the route (domain.md §5). */
export const MODULES = ['PVT', 'MAP', 'KNM', 'ONTZORGEN', 'MAATSCHAPPELIJKE_BEGELEIDING'] as const;
export type ModuleCode = (typeof MODULES)[number];

/** Exam components of the B1-route: the four language skills and KNM. */
export const EXAM_COMPONENTS = ['LEZEN', 'LUISTEREN', 'SCHRIJVEN', 'SPREKEN', 'KNM'] as const;
export type ExamComponent = (typeof EXAM_COMPONENTS)[number];

/** Kinds of progress hours reported by partners or the coach. */
export const HOUR_KINDS = ['LESSEN', 'PARTICIPATIE'] as const;
export type HourKind = (typeof HOUR_KINDS)[number];

/** Grounds on which DUO extends the inburgeringstermijn (Besluit inburgering 2021 art. 3.x, *check*). */
export const EXTENSION_GROUNDS = [
  'ZIEKTE', // illness > 3 months of the person or close family
  'ZWANGERSCHAP_BEVALLING', // birth: 16 weeks
  'BIJZONDERE_OMSTANDIGHEDEN', // special circumstances of at least 3 months
  'NIET_ONTHEFFENDE_OPLEIDING', // following a course that does not exempt
] as const;
export type ExtensionGround = (typeof EXTENSION_GROUNDS)[number];

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

/** Sanction steps when the person does not take part in the brede intake (domain.md §2). */
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

/** Who a deadline binds (domain.md "binds" column). */
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
  /** Legal source or "policy". */
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
  /** DUO pays the first attempts (FREE_EXAM_ATTEMPTS); later ones are at the person's cost. */
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
  /** Set without the person's input after the intake sanctions (domain.md §2). */
  withoutInput: boolean;
  taalschoolPartnerId?: string;
  revisions: PipRevision[];
}

export interface Extension {
  ground: ExtensionGround;
  decisionDate: string;
  /** Length in days the dependent deadlines moved (computed from the granted period). */
  periodDays: number;
  period: { unit: 'WEEKS' | 'MONTHS'; amount: number };
  reason?: string;
}

export interface IntakeNoShow {
  date: string;
  sanction: IntakeSanction;
}

export interface StateDates {
  koppeling: string;
  huisvesting?: string;
  kennisgeving?: string;
  brpInschrijving?: string;
  bijstandStart?: string;
  intakePlanned?: string;
  lbtPlanned?: string;
  intake?: string;
  pipDecision?: string;
  termijnStart?: string;
  leerrouteCompleted?: string;
  ended?: string;
}

export interface TrajectoryState {
  schemaVersion: 1;
  inburgeraarId: string;
  doelgroep: Doelgroep;
  coachId: string;
  gemeenteCode?: string;
  phase: Phase;
  /** The local calendar date (Europe/Amsterdam) the state was last evaluated at. */
  today: string;
  settings: import('./settings').GemeenteSettings;
  dates: StateDates;
  intake: {
    noShows: IntakeNoShow[];
    lbt?: { date: string; adviesRoute?: Leerroute; score?: number; notTakenReason?: string };
  };
  pip?: Pip;
  /** Waits for third-party information before the PIP (Besluit art. 5.3); absent in old states. */
  pipWaits?: { since: string; reason: string; receivedDate?: string }[];
  route?: Leerroute;
  taalniveau: Taalniveau;
  routeSwitches: { date: string; from: Leerroute; to: Leerroute; reason: string }[];
  downgradedOn?: string;
  modules: Partial<Record<ModuleCode, ModuleState>>;
  hours: Record<HourKind, number>;
  exams: Partial<Record<ExamComponent, ExamAttempt[]>>;
  voortgangsgesprekken: string[];
  extensions: Extension[];
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
