/**
 * The manager's web page (beheerpagina): a small static page (HTML + vanilla ES modules + CSS, no
 * build step) that calls the JSON API under /api with the user's own API key. The router only
 * serves files; it holds no data and needs no authentication itself, because every number on the
 * page comes from an API call that is checked per role.
 *
 * Mount it with `createApp({ ..., extraRouters: [createWebRouter({ temporalUiUrl, namespace })] })`.
 */
import fs from 'node:fs';
import path from 'node:path';
import express, { type Router } from 'express';

export interface WebRouterOptions {
  /** Base URL of the Temporal Web UI (config TEMPORAL_UI_URL), for the "open workflow" link. */
  temporalUiUrl: string;
  /** Temporal namespace the workflows run in (config TEMPORAL_NAMESPACE). */
  namespace: string;
  /** Where the page lives; default `/beheer`. */
  basePath?: string;
}

export const WEB_BASE_PATH = '/beheer';
const PUBLIC_DIR = path.join(__dirname, 'public');

/** Escapes a value for an HTML attribute: the config values are ours, but a URL may hold `&` or `"`. */
function escapeAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * The Temporal UI address goes into the page as data attributes on <body>, rather than through an
 * extra endpoint: the page needs it before its first API call, and helmet's CSP forbids inline
 * scripts, so attributes are the simplest channel that works without a round trip.
 */
function renderIndex(options: WebRouterOptions, basePath: string): string {
  const template = fs.readFileSync(path.join(PUBLIC_DIR, 'index.html'), 'utf8');
  return template
    .replaceAll('{{BASE_PATH}}', escapeAttribute(basePath))
    .replace('{{TEMPORAL_UI_URL}}', escapeAttribute(options.temporalUiUrl.replace(/\/+$/, '')))
    .replace('{{TEMPORAL_NAMESPACE}}', escapeAttribute(options.namespace));
}

export function createWebRouter(options: WebRouterOptions): Router {
  const basePath = options.basePath ?? WEB_BASE_PATH;
  // Rendered once: the template and config do not change while the process runs.
  const index = renderIndex(options, basePath);
  const router = express.Router();

  const sendIndex: express.RequestHandler = (_req, res) => {
    // The page itself holds no data, but a stale copy after a deploy would call the API wrongly.
    res.set('Cache-Control', 'no-cache').type('html').send(index);
  };
  // Both `/beheer` and `/beheer/` must load the page; relative asset URLs are made absolute in the
  // template (BASE_PATH) so either form resolves them the same way.
  router.get(basePath, sendIndex);
  router.get(`${basePath}/`, sendIndex);
  router.get(`${basePath}/index.html`, sendIndex);
  router.use(basePath, express.static(PUBLIC_DIR, { index: false, fallthrough: true, maxAge: 0 }));
  return router;
}
