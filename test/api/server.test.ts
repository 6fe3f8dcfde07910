/**
 * api/server.ts on a real socket: migrates its database, prints the first admin's key once, and
 * serves the API, the docs and the manager's page. Then it stops cleanly.
 */
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { startApiServer, type RunningApi } from '../../api/server';
import { loadConfig } from '../../config/config';

let api: RunningApi | undefined;
afterAll(async () => {
  await api?.close();
});

it('starts on a port, bootstraps an admin key once, and serves API, docs and the web page', async () => {
  const dir = process.env.TEST_RUN_DIR ?? os.tmpdir();
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    DATABASE_URL: `file:${path.join(dir, `api-server-${randomUUID()}.db`)}`,
    TEMPORAL_ADDRESS: process.env.TEMPORAL_TEST_ADDRESS,
    LOG_LEVEL: 'silent',
  });
  const printed: string[] = [];
  const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    printed.push(String(chunk));
    return true;
  });
  try {
    api = await startApiServer({ config, log: pino({ level: 'silent' }) });
  } finally {
    write.mockRestore();
  }
  const key = /Admin API key \(shown once\): (ir_\S+)/.exec(printed.join(''))?.[1];
  expect(key).toBeDefined();

  const me = await fetch(`${api.url}/api/me`, { headers: { authorization: `Bearer ${key}` } });
  expect(me.status).toBe(200);
  expect(await me.json()).toMatchObject({ role: 'admin', via: 'api-key' });
  expect((await fetch(`${api.url}/healthz`)).status).toBe(200);
  expect((await fetch(`${api.url}/api/openapi.json`)).status).toBe(200);
  expect((await fetch(`${api.url}/api/docs/`)).status).toBe(200);
  const page = await fetch(`${api.url}/beheer`);
  expect(page.status).toBe(200);
  expect(page.headers.get('content-type')).toMatch(/html/);
});
