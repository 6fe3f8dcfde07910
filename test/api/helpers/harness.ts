/**
 * One API under test per test file, wired to real things only: the run's Temporal dev server, a
 * Worker on its own task queue running the real workflow bundle and the real activities, and a
 * SQLite file of its own (migrated with the project's migrations). Requests go through supertest
 * into `createApp`, exactly as in production minus the listening socket.
 */
import type { DeliveryTrigger } from '../../../activities';
import { createDeliveryTrigger } from '../../../worker/delivery-trigger';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { Express } from 'express';
import pino from 'pino';
import request from 'supertest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { createApp, stopApp, type CreateAppOptions } from '../../../api/app';
import { generateApiKey } from '../../../api/auth/api-keys';
import type { Role } from '../../../api/auth/principal';
import { createPrismaStores, type Stores } from '../../../api/store';
import type { UserView } from '../../../api/store/users';
import { loadConfig, type Config } from '../../../config/config';
import { closeDb, createDb, type Db } from '../../../prisma/db';
import { migrateDatabase } from '../../../prisma/migrate';
import { createDevServerEnv, uniqueTaskQueue, waitFor, workflowBundle } from '../../helpers/temporal';

export interface TestUser {
  user: UserView;
  key: string;
}

export interface ApiHarness {
  app: Express;
  env: TestWorkflowEnvironment;
  db: Db;
  stores: Stores;
  config: Config;
  taskQueue: string;
  users: Record<'admin' | 'coa' | 'coach' | 'coach2' | 'manager' | 'partner' | 'partner2', TestUser>;
  partnerIds: { taalschool: string; werkgever: string };
  /** Creates a user with a key directly in the store (what an admin does through the API). */
  addUser(role: Role, partnerId?: string): Promise<TestUser>;
  /** A fresh app on the same wiring with other config (e.g. OIDC). */
  appWith(overrides: Partial<Config>, extra?: Partial<CreateAppOptions>): Express;
  /** Another worker (real bundle and activities, same database) on `taskQueue`; resolves to its stop. */
  addWorker(taskQueue: string): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

/**
 * The real activities (audit trail, read model, outbox). Loaded lazily so that a test can run with
 * its own (`API_TEST_NOOP_ACTIVITIES=1`, only while developing against a half-built tree).
 */
function activitiesFor(db: Db, config: Config, log: pino.Logger, delivery: DeliveryTrigger): object {
  if (process.env.API_TEST_NOOP_ACTIVITIES === '1') {
    return {
      recordStep: async () => ({ events: 0, queued: 0, held: 0 }),
      deliverNotifications: async () => ({ sent: 0, retrying: 0, held: 0, failed: 0, more: false }),
    };
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { createActivities } = require('../../../activities') as typeof import('../../../activities');
  return createActivities({ db, config, log, delivery });
}

export interface HarnessOptions {
  /** Where the app's and the activities' log lines go (default silent, or API_TEST_LOG_LEVEL). */
  log?: pino.Logger;
}

export async function startApiHarness(name: string, options: HarnessOptions = {}): Promise<ApiHarness> {
  const env = await createDevServerEnv();
  const taskQueue = uniqueTaskQueue(`api-${name}`);
  const runDir = process.env.TEST_RUN_DIR ?? os.tmpdir();
  const databaseUrl = `file:${path.join(runDir, `api-${name}-${randomUUID()}.db`)}`;
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: databaseUrl,
    TEMPORAL_TASK_QUEUE: taskQueue,
    LOG_LEVEL: 'silent',
    // Test files register people faster than a loaded machine's worker completes them; the
    // production bound (4) is tested with small bounds of its own (test/api/backpressure.test.ts).
    INTAKE_MAX_PENDING: '100',
  });
  await migrateDatabase(databaseUrl);
  const db = createDb(databaseUrl);
  const log = options.log ?? pino({ level: process.env.API_TEST_LOG_LEVEL ?? 'silent' });

  // As in production: the delivery workflow is started with the worker and nudged after each step.
  const delivery = createDeliveryTrigger(env.client);
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    ...workflowBundle(),
    // No SMTP configured: mail stays in the outbox (as documented), partners have no webhook URL.
    activities: activitiesFor(db, config, log, delivery),
  });
  const running = worker.run();
  await delivery.kick(taskQueue);

  const extraWorkers: Array<() => Promise<void>> = [];
  const stores = createPrismaStores(db);
  const apps: ReturnType<typeof createApp>[] = [];
  const build = (cfg: Config, extra: Partial<CreateAppOptions> = {}) => {
    const built = createApp({ temporal: env.client, db, stores, config: cfg, log, ...extra });
    apps.push(built);
    return built;
  };
  const app = build(config);

  const addUser = async (role: Role, partnerId?: string): Promise<TestUser> => {
    const user = await stores.users.createUser({
      name: `${role} ${randomUUID().slice(0, 8)}`,
      role,
      partnerId,
    });
    if (!user) throw new Error('user id collision');
    const issued = generateApiKey();
    await stores.users.createApiKey(user.id, { hash: issued.hash, prefix: issued.prefix });
    return { user, key: issued.plaintext };
  };
  const taalschool = await stores.partners.createPartner({ name: 'Taalschool De Brug', kind: 'taalschool' });
  const werkgever = await stores.partners.createPartner({ name: 'Werkgever BV', kind: 'werkgever' });
  const users = {
    admin: await addUser('admin'),
    coa: await addUser('coa'),
    coach: await addUser('coach'),
    coach2: await addUser('coach'),
    manager: await addUser('manager'),
    partner: await addUser('partner', taalschool.id),
    partner2: await addUser('partner', werkgever.id),
  };

  return {
    app,
    env,
    db,
    stores,
    config,
    taskQueue,
    users,
    partnerIds: { taalschool: taalschool.id, werkgever: werkgever.id },
    addUser,
    appWith: (overrides, extra) => build({ ...config, ...overrides }, extra),
    async addWorker(otherQueue) {
      const other = await Worker.create({
        connection: env.nativeConnection,
        taskQueue: otherQueue,
        ...workflowBundle(),
        activities: activitiesFor(db, config, log, delivery),
      });
      const run = other.run();
      const stop = async () => {
        if (other.getState() === 'RUNNING') other.shutdown();
        await run;
      };
      extraWorkers.push(stop);
      return stop;
    },
    async close() {
      for (const built of apps) await stopApp(built);
      for (const stop of extraWorkers) await stop();
      worker.shutdown();
      await running;
      await closeDb(db);
      await env.teardown();
    },
  };
}

/**
 * A valid BSN (elfproef) per counter value, different for every n: candidates are taken from a
 * window of 13 numbers of its own; stepping the 8th digit moves the weighted sum by 2 (mod 11),
 * so a valid check digit turns up within 11 steps.
 */
export function testBsn(n: number): string {
  const weights = [9, 8, 7, 6, 5, 4, 3, 2];
  for (let j = 0; j < 13; j++) {
    const head = String(10_000_000 + ((n * 13 + j) % 89_999_999));
    const sum = [...head].reduce((acc, d, idx) => acc + Number(d) * weights[idx]!, 0);
    if (sum % 11 <= 9 && sum - (sum % 11) !== 0) return head + String(sum % 11);
  }
  throw new Error('unreachable: no valid BSN in window');
}

let counter = Math.floor(Math.random() * 1_000_000);

export interface KoppelingOptions {
  coachId: string;
  koppelingDate?: string;
  import?: Record<string, unknown>;
  bsn?: string;
  koppelingRef?: string;
  gemeenteCode?: string;
  doelgroep?: 'asielstatushouder' | 'gezinsmigrant';
  extra?: Record<string, unknown>;
}

export function koppelingBody(o: KoppelingOptions): Record<string, unknown> {
  counter++;
  return {
    koppelingRef: o.koppelingRef ?? `COA-${counter}`,
    koppelingDate: o.koppelingDate ?? '2026-09-01',
    doelgroep: o.doelgroep ?? 'asielstatushouder',
    coachId: o.coachId,
    gemeenteCode: o.gemeenteCode ?? 'GM0193',
    persoon: {
      bsn: o.bsn ?? testBsn(counter),
      voornaam: 'Amira',
      achternaam: `Test-${counter}`,
      geboortedatum: '1990-04-12',
      adres: 'Straat 1, Zwolle',
    },
    ...(o.import ? { import: o.import } : {}),
    ...(o.extra ?? {}),
  };
}

/**
 * Registers a koppeling as COA and answers the new inburgeraarId. Like any client it honours the
 * backpressure answer (503 with Retry-After, application/admission.ts): on a loaded machine the
 * worker may lag behind a test that registers many people in a row.
 */
export async function koppel(h: ApiHarness, o: Partial<KoppelingOptions> = {}): Promise<string> {
  const body = koppelingBody({ coachId: h.users.coach.user.id, ...o });
  for (let attempt = 0; ; attempt++) {
    const res = await request(h.app).post('/api/inburgeraars').set('X-Api-Key', h.users.coa.key).send(body);
    if (res.status === 503 && attempt < 60) {
      await new Promise((resolve) => setTimeout(resolve, Number(res.headers['retry-after']) * 1000));
      continue;
    }
    if (res.status !== 201) throw new Error(`koppeling failed: ${res.status} ${JSON.stringify(res.body)}`);
    const id = res.body.inburgeraarId as string;
    await trajectoryStarted(h, id);
    return id;
  }
}

/**
 * Waits until the koppeling's trajectory has reached Temporal (its PendingStart row is gone:
 * application/trajectory-starts.ts starts it apart from the answer), for a test that goes to the
 * workflow itself next. Through the API a first action needs no wait: it starts a pending one.
 */
export async function trajectoryStarted(
  h: Pick<ApiHarness, 'db'>,
  inburgeraarId: string,
  timeoutMs = 15_000,
) {
  const started = async () => !(await h.db.pendingStart.findUnique({ where: { inburgeraarId } }));
  if (!(await waitFor(started, timeoutMs, 20)))
    throw new Error(`the trajectory of ${inburgeraarId} did not start within ${timeoutMs} ms`);
}

/** Runs one action as the coach (or another key) and expects `status`. */
export function act(h: ApiHarness, id: string, actie: string, body: unknown, key = h.users.coach.key) {
  return request(h.app)
    .post(`/api/inburgeraars/${id}/acties/${actie}`)
    .set('X-Api-Key', key)
    .send(body as object);
}

/** Starting points of a trajectory, through the koppeling's import part (same rules as the API). */
export const PHASE_FIXTURES = {
  koppeling: undefined,
  intake: { phase: 'BREDE_INTAKE', intakePlannedDate: '2026-09-20' },
  pip: {
    phase: 'PIP',
    intakePlannedDate: '2026-09-10',
    intakeDate: '2026-09-15',
    kennisgevingDate: '2026-09-05',
    brpInschrijvingDate: '2026-09-03',
  },
  /** B1-route, PIP set recently: route switch window open, extension not yet possible. */
  b1: {
    phase: 'LEERROUTE',
    kennisgevingDate: '2026-09-05',
    intakePlannedDate: '2026-09-10',
    intakeDate: '2026-09-15',
    pipDecisionDate: '2026-10-01',
    route: 'B1',
    modules: [{ module: 'PVT' }, { module: 'MAP' }, { module: 'KNM' }],
  },
  /** B1-route, PIP 3 years ago: extension possible, route switch window closed. */
  b1Old: {
    phase: 'LEERROUTE',
    kennisgevingDate: '2023-09-05',
    intakePlannedDate: '2023-09-10',
    intakeDate: '2023-09-15',
    pipDecisionDate: '2023-10-02',
    route: 'B1',
    modules: [{ module: 'PVT' }, { module: 'MAP' }, { module: 'KNM' }],
  },
  onderwijs: {
    phase: 'LEERROUTE',
    kennisgevingDate: '2026-09-05',
    intakePlannedDate: '2026-09-10',
    intakeDate: '2026-09-15',
    pipDecisionDate: '2026-10-01',
    route: 'ONDERWIJS',
    modules: [{ module: 'PVT' }, { module: 'KNM' }],
  },
} as const;

export const KOPPELING_DATE_FOR = (fixture: keyof typeof PHASE_FIXTURES): string =>
  fixture === 'b1Old' ? '2023-08-01' : '2026-09-01';

/**
 * The read-model row of a new trajectory is written by the workflow's first activity, just after
 * the start (an update, by contrast, answers only after its own writes): wait for it.
 */
export async function waitForReadModel(h: ApiHarness, inburgeraarIds: string[]): Promise<void> {
  const until = Date.now() + 15_000;
  while (
    (await h.db.trajectoryReadModel.count({ where: { inburgeraarId: { in: inburgeraarIds } } })) <
    inburgeraarIds.length
  ) {
    if (Date.now() > until) throw new Error('timed out waiting for the read model');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
