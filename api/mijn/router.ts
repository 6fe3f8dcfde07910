/**
 * The inburgeraar's own page: `GET /mijn/<token>`, opened with the personal link a coach made
 * (api/routes/persoonlijke-links.ts). No account and no session: the token is the key, scoped to
 * one person.
 *
 *  - A wrong, expired or revoked token gets one neutral page, 404, the same for all three.
 *  - Every view is an audit event PERSONAL_LINK_VIEWED with the person's id and the link's id
 *    (never the token), and counts on the link (last used, number of views).
 *  - Rate limits per client address (express-rate-limit): PERSONAL_LINK_RATE_LIMIT requests a
 *    minute, and PERSONAL_LINK_FAILURE_LIMIT neutral answers per 15 minutes; then 429 with a page
 *    in the person's language.
 *  - The token must not leak: `Referrer-Policy: no-referrer` (the page links to the gemeente's
 *    site), `Cache-Control: private, no-store` (no shared cache keeps the page), no third-party
 *    assets, and the request log shows `/mijn/[token]` (api/logging.ts).
 *  - The language: `?taal=<code>` on the page's language links, remembered in a cookie
 *    (`mijn_taal`, only for /mijn, no account); else the browser's Accept-Language; else Dutch.
 */
import fs from 'node:fs';
import path from 'node:path';
import express, { type Request, type Response, type Router } from 'express';
import { rateLimit } from 'express-rate-limit';
import type { AppDeps } from '../deps';
import { createPersonalLinks } from '../personal-links/links';
import { PERSONAL_PAGE_PATH } from '../routes/persoonlijke-links';
import { NotFoundError } from '../../application/errors';
import { WEB_DIR } from '../web/assets';
import { createWerkStore } from '../werk/store';
import { loadCatalogues, REFERENCE_LANGUAGE, type Catalogues } from './i18n';
import { PERSONAL_STYLESHEET, renderNeutralPage, renderPersonalPage, type Gemeente } from './render';
import { personalPage } from './view';

export const LANGUAGE_COOKIE = 'mijn_taal';
export const LANGUAGE_PARAM = 'taal';

function cookieValue(req: Request, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return decodeURIComponent(v.join('='));
  }
  return undefined;
}

export function chooseLanguage(req: Request, catalogues: Catalogues): { code: string; chosen: boolean } {
  const asked = req.query[LANGUAGE_PARAM];
  if (typeof asked === 'string' && catalogues.has(asked)) return { code: asked, chosen: true };
  const remembered = cookieValue(req, LANGUAGE_COOKIE);
  if (remembered && catalogues.has(remembered)) return { code: remembered, chosen: false };
  const accepted = req.acceptsLanguages(...catalogues.languages.map((l) => l.code));
  return { code: typeof accepted === 'string' ? accepted : REFERENCE_LANGUAGE, chosen: false };
}

export function createPersonalPageRouter(deps: AppDeps, catalogues: Catalogues = loadCatalogues()): Router {
  const { config, log } = deps;
  for (const problem of catalogues.problems)
    log.warn({ event: 'mijn.catalogue_problem', problem }, 'message catalogue problem (Dutch is shown)');
  const gemeente: Gemeente = {
    naam: config.GEMEENTE_NAAM,
    telefoon: config.GEMEENTE_TELEFOON,
    email: config.GEMEENTE_EMAIL,
    website: config.GEMEENTE_WEBSITE,
  };
  const https = config.PUBLIC_URL?.startsWith('https://') ?? false;
  const stylesheet = fs.readFileSync(path.join(WEB_DIR, 'mijn.css'));
  const links = createPersonalLinks(deps.db);
  const werk = createWerkStore(deps.db);
  const router = express.Router();

  const send = (req: Request, res: Response, status: number, render: (code: string) => string) => {
    const language = chooseLanguage(req, catalogues);
    if (language.chosen)
      res.cookie(LANGUAGE_COOKIE, language.code, {
        path: PERSONAL_PAGE_PATH,
        maxAge: 365 * 86_400_000,
        httpOnly: true,
        sameSite: 'lax',
        secure: https,
      });
    res
      .status(status)
      .set({
        'Cache-Control': 'private, no-store',
        'Referrer-Policy': 'no-referrer',
        'X-Robots-Tag': 'noindex, nofollow',
        'Content-Language': language.code,
        Vary: 'Cookie, Accept-Language',
      })
      .type('html')
      .send(render(language.code));
  };
  const neutral = (req: Request, res: Response, status = 404) =>
    send(req, res, status, (code) =>
      renderNeutralPage(
        status === 429 ? 'limited' : 'neutral',
        catalogues.translator(code),
        catalogues,
        gemeente,
      ),
    );

  router.get(PERSONAL_STYLESHEET, (_req, res) => {
    res.set('Cache-Control', 'no-cache').type('text/css; charset=utf-8').send(stylesheet);
  });

  const limited = (req: Request, res: Response) => neutral(req, res, 429);
  const perMinute = rateLimit({
    identifier: 'mijn-per-address',
    windowMs: 60_000,
    limit: config.PERSONAL_LINK_RATE_LIMIT,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    handler: limited,
  });
  // Guessing stops here: only answers that found no link count.
  const failures = rateLimit({
    identifier: 'mijn-failures',
    windowMs: 15 * 60_000,
    limit: config.PERSONAL_LINK_FAILURE_LIMIT,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    requestWasSuccessful: (_req, res) => res.statusCode !== 404,
    skipSuccessfulRequests: true,
    handler: limited,
  });

  router.get(`${PERSONAL_PAGE_PATH}/:token`, perMinute, failures, async (req, res, next) => {
    try {
      const link = await links.use(String(req.params.token));
      if (!link) return neutral(req, res);
      let state;
      try {
        state = await deps.trajectories.state(link.inburgeraarId);
      } catch (err) {
        // The trajectory is gone (retention): nothing to show, and nothing to tell about why.
        if (err instanceof NotFoundError) return neutral(req, res);
        throw err;
      }
      const [names, coaches] = await Promise.all([
        werk.names([link.inburgeraarId]),
        werk.usersByIds([state.coachId]),
      ]);
      await deps.audit.record({
        actorId: `link:${link.id}`,
        actorRole: 'inburgeraar',
        action: 'PERSONAL_LINK_VIEWED',
        inburgeraarId: link.inburgeraarId,
        details: { linkId: link.id },
      });
      const page = personalPage({
        state,
        name: names.get(link.inburgeraarId),
        coachName: coaches.get(state.coachId)?.name,
        linkExpiresAt: link.expiresAt,
      });
      send(req, res, 200, (code) =>
        renderPersonalPage(page, catalogues.translator(code), catalogues, gemeente),
      );
    } catch (err) {
      next(err);
    }
  });
  // `/mijn` or `/mijn/` without a token: the same neutral page.
  router.get([PERSONAL_PAGE_PATH, `${PERSONAL_PAGE_PATH}/`], perMinute, (req, res) => neutral(req, res));
  return router;
}
