/**
 * The export of ./inzage.ts as a page the person can read (Dutch, B1): their data, their
 * trajectory, what was recorded and sent about them, who received it, how long it is kept and
 * what they can do. Everything is escaped; the complete machine-readable state is at the end.
 * Codes (phases, actions) are shown as the system names them, with the dates in Dutch.
 */
import escapeHtml from 'escape-html';
import { DateTime } from 'luxon';
import { ZONE } from '../../domain/dates';
import type { InzageExport } from './inzage';

const e = (value: unknown): string => escapeHtml(value === null || value === undefined ? '' : String(value));

const datum = (date: string | null | undefined): string =>
  date ? DateTime.fromISO(date, { zone: ZONE }).setLocale('nl').toLocaleString(DateTime.DATE_FULL) : '–';

const tijdstip = (instant: string | null | undefined): string =>
  instant ? DateTime.fromISO(instant).setZone(ZONE).setLocale('nl').toFormat("d MMMM yyyy 'om' HH:mm") : '–';

const AAN: Record<string, string> = {
  coach: 'uw coach',
  manager: 'de manager',
  partner: 'een organisatie waar u les of werk heeft',
  gemeente: 'de gemeente',
};

function table(headers: string[], rows: string[][], empty: string): string {
  if (rows.length === 0) return `<p class="leeg">${e(empty)}</p>`;
  return [
    '<table><thead><tr>',
    ...headers.map((h) => `<th>${e(h)}</th>`),
    '</tr></thead><tbody>',
    ...rows.map((r) => `<tr>${r.map((cell) => `<td>${cell}</td>`).join('')}</tr>`),
    '</tbody></table>',
  ].join('');
}

function details(value: unknown): string {
  if (!value || typeof value !== 'object') return e(value);
  return Object.entries(value as Record<string, unknown>)
    .map(([k, v]) => `${e(k)}: ${e(typeof v === 'object' ? JSON.stringify(v) : v)}`)
    .join('<br>');
}

export function renderInzageHtml(x: InzageExport): string {
  const p = x.person;
  const state = x.trajectory.state;
  const summary = (x.trajectory.summary ?? {}) as {
    phase?: string;
    route?: string;
    milestones?: Record<string, string>;
  };
  const phase = state?.phase ?? summary.phase;
  const route = state?.route ?? summary.route;
  const dates = state?.dates;
  const persoon = p
    ? table(
        ['Gegeven', 'Wat wij hebben'],
        [
          ['Burgerservicenummer (BSN)', e(p.bsn ?? '(versleuteld, sleutel niet beschikbaar)')],
          ['Voornaam', e(p.voornaam)],
          ['Achternaam', e(p.achternaam)],
          ['Geboortedatum', e(datum(p.geboortedatum))],
          ['E-mailadres', e(p.email ?? '–')],
          ['Telefoonnummer', e(p.telefoon ?? '–')],
          ['Adres', e(p.adres ?? '–')],
          ['Laatst gewijzigd', e(tijdstip(p.updatedAt))],
        ],
        '',
      )
    : '<p class="leeg">Wij bewaren geen persoonsgegevens meer van u.</p>';
  const traject = table(
    ['Onderdeel', 'Stand'],
    [
      ['Fase', e(phase ?? '–')],
      ['Leerroute', e(route ?? 'nog niet gekozen')],
      ['Doelgroep', e(x.koppeling.doelgroep)],
      ['Gekoppeld aan de gemeente', e(datum(dates?.koppeling ?? summary.milestones?.koppeling))],
      ['Brede intake', e(datum(dates?.intake ?? summary.milestones?.intake))],
      ['Besluit PIP', e(datum(dates?.pipDecision ?? summary.milestones?.pip))],
      ['Begin inburgeringstermijn', e(datum(dates?.termijnStart ?? summary.milestones?.termijnStart))],
      ['Einde traject', e(datum(x.retention.endedDate))],
      ['Uw coach (nummer)', e(x.koppeling.coachId)],
      ['Kenmerk van de koppeling', e(x.koppeling.koppelingRef)],
    ],
    '',
  );
  const termijnen = table(
    ['Termijn', 'Uiterste datum', 'Stand', 'Gehaald op', 'Regel'],
    x.deadlines.map((d) => [
      e(d.label ?? d.key),
      e(datum(d.dueDate)),
      e(d.status),
      e(datum(d.metOn)),
      e(d.legalSource),
    ]),
    'Er zijn geen termijnen vastgelegd.',
  );
  const vastgelegd = table(
    ['Wanneer', 'Door (nummer)', 'Wat', 'Gegevens'],
    x.auditTrail.map((a) => [e(tijdstip(a.at)), e(a.actor), e(a.action), details(a.details)]),
    'Er is niets vastgelegd.',
  );
  const berichten = table(
    ['Wanneer', 'Aan', 'Onderwerp', 'Tekst', 'Verstuurd'],
    x.notifications.map((n) => [
      e(tijdstip(n.at)),
      e(AAN[n.audience] ?? n.audience),
      e(n.subject),
      `<span class="tekst">${e(n.body)}</span>`,
      e(n.sentAt ? tijdstip(n.sentAt) : 'nee'),
    ]),
    'Er zijn geen berichten over u verstuurd.',
  );
  const ontvangers = table(
    ['Organisatie', 'Soort', 'Waarvoor', 'Sinds'],
    x.recipients.map((r) => [e(r.name), e(r.kind), e(r.purpose), e(tijdstip(r.since))]),
    'Wij hebben uw gegevens met geen andere organisatie gedeeld.',
  );
  const bewaren = x.retention.removalDate
    ? `Uw inburgering is geëindigd op ${e(datum(x.retention.endedDate))}. Op ${e(
        datum(x.retention.removalDate),
      )} verwijderen wij uw persoonsgegevens.`
    : 'Uw inburgering loopt nog. Wij bewaren uw gegevens zolang uw inburgering loopt.';

  return `<!doctype html>
<html lang="nl">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Uw gegevens bij ${e(x.gemeente)}</title>
<style>
  body { font-family: system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.5; color: #1b1b1b; }
  h1 { font-size: 1.6rem; } h2 { font-size: 1.2rem; margin-top: 2rem; border-bottom: 1px solid #ccc; }
  table { border-collapse: collapse; width: 100%; margin: .5rem 0; }
  th, td { text-align: left; vertical-align: top; padding: .3rem .5rem; border-bottom: 1px solid #e3e3e3; }
  th { background: #f3f3f3; }
  .leeg { color: #555; font-style: italic; } .tekst { white-space: pre-wrap; }
  pre { background: #f6f6f6; padding: 1rem; overflow-x: auto; font-size: .8rem; }
  .klein { color: #555; font-size: .9rem; }
</style>
</head>
<body>
<h1>Uw gegevens bij ${e(x.gemeente)}</h1>
<p>In dit overzicht staat alles wat ${e(x.gemeente)} over u bewaart voor uw inburgering.
U mag dit altijd vragen. Dat staat in de Algemene verordening gegevensbescherming (AVG), artikel 15.</p>
<p class="klein">Gemaakt op ${e(tijdstip(x.generatedAt))} door medewerker ${e(x.generatedBy)}.
Uw nummer bij ons: ${e(x.inburgeraarId)}.</p>

<h2>Uw persoonsgegevens</h2>
${persoon}

<h2>Uw inburgering</h2>
${traject}

<h2>Uw termijnen</h2>
${termijnen}

<h2>Wat wij hebben vastgelegd</h2>
<p>Elke keer dat iemand uw gegevens bekijkt of iets verandert, schrijven wij dat op.</p>
${vastgelegd}

<h2>Berichten over u</h2>
${berichten}

<h2>Met wie wij uw gegevens deelden</h2>
${ontvangers}

<h2>Hoe lang bewaren wij uw gegevens?</h2>
<p>${bewaren} Wij bewaren ze tot ${e(x.retention.yearsAfterEnd)} jaar na het einde van uw inburgering.
Daarna verwijderen wij uw naam, uw BSN, uw contactgegevens en de teksten over u.
Alleen cijfers zonder naam blijven over.</p>

<h2>Wat kunt u doen?</h2>
<ul>
<li>Klopt een gegeven niet? Vraag ons om het te verbeteren (AVG, artikel 16).</li>
<li>Bent u het niet eens met hoe wij met uw gegevens omgaan? Neem contact op met de functionaris
gegevensbescherming van ${e(x.gemeente)}. U kunt ook een klacht indienen bij de Autoriteit Persoonsgegevens.</li>
</ul>

<h2>Alle gegevens van uw traject</h2>
<p class="klein">Zo staat uw traject in ons systeem (${
    x.trajectory.source === 'temporal' ? 'de actuele stand' : 'de laatste stand die wij bewaren'
  }).</p>
<pre>${e(JSON.stringify(state ?? x.trajectory.summary, null, 2))}</pre>
</body>
</html>
`;
}
