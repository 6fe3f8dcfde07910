/**
 * Whole trajectories through the years, one per leerroute, on the time-skipping server: each
 * asserts the exact dates on which notifications went out, and the final state.
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

const suite = scenarioSuite('routes');

describe('leerroutes', () => {
  it('B1-route passed in time', async () => {
    await advanceTo(suite.env, '2040-01-09');
    const h = await startTrajectory(suite.env, suite.taskQueue, {
      koppelingDate: '2040-01-09',
      doelgroep: 'asielstatushouder',
      coachId: 'coach-1',
      gemeenteCode: 'GM0193',
      settings: { voortgangsgesprekIntervalMonths: 6 },
    });
    const u = updater(h);

    await advanceTo(suite.env, '2040-01-23');
    await u(m.commandUpdates.registerKennisgeving, { date: '2040-01-23' });
    await u(m.commandUpdates.registerBrpInschrijving, { date: '2040-01-23' });
    await advanceTo(suite.env, '2040-02-01');
    await u(m.commandUpdates.registerHuisvesting, { date: '2040-02-01' });
    await u(m.commandUpdates.planBredeIntake, { plannedDate: '2040-02-15', lbtPlannedDate: '2040-02-13' });
    await advanceTo(suite.env, '2040-02-15');
    await expectRefused(
      u(m.commandUpdates.setPip, {
        decisionDate: '2040-02-15',
        route: 'B1',
        modules: [{ module: 'PVT' }, { module: 'MAP' }],
      }),
      'PIP_REQUIRES_INTAKE',
    );
    await u(m.commandUpdates.completeBredeIntake, {
      date: '2040-02-15',
      lbt: { date: '2040-02-13', score: 72, adviesRoute: 'B1' },
    });
    await advanceTo(suite.env, '2040-03-01');
    const afterPip = await h.executeUpdate(m.commandUpdates.setPip, {
      args: [
        {
          decisionDate: '2040-03-01',
          route: 'B1',
          modules: [{ module: 'PVT', agreedEndDate: '2040-09-30' }, { module: 'MAP' }, { module: 'KNM' }],
          taalschoolPartnerId: 'taalschool-zwolle',
        },
      ],
    });
    // The update answers after its audit events and hand-off went out (read-your-writes for the API).
    expect(suite.recorder.eventTypes(h.workflowId).slice(-2)).toEqual(['setPip', 'PHASE_CHANGED']);
    expect(suite.recorder.sent(h.workflowId)).toEqual(['2040-03-01 PIP_REFERRAL partner:taalschool-zwolle']);
    expect(afterPip).toMatchObject({
      phase: 'LEERROUTE',
      route: 'B1',
      rulesVersion: 2,
      milestones: {
        pip: '2040-03-01',
        termijnStart: '2040-03-02',
        termijnEnd: '2043-03-01',
        routeSwitchUntil: '2041-09-01',
        // Wi2021 art. 13: from the day of BRP registration.
        maatschappelijkeBegeleidingStart: '2040-01-23',
      },
      // Wi2021 art. 16: the lessons must start within 3 months of the PIP.
      tijdigAanbod: { dueDate: '2040-06-01', status: 'open', extensionGround: false },
    });
    await advanceTo(suite.env, '2040-03-10');
    await u(m.commandUpdates.registerStartLessen, { date: '2040-03-10', partnerId: 'taalschool-zwolle' });
    await u(m.commandUpdates.startModule, {
      module: 'PVT',
      date: '2040-03-10',
      partnerId: 'vluchtelingenwerk',
    });
    await advanceTo(suite.env, '2040-06-01');
    await u(m.commandUpdates.startModule, { module: 'MAP', date: '2040-06-01' });
    await advanceTo(suite.env, '2040-08-30');
    await u(m.commandUpdates.recordVoortgangsgesprek, { date: '2040-08-30' });
    await advanceTo(suite.env, '2040-09-15');
    await u(m.commandUpdates.completeModule, { module: 'PVT', date: '2040-09-15', hours: 12 });
    await advanceTo(suite.env, '2041-01-15');
    await u(m.commandUpdates.completeModule, { module: 'MAP', date: '2041-01-15', hours: 45 });
    await advanceTo(suite.env, '2041-02-20');
    await u(m.commandUpdates.recordVoortgangsgesprek, { date: '2041-02-20' });
    await advanceTo(suite.env, '2041-06-01');
    await h.signal(m.partnerExamResult, {
      component: 'LEZEN',
      attempt: 1,
      date: '2041-06-01',
      passed: false,
      partnerId: 'taalschool-zwolle',
    });
    for (const component of ['LUISTEREN', 'SCHRIJVEN', 'SPREKEN', 'KNM'] as const)
      await u(m.commandUpdates.recordExamResult, { component, attempt: 1, date: '2041-06-01', passed: true });
    await expectRefused(
      u(m.commandUpdates.recordExamResult, {
        component: 'LEZEN',
        attempt: 1,
        date: '2041-06-01',
        passed: true,
      }),
      'EXAM_ATTEMPT_OUT_OF_ORDER',
    );
    expect((await h.query(m.getSummary)).phase).toBe('EXAMENS');
    await advanceTo(suite.env, '2041-08-01');
    const done = await u(m.commandUpdates.recordExamResult, {
      component: 'LEZEN',
      attempt: 2,
      date: '2041-08-01',
      passed: true,
    });
    expect(done).toMatchObject({
      phase: 'AFGEROND',
      endedReason: 'VOLDAAN',
      endedDate: '2041-08-01',
      overdue: false,
    });

    const result = await finalResult(suite.env, h.workflowId);
    expect(result.endedReason).toBe('VOLDAAN');
    const status = Object.fromEntries(result.deadlines.map((d) => [d.key, d.status]));
    expect(status).toEqual({
      HUISVESTING: 'met',
      PIP_VASTSTELLEN: 'met',
      TIJDIG_AANBOD: 'met',
      'MODULE-PVT': 'met',
      'VOORTGANGSGESPREK-1': 'met',
      'VOORTGANGSGESPREK-2': 'met',
      'VOORTGANGSGESPREK-3': 'dropped',
      ROUTE_SWITCH: 'dropped',
      INBURGERINGSTERMIJN: 'met',
    });
    expect(suite.recorder.sent(h.workflowId)).toEqual([
      '2040-03-01 PIP_REFERRAL partner:taalschool-zwolle',
      '2040-08-18 REMINDER VOORTGANGSGESPREK-1',
      '2040-08-29 REMINDER VOORTGANGSGESPREK-1',
      // PVT agreed for 2040-09-30, done 2040-09-15: before its 14-day reminder (2040-09-16).
      '2041-02-14 REMINDER VOORTGANGSGESPREK-2',
      '2041-08-01 AFGEROND coach:coach-1',
    ]);
    const state = await h.query(m.getState);
    expect(state.exams.LEZEN!.map((a) => [a.attempt, a.passed, a.source])).toEqual([
      [1, false, 'partner'],
      [2, true, 'coach'],
    ]);
    expect(suite.recorder.eventTypes(h.workflowId).at(-1)).toBe('TRAJECTORY_ENDED');
    suite.histories.push({
      workflowId: h.workflowId,
      history: await h.fetchHistory(),
      fixture: 'v2t-b1-route',
    });
  });

  it('onderwijsroute: the taalschakeltraject meets the route, without a KNM exam and without MAP', async () => {
    await advanceTo(suite.env, '2045-01-09');
    const h = await startTrajectory(suite.env, suite.taskQueue, {
      koppelingDate: '2045-01-09',
      doelgroep: 'gezinsmigrant',
      coachId: 'coach-2',
      kennisgevingDate: '2045-01-09',
      brpInschrijvingDate: '2045-01-09',
      settings: { voortgangsgesprekIntervalMonths: 12 },
    });
    const u = updater(h);
    await u(m.commandUpdates.planBredeIntake, { plannedDate: '2045-01-20' });
    await advanceTo(suite.env, '2045-01-20');
    await u(m.commandUpdates.completeBredeIntake, {
      date: '2045-01-20',
      lbtNotTakenReason: 'hbo-vooropleiding, onderwijsroute',
    });
    await expectRefused(
      u(m.commandUpdates.setPip, {
        decisionDate: '2045-01-20',
        route: 'ONDERWIJS',
        modules: [{ module: 'PVT' }, { module: 'MAP' }],
      }),
      'MAP_NOT_IN_ROUTE',
    );
    await u(m.commandUpdates.setPip, {
      decisionDate: '2045-01-20',
      route: 'ONDERWIJS',
      modules: [{ module: 'PVT' }, { module: 'KNM' }],
      taalschoolPartnerId: 'hogeschool-windesheim',
    });
    await u(m.commandUpdates.startModule, { module: 'PVT', date: '2045-01-20' });
    await advanceTo(suite.env, '2045-04-01');
    await expectRefused(
      u(m.commandUpdates.completeModule, { module: 'PVT', date: '2045-04-01', hours: 8 }),
      'PVT_MIN_HOURS',
    );
    await u(m.commandUpdates.completeModule, { module: 'PVT', date: '2045-04-01', hours: 12 });
    await advanceTo(suite.env, '2045-12-01');
    await u(m.commandUpdates.recordVoortgangsgesprek, { date: '2045-12-01' });
    // A B1 language exam counts in the onderwijsroute as the other way to meet the plicht (Wi2021 art. 8 lid 4).
    await u(m.commandUpdates.recordExamResult, {
      component: 'LEZEN',
      attempt: 1,
      date: '2045-12-01',
      passed: false,
    });
    await advanceTo(suite.env, '2046-07-10');
    await u(m.commandUpdates.completeLeerroute, {
      date: '2046-07-10',
      note: 'taalschakeltraject afgerond, ingeschreven hbo',
    });
    const result = await finalResult(suite.env, h.workflowId);
    expect(result).toMatchObject({
      phase: 'AFGEROND',
      endedReason: 'VOLDAAN',
      endedDate: '2046-07-10',
      route: 'ONDERWIJS',
    });
    // Met without a KNM exam: only the failed LEZEN attempt is on record.
    const state = await h.query(m.getState);
    expect(Object.keys(state.exams)).toEqual(['LEZEN']);
    expect(suite.recorder.sent(h.workflowId)).toEqual([
      '2045-01-20 PIP_REFERRAL partner:hogeschool-windesheim',
      // The switch window (until 2046-07-20) is still open: 14-day reminder; done before the 3-day one.
      '2046-07-06 REMINDER ROUTE_SWITCH',
      '2046-07-10 AFGEROND coach:coach-2',
    ]);
    suite.histories.push({
      workflowId: h.workflowId,
      history: await h.fetchHistory(),
      fixture: 'v2t-onderwijsroute',
    });
  });

  it('Z-route: 800 course hours, 800 participation hours with MAP and PVT counted, final interview; ontzorgen for 6 months', async () => {
    await advanceTo(suite.env, '2050-01-10');
    const h = await startTrajectory(suite.env, suite.taskQueue, {
      koppelingDate: '2050-01-10',
      doelgroep: 'asielstatushouder',
      coachId: 'coach-3',
      kennisgevingDate: '2050-01-10',
      brpInschrijvingDate: '2050-01-10',
      bijstandStartDate: '2050-01-10',
      verblijfsvergunning: 'ASIEL_BEPAALDE_TIJD',
      settings: { voortgangsgesprekIntervalMonths: 12 },
    });
    const u = updater(h);
    await u(m.commandUpdates.registerHuisvesting, { date: '2050-01-10' });
    await u(m.commandUpdates.planBredeIntake, { plannedDate: '2050-01-24' });
    await advanceTo(suite.env, '2050-01-24');
    await u(m.commandUpdates.completeBredeIntake, {
      date: '2050-01-24',
      lbt: { date: '2050-01-20', score: 18, adviesRoute: 'Z' },
    });
    await u(m.commandUpdates.setPip, {
      decisionDate: '2050-01-24',
      route: 'Z',
      modules: [
        { module: 'PVT' },
        { module: 'MAP' },
        { module: 'ONTZORGEN' },
        { module: 'MAATSCHAPPELIJKE_BEGELEIDING' },
      ],
      taalschoolPartnerId: 'taalschool-z',
    });
    for (const module of ['PVT', 'MAP', 'ONTZORGEN'] as const)
      await u(m.commandUpdates.startModule, { module, date: '2050-01-24' });
    await u(m.commandUpdates.registerStartLessen, { date: '2050-01-24', partnerId: 'taalschool-z' });
    // Partners report hours per quarter: 8 x 100 lesson hours and 8 x 100 participation hours.
    const quarters = [
      '2050-04-30',
      '2050-07-31',
      '2050-10-31',
      '2051-01-31',
      '2051-04-30',
      '2051-07-31',
      '2051-10-31',
      '2052-01-31',
    ];
    for (const [i, periodEnd] of quarters.entries()) {
      await advanceTo(suite.env, periodEnd);
      if (i === 3) await u(m.commandUpdates.recordVoortgangsgesprek, { date: periodEnd });
      await h.signal(m.partnerLessonHours, {
        kind: 'LESSEN',
        hours: 100,
        periodEnd,
        partnerId: 'taalschool-z',
      });
      await h.signal(m.partnerLessonHours, {
        kind: 'PARTICIPATIE',
        hours: 100,
        periodEnd,
        partnerId: 'werkgever-1',
      });
      if (i === 6) {
        await u(m.commandUpdates.completeModule, { module: 'PVT', date: periodEnd, hours: 12 });
        await u(m.commandUpdates.completeModule, { module: 'MAP', date: periodEnd, hours: 40 });
        await expectRefused(
          u(m.commandUpdates.completeLeerroute, { date: periodEnd, finalInterviewWithCollege: true }),
          'Z_ROUTE_HOURS_INSUFFICIENT',
        );
      }
    }
    // A partner fact that the rules refuse is recorded, not applied.
    await h.signal(m.partnerExamResult, { component: 'KNM', attempt: 1, date: '2052-01-31', passed: true });
    const state = await h.query(m.getState);
    expect(state.hours).toEqual({ LESSEN: 800, PARTICIPATIE: 800, KNM: 0 });
    expect(state.exams).toEqual({});
    await advanceTo(suite.env, '2052-02-10');
    await expectRefused(
      u(m.commandUpdates.completeLeerroute, { date: '2052-02-10', note: 'eindgesprek door de taalschool' }),
      'Z_ROUTE_FINAL_INTERVIEW_REQUIRED',
    );
    await u(m.commandUpdates.completeLeerroute, {
      date: '2052-02-10',
      note: 'eindgesprek Z-route',
      finalInterviewWithCollege: true,
    });
    const result = await finalResult(suite.env, h.workflowId);
    expect(result).toMatchObject({ phase: 'AFGEROND', endedReason: 'VOLDAAN', endedDate: '2052-02-10' });
    expect(suite.recorder.eventTypes(h.workflowId)).toContain('PARTNER_FACT_REFUSED');
    expect(suite.recorder.sent(h.workflowId)).toEqual([
      '2050-01-24 PIP_REFERRAL partner:taalschool-z',
      '2050-06-25 REMINDER ONTZORGEN',
      '2050-07-06 REMINDER ONTZORGEN',
      '2050-07-10 TERM_ENDED ONTZORGEN',
      // First gesprek due 2051-01-24 (PIP + 12 months), held late on 2051-01-31: escalated.
      '2051-01-10 REMINDER VOORTGANGSGESPREK-1',
      '2051-01-21 REMINDER VOORTGANGSGESPREK-1',
      '2051-01-25 ESCALATION VOORTGANGSGESPREK-1',
      // Route switch possible until termijn start 2050-01-25 + 1.5 years - 1 day = 2051-07-24.
      '2051-07-10 REMINDER ROUTE_SWITCH',
      '2051-07-21 REMINDER ROUTE_SWITCH',
      '2051-07-25 TERM_ENDED ROUTE_SWITCH',
      // Second gesprek due 2052-01-31, never held before the end.
      '2052-01-17 REMINDER VOORTGANGSGESPREK-2',
      '2052-01-28 REMINDER VOORTGANGSGESPREK-2',
      '2052-02-01 ESCALATION VOORTGANGSGESPREK-2',
      '2052-02-10 AFGEROND coach:coach-3',
    ]);
    suite.histories.push({ workflowId: h.workflowId, history: await h.fetchHistory() });
  });

  it('the recorded suite.histories replay against the current workflow bundle', async () => {
    await expectHistoriesReplay(suite.histories, 3);
  });
});
