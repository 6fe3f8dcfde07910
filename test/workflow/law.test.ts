/**
 * The terms added with rules version 2, in whole trajectories on the time-skipping server: moving in
 * from another gemeente (new PIP 10 weeks after BRP registration, same route, same termijn), the
 * timely course offer (its reminders, escalation, extension ground and report to DUO), gemeente
 * fines up to their maximum, a gap in the obligation that extends the termijn, and a trajectory
 * started under rules version 1 that moves to version 2 at its first new workflow task.
 */
import * as m from '../../workflows/messages';
import { trajectoryWorkflow } from '../../workflows';
import {
  applyValidated,
  commandOf,
  initialStateForRules,
  instantAt,
  tick,
  type Command,
  type Koppeling,
  type TrajectoryState,
} from '../../domain';
import {
  advanceTo,
  expectHistoriesReplay,
  expectRefused,
  finalResult,
  newInburgeraarId,
  scenarioSuite,
  startTrajectory,
  updater,
} from './harness';

const suite = scenarioSuite('law');

type Handle = Awaited<ReturnType<typeof startTrajectory>>;

async function keepHistory(h: Handle, fixture: string): Promise<void> {
  suite.histories.push({ workflowId: h.workflowId, history: await h.fetchHistory(), fixture });
}

const only = (sent: string[], key: string) => sent.filter((line) => line.endsWith(` ${key}`));

it('moving in from another gemeente: same route and termijn, a new PIP due 10 weeks after BRP registration here', async () => {
  await advanceTo(suite.env, '2070-03-02');
  const h = await startTrajectory(suite.env, suite.taskQueue, {
    koppelingDate: '2070-03-02',
    doelgroep: 'asielstatushouder',
    coachId: 'coach-t',
    gemeenteCode: 'GM0193',
    brpInschrijvingDate: '2070-03-02',
    transferIn: { fromGemeenteCode: 'GM0363', pipDecisionDate: '2069-06-17', route: 'Z' },
  });
  const u = updater(h);
  const first = await h.query(m.getSummary);
  expect(first).toMatchObject({
    phase: 'PIP',
    route: 'Z',
    transferIn: { fromGemeenteCode: 'GM0363', firstPipDecisionDate: '2069-06-17' },
    nextDeadline: {
      key: 'PIP_VASTSTELLEN',
      dueDate: '2070-05-11',
      source: 'Wi2021 art. 15 lid 4; Besluit inburgering 2021 art. 5.3 lid 3',
    },
    milestones: {
      termijnStart: '2069-06-18',
      termijnEnd: '2072-06-17',
      maatschappelijkeBegeleidingStart: '2070-03-02',
    },
  });
  await advanceTo(suite.env, '2070-04-28');
  const pipModules = [{ module: 'PVT' as const }, { module: 'MAP' as const }];
  await expectRefused(
    u(m.commandUpdates.setPip, { decisionDate: '2070-04-28', route: 'B1', modules: pipModules }),
    'TRANSFER_ROUTE_FIXED',
  );
  const pip = await u(m.commandUpdates.setPip, {
    decisionDate: '2070-04-28',
    route: 'Z',
    modules: pipModules,
  });
  // Wi2021 art. 11 lid 3: the new PIP does not move the termijn.
  expect(pip.milestones).toMatchObject({
    pip: '2070-04-28',
    termijnStart: '2069-06-18',
    termijnEnd: '2072-06-17',
  });
  expect(pip.deadlines.find((d) => d.key === 'PIP_VASTSTELLEN')).toMatchObject({ status: 'met' });
  expect(pip.tijdigAanbod).toMatchObject({ dueDate: '2070-07-28', status: 'open' });
  await advanceTo(suite.env, '2070-05-04');
  await u(m.commandUpdates.registerStartLessen, { date: '2070-05-04' });
  await u(m.commandUpdates.endTrajectory, { reason: 'VERTROKKEN', date: '2070-05-04' });
  expect(suite.recorder.sent(h.workflowId)).toEqual(['2070-04-27 REMINDER PIP_VASTSTELLEN']); // 14 days before 05-11
  expect(await finalResult(suite.env, h.workflowId)).toMatchObject({ phase: 'VERTROKKEN' });
  await keepHistory(h, 'v2t-transfer-in');
});

it('a course that does not start within 3 months of the PIP: escalated, an extension ground, reported to DUO', async () => {
  await advanceTo(suite.env, '2075-01-07');
  const h = await startTrajectory(suite.env, suite.taskQueue, {
    koppelingDate: '2075-01-07',
    doelgroep: 'asielstatushouder',
    verblijfsvergunning: 'ASIEL_BEPAALDE_TIJD',
    coachId: 'coach-o',
    kennisgevingDate: '2075-01-07',
    brpInschrijvingDate: '2075-01-07',
    settings: { voortgangsgesprekIntervalMonths: 12 },
  });
  const u = updater(h);
  await u(m.commandUpdates.registerHuisvesting, { date: '2075-01-07' });
  await u(m.commandUpdates.planBredeIntake, { plannedDate: '2075-01-14' });
  await advanceTo(suite.env, '2075-01-14');
  await u(m.commandUpdates.completeBredeIntake, {
    date: '2075-01-14',
    lbt: { date: '2075-01-14', adviesRoute: 'B1' },
  });
  const pip = await u(m.commandUpdates.setPip, {
    decisionDate: '2075-01-14',
    route: 'B1',
    modules: [{ module: 'PVT' }, { module: 'MAP' }],
  });
  expect(pip.tijdigAanbod).toMatchObject({
    dueDate: '2075-04-14',
    status: 'open',
    extensionGround: false,
    source: 'Wi2021 art. 16; Besluit inburgering 2021 art. 9.3 lid 2 onder b',
  });
  await advanceTo(suite.env, '2075-04-14');
  await expectRefused(
    u(m.commandUpdates.registerMeldingAanbodDuo, { date: '2075-04-14' }),
    'COURSE_OFFER_NOT_LATE',
  );
  await advanceTo(suite.env, '2075-04-20');
  const late = await h.query(m.getSummary);
  expect(late).toMatchObject({
    overdue: true,
    tijdigAanbod: { status: 'missed', extensionGround: true },
    extensionGrounds: [{ ground: 'GEEN_TIJDIG_AANBOD' }],
  });
  const reported = await u(m.commandUpdates.registerMeldingAanbodDuo, {
    date: '2075-04-20',
    note: 'wachtlijst taalschool',
  });
  expect(reported.tijdigAanbod).toMatchObject({ reportedToDuo: '2075-04-20' });
  await advanceTo(suite.env, '2075-05-04');
  const started = await u(m.commandUpdates.registerStartLessen, {
    date: '2075-05-04',
    partnerId: 'taalschool-1',
  });
  // Started late: no longer overdue, still a ground for an extension without blame.
  expect(started).toMatchObject({
    overdue: false,
    milestones: { lessenStart: '2075-05-04' },
    tijdigAanbod: { status: 'missed', lessenStart: '2075-05-04', extensionGround: true },
  });
  await u(m.commandUpdates.endTrajectory, { reason: 'VERTROKKEN', date: '2075-05-04' });
  expect(suite.recorder.sent(h.workflowId)).toEqual([
    '2075-03-31 REMINDER TIJDIG_AANBOD',
    '2075-04-11 REMINDER TIJDIG_AANBOD',
    '2075-04-15 ESCALATION TIJDIG_AANBOD',
  ]);
  const escalation = suite.recorder.notifications.find(
    (n) => n.workflowId === h.workflowId && n.template === 'ESCALATION',
  )!;
  expect(escalation).toMatchObject({
    recipient: { role: 'manager' },
    data: { source: 'Wi2021 art. 16; Besluit inburgering 2021 art. 9.3 lid 2 onder b' },
  });
  await keepHistory(h, 'v2t-tijdig-aanbod');
});

it('art. 23 fines double within 12 months up to €800, all together at most €2,400 per termijn', async () => {
  await advanceTo(suite.env, '2080-01-08');
  const h = await startTrajectory(suite.env, suite.taskQueue, {
    koppelingDate: '2080-01-08',
    doelgroep: 'gezinsmigrant',
    coachId: 'coach-b',
    kennisgevingDate: '2080-01-08',
    brpInschrijvingDate: '2080-01-08',
    settings: { voortgangsgesprekIntervalMonths: 12 },
  });
  const u = updater(h);
  await u(m.commandUpdates.planBredeIntake, { plannedDate: '2080-01-15' });
  await advanceTo(suite.env, '2080-01-15');
  await u(m.commandUpdates.completeBredeIntake, {
    date: '2080-01-15',
    lbt: { date: '2080-01-15', adviesRoute: 'B1' },
  });
  await u(m.commandUpdates.setPip, {
    decisionDate: '2080-01-15',
    route: 'B1',
    modules: [{ module: 'PVT' }, { module: 'MAP' }],
  });
  const fine = (decisionDate: string) =>
    u(m.commandUpdates.imposeFine, {
      ground: 'PIP_NIET_NAGEKOMEN',
      decisionDate,
      reason: 'MAP-bijeenkomsten gemist',
    });
  const dates = [
    '2080-03-01',
    '2080-05-01',
    '2080-07-01',
    '2080-09-01',
    '2080-11-01',
    '2081-01-04',
    '2081-03-01',
  ];
  let last;
  for (const date of dates) {
    await advanceTo(suite.env, date);
    if (date === '2081-01-04') await u(m.commandUpdates.recordVoortgangsgesprek, { date });
    last = await fine(date);
  }
  expect(last!.fines).toMatchObject({ totalEur: 2400, maxEur: 2400 });
  expect(last!.fines!.items.map((f) => f.amountEur)).toEqual([50, 100, 200, 400, 800, 800, 50]);
  expect(
    last!.fines!.items.every((f) => f.source === 'Wi2021 art. 23; Besluit inburgering 2021 art. 7.1'),
  ).toBe(true);
  await advanceTo(suite.env, '2081-04-01');
  await expectRefused(fine('2081-04-01'), 'FINE_CAP_REACHED');
  await u(m.commandUpdates.endTrajectory, { reason: 'VERTROKKEN', date: '2081-04-01' });
  expect(suite.recorder.sent(h.workflowId)).toEqual(['2081-01-01 REMINDER VOORTGANGSGESPREK-1']);
  await keepHistory(h, 'v2t-fine-cap');
});

it('a gap in the obligation extends the termijn by its length: the reminders move with it', async () => {
  await advanceTo(suite.env, '2085-01-08');
  const h = await startTrajectory(suite.env, suite.taskQueue, {
    koppelingDate: '2085-01-08',
    doelgroep: 'gezinsmigrant',
    coachId: 'coach-g',
    kennisgevingDate: '2085-01-08',
    brpInschrijvingDate: '2085-01-08',
    settings: { voortgangsgesprekIntervalMonths: 12 },
  });
  const u = updater(h);
  await u(m.commandUpdates.planBredeIntake, { plannedDate: '2085-01-15' });
  await advanceTo(suite.env, '2085-01-15');
  await u(m.commandUpdates.completeBredeIntake, { date: '2085-01-15', lbtNotTakenReason: 'diploma bekend' });
  const pip = await u(m.commandUpdates.setPip, {
    decisionDate: '2085-01-15',
    route: 'B1',
    modules: [{ module: 'PVT' }, { module: 'MAP' }],
  });
  expect(pip.milestones).toMatchObject({ termijnEnd: '2088-01-15', extensionRequestFrom: '2087-07-16' });
  await advanceTo(suite.env, '2085-09-02');
  const gap = await u(m.commandUpdates.registerPlichtOnderbreking, {
    from: '2085-06-01',
    to: '2085-09-01',
    reason: 'verblijfsvergunning tijdelijk vervallen',
  });
  // 92 days (Besluit art. 4.2): the termijn and the extension window move.
  expect(gap.milestones).toMatchObject({ termijnEnd: '2088-04-16', extensionRequestFrom: '2087-10-17' });
  expect(gap.deadlines.find((d) => d.key === 'INBURGERINGSTERMIJN')).toMatchObject({
    dueDate: '2088-04-16',
    originalDueDate: '2088-01-15',
    status: 'moved',
    source: 'Wi2021 art. 11',
  });
  await advanceTo(suite.env, '2088-04-18');
  expect(only(suite.recorder.sent(h.workflowId), 'INBURGERINGSTERMIJN')).toEqual([
    // Not on 2088-01-01 / 01-12 / 01-16 (the end without the gap).
    '2088-04-02 REMINDER INBURGERINGSTERMIJN',
    '2088-04-13 REMINDER INBURGERINGSTERMIJN',
    '2088-04-17 ESCALATION INBURGERINGSTERMIJN',
  ]);
  await u(m.commandUpdates.endTrajectory, {
    reason: 'OVERIG',
    date: '2088-04-18',
    toelichting: 'DUO: boete en nieuwe termijn',
  });
  await keepHistory(h, 'v2t-onderbreking');
});

describe('a trajectory computed with rules version 1 moves to version 2 at its first new workflow task', () => {
  /** A state as rules version 1 computed it: the continueAsNew input of a run under the old code. */
  function v1State(koppeling: Koppeling, steps: [date: string, command: Command][]): TrajectoryState {
    let s = initialStateForRules(1, koppeling, instantAt(koppeling.koppelingDate, 12));
    for (const [date, c] of steps)
      s = tick(applyValidated(s, c, instantAt(date, 12)).state, instantAt(date, 12)).state;
    return s;
  }
  async function continueV1(koppeling: Koppeling, state: TrajectoryState): Promise<Handle> {
    return suite.env.client.workflow.start(trajectoryWorkflow, {
      taskQueue: suite.taskQueue,
      workflowId: `inburgering-${koppeling.inburgeraarId}`,
      args: [koppeling, { state }],
    });
  }

  it('an onderwijsroute completed without a KNM exam is voldaan under the checked law', async () => {
    await advanceTo(suite.env, '2090-09-01');
    const koppeling: Koppeling = {
      inburgeraarId: newInburgeraarId(),
      koppelingDate: '2090-01-09',
      doelgroep: 'gezinsmigrant',
      coachId: 'coach-v',
      kennisgevingDate: '2090-01-09',
      brpInschrijvingDate: '2090-01-09',
      settings: { voortgangsgesprekIntervalMonths: 12 },
    };
    const state = v1State(koppeling, [
      ['2090-01-10', commandOf('planBredeIntake', { plannedDate: '2090-01-16' })],
      [
        '2090-01-16',
        commandOf('completeBredeIntake', { date: '2090-01-16', lbtNotTakenReason: 'vwo-diploma' }),
      ],
      [
        '2090-01-20',
        commandOf('setPip', { decisionDate: '2090-01-20', route: 'ONDERWIJS', modules: [{ module: 'PVT' }] }),
      ],
      ['2090-01-21', commandOf('startModule', { module: 'PVT', date: '2090-01-21' })],
      ['2090-03-01', commandOf('completeModule', { module: 'PVT', date: '2090-03-01', hours: 12 })],
      ['2090-08-28', commandOf('completeLeerroute', { date: '2090-08-28' })],
    ]);
    expect([state.rulesVersion, state.phase]).toEqual([undefined, 'LEERROUTE']); // version 1 waits for KNM
    const h = await continueV1(koppeling, state);
    const result = await finalResult(suite.env, h.workflowId);
    expect(result).toMatchObject({
      phase: 'AFGEROND',
      endedReason: 'VOLDAAN',
      endedDate: '2090-08-28',
      rulesVersion: 2,
    });
    const upgraded = suite.recorder.events.find(
      (e) => e.workflowId === h.workflowId && e.type === 'RULES_UPGRADED',
    );
    expect(upgraded).toMatchObject({ data: { from: 1, to: 2 } });
    expect(suite.recorder.sent(h.workflowId)).toEqual(['2090-09-01 AFGEROND coach:coach-v']);
    await keepHistory(h, 'v2t-rules-upgrade-onderwijs');
  });

  it('a missed intake summons no longer fines by itself after the move', async () => {
    await advanceTo(suite.env, '2091-02-05');
    const koppeling: Koppeling = {
      inburgeraarId: newInburgeraarId(),
      koppelingDate: '2091-01-07',
      doelgroep: 'gezinsmigrant',
      coachId: 'coach-w',
      kennisgevingDate: '2091-01-07',
      brpInschrijvingDate: '2091-01-07',
    };
    const state = v1State(koppeling, [
      ['2091-01-08', commandOf('planBredeIntake', { plannedDate: '2091-01-21' })],
      ['2091-01-21', commandOf('recordIntakeNoShow', { date: '2091-01-21', nextPlannedDate: '2091-02-04' })],
    ]);
    const h = await continueV1(koppeling, state);
    const u = updater(h);
    // Under version 1 the second miss was a €250 fine (INTAKE_BOETE to the manager); now a warning.
    await u(m.commandUpdates.recordIntakeNoShow, { date: '2091-02-04', nextPlannedDate: '2091-02-18' });
    const after = await h.query(m.getState);
    expect(after.rulesVersion).toBe(2);
    expect(after.intake.noShows.map((n) => `${n.date} ${n.sanction}`)).toEqual([
      '2091-01-21 WAARSCHUWING',
      '2091-02-04 WAARSCHUWING',
    ]);
    expect(after.fines).toBeUndefined();
    expect(suite.recorder.sent(h.workflowId)).toEqual(['2091-02-05 INTAKE_WAARSCHUWING coach:coach-w']);
    expect(suite.recorder.eventTypes(h.workflowId).slice(0, 1)).toEqual(['RULES_UPGRADED']);
    await u(m.commandUpdates.endTrajectory, { reason: 'VERTROKKEN', date: '2091-02-05' });
    await keepHistory(h, 'v2t-rules-upgrade-intake');
  });
});

it('the recorded suite.histories replay against the current workflow bundle', async () => {
  await expectHistoriesReplay(suite.histories, 6);
});
