/**
 * Row group 4b: the manager's figures and lists at scale. Two SQLite databases of their own, one
 * with 1,000 and one with 20,000 trajectories (sizes from --lists-sizes), seeded straight into the
 * read model with its own row mappers (test/db/generated-read-model.ts: varied phases, routes,
 * coaches, dates, deadlines), plus a person row with a name per trajectory. One real API per
 * database; every call goes to the small and the large one in turn, so load on the machine hits
 * both sizes alike, and the ratio of their p95s says whether the answer time grows with the
 * caseload (it should not: the figures are SQL aggregates, the pages are index range scans).
 */
import fs from 'node:fs';
import Database from 'better-sqlite3';
import os from 'node:os';
import path from 'node:path';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client as TemporalClient, Connection, type Client } from '@temporalio/client';
import { createLogger } from '../config/logger';
import type { Logger } from 'pino';
import { createApp, stopApp } from '../api/app';
import { generateApiKey } from '../api/auth/api-keys';
import { createPrismaStores } from '../api/store';
import { SORT_FIELDS } from '../api/store/read-model';
import { localDate } from '../domain/dates';
import { closeDb, createDb, type Db } from '../prisma/db';
import { generateSummaries, insertSummariesSqlite } from '../test/db/generated-read-model';
import { Report } from './report';
import { benchConfig, expectCall, migrate } from './stack';
import { latencies, nowMs, runAsScript } from './stats';

export interface ListsBenchOptions {
  temporal: Client;
  temporalAddress: string;
  log: Logger;
  workDir: string;
  /** Small and large caseload (default 1,000 and 20,000). */
  sizes: readonly [number, number];
  calls: number;
  /** A line per finished row group (the standalone run prints them as they come). */
  progress?: (line: string) => void;
}

interface Site {
  n: number;
  db: Db;
  url: string;
  key: string;
  close(): Promise<void>;
}

const COACHES = Array.from({ length: 40 }, (_, i) => `bench-coach-${i}`);

async function seeded(o: ListsBenchOptions, n: number): Promise<Site> {
  const databaseUrl = `file:${path.join(o.workDir, `lists-${n}.db`)}`;
  await migrate(databaseUrl, o.log);
  const file = databaseUrl.slice('file:'.length);
  const today = localDate(Date.now());
  const summaries = generateSummaries(n, { today, seed: n, coaches: COACHES, idPrefix: `p${n}` });
  insertSummariesSqlite(file, summaries);
  // A person with a name per trajectory, as the caseload page shows them (made-up names, no BSN).
  const sqlite = new Database(file);
  try {
    const person = sqlite.prepare(
      'INSERT INTO "Inburgeraar" ("id", "workflowId", "koppelingRef", "coachId", "doelgroep") VALUES (?, ?, ?, ?, ?)',
    );
    const names = sqlite.prepare(
      'INSERT INTO "Persoonsgegevens" ("inburgeraarId", "bsnHash", "bsnCiphertext", "voornaam", "achternaam", "updatedAt") VALUES (?, ?, ?, ?, ?, ?)',
    );
    const now = new Date().toISOString();
    sqlite.transaction(() => {
      summaries.forEach((s, i) => {
        const id = s.inburgeraarId;
        person.run(id, `inburgering-${id}`, `bench-${id}`, s.coachId, s.doelgroep);
        names.run(id, `bench-${id}`, 'v1.bench', `Voornaam${i % 97}`, `Achternaam${i % 389}`, now);
      });
    })();
  } finally {
    sqlite.close();
  }
  const db = createDb(databaseUrl);
  const config = benchConfig(databaseUrl, o.temporalAddress, 'unused', {
    // One manager key calls thousands of times a minute here: the limits are not what is measured.
    RATE_LIMIT_LISTS: '1000000',
    RATE_LIMIT_PER_KEY: '1000000',
    RATE_LIMIT_PER_ADDRESS: '1000000',
  });
  const stores = createPrismaStores(db);
  const app = createApp({ temporal: o.temporal, db, stores, config, log: o.log });
  const server: Server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const manager = await stores.users.createUser({ name: 'bench manager', role: 'manager' });
  if (!manager) throw new Error('could not create the bench manager');
  const issued = generateApiKey();
  await stores.users.createApiKey(manager.id, { hash: issued.hash, prefix: issued.prefix, label: 'bench' });
  const { port } = server.address() as AddressInfo;
  return {
    n,
    db,
    url: `http://127.0.0.1:${port}`,
    key: issued.plaintext,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await stopApp(app);
      await closeDb(db);
    },
  };
}

/** The calls of the manager's pages, rotating over sorts and filters like a manager clicking. */
const ENDPOINTS: {
  name: string;
  goal: 'stats' | 'kpis' | 'list' | 'caseload';
  path: (i: number) => string;
}[] = [
  { name: 'GET /api/stats', goal: 'stats', path: () => '/api/stats' },
  { name: 'GET /api/kpis', goal: 'kpis', path: () => '/api/kpis' },
  {
    name: 'GET /api/inburgeraars?pageSize=50&sort=*',
    goal: 'list',
    path: (i) =>
      `/api/inburgeraars?pageSize=50&sort=${SORT_FIELDS[i % SORT_FIELDS.length]}&order=${i % 2 ? 'desc' : 'asc'}` +
      (i % 3 === 2 ? `&coachId=${COACHES[i % COACHES.length]}` : ''),
  },
  {
    name: 'GET /api/werk/caseload?pageSize=50',
    goal: 'caseload',
    path: (i) => `/api/werk/caseload?pageSize=50${i % 2 ? '&overdue=true' : ''}`,
  },
];

export async function runListsAtScale(report: Report, o: ListsBenchOptions): Promise<void> {
  const sites: Site[] = [];
  try {
    for (const n of o.sizes) {
      const t = nowMs();
      sites.push(await seeded(o, n));
      report.add(`lists at scale: seed ${n} trajectories (read model + names)`, (nowMs() - t) / 1000, 's');
      o.progress?.(`seeded ${n} in ${((nowMs() - t) / 1000).toFixed(1)} s`);
    }
    const [small, large] = sites as [Site, Site];
    for (const e of ENDPOINTS) {
      const samples: [number[], number[]] = [[], []];
      for (let i = -3; i < o.calls; i++) {
        // Small and large in turn (which goes first alternates), so both see the same load.
        const order = i % 2 ? [0, 1] : [1, 0];
        for (const s of order) {
          const site = sites[s]!;
          const r = await expectCall(site.url, 'GET', e.path(i + 3), site.key, 200);
          if (i >= 0) samples[s]!.push(r.ms);
        }
      }
      const a = latencies(samples[0]);
      const b = latencies(samples[1]);
      o.progress?.(
        `${e.name}: p95 ${a.p95.toFixed(1)} ms (N=${small.n}), ${b.p95.toFixed(1)} ms (N=${large.n})`,
      );
      report.add(`lists at scale: ${e.name} p50, N=${small.n}`, a.p50, 'ms');
      report.add(`lists at scale: ${e.name} p50, N=${large.n}`, b.p50, 'ms');
      report.add(`lists at scale: ${e.name} p95, N=${small.n}`, a.p95, 'ms');
      report.add(
        `lists at scale: ${e.name} p95, N=${large.n} (${o.calls} calls)`,
        b.p95,
        'ms',
        `scale.${e.goal}P95`,
      );
      report.add(
        `lists at scale: ${e.name} p95 ratio N=${large.n} / N=${small.n}`,
        b.p95 / a.p95,
        'x',
        `scale.${e.goal}Ratio`,
      );
    }
  } finally {
    for (const s of sites) await s.close();
  }
}

/**
 * `npx tsx bench/lists-bench.ts [small,large] [calls]`: only these rows, without the Temporal
 * dev server (the lists and figures never call Temporal; the client's connection stays lazy).
 */
if (require.main === module) {
  runAsScript('lists bench', async () => {
    const [small, large] = (process.argv[2] ?? '1000,20000').split(',').map(Number) as [number, number];
    const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'inburgering-lists-bench-'));
    const temporalAddress = '127.0.0.1:1';
    const temporal = new TemporalClient({ connection: Connection.lazy({ address: temporalAddress }) });
    const report = new Report();
    report.note(`machine: ${os.cpus().length} cores, 1-min load average ${os.loadavg()[0]!.toFixed(2)}`);
    try {
      await runListsAtScale(report, {
        temporal,
        temporalAddress,
        log: createLogger({ LOG_LEVEL: 'error' }, 'bench'),
        workDir,
        sizes: [small, large],
        calls: Number(process.argv[3] ?? 50),
        progress: (line) => process.stderr.write(`${line}\n`),
      });
      process.stdout.write(`${report.toText()}\n`);
      for (const n of report.notes) process.stdout.write(`note: ${n}\n`);
    } finally {
      fs.rmSync(workDir, { recursive: true, force: true });
    }
  });
}
