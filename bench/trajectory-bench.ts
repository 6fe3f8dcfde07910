/**
 * Row group 6: one whole B1-route trajectory of 3+ years on Temporal's time-skipping test server,
 * with the real workflow bundle and the real activities (audit trail, read model, outbox in the
 * bench's SQLite file). Driven like the scenario tests in test/workflow/ (routes.test.ts "B1-route
 * passed in time", terms.test.ts extension): the same updates and partner signal, with the same
 * helpers (advanceTo, startTrajectory, finalResult), stretched over the full termijn plus an
 * extension so the workflow lives 3.4 years and sleeps through every reminder in between.
 */
import { registerSearchAttributes } from '../scripts/temporal-server';
import fs from 'node:fs';
import path from 'node:path';
import { Worker } from '@temporalio/worker';
import type { Logger } from 'pino';
import { createActivities } from '../activities';
import type { Config } from '../config/config';
import { daysBetween } from '../domain/dates';
import type { Db } from '../prisma/db';
import { ensureTestServer } from '../scripts/temporal-binaries';
import { startTimeSkippingServer, testDataConverter, uniqueTaskQueue } from '../test/helpers/temporal';
import { advanceTo, finalResult, startTrajectory } from '../test/workflow/harness';
import * as m from '../workflows/messages';
import type { Report } from './report';
import { nowMs } from './stats';

export interface TrajectoryDeps {
  db: Db;
  config: Config;
  log: Logger;
  workflowCode: string;
  /** Directory for the Java server's own output (it writes SLF4J notices to stderr). */
  workDir: string;
}

/**
 * The project's test-server launcher, wrapped so the JVM's stderr goes to a log file instead of the
 * table. `exec` keeps it one process, so the SDK's kill at teardown still reaches the JVM.
 */
export function quietTestServer(workDir: string): string {
  const wrapper = path.join(workDir, 'temporal-test-server.sh');
  const logFile = path.join(workDir, 'temporal-test-server.log');
  fs.writeFileSync(wrapper, `#!/bin/sh\nexec '${ensureTestServer()}' "$@" 2>>'${logFile}'\n`, {
    mode: 0o755,
  });
  return wrapper;
}

export async function runTrajectory(report: Report, deps: TrajectoryDeps): Promise<void> {
  const startedEnv = nowMs();
  const env = await startTimeSkippingServer(quietTestServer(deps.workDir));
  // The Java test server fails workflow tasks that upsert unregistered search attributes.
  await registerSearchAttributes(env.connection);
  try {
    const taskQueue = uniqueTaskQueue('bench-trajectory');
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: { code: deps.workflowCode },
      dataConverter: testDataConverter,
      activities: createActivities({ db: deps.db, config: deps.config, log: deps.log }),
    });
    report.add('trajectory: time-skipping server + worker start', (nowMs() - startedEnv) / 1000, 's');
    await worker.runUntil(async () => {
      const start = nowMs();
      const koppelingDate = '2040-01-09';
      await advanceTo(env, koppelingDate);
      const h = await startTrajectory(env, taskQueue, {
        koppelingDate,
        doelgroep: 'asielstatushouder',
        coachId: 'coach-bench',
        gemeenteCode: 'GM0193',
        settings: { voortgangsgesprekIntervalMonths: 6 },
      });
      const at = async (date: string, ...steps: Array<() => Promise<unknown>>) => {
        await advanceTo(env, date);
        for (const step of steps) await step();
      };

      await at(
        '2040-01-23',
        () => h.executeUpdate(m.commandUpdates.registerKennisgeving, { args: [{ date: '2040-01-23' }] }),
        () => h.executeUpdate(m.commandUpdates.registerBrpInschrijving, { args: [{ date: '2040-01-23' }] }),
      );
      await at(
        '2040-02-01',
        () => h.executeUpdate(m.commandUpdates.registerHuisvesting, { args: [{ date: '2040-02-01' }] }),
        () =>
          h.executeUpdate(m.commandUpdates.planBredeIntake, {
            args: [{ plannedDate: '2040-02-15', lbtPlannedDate: '2040-02-13' }],
          }),
      );
      await at('2040-02-15', () =>
        h.executeUpdate(m.commandUpdates.completeBredeIntake, {
          args: [{ date: '2040-02-15', lbt: { date: '2040-02-13', score: 72, adviesRoute: 'B1' } }],
        }),
      );
      await at('2040-03-01', () =>
        h.executeUpdate(m.commandUpdates.setPip, {
          args: [
            {
              decisionDate: '2040-03-01',
              route: 'B1',
              modules: [{ module: 'PVT', agreedEndDate: '2040-09-30' }, { module: 'MAP' }, { module: 'KNM' }],
              taalschoolPartnerId: 'taalschool-zwolle',
            },
          ],
        }),
      );
      await at('2040-03-10', () =>
        h.executeUpdate(m.commandUpdates.startModule, {
          args: [{ module: 'PVT', date: '2040-03-10', partnerId: 'vluchtelingenwerk' }],
        }),
      );
      await at('2040-06-01', () =>
        h.executeUpdate(m.commandUpdates.startModule, { args: [{ module: 'MAP', date: '2040-06-01' }] }),
      );
      await at('2040-08-30', () =>
        h.executeUpdate(m.commandUpdates.recordVoortgangsgesprek, { args: [{ date: '2040-08-30' }] }),
      );
      await at('2040-09-15', () =>
        h.executeUpdate(m.commandUpdates.completeModule, {
          args: [{ module: 'PVT', date: '2040-09-15', hours: 12 }],
        }),
      );
      await at('2041-01-15', () =>
        h.executeUpdate(m.commandUpdates.completeModule, {
          args: [{ module: 'MAP', date: '2041-01-15', hours: 45 }],
        }),
      );
      await at('2041-02-20', () =>
        h.executeUpdate(m.commandUpdates.recordVoortgangsgesprek, { args: [{ date: '2041-02-20' }] }),
      );
      await at('2041-08-15', () =>
        h.executeUpdate(m.commandUpdates.recordVoortgangsgesprek, { args: [{ date: '2041-08-15' }] }),
      );
      await at('2042-02-10', () =>
        h.executeUpdate(m.commandUpdates.recordVoortgangsgesprek, { args: [{ date: '2042-02-10' }] }),
      );
      await at(
        '2042-06-01',
        () =>
          h.signal(m.partnerExamResult, {
            component: 'LEZEN',
            attempt: 1,
            date: '2042-06-01',
            passed: false,
            partnerId: 'taalschool-zwolle',
          }),
        ...(['LUISTEREN', 'SCHRIJVEN', 'SPREKEN', 'KNM'] as const).map(
          (component) => () =>
            h.executeUpdate(m.commandUpdates.recordExamResult, {
              args: [{ component, attempt: 1, date: '2042-06-01', passed: true }],
            }),
        ),
      );
      await at('2042-08-01', () =>
        h.executeUpdate(m.commandUpdates.recordVoortgangsgesprek, { args: [{ date: '2042-08-01' }] }),
      );
      // 6 months before the end of the termijn (2043-03-01; Besluit art. 4.5): DUO extends it by 6 months.
      await at('2042-09-02', () =>
        h.executeUpdate(m.commandUpdates.grantExtension, {
          args: [
            {
              ground: 'ZIEKTE',
              decisionDate: '2042-09-02',
              period: { unit: 'MONTHS', amount: 6 },
              reason: 'ziekte > 3 maanden',
            },
          ],
        }),
      );
      await at('2043-01-20', () =>
        h.executeUpdate(m.commandUpdates.recordVoortgangsgesprek, { args: [{ date: '2043-01-20' }] }),
      );
      const endDate = '2043-06-01';
      const done = await (async () => {
        await advanceTo(env, endDate);
        return h.executeUpdate(m.commandUpdates.recordExamResult, {
          args: [{ component: 'LEZEN', attempt: 2, date: endDate, passed: true }],
        });
      })();
      const result = await finalResult(env, h.workflowId);
      const wall = (nowMs() - start) / 1000;
      if (done.phase !== 'AFGEROND' || result.endedReason !== 'VOLDAAN')
        throw new Error(
          `trajectory did not end VOLDAAN: ${JSON.stringify({ phase: done.phase, result: result.endedReason })}`,
        );
      const years = daysBetween(koppelingDate, endDate) / 365.25;
      const history = await h.fetchHistory();
      report.add(
        `trajectory: B1-route ${years.toFixed(1)} workflow-years, wall`,
        wall,
        's',
        'trajectory.wall',
      );
      report.add('trajectory: history events', history.events?.length ?? Number.NaN, 'events');
      report.note(
        `trajectory: ${h.workflowId} ended ${result.phase}/${result.endedReason} on ${result.endedDate}; termijn end after extension ${result.milestones.termijnEnd}`,
      );
    });
  } finally {
    await env.teardown();
  }
}
