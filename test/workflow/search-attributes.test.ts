/**
 * Search attributes on the dev server (the time-skipping server cannot register them): the
 * workflow upserts phase, route, coach, next deadline and overdue flag when they change.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createDevServerEnv } from '../helpers/temporal';
import {
  Achterstallig,
  CoachId,
  InburgeringFase,
  Leerroute,
  VolgendeDeadline,
} from '../../workflows/search-attributes';
import * as m from '../../workflows/messages';
import { trajectoryWorkflow } from '../../workflows';
import { addPeriod, instantAt, localDate } from '../../domain';
import { newInburgeraarId, Recorder, startWorker, stopWorker, uniqueTaskQueue, updater } from './harness';

let env: TestWorkflowEnvironment;
beforeAll(async () => {
  env = await createDevServerEnv();
});
afterAll(async () => {
  await env?.teardown();
});

it('upserts phase, route, coach, next deadline and overdue flag', async () => {
  const taskQueue = uniqueTaskQueue('sa');
  const w = await startWorker(env, taskQueue, new Recorder());
  try {
    const today = localDate(Date.now());
    const inburgeraarId = newInburgeraarId();
    const h = await env.client.workflow.start(trajectoryWorkflow, {
      taskQueue,
      workflowId: `inburgering-${inburgeraarId}`,
      args: [
        {
          inburgeraarId,
          koppelingDate: today,
          doelgroep: 'gezinsmigrant',
          coachId: 'coach-sa',
          kennisgevingDate: today,
          brpInschrijvingDate: today,
        },
      ],
    });
    const u = updater(h);
    await u(m.commandUpdates.planBredeIntake, { plannedDate: today });
    await u(m.commandUpdates.completeBredeIntake, { date: today, lbtNotTakenReason: 'test' });
    let sa = (await h.describe()).typedSearchAttributes;
    expect(sa.get(InburgeringFase)).toBe('PIP');
    expect(sa.get(CoachId)).toBe('coach-sa');
    expect(sa.get(Achterstallig)).toBe(false);
    expect(sa.get(Leerroute)).toBeUndefined();
    // The PIP term: 10 weeks after kennisgeving/BRP, as midnight Amsterdam of its date.
    expect(sa.get(VolgendeDeadline)?.toISOString()).toBe(instantAt(addPeriod(today, { weeks: 10 }), 0));

    await u(m.commandUpdates.setPip, {
      decisionDate: today,
      route: 'Z',
      modules: [{ module: 'PVT' }, { module: 'MAP' }],
    });
    await u(m.commandUpdates.reassignCoach, { coachId: 'coach-sa-2' });
    sa = (await h.describe()).typedSearchAttributes;
    expect(sa.get(InburgeringFase)).toBe('LEERROUTE');
    expect(sa.get(Leerroute)).toBe('Z');
    expect(sa.get(CoachId)).toBe('coach-sa-2');
    expect(sa.get(VolgendeDeadline)?.toISOString()).toBe(instantAt(addPeriod(today, { months: 3 }), 0)); // voortgangsgesprek

    await u(m.commandUpdates.endTrajectory, { reason: 'VERTROKKEN', date: today });
    await h.result();
    sa = (await h.describe()).typedSearchAttributes;
    expect(sa.get(InburgeringFase)).toBe('VERTROKKEN');
    expect(sa.get(VolgendeDeadline)).toBeUndefined();
  } finally {
    await stopWorker(w);
  }
});
