/** Reminder and escalation moments, nextWakeUp, pause/catch-up: the clock side of the domain. */
import { apply, momentsOf, nextWakeUp, tick, type TrajectoryState } from '../../domain';
import { cmd, noon, run, start, toPipPhase } from './fixtures';

/** Walks the clock from wake-up to wake-up until `until`, collecting what was sent when. */
function walk(
  state: TrajectoryState,
  from: string,
  until: string,
): { sent: string[]; state: TrajectoryState } {
  const sent: string[] = [];
  let s = state;
  let now = from;
  for (;;) {
    const next = nextWakeUp(s, now);
    if (!next || next > until) return { sent, state: s };
    now = next;
    const t = tick(s, now);
    s = t.state;
    sent.push(
      ...t.notifications.map((n) => `${now.slice(0, 16)} ${n.template} ${n.deadlineKey} ${n.recipient.role}`),
    );
  }
}

describe('moments', () => {
  it('reminds 14 and 3 days before at 09:00 local, escalates the day after', () => {
    const s = run(start(), toPipPhase);
    const pip = s.deadlines.find((d) => d.key === 'PIP_VASTSTELLEN')!;
    expect(momentsOf(pip, s.settings).map((m) => `${m.type} ${m.instant}`)).toEqual([
      'REMINDER 2025-03-31T07:00:00.000Z', // CEST: 09:00 = 07:00Z
      'REMINDER 2025-04-11T07:00:00.000Z',
      'ESCALATION 2025-04-15T07:00:00.000Z',
    ]);
  });

  it('a missed PIP term: reminders to the coach, escalation to the manager, each once', () => {
    const s = run(start({ doelgroep: 'gezinsmigrant' }), toPipPhase);
    const { sent, state } = walk(s, noon('2025-02-20'), '2025-05-01T00:00:00.000Z');
    expect(sent).toEqual([
      '2025-03-31T07:00 REMINDER PIP_VASTSTELLEN coach',
      '2025-04-11T07:00 REMINDER PIP_VASTSTELLEN coach',
      '2025-04-15T07:00 ESCALATION PIP_VASTSTELLEN manager',
    ]);
    expect(state.deadlines.find((d) => d.key === 'PIP_VASTSTELLEN')!.status).toBe('missed');
    expect(tick(state, noon('2025-04-20')).notifications).toEqual([]);
  });

  it('no escalation when the deadline is met in time; the next deadline takes over', () => {
    const s = run(start({ doelgroep: 'gezinsmigrant' }), [
      ...toPipPhase,
      [
        '2025-04-14',
        cmd('setPip', {
          decisionDate: '2025-04-14',
          route: 'Z',
          modules: [{ module: 'PVT' }, { module: 'MAP' }],
        }),
      ],
    ]);
    const { sent } = walk(s, noon('2025-04-14'), '2025-07-31T00:00:00.000Z');
    expect(sent).toEqual([
      '2025-06-30T07:00 REMINDER VOORTGANGSGESPREK-1 coach',
      '2025-07-11T07:00 REMINDER VOORTGANGSGESPREK-1 coach',
      '2025-07-15T07:00 ESCALATION VOORTGANGSGESPREK-1 manager',
    ]);
  });

  it('a term end sends a notice the day after (ontzorgen)', () => {
    const s = start({ doelgroep: 'asielstatushouder', bijstandStartDate: '2025-01-06' });
    const withHousing = run(s, [['2025-01-07', cmd('registerHuisvesting', { date: '2025-01-07' })]]);
    const { sent } = walk(withHousing, noon('2025-01-07'), '2025-08-01T00:00:00.000Z');
    expect(sent).toEqual([
      '2025-06-21T07:00 REMINDER ONTZORGEN coach',
      '2025-07-02T07:00 REMINDER ONTZORGEN coach',
      '2025-07-06T07:00 TERM_ENDED ONTZORGEN coach',
    ]);
  });

  it('nothing is sent while paused; on resume only what still matters', () => {
    let s = run(start({ doelgroep: 'gezinsmigrant' }), toPipPhase);
    s = apply(s, cmd('pause', { date: '2025-03-20', reason: 'opname' }), noon('2025-03-20')).state;
    expect(walk(s, noon('2025-03-20'), '2025-04-12T00:00:00.000Z').sent).toEqual([]);
    // Resumed on 12 April: the 14-day reminder passed unsent, the 3-day one (11 April) is the latest.
    const resumed = apply(s, cmd('resume', { date: '2025-04-12' }), noon('2025-04-12'));
    const t = tick(resumed.state, noon('2025-04-12'));
    expect(t.notifications.map((n) => n.id)).toEqual(['PIP_VASTSTELLEN:REMINDER-3:2025-04-11']);
    expect(tick(t.state, noon('2025-04-13')).notifications).toEqual([]);
    expect(nextWakeUp(t.state, noon('2025-04-13'))).toBe('2025-04-15T07:00:00.000Z');
  });

  it('an ended trajectory has no wake-up', () => {
    const s = run(start(), [
      ['2025-02-01', cmd('endTrajectory', { reason: 'OVERLEDEN', date: '2025-02-01' })],
    ]);
    expect(nextWakeUp(s, noon('2025-02-01'))).toBeUndefined();
  });

  it('follows the gemeente settings for reminder days and hour', () => {
    const s = run(
      start({
        doelgroep: 'gezinsmigrant',
        settings: { reminderDaysBefore: [7], notificationHour: 8, escalationDaysAfter: 2 },
      }),
      toPipPhase,
    );
    const { sent } = walk(s, noon('2025-02-20'), '2025-05-01T00:00:00.000Z');
    expect(sent).toEqual([
      '2025-04-07T06:00 REMINDER PIP_VASTSTELLEN coach',
      '2025-04-16T06:00 ESCALATION PIP_VASTSTELLEN manager',
    ]);
  });

  it('an extension moves the reminders of the termijn with it', () => {
    let s = run(start({ doelgroep: 'gezinsmigrant' }), [
      ...toPipPhase,
      [
        '2025-03-31',
        cmd('setPip', {
          decisionDate: '2025-03-31',
          route: 'Z',
          modules: [{ module: 'PVT' }, { module: 'MAP' }],
        }),
      ],
    ]);
    s = apply(
      s,
      cmd('grantExtension', {
        ground: 'ZIEKTE',
        decisionDate: '2027-10-01',
        period: { unit: 'MONTHS', amount: 6 },
      }),
      noon('2027-10-01'),
    ).state;
    const termijn = s.deadlines.find((d) => d.key === 'INBURGERINGSTERMIJN')!;
    expect(momentsOf(termijn, s.settings).map((m) => m.date)).toEqual([
      '2028-09-16',
      '2028-09-27',
      '2028-10-01',
    ]);
  });
});
