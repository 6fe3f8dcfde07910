/**
 * Years of life: a worker restart in the middle of a trajectory loses nothing, continueAsNew
 * carries the state (forced with a small threshold), and the histories of both replay.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { temporal } from '@temporalio/proto';
import { createTimeSkippingEnv } from '../helpers/temporal';
import type { ActingUser } from '../../domain';
import * as m from '../../workflows/messages';
import {
  advanceTo,
  expectHistoriesReplay,
  expectRefused,
  finalResult,
  type RecordedHistory,
  Recorder,
  startTrajectory,
  startWorker,
  stopWorker,
  uniqueTaskQueue,
  updater,
} from './harness';

let env: TestWorkflowEnvironment;
const histories: RecordedHistory[] = [];

beforeAll(async () => {
  env = await createTimeSkippingEnv();
});
afterAll(async () => {
  await env?.teardown();
}, 30_000);

it('a worker restart in the middle of a trajectory loses nothing', async () => {
  const taskQueue = uniqueTaskQueue('restart');
  const recorder = new Recorder();
  // The first worker keeps no workflow cache (no sticky queue). With a cache, the first task after
  // the stop waits on the dead worker's sticky queue and, on the Java time-skipping server, never
  // falls back to the normal queue in our runs (a real server does after
  // stickyQueueScheduleToStartTimeout); the new worker's rebuild from history is the same either way.
  let w = await startWorker(env, taskQueue, recorder, { maxCachedWorkflows: 0 });
  await advanceTo(env, '2040-01-09');
  const h = await startTrajectory(env, taskQueue, {
    koppelingDate: '2040-01-09',
    doelgroep: 'gezinsmigrant',
    coachId: 'coach-r',
    kennisgevingDate: '2040-01-09',
    brpInschrijvingDate: '2040-01-09',
  });
  const u = updater(h);
  await u(m.commandUpdates.planBredeIntake, { plannedDate: '2040-01-23' });
  await advanceTo(env, '2040-01-23');
  await u(m.commandUpdates.completeBredeIntake, {
    date: '2040-01-23',
    lbt: { date: '2040-01-23', adviesRoute: 'B1' },
  });
  await advanceTo(env, '2040-03-06'); // after the 14-day reminder of the PIP term (due 2040-03-19)
  const before = await h.query(m.getState);

  // Stop the worker while the workflow sits in its timer, and start a fresh one: the new worker
  // has no cache and rebuilds the trajectory from the history alone.
  await stopWorker(w);
  w = await startWorker(env, taskQueue, recorder);
  try {
    expect(await h.query(m.getState)).toEqual(before);
    await advanceTo(env, '2040-03-21'); // the 3-day reminder and the escalation fall in here
    await u(m.commandUpdates.setPip, {
      decisionDate: '2040-03-21',
      route: 'B1',
      modules: [{ module: 'PVT' }, { module: 'MAP' }],
    });
    await u(m.commandUpdates.endTrajectory, { reason: 'VERTROKKEN', date: '2040-03-21' });
    // (the worker must still run: the workflow writes its final event before it completes)
    expect(await finalResult(env, h.workflowId)).toMatchObject({ phase: 'VERTROKKEN' });
  } finally {
    await stopWorker(w);
  }
  expect(recorder.sent(h.workflowId)).toEqual([
    '2040-03-05 REMINDER PIP_VASTSTELLEN',
    '2040-03-16 REMINDER PIP_VASTSTELLEN',
    '2040-03-20 ESCALATION PIP_VASTSTELLEN',
  ]);
  // Every audit event exactly once, in order, across both workers.
  const seqs = recorder.events.filter((e) => e.workflowId === h.workflowId).map((e) => e.eventSeq);
  expect(seqs).toEqual(seqs.map((_, i) => i + 1));
  expect(recorder.eventTypes(h.workflowId).at(-1)).toBe('TRAJECTORY_ENDED');
  histories.push({ workflowId: h.workflowId, history: await h.fetchHistory() });
});

it('continueAsNew carries the state; nothing is sent twice across runs', async () => {
  const taskQueue = uniqueTaskQueue('can');
  const recorder = new Recorder();
  const w = await startWorker(env, taskQueue, recorder);
  try {
    await advanceTo(env, '2045-01-09');
    const h = await startTrajectory(env, taskQueue, {
      koppelingDate: '2045-01-09',
      doelgroep: 'gezinsmigrant',
      coachId: 'coach-n',
      kennisgevingDate: '2045-01-09',
      brpInschrijvingDate: '2045-01-09',
      settings: { continueAsNewAfterEvents: 4, voortgangsgesprekIntervalMonths: 3 },
    });
    const firstRunId = (await h.describe()).runId;
    const u = updater(h);
    await u(m.commandUpdates.planBredeIntake, { plannedDate: '2045-01-16' });
    await advanceTo(env, '2045-01-16');
    await u(m.commandUpdates.completeBredeIntake, {
      date: '2045-01-16',
      lbt: { date: '2045-01-16', adviesRoute: 'Z' },
    });
    await u(m.commandUpdates.setPip, {
      decisionDate: '2045-01-16',
      route: 'Z',
      modules: [{ module: 'PVT' }, { module: 'MAP' }],
    });
    await u(m.commandUpdates.startModule, { module: 'PVT', date: '2045-01-16' });
    await advanceTo(env, '2045-04-20');
    await u(m.commandUpdates.recordVoortgangsgesprek, { date: '2045-04-20' });
    await u(m.commandUpdates.recordProgressHours, { kind: 'LESSEN', hours: 120, periodEnd: '2045-04-20' });
    await advanceTo(env, '2045-07-21');

    const runs = new Set<string>([firstRunId]);
    runs.add((await h.describe()).runId);
    expect(runs.size).toBe(2);
    const state = await h.query(m.getState);
    expect(state).toMatchObject({
      phase: 'LEERROUTE',
      route: 'Z',
      dates: { pipDecision: '2045-01-16', termijnStart: '2045-01-17' },
      hours: { LESSEN: 120, PARTICIPATIE: 0, KNM: 0 },
      voortgangsgesprekken: ['2045-04-20'],
      modules: { PVT: { startDate: '2045-01-16' } },
    });
    expect(recorder.sent(h.workflowId)).toEqual([
      '2045-04-02 REMINDER VOORTGANGSGESPREK-1', // due 2045-04-16
      '2045-04-13 REMINDER VOORTGANGSGESPREK-1',
      '2045-04-17 ESCALATION VOORTGANGSGESPREK-1',
      '2045-07-06 REMINDER VOORTGANGSGESPREK-2', // due 2045-07-20
      '2045-07-17 REMINDER VOORTGANGSGESPREK-2',
      '2045-07-21 ESCALATION VOORTGANGSGESPREK-2',
    ]);
    const keys = recorder.notifications.map((n) => n.key);
    expect(new Set(keys).size).toBe(keys.length);
    const seqs = recorder.events.filter((e) => e.workflowId === h.workflowId).map((e) => e.eventSeq);
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));

    await u(m.commandUpdates.endTrajectory, { reason: 'VERTROKKEN', date: '2045-07-21' });
    expect(await finalResult(env, h.workflowId)).toMatchObject({ phase: 'VERTROKKEN' });
    histories.push({
      workflowId: h.workflowId,
      history: await env.client.workflow.getHandle(h.workflowId, firstRunId).fetchHistory(),
      fixture: 'v2t-continue-as-new-run-1',
    });
    histories.push({
      workflowId: h.workflowId,
      history: await h.fetchHistory(),
      fixture: 'v2t-continue-as-new-run-2',
    });
  } finally {
    await stopWorker(w);
  }
});

it('a step is one recordStep: setPip writes its events and the partner hand-off in a single call', async () => {
  const taskQueue = uniqueTaskQueue('step');
  const recorder = new Recorder();
  const w = await startWorker(env, taskQueue, recorder);
  try {
    await advanceTo(env, '2050-01-10');
    const h = await startTrajectory(env, taskQueue, {
      koppelingDate: '2050-01-10',
      doelgroep: 'gezinsmigrant',
      coachId: 'coach-x',
      kennisgevingDate: '2050-01-10',
      brpInschrijvingDate: '2050-01-10',
    });
    const u = updater(h);
    await u(m.commandUpdates.planBredeIntake, { plannedDate: '2050-01-10' });
    await u(m.commandUpdates.completeBredeIntake, { date: '2050-01-10', lbtNotTakenReason: 'test' });
    const before = recorder.steps.filter((st) => st.workflowId === h.workflowId).length;
    const pip = await u(m.commandUpdates.setPip, {
      decisionDate: '2050-01-10',
      route: 'Z',
      modules: [{ module: 'PVT' }, { module: 'MAP' }],
      taalschoolPartnerId: 'taalschool-offline',
    });
    expect(pip.phase).toBe('LEERROUTE');
    const steps = recorder.steps.filter((st) => st.workflowId === h.workflowId).slice(before);
    // The update waited for exactly one write: its events, the snapshot it answers with, the hand-off.
    expect(steps).toHaveLength(1);
    expect(steps[0]!.events.map((e) => e.type)).toEqual(expect.arrayContaining(['setPip', 'PHASE_CHANGED']));
    expect(steps[0]!.snapshot).toEqual(pip);
    expect(steps[0]!.notifications.map((n) => n.key)).toEqual([
      `${h.workflowId}:PIP_REFERRAL:taalschool-offline:2050-01-10`,
    ]);
    await u(m.commandUpdates.endTrajectory, { reason: 'VERTROKKEN', date: '2050-01-10' });
    expect(await finalResult(env, h.workflowId)).toMatchObject({ phase: 'VERTROKKEN' });
    histories.push({ workflowId: h.workflowId, history: await h.fetchHistory() });
  } finally {
    await stopWorker(w);
  }
});

it("an update checks the acting user on the workflow's own state: another coach is refused and nothing changes", async () => {
  const taskQueue = uniqueTaskQueue('access');
  const recorder = new Recorder();
  const w = await startWorker(env, taskQueue, recorder);
  try {
    await advanceTo(env, '2051-02-03');
    const h = await startTrajectory(env, taskQueue, {
      koppelingDate: '2051-02-03',
      doelgroep: 'gezinsmigrant',
      coachId: 'coach-own',
      kennisgevingDate: '2051-02-03',
      brpInschrijvingDate: '2051-02-03',
    });
    const u = updater(h);
    const plan = { plannedDate: '2051-02-10' };
    const before = await h.query(m.getState);
    for (const user of [
      { userId: 'coach-other', role: 'coach' },
      { userId: 'coach-own', role: 'partner', partnerId: 'taalschool-x' },
      { userId: 'coach-own', role: 'admin' },
      { userId: 'coach-own', role: 7 } as unknown as ActingUser,
    ])
      await expectRefused(u(m.commandUpdates.planBredeIntake, plan, user), 'ACCESS_DENIED');
    // A refused update leaves no trace: same state, nothing written.
    expect(await h.query(m.getState)).toEqual(before);
    expect(recorder.steps.filter((st) => st.workflowId === h.workflowId)).toHaveLength(1); // the koppeling
    // The own coach and a manager may act; after a reassignment the old coach may not.
    expect(
      await u(m.commandUpdates.planBredeIntake, plan, { userId: 'coach-own', role: 'coach' }),
    ).toMatchObject({
      phase: 'BREDE_INTAKE',
    });
    await u(m.commandUpdates.reassignCoach, { coachId: 'coach-new' }, { userId: 'mgr-1', role: 'manager' });
    await expectRefused(
      u(
        m.commandUpdates.planBredeIntake,
        { plannedDate: '2051-02-11' },
        { userId: 'coach-own', role: 'coach' },
      ),
      'ACCESS_DENIED',
    );
    await u(
      m.commandUpdates.planBredeIntake,
      { plannedDate: '2051-02-11' },
      { userId: 'coach-new', role: 'coach' },
    );
    // Ended, so none of its timers is left for the later tests' time skipping.
    await u(m.commandUpdates.endTrajectory, { reason: 'VERTROKKEN', date: '2051-02-03' });
  } finally {
    await stopWorker(w);
  }
});

it('an update that does not move the next wake-up leaves the wake-up timer running', async () => {
  const taskQueue = uniqueTaskQueue('timer');
  const recorder = new Recorder();
  const w = await startWorker(env, taskQueue, recorder);
  try {
    await advanceTo(env, '2052-03-01');
    const h = await startTrajectory(env, taskQueue, {
      koppelingDate: '2052-03-01',
      doelgroep: 'gezinsmigrant',
      coachId: 'coach-t',
      kennisgevingDate: '2052-03-01',
      brpInschrijvingDate: '2052-03-01',
    });
    const u = updater(h);
    for (const plannedDate of ['2052-03-10', '2052-03-11', '2052-03-12', '2052-03-13'])
      await u(m.commandUpdates.planBredeIntake, { plannedDate });
    const types = ((await h.fetchHistory()).events ?? []).map((e) => e.eventType);
    const count = (t: temporal.api.enums.v1.EventType) => types.filter((x) => x === t).length;
    const { EventType } = temporal.api.enums.v1;
    expect(count(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED)).toBe(4);
    // Before the steady timer: a cancelled and a new timer for each of the four updates.
    expect(count(EventType.EVENT_TYPE_TIMER_CANCELED)).toBe(0);
    expect(count(EventType.EVENT_TYPE_TIMER_STARTED)).toBe(1);
    // And the timer still wakes the trajectory: the 14-day reminder of the intake term comes.
    const before = recorder.steps.filter((st) => st.workflowId === h.workflowId).length;
    await advanceTo(env, '2052-04-30');
    expect(recorder.steps.filter((st) => st.workflowId === h.workflowId).length).toBeGreaterThan(before);
    await u(m.commandUpdates.endTrajectory, { reason: 'VERTROKKEN', date: '2052-04-30' });
    histories.push({ workflowId: h.workflowId, history: await h.fetchHistory() });
  } finally {
    await stopWorker(w);
  }
});

it('the recorded histories (incl. both sides of a continueAsNew) replay', async () => {
  await expectHistoriesReplay(histories, 5);
});
