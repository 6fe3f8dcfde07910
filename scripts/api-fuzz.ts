/**
 * Schemathesis (PyPI, pinned below) against the RUNNING service, as an outside client sees it:
 *
 *   npm run test:api-fuzz [-- <extra schemathesis options>]
 *
 * Starts what `npm start` runs (a Temporal dev server in memory, the worker with the real workflow
 * bundle and activities, the API on 127.0.0.1:<free port>, a fresh SQLite database), seeds a few
 * trajectories, and runs `schemathesis run` on /api/openapi.json with a manager's API key. It
 * fails (exit code 1) on any 5xx, any answer that does not conform to the document (status, content
 * type, headers, body schema), bad input that is accepted, an undeclared method that does not answer
 * 405 with an Allow header, or a request without credentials that is not refused. `.ci/run` runs it.
 *
 * Schemathesis is installed once into a git-ignored virtualenv (`.cache/schemathesis/venv`, or
 * $SCHEMATHESIS_VENV) at the pinned version; after that nothing is downloaded. Bounded: a fixed
 * number of examples per operation and a time budget (FUZZ_MAX_SECONDS, default 120 s; with setup
 * about 2.5 minutes on 2 cores). `--install` only installs schemathesis (CI's install step).
 */
import { execFileSync, spawn } from 'node:child_process';
import readline from 'node:readline';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { call, startStack, type Stack, startDevServerAndBundle } from '../bench/stack';
import { addDays, localDate } from '../domain/dates';
import { REPO_ROOT } from './temporal-binaries';
import type { RunningDevServer } from './temporal-server';

/** Pinned: bump here, in one place. */
export const SCHEMATHESIS_VERSION = '4.32.5';
export const SCHEMATHESIS_VENV =
  process.env.SCHEMATHESIS_VENV ?? path.join(REPO_ROOT, '.cache', 'schemathesis', 'venv');

const say = (message: string) => process.stderr.write(`[api-fuzz] ${message}\n`);

/** The schemathesis CLI in its virtualenv, installed at the pinned version when missing or other. */
export function ensureSchemathesis(): string {
  const cli = path.join(SCHEMATHESIS_VENV, 'bin', 'schemathesis');
  const installed = (): string | undefined => {
    try {
      return execFileSync(cli, ['--version'], { encoding: 'utf8' }).trim().split(' ').pop();
    } catch {
      return undefined;
    }
  };
  if (installed() === SCHEMATHESIS_VERSION) return cli;
  say(`installing schemathesis==${SCHEMATHESIS_VERSION} into ${SCHEMATHESIS_VENV}`);
  execFileSync('python3', ['-m', 'venv', SCHEMATHESIS_VENV], { stdio: 'inherit' });
  execFileSync(
    path.join(SCHEMATHESIS_VENV, 'bin', 'pip'),
    [
      'install',
      '--disable-pip-version-check',
      '--no-cache-dir',
      '--quiet',
      `schemathesis==${SCHEMATHESIS_VERSION}`,
    ],
    { stdio: 'inherit' },
  );
  if (installed() !== SCHEMATHESIS_VERSION)
    throw new Error(`schemathesis ${SCHEMATHESIS_VERSION} did not install`);
  return cli;
}

/**
 * A few trajectories in different phases, so lists, figures and timelines answer with content, and
 * so the fuzzer's actions reach real workflows (their ids go into its configuration).
 */
async function seed(stack: Stack): Promise<string[]> {
  const today = localDate(Date.now());
  const person = (n: number) => ({
    bsn: ['111222333', '123456782', '100000071'][n],
    voornaam: 'Fuzz',
    achternaam: `Seed ${n}`,
  });
  const imports = [
    undefined,
    { phase: 'BREDE_INTAKE', intakePlannedDate: addDays(today, 10) },
    {
      phase: 'LEERROUTE',
      kennisgevingDate: addDays(today, -80),
      intakePlannedDate: addDays(today, -70),
      intakeDate: addDays(today, -60),
      pipDecisionDate: addDays(today, -40),
      route: 'B1',
      modules: [{ module: 'PVT' }, { module: 'MAP' }, { module: 'KNM' }],
    },
  ];
  const ids: string[] = [];
  for (const [n, imported] of imports.entries()) {
    const r = await call(stack.apiUrl, 'POST', '/api/inburgeraars', stack.users.coa.key, {
      koppelingRef: `FUZZ-SEED-${n}`,
      koppelingDate: addDays(today, -90),
      doelgroep: 'asielstatushouder',
      coachId: stack.users.coach.id,
      gemeenteCode: 'GM0193',
      persoon: person(n),
      ...(imported ? { import: imported } : {}),
    });
    if (r.status !== 201) throw new Error(`seeding failed: ${r.status} ${JSON.stringify(r.body)}`);
    ids.push((r.body as { inburgeraarId: string }).inburgeraarId);
  }
  return ids;
}

/**
 * The configuration: the key in both headers (the document offers both schemes; sent alone, one
 * would be paired with a made-up value for the other, which the API rightly refuses), and a
 * path `id` that is most often one of the seeded trajectories (else a made-up one: 404).
 */
function configFile(dir: string, key: string, ids: string[]): string {
  const file = path.join(dir, 'schemathesis.toml');
  fs.writeFileSync(
    file,
    [
      `headers = { "X-Api-Key" = "${key}", "Authorization" = "Bearer ${key}" }`,
      '',
      '[dictionaries.trajectories]',
      `values = [${ids.map((id) => `"${id}"`).join(', ')}]`,
      '',
      '[parameters]',
      '"path.id" = { dictionary = "trajectories", probability = 0.8 }',
      '',
    ].join('\n'),
  );
  return file;
}

/**
 * Schemathesis closes its report with a pytest-style banner ("===== No issues found in 120.05s
 * ====="). A CI log reader that knows pytest takes such a line for pytest's closing line and, finding
 * no counts in it, for a run in which no test executed, although jest's line comes later. The
 * banners are printed with dashes instead; the words are unchanged.
 */
export function unbanner(line: string): string {
  const banner = /^=+( .* )=+$/.exec(line);
  return banner ? `--${banner[1]}--` : line;
}

/** Runs in `cwd` (the run's temp dir), where schemathesis also keeps its own cache. */
function runSchemathesis(cli: string, args: string[], cwd: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(cli, args, {
      cwd,
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, NO_COLOR: '1' },
    });
    readline
      .createInterface({ input: child.stdout })
      .on('line', (line) => process.stdout.write(`${unbanner(line)}\n`));
    child.once('error', reject);
    // 'close', not 'exit': it comes after the last line of its output has been read.
    child.once('close', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}

async function main(): Promise<void> {
  const cli = ensureSchemathesis();
  if (process.argv.includes('--install')) return;
  // The SDK's worker lines would bury schemathesis's report: warnings and errors only.
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const maxSeconds = Number(process.env.FUZZ_MAX_SECONDS ?? 120);
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'inburgering-fuzz-'));
  const log = pino({ level: process.env.FUZZ_LOG_LEVEL ?? 'silent' });
  let devServer: RunningDevServer | undefined;
  let stack: Stack | undefined;
  const cleanup = async () => {
    await stack?.close();
    await devServer?.stop();
    fs.rmSync(workDir, { recursive: true, force: true });
  };
  process.once('SIGINT', () => void cleanup().finally(() => process.exit(130)));
  process.once('SIGTERM', () => void cleanup().finally(() => process.exit(143)));
  try {
    say('starting a Temporal dev server (in memory) and bundling the workflow code');
    const { server, bundle } = await startDevServerAndBundle(workDir);
    devServer = server;
    stack = await startStack({
      databaseUrl: `file:${path.join(workDir, 'fuzz.db')}`,
      temporalAddress: server.address,
      taskQueue: `fuzz-${process.pid}`,
      workflowCode: bundle.code,
      log,
      // Thousands of requests from one key and address in two minutes: with the production limits
      // most would be answered 429 (documented, but it would hide the rest of the API from the fuzzer).
      env: Object.fromEntries(
        [
          'RATE_LIMIT_PER_KEY',
          'RATE_LIMIT_PER_ADDRESS',
          'RATE_LIMIT_LISTS',
          'RATE_LIMIT_AUTH_FAILURES',
          'RATE_LIMIT_SIGN_IN',
          'PERSONAL_LINK_RATE_LIMIT',
          'PERSONAL_LINK_FAILURE_LIMIT',
        ].map((name) => [name, '1000000']),
      ),
    });
    const config = configFile(workDir, stack.users.manager.key, await seed(stack));
    say(`API on ${stack.apiUrl}; schemathesis ${SCHEMATHESIS_VERSION}, at most ${maxSeconds} s`);
    const code = await runSchemathesis(
      cli,
      [
        '--config-file',
        config,
        'run',
        `${stack.apiUrl}/api/openapi.json`,
        '--checks',
        'all',
        // Input the schema allows can still be refused by a rule (a coach id that is no coach, a
        // date after today): 400/409 are right answers there, so "valid input must succeed" is off.
        '--exclude-checks',
        'positive_data_acceptance',
        '--max-examples',
        process.env.FUZZ_MAX_EXAMPLES ?? '15',
        '--max-time',
        String(maxSeconds),
        '--seed',
        process.env.FUZZ_SEED ?? '20261201',
        // One worker: hypothesis parses lambda sources with `ast`, which is not thread-safe on
        // CPython 3.11 ("AST constructor recursion depth mismatch" with two workers).
        '--workers',
        '1',
        '--request-timeout',
        '30',
        '--no-shrink',
        '--report',
        'junit',
        '--report-dir',
        path.join(REPO_ROOT, 'test-results', 'schemathesis'),
        ...process.argv.slice(2),
      ],
      workDir,
    );
    process.exitCode = code;
  } finally {
    await cleanup();
  }
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exitCode = 2;
  });
}
