/**
 * The managers' page (/beheer): counts and monitoring figures, the people who are late and with
 * which deadline, the caseload by name with a filter per coach (chosen from the list) and
 * reassignment to another coach, and the messages that were held or failed with the reason.
 * A name opens the person's page in the workspace (/werk), with the timeline and the Temporal link.
 */
import type { Kpis } from '../../api/kpis';
import type { CaseloadAnswer, CaseloadItem, NotificationProblemsAnswer } from '../../api/routes/werk';
import { PHASES, LEERROUTES, type Phase, type Leerroute } from '../../domain/types';
import { ApiError, errorText, get, put, signInUrl, whenSessionEnds } from '../shared/api';
import { $, h, notice, table, type Child } from '../shared/dom';
import {
  BERICHTEN,
  FASEN,
  formatDate,
  formatNumber,
  fullName,
  label,
  ONTVANGERS,
  ROUTES,
  VERZENDING,
} from '../shared/labels';

interface Coach {
  id: string;
  name: string;
}
interface Stats {
  total: number;
  overdue: number;
  perPhase: Record<string, number>;
  perRoute: Record<string, number>;
}

const filters: { coachId: string; phase: string; route: string; q: string } = {
  coachId: '',
  phase: '',
  route: '',
  q: '',
};
const view = { page: 1, pageSize: 25, totalPages: 1 };
let coaches: Coach[] = [];

function announce(text: string, kind: 'info' | 'error' | 'ok' = 'info'): void {
  $('#melding').replaceChildren(text ? notice(text, kind) : '');
}

function showError(err: unknown): void {
  if (err instanceof ApiError && err.status === 401) return;
  announce(errorText(err), 'error');
}

const personLink = (item: { inburgeraarId: string; naam: CaseloadItem['naam'] }): HTMLElement =>
  h('a', { href: `/werk#/persoon/${item.inburgeraarId}` }, fullName(item.naam));

const coachName = (c: { id: string; name: string | null } | null): string => (c ? (c.name ?? c.id) : '–');

// ---------------------------------------------------------------------------------------------
// Counts and figures
// ---------------------------------------------------------------------------------------------

async function loadCounts(): Promise<void> {
  const [stats, kpis] = await Promise.all([get<Stats>('/api/stats'), get<Kpis>('/api/kpis')]);
  const count = (name: string, n: number): Child[] => [
    name,
    h('span', { className: 'num' }, formatNumber(n)),
  ];
  const fasen = Object.entries(stats.perPhase).filter(([, n]) => n > 0);
  const routes = Object.entries(stats.perRoute).filter(([, n]) => n > 0);
  const duration = (d: Kpis['koppelingToIntake']): string =>
    d.medianDays === null ? '–' : `${formatNumber(d.medianDays)} dagen (n=${d.count})`;
  $('#aantallen').replaceChildren(
    h(
      'div',
      { className: 'grid-3' },
      table(
        'Per fase',
        ['Fase', 'Aantal'],
        [
          ...fasen.map(([code, n]) => count(label(FASEN, code), n)),
          count('Totaal', stats.total),
          count('Waarvan te laat', stats.overdue),
        ],
        { className: 'compact', empty: 'Geen trajecten' },
      ),
      table(
        'Per leerroute',
        ['Leerroute', 'Aantal'],
        routes.map(([code, n]) => count(code === 'NONE' ? 'Nog geen route' : label(ROUTES, code), n)),
        { className: 'compact', empty: 'Geen trajecten' },
      ),
      table(
        'Kengetallen',
        ['Kengetal', 'Waarde'],
        [
          ['Trajecten', formatNumber(kpis.trajectories)],
          ['Koppeling tot intake (mediaan)', duration(kpis.koppelingToIntake)],
          ['Koppeling tot PIP (mediaan)', duration(kpis.koppelingToPip)],
          [
            'Deadlines op tijd gehaald',
            kpis.deadlines.shareMet === null
              ? '–'
              : `${formatNumber(kpis.deadlines.shareMet, '%')} (${kpis.deadlines.metOnTime} van ${kpis.deadlines.decided})`,
          ],
        ],
        { className: 'compact' },
      ),
    ),
    h('p', {}, h('a', { href: '/api/kpis.csv', download: '' }, 'Kengetallen downloaden (CSV)')),
  );
}

// ---------------------------------------------------------------------------------------------
// Te laat
// ---------------------------------------------------------------------------------------------

async function loadOverdue(): Promise<void> {
  const answer = await get<CaseloadAnswer>('/api/werk/caseload', { overdue: 'true', pageSize: 200 });
  const rows = answer.items.map((item) => [
    personLink(item),
    coachName(item.coach),
    label(FASEN, item.phase),
    h(
      'ul',
      { className: 'plain' },
      item.overdueDeadlines.map((d) =>
        h('li', {}, `${d.label ?? d.key}: uiterlijk ${formatDate(d.dueDate)}`),
      ),
    ),
  ]);
  $('#te-laat').replaceChildren(
    table(`Te laat: ${answer.total}`, ['Naam', 'Klantmanager', 'Fase', 'Welke deadline is te laat'], rows, {
      empty: 'Niemand is te laat.',
      captionHidden: true,
    }),
  );
}

// ---------------------------------------------------------------------------------------------
// Caseload with filter and reassignment
// ---------------------------------------------------------------------------------------------

function reassignForm(item: CaseloadItem): HTMLElement {
  const id = `coach-${item.inburgeraarId}`;
  const select = h(
    'select',
    { id, name: 'coachId' },
    coaches.map((c) => h('option', { value: c.id, selected: c.id === item.coach.id }, c.name)),
  );
  const form = h(
    'form',
    { className: 'reassign' },
    h('label', { for: id }, 'Nieuwe klantmanager'),
    select,
    h('button', { type: 'submit' }, 'Wijzigen'),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void reassign(item, select.value);
  });
  return h(
    'details',
    { className: 'reassign-details' },
    h(
      'summary',
      {},
      'Andere klantmanager',
      h('span', { className: 'visually-hidden' }, ` voor ${fullName(item.naam)}`),
    ),
    form,
  );
}

async function reassign(item: CaseloadItem, coachId: string): Promise<void> {
  const coach = coaches.find((c) => c.id === coachId);
  if (coachId === item.coach.id) {
    announce(`${fullName(item.naam)} heeft deze klantmanager al.`, 'info');
    return;
  }
  try {
    await put(`/api/inburgeraars/${item.inburgeraarId}/coach`, { coachId });
    announce(`Gewijzigd: ${fullName(item.naam)} heeft nu ${coach?.name ?? coachId} als klantmanager.`, 'ok');
    await Promise.all([loadCaseload(), loadOverdue()]);
    $('#melding').focus();
  } catch (err) {
    showError(err);
  }
}

async function loadCaseload(): Promise<void> {
  const answer = await get<CaseloadAnswer>('/api/werk/caseload', {
    coachId: filters.coachId,
    phase: filters.phase,
    route: filters.route,
    q: filters.q,
    page: view.page,
    pageSize: view.pageSize,
  });
  view.totalPages = answer.totalPages;
  const rows = answer.items.map((item) => [
    personLink(item),
    coachName(item.coach),
    label(FASEN, item.phase),
    label(ROUTES, item.route),
    item.nextDeadline
      ? `${item.nextDeadline.label ?? item.nextDeadline.key}: ${formatDate(item.nextDeadline.dueDate)}`
      : '–',
    item.overdue ? h('span', { className: 'badge badge-alert' }, 'te laat') : 'nee',
    reassignForm(item),
  ]);
  const count = `${answer.total} ${answer.total === 1 ? 'traject' : 'trajecten'}`;
  $('#caseload').replaceChildren(
    h('p', { role: 'status', id: 'caseload-aantal' }, `Caseload: ${count}`),
    table(
      `Caseload: ${count}`,
      ['Naam', 'Klantmanager', 'Fase', 'Leerroute', 'Volgende deadline', 'Te laat', 'Klantmanager wijzigen'],
      rows,
      { empty: 'Geen trajecten met deze filters.', captionHidden: true },
    ),
    h(
      'nav',
      { className: 'pager', 'aria-label': 'Pagina’s van de caseload' },
      h(
        'button',
        { type: 'button', className: 'secondary', id: 'vorige', disabled: view.page <= 1 },
        'Vorige pagina',
      ),
      h('span', { id: 'pagina-info' }, `Pagina ${view.page} van ${view.totalPages}`),
      h(
        'button',
        { type: 'button', className: 'secondary', id: 'volgende', disabled: view.page >= view.totalPages },
        'Volgende pagina',
      ),
    ),
  );
  $('#vorige').addEventListener('click', () => {
    view.page = Math.max(1, view.page - 1);
    loadCaseload().catch(showError);
  });
  $('#volgende').addEventListener('click', () => {
    view.page = Math.min(view.totalPages, view.page + 1);
    loadCaseload().catch(showError);
  });
}

function filterForm(): HTMLElement {
  const select = (id: string, name: string, text: string, all: string, options: [string, string][]) =>
    h(
      'div',
      { className: 'field' },
      h('label', { for: id }, text),
      h(
        'select',
        { id, name },
        h('option', { value: '' }, all),
        options.map(([v, t]) => h('option', { value: v }, t)),
      ),
    );
  const form = h(
    'form',
    { className: 'filters', 'aria-label': 'Filter de caseload' },
    select(
      'filter-coach',
      'coachId',
      'Klantmanager',
      'Alle klantmanagers',
      coaches.map((c) => [c.id, c.name]),
    ),
    select(
      'filter-fase',
      'phase',
      'Fase',
      'Alle fasen',
      PHASES.map((p: Phase) => [p, label(FASEN, p)]),
    ),
    select(
      'filter-route',
      'route',
      'Leerroute',
      'Alle routes',
      LEERROUTES.map((r: Leerroute) => [r, label(ROUTES, r)]),
    ),
    h(
      'div',
      { className: 'field' },
      h('label', { for: 'filter-naam' }, 'Naam'),
      h('input', { id: 'filter-naam', name: 'q', type: 'search', autocomplete: 'off' }),
    ),
    h(
      'div',
      { className: 'field' },
      h('label', { for: 'filter-per-pagina' }, 'Per pagina'),
      h(
        'select',
        { id: 'filter-per-pagina', name: 'pageSize' },
        [10, 25, 50, 100].map((n) => h('option', { value: n, selected: n === view.pageSize }, String(n))),
      ),
    ),
    h(
      'div',
      { className: 'field actions' },
      h('button', { type: 'submit' }, 'Toepassen'),
      h('button', { type: 'reset', className: 'secondary' }, 'Wissen'),
    ),
  );
  const read = () => {
    const data = new FormData(form);
    filters.coachId = String(data.get('coachId') ?? '');
    filters.phase = String(data.get('phase') ?? '');
    filters.route = String(data.get('route') ?? '');
    filters.q = String(data.get('q') ?? '').trim();
    view.pageSize = Number(data.get('pageSize')) || 25;
    view.page = 1;
    loadCaseload().catch(showError);
  };
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    read();
  });
  // The browser resets the fields after the event: read them on the next turn.
  form.addEventListener('reset', () => setTimeout(read));
  return form;
}

// ---------------------------------------------------------------------------------------------
// Messages that did not go out
// ---------------------------------------------------------------------------------------------

async function loadProblems(): Promise<void> {
  const answer = await get<NotificationProblemsAnswer>('/api/werk/meldingen', { limit: 100 });
  const rows = answer.items.map((n) => [
    formatDate(n.at),
    label(BERICHTEN, n.template),
    label(ONTVANGERS, n.audience),
    n.inburgeraarId ? personLink({ inburgeraarId: n.inburgeraarId, naam: n.naam }) : '–',
    coachName(n.coach),
    h('span', { className: 'status-missed' }, label(VERZENDING, n.status)),
    n.reason ?? '–',
  ]);
  $('#berichten').replaceChildren(
    table(
      'Berichten die niet zijn verstuurd',
      ['Datum', 'Bericht', 'Aan', 'Over', 'Klantmanager', 'Status', 'Reden'],
      rows,
      {
        empty: 'Alle berichten zijn verstuurd.',
        captionHidden: true,
      },
    ),
  );
}

// ---------------------------------------------------------------------------------------------
// Start
// ---------------------------------------------------------------------------------------------

whenSessionEnds(() => {
  $('#beheer').replaceChildren(
    h('h1', {}, 'Uw sessie is verlopen'),
    notice('U was een tijd niet actief. Daarom bent u afgemeld.', 'error'),
    h('p', {}, h('a', { href: signInUrl(), id: 'opnieuw-aanmelden' }, 'Opnieuw aanmelden')),
  );
});

async function start(): Promise<void> {
  try {
    coaches = await get<Coach[]>('/api/coaches');
    $('#filters').replaceChildren(filterForm());
    await Promise.all([loadCounts(), loadOverdue(), loadCaseload(), loadProblems()]);
  } catch (err) {
    showError(err);
  }
}

void start();
