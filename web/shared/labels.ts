/**
 * Dutch words for the codes the API answers with, in one place. Typed against the domain's own
 * unions, so a phase or route without a word here does not compile. Commands, fields and refusal
 * texts are open-ended (a new command must show up without edits): a command or field without a
 * word here is shown with the schema's own description, never left out.
 */
import type { CommandName } from '../../domain/commands';
import type { DeadlineStatus, EndedReason, Leerroute, ModuleCode, Phase } from '../../domain/types';

export const FASEN: Record<Phase, string> = {
  KOPPELING: 'Koppeling',
  BREDE_INTAKE: 'Brede intake',
  PIP: 'PIP',
  LEERROUTE: 'Leerroute',
  EXAMENS: 'Examens',
  AFGEROND: 'Afgerond (voldaan)',
  ONTHEFFING: 'Ontheffing',
  VERHUISD: 'Verhuisd',
  VERTROKKEN: 'Vertrokken',
  OVERLEDEN: 'Overleden',
  BEEINDIGD: 'Beëindigd',
};

export const ROUTES: Record<Leerroute, string> = {
  B1: 'B1-route',
  ONDERWIJS: 'Onderwijsroute',
  Z: 'Z-route',
};

export const MODULES: Record<ModuleCode, string> = {
  PVT: 'Participatieverklaring (PVT)',
  MAP: 'Arbeidsmarkt en participatie (MAP)',
  KNM: 'Kennis van de Nederlandse maatschappij (KNM)',
  ONTZORGEN: 'Ontzorgen',
  MAATSCHAPPELIJKE_BEGELEIDING: 'Maatschappelijke begeleiding',
};

export const DEADLINE_STATUS: Record<DeadlineStatus, string> = {
  open: 'open',
  met: 'gehaald',
  missed: 'te laat',
  moved: 'verschoven',
  dropped: 'vervallen',
  expired: 'verlopen',
};

export const EINDE: Record<EndedReason, string> = {
  VOLDAAN: 'Inburgeringsplicht voldaan',
  ONTHEFFING: 'Ontheffing',
  VERHUISD: 'Verhuisd',
  VERTROKKEN: 'Vertrokken',
  OVERLEDEN: 'Overleden',
  OVERIG: 'Anders',
};

/** What a coach does, as the title of its form (imperative, B1). */
export const ACTIES: Partial<Record<CommandName, string>> = {
  planBredeIntake: 'Brede intake plannen',
  completeBredeIntake: 'Brede intake afronden',
  completeBredeIntakeWithoutPerson: 'Brede intake afronden zonder inburgeraar',
  recordIntakeNoShow: 'Niet gekomen op de intake',
  registerKennisgeving: 'Kennisgeving van DUO vastleggen',
  registerBrpInschrijving: 'Inschrijving in de BRP vastleggen',
  registerHuisvesting: 'Huisvesting vastleggen',
  registerBijstand: 'Start bijstand vastleggen',
  registerWachtenOpDerden: 'Wachten op informatie van anderen',
  registerDerdenInformatieOntvangen: 'Informatie van anderen ontvangen',
  setPip: 'PIP vaststellen',
  revisePip: 'PIP aanpassen',
  startModule: 'Module starten',
  completeModule: 'Module afronden',
  recordProgressHours: 'Uren vastleggen',
  recordExamResult: 'Examenuitslag vastleggen',
  completeLeerroute: 'Leerroute afronden',
  switchRoute: 'Andere leerroute kiezen',
  downgradeRoute: 'Afschalen naar A2',
  recordVoortgangsgesprek: 'Voortgangsgesprek vastleggen',
  grantExtension: 'Verlenging vastleggen',
  grantExemption: 'Ontheffing vastleggen',
  pause: 'Traject pauzeren',
  resume: 'Traject hervatten',
  transfer: 'Verhuisd naar een andere gemeente',
  endTrajectory: 'Traject beëindigen',
  reassignCoach: 'Andere klantmanager',
  registerStartLessen: 'Start van de lessen vastleggen',
  registerMeldingAanbodDuo: 'Te laat aanbod gemeld bij DUO',
  imposeFine: 'Boete van de gemeente vastleggen',
  registerPlichtOnderbreking: 'Onderbreking van de inburgeringsplicht vastleggen',
};

/** What happened, for the timeline (past tense). */
export const GEBEURTENISSEN: Record<string, string> = {
  KOPPELING: 'Traject gestart (koppeling)',
  PHASE_CHANGED: 'Nieuwe fase',
  DEADLINE_STATUS: 'Deadline veranderd',
  INTAKE_SANCTION: 'Oproep brede intake gemist',
  FINE_RECORDED: 'Boete vastgelegd (bedrag, datum, grond)',
  RULES_UPGRADED: 'Rekenregels bijgewerkt naar de gecontroleerde wet',
  NOTIFICATION_REMINDER: 'Herinnering gestuurd',
  NOTIFICATION_ESCALATION: 'Melding aan de manager',
  NOTIFICATION_TERM_ENDED: 'Termijn voorbij',
  NOTIFICATION_FAILED: 'Bericht niet verstuurd',
  PARTNER_FACT_REFUSED: 'Melding van partner geweigerd',
  TRAJECTORY_ENDED: 'Traject beëindigd',
  KOPPELING_REGISTERED: 'Koppeling geregistreerd',
  KOPPELING_REPEATED: 'Koppeling nog een keer aangeboden',
  COACH_REASSIGNED: 'Klantmanager gewijzigd door de manager',
  PERSONAL_LINK_CREATED: 'Persoonlijke link gemaakt',
  PERSONAL_LINK_REVOKED: 'Persoonlijke link ingetrokken',
  planBredeIntake: 'Brede intake gepland',
  completeBredeIntake: 'Brede intake afgerond',
  completeBredeIntakeWithoutPerson: 'Brede intake afgerond zonder inburgeraar',
  recordIntakeNoShow: 'Niet gekomen op de intake',
  registerKennisgeving: 'Kennisgeving van DUO vastgelegd',
  registerBrpInschrijving: 'Inschrijving BRP vastgelegd',
  registerHuisvesting: 'Huisvesting vastgelegd',
  registerBijstand: 'Start bijstand vastgelegd',
  registerWachtenOpDerden: 'Wacht op informatie van anderen',
  registerDerdenInformatieOntvangen: 'Informatie van anderen ontvangen',
  setPip: 'PIP vastgesteld',
  revisePip: 'PIP aangepast',
  startModule: 'Module gestart',
  completeModule: 'Module afgerond',
  recordProgressHours: 'Uren vastgelegd',
  recordExamResult: 'Examenuitslag vastgelegd',
  completeLeerroute: 'Leerroute afgerond',
  switchRoute: 'Andere leerroute',
  downgradeRoute: 'Afgeschaald naar A2',
  recordVoortgangsgesprek: 'Voortgangsgesprek gehouden',
  grantExtension: 'Verlenging vastgelegd',
  grantExemption: 'Ontheffing vastgelegd',
  pause: 'Traject gepauzeerd',
  resume: 'Traject hervat',
  transfer: 'Verhuisd naar andere gemeente',
  endTrajectory: 'Traject beëindigd',
  reassignCoach: 'Andere klantmanager',
  registerStartLessen: 'Lessen gestart',
  registerMeldingAanbodDuo: 'Te laat aanbod gemeld bij DUO',
  imposeFine: 'Boete opgelegd',
  registerPlichtOnderbreking: 'Onderbreking inburgeringsplicht vastgelegd',
};

/** Notification templates (activities/templates.ts), for the list of messages. */
export const BERICHTEN: Record<string, string> = {
  REMINDER: 'Herinnering',
  ESCALATION: 'Melding te laat',
  TERM_ENDED: 'Termijn voorbij',
  PIP_REFERRAL: 'Verwijzing naar partner',
  INTAKE_WAARSCHUWING: 'Waarschuwing intake',
  INTAKE_ZONDER_INBURGERAAR: 'Intake afronden zonder inburgeraar',
  INTAKE_BOETE: 'Boete intake',
  INTAKE_TWEEDE_BOETE: 'Tweede boete intake',
  TRANSFER: 'Overdracht naar gemeente',
  AFGEROND: 'Inburgering voldaan',
  COACH_ASSIGNED: 'Nieuwe klantmanager',
};

export const ONTVANGERS: Record<string, string> = {
  coach: 'klantmanager',
  manager: 'manager',
  partner: 'partner',
  gemeente: 'andere gemeente',
};

export const VERZENDING: Record<string, string> = {
  pending: 'wordt verstuurd',
  sending: 'wordt nu verstuurd',
  sent: 'verstuurd',
  held: 'niet verstuurd (wacht)',
  failed: 'mislukt',
};

/** Field names of the command schemas (fields of the same name mean the same everywhere). */
export const VELDEN: Record<string, string> = {
  date: 'Datum',
  plannedDate: 'Geplande datum',
  lbtPlannedDate: 'Geplande datum leerbaarheidstoets',
  lbt: 'Leerbaarheidstoets (LBT)',
  score: 'Score (0 tot 100)',
  adviesRoute: 'Advies leerroute',
  lbtNotTakenReason: 'Waarom is er geen leerbaarheidstoets?',
  nextPlannedDate: 'Nieuwe datum voor de intake',
  reason: 'Reden',
  startDate: 'Startdatum',
  decisionDate: 'Datum van het besluit',
  route: 'Leerroute',
  to: 'Nieuwe leerroute',
  modules: 'Modules',
  module: 'Module',
  agreedStartDate: 'Afgesproken startdatum',
  agreedEndDate: 'Afgesproken einddatum',
  partnerId: 'Partner',
  taalschoolPartnerId: 'Taalschool',
  participation: 'Afspraken over participatie',
  hours: 'Aantal uren',
  kind: 'Soort uren',
  periodEnd: 'Laatste dag van de periode',
  component: 'Examenonderdeel',
  attempt: 'Poging',
  passed: 'Gehaald?',
  note: 'Toelichting',
  effortDemonstrated: 'Heeft aantoonbaar genoeg moeite gedaan',
  ground: 'Grond',
  period: 'Periode',
  unit: 'Eenheid',
  amount: 'Aantal',
  toGemeenteCode: 'Code van de nieuwe gemeente (zoals GM0363)',
  toelichting: 'Toelichting',
  coachId: 'Klantmanager',
};

/** Values of choice fields that are codes. */
export const WAARDEN: Record<string, string> = {
  ...ROUTES,
  ...MODULES,
  LEZEN: 'Lezen',
  LUISTEREN: 'Luisteren',
  SCHRIJVEN: 'Schrijven',
  SPREKEN: 'Spreken',
  LESSEN: 'Lesuren',
  PARTICIPATIE: 'Participatie-uren',
  WEEKS: 'weken',
  MONTHS: 'maanden',
  ZIEKTE: 'Ziekte',
  ZWANGERSCHAP_BEVALLING: 'Zwangerschap of bevalling',
  BIJZONDERE_OMSTANDIGHEDEN: 'Bijzondere omstandigheden',
  NIET_ONTHEFFENDE_OPLEIDING: 'Opleiding (geen ontheffing)',
  MEDISCH: 'Medisch',
  AANTOONBARE_INSPANNING: 'Aantoonbaar genoeg moeite gedaan',
  DIPLOMA: 'Diploma',
  OVERIG: 'Anders',
  VERTROKKEN: 'Vertrokken uit Nederland',
  OVERLEDEN: 'Overleden',
  true: 'Ja',
  false: 'Nee',
};

/** The word for a code, or the code itself when it is new to this page (better than hiding it). */
export function label(map: Record<string, string>, code: string | null | undefined): string {
  if (code === undefined || code === null || code === '') return '–';
  return map[code] ?? code;
}

export const actionTitle = (name: string, description?: string): string =>
  ACTIES[name as CommandName] ?? description ?? name;

const dateFormat = new Intl.DateTimeFormat('nl-NL', {
  day: 'numeric',
  month: 'long',
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
 * Calendar dates (YYYY-MM-DD) are shown as such (read as UTC midnight, so the day never shifts with
 * the browser's time zone); instants in Dutch local time.
 */
export function formatDate(value: string | null | undefined): string {
  if (!value) return '–';
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return dateFormat.format(new Date(`${value}T00:00:00Z`));
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? value : instantFormat.format(d);
}

export function formatNumber(value: number | null | undefined, unit?: string): string {
  if (value === undefined || value === null || Number.isNaN(value)) return '–';
  if (unit === '%')
    return `${(value <= 1 ? value * 100 : value).toLocaleString('nl-NL', { maximumFractionDigits: 1 })}%`;
  const text = value.toLocaleString('nl-NL', { maximumFractionDigits: 1 });
  return unit ? `${text} ${unit}` : text;
}

export const fullName = (n: { voornaam: string; achternaam: string } | null | undefined): string =>
  n ? `${n.voornaam} ${n.achternaam}` : 'Naam onbekend';
