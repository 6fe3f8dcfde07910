/**
 * The web pages: the coach's workspace (/werk, coaches and managers) and the managers' page
 * (/beheer, managers), plus their scripts and stylesheet under /assets. A page is an HTML shell
 * rendered per request with who is signed in and the session's CSRF token; its script (TypeScript
 * from web/, built by esbuild, see ./assets.ts) fetches everything else from the JSON API, where
 * every call is checked per role and caseload as for any client.
 *
 * Without a session the pages send the browser to the sign-in page (/aanmelden) and back.
 * Mount it with `createApp({ ..., extraRouters: [createWebRouter({ temporalUiUrl, namespace })] })`.
 */
import express, { type Request, type Response, type Router } from 'express';
import { homeOf, SIGN_IN_PATH } from '../auth/sign-in';
import type { Role } from '../auth/principal';
import { webAssets } from './assets';
import { ASSETS_PATH, renderShell } from './html';

export interface WebRouterOptions {
  /** Base URL of the Temporal Web UI (config TEMPORAL_UI_URL), for the "open workflow" link. */
  temporalUiUrl: string;
  /** Temporal namespace the workflows run in (config TEMPORAL_NAMESPACE). */
  namespace: string;
}

export const WORKSPACE_PATH = '/werk';
export const WEB_BASE_PATH = '/beheer';

interface PageDef {
  path: string;
  title: string;
  roles: readonly Role[];
  script: string;
  /** The element the script draws into, beside the page-wide message box. */
  root: string;
  body?: string;
}

const PAGES: PageDef[] = [
  {
    path: WORKSPACE_PATH,
    title: 'Mijn caseload',
    roles: ['coach', 'manager'],
    script: 'werk.js',
    root: 'werk',
  },
  {
    path: WEB_BASE_PATH,
    title: 'Beheer',
    roles: ['manager'],
    script: 'beheer.js',
    root: 'beheer',
    body: `<div id="beheer">
      <h1>Overzicht voor de manager</h1>
      <section class="card" aria-labelledby="aantallen-titel"><h2 id="aantallen-titel">Aantallen</h2><div id="aantallen"><p>Laden…</p></div></section>
      <section class="card" aria-labelledby="te-laat-titel"><h2 id="te-laat-titel">Te laat</h2>
        <p class="hint">Wie een deadline heeft gemist, en welke.</p><div id="te-laat"><p>Laden…</p></div></section>
      <section class="card" aria-labelledby="caseload-titel"><h2 id="caseload-titel">Caseload</h2>
        <div id="filters"></div><div id="caseload"><p>Laden…</p></div></section>
      <section class="card" aria-labelledby="berichten-titel"><h2 id="berichten-titel">Berichten die niet zijn verstuurd</h2>
        <p class="hint">Berichten die wachten of mislukt zijn, met de reden.</p><div id="berichten"><p>Laden…</p></div></section>
    </div>`,
  },
];

export function createWebRouter(options: WebRouterOptions): Router {
  const assets = webAssets();
  const router = express.Router();

  router.get('/', (req, res) => {
    const user = req.session?.user;
    res.redirect(303, user ? homeOf(user.role) : SIGN_IN_PATH);
  });

  for (const def of PAGES) {
    const send = (req: Request, res: Response) => {
      const user = req.session?.user;
      res.set('Cache-Control', 'no-store');
      if (!user) return res.redirect(303, `${SIGN_IN_PATH}?terug=${encodeURIComponent(def.path)}`);
      if (!def.roles.includes(user.role))
        return res
          .status(403)
          .type('html')
          .send(
            renderShell({
              title: 'Geen toegang',
              user,
              csrfToken: req.session.csrfToken ?? undefined,
              main: `<h1>Geen toegang</h1><p>Deze pagina is niet voor uw rol. <a href="${homeOf(user.role)}">Naar uw eigen pagina</a>.</p>`,
            }),
          );
      res.type('html').send(
        renderShell({
          title: def.title,
          user,
          csrfToken: req.session.csrfToken ?? undefined,
          script: def.script,
          data: {
            role: user.role,
            'user-id': user.userId,
            'temporal-ui-url': options.temporalUiUrl.replace(/\/+$/, ''),
            'temporal-namespace': options.namespace,
          },
          main: `<div id="melding" tabindex="-1"></div>\n${def.body ?? `<div id="${def.root}"><p>Laden…</p></div>`}`,
        }),
      );
    };
    router.get(def.path, send);
    router.get(`${def.path}/`, send);
  }

  router.get(`${ASSETS_PATH}/:file`, (req, res, next) => {
    const asset = assets.get(req.params.file);
    if (!asset) return next();
    // Rebuilt at every start: revalidate rather than keep a stale script after a deploy.
    res.set('Cache-Control', 'no-cache').type(asset.contentType).send(asset.body);
  });
  return router;
}
