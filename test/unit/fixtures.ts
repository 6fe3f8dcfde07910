/** Builders for domain unit tests: a trajectory driven through commands on given local dates. */
import {
  apply,
  initialState,
  tick,
  type Command,
  type CommandInput,
  type CommandName,
  type Koppeling,
  type TrajectoryState,
} from '../../domain';

export const ID = '7b0c5b8e-3f8c-4a5e-9a43-0f6f3a1d2c11';

/** Noon in Amsterdam (10:00/11:00 UTC) on a local date: safely inside that day. */
export const noon = (date: string) => `${date}T10:30:00.000Z`;

export function koppeling(overrides: Partial<Koppeling> = {}): Koppeling {
  return {
    inburgeraarId: ID,
    koppelingDate: '2025-01-06',
    doelgroep: 'asielstatushouder',
    coachId: 'coach-1',
    ...overrides,
  };
}

export function start(overrides: Partial<Koppeling> = {}): TrajectoryState {
  return initialState(koppeling(overrides), noon(overrides.koppelingDate ?? '2025-01-06'));
}

export function cmd<N extends CommandName>(type: N, input: CommandInput<N>): Command {
  return { type, input } as Command;
}

export type Step = [date: string, command: Command];

export function run(state: TrajectoryState, steps: Step[]): TrajectoryState {
  return steps.reduce((s, [date, c]) => tick(apply(s, c, noon(date)).state, noon(date)).state, state);
}

/** Kennisgeving 2025-01-20, BRP 2025-02-03 → PIP due 2025-04-14. */
export const toPipPhase: Step[] = [
  ['2025-01-20', cmd('registerKennisgeving', { date: '2025-01-20' })],
  ['2025-02-03', cmd('registerBrpInschrijving', { date: '2025-02-03' })],
  ['2025-02-04', cmd('planBredeIntake', { plannedDate: '2025-02-20' })],
  [
    '2025-02-20',
    cmd('completeBredeIntake', { date: '2025-02-20', lbt: { date: '2025-02-18', adviesRoute: 'B1' } }),
  ],
];

export const b1Pip = cmd('setPip', {
  decisionDate: '2025-03-31',
  route: 'B1',
  modules: [{ module: 'PVT' }, { module: 'MAP', agreedEndDate: '2026-03-31' }, { module: 'KNM' }],
  taalschoolPartnerId: 'taalschool-1',
});

/** A B1 trajectory with the PIP set on 2025-03-31 (termijn 2025-04-01 .. 2028-03-31). */
export function b1Trajectory(): TrajectoryState {
  return run(start(), [...toPipPhase, ['2025-03-31', b1Pip]]);
}
