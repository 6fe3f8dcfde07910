/**
 * The law's terms in whole trajectories on the time-skipping server: a missed PIP term, an
 * extension after illness, route switching inside and after 1.5 years, an exemption, a transfer
 * (of an imported caseload), and a person who misses three intake summonses and is fined. Every scenario
 * asserts the local dates on which its notifications went out.
 */
import * as m from '../../workflows/messages';
import {
  advanceTo,
  expectHistoriesReplay,
  expectRefused,
  finalResult,
  scenarioSuite,
  startTrajectory,
  updater,
} from './harness';

const suite = scenarioSuite('terms');

type Handle = Awaited<ReturnType<typeof startTrajectory>>;

/** Keeps the history for the replay at the end; `fixture`: also (re)recorded as a committed fixture. */
async function keepHistory(h: Handle, fixture?: string): Promise<void> {
  suite.histories.push({ workflowId: h.workflowId, history: await h.fetchHistory(), fixture });
}

it('a missed PIP term: reminders to the coach, escalation to the manager the day after', async () => {
  await advanceTo(suite.env, '2040-01-09');
  const h = await startTrajectory(suite.env, suite.taskQueue, {
    koppelingDate: '2040-01-09',
    doelgroep: 'gezinsmigrant',
    coachId: 'coach-a',
  });
  const u = updater(h);
  await advanceTo(suite.env, '2040-01-16');
  await u(m.commandUpdates.registerKennisgeving, { date: '2040-01-16' });
  const s = await u(m.commandUpdates.registerBrpInschrijving, { date: '2040-01-09' });
  expect(s.nextDeadline).toMatchObject({ key: 'PIP_VASTSTELLEN', dueDate: '2040-03-26' }); // 16 Jan + 10 weeks
  await u(m.commandUpdates.planBredeIntake, { plannedDate: '2040-02-01' });
  await advanceTo(suite.env, '2040-02-01');
  await u(m.commandUpdates.completeBredeIntake, {
    date: '2040-02-01',
    lbt: { date: '2040-01-30', adviesRoute: 'B1' },
  });
  await advanceTo(suite.env, '2040-04-01');
  expect(await h.query(m.getSummary)).toMatchObject({ phase: 'PIP', overdue: true });
  expect(suite.recorder.sent(h.workflowId)).toEqual([
    '2040-03-12 REMINDER PIP_VASTSTELLEN',
    '2040-03-23 REMINDER PIP_VASTSTELLEN',
    '2040-03-27 ESCALATION PIP_VASTSTELLEN',
  ]);
  const escalation = suite.recorder.notifications.find(
    (n) => n.workflowId === h.workflowId && n.template === 'ESCALATION',
  )!;
  expect(escalation.recipient).toEqual({ role: 'manager' });
  expect(escalation.at.slice(0, 16)).toBe('2040-03-27T07:00'); // 09:00 CEST
  expect(escalation.key).toBe(`${h.workflowId}:PIP_VASTSTELLEN:ESCALATION:2040-03-27`);
  expect(
    suite.recorder.events.find((e) => e.workflowId === h.workflowId && e.type === 'DEADLINE_STATUS'),
  ).toMatchObject({
    data: { key: 'PIP_VASTSTELLEN', from: 'open', to: 'missed' },
    snapshot: { overdue: true },
  });

  await advanceTo(suite.env, '2040-04-10');
  const late = await u(m.commandUpdates.setPip, {
    decisionDate: '2040-04-10',
    route: 'B1',
    modules: [{ module: 'PVT' }, { module: 'MAP' }],
  });
  expect(late.overdue).toBe(false);
  expect(late.deadlines.find((d) => d.key === 'PIP_VASTSTELLEN')).toMatchObject({
    status: 'missed',
    fulfilledDate: '2040-04-10',
  });
  await u(m.commandUpdates.endTrajectory, { reason: 'VERTROKKEN', date: '2040-04-10' });
  expect(await finalResult(suite.env, h.workflowId)).toMatchObject({
    phase: 'VERTROKKEN',
    endedReason: 'VERTROKKEN',
  });
  await keepHistory(h, 'v2t-missed-pip-term');
});

it('an extension after illness moves the end of the termijn and its reminders', async () => {
  await advanceTo(suite.env, '2045-01-09');
  const h = await startTrajectory(suite.env, suite.taskQueue, {
    koppelingDate: '2045-01-09',
    doelgroep: 'gezinsmigrant',
    coachId: 'coach-b',
    kennisgevingDate: '2045-01-09',
    brpInschrijvingDate: '2045-01-09',
    settings: { voortgangsgesprekIntervalMonths: 12 },
  });
  const u = updater(h);
  await u(m.commandUpdates.planBredeIntake, { plannedDate: '2045-01-16' });
  await advanceTo(suite.env, '2045-01-16');
  await u(m.commandUpdates.completeBredeIntake, {
    date: '2045-01-16',
    lbt: { date: '2045-01-16', adviesRoute: 'B1' },
  });
  const pip = await u(m.commandUpdates.setPip, {
    decisionDate: '2045-01-16',
    route: 'B1',
    modules: [{ module: 'PVT' }, { module: 'MAP' }],
  });
  expect(pip.milestones).toMatchObject({
    termijnStart: '2045-01-17',
    termijnEnd: '2048-01-16',
    routeSwitchUntil: '2046-07-16',
    extensionRequestFrom: '2047-07-17',
  });
  await advanceTo(suite.env, '2046-01-10');
  await u(m.commandUpdates.recordVoortgangsgesprek, { date: '2046-01-10' });
  await advanceTo(suite.env, '2046-06-01');
  await u(m.commandUpdates.pause, { date: '2046-06-01', reason: 'langdurige ziekte' });
  await advanceTo(suite.env, '2046-12-01');
  await u(m.commandUpdates.resume, { date: '2046-12-01' });
  await advanceTo(suite.env, '2047-01-08');
  await u(m.commandUpdates.recordVoortgangsgesprek, { date: '2047-01-08' });
  await advanceTo(suite.env, '2047-07-16');
  const ziekte = {
    ground: 'ZIEKTE',
    period: { unit: 'MONTHS', amount: 6 },
    reason: 'ziekte > 3 maanden',
  } as const;
  await expectRefused(
    u(m.commandUpdates.grantExtension, { ...ziekte, decisionDate: '2047-07-16' }),
    'EXTENSION_TOO_EARLY',
  );
  await advanceTo(suite.env, '2047-07-17');
  const extended = await u(m.commandUpdates.grantExtension, { ...ziekte, decisionDate: '2047-07-17' });
  expect(extended.milestones.termijnEnd).toBe('2048-07-16');
  expect(extended.deadlines.find((d) => d.key === 'INBURGERINGSTERMIJN')).toMatchObject({
    dueDate: '2048-07-16',
    originalDueDate: '2048-01-16',
    status: 'moved',
  });
  await advanceTo(suite.env, '2048-07-20');
  expect(suite.recorder.sent(h.workflowId)).toEqual([
    '2046-01-02 REMINDER VOORTGANGSGESPREK-1',
    // Paused 2046-06-01 .. 2046-12-01: the switch window's reminders (07-02, 07-13) were
    // suppressed; its end notice is sent on resume.
    '2046-12-01 TERM_ENDED ROUTE_SWITCH',
    '2046-12-27 REMINDER VOORTGANGSGESPREK-2',
    '2047-01-07 REMINDER VOORTGANGSGESPREK-2',
    '2047-12-25 REMINDER VOORTGANGSGESPREK-3',
    '2048-01-05 REMINDER VOORTGANGSGESPREK-3',
    '2048-01-09 ESCALATION VOORTGANGSGESPREK-3',
    // Not on 2048-01-02 / 01-13 / 01-17 (the original end): the termijn moved by 6 months.
    '2048-07-02 REMINDER INBURGERINGSTERMIJN',
    '2048-07-13 REMINDER INBURGERINGSTERMIJN',
    '2048-07-17 ESCALATION INBURGERINGSTERMIJN',
  ]);
  await u(m.commandUpdates.endTrajectory, {
    reason: 'OVERIG',
    date: '2048-07-20',
    toelichting: 'DUO: boete en nieuwe termijn',
  });
  expect(await finalResult(suite.env, h.workflowId)).toMatchObject({
    phase: 'BEEINDIGD',
    endedReason: 'OVERIG',
  });
  await keepHistory(h, 'v2t-extension');
});

it('a route switch inside 1.5 years, one refused after, onderwijsroute → B1 still allowed', async () => {
  await advanceTo(suite.env, '2050-01-10');
  const h = await startTrajectory(suite.env, suite.taskQueue, {
    koppelingDate: '2050-01-10',
    doelgroep: 'gezinsmigrant',
    coachId: 'coach-c',
    kennisgevingDate: '2050-01-10',
    brpInschrijvingDate: '2050-01-10',
    settings: { voortgangsgesprekIntervalMonths: 12 },
  });
  const u = updater(h);
  await u(m.commandUpdates.planBredeIntake, { plannedDate: '2050-01-17' });
  await advanceTo(suite.env, '2050-01-17');
  await u(m.commandUpdates.completeBredeIntake, { date: '2050-01-17', lbtNotTakenReason: 'diploma bekend' });
  await u(m.commandUpdates.setPip, {
    decisionDate: '2050-01-17',
    route: 'B1',
    modules: [{ module: 'PVT' }, { module: 'MAP' }],
  });
  await advanceTo(suite.env, '2051-07-15');
  const switched = await u(m.commandUpdates.switchRoute, {
    to: 'ONDERWIJS',
    date: '2051-07-15',
    reason: 'toelating taalschakeltraject',
  });
  expect(switched).toMatchObject({ route: 'ONDERWIJS', milestones: { routeSwitchUntil: '2051-07-17' } });
  await advanceTo(suite.env, '2051-07-18');
  await expectRefused(
    u(m.commandUpdates.switchRoute, { to: 'Z', date: '2051-07-18', reason: 'te zwaar' }),
    'ROUTE_SWITCH_WINDOW_CLOSED',
  );
  const back = await u(m.commandUpdates.switchRoute, { to: 'B1', date: '2051-07-18', reason: 'uitgevallen' });
  expect(back.route).toBe('B1');
  const state = await h.query(m.getState);
  expect(state.routeSwitches.map((s) => `${s.date} ${s.from}→${s.to}`)).toEqual([
    '2051-07-15 B1→ONDERWIJS',
    '2051-07-18 ONDERWIJS→B1',
  ]);
  expect(state.modules.MAP!.inPip).toBe(true);
  expect(suite.recorder.sent(h.workflowId)).toEqual([
    '2051-01-03 REMINDER VOORTGANGSGESPREK-1',
    '2051-01-14 REMINDER VOORTGANGSGESPREK-1',
    '2051-01-18 ESCALATION VOORTGANGSGESPREK-1',
    '2051-07-03 REMINDER ROUTE_SWITCH',
    '2051-07-14 REMINDER ROUTE_SWITCH',
    '2051-07-18 TERM_ENDED ROUTE_SWITCH',
  ]);
  await u(m.commandUpdates.endTrajectory, { reason: 'OVERLEDEN', date: '2051-07-18' });
  expect(await finalResult(suite.env, h.workflowId)).toMatchObject({ phase: 'OVERLEDEN' });
  await keepHistory(h, 'v2t-route-switch');
});

it('an exemption after a first reminder ends the trajectory and drops the open deadlines', async () => {
  await advanceTo(suite.env, '2055-01-11');
  const h = await startTrajectory(suite.env, suite.taskQueue, {
    koppelingDate: '2055-01-11',
    doelgroep: 'gezinsmigrant',
    coachId: 'coach-d',
    kennisgevingDate: '2055-01-11',
    brpInschrijvingDate: '2055-01-11',
  });
  const u = updater(h);
  await u(m.commandUpdates.planBredeIntake, { plannedDate: '2055-01-18' });
  await advanceTo(suite.env, '2055-01-18');
  await u(m.commandUpdates.completeBredeIntake, {
    date: '2055-01-18',
    lbt: { date: '2055-01-18', adviesRoute: 'Z' },
  });
  await u(m.commandUpdates.setPip, {
    decisionDate: '2055-01-18',
    route: 'Z',
    modules: [{ module: 'PVT' }, { module: 'MAP' }],
  });
  // The first gesprek is due 2055-04-18 (PIP + 3 months): its 14-day reminder goes out first.
  await advanceTo(suite.env, '2055-04-08');
  const before = await h.query(m.getSummary);
  expect(before.deadlines.find((d) => d.key === 'VOORTGANGSGESPREK-1')).toMatchObject({
    dueDate: '2055-04-18',
    status: 'open',
  });
  expect(suite.recorder.sent(h.workflowId)).toEqual(['2055-04-04 REMINDER VOORTGANGSGESPREK-1']);
  const ended = await u(m.commandUpdates.grantExemption, {
    ground: 'MEDISCH',
    decisionDate: '2055-04-08',
    reason: 'DUO-besluit medische ontheffing',
  });
  expect(ended).toMatchObject({ phase: 'ONTHEFFING', endedReason: 'ONTHEFFING', endedDate: '2055-04-08' });
  const result = await finalResult(suite.env, h.workflowId);
  expect(Object.fromEntries(result.deadlines.map((d) => [d.key, d.status]))).toEqual({
    PIP_VASTSTELLEN: 'met',
    'VOORTGANGSGESPREK-1': 'dropped',
    ROUTE_SWITCH: 'dropped',
    INBURGERINGSTERMIJN: 'dropped',
  });
  // Past the former dates: the gesprek's 3-day reminder (04-15) and escalation (04-19), the switch
  // window (until 2056-07-18) and the termijn (until 2058-01-18): nothing more goes out.
  await advanceTo(suite.env, '2058-02-01');
  expect(suite.recorder.sent(h.workflowId)).toEqual(['2055-04-04 REMINDER VOORTGANGSGESPREK-1']);
  await keepHistory(h, 'v2t-exemption');
});

it('a transfer to another gemeente of a trajectory imported mid-way (warm transfer)', async () => {
  await advanceTo(suite.env, '2060-01-12');
  const h = await startTrajectory(suite.env, suite.taskQueue, {
    koppelingDate: '2059-01-05',
    doelgroep: 'gezinsmigrant',
    coachId: 'coach-e',
    gemeenteCode: 'GM0193',
    import: {
      phase: 'LEERROUTE',
      kennisgevingDate: '2059-01-05',
      brpInschrijvingDate: '2059-01-05',
      intakeDate: '2059-02-01',
      pipDecisionDate: '2059-03-01',
      route: 'B1',
      modules: [{ module: 'PVT' }, { module: 'MAP' }],
      lessonHours: 240,
      voortgangsgesprekDates: ['2059-09-01'],
    },
  });
  const u = updater(h);
  // The second gesprek was due 2059-12-01: overdue at import, escalated at once (no stale reminders).
  await advanceTo(suite.env, '2060-01-20');
  const moved = await u(m.commandUpdates.transfer, {
    toGemeenteCode: 'GM0363',
    date: '2060-01-20',
    reason: 'verhuisd naar Amsterdam',
  });
  expect(moved).toMatchObject({ phase: 'VERHUISD', endedReason: 'VERHUISD' });
  expect(suite.recorder.sent(h.workflowId)).toEqual([
    '2060-01-12 ESCALATION VOORTGANGSGESPREK-2',
    '2060-01-20 TRANSFER gemeente:GM0363',
  ]);
  const transfer = suite.recorder.notifications.find(
    (n) => n.workflowId === h.workflowId && n.template === 'TRANSFER',
  )!;
  expect(transfer.data).toMatchObject({
    toGemeenteCode: 'GM0363',
    route: 'B1',
    pipDecisionDate: '2059-03-01',
    termijnStart: '2059-03-02',
  });
  expect(await finalResult(suite.env, h.workflowId)).toMatchObject({ phase: 'VERHUISD' });
  await keepHistory(h);
});

it('three missed summonses, two intake fines with their new terms, the intake completed without the person', async () => {
  await advanceTo(suite.env, '2065-01-05');
  const h = await startTrajectory(suite.env, suite.taskQueue, {
    koppelingDate: '2065-01-05',
    doelgroep: 'gezinsmigrant',
    coachId: 'coach-f',
    kennisgevingDate: '2065-01-05',
    brpInschrijvingDate: '2065-01-05',
  });
  const u = updater(h);
  const intakeFine = (decisionDate: string, newTermEnd: string) =>
    u(m.commandUpdates.imposeFine, { ground: 'INTAKE_NIET_VERSCHENEN', decisionDate, newTermEnd });
  await u(m.commandUpdates.planBredeIntake, { plannedDate: '2065-01-19' });
  await advanceTo(suite.env, '2065-01-19');
  await u(m.commandUpdates.recordIntakeNoShow, { date: '2065-01-19', nextPlannedDate: '2065-02-02' });
  await advanceTo(suite.env, '2065-01-20');
  // Wi2021 art. 22: €250 and a new term of at most 2 months.
  await expectRefused(intakeFine('2065-01-20', '2065-03-21'), 'FINE_TERM_TOO_LONG');
  const fined = await intakeFine('2065-01-20', '2065-02-19');
  expect(fined.fines).toMatchObject({ totalEur: 250, items: [{ amountEur: 250, article: 'WI2021_ART_22' }] });
  await advanceTo(suite.env, '2065-02-02');
  await expectRefused(
    u(m.commandUpdates.setPip, {
      decisionDate: '2065-02-02',
      route: 'Z',
      modules: [{ module: 'PVT' }, { module: 'MAP' }],
    }),
    'PIP_REQUIRES_INTAKE',
  );
  await u(m.commandUpdates.recordIntakeNoShow, { date: '2065-02-02', nextPlannedDate: '2065-02-16' });
  await advanceTo(suite.env, '2065-02-16');
  await u(m.commandUpdates.recordIntakeNoShow, { date: '2065-02-16' });
  await expectRefused(
    u(m.commandUpdates.recordIntakeNoShow, { date: '2065-02-16' }),
    'INTAKE_SANCTIONS_EXHAUSTED',
  );
  // A further fine only once the new term passed without taking part.
  await expectRefused(intakeFine('2065-02-16', '2065-03-16'), 'FINE_TERM_RUNNING');
  await advanceTo(suite.env, '2065-02-20');
  const again = await intakeFine('2065-02-20', '2065-03-10');
  expect(again.fines).toMatchObject({ totalEur: 500, maxEur: 2400 });
  await advanceTo(suite.env, '2065-02-23');
  // Wi2021 art. 14 lid 2: after three summonses the college completes the intake without the person.
  await u(m.commandUpdates.completeBredeIntakeWithoutPerson, { date: '2065-02-23' });
  await advanceTo(suite.env, '2065-03-05');
  const pip = await u(m.commandUpdates.setPip, {
    decisionDate: '2065-03-05',
    route: 'Z',
    modules: [{ module: 'PVT' }, { module: 'MAP' }],
  });
  expect(pip.phase).toBe('LEERROUTE');
  expect(
    Object.fromEntries(pip.deadlines.filter((d) => d.key.startsWith('BOETE')).map((d) => [d.key, d.status])),
  ).toEqual({ 'BOETE_TERMIJN-1': 'missed', 'BOETE_TERMIJN-2': 'met' });
  const state = await h.query(m.getState);
  expect(state.pip!.withoutInput).toBe(true);
  expect(state.intake.noShows.map((n) => `${n.date} ${n.summons} ${n.sanction}`)).toEqual([
    '2065-01-19 1 WAARSCHUWING',
    '2065-02-02 2 WAARSCHUWING',
    '2065-02-16 3 GEEN',
  ]);
  expect(suite.recorder.sent(h.workflowId)).toEqual([
    '2065-01-19 INTAKE_WAARSCHUWING coach:coach-f',
    '2065-02-02 INTAKE_WAARSCHUWING coach:coach-f',
    '2065-02-05 REMINDER BOETE_TERMIJN-1',
    '2065-02-16 REMINDER BOETE_TERMIJN-1',
    '2065-02-16 INTAKE_ZONDER_INBURGERAAR coach:coach-f',
    '2065-02-20 ESCALATION BOETE_TERMIJN-1', // the term passed: the manager decides on a further fine
    '2065-03-02 REMINDER PIP_VASTSTELLEN', // due 2065-03-16, set on 2065-03-05
  ]);
  const recorded = suite.recorder.events.filter(
    (e) => e.workflowId === h.workflowId && e.type === 'FINE_RECORDED',
  );
  expect(recorded.map((e) => [e.data.decisionDate, e.data.amountEur, e.data.ground, e.data.source])).toEqual([
    ['2065-01-20', 250, 'INTAKE_NIET_VERSCHENEN', 'Wi2021 art. 22; Besluit inburgering 2021 art. 7.1 lid 1'],
    ['2065-02-20', 250, 'INTAKE_NIET_VERSCHENEN', 'Wi2021 art. 22; Besluit inburgering 2021 art. 7.1 lid 1'],
  ]);
  await u(m.commandUpdates.endTrajectory, { reason: 'VERTROKKEN', date: '2065-03-05' });
  await keepHistory(h);
});

it('the recorded suite.histories replay against the current workflow bundle', async () => {
  await expectHistoriesReplay(suite.histories, 6);
});
