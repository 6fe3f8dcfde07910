/**
 * Dutch texts of every notification: what is due, by when, and what to do. Only ids, dates and codes
 * go in (the workflow knows no names), so a message never carries personal data; the link leads
 * the reader to the person's page, where access is checked and logged.
 *
 * Template ids are the ones the domain emits (domain/deadlines.ts, domain/transitions.ts).
 */
import type { NotificationKind, NotificationRequest } from './types';

export interface RenderContext {
  gemeenteNaam: string;
  /** Base URL of the web app, for a link to the person's page (omitted when unknown). */
  publicUrl?: string | undefined;
}

export interface RenderedMessage {
  subject: string;
  text: string;
}

type Params = NotificationRequest['data'];
type Template = (p: Params, r: NotificationRequest) => { subject: string; lines: string[] };

const dateFormat = new Intl.DateTimeFormat('nl-NL', {
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  timeZone: 'UTC',
});

/** `2027-03-15` → `15 maart 2027` (calendar dates are Europe/Amsterdam already: format as-is). */
export function datumNl(date: string | number | boolean | undefined): string {
  if (typeof date !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(date)) return String(date ?? '');
  return dateFormat.format(new Date(`${date}T00:00:00Z`));
}

const str = (v: string | number | boolean | undefined, fallback = ''): string =>
  v === undefined || v === '' ? fallback : String(v);

/** `1 dag`, `14 dagen`. */
const dagen = (n: string | number | boolean | undefined): string =>
  Number(n) === 1 ? '1 dag' : `${str(n, '?')} dagen`;

/** The deadline a message is about (top-level field, or in the template data). */
const keyOf = (p: Params, r: NotificationRequest): string | undefined =>
  r.deadlineKey ?? (typeof p.deadlineKey === 'string' ? p.deadlineKey : undefined);

/** What the coach should do for a deadline, by key prefix (fallback: the generic advice). */
const ACTIONS: [prefix: string, action: string][] = [
  [
    'PIP_VASTSTELLEN',
    'Rond de brede intake af en stel het PIP vast (beschikking), of leg vast op welke informatie van derden wordt gewacht.',
  ],
  [
    'HUISVESTING',
    'Stem met de woningcorporatie af wanneer de woning beschikbaar is en registreer de huisvestingsdatum.',
  ],
  ['VOORTGANGSGESPREK', 'Plan het voortgangsgesprek en leg het vast in het dossier.'],
  [
    'MODULE',
    'Controleer met de partner of de module is afgerond en registreer de afronding, of herzie de afspraak in het PIP.',
  ],
  [
    'INBURGERINGSTERMIJN',
    'Bespreek de voortgang en, bij ziekte, bijzondere omstandigheden of aanzienlijke inspanningen, een verlengingsverzoek bij DUO (mogelijk vanaf 6 maanden voor het einde van de termijn).',
  ],
  [
    'TIJDIG_AANBOD',
    'Zorg dat de lessen starten en registreer de eerste lesdag. Lukt dat niet op tijd, meld dan aan DUO dat het aanbod uitblijft en geef de inburgeraar een verklaring: het is een grond voor verlenging zonder verwijt.',
  ],
  [
    'BOETE_TERMIJN',
    'Ga na of de inburgeraar aan de brede intake heeft meegedaan. Zo niet, dan kan het college opnieuw een boete opleggen (Wi2021 art. 22) of, na drie oproepen, de intake zonder de inburgeraar afronden.',
  ],
  [
    'ROUTE_SWITCH',
    'Beslis of een andere leerroute beter past: na deze datum is schakelen niet meer mogelijk.',
  ],
  ['ONTZORGEN', 'Beslis over het vervolg: na deze datum eindigt het ontzorgen.'],
];

export function actionFor(deadlineKey: string | undefined): string {
  const found = ACTIONS.find(([prefix]) => deadlineKey?.startsWith(prefix));
  return found ? found[1] : 'Onderneem de afgesproken actie en registreer deze in het dossier.';
}

const TEMPLATES: Record<string, Template> = {
  REMINDER: (p, r) => ({
    subject: `Herinnering: ${str(p.label, keyOf(p, r))} uiterlijk ${datumNl(p.dueDate ?? r.dueDate)}`,
    lines: [
      `Over ${dagen(p.daysBefore)}, op ${datumNl(p.dueDate ?? r.dueDate)}, verloopt de termijn "${str(p.label, keyOf(p, r))}" voor inburgeraar ${r.inburgeraarId}.`,
      `Grondslag: ${str(p.source, 'beleid')}.`,
      `Wat te doen: ${actionFor(keyOf(p, r))}`,
    ],
  }),
  ESCALATION: (p, r) => ({
    subject: `Termijn verstreken: ${str(p.label, keyOf(p, r))} (${datumNl(p.dueDate ?? r.dueDate)})`,
    lines: [
      `De termijn "${str(p.label, keyOf(p, r))}" voor inburgeraar ${r.inburgeraarId} is op ${datumNl(p.dueDate ?? r.dueDate)} verstreken` +
        (p.daysOverdue !== undefined ? ` (${dagen(p.daysOverdue)} geleden).` : '.'),
      `Grondslag: ${str(p.source, 'beleid')}. Verantwoordelijke coach: ${str(p.coachId, 'onbekend')}.`,
      `Wat te doen: neem contact op met de coach en zorg dat de actie alsnog wordt uitgevoerd. ${actionFor(keyOf(p, r))}`,
    ],
  }),
  TERM_ENDED: (p, r) => ({
    subject: `Termijn afgelopen: ${str(p.label, keyOf(p, r))} (${datumNl(p.dueDate ?? r.dueDate)})`,
    lines: [
      `De termijn "${str(p.label, keyOf(p, r))}" voor inburgeraar ${r.inburgeraarId} is op ${datumNl(p.dueDate ?? r.dueDate)} afgelopen.`,
      `Grondslag: ${str(p.source, 'beleid')}.`,
      `Wat te doen: ${actionFor(keyOf(p, r))}`,
    ],
  }),
  PIP_REFERRAL: (p, r) => ({
    subject: `Nieuwe verwijzing: inburgeraar ${r.inburgeraarId} (PIP van ${datumNl(p.pipDecisionDate)})`,
    lines: [
      `In het PIP van ${datumNl(p.pipDecisionDate)} is inburgeraar ${r.inburgeraarId} naar u verwezen voor de ${str(p.route, '?')}-route (taalniveau ${str(p.taalniveau, '?')}).`,
      `Modules: ${str(p.modules, 'geen')}. De inburgeringstermijn loopt tot ${datumNl(p.termijnEnd)}.`,
      'Wat te doen: neem binnen twee weken contact op met de coach om de start af te spreken en meld de lesuren en examenresultaten via de API.',
    ],
  }),
  INTAKE_WAARSCHUWING: (p, r) => ({
    subject: `Brede intake gemist op ${datumNl(p.noShowDate)}: schriftelijke waarschuwing`,
    lines: [
      `Inburgeraar ${r.inburgeraarId} is op ${datumNl(p.noShowDate)} niet verschenen bij de brede intake.`,
      'Wat te doen: stuur een schriftelijke waarschuwing en een nieuwe oproep met een nieuwe termijn (Wi2021 art. 14 lid 2). Het college kan ook een boete opleggen (Wi2021 art. 22).',
    ],
  }),
  INTAKE_ZONDER_INBURGERAAR: (p, r) => ({
    subject: `Brede intake: ook de derde oproep gemist (${datumNl(p.noShowDate)})`,
    lines: [
      `Inburgeraar ${r.inburgeraarId} is ook na de derde oproep niet verschenen bij de brede intake (${datumNl(p.noShowDate)}).`,
      'Wat te doen: rond de brede intake af zonder de inburgeraar (Wi2021 art. 14 lid 2; actie "Brede intake afronden zonder inburgeraar") en stel daarna het PIP vast. Het college kan een boete opleggen (Wi2021 art. 22: € 250, met een nieuwe termijn van ten hoogste 2 maanden).',
    ],
  }),
  INTAKE_BOETE: (p, r) => ({
    subject: `Boetebesluit voorbereiden: brede intake opnieuw gemist (${datumNl(p.noShowDate)})`,
    lines: [
      `Inburgeraar ${r.inburgeraarId} is na een waarschuwing opnieuw niet verschenen bij de brede intake (${datumNl(p.noShowDate)}). Coach: ${str(p.coachId)}.`,
      `Wat te doen: neem een boetebesluit (€ ${str(p.fineEur, '?')}) en plan een nieuwe afspraak.`,
    ],
  }),
  INTAKE_TWEEDE_BOETE: (p, r) => ({
    subject: `Tweede boete en PIP zonder inbreng: brede intake gemist (${datumNl(p.noShowDate)})`,
    lines: [
      `Inburgeraar ${r.inburgeraarId} is opnieuw niet verschenen bij de brede intake (${datumNl(p.noShowDate)}). Coach: ${str(p.coachId)}.`,
      `Wat te doen: neem een tweede boetebesluit (€ ${str(p.fineEur, '?')}) en laat het PIP zonder inbreng van de inburgeraar vaststellen.`,
    ],
  }),
  TRANSFER: (p, r) => ({
    subject: `Warme overdracht: inburgeraar ${r.inburgeraarId} naar gemeente ${str(p.toGemeenteCode)}`,
    lines: [
      `Inburgeraar ${r.inburgeraarId} verhuist per ${datumNl(p.date)} naar gemeente ${str(p.toGemeenteCode)} (fase ${str(p.phase)}, route ${str(p.route, '-')}).`,
      `PIP: ${datumNl(p.pipDecisionDate) || '-'}; start termijn: ${datumNl(p.termijnStart) || '-'}.`,
      'Wat te doen: draag het dossier warm over aan de nieuwe gemeente (contact met hun regisseur, PIP en voortgang meesturen).',
    ],
  }),
  COACH_ASSIGNED: (_p, r) => ({
    subject: `U bent coach van inburgeraar ${r.inburgeraarId}`,
    lines: [
      `U bent aangewezen als coach van inburgeraar ${r.inburgeraarId}.`,
      'Wat te doen: bekijk het dossier en de openstaande termijnen, en neem contact op voor een kennismaking.',
    ],
  }),
  AFGEROND: (p, r) => ({
    subject: `Inburgeringsplicht voldaan: inburgeraar ${r.inburgeraarId}`,
    lines: [
      `Inburgeraar ${r.inburgeraarId} heeft op ${datumNl(p.date)} aan de inburgeringsplicht voldaan (${str(p.route, '?')}-route).`,
      'Wat te doen: sluit het dossier af en bespreek eventuele vervolgstappen naar werk of opleiding.',
    ],
  }),
};

/** A message for a template this version does not know: still useful, lists the parameters. */
const FALLBACK: Template = (p, r) => ({
  subject: `Bericht over inburgeraar ${r.inburgeraarId}: ${r.template}`,
  lines: [
    `Melding "${r.template}" voor inburgeraar ${r.inburgeraarId}.`,
    ...Object.entries(p).map(([k, v]) => `${k}: ${/Date$/.test(k) ? datumNl(v) : String(v)}`),
  ],
});

export function render(request: NotificationRequest, ctx: RenderContext): RenderedMessage {
  const template = TEMPLATES[request.template] ?? FALLBACK;
  const { subject, lines } = template(request.data, request);
  const link = ctx.publicUrl
    ? [`Dossier: ${ctx.publicUrl.replace(/\/$/, '')}/beheer/#/inburgeraar/${request.inburgeraarId}`]
    : [];
  const text = [
    'Beste collega,',
    '',
    ...lines,
    ...link,
    '',
    `Met vriendelijke groet,`,
    `${ctx.gemeenteNaam} – regie inburgering`,
    '',
  ].join('\n');
  return { subject, text };
}

export function kindOf(template: string): NotificationKind {
  if (
    template === 'REMINDER' ||
    template === 'INTAKE_WAARSCHUWING' ||
    template === 'INTAKE_ZONDER_INBURGERAAR'
  )
    return 'reminder';
  if (template === 'ESCALATION' || template.startsWith('INTAKE_')) return 'escalation';
  if (template === 'PIP_REFERRAL' || template === 'TRANSFER') return 'handoff';
  return 'info';
}

export const KNOWN_TEMPLATES = Object.keys(TEMPLATES);
