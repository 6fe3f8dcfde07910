/**
 * Row group 1: the pure domain rules (domain/), as the workflow runs them: a typical B1-route
 * trajectory one year into its termijn (PIP set, three modules with agreed end dates, two
 * voortgangsgesprekken held, asielstatushouder with bijstand), and a typical coach action on it.
 */
import {
  apply,
  commandOf,
  computeDeadlines,
  initialState,
  koppelingSchema,
  tick,
  type TrajectoryState,
} from '../domain';
import type { Report } from './report';
import { opsPerSecond } from './stats';

const NOW = '2027-03-15T10:00:00.000Z';

export function typicalState(): TrajectoryState {
  const koppeling = koppelingSchema.parse({
    inburgeraarId: '0b6c3b5e-0a57-4a8e-9d55-4c1f6f1d2a10',
    koppelingDate: '2026-01-12',
    doelgroep: 'asielstatushouder',
    coachId: 'coach-bench',
    gemeenteCode: 'GM0193',
    bijstandStartDate: '2026-02-01',
    import: {
      phase: 'LEERROUTE',
      huisvestingDate: '2026-03-02',
      kennisgevingDate: '2026-01-20',
      brpInschrijvingDate: '2026-01-19',
      intakePlannedDate: '2026-02-10',
      intakeDate: '2026-02-12',
      pipDecisionDate: '2026-03-20',
      route: 'B1',
      modules: [
        { module: 'PVT', agreedEndDate: '2026-09-30', partnerId: 'vluchtelingenwerk' },
        { module: 'MAP', agreedEndDate: '2027-06-30' },
        { module: 'KNM', agreedEndDate: '2027-09-30' },
      ],
      lessonHours: 320,
      participationHours: 80,
      voortgangsgesprekDates: ['2026-06-18', '2026-09-17'],
    },
  });
  return initialState(koppeling, NOW);
}

export function runDomainBench(report: Report, seconds: number): void {
  const state = typicalState();
  const command = commandOf('recordVoortgangsgesprek', {
    date: '2027-03-15',
    note: 'voortgang besproken',
    actorId: 'coach-bench',
  });
  // Sanity: the command is allowed, so `apply` does the full work (validate, clone, recompute).
  const after = apply(state, command, NOW);
  if (after.state.voortgangsgesprekken.length !== 3)
    throw new Error('domain bench: the typical command was not applied');
  const per = Math.max(0.2, seconds / 3);

  const deadlines = opsPerSecond(() => computeDeadlines(state), per);
  report.add(
    'domain: computeDeadlines (B1, 1 yr in)',
    deadlines.perSecond,
    'ops/s',
    'domain.computeDeadlines',
  );
  const applied = opsPerSecond(() => apply(state, command, NOW), per);
  report.add('domain: apply recordVoortgangsgesprek', applied.perSecond, 'ops/s', 'domain.apply');
  const ticked = opsPerSecond(() => tick(state, NOW), per);
  report.add('domain: tick (statuses + moments due)', ticked.perSecond, 'ops/s', 'domain.tick');
}
