/**
 * The personal page as HTML, rendered on the server in the chosen language: readable without
 * JavaScript (the page has no script at all), phone first (web/mijn.css), `lang` and `dir` on the
 * document so Arabic reads right to left, and only this site's own stylesheet (no third-party
 * assets). Every text comes from the catalogues (./i18n.ts); every value is escaped here.
 */
import type { Catalogues, MessageValues, Translator } from './i18n';
import type { DateItem, Message, OpenMessage, PersonalPage, Who } from './view';
import { Z_ROUTE_LESSON_HOURS } from '../../domain';
import { escapeHtml } from '../web/html';

export const PERSONAL_STYLESHEET = '/assets/mijn.css';

export interface Gemeente {
  naam: string;
  telefoon?: string | undefined;
  email?: string | undefined;
  website?: string | undefined;
}

const e = escapeHtml;
/** A name in Latin script inside an Arabic sentence: isolated, so the full stop stays where it belongs. */
const isolate = (value: string): string => `\u2068${value}\u2069`;

/** Module codes in values are shown by their name in the page's language. */
function withNames(tr: Translator, values: MessageValues = {}): MessageValues {
  const out: MessageValues = { ...values };
  if (typeof values.module === 'string') out.module = tr.tMaybe(`module.${values.module}`) ?? values.module;
  return out;
}

function text(tr: Translator, m: Message | OpenMessage): string {
  const values = withNames(tr, m.values);
  if ('fallback' in m) return tr.tMaybe(m.key, values) ?? m.fallback;
  return tr.t(m.key, values);
}

function whoList(tr: Translator, who: Who[]): string {
  const names = who.map((w) => tr.t(`who.${w}`));
  return new Intl.ListFormat(tr.language.code, { type: 'conjunction' }).format(names);
}

function shell(
  tr: Translator,
  catalogues: Catalogues,
  gemeente: Gemeente,
  title: string,
  main: string,
): string {
  const { code, dir } = tr.language;
  const languages = catalogues.languages
    .map((l) => {
      const current = l.code === code;
      return `<li><a href="?taal=${e(l.code)}" lang="${e(l.code)}" hreflang="${e(l.code)}" dir="${l.dir}"${
        current ? ' aria-current="true"' : ''
      }>${e(l.name)}</a></li>`;
    })
    .join('');
  return `<!doctype html>
<html lang="${e(code)}" dir="${dir}">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <meta name="referrer" content="no-referrer" />
    <meta name="robots" content="noindex, nofollow" />
    <title>${e(title)} – ${e(gemeente.naam)}</title>
    <link rel="icon" href="data:," />
    <link rel="stylesheet" href="${PERSONAL_STYLESHEET}" />
  </head>
  <body>
    <a class="skip-link" href="#inhoud">${e(tr.t('page.skip'))}</a>
    <header class="top">
      <p class="brand">${e(gemeente.naam)}</p>
      <nav class="languages" aria-label="${e(tr.t('language.choose'))}">
        <p class="languages-label" aria-hidden="true">${e(tr.t('language.choose'))}</p>
        <ul>${languages}</ul>
      </nav>
    </header>
    <main id="inhoud" tabindex="-1">
${main}
    </main>
  </body>
</html>
`;
}

/** `coach` null: a page that belongs to nobody (the neutral page) names no coach. */
function contact(tr: Translator, gemeente: Gemeente, coach: { name: string | undefined } | null): string {
  const rows: string[] = [];
  if (coach)
    rows.push(
      `<dt>${e(tr.t('contact.coach'))}</dt><dd>${coach.name ? e(coach.name) : e(tr.t('contact.coachUnknown'))}</dd>`,
    );
  rows.push(`<dt>${e(tr.t('contact.gemeente'))}</dt><dd>${e(gemeente.naam)}</dd>`);
  if (gemeente.telefoon)
    rows.push(
      `<dt>${e(tr.t('contact.phone'))}</dt><dd><a href="tel:${e(gemeente.telefoon.replace(/[^+\d]/g, ''))}" dir="ltr">${e(gemeente.telefoon)}</a></dd>`,
    );
  if (gemeente.email)
    rows.push(
      `<dt>${e(tr.t('contact.email'))}</dt><dd><a href="mailto:${e(gemeente.email)}" dir="ltr">${e(gemeente.email)}</a></dd>`,
    );
  if (gemeente.website)
    rows.push(
      `<dt>${e(tr.t('contact.website'))}</dt><dd><a href="${e(gemeente.website)}" dir="ltr">${e(gemeente.website.replace(/^https?:\/\//, ''))}</a></dd>`,
    );
  return `<section class="card" aria-labelledby="contact-titel">
        <h2 id="contact-titel">${e(tr.t('contact.title'))}</h2>
        <dl class="facts">${rows.join('')}</dl>
        <p>${e(tr.t('contact.tip'))}</p>
      </section>`;
}

function statusText(tr: Translator, item: DateItem): string {
  switch (item.status) {
    case 'done':
      return tr.t('status.done', { date: { date: item.doneOn ?? item.date } });
    case 'moved':
      return tr.t('status.moved', { date: { date: item.movedFrom ?? item.date } });
    default:
      return tr.t(`status.${item.status}`);
  }
}

function dateItem(tr: Translator, item: DateItem, n: number): string {
  const missed = item.missed
    ? `<details>
            <summary>${e(tr.t('dates.ifMissed'))}</summary>
            <p>${e(text(tr, item.missed))}</p>
            ${item.source ? `<p class="source">${e(tr.t('dates.source'))}: <span lang="nl" dir="ltr">${e(item.source)}</span></p>` : ''}
          </details>`
    : '';
  return `<li class="date-item status-${item.status}">
          <h3 id="datum-${n}"><time datetime="${e(item.date)}">${e(tr.formatDate(item.date))}</time><span class="date-title">${e(text(tr, item.title))}</span></h3>
          <p class="status">${e(statusText(tr, item))}</p>
          <p>${e(tr.t('dates.who'))} ${e(whoList(tr, item.who))}</p>
          ${missed}
        </li>`;
}

export function renderPersonalPage(
  page: PersonalPage,
  tr: Translator,
  catalogues: Catalogues,
  gemeente: Gemeente,
): string {
  const t = tr.t;
  const name = page.name ? `${page.name.voornaam} ${page.name.achternaam}` : '';
  const where: string[] = [
    `<dt>${e(t('where.phase'))}</dt><dd><strong>${e(t(`phase.${page.phase}.title`))}</strong><br />${e(t(`phase.${page.phase}.text`))}</dd>`,
    `<dt>${e(t('where.route'))}</dt><dd>${
      page.route
        ? `<strong>${e(t(`route.${page.route}.title`))}</strong><br />${e(t(`route.${page.route}.text`, { hours: Z_ROUTE_LESSON_HOURS }))}${
            page.taalniveau === 'A2' ? `<br />${e(t('where.levelA2'))}` : ''
          }`
        : e(t('where.routeNone'))
    }</dd>`,
  ];
  const notes: string[] = [];
  if (page.paused) notes.push(`<p class="notice">${e(t('where.paused'))}</p>`);
  if (page.ended)
    notes.push(`<p class="notice">${e(t('where.ended', { date: { date: page.ended.date } }))}</p>`);

  const modules = page.modules.length
    ? `<ul class="items">${page.modules
        .map((m) => {
          const facts = [
            m.completedDate
              ? t('modules.completed', { date: { date: m.completedDate } })
              : m.startDate
                ? t('modules.started', { date: { date: m.startDate } })
                : t('modules.notStarted'),
            m.agreedStartDate && !m.startDate
              ? t('modules.agreedStart', { date: { date: m.agreedStartDate } })
              : '',
            m.agreedEndDate && !m.completedDate
              ? t('modules.agreedEnd', { date: { date: m.agreedEndDate } })
              : '',
          ].filter(Boolean);
          return `<li><strong>${e(t(`module.${m.module}`))}</strong>${facts.map((f) => `<br />${e(f)}`).join('')}</li>`;
        })
        .join('')}</ul>`
    : `<p>${e(t('modules.none'))}</p>`;

  const exams = page.exams.length
    ? `<ul class="items">${page.exams
        .map((x) => {
          const result = x.latest
            ? t(x.latest.passed ? 'exams.passed' : 'exams.failed', {
                date: { date: x.latest.date },
                attempt: x.latest.attempt,
              })
            : t('exams.notYet');
          const cls = x.latest ? (x.latest.passed ? 'ok' : 'alert') : '';
          return `<li><strong>${e(t(`exam.${x.component}`))}</strong><br /><span class="${cls}">${e(result)}</span></li>`;
        })
        .join('')}</ul>`
    : `<p>${e(t('exams.none'))}</p>`;

  const dates = page.dates.length
    ? `<ol class="dates">${page.dates.map((d, i) => dateItem(tr, d, i)).join('')}</ol>`
    : `<p>${e(t('dates.none'))}</p>`;

  const main = `      <h1>${e(t('page.title'))}</h1>
      ${name ? `<p class="lead">${e(t('page.for', { name: isolate(name) }))}</p>` : ''}
      <p>${e(t('page.intro'))}</p>
      ${tr.language.code === 'nl' ? '' : `<p class="hint">${e(t('page.translationNote'))}</p>`}
      <section class="card" aria-labelledby="waar-titel">
        <h2 id="waar-titel">${e(t('where.title'))}</h2>
        <dl class="facts">${where.join('')}</dl>
        ${notes.join('')}
      </section>
      <section class="card next-step" aria-labelledby="stap-titel">
        <h2 id="stap-titel">${e(t('next.title'))}</h2>
        <p>${e(text(tr, page.next.text))}</p>
        ${page.next.who.length ? `<p><strong>${e(t('next.who'))}</strong> ${e(whoList(tr, page.next.who))}</p>` : ''}
      </section>
      <section class="card" aria-labelledby="datums-titel">
        <h2 id="datums-titel">${e(t('dates.title'))}</h2>
        ${dates}
      </section>
      <section class="card" aria-labelledby="modules-titel">
        <h2 id="modules-titel">${e(t('modules.title'))}</h2>
        ${modules}
      </section>
      <section class="card" aria-labelledby="examens-titel">
        <h2 id="examens-titel">${e(t('exams.title'))}</h2>
        ${exams}
      </section>
      ${contact(tr, gemeente, { name: page.coachName })}
      <footer class="page-footer">
        <p>${e(t('footer.private'))}</p>
        <p>${e(t('footer.validUntil', { date: { date: page.linkExpiresOn } }))}</p>
        <p>${e(t('footer.readOnly'))}</p>
      </footer>`;
  return shell(tr, catalogues, gemeente, t('page.title'), main);
}

/**
 * The one page for a link that is wrong, expired or revoked (the same text and status for all
 * three, so nobody learns which), and for too many requests.
 */
export function renderNeutralPage(
  kind: 'neutral' | 'limited',
  tr: Translator,
  catalogues: Catalogues,
  gemeente: Gemeente,
): string {
  const t = tr.t;
  const title = kind === 'neutral' ? t('neutral.title') : t('limited.title');
  const body = kind === 'neutral' ? t('neutral.text') : t('limited.text');
  const main = `      <h1>${e(title)}</h1>
      <section class="card"><p>${e(body)}</p></section>
      ${contact(tr, gemeente, null)}`;
  return shell(tr, catalogues, gemeente, title, main);
}
