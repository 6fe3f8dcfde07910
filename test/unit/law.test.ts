/**
 * The law per article, table-driven: each describe names the article, each row a case with the
 * outcome the article gives. Also the law table itself (domain/law.ts: versions by date and rules
 * version) and the move of an older trajectory to the current rules version.
 */
import {
  apply,
  applyValidated,
  CURRENT_RULES_VERSION,
  fineAmount,
  inForce,
  initialStateForRules,
  LAW,
  PIP_TERMIJN,
  pipTerm,
  summarize,
  tick,
  upgradeRules,
  validate,
  versionsFor,
  type Command,
  type Koppeling,
  type LawRule,
  type TrajectoryState,
} from '../../domain';
import { b1Pip, b1Trajectory, cmd, koppeling, noon, run, start, toPipPhase, type Step } from './fixtures';

const due = (s: TrajectoryState, key: string) => s.deadlines.find((d) => d.key === key);
const codeOf = (s: TrajectoryState, date: string, c: Command) => validate(s, c, noon(date))?.code ?? null;

/** A trajectory imported with its PIP on `pipDecisionDate` (route B1), for cases from other years. */
function importedB1(pipDecisionDate: string, overrides: Partial<Koppeling> = {}): TrajectoryState {
  return start({
    koppelingDate: '2019-01-07',
    doelgroep: 'gezinsmigrant',
    import: {
      phase: 'LEERROUTE',
      kennisgevingDate: '2019-01-07',
      intakeDate: pipDecisionDate,
      pipDecisionDate,
      route: 'B1',
      modules: [{ module: 'PVT' }, { module: 'MAP' }],
    },
    ...overrides,
  });
}

describe('the law table (domain/law.ts)', () => {
  const rules = Object.values(LAW);

  it.each(rules.map((r) => [r.id, r] as const))(
    '%s: every version names its article, a date and what decides',
    (_id, r) => {
      expect(r.decidedBy).toMatch(/\S/);
      for (const v of r.versions) {
        expect(v.source).toMatch(
          /(Wi2021|Besluit inburgering 2021|Regeling inburgering 2021|Participatiewet) art\. \d/,
        );
        expect(v.source).not.toMatch(/check/i);
        expect(v.validFrom).toMatch(/^20\d\d-\d\d-\d\d$/);
        expect(v.validFrom >= '2022-01-01').toBe(true);
        if (v.retiredIn !== undefined) expect(v.retiredIn).toBeGreaterThan(v.rules);
      }
    },
  );

  it.each(rules.map((r) => [r.id, r] as const))('%s: each rules version has one row per date', (_id, r) => {
    for (let version = 1; version <= CURRENT_RULES_VERSION; version++) {
      const dates = versionsFor(r as LawRule<unknown>, version).map((v) => v.validFrom);
      expect(new Set(dates).size).toBe(dates.length);
    }
  });

  it.each([
    // [date, rules version, anchor, third-party grace]
    ['2022-06-01', 2, 'BRP', undefined],
    ['2022-12-31', 2, 'BRP', undefined],
    ['2023-01-01', 2, 'KENNISGEVING_OF_LATERE_BRP', 2],
    ['2030-01-01', 2, 'KENNISGEVING_OF_LATERE_BRP', 2],
    ['2021-06-01', 2, 'BRP', undefined], // before the Wi2021: its first version
    // Rules version 1 computed the 2023 text for 2022 cases too.
    ['2022-06-01', 1, 'KENNISGEVING_OF_LATERE_BRP', 2],
    ['2023-06-01', 1, 'KENNISGEVING_OF_LATERE_BRP', 2],
  ] as const)('PIP term in force on %s for rules version %d: %s', (date, version, anchor, grace) => {
    const { values } = inForce(PIP_TERMIJN, date, version)!;
    expect([values.anchor, values.thirdPartyGraceWeeks]).toEqual([anchor, grace]);
  });

  it('a rule a rules version does not know is not in force for it', () => {
    expect(inForce(LAW.TIJDIG_AANBOD, '2025-01-01', 1)).toBeUndefined();
    expect(inForce(LAW.TIJDIG_AANBOD, '2025-01-01', 2)).toBeDefined();
  });
});

describe('Besluit inburgering 2021 art. 5.3 (Wi2021 art. 15 lid 5): the PIP term as in force when it starts', () => {
  const S2022 = 'Besluit inburgering 2021 art. 5.3 lid 1, tekst 2022 (Wi2021 art. 15 lid 5)';
  const S2023 = 'Besluit inburgering 2021 art. 5.3 lid 1 en 2 (Wi2021 art. 15 lid 5)';
  it.each([
    // [kennisgeving, BRP, rules version, start, due, source]
    ['2022-05-02', '2022-03-01', 2, '2022-03-01', '2022-05-10', S2022],
    ['2022-05-02', '2022-03-01', 1, '2022-05-02', '2022-07-11', S2023],
    ['2022-12-20', '2022-12-01', 2, '2022-12-01', '2023-02-09', S2022], // started in 2022
    ['2022-12-20', '2023-01-05', 2, '2023-01-05', '2023-03-16', S2023], // starts in 2023
    [undefined, '2022-06-01', 2, '2022-06-01', '2022-08-10', S2022], // 2022: no kennisgeving needed
    [undefined, '2023-03-01', 2, undefined, undefined, undefined], // since 2023: it is
    ['2023-02-01', '2023-01-10', 2, '2023-02-01', '2023-04-12', S2023],
    ['2023-02-01', undefined, 2, undefined, undefined, undefined],
  ] as const)(
    'kennisgeving %s, BRP %s, rules %d → from %s, due %s',
    (k, brp, version, startDate, dueDate, source) => {
      const term = pipTerm({
        rulesVersion: version,
        dates: {
          koppeling: '2022-01-03',
          ...(k ? { kennisgeving: k } : {}),
          ...(brp ? { brpInschrijving: brp } : {}),
        },
      });
      expect(term && { start: term.start, dueDate: term.dueDate, source: term.source }).toEqual(
        startDate ? { start: startDate, dueDate, source } : undefined,
      );
    },
  );

  it.each([
    ['2022-03-01', 'PIP_WAIT_NOT_IN_FORCE'], // 2022: no third-party exception
    ['2023-03-01', null], // since 2023 (lid 2)
  ] as const)('waiting for third-party information in a term from %s → %s', (brp, code) => {
    const s = start({ koppelingDate: brp, kennisgevingDate: brp, brpInschrijvingDate: brp });
    const planned = run(s, [[brp, cmd('planBredeIntake', { plannedDate: brp })]]);
    const waitOn = brp.replace('-01', '-15');
    expect(
      codeOf(planned, waitOn, cmd('registerWachtenOpDerden', { date: waitOn, reason: 'advies GGD' })),
    ).toBe(code);
  });
});

describe('Wi2021 art. 15 lid 4, Besluit art. 5.3 lid 3: moving in from another gemeente', () => {
  const moved = () =>
    start({
      koppelingDate: '2026-03-02',
      brpInschrijvingDate: '2026-03-02',
      transferIn: { fromGemeenteCode: 'GM0363', pipDecisionDate: '2025-06-16', route: 'Z' },
    });

  it('keeps the leerroute and the termijn of the first PIP; the new PIP is due 10 weeks after BRP here', () => {
    const s = moved();
    expect(s).toMatchObject({ phase: 'PIP', route: 'Z', dates: { termijnStart: '2025-06-17' } });
    expect(due(s, 'PIP_VASTSTELLEN')).toMatchObject({
      dueDate: '2026-05-11',
      source: 'Wi2021 art. 15 lid 4; Besluit inburgering 2021 art. 5.3 lid 3',
    });
    expect(due(s, 'INBURGERINGSTERMIJN')).toMatchObject({ dueDate: '2028-06-16', source: 'Wi2021 art. 11' });
    expect(due(s, 'HUISVESTING')).toBeUndefined();
    expect(summarize(s)).toMatchObject({
      route: 'Z',
      transferIn: { fromGemeenteCode: 'GM0363', firstPipDecisionDate: '2025-06-16' },
    });
  });

  it.each([
    ['B1', 'TRANSFER_ROUTE_FIXED'],
    ['Z', null],
  ] as const)(
    'a new PIP with route %s → %s; it does not move the termijn (Wi2021 art. 11 lid 3)',
    (route, code) => {
      const pip = cmd('setPip', {
        decisionDate: '2026-04-20',
        route,
        modules: [{ module: 'PVT' }, { module: 'MAP' }],
      });
      expect(codeOf(moved(), '2026-04-20', pip)).toBe(code);
      if (code) return;
      const s = apply(moved(), pip, noon('2026-04-20')).state;
      expect(s.dates).toMatchObject({ pipDecision: '2026-04-20', termijnStart: '2025-06-17' });
      expect(due(s, 'PIP_VASTSTELLEN')).toMatchObject({ status: 'met' });
      expect(due(s, 'INBURGERINGSTERMIJN')!.dueDate).toBe('2028-06-16');
    },
  );
});

describe('Besluit inburgering 2021 art. 5.4 (Wi2021 art. 17 lid 2): switching route', () => {
  const switchTo = (
    to: 'B1' | 'Z' | 'ONDERWIJS',
    date: string,
    exceptionGround?: 'NIET_VRIJSTELLENDE_OPLEIDING_BEEINDIGD',
  ) => cmd('switchRoute', { to, date, reason: 'x', ...(exceptionGround ? { exceptionGround } : {}) });
  const onderwijs = () =>
    run(start(), [
      ...toPipPhase,
      [
        '2025-03-31',
        cmd('setPip', { decisionDate: '2025-03-31', route: 'ONDERWIJS', modules: [{ module: 'PVT' }] }),
      ],
    ]);
  it.each([
    ['within 1.5 years', b1Trajectory, switchTo('Z', '2026-09-30'), null],
    ['after 1.5 years', b1Trajectory, switchTo('Z', '2026-10-01'), 'ROUTE_SWITCH_WINDOW_CLOSED'],
    ['onderwijsroute → B1 at any time', onderwijs, switchTo('B1', '2027-10-01'), null],
    [
      'onderwijsroute → Z after 1.5 years',
      onderwijs,
      switchTo('Z', '2027-10-01'),
      'ROUTE_SWITCH_WINDOW_CLOSED',
    ],
    [
      'after a niet-vrijstellende opleiding ended (since 2023)',
      b1Trajectory,
      switchTo('Z', '2026-10-01', 'NIET_VRIJSTELLENDE_OPLEIDING_BEEINDIGD'),
      null,
    ],
    [
      'that exception in 2022 (a termijn from before the Wi2021, imported)',
      () => importedB1('2020-11-02'),
      switchTo('Z', '2022-09-01', 'NIET_VRIJSTELLENDE_OPLEIDING_BEEINDIGD'),
      'ROUTE_SWITCH_EXCEPTION_NOT_IN_FORCE',
    ],
  ] as const)('%s → %s', (_name, build, c, code) => {
    expect(codeOf(build(), (c.input as { date: string }).date, c)).toBe(code);
  });
});

describe('Wi2021 art. 17 lid 3, Besluit art. 5.5: afschalen to A2', () => {
  const withHours = (lessen: number, knm = 0): TrajectoryState =>
    run(b1Trajectory(), [
      ['2026-03-01', cmd('recordProgressHours', { kind: 'LESSEN', hours: lessen, periodEnd: '2026-03-01' })],
      ...(knm
        ? ([
            ['2026-03-01', cmd('recordProgressHours', { kind: 'KNM', hours: knm, periodEnd: '2026-03-01' })],
          ] as Step[])
        : []),
    ]);
  const down = (date: string, skills?: ('LEZEN' | 'LUISTEREN' | 'SCHRIJVEN' | 'SPREKEN')[]) =>
    cmd('downgradeRoute', {
      date,
      effortDemonstrated: true,
      reason: 'inzet aangetoond',
      ...(skills ? { skills } : {}),
    });

  it.each([
    ['600 NT2 hours, no exam attempted', () => withHours(600), down('2026-03-02'), null],
    ['599 NT2 hours', () => withHours(599), down('2026-03-02'), 'DOWNGRADE_REQUIRES_600_HOURS'],
    ['KNM hours do not count', () => withHours(500, 200), down('2026-03-02'), 'DOWNGRADE_REQUIRES_600_HOURS'],
    ['no time limit: in the last month of the termijn', () => withHours(600), down('2028-03-15'), null],
    [
      'a skill already passed',
      () =>
        run(withHours(600), [
          [
            '2026-03-01',
            cmd('recordExamResult', { component: 'LEZEN', attempt: 1, date: '2026-03-01', passed: true }),
          ],
        ]),
      down('2026-03-02', ['LEZEN']),
      'EXAM_ALREADY_PASSED',
    ],
  ] as const)('%s → %s', (_name, build, c, code) => {
    expect(codeOf(build(), (c.input as { date: string }).date, c)).toBe(code);
  });

  it('for some skills: those exams are at A2, the others stay B1; the PIP is adjusted', () => {
    const s = run(withHours(620), [
      ['2026-03-02', down('2026-03-02', ['SPREKEN', 'SCHRIJVEN'])],
      [
        '2026-04-01',
        cmd('recordExamResult', { component: 'SPREKEN', attempt: 1, date: '2026-04-01', passed: true }),
      ],
      [
        '2026-04-01',
        cmd('recordExamResult', { component: 'LEZEN', attempt: 1, date: '2026-04-01', passed: true }),
      ],
    ]);
    expect(s.taalniveau).toBe('B1');
    expect(s.downgradedSkills).toEqual(['SCHRIJVEN', 'SPREKEN']);
    expect([s.exams.SPREKEN![0]!.level, s.exams.LEZEN![0]!.level]).toEqual(['A2', 'B1']);
    expect(s.pip!.revisions.at(-1)!.reason).toMatch(/^afschalen naar A2 \(SPREKEN, SCHRIJVEN\)/);
    expect(summarize(s).downgradedSkills).toEqual(['SCHRIJVEN', 'SPREKEN']);
    const rest = run(s, [['2026-05-01', down('2026-05-01', ['LUISTEREN'])]]);
    expect(rest.taalniveau).toBe('B1'); // LEZEN was passed at B1
    expect(codeOf(rest, '2026-05-02', down('2026-05-02', ['SPREKEN']))).toBe('ALREADY_DOWNGRADED');
  });
});

describe('Wi2021 art. 6 lid 1 and art. 8: the onderwijsroute is met by the taalschakeltraject', () => {
  const onderwijsFor = (version: number) => {
    const s = initialStateForRules(version, koppeling({ doelgroep: 'gezinsmigrant' }), noon('2025-01-06'));
    return run(s, [
      ...toPipPhase,
      [
        '2025-03-31',
        cmd('setPip', { decisionDate: '2025-03-31', route: 'ONDERWIJS', modules: [{ module: 'PVT' }] }),
      ],
      ['2025-04-01', cmd('startModule', { module: 'PVT', date: '2025-04-01' })],
      ['2025-06-01', cmd('completeModule', { module: 'PVT', date: '2025-06-01', hours: 12 })],
    ]);
  };
  const complete: Step = ['2026-06-01', cmd('completeLeerroute', { date: '2026-06-01' })];

  it('without a KNM exam and without MAP (art. 8 lid 3)', () => {
    expect(run(onderwijsFor(2), [complete]).ended).toEqual({ reason: 'VOLDAAN', date: '2026-06-01' });
  });

  it('when it fails, the B1 exams plus KNM still meet the plicht (art. 8 lid 4)', () => {
    const exams: Step[] = (['LEZEN', 'LUISTEREN', 'SCHRIJVEN', 'SPREKEN', 'KNM'] as const).map(
      (component, i) => [
        `2026-0${i + 1}-10`,
        cmd('recordExamResult', { component, attempt: 1, date: `2026-0${i + 1}-10`, passed: true }),
      ],
    );
    const s = run(onderwijsFor(2), exams);
    expect(s.ended).toEqual({ reason: 'VOLDAAN', date: '2026-05-10' });
    expect(s.dates.leerrouteCompleted).toBeUndefined();
  });

  it('rules version 1 asked a KNM exam as well (kept so running trajectories replay)', () => {
    const old = run(onderwijsFor(1), [complete]);
    expect(old.ended).toBeUndefined();
    // As a replaying workflow applies it (the rules were checked when it ran): no upgrade here.
    const knm = cmd('recordExamResult', { component: 'KNM', attempt: 1, date: '2026-06-10', passed: true });
    expect(applyValidated(old, knm, noon('2026-06-10')).state.ended).toEqual({
      reason: 'VOLDAAN',
      date: '2026-06-10',
    });
    // Checked now, the trajectory is judged by the current rules: its plicht is already met.
    expect(codeOf(old, '2026-06-10', knm)).toBe('TRAJECTORY_ENDED');
  });
});

describe('Wi2021 art. 9, Besluit art. 3.14: the Z-route', () => {
  const zFor = (
    doelgroep: 'asielstatushouder' | 'gezinsmigrant',
    h: { lessen: number; knm: number; part: number },
  ) =>
    run(start({ doelgroep }), [
      ...toPipPhase,
      [
        '2025-03-31',
        cmd('setPip', {
          decisionDate: '2025-03-31',
          route: 'Z',
          modules: [{ module: 'PVT' }, { module: 'MAP' }],
        }),
      ],
      ['2025-04-01', cmd('startModule', { module: 'PVT', date: '2025-04-01' })],
      ['2025-04-01', cmd('startModule', { module: 'MAP', date: '2025-04-01' })],
      ['2025-06-01', cmd('completeModule', { module: 'PVT', date: '2025-06-01', hours: 12 })],
      ['2025-12-01', cmd('completeModule', { module: 'MAP', date: '2025-12-01', hours: 40 })],
      [
        '2026-06-01',
        cmd('recordProgressHours', { kind: 'LESSEN', hours: h.lessen, periodEnd: '2026-06-01' }),
      ],
      ['2026-06-01', cmd('recordProgressHours', { kind: 'KNM', hours: h.knm, periodEnd: '2026-06-01' })],
      [
        '2026-06-01',
        cmd('recordProgressHours', { kind: 'PARTICIPATIE', hours: h.part, periodEnd: '2026-06-01' }),
      ],
    ]);
  const finish = (finalInterviewWithCollege = true) =>
    cmd('completeLeerroute', {
      date: '2026-07-01',
      ...(finalInterviewWithCollege ? { finalInterviewWithCollege } : {}),
    });

  it.each([
    // NT2 and KNM hours together; MAP (40) and PVT (12) hours count to the 800 participation hours.
    ['asielstatushouder', { lessen: 700, knm: 100, part: 748 }, true, null],
    ['asielstatushouder', { lessen: 700, knm: 99, part: 748 }, true, 'Z_ROUTE_HOURS_INSUFFICIENT'],
    ['asielstatushouder', { lessen: 800, knm: 0, part: 747 }, true, 'Z_ROUTE_HOURS_INSUFFICIENT'],
    ['gezinsmigrant', { lessen: 800, knm: 0, part: 0.5 }, true, null], // no participation hours asked
    ['asielstatushouder', { lessen: 800, knm: 0, part: 800 }, false, 'Z_ROUTE_FINAL_INTERVIEW_REQUIRED'],
  ] as const)('%s with %j, final interview with the college %s → %s', (doelgroep, hours, interview, code) => {
    const s = zFor(doelgroep, hours);
    expect(codeOf(s, '2026-07-01', finish(interview))).toBe(code);
    if (!code) expect(apply(s, finish(interview), noon('2026-07-01')).state.ended?.reason).toBe('VOLDAAN');
  });
});

describe('Besluit art. 3.1 and 3.2: PVT at least 12 hours, MAP at least 40', () => {
  const started = (module: 'PVT' | 'MAP') =>
    run(b1Trajectory(), [['2025-04-10', cmd('startModule', { module, date: '2025-04-10' })]]);
  it.each([
    ['PVT', undefined, 'PVT_MIN_HOURS'],
    ['PVT', 11.5, 'PVT_MIN_HOURS'],
    ['PVT', 12, null],
    ['MAP', 39, 'MAP_MIN_HOURS'],
    ['MAP', 40, null],
  ] as const)('%s with %s hours → %s', (module, hours, code) => {
    const c = cmd('completeModule', {
      module,
      date: '2025-09-01',
      ...(hours !== undefined ? { hours } : {}),
    });
    expect(codeOf(started(module), '2025-09-01', c)).toBe(code);
  });
});

describe('Participatiewet art. 56a: ontzorgen only with a verblijfsvergunning asiel voor bepaalde tijd', () => {
  const pipWithOntzorgen = cmd('setPip', {
    decisionDate: '2025-03-31',
    route: 'Z',
    modules: [{ module: 'PVT' }, { module: 'MAP' }, { module: 'ONTZORGEN' }],
  });
  it.each([
    [{ bijstandStartDate: '2025-02-01' }, null],
    [{ bijstandStartDate: '2025-02-01', verblijfsvergunning: 'ASIEL_BEPAALDE_TIJD' as const }, null],
    [
      { bijstandStartDate: '2025-02-01', verblijfsvergunning: 'REGULIER' as const },
      'ONTZORGEN_ONLY_ASIEL_PERMIT',
    ],
    [{ bijstandStartDate: '2025-02-01', doelgroep: 'gezinsmigrant' as const }, 'ONTZORGEN_ONLY_ASIEL_PERMIT'],
    [{}, 'ONTZORGEN_REQUIRES_BIJSTAND'],
  ])('koppeling %j → %s', (overrides, code) => {
    expect(codeOf(run(start(overrides), toPipPhase), '2025-03-31', pipWithOntzorgen)).toBe(code);
  });
});

describe('Wi2021 art. 12, Besluit art. 4.3-4.5: extension of the termijn', () => {
  const ext = (
    ground: Parameters<typeof cmd<'grantExtension'>>[1]['ground'],
    unit: 'WEEKS' | 'MONTHS',
    amount: number,
    decisionDate: string,
    extra: { requestDate?: string; allLessonsFollowed?: true } = {},
  ) => cmd('grantExtension', { ground, period: { unit, amount }, decisionDate, ...extra });

  it.each([
    // termijn of b1Trajectory: 2025-04-01 .. 2028-03-31; a request from 2027-10-01
    ['illness 3 months', ext('ZIEKTE', 'MONTHS', 3, '2027-10-01'), null],
    [
      'illness 12 weeks (less than 3 months)',
      ext('ZIEKTE', 'WEEKS', 12, '2027-10-01'),
      'EXTENSION_PERIOD_TOO_SHORT',
    ],
    [
      'special circumstances 2 months',
      ext('BIJZONDERE_OMSTANDIGHEDEN', 'MONTHS', 2, '2027-10-01'),
      'EXTENSION_PERIOD_TOO_SHORT',
    ],
    ['birth 16 weeks', ext('ZWANGERSCHAP_BEVALLING', 'WEEKS', 16, '2027-10-01'), null],
    ['birth 4 months', ext('ZWANGERSCHAP_BEVALLING', 'MONTHS', 4, '2027-10-01'), 'EXTENSION_PERIOD_INVALID'],
    ['decided the day before the window', ext('ZIEKTE', 'MONTHS', 3, '2027-09-30'), 'EXTENSION_TOO_EARLY'],
    [
      'requested before the window, decided in it',
      ext('ZIEKTE', 'MONTHS', 3, '2027-11-15', { requestDate: '2027-09-20' }),
      'EXTENSION_TOO_EARLY',
    ],
    [
      'requested in the window, decided 8 weeks later',
      ext('ZIEKTE', 'MONTHS', 3, '2027-11-26', { requestDate: '2027-10-01' }),
      null,
    ],
    [
      'niet-vrijstellende opleiding (since 2023)',
      ext('NIET_ONTHEFFENDE_OPLEIDING', 'MONTHS', 10, '2027-10-01'),
      null,
    ],
  ] as const)('%s → %s', (_name, c, code) => {
    expect(codeOf(b1Trajectory(), (c.input as { decisionDate: string }).decisionDate, c)).toBe(code);
  });

  it('a niet-vrijstellende opleiding was no ground before 1 January 2023', () => {
    const old = importedB1('2019-06-03'); // termijn until 2022-06-03: request from 2021-12-04
    expect(codeOf(old, '2022-03-01', ext('NIET_ONTHEFFENDE_OPLEIDING', 'MONTHS', 6, '2022-03-01'))).toBe(
      'EXTENSION_GROUND_NOT_IN_FORCE',
    );
    expect(codeOf(old, '2023-01-10', ext('NIET_ONTHEFFENDE_OPLEIDING', 'MONTHS', 6, '2023-01-10'))).toBe(
      null,
    );
  });

  it('the window moves with the current termijn: after an extension it opens 6 months before the new end', () => {
    const once = run(b1Trajectory(), [['2027-10-01', ext('ZIEKTE', 'MONTHS', 12, '2027-10-01')]]);
    expect(due(once, 'INBURGERINGSTERMIJN')!.dueDate).toBe('2029-03-31');
    expect(codeOf(once, '2028-09-30', ext('ZIEKTE', 'MONTHS', 3, '2028-09-30'))).toBe('EXTENSION_TOO_EARLY');
    expect(codeOf(once, '2028-10-01', ext('ZIEKTE', 'MONTHS', 3, '2028-10-01'))).toBe(null);
  });

  describe('aanzienlijke inspanningen: a fixed 6 months, with conditions', () => {
    const effort = (
      doelgroep: 'asielstatushouder' | 'gezinsmigrant',
      passed: number,
      lessonHours: number,
    ) => {
      const exams: Step[] = (['LEZEN', 'LUISTEREN', 'SCHRIJVEN', 'SPREKEN'] as const)
        .slice(0, passed)
        .map((component) => [
          '2027-06-01',
          cmd('recordExamResult', { component, attempt: 1, date: '2027-06-01', passed: true }),
        ]);
      return run(start({ doelgroep }), [
        ...toPipPhase,
        ['2025-03-31', b1Pip],
        ['2025-04-10', cmd('startModule', { module: 'PVT', date: '2025-04-10' })],
        ['2025-04-10', cmd('startModule', { module: 'MAP', date: '2025-04-10' })],
        ['2025-06-01', cmd('completeModule', { module: 'PVT', date: '2025-06-01', hours: 12 })],
        ['2026-06-01', cmd('completeModule', { module: 'MAP', date: '2026-06-01', hours: 40 })],
        [
          '2027-05-01',
          cmd('recordProgressHours', { kind: 'LESSEN', hours: lessonHours, periodEnd: '2027-05-01' }),
        ],
        [
          '2027-06-01',
          cmd('recordExamResult', { component: 'KNM', attempt: 1, date: '2027-06-01', passed: true }),
        ],
        ...exams,
      ]);
    };
    it.each([
      ['gezinsmigrant', 2, 450, 6, {}, null],
      ['gezinsmigrant', 2, 449, 6, {}, 'EXTENSION_CONDITIONS_NOT_MET'],
      ['gezinsmigrant', 1, 450, 6, {}, 'EXTENSION_CONDITIONS_NOT_MET'],
      ['gezinsmigrant', 2, 450, 5, {}, 'EXTENSION_PERIOD_INVALID'],
      ['asielstatushouder', 2, 100, 6, { allLessonsFollowed: true as const }, null],
      ['asielstatushouder', 2, 100, 6, {}, 'EXTENSION_CONDITIONS_NOT_MET'],
    ] as const)(
      '%s, %d language exams, %d lesson hours, %d months, %j → %s',
      (doelgroep, passed, hours, months, extra, code) => {
        const s = effort(doelgroep, passed, hours);
        expect(
          codeOf(s, '2027-10-01', ext('AANZIENLIJKE_INSPANNINGEN', 'MONTHS', months, '2027-10-01', extra)),
        ).toBe(code);
      },
    );
    it('the summary shows the ground once its conditions are met', () => {
      const grounds = (s: TrajectoryState) => (summarize(s).extensionGrounds ?? []).map((g) => g.ground);
      expect(grounds(effort('gezinsmigrant', 2, 450))).toContain('AANZIENLIJKE_INSPANNINGEN');
      expect(grounds(effort('gezinsmigrant', 1, 450))).not.toContain('AANZIENLIJKE_INSPANNINGEN');
    });
  });
});

describe('Wi2021 art. 16, Besluit art. 9.3 lid 2 b: timely course offer for asielstatushouders', () => {
  const withPip = (
    route: 'B1' | 'ONDERWIJS',
    doelgroep: 'asielstatushouder' | 'gezinsmigrant' = 'asielstatushouder',
  ) =>
    run(start({ doelgroep }), [
      ...toPipPhase,
      [
        '2025-03-31',
        cmd('setPip', {
          decisionDate: '2025-03-31',
          route,
          modules: route === 'B1' ? [{ module: 'PVT' }, { module: 'MAP' }] : [{ module: 'PVT' }],
        }),
      ],
    ]);
  const lessons = (date: string): Step => [date, cmd('registerStartLessen', { date })];

  it.each([
    ['B1', 'asielstatushouder', '2025-06-30', '2025-06-30', 'met'],
    ['B1', 'asielstatushouder', '2025-07-01', '2025-06-30', 'missed'],
    ['ONDERWIJS', 'asielstatushouder', '2025-09-30', '2025-09-30', 'met'],
    ['ONDERWIJS', 'asielstatushouder', '2025-10-01', '2025-09-30', 'missed'],
  ] as const)('%s-route, %s, lessons from %s → due %s, %s', (route, doelgroep, start_, dueDate, status) => {
    const s = run(withPip(route, doelgroep), [lessons(start_)]);
    expect(due(s, 'TIJDIG_AANBOD')).toMatchObject({
      dueDate,
      status,
      binds: 'gemeente',
      source: 'Wi2021 art. 16; Besluit inburgering 2021 art. 9.3 lid 2 onder b',
    });
  });

  it('does not apply to gezinsmigranten (they buy their own course)', () => {
    expect(due(withPip('B1', 'gezinsmigrant'), 'TIJDIG_AANBOD')).toBeUndefined();
  });

  it('when missed: escalated, shown as a ground for an extension, and the report to DUO recorded', () => {
    const late = tick(withPip('B1'), noon('2025-07-01'));
    expect(late.notifications.map((n) => `${n.template} ${n.deadlineKey}`)).toContain(
      'ESCALATION TIJDIG_AANBOD',
    );
    expect(summarize(late.state).tijdigAanbod).toMatchObject({
      dueDate: '2025-06-30',
      status: 'missed',
      extensionGround: true,
    });
    expect(summarize(late.state).extensionGrounds?.map((g) => g.ground)).toEqual(['GEEN_TIJDIG_AANBOD']);
    const reported = run(late.state, [
      ['2025-07-02', cmd('registerMeldingAanbodDuo', { date: '2025-07-02' })],
    ]);
    expect(summarize(reported).tijdigAanbod).toMatchObject({ reportedToDuo: '2025-07-02' });
    expect(codeOf(reported, '2025-07-03', cmd('registerMeldingAanbodDuo', { date: '2025-07-03' }))).toBe(
      'MELDING_ALREADY_RECORDED',
    );
    expect(
      codeOf(
        reported,
        '2027-10-01',
        cmd('grantExtension', {
          ground: 'GEEN_TIJDIG_AANBOD',
          period: { unit: 'MONTHS', amount: 4 },
          decisionDate: '2027-10-01',
        }),
      ),
    ).toBe(null);
  });

  it('lessons started in time: no ground', () => {
    const s = run(withPip('B1'), [lessons('2025-05-01')]);
    expect(summarize(s).tijdigAanbod).toMatchObject({ status: 'met', extensionGround: false });
    expect(
      codeOf(
        s,
        '2027-10-01',
        cmd('grantExtension', {
          ground: 'GEEN_TIJDIG_AANBOD',
          period: { unit: 'MONTHS', amount: 4 },
          decisionDate: '2027-10-01',
        }),
      ),
    ).toBe('EXTENSION_CONDITIONS_NOT_MET');
  });

  it('is not tracked for an imported PIP (the start of the lessons was never asked)', () => {
    expect(
      due(importedB1('2025-03-31', { doelgroep: 'asielstatushouder' }), 'TIJDIG_AANBOD'),
    ).toBeUndefined();
  });
});

describe('Wi2021 art. 13: maatschappelijke begeleiding starts on the day of BRP registration', () => {
  it.each([
    ['asielstatushouder', '2025-02-03'],
    ['gezinsmigrant', undefined],
  ] as const)('%s → starts %s', (doelgroep, startDate) => {
    const s = run(start({ doelgroep }), [
      ['2025-02-03', cmd('registerBrpInschrijving', { date: '2025-02-03' })],
    ]);
    expect(s.dates.maatschappelijkeBegeleidingStart).toBe(startDate);
    expect(summarize(s).milestones.maatschappelijkeBegeleidingStart).toBe(startDate);
  });
  it('also when the koppeling brings the BRP date; in the PIP the module runs since then', () => {
    const s = start({ brpInschrijvingDate: '2025-01-08' });
    expect(s.dates.maatschappelijkeBegeleidingStart).toBe('2025-01-08');
    expect(s.modules.MAATSCHAPPELIJKE_BEGELEIDING).toBeUndefined(); // not a PIP module until the PIP says so
    const pip = run(s, [
      ...toPipPhase.slice(0, 1),
      ...toPipPhase.slice(2),
      [
        '2025-03-31',
        cmd('setPip', {
          decisionDate: '2025-03-31',
          route: 'Z',
          modules: [{ module: 'PVT' }, { module: 'MAP' }, { module: 'MAATSCHAPPELIJKE_BEGELEIDING' }],
        }),
      ],
    ]);
    expect(pip.modules.MAATSCHAPPELIJKE_BEGELEIDING).toMatchObject({ inPip: true, startDate: '2025-01-08' });
  });
});

describe('Wi2021 art. 14: the brede intake', () => {
  const planned = () => run(start(), toPipPhase.slice(0, 3));
  const noShows = (n: number) =>
    run(
      planned(),
      ['2025-02-20', '2025-03-01', '2025-03-10']
        .slice(0, n)
        .map((date) => [date, cmd('recordIntakeNoShow', { date })] as Step),
    );
  it.each([
    [2, 'INTAKE_SUMMONSES_NOT_EXHAUSTED'],
    [3, null],
  ] as const)('completed without the person after %d missed summonses (lid 2) → %s', (n, code) => {
    expect(
      codeOf(noShows(n), '2025-03-12', cmd('completeBredeIntakeWithoutPerson', { date: '2025-03-12' })),
    ).toBe(code);
  });
  it.each(['VISUELE_BEPERKING', 'AUDITIEVE_BEPERKING'] as const)(
    'LBT exemption for %s (lid 6)',
    (lbtExemption) => {
      const s = run(planned(), [
        ['2025-02-20', cmd('completeBredeIntake', { date: '2025-02-20', lbtExemption })],
      ]);
      expect(s.intake.lbt).toEqual({ date: '2025-02-20', exemption: lbtExemption });
      expect(s.phase).toBe('PIP');
    },
  );
});

describe('Wi2021 art. 22, 23 and 26, Besluit art. 7.1: fines of the gemeente', () => {
  const planned = () => run(start(), toPipPhase.slice(0, 3));
  const intakeFine = (decisionDate: string, newTermEnd?: string) =>
    cmd('imposeFine', {
      ground: 'INTAKE_NIET_VERSCHENEN',
      decisionDate,
      ...(newTermEnd ? { newTermEnd } : {}),
    });
  const pipFine = (decisionDate: string) => cmd('imposeFine', { ground: 'PIP_NIET_NAGEKOMEN', decisionDate });

  it.each([
    ['a new term of 2 months', intakeFine('2025-02-20', '2025-04-20'), null],
    ['a new term of more than 2 months', intakeFine('2025-02-20', '2025-04-21'), 'FINE_TERM_TOO_LONG'],
    ['no new term given (the maximum applies)', intakeFine('2025-02-20'), null],
  ] as const)('art. 22: %s → %s', (_name, c, code) => {
    expect(codeOf(planned(), '2025-02-20', c)).toBe(code);
  });

  it('art. 22 without a new term given: the term is the maximum of 2 months', () => {
    const s = run(planned(), [['2025-02-20', intakeFine('2025-02-20')]]);
    expect(s.fines![0]!.newTermEnd).toBe('2025-04-20');
    expect(due(s, 'BOETE_TERMIJN-1')!.dueDate).toBe('2025-04-20');
  });

  it('art. 22: €250 with a new term; again €250 only when that term passed without taking part', () => {
    const first = run(planned(), [['2025-02-20', intakeFine('2025-02-20', '2025-03-20')]]);
    expect(first.fines).toEqual([
      expect.objectContaining({ amountEur: 250, article: 'WI2021_ART_22', newTermEnd: '2025-03-20' }),
    ]);
    expect(due(first, 'BOETE_TERMIJN-1')).toMatchObject({ dueDate: '2025-03-20', binds: 'inburgeraar' });
    expect(codeOf(first, '2025-03-15', intakeFine('2025-03-15', '2025-04-15'))).toBe('FINE_TERM_RUNNING');
    const missed = tick(first, noon('2025-03-21'));
    expect(due(missed.state, 'BOETE_TERMIJN-1')!.status).toBe('missed');
    expect(missed.notifications.map((n) => `${n.template} ${n.deadlineKey}`)).toContain(
      'ESCALATION BOETE_TERMIJN-1',
    );
    const second = run(missed.state, [['2025-03-21', intakeFine('2025-03-21', '2025-05-21')]]);
    expect(summarize(second).fines).toMatchObject({ totalEur: 500, maxEur: 2400 });
    // Taking part after the fine meets its term.
    const met = run(second, [
      ['2025-04-01', cmd('completeBredeIntake', { date: '2025-04-01', lbt: { date: '2025-04-01' } })],
    ]);
    expect(due(met, 'BOETE_TERMIJN-2')).toMatchObject({ status: 'met', fulfilledDate: '2025-04-01' });
  });

  it.each([
    // art. 23: €50, doubled for each repeat within 12 months of the previous fine, at most €800
    [['2025-06-01'], [50]],
    [
      ['2025-06-01', '2025-08-01', '2025-12-01', '2026-05-01', '2026-09-01', '2026-10-01'],
      [50, 100, 200, 400, 800, 800],
    ],
    [
      ['2025-06-01', '2025-08-01', '2026-08-02'],
      [50, 100, 50],
    ], // more than 12 months later: from the start
    [
      ['2025-06-01', '2026-06-01'],
      [50, 100],
    ], // exactly 12 months later: a repeat
  ])('art. 23 fines on %j → %j', (dates, amounts) => {
    const s = run(
      b1Trajectory(),
      dates.map((d) => [d, pipFine(d)] as Step),
    );
    expect(s.fines!.map((f) => f.amountEur)).toEqual(amounts);
    expect(s.fines!.every((f) => f.source === 'Wi2021 art. 23; Besluit inburgering 2021 art. 7.1')).toBe(
      true,
    );
  });

  it('art. 26: all gemeente fines together at most €2,400 per termijn; then refused', () => {
    const steps: Step[] = [
      '2025-06-01',
      '2025-08-01',
      '2025-12-01',
      '2026-05-01',
      '2026-09-01',
      '2026-10-01',
      '2026-11-01',
    ].map((d) => [d, pipFine(d)]);
    const s = run(b1Trajectory(), steps);
    // 50 + 100 + 200 + 400 + 800 + 800 = 2350; the seventh (nominal 800) is lowered to the last 50.
    expect(s.fines!.map((f) => [f.nominalEur, f.amountEur])).toEqual([
      [50, 50],
      [100, 100],
      [200, 200],
      [400, 400],
      [800, 800],
      [800, 800],
      [800, 50],
    ]);
    expect(summarize(s).fines!.totalEur).toBe(2400);
    expect(codeOf(s, '2026-12-01', pipFine('2026-12-01'))).toBe('FINE_CAP_REACHED');
    expect(fineAmount(s, 'PIP_NIET_NAGEKOMEN', '2026-12-01')).toMatchObject({
      nominalEur: 800,
      amountEur: 0,
    });
  });
});

describe('Besluit art. 4.2 and 2.1 lid 2: a gap in the obligation extends the termijn, at most 1 year', () => {
  const gap = (from: string, to: string): Step => [to, cmd('registerPlichtOnderbreking', { from, to })];
  it.each([
    // b1Trajectory: termijn until 2028-03-31
    [[gap('2025-10-01', '2026-01-01')], '2028-07-01'], // 92 days
    [[gap('2025-10-01', '2026-01-01'), gap('2026-03-01', '2026-12-01')], '2029-03-31'], // 92 + 275 > 365: capped
  ])('gaps %j → termijn ends %s', (steps, end) => {
    const s = run(b1Trajectory(), steps as Step[]);
    expect(due(s, 'INBURGERINGSTERMIJN')).toMatchObject({
      dueDate: end,
      originalDueDate: '2028-03-31',
      status: 'moved',
    });
  });
  it('only the days within the termijn count (a gap that began before the PIP)', () => {
    // b1Trajectory: termijn from 2025-04-01; a gap from 2025-03-01 to 2025-05-01 counts 30 days.
    const s = run(b1Trajectory(), [gap('2025-03-01', '2025-05-01')]);
    expect(s.onderbrekingen![0]!.periodDays).toBe(30);
    expect(due(s, 'INBURGERINGSTERMIJN')!.dueDate).toBe('2028-04-30');
  });

  it('no further extension once the year is used; overlapping gaps are refused', () => {
    const s = run(b1Trajectory(), [gap('2025-04-01', '2026-06-01')]);
    expect(s.onderbrekingen![0]!.periodDays).toBe(365);
    expect(
      codeOf(s, '2026-10-01', cmd('registerPlichtOnderbreking', { from: '2026-08-01', to: '2026-10-01' })),
    ).toBe('ONDERBREKING_MAXIMUM_REACHED');
    expect(
      codeOf(s, '2026-10-01', cmd('registerPlichtOnderbreking', { from: '2026-05-01', to: '2026-07-01' })),
    ).toBe('DATE_OUT_OF_ORDER');
  });
});

describe('Regeling art. 3.5: the first 2 attempts of each exam are free for asielstatushouders', () => {
  it.each([
    ['asielstatushouder', [true, true, false]],
    ['gezinsmigrant', [false, false, false]],
  ] as const)('%s → %j', (doelgroep, free) => {
    const s = run(start({ doelgroep }), [
      ...toPipPhase,
      ['2025-03-31', b1Pip],
      ...[1, 2, 3].map(
        (attempt) =>
          [
            `2025-1${attempt - 1}-01`,
            cmd('recordExamResult', {
              component: 'SPREKEN',
              attempt,
              date: `2025-1${attempt - 1}-01`,
              passed: false,
            }),
          ] as Step,
      ),
    ]);
    expect(s.exams.SPREKEN!.map((a) => a.free)).toEqual(free);
  });
});

describe('rules versions: a trajectory keeps computing with its own, and moves on to the current one', () => {
  const v1 = (overrides: Partial<Koppeling> = {}) =>
    initialStateForRules(1, koppeling({ doelgroep: 'gezinsmigrant', ...overrides }), noon('2025-01-06'));

  it('rules version 1 ran the old intake sanction ladder (warning, fine, second fine)', () => {
    let s = run(v1(), toPipPhase.slice(0, 3));
    const got: string[] = [];
    for (const date of ['2025-02-20', '2025-03-01', '2025-03-10']) {
      const t = apply(s, cmd('recordIntakeNoShow', { date }), noon(date));
      got.push(...t.notifications.map((n) => `${n.template}>${n.recipient.role}`));
      s = t.state;
    }
    expect(got).toEqual(['INTAKE_WAARSCHUWING>coach', 'INTAKE_BOETE>manager', 'INTAKE_TWEEDE_BOETE>manager']);
  });

  it('rules version 1 has no timely-course-offer deadline', () => {
    const s = run(v1({ doelgroep: 'asielstatushouder' }), [...toPipPhase, ['2025-03-31', b1Pip]]);
    expect(s.rulesVersion).toBeUndefined();
    expect(due(s, 'TIJDIG_AANBOD')).toBeUndefined();
  });

  it('a command on an older trajectory is checked against the current rules', () => {
    const s = run(v1(), [
      ...toPipPhase,
      ['2025-03-31', b1Pip],
      ['2025-04-10', cmd('startModule', { module: 'PVT', date: '2025-04-10' })],
    ]);
    expect(codeOf(s, '2025-05-01', cmd('completeModule', { module: 'PVT', date: '2025-05-01' }))).toBe(
      'PVT_MIN_HOURS',
    );
  });

  it('upgradeRules records the move, and ends a plicht the current rules find met', () => {
    const onderwijs = run(v1(), [
      ...toPipPhase,
      [
        '2025-03-31',
        cmd('setPip', { decisionDate: '2025-03-31', route: 'ONDERWIJS', modules: [{ module: 'PVT' }] }),
      ],
      ['2025-04-01', cmd('startModule', { module: 'PVT', date: '2025-04-01' })],
      ['2025-06-01', cmd('completeModule', { module: 'PVT', date: '2025-06-01', hours: 12 })],
      ['2026-06-01', cmd('completeLeerroute', { date: '2026-06-01' })],
    ]);
    expect(onderwijs.ended).toBeUndefined(); // version 1 waits for a KNM exam
    const t = upgradeRules(onderwijs, noon('2026-07-01'));
    expect(t.state).toMatchObject({
      rulesVersion: 2,
      rulesUpgraded: { from: 1, date: '2026-07-01' },
      phase: 'AFGEROND',
    });
    expect(t.state.ended).toEqual({ reason: 'VOLDAAN', date: '2026-06-01' });
    expect(t.events.map((e) => e.type)).toEqual(['RULES_UPGRADED', 'PHASE_CHANGED']);
    expect(t.notifications.map((n) => n.template)).toEqual(['AFGEROND']);
    expect(upgradeRules(t.state, noon('2026-07-02')).events).toEqual([]);
  });

  it('upgradeRules decides a 2022 PIP term by the 2022 text from then on', () => {
    const s = initialStateForRules(
      1,
      koppeling({
        koppelingDate: '2022-03-01',
        kennisgevingDate: '2022-05-02',
        brpInschrijvingDate: '2022-03-01',
      }),
      noon('2022-05-02'),
    );
    expect(due(s, 'PIP_VASTSTELLEN')!.dueDate).toBe('2022-07-11');
    expect(due(upgradeRules(s, noon('2022-05-03')).state, 'PIP_VASTSTELLEN')!.dueDate).toBe('2022-05-10');
  });
});
