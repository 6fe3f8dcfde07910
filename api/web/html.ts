/**
 * The HTML around every page: one shell (language, title, skip link, header with who is signed in
 * and a sign-out form, the stylesheet), so every page has the same landmarks for screen readers
 * and keyboard users. Values are escaped here; the pages' scripts are files (no inline script, so
 * helmet's Content-Security-Policy holds).
 */
import type { SessionUser } from '../auth/session';

export const ASSETS_PATH = '/assets';

export function escapeHtml(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

export const ROLE_NAMES: Record<string, string> = {
  coach: 'klantmanager',
  manager: 'manager',
  admin: 'beheerder',
  coa: 'COA',
  partner: 'partner',
};

export interface ShellOptions {
  title: string;
  /** Main content (already escaped HTML). */
  main: string;
  user?: SessionUser | undefined;
  csrfToken?: string | undefined;
  /** A page script under /assets, e.g. `werk.js`. */
  script?: string;
  /** data-* attributes on <body> for the script (escaped here). */
  data?: Record<string, string>;
}

export function renderShell(o: ShellOptions): string {
  const data = Object.entries(o.data ?? {})
    .map(([k, v]) => ` data-${k}="${escapeHtml(v)}"`)
    .join('');
  const session = o.user
    ? `<div class="session">
        <span>${escapeHtml(o.user.name)} <span class="role">(${escapeHtml(ROLE_NAMES[o.user.role] ?? o.user.role)})</span></span>
        <form method="post" action="/auth/afmelden" class="inline">
          <input type="hidden" name="_csrf" value="${escapeHtml(o.csrfToken ?? '')}" />
          <button type="submit" class="secondary">Afmelden</button>
        </form>
      </div>`
    : '';
  const nav = o.user
    ? `<nav aria-label="Hoofdmenu" class="main-nav"><ul>
        ${o.user.role === 'coach' || o.user.role === 'manager' ? '<li><a href="/werk">Mijn caseload</a></li>' : ''}
        ${o.user.role === 'manager' ? '<li><a href="/beheer">Beheer</a></li>' : ''}
      </ul></nav>`
    : '';
  return `<!doctype html>
<html lang="nl">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>${escapeHtml(o.title)} – Regie inburgering</title>
    <link rel="icon" href="data:," />
    <link rel="stylesheet" href="${ASSETS_PATH}/styles.css" />
    ${o.script ? `<script type="module" src="${ASSETS_PATH}/${escapeHtml(o.script)}"></script>` : ''}
  </head>
  <body${data}${o.csrfToken ? ` data-csrf="${escapeHtml(o.csrfToken)}"` : ''}>
    <a class="skip-link" href="#inhoud">Direct naar de inhoud</a>
    <header class="site-header">
      <p class="brand"><a href="/">Regie inburgering</a></p>
      ${nav}
      ${session}
    </header>
    <main id="inhoud" tabindex="-1">
${o.main}
    </main>
  </body>
</html>
`;
}
