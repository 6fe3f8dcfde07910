/**
 * Every code with which a rule can refuse a command: the one list. `validate()` (./transitions.ts)
 * can only refuse with one of these (its type says so), the workflow fails the update with an
 * `ApplicationFailure` whose `type` is the code, and the API answers 409 with `error` = the code
 * (400 for `INVALID_INPUT`, 403 for `ACCESS_DENIED`). The OpenAPI document lists them from here.
 */
export const RULE_CODES = [
  'ALREADY_DOWNGRADED',
  'ALREADY_PAUSED',
  'COACH_UNCHANGED',
  'COURSE_OFFER_NOT_LATE',
  'DATE_BEFORE_KOPPELING',
  'DATE_IN_FUTURE',
  'DATE_OUT_OF_ORDER',
  'DOWNGRADE_ONLY_FROM_B1',
  'DOWNGRADE_REQUIRES_600_HOURS',
  'END_REASON_REQUIRES_TOELICHTING',
  'EXAM_ALREADY_PASSED',
  'EXAM_ATTEMPT_OUT_OF_ORDER',
  'EXAM_NOT_IN_ROUTE',
  'EXTENSION_CONDITIONS_NOT_MET',
  'EXTENSION_GROUND_NOT_IN_FORCE',
  'EXTENSION_PERIOD_INVALID',
  'EXTENSION_PERIOD_TOO_SHORT',
  'EXTENSION_TOO_EARLY',
  'FINE_CAP_REACHED',
  'FINE_TERM_RUNNING',
  'FINE_TERM_TOO_LONG',
  'INTAKE_ALREADY_COMPLETED',
  'INTAKE_NOT_PLANNED',
  'INTAKE_SANCTIONS_EXHAUSTED',
  'INTAKE_SUMMONSES_NOT_EXHAUSTED',
  'LBT_RESULT_REQUIRED',
  'LEERROUTE_ALREADY_COMPLETED',
  'LEERROUTE_COMPLETES_BY_EXAMS',
  'LESSEN_ALREADY_STARTED',
  'MAP_MIN_HOURS',
  'MAP_NOT_IN_ROUTE',
  'MELDING_ALREADY_RECORDED',
  'MODULE_ALREADY_COMPLETED',
  'MODULE_ALREADY_STARTED',
  'MODULE_NOT_IN_PIP',
  'MODULE_NOT_STARTED',
  'NOT_PAUSED',
  'NO_PIP_WAIT',
  'ONDERBREKING_MAXIMUM_REACHED',
  'ONTZORGEN_ONLY_ASIEL_PERMIT',
  'ONTZORGEN_REQUIRES_BIJSTAND',
  'PIP_ALREADY_SET',
  'PIP_BEFORE_INTAKE',
  'PIP_DUPLICATE_MODULE',
  'PIP_NOT_SET',
  'PIP_REQUIRES_INTAKE',
  'PIP_REQUIRES_KENNISGEVING',
  'PIP_REQUIRES_KNM',
  'PIP_REQUIRES_MAATSCHAPPELIJKE_BEGELEIDING',
  'PIP_REQUIRES_MAP',
  'PIP_REQUIRES_ONTZORGEN',
  'PIP_REQUIRES_PVT',
  'PIP_TERM_NOT_STARTED',
  'PIP_TERM_PASSED',
  'PIP_WAIT_NOT_IN_FORCE',
  'PIP_WAIT_OPEN',
  'PVT_MIN_HOURS',
  'ROUTE_SWITCH_EXCEPTION_NOT_IN_FORCE',
  'ROUTE_SWITCH_WINDOW_CLOSED',
  'ROUTE_UNCHANGED',
  'TERMIJN_NOT_STARTED',
  'TRAJECTORY_ENDED',
  'TRAJECTORY_PAUSED',
  'TRANSFER_ROUTE_FIXED',
  'TRANSFER_SAME_GEMEENTE',
  'Z_ROUTE_FINAL_INTERVIEW_REQUIRED',
  'Z_ROUTE_HOURS_INSUFFICIENT',
] as const;
export type RuleCode = (typeof RULE_CODES)[number];

/** A command whose input does not match its schema (the API answers 400 before it gets here). */
export const INVALID_INPUT = 'INVALID_INPUT';

/**
 * The acting user may not act on this trajectory (domain/access.ts): a coach outside their
 * caseload. The API answers 403, as it does when it refuses a read itself.
 */
export const ACCESS_DENIED = 'ACCESS_DENIED';

/** Every failure type an update can answer with. */
export const REFUSAL_CODES = [...RULE_CODES, INVALID_INPUT, ACCESS_DENIED] as const;
export type RefusalCode = (typeof REFUSAL_CODES)[number];

export const isRefusalCode = (value: unknown): value is RefusalCode =>
  typeof value === 'string' && (REFUSAL_CODES as readonly string[]).includes(value);
