/**
 * What the inburgeraar's page shows, computed from real trajectory states (driven through the
 * domain's own commands): the phase, the next step and who takes it, the dates with their rule's
 * article, the modules and exam results. Nothing here is typed twice: the expected dates and
 * articles are read from the state's own deadlines.
 */
import { INTAKE_SOURCE, personalPage } from '../../api/mijn/view';
import { INTAKE_FINE_EUR } from '../../domain';
import { b1Trajectory, cmd, run, start, toPipPhase } from './fixtures';

const LINK = { linkExpiresAt: '2027-03-01T10:00:00.000Z' };

describe('the personal page of an inburgeraar', () => {
  it('just coupled: the gemeente plans the intake; no dates for the person yet but the internal housing target is hidden', () => {
    const state = start();
    const page = personalPage({ state, ...LINK });
    expect(page.phase).toBe('KOPPELING');
    expect(page.next).toEqual({ text: { key: 'next.planBredeIntake', values: {} }, who: ['coach'] });
    expect(state.deadlines.map((d) => d.rule)).toContain('HUISVESTING');
    expect(page.dates).toEqual([]);
    expect(page.linkExpiresOn).toBe('2027-03-01');
  });

  it('intake planned: the person comes on that date; missing it is explained with the fine and its article', () => {
    const state = run(start(), [
      ['2025-01-20', cmd('registerKennisgeving', { date: '2025-01-20' })],
      ['2025-02-03', cmd('registerBrpInschrijving', { date: '2025-02-03' })],
      ['2025-02-04', cmd('planBredeIntake', { plannedDate: '2025-02-20', lbtPlannedDate: '2025-02-18' })],
    ]);
    const page = personalPage({ state, ...LINK });
    expect(page.next).toEqual({
      text: { key: 'next.completeBredeIntake', values: { planned: 'yes', date: { date: '2025-02-20' } } },
      who: ['you', 'coach'],
    });
    const intake = page.dates.find((d) => 'key' in d.title && d.title.key === 'date.intake')!;
    expect(intake).toMatchObject({
      date: '2025-02-20',
      status: 'planned',
      missed: { key: 'missed.intake', values: { amount: INTAKE_FINE_EUR } },
      source: INTAKE_SOURCE,
    });
    // The PIP deadline binds the gemeente, with the article of the state's deadline.
    const pipDeadline = state.deadlines.find((d) => d.rule === 'PIP_VASTSTELLEN')!;
    expect(page.dates).toContainEqual(
      expect.objectContaining({
        title: expect.objectContaining({ key: 'deadline.PIP_VASTSTELLEN.title' }),
        date: pipDeadline.dueDate,
        who: ['gemeente'],
        source: pipDeadline.source,
        status: 'open',
      }),
    );
    // In date order: the leerbaarheidstoets (18 Feb) before the intake (20 Feb).
    const order = page.dates.map((d) => d.date);
    expect(order).toEqual([...order].sort());
  });

  it('on the B1-route: the termijn, the next voortgangsgesprek (one), the agreed module end, the PIP decision; the taalschool is named', () => {
    const state = run(b1Trajectory(), [
      ['2025-04-10', cmd('startModule', { module: 'MAP', date: '2025-04-10' })],
    ]);
    const page = personalPage({ state, coachName: 'Anna de Vries', ...LINK });
    expect(page.route).toBe('B1');
    expect(page.next).toEqual({
      text: { key: 'next.recordExamResult', values: { count: 5 } },
      who: ['you', 'taalschool'],
    });
    const rules = page.dates.map((d) => d.title.key);
    const termijn = state.deadlines.find((d) => d.rule === 'INBURGERINGSTERMIJN')!;
    expect(page.dates).toContainEqual(
      expect.objectContaining({ date: termijn.dueDate, source: termijn.source, who: ['you'] }),
    );
    expect(rules.filter((k) => k === 'deadline.VOORTGANGSGESPREK.title')).toHaveLength(1);
    expect(page.dates).toContainEqual(
      expect.objectContaining({
        title: expect.objectContaining({ key: 'deadline.MODULE_AFSPRAAK.title', values: { module: 'MAP' } }),
        date: '2026-03-31',
      }),
    );
    expect(page.dates).toContainEqual(
      expect.objectContaining({ title: { key: 'date.pipDecision' }, date: '2025-03-31', status: 'done' }),
    );
    expect(rules).toContain('date.extensionRequestFrom');
    expect(page.modules).toEqual([
      { module: 'PVT' },
      { module: 'MAP', agreedEndDate: '2026-03-31', startDate: '2025-04-10' },
      { module: 'KNM' },
    ]);
    expect(page.exams.map((e) => e.component)).toEqual(['LEZEN', 'LUISTEREN', 'SCHRIJVEN', 'SPREKEN', 'KNM']);
    expect(page.coachName).toBe('Anna de Vries');
  });

  it('exam results: the latest attempt per component; passed ones no longer count as open', () => {
    const state = run(b1Trajectory(), [
      [
        '2025-10-01',
        cmd('recordExamResult', { component: 'LEZEN', attempt: 1, date: '2025-10-01', passed: false }),
      ],
      [
        '2025-11-01',
        cmd('recordExamResult', { component: 'LEZEN', attempt: 2, date: '2025-11-01', passed: true }),
      ],
      [
        '2025-11-02',
        cmd('recordExamResult', { component: 'SPREKEN', attempt: 1, date: '2025-11-02', passed: false }),
      ],
    ]);
    const page = personalPage({ state, ...LINK });
    expect(page.phase).toBe('EXAMENS');
    expect(page.exams.find((e) => e.component === 'LEZEN')!.latest).toMatchObject({
      attempt: 2,
      passed: true,
    });
    expect(page.exams.find((e) => e.component === 'SPREKEN')!.latest).toMatchObject({ passed: false });
    expect(page.next.text.values).toEqual({ count: 4 });
  });

  it('paused: the coach resumes it; ended: no next step, no open dates', () => {
    const paused = run(start(), [['2025-01-10', cmd('pause', { date: '2025-01-10', reason: 'ziekte' })]]);
    expect(personalPage({ state: paused, ...LINK })).toMatchObject({
      paused: true,
      next: { text: { key: 'next.resume' }, who: ['coach'] },
    });
    const ended = run(start(), [
      ...toPipPhase,
      ['2025-03-01', cmd('endTrajectory', { reason: 'VERTROKKEN', date: '2025-03-01' })],
    ]);
    const page = personalPage({ state: ended, ...LINK });
    expect(page).toMatchObject({
      ended: { date: '2025-03-01' },
      next: { text: { key: 'next.ended' }, who: [] },
    });
    expect(page.dates.every((d) => d.status === 'done')).toBe(true);
  });
});
