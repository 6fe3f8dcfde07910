/**
 * `npm start` as a new user runs it: one command brings up the Temporal dev server, the worker and
 * the API, prints the URLs, answers; Ctrl-C (SIGINT) stops all three, and the Temporal server's
 * state survives in its SQLite file for the next start.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { childPids } from '../../scripts/processes';
import { REPO_ROOT } from '../../scripts/temporal-binaries';
import { freePort } from '../../scripts/temporal-server';

function portAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

describe('npm start', () => {
  let child: ChildProcess | undefined;
  afterAll(() => {
    if (child && child.exitCode === null) process.kill(-child.pid!, 'SIGKILL');
  });

  it('starts dev server, worker process and API, prints the URLs, starts a killed worker again, and stops all three on Ctrl-C', async () => {
    const dir = fs.mkdtempSync(path.join(process.env.TEST_RUN_DIR!, 'start-'));
    const [temporalPort, uiPort, metricsPort] = [await freePort(), await freePort(), await freePort()];
    child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'scripts', 'start.ts')], {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        NODE_ENV: 'development',
        PORT: '0',
        DATABASE_URL: `file:${path.join(dir, 'inburgering.db')}`,
        TEMPORAL_ADDRESS: `127.0.0.1:${temporalPort}`,
        TEMPORAL_UI_URL: `http://127.0.0.1:${uiPort}`,
        TEMPORAL_DEV_SERVER_DB: path.join(dir, 'temporal.db'),
        METRICS_PORT: String(metricsPort),
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      // A process group of its own, so that Ctrl-C below reaches it as a terminal's does: every
      // process of the group (the dev server and the worker too) gets the SIGINT.
      detached: true,
    });
    let output = '';
    child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    const exited = new Promise<number | null>((resolve) => child!.once('exit', (code) => resolve(code)));

    for (let i = 0; i < 900 && !output.includes('Ctrl-C stops all three'); i++) {
      if (child.exitCode !== null) throw new Error(`npm start exited early:\n${output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(output).toContain('Ctrl-C stops all three');
    expect(output).toMatch(/Admin API key \(shown once\): ir_/);
    expect(output).toContain(`Temporal UI     http://127.0.0.1:${uiPort}`);
    const apiUrl = /API\s+(http:\/\/\S+)\/api/.exec(output)?.[1];
    expect(apiUrl).toBeDefined();

    const health = await fetch(`${apiUrl}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ checks: { database: 'ok', temporal: 'ok' } });
    // The browser path: /werk sends to the sign-in page, where the development users can be picked.
    expect(output).toMatch(/Development sign-in .*Sanne de Coach \(coach, id sanne\)/);
    const werk = await fetch(`${apiUrl}/werk`, { redirect: 'manual' });
    expect(werk.status).toBe(303);
    expect(werk.headers.get('location')).toBe('/aanmelden?terug=%2Fwerk');
    const signIn = await fetch(`${apiUrl}/aanmelden`);
    expect(signIn.status).toBe(200);
    const html = await signIn.text();
    expect(html).toContain('Sanne de Coach (klantmanager)');
    expect(html).toContain('Mo de Manager (manager)');
    expect((await fetch(`${apiUrl}/assets/werk.js`)).status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).status).toBe(200);
    expect(await portAnswers(uiPort)).toBe(true);

    // The worker is a process of its own: killed, it is started again and serves its metrics anew.
    const [workerPid, ...others] = childPids(child.pid!, 'worker/main.ts');
    expect(workerPid).toBeDefined();
    expect(others).toEqual([]);
    process.kill(workerPid!, 'SIGKILL');
    for (let i = 0; i < 100 && !output.includes('worker process stopped; starting it again'); i++)
      await new Promise((r) => setTimeout(r, 100));
    expect(output).toContain('worker process stopped; starting it again');
    let restarted: number[] = [];
    for (let i = 0; i < 600; i++) {
      restarted = childPids(child.pid!, 'worker/main.ts');
      if (restarted.length === 1 && restarted[0] !== workerPid && (await portAnswers(metricsPort))) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(restarted).toHaveLength(1);
    expect(restarted[0]).not.toBe(workerPid);
    expect((await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).status).toBe(200);
    expect((await fetch(`${apiUrl}/healthz`)).status).toBe(200);

    process.kill(-child.pid!, 'SIGINT');
    expect(await exited).toBe(0);
    // The worker stopping on that Ctrl-C is not taken for a crash: no restart.
    expect(output.split('worker process stopped; starting it again').length - 1).toBe(1);
    expect(await portAnswers(temporalPort)).toBe(false);
    expect(await portAnswers(uiPort)).toBe(false);
    expect(await portAnswers(Number(new URL(apiUrl!).port))).toBe(false);
    expect(fs.existsSync(path.join(dir, 'temporal.db'))).toBe(true);
    expect(childPids(child.pid!, 'worker/main.ts')).toEqual([]);
    expect(() => process.kill(restarted[0]!, 0)).toThrow(); // the worker stopped with the rest
  });
});
