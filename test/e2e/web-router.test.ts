/**
 * The router that serves the pages, without a browser: without a session every page sends the
 * browser to the sign-in page (and back afterwards), the scripts and stylesheet are built from
 * web/ and served with the right types, nothing else is served, and no page needs an inline
 * script, so helmet's Content-Security-Policy holds.
 */
import express from 'express';
import helmet from 'helmet';
import request from 'supertest';
import { createWebRouter } from '../../api/web/router';
import { renderShell } from '../../api/web/html';

const app = express();
app.use(helmet());
app.use(createWebRouter({ temporalUiUrl: 'http://ui.example.test:8233/', namespace: 'gemeente-zwolle' }));

describe('web router', () => {
  it.each([
    ['/werk', '/aanmelden?terug=%2Fwerk'],
    ['/werk/', '/aanmelden?terug=%2Fwerk'],
    ['/beheer', '/aanmelden?terug=%2Fbeheer'],
    ['/', '/aanmelden'],
  ])('sends %s without a session to %s', async (url, location) => {
    const res = await request(app).get(url);
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(location);
  });

  it.each([
    ['/assets/werk.js', 'text/javascript'],
    ['/assets/beheer.js', 'text/javascript'],
    ['/assets/styles.css', 'text/css'],
  ])('serves %s as %s, built from web/', async (url, type) => {
    const res = await request(app).get(url);
    expect(res.status).toBe(200);
    expect(res.type).toBe(type);
    expect(res.headers['cache-control']).toBe('no-cache');
    expect(res.text.length).toBeGreaterThan(1000);
  });

  it('bundles no server code and no zod into the pages', async () => {
    const res = await request(app).get('/assets/werk.js');
    // The form fields come from the API's JSON Schema, not from a copy of the command schemas.
    expect(res.text).not.toMatch(/ZodObject|express|prisma/i);
    expect(res.text).toContain('/api/acties');
  });

  it('serves nothing else', async () => {
    expect((await request(app).get('/assets/../package.json')).status).toBe(404);
    expect((await request(app).get('/assets/main.ts')).status).toBe(404);
    expect((await request(app).get('/assets/router.ts')).status).toBe(404);
  });

  it('renders pages without inline script and escapes what it is given', () => {
    const html = renderShell({
      title: 'Mijn caseload',
      main: '<div id="werk"></div>',
      script: 'werk.js',
      user: { userId: 'u1', role: 'coach', partnerId: null, name: '<Anna & "B">', method: 'dev' },
      csrfToken: 'tok"en',
      data: { role: 'coach' },
    });
    expect(html).toContain('<html lang="nl">');
    expect(html).toContain('&lt;Anna &amp; &quot;B&quot;&gt;');
    expect(html).toContain('data-csrf="tok&quot;en"');
    expect(html).toContain('<script type="module" src="/assets/werk.js"></script>');
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).not.toMatch(/\son[a-z]+="/);
  });
});
