/**
 * The router that serves the manager's page, without a browser: the page carries the Temporal UI
 * address from configuration (escaped), no template placeholder ever reaches a client, and the
 * assets come with the right types under helmet's default CSP (no inline script needed).
 */
import express from 'express';
import helmet from 'helmet';
import request from 'supertest';
import { createWebRouter } from '../../api/web/router';

const app = express();
app.use(helmet());
app.use(
  createWebRouter({ temporalUiUrl: 'http://ui.example.test:8233/?a=1&b="2"/', namespace: 'gemeente-zwolle' }),
);

describe('web router', () => {
  it.each(['/beheer', '/beheer/', '/beheer/index.html'])('serves the rendered page at %s', async (url) => {
    const res = await request(app).get(url);
    expect(res.status).toBe(200);
    expect(res.type).toBe('text/html');
    expect(res.headers['cache-control']).toBe('no-cache');
    expect(res.text).toContain('data-temporal-ui-url="http://ui.example.test:8233/?a=1&amp;b=&quot;2&quot;"');
    expect(res.text).toContain('data-temporal-namespace="gemeente-zwolle"');
    expect(res.text).toContain('<script type="module" src="/beheer/app.js">');
    expect(res.text).not.toContain('{{');
    expect(res.text).toContain('<html lang="nl">');
  });

  it.each([
    ['/beheer/app.js', 'text/javascript'],
    ['/beheer/api.js', 'text/javascript'],
    ['/beheer/labels.js', 'text/javascript'],
    ['/beheer/styles.css', 'text/css'],
  ])('serves %s as %s', async (url, type) => {
    const res = await request(app).get(url);
    expect(res.status).toBe(200);
    expect(res.type).toBe(type);
  });

  it('serves nothing else', async () => {
    expect((await request(app).get('/beheer/../package.json')).status).toBe(404);
    expect((await request(app).get('/beheer/router.ts')).status).toBe(404);
  });

  it('uses no inline script, so the default Content-Security-Policy holds', async () => {
    const res = await request(app).get('/beheer');
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    expect(res.text).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(res.text).not.toMatch(/\son[a-z]+="/);
  });
});
