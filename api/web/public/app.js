// The manager's page: sign in with an API key, then caseload (filters, sorting, paging), the
// overdue list, counts per fase/route and KPIs, and one person's timeline. Everything is built with
// DOM calls and textContent, never innerHTML, so no value from the API can inject markup.
import { ApiError, getJson, session } from './api.js';
import { DEADLINE_STATUS, FASEN, MELDING_SOORT, ONTVANGER, ROUTES, formatDate, formatNumber, label } from './labels.js';

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

/** A person is shown by name when the API gives one (manager, coach), else by the start of the id. */
function personLabel(item) {
  const name = item.naam ?? item.name ?? item.displayName;
  return name ? String(name) : `${String(item.inburgeraarId).slice(0, 8)}…`;
}

function timelineButton(item) {
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'link-button';
  button.textContent = 'Tijdlijn';
  button.setAttribute('aria-label', `Tijdlijn van ${personLabel(item)}`);
  button.addEventListener('click', () => {
    location.hash = `#/inburgeraar/${item.inburgeraarId}`;
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
// API answers → arrays (one place that knows the answer shapes)
// ---------------------------------------------------------------------------------------------

const itemsOf = (page) => (Array.isArray(page) ? page : (page?.items ?? page?.data ?? []));

/** Counts arrive as `{ CODE: n }` or as `[{ key|phase|route, count }]`; both become [code, n]. */
function countEntries(counts) {
  if (!counts) return [];
  if (Array.isArray(counts)) return counts.map((c) => [c.key ?? c.phase ?? c.route ?? c.value ?? null, c.count ?? c.total ?? 0]);
  return Object.entries(counts);
}

// ---------------------------------------------------------------------------------------------
// Sections
// ---------------------------------------------------------------------------------------------

async function loadCounts() {
  const stats = await getJson('/api/stats');
  const perFase = countEntries(stats.byPhase ?? stats.perPhase ?? stats.phases);
  const perRoute = countEntries(stats.byRoute ?? stats.perRoute ?? stats.routes);
  fillRows(
    $('#tabel-per-fase tbody'),
    perFase.map(([code, n]) => [cell(label(FASEN, code), { header: true }), cell(formatNumber(n), { className: 'num' })]),
    'Geen trajecten',
    2,
  );
  fillRows(
    $('#tabel-per-route tbody'),
    perRoute.map(([code, n]) => [cell(code ? label(ROUTES, code) : 'Nog geen route', { header: true }), cell(formatNumber(n), { className: 'num' })]),
    'Geen trajecten',
    2,
  );
}

/** The KPIs the gemeente monitors; a manager-only endpoint, so other roles simply see none. */
async function loadKpis() {
  const tbody = $('#tabel-kpis tbody');
  let kpis;
  try {
    kpis = await getJson('/api/kpis');
  } catch (err) {
    if (err instanceof ApiError && err.status === 403) return fillRows(tbody, [], 'Alleen voor managers', 2);
    throw err;
  }
  fillRows(tbody, kpiRows(kpis).map(([name, value]) => [cell(name, { header: true }), cell(value, { className: 'num' })]), 'Nog geen gegevens', 2);
}

/** Known KPI names get a Dutch label and unit; unknown numeric ones are shown by their key. */
const KPI_LABELS = {
  total: ['Trajecten', ''],
  medianDaysKoppelingToIntake: ['Mediaan dagen koppeling → intake', 'dagen'],
  medianDaysKoppelingToPip: ['Mediaan dagen koppeling → PIP', 'dagen'],
  averageDaysKoppelingToIntake: ['Gemiddeld dagen koppeling → intake', 'dagen'],
  averageDaysKoppelingToPip: ['Gemiddeld dagen koppeling → PIP', 'dagen'],
  deadlinesMetShare: ['Deadlines gehaald', '%'],
  shareDeadlinesMet: ['Deadlines gehaald', '%'],
  overdue: ['Achterstallig', ''],
};

function kpiRows(kpis, prefix = '') {
  const rows = [];
  for (const [key, value] of Object.entries(kpis ?? {})) {
    const known = KPI_LABELS[key];
    if (typeof value === 'number') rows.push([known ? known[0] : `${prefix}${key}`, formatNumber(value, known?.[1])]);
    else if (value && typeof value === 'object' && !Array.isArray(value) && key !== 'routeMix' && key !== 'byRoute') {
      rows.push(...kpiRows(value, `${prefix}${key} · `));
    }
  }
  return rows;
}

async function loadOverdue() {
  const page = await getJson('/api/inburgeraars', { overdue: true, sort: 'nextDeadline', order: 'asc', pageSize: 100 });
  const rows = itemsOf(page).map((item) => {
    const late = (item.deadlines ?? []).find((d) => d.status === 'missed') ?? item.nextDeadline;
    return [
      cell(personLabel(item), { header: true }),
      cell(item.coachId),
      cell(label(FASEN, item.phase)),
      cell(late?.label ?? late?.key ?? '–'),
      cell(formatDate(late?.dueDate ?? item.nextDeadlineDate)),
      cell(timelineButton(item)),
    ];
  });
  fillRows($('#tabel-achterstallig tbody'), rows, 'Geen achterstallige trajecten', 6);
}

async function loadCaseload() {
  const page = await getJson('/api/inburgeraars', {
    ...view.filters,
    sort: view.sort,
    order: view.order,
    page: view.page,
    pageSize: view.pageSize,
  });
  const items = itemsOf(page);
  const total = page.total ?? items.length;
  view.totalPages = Math.max(1, Math.ceil(total / view.pageSize));
  const rows = items.map((item) => [
    cell(personLabel(item), { header: true }),
    cell(item.coachId),
    cell(label(FASEN, item.phase)),
    cell(label(ROUTES, item.route)),
    cell(deadlineText(item.nextDeadline ?? (item.nextDeadlineDate ? { key: item.nextDeadlineKey, label: item.nextDeadlineLabel, dueDate: item.nextDeadlineDate } : undefined))),
    cell(overdueBadge(Boolean(item.overdue))),
    cell(timelineButton(item)),
  ]);
  fillRows($('#tabel-caseload tbody'), rows, 'Geen trajecten gevonden met deze filters', 7);
  $('#caseload-bijschrift').textContent = `Caseload: ${total} ${total === 1 ? 'traject' : 'trajecten'}`;
  $('#pagina-info').textContent = `Pagina ${view.page} van ${view.totalPages}`;
  $('#vorige').disabled = view.page <= 1;
  $('#volgende').disabled = view.page >= view.totalPages;
  for (const th of document.querySelectorAll('#tabel-caseload th[data-sort]')) {
    th.setAttribute('aria-sort', th.dataset.sort === view.sort ? (view.order === 'asc' ? 'ascending' : 'descending') : 'none');
  }
}

function temporalUrl(workflowId) {
  return `${config.temporalUiUrl}/namespaces/${encodeURIComponent(config.namespace)}/workflows/${encodeURIComponent(workflowId)}`;
}

async function loadDetail(id) {
  const [person, timeline] = await Promise.all([getJson(`/api/inburgeraars/${encodeURIComponent(id)}`), getJson(`/api/inburgeraars/${encodeURIComponent(id)}/timeline`)]);
  const summary = person.summary ?? person.trajectory ?? person;
  const section = $('#detail');
  $('#detail-titel').textContent = `Tijdlijn van ${personLabel({ ...summary, ...person, inburgeraarId: id })}`;

  const facts = [
    ['Inburgeraar-id', id],
    ['Coach', summary.coachId],
    ['Fase', label(FASEN, summary.phase)],
    ['Leerroute', label(ROUTES, summary.route)],
    ['Doelgroep', summary.doelgroep],
    ['Koppeling', formatDate(summary.milestones?.koppeling ?? summary.dates?.koppeling)],
    ['Start inburgeringstermijn', formatDate(summary.milestones?.termijnStart ?? summary.dates?.termijnStart)],
    ['Gepauzeerd', summary.paused ? 'ja' : 'nee'],
  ];
  const dl = $('#detail-samenvatting');
  dl.replaceChildren();
  for (const [term, value] of facts) {
    const dt = document.createElement('dt');
    dt.textContent = term;
    const dd = document.createElement('dd');
    dd.textContent = value ?? '–';
    dl.append(dt, dd);
  }
  $('#temporal-link').href = temporalUrl(person.workflowId ?? `inburgering-${id}`);

  const deadlines = summary.deadlines ?? [];
  fillRows(
    $('#tabel-deadlines tbody'),
    deadlines.map((d) => [
      cell(d.label ?? d.key, { header: true }),
      cell(formatDate(d.dueDate) + (d.originalDueDate && d.originalDueDate !== d.dueDate ? ` (was ${formatDate(d.originalDueDate)})` : '')),
      cell(label(DEADLINE_STATUS, d.status) + (d.fulfilledDate ? ` op ${formatDate(d.fulfilledDate)}` : ''), { className: `status-${d.status}` }),
      cell(d.source),
    ]),
    'Geen deadlines',
    4,
  );

  const notifications = timeline.notifications ?? timeline.meldingen ?? [];
  fillRows(
    $('#tabel-meldingen tbody'),
    notifications.map((n) => [
      cell(formatDate(n.sentAt ?? n.createdAt ?? n.at), { header: true }),
      cell(label(MELDING_SOORT, n.template ?? n.kind)),
      cell(label(ONTVANGER, n.recipientRole ?? n.recipient?.role ?? n.recipient)),
      cell(n.deadlineLabel ?? n.deadlineKey ?? '–'),
      cell(n.status ?? (n.deliveredAt ? 'verzonden' : 'in wachtrij')),
    ]),
    'Nog geen herinneringen of escalaties verstuurd',
    5,
  );

  const events = Array.isArray(timeline) ? timeline : (timeline.events ?? timeline.items ?? []);
  const list = $('#tijdlijn');
  list.replaceChildren();
  for (const event of events) {
    const li = document.createElement('li');
    const time = document.createElement('time');
    time.dateTime = event.at ?? event.occurredAt ?? '';
    time.textContent = formatDate(event.at ?? event.occurredAt);
    const what = document.createElement('span');
    what.className = 'event-type';
    what.textContent = event.label ?? event.type;
    li.append(time, ' ', what);
    list.append(li);
  }
  if (events.length === 0) list.append(Object.assign(document.createElement('li'), { textContent: 'Nog geen gebeurtenissen' }));

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
  filters.addEventListener('reset', () => setTimeout(() => {
    readFilters(filters);
    reloadCaseload();
  }));

  for (const th of document.querySelectorAll('#tabel-caseload th[data-sort]')) {
    th.querySelector('button').addEventListener('click', () => {
      view.order = view.sort === th.dataset.sort && view.order === 'asc' ? 'desc' : 'asc';
      view.sort = th.dataset.sort;
      view.page = 1;
      reloadCaseload();
    });
  }
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
