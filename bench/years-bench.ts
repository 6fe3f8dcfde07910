/**
 * Years rows (issue 10, item 5): N trajectories through 3 simulated years on Temporal's Java
 * time-skipping test server, with the real workflow bundle and the real activities (steps into the
 * SQLite read model and audit trail, the outbox, the delivery workflow sending every e-mail to an
 * SMTP server on loopback).
 *
 * N trajectories are started on the same day (the scenario tests' `startTrajectory`), each gets a
 * few coach actions two weeks later (kennisgeving, BRP-inschrijving, brede intake planned), and then
 * the server's clock is moved 3 years ahead in one `env.sleep`, so every trajectory runs through its
 * deadlines, reminders and escalations (no intake held, no PIP, no exam: each deadline runs out).
 * The time skipping is what it costs: at every moment a timer is due, the server hands every
 * workflow with a timer then a task and waits until all of them are done before it skips on.
 *
 * Per phase, the wall time and the CPU seconds of the bench process (worker, workflow thread,
 * activities, SQLite) and of the test server's process, and the summed time of each activity, so
 * the rows say where the time goes. Then the workflow tasks and history lengths of a sample.
 *
 * The delivery workflow runs with a poll interval of 30 days instead of its 5 minutes (workflow
 * time; `deliveryPollDays`): its poll is a cost per simulated day, not per trajectory, and on a
 * server whose clock skips 3 years 5 minutes would be ~315,000 wake-ups (each a workflow task and
 * an activity, ~70 ms here: about 6 hours). The steps' nudges still deliver every e-mail at once.
 * The bench's coach has an e-mail address: a notification for a coach without one is held and
 * looked at again every 15 minutes of workflow time (activities/delivery.ts), the same wake-ups.
 *
 * Only these rows: `npx tsx bench/years-bench.ts N [result.json] [delivery poll days]`.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import type { Logger } from 'pino';
import { createActivities } from '../activities';
import { createPrismaStores } from '../api/store';
import { loadConfig } from '../config/config';
import { createLogger } from '../config/logger';
import { addDays } from '../domain/dates';
import { closeDb, createDb } from '../prisma/db';
import { childPids, cpuSeconds } from '../scripts/processes';
import { registerSearchAttributes } from '../scripts/temporal-server';
import { startSmtpReceiver } from '../test/activities/receivers';
import { startTimeSkippingServer, testDataConverter, uniqueTaskQueue } from '../test/helpers/temporal';
import { advanceTo, startTrajectory, today } from '../test/workflow/harness';
import { bundleWorkflows } from '../worker/bundle';
import { createDeliveryTrigger } from '../worker/delivery-trigger';
import * as m from '../workflows/messages';
import { Report } from './report';
import { benchConfig, installQuietRuntime, migrate } from './stack';
import { nowMs, percentile, pool, runAsScript } from './stats';
import { quietTestServer } from './trajectory-bench';

export interface YearsOptions {
  people: number;
  workflowCode: string;
  workDir: string;
  log: Logger;
  /** Simulated years after the koppeling (default 3). */
  years?: number;
  /** Starts and updates in flight. */
  concurrency?: number;
  say?: (text: string) => void;
  /** The delivery workflow's poll interval in days of workflow time (see the header). */
  deliveryPollDays?: number;
}

const DAY_MS = 86_400_000;

/** The test server's process: a child of this one whose command line names the test server. */
const testServerPid = (): number | undefined => childPids(process.pid, 'test-server')[0];

/** Wraps each activity so its calls' wall time is summed per name. */
function timed<T extends object>(activities: T, spent: Map<string, number>): T {
  return Object.fromEntries(
    Object.entries(activities).map(([name, fn]) => [
      name,
      typeof fn !== 'function'
        ? fn
        : async (...args: unknown[]) => {
            const t = nowMs();
            try {
              return (await (fn as (...a: unknown[]) => Promise<unknown>)(...args)) as unknown;
            } finally {
              spent.set(name, (spent.get(name) ?? 0) + (nowMs() - t));
            }
          },
    ]),
  ) as T;
}

export interface YearsResult {
  people: number;
  years: number;
  phases: { name: string; wallSeconds: number; benchCpuSeconds: number; serverCpuSeconds: number }[];
  activitySeconds: Record<string, number>;
  historyEvents: { p50: number; max: number; sample: number };
  workflowTasks: { p50: number; max: number };
  mailsDelivered: number;
  outboxRows: number;
}

export async function runYears(report: Report, o: YearsOptions): Promise<YearsResult> {
  const say = o.say ?? (() => undefined);
  const years = o.years ?? 3;
  const concurrency = o.concurrency ?? 16;
  const pollDays = o.deliveryPollDays ?? 30;
  const dir = path.join(o.workDir, 'years');
  fs.mkdirSync(dir, { recursive: true });
  const databaseUrl = `file:${path.join(dir, 'years.db')}`;
  await migrate(databaseUrl, o.log);
  const db = createDb(databaseUrl);
  const smtp = await startSmtpReceiver();
  const t0 = nowMs();
  const env = await startTimeSkippingServer(quietTestServer(dir));
  try {
    await registerSearchAttributes(env.connection);
    const serverPid = testServerPid();
    const config = benchConfig(databaseUrl, '127.0.0.1:0', 'unused', { SMTP_URL: smtp.url });
    const sizing = loadConfig({});
    const taskQueue = uniqueTaskQueue('bench-years');
    const client = new Client({ connection: env.connection, dataConverter: testDataConverter });
    // A coach with an e-mail address: a notification for a coach without one is held and looked at
    // again every 15 minutes of workflow time (activities/delivery.ts), which on a clock that skips
    // 3 years is ~105,000 wake-ups of the delivery workflow (measured: 20 trajectories did not get
    // through 3 years in 10 minutes that way).
    const coach = await createPrismaStores(db).users.createUser({
      name: 'bench coach',
      email: 'coach@bench.example',
      role: 'coach',
    });
    if (!coach) throw new Error('could not create the bench coach');
    const spent = new Map<string, number>();
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: { code: o.workflowCode },
      dataConverter: testDataConverter,
      activities: timed(
        createActivities({
          db,
          config,
          log: o.log,
          delivery: createDeliveryTrigger(client, { pollMs: pollDays * DAY_MS }),
        }),
        spent,
      ),
      // The worker's configured sizing (config WORKER_*), as in production.
      maxCachedWorkflows: sizing.WORKER_MAX_CACHED_WORKFLOWS,
      maxConcurrentWorkflowTaskExecutions: sizing.WORKER_WORKFLOW_TASK_SLOTS,
      maxConcurrentActivityTaskExecutions: sizing.WORKER_ACTIVITY_SLOTS,
      nonStickyToStickyPollRatio: sizing.WORKER_NONSTICKY_POLL_RATIO,
    });
    report.add('years: time-skipping server + worker start', (nowMs() - t0) / 1000, 's');

    const phases: YearsResult['phases'] = [];
    const phase = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
      const wall = nowMs();
      const cpu = process.cpuUsage();
      const serverCpu = serverPid ? cpuSeconds(serverPid) : Number.NaN;
      say(`  years: ${name}`);
      const result = await fn();
      const used = process.cpuUsage(cpu);
      phases.push({
        name,
        wallSeconds: (nowMs() - wall) / 1000,
        benchCpuSeconds: (used.user + used.system) / 1e6,
        serverCpuSeconds: serverPid ? cpuSeconds(serverPid) - serverCpu : Number.NaN,
      });
      return result;
    };

    const result = await worker.runUntil(async () => {
      const start = nowMs();
      const koppelingDate = await today(env);
      const handles = await phase(`${o.people} trajectories started`, async () => {
        const hs: Awaited<ReturnType<typeof startTrajectory>>[] = [];
        await pool(
          Array.from({ length: o.people }, (_, i) => i),
          concurrency,
          async () => {
            hs.push(
              await startTrajectory(env, taskQueue, {
                koppelingDate,
                doelgroep: 'asielstatushouder',
                coachId: coach.id,
                gemeenteCode: 'GM0193',
              }),
            );
          },
        );
        return hs;
      });
      const actionDate = addDays(koppelingDate, 14);
      await phase('2 weeks skipped', () => advanceTo(env, actionDate));
      await phase(`3 coach actions each (${3 * o.people} updates)`, () =>
        pool(handles, concurrency, async (h) => {
          await h.executeUpdate(m.commandUpdates.registerKennisgeving, { args: [{ date: actionDate }] });
          await h.executeUpdate(m.commandUpdates.registerBrpInschrijving, { args: [{ date: actionDate }] });
          await h.executeUpdate(m.commandUpdates.planBredeIntake, {
            args: [{ plannedDate: addDays(actionDate, 14) }],
          });
        }),
      );
      const endDate = addDays(koppelingDate, Math.round(years * 365.25));
      // Progress through the skip: the server's date every 30 s (how far a slow run got).
      const ticker = setInterval(() => {
        void env.currentTimeMs().then(
          (ms) =>
            say(`    server date ${new Date(ms).toISOString().slice(0, 10)}, mails ${smtp.mails.length}`),
          () => undefined,
        );
      }, 30_000);
      await phase(`clock skipped to ${years} years after the koppeling`, () =>
        advanceTo(env, endDate),
      ).finally(() => clearInterval(ticker));
      const wall = (nowMs() - start) / 1000;

      // Workflow tasks and history length of a sample (the full set would cost as much again).
      const sample = handles.filter((_, i) => i % Math.max(1, Math.floor(handles.length / 50)) === 0);
      const events: number[] = [];
      const tasks: number[] = [];
      for (const h of sample) {
        const history = (await h.fetchHistory()).events ?? [];
        events.push(history.length);
        // EventType 7 = WORKFLOW_TASK_COMPLETED.
        tasks.push(history.filter((e) => e.eventType === 7).length);
      }
      return { wall, events, tasks, sample: sample.length };
    });

    const outboxRows = await db.notificationOutbox.count();
    const r: YearsResult = {
      people: o.people,
      years,
      phases,
      activitySeconds: Object.fromEntries([...spent].map(([k, v]) => [k, v / 1000])),
      historyEvents: {
        p50: percentile(result.events, 50),
        max: Math.max(...result.events),
        sample: result.sample,
      },
      workflowTasks: { p50: percentile(result.tasks, 50), max: Math.max(...result.tasks) },
      mailsDelivered: smtp.mails.length,
      outboxRows,
    };
    report.add(
      `years: ${o.people} trajectories through ${years} simulated years, wall`,
      result.wall,
      's',
      'years.wall',
    );
    for (const p of phases) {
      report.add(`years: ${p.name}, wall`, p.wallSeconds, 's');
      report.add(`years: ${p.name}, CPU of the bench process (worker, activities)`, p.benchCpuSeconds, 's');
      report.add(`years: ${p.name}, CPU of test server`, p.serverCpuSeconds, 's');
    }
    for (const [name, s] of Object.entries(r.activitySeconds))
      report.add(`years: time in activity ${name} (summed over calls)`, s, 's');
    report.add(
      `years: history events per trajectory, p50 (sample of ${result.sample})`,
      r.historyEvents.p50,
      'events',
    );
    report.add('years: history events per trajectory, max', r.historyEvents.max, 'events');
    report.add('years: workflow tasks per trajectory, p50', r.workflowTasks.p50, 'tasks');
    report.add('years: outbox rows (notifications queued)', outboxRows, 'rows');
    report.add('years: e-mails delivered to the SMTP server', r.mailsDelivered, 'mails');
    report.note(
      `years: delivery workflow poll ${pollDays} days of workflow time; worker cache ${sizing.WORKER_MAX_CACHED_WORKFLOWS}, ${sizing.WORKER_WORKFLOW_TASK_SLOTS} workflow-task slots`,
    );
    return r;
  } finally {
    await env.teardown();
    await smtp.close();
    await closeDb(db);
  }
}

/** `npx tsx bench/years-bench.ts N [result.json] [delivery poll days]`: only these rows. */
if (require.main === module) {
  runAsScript('years bench', async () => {
    const people = Number(process.argv[2] ?? 100);
    if (!Number.isInteger(people) || people < 1) throw new Error('expected the number of trajectories');
    const out = process.argv[3];
    const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'inburgering-years-'));
    const report = new Report();
    const startedAt = new Date();
    const load = os.loadavg()[0]!;
    report.note(`machine: ${os.cpus().length} cores, 1-min load average ${load.toFixed(2)} at the start`);
    const t0 = nowMs();
    const log = createLogger({ LOG_LEVEL: 'error' }, 'bench');
    installQuietRuntime(log);
    const say = (text: string) =>
      process.stderr.write(`[years ${((nowMs() - t0) / 1000).toFixed(0).padStart(5)}s] ${text}\n`);
    try {
      say('bundling the workflow code');
      const bundle = await bundleWorkflows();
      const result = await runYears(report, {
        people,
        workflowCode: bundle.code,
        workDir,
        log,
        say,
        ...(process.argv[4] ? { deliveryPollDays: Number(process.argv[4]) } : {}),
      });
      report.note(`1-min load average ${os.loadavg()[0]!.toFixed(2)} at the end`);
      process.stdout.write(`${report.toText()}\n`);
      for (const n of report.notes) process.stdout.write(`note: ${n}\n`);
      if (out)
        report.write(path.resolve(out), {
          startedAt: startedAt.toISOString(),
          options: { yearsPeople: people, deliveryPollDays: process.argv[4] ? Number(process.argv[4]) : 30 },
          machine: { cpus: os.cpus().length, node: process.version, loadAverageAtStart: load },
          result,
        });
    } finally {
      fs.rmSync(workDir, { recursive: true, force: true });
    }
  });
}
