/**
 * Every legal term and policy value of a trajectory: length, start event, source and what happens
 * when it passes (the law's versions by date are tested per article in law.test.ts).
 */
import {
  computeDeadlines,
  currentSourceOf,
  DEFAULT_SETTINGS,
  extensionRequestOpens,
  pipTerm,
  routeSwitchLastDay,
  summarize,
  termijnEndDate,
  TERM_RULES,
  tick,
} from '../../domain';
import { b1Trajectory, cmd, noon, run, start, toPipPhase } from './fixtures';

const due = (s: ReturnType<typeof start>, key: string) => s.deadlines.find((d) => d.key === key);

describe('rules carry their source and consequence', () => {
  it.each(Object.values(TERM_RULES))('$id', (rule) => {
    expect(currentSourceOf(rule)).toMatch(rule.law ? /art\. \d/ : /beleid|PIP/);
    expect(rule.startEvent).toMatch(/\S/);
    expect(rule.whenPassed).toMatch(/\S/);
  });

  it('every deadline of a trajectory names its article or policy, never a placeholder', () => {
    const s = b1Trajectory();
    for (const d of s.deadlines) {
      expect([d.key, d.source]).toEqual([d.key, expect.stringMatching(/art\. \d|beleid/)]);
      expect(d.source).not.toMatch(/check/i);
    }
  });

  it('has the policy defaults', () => {
    expect(DEFAULT_SETTINGS).toMatchObject({
      reminderDaysBefore: [14, 3],
      escalationDaysAfter: 1,
      notificationHour: 9,
      voortgangsgesprekIntervalMonths: 3,
      huisvestingTargetWeeks: 10,
    });
  });
});

describe('PIP term (since 2023): 10 weeks from the kennisgeving, or the later BRP registration', () => {
  it.each([
    ['2025-01-20', '2025-02-03', '2025-04-14'],
    ['2025-03-01', '2025-02-03', '2025-05-10'],
    ['2025-02-03', '2025-02-03', '2025-04-14'],
  ])('kennisgeving %s, BRP %s → due %s', (k, b, expected) => {
    expect(
      pipTerm({ dates: { koppeling: '2025-01-06', kennisgeving: k, brpInschrijving: b } })?.dueDate,
    ).toBe(expected);
    const s = run(start(), [
      [k > b ? k : b, cmd('registerKennisgeving', { date: k })],
      [k > b ? k : b, cmd('registerBrpInschrijving', { date: b })],
    ]);
    expect(due(s, 'PIP_VASTSTELLEN')).toMatchObject({
      dueDate: expected,
      status: 'open',
      binds: 'gemeente',
      source: 'Besluit inburgering 2021 art. 5.3 lid 1 en 2 (Wi2021 art. 15 lid 5)',
    });
  });

  it('does not exist before both facts are known', () => {
    const s = run(start(), [['2025-01-20', cmd('registerKennisgeving', { date: '2025-01-20' })]]);
    expect(due(s, 'PIP_VASTSTELLEN')).toBeUndefined();
  });

  it.each([
    ['2025-04-14', 'met'],
    ['2025-04-15', 'missed'],
  ])('PIP set on %s → %s', (date, status) => {
    const s = run(start(), [
      ...toPipPhase,
      [
        date,
        cmd('setPip', { decisionDate: date, route: 'Z', modules: [{ module: 'PVT' }, { module: 'MAP' }] }),
      ],
    ]);
    expect(due(s, 'PIP_VASTSTELLEN')).toMatchObject({ status, fulfilledDate: date });
  });

  it('is missed (overdue) the day after its due date when not set', () => {
    const s = run(start(), toPipPhase);
    expect(tick(s, noon('2025-04-14')).state.deadlines.find((d) => d.key === 'PIP_VASTSTELLEN')!.status).toBe(
      'open',
    );
    const late = tick(s, noon('2025-04-15')).state;
    expect(due(late, 'PIP_VASTSTELLEN')!.status).toBe('missed');
    expect(summarize(late).overdue).toBe(true);
  });
});

describe('PIP term while waiting for third parties: on hold, then ≤ 2 weeks after arrival (Besluit art. 5.3)', () => {
  const waitFrom = (date: string) => cmd('registerWachtenOpDerden', { date, reason: 'advies GGD' });
  it.each([
    ['2025-04-10', '2025-04-24', 'moved'], // arrival + 2 weeks is later than the 10-week date
    ['2025-03-20', '2025-04-14', 'open'], // the 10-week date is later: it stays
  ])('information arrived %s → PIP due %s (%s)', (received, dueDate, status) => {
    const s = run(start(), [
      ...toPipPhase,
      ['2025-03-01', waitFrom('2025-03-01')],
      [received, cmd('registerDerdenInformatieOntvangen', { date: received })],
    ]);
    expect(due(s, 'PIP_VASTSTELLEN')).toMatchObject({ dueDate, originalDueDate: '2025-04-14', status });
  });

  it('a PIP set while on hold is in time', () => {
    const s = run(start(), [
      ...toPipPhase,
      ['2025-03-01', waitFrom('2025-03-01')],
      [
        '2025-05-01',
        cmd('setPip', {
          decisionDate: '2025-05-01',
          route: 'Z',
          modules: [{ module: 'PVT' }, { module: 'MAP' }],
        }),
      ],
    ]);
    expect(due(s, 'PIP_VASTSTELLEN')).toMatchObject({ status: 'met', fulfilledDate: '2025-05-01' });
  });

  it('is on hold while waiting: not missed, no reminders or escalation, not the next deadline', () => {
    const s = run(start({ doelgroep: 'gezinsmigrant' }), [
      ...toPipPhase,
      ['2025-03-01', waitFrom('2025-03-01')],
    ]);
    const later = tick(s, noon('2025-05-01'));
    expect(due(later.state, 'PIP_VASTSTELLEN')).toMatchObject({ status: 'open', suspended: true });
    expect(later.notifications).toEqual([]);
    expect(summarize(later.state)).toMatchObject({ overdue: false });
    expect(summarize(later.state).nextDeadline).toBeUndefined();
  });
});

describe('inburgeringstermijn (Wi2021 art. 11): 3 years from the day after the PIP decision date', () => {
  it.each([
    ['2025-03-31', '2025-04-01', '2028-03-31'],
    ['2024-02-28', '2024-02-29', '2027-02-28'], // 29 Feb 2027 does not exist: end of February
    ['2024-02-29', '2024-03-01', '2027-02-28'],
  ])('PIP %s → termijn %s .. %s', (pip, startDate, end) => {
    expect(termijnEndDate(startDate)).toBe(end);
  });

  it('is set by the PIP and not moved by a revision', () => {
    const s = b1Trajectory();
    expect(s.dates.termijnStart).toBe('2025-04-01');
    expect(due(s, 'INBURGERINGSTERMIJN')).toMatchObject({
      dueDate: '2028-03-31',
      binds: 'inburgeraar',
      status: 'open',
      source: 'Wi2021 art. 11',
    });
    const revised = run(s, [
      ['2025-09-01', cmd('revisePip', { decisionDate: '2025-09-01', reason: 'extra module' })],
    ]);
    expect(due(revised, 'INBURGERINGSTERMIJN')!.dueDate).toBe('2028-03-31');
  });

  it('is missed when not voldaan by its end', () => {
    const s = tick(b1Trajectory(), noon('2028-04-01')).state;
    expect(due(s, 'INBURGERINGSTERMIJN')!.status).toBe('missed');
  });
});

describe('route switch window (Besluit art. 5.4): 1.5 years from the termijn start', () => {
  it('last day is termijn start + 18 months - 1 day', () => {
    expect(routeSwitchLastDay('2025-04-01')).toBe('2026-09-30');
    expect(due(b1Trajectory(), 'ROUTE_SWITCH')).toMatchObject({
      dueDate: '2026-09-30',
      kind: 'TERM_END',
      source: 'Wi2021 art. 17 lid 2; Besluit inburgering 2021 art. 5.4',
    });
  });
  it('expires the day after', () => {
    expect(due(tick(b1Trajectory(), noon('2026-10-01')).state, 'ROUTE_SWITCH')!.status).toBe('expired');
  });
});

describe('ontzorgen (Participatiewet art. 56a): 6 months from the day the right to bijstand arises', () => {
  it.each([
    ['asielstatushouder' as const, undefined, '2025-02-01', '2025-07-31'],
    ['asielstatushouder' as const, 'ASIEL_BEPAALDE_TIJD' as const, '2025-02-01', '2025-07-31'],
    // A family member of a status holder on a regular permit: no ontzorgen.
    ['asielstatushouder' as const, 'REGULIER' as const, '2025-02-01', undefined],
    ['gezinsmigrant' as const, undefined, '2025-02-01', undefined],
  ])('%s, permit %s, bijstand from %s → ends %s', (doelgroep, verblijfsvergunning, bijstand, end) => {
    const s = start({
      doelgroep,
      bijstandStartDate: bijstand,
      ...(verblijfsvergunning ? { verblijfsvergunning } : {}),
    });
    expect(due(s, 'ONTZORGEN')?.dueDate).toBe(end);
    if (end) expect(due(s, 'ONTZORGEN')!.source).toBe('Participatiewet art. 56a');
  });
  it('starts when bijstand is registered later', () => {
    const s = run(start(), [['2025-03-10', cmd('registerBijstand', { startDate: '2025-03-01' })]]);
    expect(due(s, 'ONTZORGEN')).toMatchObject({ dueDate: '2025-08-31', status: 'open' });
  });
});

describe('extension request (Besluit art. 4.5): not earlier than 6 months before the end of the current termijn', () => {
  it('opens 6 months before the end, and moves with each extension', () => {
    expect(extensionRequestOpens('2028-03-31')).toBe('2027-10-01');
    expect(summarize(b1Trajectory()).milestones.extensionRequestFrom).toBe('2027-10-01');
    const extended = run(b1Trajectory(), [
      [
        '2027-10-01',
        cmd('grantExtension', {
          ground: 'ZIEKTE',
          period: { unit: 'MONTHS', amount: 4 },
          decisionDate: '2027-10-01',
        }),
      ],
    ]);
    expect(summarize(extended).milestones).toMatchObject({
      termijnEnd: '2028-07-31',
      extensionRequestFrom: '2028-02-01',
    });
  });
});

describe('extension: grounds and periods move the dependent deadlines', () => {
  const base = () =>
    run(b1Trajectory(), [['2025-12-01', cmd('pause', { date: '2025-12-01', reason: 'ziekte' })]]);
  it.each([
    ['ZIEKTE' as const, { unit: 'MONTHS' as const, amount: 6 }, '2028-09-30'],
    ['ZWANGERSCHAP_BEVALLING' as const, { unit: 'WEEKS' as const, amount: 16 }, '2028-07-21'],
    ['BIJZONDERE_OMSTANDIGHEDEN' as const, { unit: 'MONTHS' as const, amount: 3 }, '2028-06-30'],
    ['NIET_ONTHEFFENDE_OPLEIDING' as const, { unit: 'MONTHS' as const, amount: 12 }, '2029-03-31'],
  ])('%s %j → termijn ends %s (moved)', (ground, period, end) => {
    const s = run(base(), [
      ['2027-10-01', cmd('grantExtension', { ground, period, decisionDate: '2027-10-01' })],
    ]);
    expect(due(s, 'INBURGERINGSTERMIJN')).toMatchObject({
      dueDate: end,
      originalDueDate: '2028-03-31',
      status: 'moved',
    });
  });

  it('moves an open module agreement too, not a met one', () => {
    const s = run(b1Trajectory(), [
      [
        '2027-10-01',
        cmd('grantExtension', {
          ground: 'ZIEKTE',
          period: { unit: 'MONTHS', amount: 4 },
          decisionDate: '2027-10-01',
        }),
      ],
    ]);
    // MAP was agreed for 2026-03-31 and is overdue: it moves by the same number of days (122).
    expect(due(s, 'MODULE-MAP')!.dueDate).toBe('2026-07-31');
    expect(due(s, 'HUISVESTING')!.dueDate).toBe('2025-03-17');
  });
});

describe('voortgangsgesprek: every 3 months (policy) from the PIP, then from the last gesprek', () => {
  it('plans the next from the last one held', () => {
    const s = b1Trajectory();
    expect(due(s, 'VOORTGANGSGESPREK-1')).toMatchObject({ dueDate: '2025-06-30', binds: 'coach' });
    const after = run(s, [['2025-06-20', cmd('recordVoortgangsgesprek', { date: '2025-06-20' })]]);
    expect(due(after, 'VOORTGANGSGESPREK-1')).toMatchObject({ status: 'met', fulfilledDate: '2025-06-20' });
    expect(due(after, 'VOORTGANGSGESPREK-2')).toMatchObject({ dueDate: '2025-09-20', status: 'open' });
  });
  it('follows the gemeente setting', () => {
    const s = run(start({ settings: { voortgangsgesprekIntervalMonths: 2 } }), [
      ...toPipPhase,
      [
        '2025-03-31',
        cmd('setPip', {
          decisionDate: '2025-03-31',
          route: 'B1',
          modules: [{ module: 'PVT' }, { module: 'MAP' }],
        }),
      ],
    ]);
    expect(due(s, 'VOORTGANGSGESPREK-1')!.dueDate).toBe('2025-05-31');
  });
});

describe('housing target: ~10 weeks after koppeling (policy, asielstatushouders)', () => {
  it.each([
    [{}, '2025-03-17'],
    [{ settings: { huisvestingTargetWeeks: 8 } }, '2025-03-03'],
  ])('%j → due %s', (overrides, expected) => {
    expect(due(start(overrides), 'HUISVESTING')!.dueDate).toBe(expected);
  });
  it('does not apply to gezinsmigranten', () => {
    expect(due(start({ doelgroep: 'gezinsmigrant' }), 'HUISVESTING')).toBeUndefined();
  });
  it('is met by registering housing on time', () => {
    const s = run(start(), [['2025-03-17', cmd('registerHuisvesting', { date: '2025-03-17' })]]);
    expect(due(s, 'HUISVESTING')!.status).toBe('met');
  });
});

describe('dropped by an end', () => {
  it.each([
    ['grantExemption', cmd('grantExemption', { ground: 'MEDISCH', decisionDate: '2025-06-01' })],
    ['transfer', cmd('transfer', { toGemeenteCode: 'GM0363', date: '2025-06-01' })],
    ['endTrajectory', cmd('endTrajectory', { reason: 'VERTROKKEN', date: '2025-06-01' })],
  ])('%s drops every open deadline', (_name, c) => {
    const s = run(b1Trajectory(), [['2025-06-01', c]]);
    expect(computeDeadlines(s).filter((d) => d.status === 'open' || d.status === 'moved')).toEqual([]);
    expect(due(s, 'INBURGERINGSTERMIJN')!.status).toBe('dropped');
    expect(due(s, 'PIP_VASTSTELLEN')!.status).toBe('met');
  });
});
