/**
 * The coach's workspace (/werk): "Mijn caseload" and one person's page with the "what now" panel.
 *
 *  - `#/` the caseload by name, overdue first; search by name or BSN.
 *  - `#/persoon/<id>` one person: phase, route, every deadline with its legal source, modules,
 *    hours, exam results, the actions the rules allow now (each a form built from the API's JSON
 *    Schema, choices narrowed by the rules), the timeline with who acted, and the messages.
 *
 * Every type here is the API's own (its zod schemas, inferred) or the domain's.
 */
import type { z } from 'zod';
import type { JsonSchema } from '../../domain/allowed-actions';
import type { CommandName } from '../../domain/commands';
import { nextStepOf } from '../../domain/next-step';
import type { TrajectoryState } from '../../domain/types';
import type { personViewSchema } from '../../api/routes/common';
import type { AllowedAnswer, CaseloadAnswer, CaseloadItem, TimelineAnswer } from '../../api/routes/werk';
import { ApiError, errorText, get, post, signInUrl, whenSessionEnds } from '../shared/api';
import { $, append, facts, h, notice, table, type Child } from '../shared/dom';
import { clearIssues, formFields, readForm, showIssues } from '../shared/form';
import { personalLinkPanel } from './persoonlijke-link';
import {
  actionTitle,
  BERICHTEN,
  DEADLINE_STATUS,
  EINDE,
  FASEN,
  formatDate,
  formatNumber,
  fullName,
  GEBEURTENISSEN,
  label,
  MODULES,
  ONTVANGERS,
  ROUTES,
  VERZENDING,
  WAARDEN,
} from '../shared/labels';

type PersonView = z.infer<typeof personViewSchema>;
interface ActionForm {
  name: CommandName;
  description: string;
  schema: JsonSchema;
}
interface Partner {
  id: string;
  name: string;
}

const page = document.body.dataset;
const role = page.role ?? 'coach';
const content = (): HTMLElement => $('#werk');

let actionForms: Promise<ActionForm[]> | undefined;
let partners: Promise<Partner[]> | undefined;

function today(): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Amsterdam' }).format(new Date());
  return parts.slice(0, 10);
}

/** A message at the top of the page that stays while the content below is drawn again. */
function announce(text: string, kind: 'info' | 'error' | 'ok' = 'info'): void {
  const box = $('#melding');
  box.replaceChildren(text ? notice(text, kind) : '');
}

function showError(err: unknown): void {
  if (err instanceof ApiError && err.status === 401) return; // the session-ended notice is shown
  announce(errorText(err), 'error');
}

function render(...children: Child[]): void {
  const main = content();
  main.replaceChildren();
  append(main, children);
}

function focusHeading(): void {
  const h1 = document.querySelector<HTMLElement>('#werk h1');
  if (h1) {
    h1.tabIndex = -1;
    h1.focus();
  }
}

// ---------------------------------------------------------------------------------------------
// Mijn caseload
// ---------------------------------------------------------------------------------------------

interface Search {
  q: string;
  bsn: string;
  overdue: boolean;
}
const search: Search = { q: '', bsn: '', overdue: false };

function deadlineText(d: { label: string | null; key: string; dueDate: string } | null): string {
  return d ? `${d.label ?? d.key}: ${formatDate(d.dueDate)}` : '–';
}

function overdueCell(item: CaseloadItem): Child {
  if (!item.overdue) return 'nee';
  return h(
    'span',
    {},
    h('span', { className: 'badge badge-alert' }, 'te laat'),
    ' ',
    item.overdueDeadlines.map((d) => `${d.label ?? d.key} (${formatDate(d.dueDate)})`).join(', '),
  );
}

async function showCaseload(): Promise<void> {
  const title = role === 'manager' ? 'Caseload' : 'Mijn caseload';
  document.title = `${title} – Regie inburgering`;
  const form = h(
    'form',
    { className: 'filters', role: 'search', 'aria-label': 'Zoeken in de caseload' },
    h(
      'div',
      { className: 'field' },
      h('label', { for: 'zoek-naam' }, 'Naam'),
      h('input', { id: 'zoek-naam', name: 'q', type: 'search', value: search.q, autocomplete: 'off' }),
    ),
    h(
      'div',
      { className: 'field' },
      h('label', { for: 'zoek-bsn' }, 'BSN'),
      h('input', {
        id: 'zoek-bsn',
        name: 'bsn',
        type: 'text',
        inputmode: 'numeric',
        value: search.bsn,
        autocomplete: 'off',
        'aria-describedby': 'zoek-bsn-uitleg',
      }),
      h(
        'p',
        { className: 'hint', id: 'zoek-bsn-uitleg' },
        '9 cijfers. U vindt alleen iemand met precies dit BSN.',
      ),
    ),
    h(
      'div',
      { className: 'field checkbox' },
      h('input', { id: 'zoek-te-laat', name: 'overdue', type: 'checkbox', checked: search.overdue }),
      h('label', { for: 'zoek-te-laat' }, 'Alleen te laat'),
    ),
    h(
      'div',
      { className: 'field actions' },
      h('button', { type: 'submit' }, 'Zoeken'),
      h('button', { type: 'button', className: 'secondary', id: 'zoek-wissen' }, 'Wissen'),
    ),
  );
  const result = h('div', { id: 'caseload-resultaat' });
  render(h('h1', {}, title), h('section', { className: 'card', 'aria-label': 'Zoeken' }, form), result);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const data = new FormData(form);
    search.q = String(data.get('q') ?? '').trim();
    search.bsn = String(data.get('bsn') ?? '').replace(/\s/g, '');
    search.overdue = data.get('overdue') === 'on';
    void loadCaseload(result);
  });
  $('#zoek-wissen', form).addEventListener('click', () => {
    Object.assign(search, { q: '', bsn: '', overdue: false });
    void showCaseload();
  });
  await loadCaseload(result);
}

async function loadCaseload(target: HTMLElement): Promise<void> {
  try {
    const answer = await get<CaseloadAnswer>('/api/werk/caseload', {
      q: search.q,
      bsn: search.bsn,
      overdue: search.overdue ? 'true' : undefined,
      pageSize: 200,
    });
    const rows = answer.items.map((item) => [
      h('a', { href: `#/persoon/${item.inburgeraarId}` }, fullName(item.naam)),
      label(FASEN, item.phase),
      label(ROUTES, item.route),
      item.nextStep ? actionTitle(item.nextStep) : '–',
      deadlineText(item.nextDeadline),
      overdueCell(item),
    ]);
    const count = `${answer.total} ${answer.total === 1 ? 'persoon' : 'personen'}`;
    target.replaceChildren(
      h('p', { role: 'status', id: 'caseload-aantal' }, count),
      table(
        `Caseload: ${count}. Wie te laat is, staat bovenaan.`,
        ['Naam', 'Fase', 'Leerroute', 'Volgende stap', 'Volgende deadline', 'Te laat'],
        rows,
        { empty: 'Niemand gevonden.', captionHidden: true },
      ),
    );
  } catch (err) {
    if (err instanceof ApiError && err.status === 400)
      target.replaceChildren(notice('Vul een geldig BSN in: 9 cijfers.', 'error'));
    else showError(err);
  }
}

// ---------------------------------------------------------------------------------------------
// One person
// ---------------------------------------------------------------------------------------------

interface PersonData {
  person: PersonView;
  state: TrajectoryState;
  allowed: AllowedAnswer;
  timeline: TimelineAnswer;
}

async function loadPerson(id: string): Promise<PersonData> {
  const path = `/api/inburgeraars/${encodeURIComponent(id)}`;
  const [person, allowed, timeline] = await Promise.all([
    get<PersonView>(path),
    get<AllowedAnswer>(`${path}/mogelijke-acties`),
    get<TimelineAnswer>(`/api/werk/inburgeraars/${encodeURIComponent(id)}/tijdlijn`),
  ]);
  return { person, state: person.state as unknown as TrajectoryState, allowed, timeline };
}

async function showPerson(id: string): Promise<void> {
  try {
    const data = await loadPerson(id);
    await drawPerson(data);
    focusHeading();
  } catch (err) {
    if (err instanceof ApiError && (err.status === 403 || err.status === 404)) {
      document.title = 'Geen toegang – Regie inburgering';
      render(
        h('h1', {}, err.status === 403 ? 'Geen toegang' : 'Niet gevonden'),
        notice(
          err.status === 403
            ? 'Deze persoon hoort niet bij uw caseload. U kunt het dossier daarom niet openen.'
            : 'Deze persoon is niet gevonden.',
          'error',
        ),
        h('p', {}, h('a', { href: '#/' }, 'Terug naar de caseload')),
      );
      focusHeading();
      return;
    }
    showError(err);
  }
}

function summaryFacts(data: PersonData): HTMLElement {
  const s = data.state;
  return facts([
    ['Fase', label(FASEN, s.phase)],
    [
      'Leerroute',
      s.route
        ? `${label(ROUTES, s.route)}${s.taalniveau === 'A2' ? ' (niveau A2)' : ''}`
        : 'nog niet gekozen',
    ],
    ['Klantmanager', s.coachId === page.userId ? 'u' : s.coachId],
    ['Koppeling', formatDate(s.dates.koppeling)],
    [
      'Brede intake',
      s.dates.intake
        ? `afgerond op ${formatDate(s.dates.intake)}`
        : s.dates.intakePlanned
          ? `gepland op ${formatDate(s.dates.intakePlanned)}`
          : undefined,
    ],
    ['PIP', s.dates.pipDecision ? formatDate(s.dates.pipDecision) : undefined],
    ['Start inburgeringstermijn', s.dates.termijnStart ? formatDate(s.dates.termijnStart) : undefined],
    ['Gepauzeerd', s.paused ? `ja, sinds ${formatDate(s.paused.since)}` : undefined],
    ['Einde', s.ended ? `${label(EINDE, s.ended.reason)} op ${formatDate(s.ended.date)}` : undefined],
  ]);
}

function deadlinesTable(s: TrajectoryState): HTMLElement {
  const rows = [...s.deadlines]
    .sort((a, b) => a.dueDate.localeCompare(b.dueDate))
    .map((d) => [
      d.label,
      formatDate(d.dueDate) +
        (d.originalDueDate !== d.dueDate ? ` (was ${formatDate(d.originalDueDate)})` : ''),
      h(
        'span',
        { className: `status-${d.status}` },
        label(DEADLINE_STATUS, d.status) +
          (d.fulfilledDate ? ` op ${formatDate(d.fulfilledDate)}` : '') +
          (d.suspended ? ' (wacht)' : ''),
      ),
      d.source,
    ]);
  return table('Deadlines', ['Deadline', 'Uiterlijk', 'Status', 'Wettelijke basis'], rows, {
    empty: 'Nog geen deadlines.',
    captionHidden: true,
  });
}

function modulesTable(s: TrajectoryState): HTMLElement {
  const rows = Object.values(s.modules)
    .filter((m): m is NonNullable<typeof m> => Boolean(m))
    .map((m) => [
      label(MODULES, m.module),
      m.inPip ? 'ja' : 'nee',
      formatDate(m.agreedEndDate),
      formatDate(m.startDate),
      formatDate(m.completedDate),
      m.hours === undefined ? '–' : formatNumber(m.hours),
    ]);
  return table(
    'Modules',
    ['Module', 'In het PIP', 'Afgesproken einddatum', 'Gestart', 'Afgerond', 'Uren'],
    rows,
    {
      empty: 'Nog geen modules (die komen in het PIP).',
      captionHidden: true,
    },
  );
}

function examsTable(s: TrajectoryState): HTMLElement {
  const rows = Object.entries(s.exams).flatMap(([component, attempts]) =>
    (attempts ?? []).map((a) => [
      label(WAARDEN, component),
      String(a.attempt),
      formatDate(a.date),
      h(
        'span',
        { className: a.passed ? 'status-met' : 'status-missed' },
        a.passed ? 'gehaald' : 'niet gehaald',
      ),
      a.level,
    ]),
  );
  return table('Examens', ['Onderdeel', 'Poging', 'Datum', 'Uitslag', 'Niveau'], rows, {
    empty: 'Nog geen examens.',
    captionHidden: true,
  });
}

/** Reads are in the audit trail, not in the timeline (a view of the personal page counts on its link). */
const READS = new Set(['PERSON_READ', 'PERSONAL_LINK_VIEWED']);

function timelineList(t: TimelineAnswer): HTMLElement {
  const events = t.events.filter((e) => !READS.has(e.type)).reverse();
  if (events.length === 0) return h('p', {}, 'Nog niets gebeurd.');
  return h(
    'ol',
    { className: 'timeline', reversed: true },
    events.map((e) => {
      const details = (e.details ?? {}) as Record<string, unknown>;
      const extra =
        e.type === 'PHASE_CHANGED'
          ? `: ${label(FASEN, String(details.from))} → ${label(FASEN, String(details.to))}`
          : e.type === 'DEADLINE_STATUS'
            ? `: ${String(details.key)} ${label(DEADLINE_STATUS, String(details.to))}`
            : '';
      return h(
        'li',
        {},
        h('time', { datetime: e.at }, formatDate(e.at)),
        ' ',
        h('span', { className: 'event-type' }, label(GEBEURTENISSEN, e.type)),
        extra,
        e.actor ? ` · door ${e.actor.name ?? e.actor.id}` : ' · automatisch',
      );
    }),
  );
}

function messagesTable(t: TimelineAnswer): HTMLElement {
  const rows = [...t.notifications]
    .reverse()
    .map((n) => [
      formatDate(n.at),
      label(BERICHTEN, n.template),
      label(ONTVANGERS, n.audience),
      h(
        'span',
        { className: n.status === 'sent' ? 'status-met' : n.status === 'pending' ? '' : 'status-missed' },
        label(VERZENDING, n.status),
      ),
      n.reason ?? '–',
    ]);
  return table('Berichten', ['Datum', 'Bericht', 'Aan', 'Status', 'Reden'], rows, {
    empty: 'Nog geen berichten.',
    captionHidden: true,
  });
}

async function drawPerson(data: PersonData): Promise<void> {
  const name = data.person.persoon ? fullName(data.person.persoon) : 'Naam onbekend';
  document.title = `${name} – Regie inburgering`;
  const s = data.state;
  const panel = await actionPanel(data);
  const section = (id: string, title: string, ...body: Child[]) =>
    h('section', { className: 'card', 'aria-labelledby': id }, h('h2', { id }, title), ...body);
  render(
    h('p', {}, h('a', { href: '#/' }, '← Terug naar de caseload')),
    h('h1', {}, name),
    section('samenvatting', 'Waar staat het traject?', summaryFacts(data)),
    panel,
    section('deadlines', 'Deadlines', deadlinesTable(s)),
    section(
      'modules',
      'Modules en uren',
      modulesTable(s),
      facts([
        ['Lesuren', formatNumber(s.hours.LESSEN)],
        ['Participatie-uren', formatNumber(s.hours.PARTICIPATIE)],
      ]),
    ),
    section('examens', 'Examens', examsTable(s)),
    personalLinkPanel(data.person.inburgeraarId, name),
    section('tijdlijn', 'Tijdlijn', timelineList(data.timeline)),
    section('berichten', 'Berichten', messagesTable(data.timeline)),
    role === 'manager'
      ? h(
          'p',
          {},
          h(
            'a',
            { href: data.person.links.temporalUi, target: '_blank', rel: 'noopener noreferrer' },
            'Bekijk de workflow in Temporal (nieuw venster)',
          ),
        )
      : null,
  );
}

/** "Wat kunt u nu doen?": every allowed action as a form; the step that moves on comes first. */
async function actionPanel(data: PersonData): Promise<HTMLElement> {
  const [forms, partnerList] = await Promise.all([
    (actionForms ??= get<ActionForm[]>('/api/acties')),
    (partners ??= get<Partner[]>('/api/partners').catch(() => [])),
  ] as const);
  const byName = new Map(forms.map((f) => [f.name, f]));
  const next = nextStepOf({
    phase: data.state.phase,
    paused: Boolean(data.state.paused),
    route: data.state.route,
  });
  const allowed = [...data.allowed.acties].sort((a, b) => (a.name === next ? -1 : b.name === next ? 1 : 0));
  const items = allowed
    .filter((a) => byName.has(a.name as CommandName))
    .map((a) =>
      actionForm(data, byName.get(a.name as CommandName)!, a.choices, partnerList, a.name === next),
    );
  return h(
    'section',
    { className: 'card actions-panel', 'aria-labelledby': 'wat-nu' },
    h('h2', { id: 'wat-nu' }, 'Wat kunt u nu doen?'),
    items.length
      ? h(
          'p',
          { className: 'hint' },
          'Dit zijn de stappen die nu mogen volgens de regels. Open een stap, vul hem in en kies Opslaan.',
        )
      : h('p', {}, 'Er zijn geen stappen meer mogelijk: het traject is afgelopen.'),
    items,
  );
}

function actionForm(
  data: PersonData,
  spec: ActionForm,
  choices: Record<string, unknown[]>,
  partnerList: Partner[],
  open: boolean,
): HTMLElement {
  const title = actionTitle(spec.name, spec.description);
  const formId = `actie-${spec.name}`;
  const result = h('div', { className: 'result', id: `${formId}-uitslag`, 'aria-live': 'polite' });
  const form = h(
    'form',
    { className: 'action-form', id: formId, novalidate: true, 'aria-label': title },
    formFields(spec.schema, {
      id: formId,
      choices: choices as Record<string, never[]>,
      partners: partnerList,
      today: today(),
    }),
    h('p', {}, h('button', { type: 'submit' }, 'Opslaan')),
    result,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void submitAction(data, spec, form, result, title);
  });
  return h(
    'details',
    { className: 'action', open, 'data-actie': spec.name },
    h('summary', {}, title, open ? h('span', { className: 'badge' }, 'volgende stap') : null),
    form,
  );
}

async function submitAction(
  data: PersonData,
  spec: ActionForm,
  form: HTMLFormElement,
  result: HTMLElement,
  title: string,
): Promise<void> {
  clearIssues(form);
  result.replaceChildren();
  announce('');
  const button = form.querySelector('button[type=submit]') as HTMLButtonElement;
  button.disabled = true;
  try {
    await post(
      `/api/inburgeraars/${data.person.inburgeraarId}/acties/${spec.name}`,
      readForm(form, spec.schema),
    );
    // The new state at once: the update answered after its writes, so everything below is current.
    await drawPerson(await loadPerson(data.person.inburgeraarId));
    announce(`Opgeslagen: ${title}.`, 'ok');
    $('#melding').focus();
  } catch (err) {
    button.disabled = false;
    if (err instanceof ApiError && err.status === 409) {
      // The rule that refused it, in its own Dutch words, beside the form.
      const text = err.message.replace(new RegExp(`^${err.code}:\\s*`), '');
      result.replaceChildren(
        h(
          'div',
          { className: 'refusal', role: 'alert' },
          h('p', {}, h('strong', {}, 'Dit kan niet: '), text.charAt(0).toUpperCase() + text.slice(1) + '.'),
          h('p', { className: 'rule-code' }, `Regel: ${err.code}`),
        ),
      );
    } else if (err instanceof ApiError && err.status === 400) {
      const rest = showIssues(form, err.issues);
      result.replaceChildren(
        h(
          'div',
          { className: 'refusal', role: 'alert' },
          h('p', {}, 'Niet alle velden zijn goed ingevuld. Kijk bij de velden met een melding.'),
          rest.length
            ? h(
                'ul',
                {},
                rest.map((i) => h('li', {}, `${i.field}: ${i.reason}`)),
              )
            : null,
        ),
      );
    } else if (!(err instanceof ApiError && err.status === 401)) {
      result.replaceChildren(h('div', { className: 'refusal', role: 'alert' }, errorText(err)));
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Routing and start
// ---------------------------------------------------------------------------------------------

async function route(): Promise<void> {
  announce('');
  const m = /^#\/persoon\/([0-9a-f-]{36})$/i.exec(location.hash);
  if (m) await showPerson(m[1]!);
  else await showCaseload();
}

whenSessionEnds(() => {
  render(
    h('h1', {}, 'Uw sessie is verlopen'),
    notice('U was een tijd niet actief. Daarom bent u afgemeld. Uw gegevens zijn veilig.', 'error'),
    h('p', {}, h('a', { href: signInUrl(), id: 'opnieuw-aanmelden' }, 'Opnieuw aanmelden')),
  );
  announce('');
  focusHeading();
});

window.addEventListener('hashchange', () => void route());
void route();
