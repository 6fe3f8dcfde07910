// Dutch labels for the codes the API uses (phases, routes, statuses) and date formatting.
// Codes stay the API's own; only what the user reads is translated here, in one place.

export const FASEN = {
  KOPPELING: 'Koppeling',
  BREDE_INTAKE: 'Brede intake',
  PIP: 'PIP',
  LEERROUTE: 'Leerroute',
  EXAMENS: 'Examens',
  AFGEROND: 'Afgerond',
  ONTHEFFING: 'Ontheffing',
  VERHUISD: 'Verhuisd',
  VERTROKKEN: 'Vertrokken',
  OVERLEDEN: 'Overleden',
  BEEINDIGD: 'Beëindigd',
};

export const ROUTES = {
  B1: 'B1-route',
  ONDERWIJS: 'Onderwijsroute',
  Z: 'Z-route',
};

export const DEADLINE_STATUS = {
  open: 'open',
  met: 'gehaald',
  missed: 'gemist',
  moved: 'verschoven',
  dropped: 'vervallen',
  expired: 'verlopen',
};

/** Moment types of domain/deadlines.ts (reminders are labelled with their number of days). */
export const MELDING_SOORT = {
  ESCALATION: 'Escalatie',
  TERM_ENDED: 'Termijn verlopen',
};

/** Delivery status of an outbox row (activities/notifications.ts). */
export const VERZENDING = {
  pending: 'in wachtrij',
  sending: 'wordt verzonden',
  sent: 'verzonden',
  held: 'aangehouden (geen SMTP of adres)',
  failed: 'mislukt',
};

/**
 * Timeline entries: the workflow's events (domain/transitions.ts: one per command, plus phase,
 * deadline and notification events), the API's audit actions, and notification templates.
 */
export const GEBEURTENIS = {
  KOPPELING: 'Traject gestart (koppeling)',
  PHASE_CHANGED: 'Fase gewijzigd',
  DEADLINE_STATUS: 'Status van een deadline gewijzigd',
  INTAKE_SANCTION: 'Sanctie brede intake',
  NOTIFICATION_REMINDER: 'Herinnering aan de coach',
  NOTIFICATION_ESCALATION: 'Escalatie naar de manager',
  NOTIFICATION_TERM_ENDED: 'Termijn verlopen',
  NOTIFICATION_FAILED: 'Melding kon niet worden verstuurd',
  PARTNER_FACT_REFUSED: 'Melding van partner geweigerd',
  TRAJECTORY_ENDED: 'Traject beëindigd',
  KOPPELING_REGISTERED: 'Koppeling geregistreerd',
  KOPPELING_REPEATED: 'Koppeling opnieuw aangeboden',
  PERSON_READ: 'Dossier ingezien',
  COACH_REASSIGNED: 'Andere coach toegewezen',
  planBredeIntake: 'Brede intake gepland',
  completeBredeIntake: 'Brede intake afgerond',
  recordIntakeNoShow: 'Niet verschenen bij de intake',
  registerKennisgeving: 'DUO-kennisgeving geregistreerd',
  registerBrpInschrijving: 'BRP-inschrijving geregistreerd',
  registerHuisvesting: 'Huisvesting geregistreerd',
  registerBijstand: 'Start bijstand geregistreerd',
  setPip: 'PIP vastgesteld',
  revisePip: 'PIP herzien',
  startModule: 'Module gestart',
  completeModule: 'Module afgerond',
  recordProgressHours: 'Uren geregistreerd',
  recordExamResult: 'Examenresultaat geregistreerd',
  completeLeerroute: 'Leerroute afgerond',
  switchRoute: 'Van leerroute gewisseld',
  downgradeRoute: 'Afgeschaald naar A2',
  recordVoortgangsgesprek: 'Voortgangsgesprek gehouden',
  grantExtension: 'Verlenging toegekend',
  grantExemption: 'Ontheffing toegekend',
  pause: 'Traject gepauzeerd',
  resume: 'Traject hervat',
  transfer: 'Verhuisd naar andere gemeente',
  endTrajectory: 'Traject beëindigd',
  reassignCoach: 'Andere coach toegewezen',
  REMINDER: 'Herinnering',
  ESCALATION: 'Escalatie',
  TERM_ENDED: 'Termijn verlopen',
};

/** Label for a code, or the code itself when it is new to this page (better than hiding it). */
export function label(map, code) {
  if (code === undefined || code === null || code === '') return '–';
  return map[code] ?? String(code);
}

const dateFormat = new Intl.DateTimeFormat('nl-NL', {
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  timeZone: 'UTC',
});
const instantFormat = new Intl.DateTimeFormat('nl-NL', {
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  timeZone: 'Europe/Amsterdam',
});

/**
 * Calendar dates (YYYY-MM-DD) are read as UTC midnight and shown in UTC, so the day never shifts
 * with the browser's time zone; instants are shown in Dutch local time.
 */
export function formatDate(value) {
  if (!value) return '–';
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return dateFormat.format(new Date(`${value}T00:00:00Z`));
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? String(value) : instantFormat.format(d);
}

/** Percentages arrive as fractions (0..1) or already as percentages; days as numbers. */
export function formatNumber(value, unit) {
  if (value === undefined || value === null || Number.isNaN(Number(value))) return '–';
  const n = Number(value);
  if (unit === '%') return `${(n <= 1 ? n * 100 : n).toLocaleString('nl-NL', { maximumFractionDigits: 1 })}%`;
  const text = n.toLocaleString('nl-NL', { maximumFractionDigits: 1 });
  return unit ? `${text} ${unit}` : text;
}
