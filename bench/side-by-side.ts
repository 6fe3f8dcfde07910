/**
 * Row group 0: the service against the raw Temporal SDK, on the same dev server, in the same run,
 * reported as ratios (the machine is shared and noisy; only a ratio measured side by side means
 * something). Both workers run as processes of their own with the same cache size and slots:
 *
 * - raw: bench/raw-worker.ts running bench/raw-workflows.ts (start → one activity → a long timer),
 *   started with `client.workflow.start`, default data converter;
 * - service: the real worker (`worker/main.ts`, prebuilt bundle via WORKFLOW_BUNDLE_PATH, payload
 *   codec, real activities on the SQLite file) fed by the real API (`api/server.ts` in a process of
 *   its own; POST /api/inburgeraars as the COA), each trajectory "completed" when its read-model
 *   row exists.
 *
 * Per in-flight level (`--side-concurrency`, default 4 and 16): starts accepted per second and
 * completed per second, raw and service, raw first at the first level and service first at the
 * next (so neither always runs on a warmer machine). Then each worker's RSS per cached workflow
 * (VmRSS of the process after a full garbage collection in each of its threads, through
 * memory-probe.ts, after a warm-up and again with every workflow of the rows cached; memory-bench.ts
 * measures it apart, with more workflows and per heap), and what the first workflow task of a workflow costs on the server's clock
 * (WorkflowTaskStarted → WorkflowTaskCompleted in its history, median of a sample).
 */
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';
import type { Logger } from 'pino';
import { workflowIdFor } from '../application/temporal';
import { cpuSeconds } from '../scripts/processes';
import { koppelMany } from './api-bench';
import type { Report } from './report';
import { BENCH_RATE_LIMITS, startStack, type Stack } from './stack';
import { nowMs, percentile, pool, sleep, waitUntil } from './stats';
import { forkServiceWorker, forkTs, probeMemory, stopChild, writeRawBundle } from './worker-processes';

export interface SideBySideOptions {
  temporalAddress: string;
  /** The service's workflow bundle (bundleWorkflows()). */
  serviceBundleCode: string;
  workDir: string;
  log: Logger;
  /** Workflows per row and side. */
  people: number;
  concurrencies: number[];
  /** The same for both workers. */
  sizing: WorkerSizing;
  /** The dev server's process, for the CPU each side costs it (optional). */
  serverPid?: number;
}

/** The worker settings both workers of these rows share (the service's configured defaults). */
export interface WorkerSizing {
  maxCached: number;
  workflowTaskSlots: number;
  activitySlots: number;
  /** WORKER_NONSTICKY_POLL_RATIO: the raw worker polls alike (nonStickyToStickyPollRatio). */
  nonStickyPollRatio: number;
}

/** Milliseconds of the first workflow task of each workflow (server clock), median. */
async function firstWorkflowTaskMs(client: Client, workflowIds: string[]): Promise<number> {
  const ms: number[] = [];
  for (const id of workflowIds) {
    const history = await client.workflow.getHandle(id).fetchHistory();
    const events = history.events ?? [];
    const at = (e: temporal.api.history.v1.IHistoryEvent | undefined) => {
      const t = e?.eventTime;
      return t ? Number(t.seconds ?? 0) * 1000 + (t.nanos ?? 0) / 1e6 : Number.NaN;
    };
    // EventType 6 = WORKFLOW_TASK_STARTED, 7 = WORKFLOW_TASK_COMPLETED.
    const started = events.find((e) => e.eventType === 6);
    const completed = events.find((e) => e.eventType === 7);
    ms.push(at(completed) - at(started));
  }
  return percentile(ms.filter(Number.isFinite), 50);
}

export async function runSideBySide(report: Report, o: SideBySideOptions): Promise<void> {
  const rawBundle = await writeRawBundle(o.workDir);
  const serviceBundle = path.join(o.workDir, 'service-workflow-bundle.js');
  fs.writeFileSync(serviceBundle, o.serviceBundleCode);

  const rawQueue = `raw-${process.pid}`;
  const serviceQueue = `side-${process.pid}`;
  const databaseUrl = `file:${path.join(o.workDir, 'side-by-side.db')}`;
  let stack: Stack | undefined;
  let raw: ChildProcess | undefined;
  let service: ChildProcess | undefined;
  const rawClient = new Client({ connection: await Connection.connect({ address: o.temporalAddress }) });
  try {
    stack = await startStack({
      databaseUrl,
      temporalAddress: o.temporalAddress,
      taskQueue: serviceQueue,
      workflowCode: o.serviceBundleCode,
      log: o.log,
      // Intake admission off (INTAKE_MAX_PENDING=0) in these rows only: they compare what the intake
      // path can carry with the raw SDK's start, which has no admission either. With admission on,
      // acceptance is held to the worker's pace by design (and a refused client waits its
      // Retry-After of 1 s): that policy is measured in the backpressure rows.
      env: { ...BENCH_RATE_LIMITS, INTAKE_MAX_PENDING: '0' },
      inProcessWorker: false,
      // The API in a process of its own, as in production: in this process it shared one thread
      // with the bench's HTTP clients, which the raw side's client does not (a profile of the
      // 16-in-flight row on 6 December: that thread ~90 % busy while accepting).
      apiProcess: true,
    });
    let rawDone = 0;
    raw = forkTs(
      path.join(__dirname, 'raw-worker.ts'),
      {
        TEMPORAL_ADDRESS: o.temporalAddress,
        TASK_QUEUE: rawQueue,
        BUNDLE_PATH: rawBundle,
        MAX_CACHED: String(o.sizing.maxCached),
        WFT_SLOTS: String(o.sizing.workflowTaskSlots),
        ACTIVITY_SLOTS: String(o.sizing.activitySlots),
        NONSTICKY_POLL_RATIO: String(o.sizing.nonStickyPollRatio),
      },
      path.join(o.workDir, 'raw-worker.log'),
    );
    const rawReady = new Promise<void>((resolve, reject) => {
      raw!.on('message', (m: { ready?: boolean; done?: number }) => {
        if (m.ready) resolve();
        if (m.done) rawDone += m.done;
      });
      raw!.once('exit', (code) => reject(new Error(`raw worker exited with ${code}`)));
    });
    const serviceWorker = forkServiceWorker({
      temporalAddress: o.temporalAddress,
      taskQueue: serviceQueue,
      databaseUrl,
      bundlePath: serviceBundle,
      logFile: path.join(o.workDir, 'service-worker.log'),
      logLevel: 'info',
      env: {
        WORKER_MAX_CACHED_WORKFLOWS: String(o.sizing.maxCached),
        WORKER_WORKFLOW_TASK_SLOTS: String(o.sizing.workflowTaskSlots),
        WORKER_ACTIVITY_SLOTS: String(o.sizing.activitySlots),
        WORKER_NONSTICKY_POLL_RATIO: String(o.sizing.nonStickyPollRatio),
      },
    });
    service = serviceWorker.child;
    await rawReady;
    await serviceWorker.ready;

    /** CPU seconds so far: the dev server, each worker, the API and this process (both sides' clients). */
    const cpuNow = (): Record<string, number> => {
      const usage = process.cpuUsage();
      return {
        ...(o.serverPid ? { 'dev server': cpuSeconds(o.serverPid) } : {}),
        'raw worker': cpuSeconds(raw!.pid!),
        'service worker': cpuSeconds(service!.pid!),
        API: cpuSeconds(stack!.apiPid!),
        'bench clients': (usage.user + usage.system) / 1e6,
      };
    };

    let rawStarted = 0;
    const rawIds: string[] = [];
    const startRaw = async (n: number, concurrency: number): Promise<number> => {
      const seqs = Array.from({ length: n }, () => rawStarted++);
      const start = nowMs();
      await pool(seqs, concurrency, async (seq) => {
        const id = `raw-${process.pid}-${seq}`;
        await rawClient.workflow.start('rawTrajectoryWorkflow', {
          taskQueue: rawQueue,
          workflowId: id,
          args: [seq],
        });
        rawIds.push(id);
      });
      return (nowMs() - start) / 1000;
    };
    const serviceRows = async () => stack!.db.trajectoryReadModel.count();
    const serviceIds: string[] = [];

    // Warm-up (JIT, pools, the first contexts): in no row.
    const warm = 20;
    await startRaw(warm, 4);
    serviceIds.push(...(await koppelMany(stack, warm, 4)).ids);
    await waitUntil(async () => rawDone >= warm && (await serviceRows()) >= warm, 120_000);
    await sleep(1000);
    // After a full collection in every thread of each worker (bench/memory-probe.ts).
    const rssMb = async (child: ChildProcess) => (await probeMemory(child)).rssBytes / 1024 / 1024;
    const rssBefore = { raw: await rssMb(raw), service: await rssMb(service) };

    let expected = warm;
    for (const [i, c] of o.concurrencies.entries()) {
      const sides = i % 2 === 0 ? (['raw', 'service'] as const) : (['service', 'raw'] as const);
      const result: Record<string, { accepted: number; completed: number; cpuMs: Record<string, number> }> =
        {};
      for (const side of sides) {
        const cpuBefore = cpuNow();
        const start = nowMs();
        let acceptSeconds: number;
        if (side === 'raw') acceptSeconds = await startRaw(o.people, c);
        else {
          const batch = await koppelMany(stack, o.people, c);
          serviceIds.push(...batch.ids);
          acceptSeconds = batch.seconds;
        }
        const target = expected + o.people;
        // Both sides polled alike, every 100 ms (the service's poll is a count query in this
        // process: polling it every 20 ms cost the service side ~5 ms of CPU per koppeling).
        const done = await waitUntil(
          async () => (side === 'raw' ? rawDone : await serviceRows()) >= target,
          300_000,
          100,
        );
        if (!done) throw new Error(`${side}: not all ${o.people} completed within 5 minutes`);
        const cpuAfter = cpuNow();
        result[side] = {
          accepted: o.people / acceptSeconds,
          completed: o.people / ((nowMs() - start) / 1000),
          cpuMs: Object.fromEntries(
            Object.entries(cpuAfter).map(([k, v]) => [k, ((v - cpuBefore[k]!) * 1000) / o.people]),
          ),
        };
      }
      expected += o.people;
      const r = result.raw!;
      const s = result.service!;
      const label = `side by side, ${o.people} each, ${c} in flight`;
      report.add(`${label}: raw SDK starts accepted`, r.accepted, '/s');
      report.add(`${label}: service koppelingen accepted`, s.accepted, '/s');
      report.add(`${label}: accepted, service/raw`, s.accepted / r.accepted, 'x', 'side.acceptedRatio');
      report.add(`${label}: raw SDK completed`, r.completed, '/s');
      report.add(`${label}: service completed (read model written)`, s.completed, '/s');
      report.add(`${label}: completed, service/raw`, s.completed / r.completed, 'x', 'side.completedRatio');
      // What one workflow costs the machine, per process (CPU ms): a ratio that load hardly moves.
      const total = (c: Record<string, number>) => Object.values(c).reduce((a, b) => a + b, 0);
      report.add(`${label}: raw SDK CPU per workflow, all processes`, total(r.cpuMs), 'ms');
      report.add(`${label}: service CPU per koppeling, all processes`, total(s.cpuMs), 'ms');
      for (const [k, v] of Object.entries(s.cpuMs))
        report.add(`${label}: service CPU per koppeling: ${k} (raw: ${r.cpuMs[k]!.toFixed(1)})`, v, 'ms');
    }

    await sleep(2000);
    const rssAfter = { raw: await rssMb(raw), service: await rssMb(service) };
    const added = o.people * o.concurrencies.length;
    const perWorkflowKb = (side: 'raw' | 'service') => ((rssAfter[side] - rssBefore[side]) * 1024) / added;
    report.add(`memory: raw SDK worker RSS, ${warm} → ${warm + added} cached`, rssAfter.raw, 'MB');
    report.add(`memory: service worker RSS, ${warm} → ${warm + added} cached`, rssAfter.service, 'MB');
    report.add('memory: raw SDK worker RSS per cached workflow', perWorkflowKb('raw'), 'KB');
    report.add(
      'memory: service worker RSS per cached workflow',
      perWorkflowKb('service'),
      'KB',
      'memory.perWorkflowKb',
    );
    report.add(
      'memory: per cached workflow, service/raw',
      perWorkflowKb('service') / perWorkflowKb('raw'),
      'x',
    );

    const sample = (ids: string[]) =>
      ids.filter((_, i) => i % Math.max(1, Math.floor(ids.length / 15)) === 0);
    report.add(
      'first workflow task (server clock, median): raw SDK',
      await firstWorkflowTaskMs(rawClient, sample(rawIds)),
      'ms',
    );
    report.add(
      'first workflow task (server clock, median): service',
      await firstWorkflowTaskMs(stack.client, sample(serviceIds.map(workflowIdFor))),
      'ms',
    );
  } finally {
    if (raw) await stopChild(raw);
    if (service) await stopChild(service);
    await stack?.close();
    await rawClient.connection.close();
  }
}
