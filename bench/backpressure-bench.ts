/**
 * Backpressure rows: the caseload import of N people through the API (POST /api/inburgeraars,
 * scripts/import with its Retry-After-honouring, self-throttling loop) while 8 coach actions are in
 * flight all the time, on the same worker. Reports the coach actions' p50/p95/p99 before and during
 * the import, the import's rate (answered, and completed by the worker), and the refusals (503 /
 * 429) the import saw and waited out; checks every row was registered exactly once.
 *
 * Two API apps on the bench's worker and database, as two API processes would be: one takes the
 * import, the other the coach actions; both read the same pending count (application/admission.ts).
 * Their per-key and per-address rate limits are raised, so that what throttles the import here is
 * the admission bound and nothing else.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { createApp, stopApp } from '../api/app';
import { createPrismaStores } from '../api/store';
import { createLogger } from '../config/logger';
import { addDays, localDate } from '../domain/dates';
import { importCaseload } from '../scripts/import/caseload-import';
import { apiRegistrar } from '../scripts/import/api-registrar';
import { testBsn } from '../test/api/helpers/harness';
import { koppelMany, planIntakes } from './api-bench';
import type { Report } from './report';
import { call, type Stack } from './stack';
import { latencies, nowMs, percentile, waitUntil } from './stats';

/** Coach actions in flight during the import (the figure). */
const COACHES_IN_FLIGHT = 8;
/** Rows the import keeps in flight at most (it goes down by itself when refused). */
const IMPORT_CONCURRENCY = 8;

async function listen(stack: Stack): Promise<{ url: string; close(): Promise<void> }> {
  const config = { ...stack.config, RATE_LIMIT_PER_KEY: 1_000_000, RATE_LIMIT_PER_ADDRESS: 1_000_000 };
  const app = createApp({
    temporal: stack.client,
    db: stack.db,
    stores: createPrismaStores(stack.db),
    config,
    log: createLogger({ LOG_LEVEL: 'error' }, 'bench-api'),
  });
  const server: Server = app.listen(0, '127.0.0.1');
  // Longer than the client's keep-alive, so the server never closes a socket fetch is reusing.
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve) => server.once('listening', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      await new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
      await stopApp(app);
    },
  };
}

/**
 * `COACHES_IN_FLIGHT` loops, each re-planning the brede intake of its own person (an accepted
 * update every time) until `stop()` says so; answers the latencies.
 */
async function coachLoad(apiUrl: string, key: string, ids: readonly string[], stop: () => boolean) {
  const today = localDate(Date.now());
  const samples: number[] = [];
  let errors = 0;
  await Promise.all(
    ids.map(async (id, lane) => {
      for (let i = 0; !stop(); i++) {
        const r = await call(apiUrl, 'POST', `/api/inburgeraars/${id}/acties/planBredeIntake`, key, {
          plannedDate: addDays(today, 10 + ((i + lane) % 20)),
        }).catch(() => undefined);
        if (r?.status === 200) samples.push(r.ms);
        else errors += 1;
      }
    }),
  );
  return { samples, errors };
}

function caseloadCsv(n: number, coachId: string, ref: string): string {
  const header = 'koppelingRef;bsn;voornaam;achternaam;doelgroep;coachId;koppelingDate;phase';
  const date = addDays(localDate(Date.now()), -20);
  const seed = 5_000_000 + Math.floor(Math.random() * 1_000_000);
  const rows = Array.from(
    { length: n },
    (_, i) =>
      `${ref}-${i};${testBsn(seed + i)};Bench;Import-${i};asielstatushouder;${coachId};${date};KOPPELING`,
  );
  return [header, ...rows].join('\n') + '\n';
}

export async function runBackpressure(
  report: Report,
  stack: Stack,
  people: number,
  say: (text: string) => void = () => undefined,
): Promise<void> {
  const intakeApi = await listen(stack);
  const coachApi = await listen(stack);
  try {
    const coaching = await koppelMany(stack, COACHES_IN_FLIGHT, 4);
    await planIntakes(stack, coaching.ids, 4);

    // Coach actions alone, as the yardstick for the same actions during the import.
    const aloneUntil = nowMs() + 5_000;
    const alone = await coachLoad(
      coachApi.url,
      stack.users.coach.key,
      coaching.ids,
      () => nowMs() > aloneUntil,
    );
    report.add(
      `backpressure: coach action p99, ${COACHES_IN_FLIGHT} in flight, no import`,
      percentile(alone.samples, 99),
      'ms',
    );

    const readModelBefore = await stack.db.trajectoryReadModel.count();
    const ref = `BENCH-IMP-${Date.now()}`;
    say(`import of ${people} through the API with ${COACHES_IN_FLIGHT} coach actions in flight`);
    let importDone = false;
    const start = nowMs();
    const coaches = coachLoad(coachApi.url, stack.users.coach.key, coaching.ids, () => importDone);
    let lastSay = nowMs();
    const imported = await importCaseload(
      {
        db: stack.db,
        temporal: stack.client,
        taskQueue: stack.config.TEMPORAL_TASK_QUEUE,
        config: stack.config,
      },
      caseloadCsv(people, stack.users.coach.id, ref),
      {
        concurrency: IMPORT_CONCURRENCY,
        register: apiRegistrar({ apiUrl: intakeApi.url, apiKey: stack.users.coa.key }),
        onProgress: (done, total) => {
          if (nowMs() - lastSay > 15_000) {
            lastSay = nowMs();
            say(`  import ${done}/${total}`);
          }
        },
      },
    ).finally(() => {
      importDone = true;
    });
    const answeredSeconds = (nowMs() - start) / 1000;
    const during = await coaches;
    const completed = await waitUntil(
      async () => (await stack.db.trajectoryReadModel.count()) >= readModelBefore + people,
      120_000,
    );
    const completedSeconds = (nowMs() - start) / 1000;

    const registered = await stack.db.inburgeraar.count({
      where: { koppelingRef: { startsWith: `${ref}-` } },
    });
    if (imported.imported.length !== people || registered !== people || imported.failed.length > 0)
      report.note(
        `import: ${imported.imported.length} imported, ${registered} registered, ${imported.failed.length} failed of ${people}`,
      );
    if (!completed) report.note('import: the worker had not completed every row 120 s after the last answer');
    if (during.errors > 0) report.note(`coach actions during the import: ${during.errors} not answered 200`);

    const d = latencies(during.samples);
    const label = `backpressure: coach action during an import of ${people}`;
    report.add(`${label}: p50 (${COACHES_IN_FLIGHT} in flight, n=${during.samples.length})`, d.p50, 'ms');
    report.add(`${label}: p95`, d.p95, 'ms');
    report.add(`${label}: p99`, percentile(during.samples, 99), 'ms', 'backpressure.actieP99');
    report.add('backpressure: import rows answered per second', people / answeredSeconds, 'rows/s');
    report.add(
      'backpressure: import rows completed by the worker per second',
      completed ? people / completedSeconds : Number.NaN,
      'rows/s',
    );
    report.add('backpressure: import refusals (503/429) waited out', imported.throttle.refusals, 'count');
    report.add(
      'backpressure: import rows registered exactly once',
      registered === people ? 1 : 0,
      'bool',
      'backpressure.exactlyOnce',
    );
    report.add('backpressure: import fewest rows in flight', imported.throttle.minConcurrency, 'rows');
  } finally {
    await intakeApi.close();
    await coachApi.close();
  }
}
