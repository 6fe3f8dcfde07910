// The manager's page: sign in with an API key, then caseload (filters, sorting, paging), the
// overdue list, counts per fase/route and KPIs, and one person's timeline. Everything is built with
// DOM calls and textContent, never innerHTML, so no value from the API can inject markup.
import { ApiError, getJson, getText, session } from './api.js';
import {
  DEADLINE_STATUS,
  FASEN,
  GEBEURTENIS,
  MELDING_SOORT,
  ROUTES,
  VERZENDING,
  formatDate,
  formatNumber,
  label,
} from './labels.js';

const $ = (selector) => {
  const el = document.querySelector(selector);
  if (!el) throw new Error(`element ${selector} missing from index.html`);
  return el;
};

const config = {
  temporalUiUrl: document.body.dataset.temporalUiUrl ?? '',
  namespace: document.body.dataset.temporalNamespace ?? 'default',
};

/** The caseload view: filters from the form, sort and page from the column headers and pager. */
const view = { filters: {}, sort: 'nextDeadline', order: 'asc', page: 1, pageSize: 25, totalPages: 1 };

// ---------------------------------------------------------------------------------------------
// Small DOM helpers
// ---------------------------------------------------------------------------------------------

/** A table cell (or header cell) holding text or a node. */
function cell(content, { header = false, className } = {}) {
  const el = document.createElement(header ? 'th' : 'td');
  if (header) el.scope = 'row';
  if (className) el.className = className;
  if (content instanceof Node) el.append(content);
  else el.textContent = content ?? '–';
  return el;
}

function fillRows(tbody, rows, emptyText, columns) {
  tbody.replaceChildren();
  if (rows.length === 0) {
    const tr = document.createElement('tr');
    const td = cell(emptyText, { className: 'empty' });
    td.colSpan = columns;
    tr.append(td);
    tbody.append(tr);
    return;
  }
  for (const cells of rows) {
    const tr = document.createElement('tr');
    tr.append(...cells);
    tbody.append(tr);
  }
}

function notify(text, kind = 'info') {
  const el = $('#melding');
  el.textContent = text;
  el.dataset.kind = kind;
  el.hidden = !text;
}

function handleError(err) {
  if (err instanceof ApiError && err.status === 401) {
    session.clear();
    showSignIn();
  }
  notify(err instanceof ApiError ? err.message : `Er ging iets mis: ${err.message}`, 'error');
}

/** Lists carry no names (only the person's page does): a person is shown by the start of the id. */
function personLabel(item) {
  return `${String(item.inburgeraarId).slice(0, 8)}…`;
}

function timelineButton(item) {
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'link-button';
  button.textContent = 'Tijdlijn';
  button.setAttribute('aria-label', `Tijdlijn van ${item.inburgeraarId}`);
  button.addEventListener('click', () => {
    const hash = `#/inburgeraar/${item.inburgeraarId}`;
    // The same hash fires no hashchange: reload the open timeline instead.
    if (location.hash === hash) void route();
    else location.hash = hash;
  });
  return button;
}

function overdueBadge(overdue) {
  const span = document.createElement('span');
  span.className = overdue ? 'badge badge-alert' : 'badge';
  span.textContent = overdue ? 'ja' : 'nee';
  return span;
}

function deadlineText(deadline) {
  return deadline ? `${deadline.label ?? deadline.key} (${formatDate(deadline.dueDate)})` : '–';
}

// ---------------------------------------------------------------------------------------------
// Sections
// ---------------------------------------------------------------------------------------------

/** Monitoring figures are for managers (and admins); other roles see a note instead of an error. */
async function monitoring(path, tbody, columns, render) {
  try {
    render(await getJson(path));
  } catch (err) {
    if (err instanceof ApiError && err.status === 403)
      return fillRows(tbody, [], 'Alleen voor managers', columns);
    throw err;
  }
}

const countRow = (name, n) => [cell(name, { header: true }), cell(formatNumber(n), { className: 'num' })];

async function loadCounts() {
  const faseBody = $('#tabel-per-fase tbody');
  const routeBody = $('#tabel-per-route tbody');
  await monitoring('/api/stats', faseBody, 2, (stats) => {
    // Every phase is counted, also the empty ones; listing only the filled ones keeps it short.
    const fasen = Object.entries(stats.perPhase ?? {}).filter(([, n]) => n > 0);
    fillRows(
      faseBody,
      [
        ...fasen.map(([code, n]) => countRow(label(FASEN, code), n)),
        countRow('Totaal', stats.total),
        countRow('Waarvan achterstallig', stats.overdue),
      ],
      'Geen trajecten',
      2,
    );
    const routes = Object.entries(stats.perRoute ?? {}).filter(([, n]) => n > 0);
    fillRows(
      routeBody,
      routes.map(([code, n]) => countRow(code === 'NONE' ? 'Nog geen route' : label(ROUTES, code), n)),
      'Geen trajecten',
      2,
    );
  });
  if (faseBody.textContent.includes('Alleen voor managers'))
    fillRows(routeBody, [], 'Alleen voor managers', 2);
}

async function loadKpis() {
  const tbody = $('#tabel-kpis tbody');
  await monitoring('/api/kpis', tbody, 2, (k) => {
    const duration = (name, d) => [
      name,
      d?.medianDays === null || d?.medianDays === undefined
        ? '–'
        : `${formatNumber(d.medianDays)} dagen (n=${d.count})`,
    ];
    const rows = [
      ['Trajecten', formatNumber(k.trajectories)],
      duration('Koppeling → intake (mediaan)', k.koppelingToIntake),
      duration('Koppeling → PIP (mediaan)', k.koppelingToPip),
      [
        'Deadlines op tijd gehaald',
        k.deadlines?.shareMet === null || k.deadlines?.shareMet === undefined
          ? '–'
          : `${formatNumber(k.deadlines.shareMet, '%')} (${k.deadlines.metOnTime} van ${k.deadlines.decided})`,
      ],
      ...Object.entries(k.routeMix ?? {}).map(([route, v]) => [
        `Aandeel ${label(ROUTES, route)}`,
        v.share === null ? '–' : formatNumber(v.share, '%'),
      ]),
    ];
    fillRows(
      tbody,
      rows.map(([name, value]) => [cell(name, { header: true }), cell(value, { className: 'num' })]),
      'Nog geen gegevens',
      2,
    );
    $('#kpi-csv').hidden = false;
  });
}

/** The CSV export needs the API key too, so it is fetched and handed to the browser as a file. */
async function downloadKpiCsv() {
  const csv = await getText('/api/kpis.csv');
  const url = URL.createObjectURL(new Blob([csv], { type: 'text/csv' }));
  const a = Object.assign(document.createElement('a'), {
    href: url,
    download: `inburgering-kpis-${new Date().toISOString().slice(0, 10)}.csv`,
  });
  document.body.append(a);
  a.click();
  a.remove();
  URL.revokeObjectURL(url);
}

async function loadOverdue() {
  const page = await getJson('/api/inburgeraars', {
    overdue: true,
    sort: 'nextDeadline',
    order: 'asc',
    pageSize: 100,
  });
  const rows = page.items.map((item) => [
    cell(personLabel(item), { header: true }),
    cell(item.coachId),
    cell(label(FASEN, item.phase)),
    cell(deadlineText(item.nextDeadline)),
    cell(timelineButton(item)),
  ]);
  fillRows($('#tabel-achterstallig tbody'), rows, 'Geen achterstallige trajecten', 5);
  const more = page.total - page.items.length;
  $('#achterstallig-meer').textContent =
    more > 0 ? `En nog ${more} meer: filter de caseload op “Alleen achterstallig”.` : '';
}

async function loadCaseload() {
  const page = await getJson('/api/inburgeraars', {
    ...view.filters,
    sort: view.sort,
    order: view.order,
    page: view.page,
    pageSize: view.pageSize,
  });
  view.totalPages = Math.max(1, page.totalPages);
  const rows = page.items.map((item) => [
    cell(personLabel(item), { header: true }),
    cell(item.coachId),
    cell(label(FASEN, item.phase)),
    cell(label(ROUTES, item.route)),
    cell(deadlineText(item.nextDeadline)),
    cell(overdueBadge(item.overdue)),
    cell(timelineButton(item)),
  ]);
  fillRows($('#tabel-caseload tbody'), rows, 'Geen trajecten gevonden met deze filters', 7);
  $('#caseload-bijschrift').textContent =
    `Caseload: ${page.total} ${page.total === 1 ? 'traject' : 'trajecten'}`;
  $('#pagina-info').textContent = `Pagina ${view.page} van ${view.totalPages}`;
  $('#vorige').disabled = view.page <= 1;
  $('#volgende').disabled = view.page >= view.totalPages;
  for (const th of document.querySelectorAll('#tabel-caseload th[data-sort]')) {
    th.setAttribute(
      'aria-sort',
      th.dataset.sort === view.sort ? (view.order === 'asc' ? 'ascending' : 'descending') : 'none',
    );
  }
}

/** Fallback when the API gives no link: the same URL scheme the Temporal Web UI uses. */
function temporalUrl(workflowId) {
  return `${config.temporalUiUrl}/namespaces/${encodeURIComponent(config.namespace)}/workflows/${encodeURIComponent(workflowId)}`;
}

/**
 * A sent moment's id is `<deadlineKey>:<REMINDER-n|ESCALATION|TERM_ENDED>:<date>` (domain/deadlines.ts);
 * read from the end because only the key is free-form.
 */
function parseMoment(id) {
  const parts = id.split(':');
  const date = parts.pop();
  const type = parts.pop() ?? '';
  const days = /^REMINDER-(\d+)$/.exec(type);
  return {
    deadlineKey: parts.join(':'),
    date,
    template: days ? 'REMINDER' : type,
    soort: days ? `Herinnering (${days[1]} dagen vooraf)` : label(MELDING_SOORT, type),
    ontvanger: days ? 'coach' : type === 'ESCALATION' ? 'manager' : '–',
  };
}

function renderFacts(person, state) {
  const name = person.persoon ? `${person.persoon.voornaam} ${person.persoon.achternaam}` : undefined;
  const facts = [
    ['Naam', name],
    ['Inburgeraar-id', person.inburgeraarId],
    ['Coach', state.coachId],
    ['Fase', label(FASEN, state.phase)],
    ['Leerroute', label(ROUTES, state.route)],
    ['Doelgroep', state.doelgroep],
    ['Koppeling', formatDate(state.dates?.koppeling)],
    ['Start inburgeringstermijn', formatDate(state.dates?.termijnStart)],
    ['Gepauzeerd', state.paused ? `ja, sinds ${formatDate(state.paused.since)}` : 'nee'],
  ].filter(([, value]) => value !== undefined);
  const dl = $('#detail-samenvatting');
  dl.replaceChildren();
  for (const [term, value] of facts) {
    dl.append(
      Object.assign(document.createElement('dt'), { textContent: term }),
      Object.assign(document.createElement('dd'), { textContent: value }),
    );
  }
  $('#detail-titel').textContent = `Tijdlijn van ${name ?? personLabel(person)}`;
}

function renderDeadlines(deadlines) {
  fillRows(
    $('#tabel-deadlines tbody'),
    [...deadlines]
      .sort((a, b) => a.dueDate.localeCompare(b.dueDate))
      .map((d) => [
        cell(d.label ?? d.key, { header: true }),
        cell(
          formatDate(d.dueDate) +
            (d.originalDueDate && d.originalDueDate !== d.dueDate
              ? ` (was ${formatDate(d.originalDueDate)})`
              : ''),
        ),
        cell(
          label(DEADLINE_STATUS, d.status) + (d.fulfilledDate ? ` op ${formatDate(d.fulfilledDate)}` : ''),
          { className: `status-${d.status}` },
        ),
        cell(d.source),
      ]),
    'Geen deadlines',
    4,
  );
}

/**
 * What the workflow decided to send (its `notified` moments) next to what the outbox did with it
 * (timeline entries of kind "notification", matched by template and deadline).
 */
function renderNotifications(notified, deadlines, entries) {
  const labelOf = new Map(deadlines.map((d) => [d.key, d.label ?? d.key]));
  const outbox = entries.filter((e) => e.kind === 'notification');
  const moments = notified.map(parseMoment).sort((a, b) => a.date.localeCompare(b.date));
  const rows = moments.map((m) => {
    const i = outbox.findIndex((e) => e.type === m.template && e.details?.deadlineKey === m.deadlineKey);
    const delivery = i >= 0 ? outbox.splice(i, 1)[0].details?.status : undefined;
    return [
      cell(formatDate(m.date), { header: true }),
      cell(m.soort),
      cell(m.ontvanger),
      cell(labelOf.get(m.deadlineKey) ?? m.deadlineKey),
      cell(delivery ? label(VERZENDING, delivery) : '–'),
    ];
  });
  fillRows($('#tabel-meldingen tbody'), rows, 'Nog geen herinneringen of escalaties verstuurd', 5);
}

function renderEntries(entries) {
  const list = $('#tijdlijn');
  list.replaceChildren();
  for (const entry of entries) {
    const li = document.createElement('li');
    li.className = `entry-${entry.kind}`;
    const time = Object.assign(document.createElement('time'), {
      dateTime: entry.at,
      textContent: formatDate(entry.at),
    });
    const what = Object.assign(document.createElement('span'), {
      className: 'event-type',
      textContent: label(GEBEURTENIS, entry.type),
    });
    li.append(time, ' ', what);
    const details = entry.details ?? {};
    if (entry.type === 'PHASE_CHANGED')
      li.append(`: ${label(FASEN, details.from)} → ${label(FASEN, details.to)}`);
    if (entry.type === 'DEADLINE_STATUS')
      li.append(
        `: ${details.key} ${label(DEADLINE_STATUS, details.from)} → ${label(DEADLINE_STATUS, details.to)}`,
      );
    if (entry.kind === 'notification')
      li.append(` · ${details.audience ?? ''} · ${label(VERZENDING, details.status)}`);
    if (entry.actorId) li.append(` · door ${entry.actorId}`);
    list.append(li);
  }
  if (entries.length === 0)
    list.append(Object.assign(document.createElement('li'), { textContent: 'Nog geen gebeurtenissen' }));
}

async function loadDetail(id) {
  const path = `/api/inburgeraars/${encodeURIComponent(id)}`;
  const [person, timeline] = await Promise.all([getJson(path), getJson(`${path}/timeline`)]);
  renderFacts(person, person.state);
  $('#temporal-link').href = person.links?.temporalUi ?? temporalUrl(person.workflowId);
  renderDeadlines(timeline.deadlines);
  renderNotifications(timeline.notified, timeline.deadlines, timeline.entries);
  renderEntries(timeline.entries);
  const section = $('#detail');
  section.hidden = false;
  section.focus();
}

// ---------------------------------------------------------------------------------------------
// Sign-in, wiring, routing
// ---------------------------------------------------------------------------------------------

function showSignIn() {
  $('#aanmelden').hidden = false;
  $('#dashboard').hidden = true;
  $('#sessie').hidden = true;
  $('#api-sleutel').focus();
}

async function showDashboard() {
  $('#aanmelden').hidden = true;
  $('#dashboard').hidden = false;
  $('#sessie').hidden = false;
  notify('');
  try {
    // The caseload first: a wrong key fails here once, not in four parallel calls.
    await loadCaseload();
    await Promise.all([loadCounts(), loadKpis(), loadOverdue()]);
    await route();
  } catch (err) {
    handleError(err);
  }
}

async function route() {
  const m = /^#\/inburgeraar\/([0-9a-f-]{36})$/i.exec(location.hash);
  if (!m) {
    $('#detail').hidden = true;
    return;
  }
  try {
    await loadDetail(m[1]);
  } catch (err) {
    handleError(err);
  }
}

function readFilters(form) {
  const data = new FormData(form);
  view.pageSize = Number(data.get('pageSize')) || 25;
  view.filters = {
    coachId: String(data.get('coachId') ?? '').trim(),
    phase: data.get('phase'),
    route: data.get('route'),
    overdue: data.get('overdue'),
    dueWithinDays: data.get('dueWithinDays'),
  };
  view.page = 1;
}

function reloadCaseload() {
  loadCaseload().catch(handleError);
}

function fillSelect(select, map) {
  for (const [code, text] of Object.entries(map)) select.append(new Option(text, code));
}

function init() {
  fillSelect($('#filter-fase'), FASEN);
  fillSelect($('#filter-route'), ROUTES);

  $('#sleutel-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const key = $('#api-sleutel').value.trim();
    if (!key) return;
    session.set(key);
    $('#api-sleutel').value = '';
    void showDashboard();
  });
  $('#afmelden').addEventListener('click', () => {
    session.clear();
    location.hash = '';
    showSignIn();
  });

  const filters = $('#filters');
  filters.addEventListener('submit', (event) => {
    event.preventDefault();
    readFilters(filters);
    reloadCaseload();
  });
  // After the browser has reset the fields, read them again (reset fires before the values change).
  filters.addEventListener('reset', () =>
    setTimeout(() => {
      readFilters(filters);
      reloadCaseload();
    }),
  );

  for (const th of document.querySelectorAll('#tabel-caseload th[data-sort]')) {
    th.querySelector('button').addEventListener('click', () => {
      view.order = view.sort === th.dataset.sort && view.order === 'asc' ? 'desc' : 'asc';
      view.sort = th.dataset.sort;
      view.page = 1;
      reloadCaseload();
    });
  }
  $('#kpi-csv').addEventListener('click', () => downloadKpiCsv().catch(handleError));
  $('#vorige').addEventListener('click', () => {
    view.page = Math.max(1, view.page - 1);
    reloadCaseload();
  });
  $('#volgende').addEventListener('click', () => {
    view.page = Math.min(view.totalPages, view.page + 1);
    reloadCaseload();
  });
  window.addEventListener('hashchange', () => void route());

  if (session.key) void showDashboard();
  else showSignIn();
}

init();
