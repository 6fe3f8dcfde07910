/**
 * Search attributes on the dev server (the time-skipping server has no visibility to list them): the
 * workflow upserts phase, route, coach, next deadline and overdue flag when they change; a koppeling
 * started as the API starts it carries its first step's attributes, so its first task upserts
 * nothing and records no patch marker.
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
import { temporalTrajectories } from '../../application/temporal';
import { addPeriod, instantAt, localDate, type Koppeling } from '../../domain';
import {
  expectHistoriesReplay,
  type History,
  newInburgeraarId,
  Recorder,
  startWorker,
  stopWorker,
  uniqueTaskQueue,
  updater,
} from './harness';

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

/** The event types of a history (e.g. 'markerRecorded') and the names of its markers. */
function historyOf(history: History): { types: string[]; markers: string[] } {
  const events = history.events ?? [];
  const types = events.map(
    (e) =>
      Object.keys(e)
        .find((k) => k.endsWith('EventAttributes') && (e as Record<string, unknown>)[k])
        ?.replace(/EventAttributes$/, '') ?? 'unknown',
  );
  const markers = events.flatMap((e) =>
    e.markerRecordedEventAttributes ? [e.markerRecordedEventAttributes.markerName ?? ''] : [],
  );
  return { types, markers };
}

/** The history once the first workflow task (with the koppeling's step) is completed. */
async function afterFirstTask(h: {
  fetchHistory(): Promise<History>;
}): Promise<ReturnType<typeof historyOf>> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const seen = historyOf(await h.fetchHistory());
    if (seen.markers.includes('core_local_activity')) return seen;
    if (Date.now() > deadline) throw new Error('no first step within 30 s');
    await new Promise((r) => setTimeout(r, 100));
  }
}

const koppelingFor = (inburgeraarId: string, coachId: string): Koppeling => {
  const today = localDate(Date.now());
  return {
    inburgeraarId,
    koppelingDate: today,
    doelgroep: 'gezinsmigrant',
    coachId,
    kennisgevingDate: today,
    brpInschrijvingDate: today,
  };
};

it('a koppeling started as the API starts it has its attributes from the start: no upsert, no marker in its first task', async () => {
  const taskQueue = uniqueTaskQueue('sa-start');
  const recorder = new Recorder();
  const w = await startWorker(env, taskQueue, recorder);
  try {
    const inburgeraarId = newInburgeraarId();
    const koppeling = koppelingFor(inburgeraarId, 'coach-sa-start');
    await temporalTrajectories(env.client, taskQueue).start(koppeling);
    const workflowId = `inburgering-${inburgeraarId}`;
    const h = env.client.workflow.getHandle(workflowId);
    const first = await afterFirstTask(h);
    expect(first.markers).toEqual(['core_local_activity']); // the step; no patch marker…
    expect(first.types).not.toContain('upsertWorkflowSearchAttributes'); // …and nothing to upsert
    // The whole first task: 6 events (9 with the combined patch marker, 15 before it).
    expect(first.types).toEqual([
      'workflowExecutionStarted',
      'workflowTaskScheduled',
      'workflowTaskStarted',
      'workflowTaskCompleted',
      'markerRecorded',
      'timerStarted',
    ]);
    expect(recorder.steps.filter((st) => st.workflowId === workflowId)).toHaveLength(1);
    const description = await h.describe();
    expect(description.type).toBe('trajectory');
    const sa = description.typedSearchAttributes;
    expect(sa.get(InburgeringFase)).toBe('KOPPELING');
    expect(sa.get(CoachId)).toBe('coach-sa-start');
    expect(sa.get(Achterstallig)).toBe(false);
    expect(sa.get(Leerroute)).toBeUndefined();
    // The PIP term: 10 weeks after kennisgeving/BRP, as in the first test.
    expect(sa.get(VolgendeDeadline)?.toISOString()).toBe(
      instantAt(addPeriod(koppeling.koppelingDate, { weeks: 10 }), 0),
    );

    // A step that changes them still upserts.
    await updater(h as never)(m.commandUpdates.reassignCoach, { coachId: 'coach-sa-start-2' });
    expect((await h.describe()).typedSearchAttributes.get(CoachId)).toBe('coach-sa-start-2');
    const history = await h.fetchHistory();
    expect(historyOf(history).types).toContain('upsertWorkflowSearchAttributes');
    // This history (started as the API starts one, attributes and all) replays, and is kept as the
    // fixture v2t-api-start (RECORD_HISTORIES=1) for replay.test.ts.
    await expectHistoriesReplay([{ workflowId, history, fixture: 'v2t-api-start' }], 1);
  } finally {
    await stopWorker(w);
  }
});

it('a trajectory of the earlier type still records its patch marker and upserts in its first task', async () => {
  const taskQueue = uniqueTaskQueue('sa-old');
  const w = await startWorker(env, taskQueue, new Recorder());
  try {
    const inburgeraarId = newInburgeraarId();
    const workflowId = `inburgering-${inburgeraarId}`;
    const h = await env.client.workflow.start(trajectoryWorkflow, {
      taskQueue,
      workflowId,
      args: [koppelingFor(inburgeraarId, 'coach-sa-old')],
    });
    const first = await afterFirstTask(h);
    expect(first.markers).toEqual(['core_patch', 'core_local_activity']); // `2026-12-current-paths`, the step
    expect(first.types).toContain('upsertWorkflowSearchAttributes');
    expect((await h.describe()).typedSearchAttributes.get(CoachId)).toBe('coach-sa-old');
  } finally {
    await stopWorker(w);
  }
});
