/** Every transition and every forbidden transition of the trajectory, table-driven. */
import {
  apply,
  commandSchemas,
  RuleViolation,
  summarize,
  validate,
  type Command,
  type TrajectoryState,
} from '../../domain';
import { b1Pip, b1Trajectory, cmd, noon, run, start, toPipPhase, type Step } from './fixtures';

const koppeld = () => start();
const intakePlanned = () => run(start(), toPipPhase.slice(0, 3));
const pipPhase = () => run(start(), toPipPhase);
const b1 = () => b1Trajectory();
const zPip = cmd('setPip', {
  decisionDate: '2025-03-31',
  route: 'Z',
  modules: [{ module: 'PVT' }, { module: 'MAP' }],
});
const onderwijsPip = cmd('setPip', {
  decisionDate: '2025-03-31',
  route: 'ONDERWIJS',
  modules: [{ module: 'PVT' }, { module: 'KNM' }],
});
const z = () => run(start(), [...toPipPhase, ['2025-03-31', zPip]]);
const onderwijs = () => run(start(), [...toPipPhase, ['2025-03-31', onderwijsPip]]);
const paused = () => run(b1(), [['2025-05-01', cmd('pause', { date: '2025-05-01', reason: 'opname' })]]);
const ended = () =>
  run(b1(), [['2025-05-01', cmd('endTrajectory', { reason: 'VERTROKKEN', date: '2025-05-01' })]]);
const withModule = (s: TrajectoryState, module: 'PVT' | 'MAP', date = '2025-04-10') =>
  run(s, [[date, cmd('startModule', { module, date })]]);
const threeNoShows = () =>
  run(intakePlanned(), [
    ['2025-02-20', cmd('recordIntakeNoShow', { date: '2025-02-20', nextPlannedDate: '2025-03-01' })],
    ['2025-03-01', cmd('recordIntakeNoShow', { date: '2025-03-01', nextPlannedDate: '2025-03-10' })],
    ['2025-03-10', cmd('recordIntakeNoShow', { date: '2025-03-10' })],
  ]);

type Row = [name: string, build: () => TrajectoryState, date: string, command: Command, expected: string];

/** Allowed transitions: [name, state, date, command, phase afterwards]. */
const waiting = () =>
  run(pipPhase(), [
    ['2025-03-01', cmd('registerWachtenOpDerden', { date: '2025-03-01', reason: 'medisch advies GGD' })],
  ]);

const allowed: Row[] = [
  [
    'wait for third-party information',
    pipPhase,
    '2025-03-01',
    cmd('registerWachtenOpDerden', { date: '2025-03-01', reason: 'advies GGD' }),
    'PIP',
  ],
  [
    'third-party information arrived',
    waiting,
    '2025-04-10',
    cmd('registerDerdenInformatieOntvangen', { date: '2025-04-10' }),
    'PIP',
  ],
  ['set PIP while waiting (information no longer needed)', waiting, '2025-03-31', b1Pip, 'LEERROUTE'],
  [
    'plan intake',
    koppeld,
    '2025-01-10',
    cmd('planBredeIntake', { plannedDate: '2025-02-01', lbtPlannedDate: '2025-01-30' }),
    'BREDE_INTAKE',
  ],
  [
    're-plan intake',
    intakePlanned,
    '2025-02-10',
    cmd('planBredeIntake', { plannedDate: '2025-02-25' }),
    'BREDE_INTAKE',
  ],
  [
    'complete intake with LBT',
    intakePlanned,
    '2025-02-20',
    cmd('completeBredeIntake', {
      date: '2025-02-20',
      lbt: { date: '2025-02-18', score: 61, adviesRoute: 'B1' },
    }),
    'PIP',
  ],
  [
    'complete intake without LBT',
    intakePlanned,
    '2025-02-20',
    cmd('completeBredeIntake', { date: '2025-02-20', lbtNotTakenReason: 'onderwijsroute' }),
    'PIP',
  ],
  [
    'complete the intake without the person after three summonses',
    threeNoShows,
    '2025-03-12',
    cmd('completeBredeIntakeWithoutPerson', { date: '2025-03-12' }),
    'PIP',
  ],
  [
    'intake no-show',
    intakePlanned,
    '2025-02-20',
    cmd('recordIntakeNoShow', { date: '2025-02-20' }),
    'BREDE_INTAKE',
  ],
  [
    'register kennisgeving',
    koppeld,
    '2025-01-20',
    cmd('registerKennisgeving', { date: '2025-01-20' }),
    'KOPPELING',
  ],
  [
    'register BRP',
    koppeld,
    '2025-01-20',
    cmd('registerBrpInschrijving', { date: '2025-01-20' }),
    'KOPPELING',
  ],
  [
    'register housing',
    koppeld,
    '2025-02-01',
    cmd('registerHuisvesting', { date: '2025-02-01' }),
    'KOPPELING',
  ],
  [
    'register bijstand',
    koppeld,
    '2025-02-01',
    cmd('registerBijstand', { startDate: '2025-02-01' }),
    'KOPPELING',
  ],
  ['set PIP B1', pipPhase, '2025-03-31', b1Pip, 'LEERROUTE'],
  ['set PIP onderwijsroute', pipPhase, '2025-03-31', onderwijsPip, 'LEERROUTE'],
  ['set PIP Z-route', pipPhase, '2025-03-31', zPip, 'LEERROUTE'],
  [
    'set PIP without input after the sanctions',
    threeNoShows,
    '2025-03-20',
    cmd('setPip', {
      decisionDate: '2025-03-20',
      route: 'Z',
      modules: [{ module: 'PVT' }, { module: 'MAP' }],
    }),
    'LEERROUTE',
  ],
  [
    'revise PIP',
    b1,
    '2025-05-01',
    cmd('revisePip', {
      decisionDate: '2025-05-01',
      reason: 'MAP later',
      modules: [{ module: 'MAP', agreedEndDate: '2026-06-30' }],
    }),
    'LEERROUTE',
  ],
  ['start module', b1, '2025-04-10', cmd('startModule', { module: 'PVT', date: '2025-04-10' }), 'LEERROUTE'],
  [
    'complete PVT with 12 hours',
    () => withModule(b1(), 'PVT'),
    '2025-05-10',
    cmd('completeModule', { module: 'PVT', date: '2025-05-10', hours: 12 }),
    'LEERROUTE',
  ],
  [
    'complete MAP with 40 hours',
    () => withModule(b1(), 'MAP'),
    '2025-09-10',
    cmd('completeModule', { module: 'MAP', date: '2025-09-10', hours: 42 }),
    'LEERROUTE',
  ],
  [
    'record lesson hours',
    b1,
    '2025-04-30',
    cmd('recordProgressHours', { kind: 'LESSEN', hours: 60, periodEnd: '2025-04-30' }),
    'LEERROUTE',
  ],
  [
    'record exam result',
    b1,
    '2025-10-01',
    cmd('recordExamResult', { component: 'LEZEN', attempt: 1, date: '2025-10-01', passed: false }),
    'EXAMENS',
  ],
  [
    'a B1 language exam in the onderwijsroute (the other way to meet the plicht)',
    onderwijs,
    '2025-10-01',
    cmd('recordExamResult', { component: 'LEZEN', attempt: 1, date: '2025-10-01', passed: true }),
    'EXAMENS',
  ],
  [
    'complete onderwijsroute',
    onderwijs,
    '2026-09-01',
    cmd('completeLeerroute', { date: '2026-09-01' }),
    'LEERROUTE',
  ],
  [
    'switch route inside 1.5 years',
    b1,
    '2026-09-30',
    cmd('switchRoute', { to: 'Z', date: '2026-09-30', reason: 'LBT herzien' }),
    'LEERROUTE',
  ],
  [
    'switch onderwijs → B1 after 1.5 years',
    onderwijs,
    '2027-01-10',
    cmd('switchRoute', { to: 'B1', date: '2027-01-10', reason: 'uitval' }),
    'LEERROUTE',
  ],
  [
    'downgrade B1 → A2 after 600 hours',
    () =>
      run(b1(), [
        ['2026-05-01', cmd('recordProgressHours', { kind: 'LESSEN', hours: 600, periodEnd: '2026-05-01' })],
      ]),
    '2026-05-02',
    cmd('downgradeRoute', { date: '2026-05-02', effortDemonstrated: true, reason: 'inspanning' }),
    'LEERROUTE',
  ],
  [
    'record voortgangsgesprek',
    b1,
    '2025-06-20',
    cmd('recordVoortgangsgesprek', { date: '2025-06-20', note: 'goed op weg' }),
    'LEERROUTE',
  ],
  [
    'grant extension at 2.5 years',
    b1,
    '2027-10-01',
    cmd('grantExtension', {
      ground: 'ZIEKTE',
      decisionDate: '2027-10-01',
      period: { unit: 'MONTHS', amount: 4 },
    }),
    'LEERROUTE',
  ],
  [
    'grant exemption',
    b1,
    '2025-06-01',
    cmd('grantExemption', { ground: 'MEDISCH', decisionDate: '2025-06-01' }),
    'ONTHEFFING',
  ],
  ['pause', b1, '2025-05-01', cmd('pause', { date: '2025-05-01', reason: 'opname' }), 'LEERROUTE'],
  ['resume', paused, '2025-06-01', cmd('resume', { date: '2025-06-01' }), 'LEERROUTE'],
  [
    'lesson hours reported while paused (a fact)',
    paused,
    '2025-05-31',
    cmd('recordProgressHours', { kind: 'LESSEN', hours: 40, periodEnd: '2025-05-31' }),
    'LEERROUTE',
  ],
  [
    'grant exemption while paused',
    paused,
    '2025-06-01',
    cmd('grantExemption', { ground: 'MEDISCH', decisionDate: '2025-06-01' }),
    'ONTHEFFING',
  ],
  [
    'transfer',
    b1,
    '2025-06-01',
    cmd('transfer', { toGemeenteCode: 'GM0363', date: '2025-06-01' }),
    'VERHUISD',
  ],
  [
    'end: left the country',
    b1,
    '2025-06-01',
    cmd('endTrajectory', { reason: 'VERTROKKEN', date: '2025-06-01' }),
    'VERTROKKEN',
  ],
  [
    'end: died',
    b1,
    '2025-06-01',
    cmd('endTrajectory', { reason: 'OVERLEDEN', date: '2025-06-01' }),
    'OVERLEDEN',
  ],
  [
    'end: other',
    b1,
    '2025-06-01',
    cmd('endTrajectory', { reason: 'OVERIG', date: '2025-06-01', toelichting: 'naturalisatie' }),
    'BEEINDIGD',
  ],
  ['reassign coach', b1, '2025-06-01', cmd('reassignCoach', { coachId: 'coach-2' }), 'LEERROUTE'],
  [
    'register the start of the lessons',
    b1,
    '2025-04-15',
    cmd('registerStartLessen', { date: '2025-04-15', partnerId: 'taalschool-1' }),
    'LEERROUTE',
  ],
  [
    'report a late course offer to DUO',
    b1,
    '2025-07-15',
    cmd('registerMeldingAanbodDuo', { date: '2025-07-15' }),
    'LEERROUTE',
  ],
  [
    'fine for not keeping to the PIP (art. 23)',
    b1,
    '2025-06-01',
    cmd('imposeFine', { ground: 'PIP_NIET_NAGEKOMEN', decisionDate: '2025-06-01' }),
    'LEERROUTE',
  ],
  [
    'fine for a missed intake (art. 22) with a new term',
    intakePlanned,
    '2025-02-20',
    cmd('imposeFine', {
      ground: 'INTAKE_NIET_VERSCHENEN',
      decisionDate: '2025-02-20',
      newTermEnd: '2025-04-20',
    }),
    'BREDE_INTAKE',
  ],
  [
    'a gap in the obligation',
    b1,
    '2026-01-10',
    cmd('registerPlichtOnderbreking', {
      from: '2025-10-01',
      to: '2026-01-01',
      reason: 'vergunning vervallen',
    }),
    'LEERROUTE',
  ],
];

/** Forbidden transitions: [name, state, date, command, rule code]. */
const forbidden: Row[] = [
  [
    'wait after the PIP',
    b1,
    '2025-05-01',
    cmd('registerWachtenOpDerden', { date: '2025-05-01', reason: 'x' }),
    'PIP_ALREADY_SET',
  ],
  [
    'wait before the PIP term runs',
    koppeld,
    '2025-01-10',
    cmd('registerWachtenOpDerden', { date: '2025-01-10', reason: 'x' }),
    'PIP_TERM_NOT_STARTED',
  ],
  [
    'wait after the PIP term passed',
    pipPhase,
    '2025-04-20',
    cmd('registerWachtenOpDerden', { date: '2025-04-20', reason: 'x' }),
    'PIP_TERM_PASSED',
  ],
  [
    'wait twice',
    waiting,
    '2025-03-05',
    cmd('registerWachtenOpDerden', { date: '2025-03-05', reason: 'x' }),
    'PIP_WAIT_OPEN',
  ],
  [
    'information without a wait',
    pipPhase,
    '2025-03-05',
    cmd('registerDerdenInformatieOntvangen', { date: '2025-03-05' }),
    'NO_PIP_WAIT',
  ],
  [
    'information before it was asked',
    waiting,
    '2025-03-05',
    cmd('registerDerdenInformatieOntvangen', { date: '2025-02-20' }),
    'DATE_OUT_OF_ORDER',
  ],
  [
    'anything after the end',
    ended,
    '2025-06-01',
    cmd('recordVoortgangsgesprek', { date: '2025-06-01' }),
    'TRAJECTORY_ENDED',
  ],
  [
    'a coach action while paused',
    paused,
    '2025-06-01',
    cmd('recordVoortgangsgesprek', { date: '2025-06-01' }),
    'TRAJECTORY_PAUSED',
  ],
  [
    'a fact dated in the future',
    b1,
    '2025-06-01',
    cmd('recordVoortgangsgesprek', { date: '2025-06-02' }),
    'DATE_IN_FUTURE',
  ],
  [
    'intake before koppeling',
    koppeld,
    '2025-01-10',
    cmd('planBredeIntake', { plannedDate: '2025-01-01' }),
    'DATE_BEFORE_KOPPELING',
  ],
  [
    'plan intake after it was done',
    pipPhase,
    '2025-03-01',
    cmd('planBredeIntake', { plannedDate: '2025-03-10' }),
    'INTAKE_ALREADY_COMPLETED',
  ],
  [
    'complete an intake never planned',
    koppeld,
    '2025-02-01',
    cmd('completeBredeIntake', { date: '2025-02-01', lbtNotTakenReason: 'x' }),
    'INTAKE_NOT_PLANNED',
  ],
  [
    'complete the intake twice',
    pipPhase,
    '2025-03-01',
    cmd('completeBredeIntake', { date: '2025-03-01', lbtNotTakenReason: 'x' }),
    'INTAKE_ALREADY_COMPLETED',
  ],
  [
    'complete intake without LBT result',
    intakePlanned,
    '2025-02-20',
    cmd('completeBredeIntake', { date: '2025-02-20' }),
    'LBT_RESULT_REQUIRED',
  ],
  [
    'no-show without a planned intake',
    koppeld,
    '2025-02-01',
    cmd('recordIntakeNoShow', { date: '2025-02-01' }),
    'INTAKE_NOT_PLANNED',
  ],
  [
    'a fourth no-show step',
    threeNoShows,
    '2025-03-20',
    cmd('recordIntakeNoShow', { date: '2025-03-20' }),
    'INTAKE_SANCTIONS_EXHAUSTED',
  ],
  [
    'housing before koppeling',
    koppeld,
    '2025-02-01',
    cmd('registerHuisvesting', { date: '2025-01-01' }),
    'DATE_BEFORE_KOPPELING',
  ],
  ['PIP before the intake', intakePlanned, '2025-03-31', b1Pip, 'PIP_REQUIRES_INTAKE'],
  [
    'PIP without kennisgeving',
    () => run(start(), toPipPhase.slice(1)),
    '2025-03-31',
    b1Pip,
    'PIP_REQUIRES_KENNISGEVING',
  ],
  ['PIP twice', b1, '2025-04-02', b1Pip, 'PIP_ALREADY_SET'],
  [
    'PIP dated before the intake',
    pipPhase,
    '2025-03-31',
    cmd('setPip', {
      decisionDate: '2025-02-10',
      route: 'Z',
      modules: [{ module: 'PVT' }, { module: 'MAP' }],
    }),
    'PIP_BEFORE_INTAKE',
  ],
  [
    'PIP without PVT',
    pipPhase,
    '2025-03-31',
    cmd('setPip', { decisionDate: '2025-03-31', route: 'B1', modules: [{ module: 'MAP' }] }),
    'PIP_REQUIRES_PVT',
  ],
  [
    'B1 PIP without MAP',
    pipPhase,
    '2025-03-31',
    cmd('setPip', { decisionDate: '2025-03-31', route: 'B1', modules: [{ module: 'PVT' }] }),
    'PIP_REQUIRES_MAP',
  ],
  [
    'MAP in the onderwijsroute',
    pipPhase,
    '2025-03-31',
    cmd('setPip', {
      decisionDate: '2025-03-31',
      route: 'ONDERWIJS',
      modules: [{ module: 'PVT' }, { module: 'MAP' }],
    }),
    'MAP_NOT_IN_ROUTE',
  ],
  [
    'a module twice',
    pipPhase,
    '2025-03-31',
    cmd('setPip', {
      decisionDate: '2025-03-31',
      route: 'Z',
      modules: [{ module: 'PVT' }, { module: 'MAP' }, { module: 'PVT' }],
    }),
    'PIP_DUPLICATE_MODULE',
  ],
  [
    'ontzorgen without bijstand',
    pipPhase,
    '2025-03-31',
    cmd('setPip', {
      decisionDate: '2025-03-31',
      route: 'Z',
      modules: [{ module: 'PVT' }, { module: 'MAP' }, { module: 'ONTZORGEN' }],
    }),
    'ONTZORGEN_REQUIRES_BIJSTAND',
  ],
  [
    'revise before a PIP',
    pipPhase,
    '2025-03-31',
    cmd('revisePip', { decisionDate: '2025-03-31', reason: 'x' }),
    'PIP_NOT_SET',
  ],
  [
    'revise dated before the PIP',
    b1,
    '2025-05-01',
    cmd('revisePip', { decisionDate: '2025-03-01', reason: 'x' }),
    'DATE_OUT_OF_ORDER',
  ],
  [
    'revise MAP into the onderwijsroute',
    onderwijs,
    '2025-05-01',
    cmd('revisePip', { decisionDate: '2025-05-01', reason: 'x', modules: [{ module: 'MAP' }] }),
    'MAP_NOT_IN_ROUTE',
  ],
  [
    'start a module not in the PIP',
    b1,
    '2025-04-10',
    cmd('startModule', { module: 'ONTZORGEN', date: '2025-04-10' }),
    'MODULE_NOT_IN_PIP',
  ],
  [
    'start a module twice',
    () => withModule(b1(), 'PVT'),
    '2025-04-11',
    cmd('startModule', { module: 'PVT', date: '2025-04-11' }),
    'MODULE_ALREADY_STARTED',
  ],
  [
    'start a module before the PIP',
    pipPhase,
    '2025-03-01',
    cmd('startModule', { module: 'PVT', date: '2025-03-01' }),
    'PIP_NOT_SET',
  ],
  [
    'complete a module not started',
    b1,
    '2025-05-10',
    cmd('completeModule', { module: 'PVT', date: '2025-05-10' }),
    'MODULE_NOT_STARTED',
  ],
  [
    'complete a module not in the PIP',
    b1,
    '2025-05-10',
    cmd('completeModule', { module: 'ONTZORGEN', date: '2025-05-10' }),
    'MODULE_NOT_IN_PIP',
  ],
  [
    'complete a module before its start',
    () => withModule(b1(), 'PVT'),
    '2025-05-10',
    cmd('completeModule', { module: 'PVT', date: '2025-04-01' }),
    'DATE_OUT_OF_ORDER',
  ],
  [
    'complete a module twice',
    () =>
      run(withModule(b1(), 'PVT'), [
        ['2025-05-10', cmd('completeModule', { module: 'PVT', date: '2025-05-10', hours: 14 })],
      ]),
    '2025-05-11',
    cmd('completeModule', { module: 'PVT', date: '2025-05-11', hours: 14 }),
    'MODULE_ALREADY_COMPLETED',
  ],
  [
    'PVT with fewer than 12 hours',
    () => withModule(b1(), 'PVT'),
    '2025-05-10',
    cmd('completeModule', { module: 'PVT', date: '2025-05-10', hours: 10 }),
    'PVT_MIN_HOURS',
  ],
  [
    'MAP with fewer than 40 hours',
    () => withModule(b1(), 'MAP'),
    '2025-09-10',
    cmd('completeModule', { module: 'MAP', date: '2025-09-10', hours: 30 }),
    'MAP_MIN_HOURS',
  ],
  [
    'hours before the PIP',
    pipPhase,
    '2025-03-01',
    cmd('recordProgressHours', { kind: 'LESSEN', hours: 10, periodEnd: '2025-03-01' }),
    'PIP_NOT_SET',
  ],
  [
    'an exam before the PIP',
    pipPhase,
    '2025-03-01',
    cmd('recordExamResult', { component: 'KNM', attempt: 1, date: '2025-03-01', passed: true }),
    'PIP_NOT_SET',
  ],
  [
    'a language exam in the Z-route',
    z,
    '2025-10-01',
    cmd('recordExamResult', { component: 'LEZEN', attempt: 1, date: '2025-10-01', passed: true }),
    'EXAM_NOT_IN_ROUTE',
  ],
  [
    'an exam in the Z-route',
    z,
    '2025-10-01',
    cmd('recordExamResult', { component: 'KNM', attempt: 1, date: '2025-10-01', passed: true }),
    'EXAM_NOT_IN_ROUTE',
  ],
  [
    'attempt 2 before attempt 1',
    b1,
    '2025-10-01',
    cmd('recordExamResult', { component: 'LEZEN', attempt: 2, date: '2025-10-01', passed: true }),
    'EXAM_ATTEMPT_OUT_OF_ORDER',
  ],
  [
    'an exam already passed',
    () =>
      run(b1(), [
        [
          '2025-10-01',
          cmd('recordExamResult', { component: 'LEZEN', attempt: 1, date: '2025-10-01', passed: true }),
        ],
      ]),
    '2025-11-01',
    cmd('recordExamResult', { component: 'LEZEN', attempt: 2, date: '2025-11-01', passed: true }),
    'EXAM_ALREADY_PASSED',
  ],
  [
    'an attempt dated before the previous',
    () =>
      run(b1(), [
        [
          '2025-10-01',
          cmd('recordExamResult', { component: 'LEZEN', attempt: 1, date: '2025-10-01', passed: false }),
        ],
      ]),
    '2025-11-01',
    cmd('recordExamResult', { component: 'LEZEN', attempt: 2, date: '2025-09-01', passed: true }),
    'DATE_OUT_OF_ORDER',
  ],
  [
    'complete the B1-route by hand',
    b1,
    '2026-09-01',
    cmd('completeLeerroute', { date: '2026-09-01' }),
    'LEERROUTE_COMPLETES_BY_EXAMS',
  ],
  [
    'complete the Z-route without hours',
    z,
    '2026-09-01',
    cmd('completeLeerroute', { date: '2026-09-01' }),
    'Z_ROUTE_HOURS_INSUFFICIENT',
  ],
  [
    'complete the Z-route with lessons only (asielstatushouder)',
    () =>
      run(z(), [
        ['2026-06-01', cmd('recordProgressHours', { kind: 'LESSEN', hours: 800, periodEnd: '2026-06-01' })],
      ]),
    '2026-09-01',
    cmd('completeLeerroute', { date: '2026-09-01' }),
    'Z_ROUTE_HOURS_INSUFFICIENT',
  ],
  [
    'complete the leerroute twice',
    () => run(onderwijs(), [['2026-09-01', cmd('completeLeerroute', { date: '2026-09-01' })]]),
    '2026-09-02',
    cmd('completeLeerroute', { date: '2026-09-02' }),
    'LEERROUTE_ALREADY_COMPLETED',
  ],
  [
    'complete the leerroute before the PIP',
    onderwijs,
    '2026-09-01',
    cmd('completeLeerroute', { date: '2025-01-01' }),
    'DATE_OUT_OF_ORDER',
  ],
  [
    'switch to the same route',
    b1,
    '2025-06-01',
    cmd('switchRoute', { to: 'B1', date: '2025-06-01', reason: 'x' }),
    'ROUTE_UNCHANGED',
  ],
  [
    'switch after 1.5 years',
    b1,
    '2026-10-01',
    cmd('switchRoute', { to: 'Z', date: '2026-10-01', reason: 'x' }),
    'ROUTE_SWITCH_WINDOW_CLOSED',
  ],
  [
    'switch before the PIP',
    pipPhase,
    '2025-03-01',
    cmd('switchRoute', { to: 'Z', date: '2025-03-01', reason: 'x' }),
    'PIP_NOT_SET',
  ],
  [
    'switch dated before the PIP',
    b1,
    '2025-06-01',
    cmd('switchRoute', { to: 'Z', date: '2025-03-01', reason: 'x' }),
    'DATE_OUT_OF_ORDER',
  ],
  [
    'downgrade outside the B1-route',
    z,
    '2026-06-01',
    cmd('downgradeRoute', { date: '2026-06-01', effortDemonstrated: true, reason: 'x' }),
    'DOWNGRADE_ONLY_FROM_B1',
  ],
  [
    'downgrade under 600 hours',
    b1,
    '2026-06-01',
    cmd('downgradeRoute', { date: '2026-06-01', effortDemonstrated: true, reason: 'x' }),
    'DOWNGRADE_REQUIRES_600_HOURS',
  ],
  [
    'downgrade twice',
    () =>
      run(b1(), [
        ['2026-05-01', cmd('recordProgressHours', { kind: 'LESSEN', hours: 600, periodEnd: '2026-05-01' })],
        ['2026-05-02', cmd('downgradeRoute', { date: '2026-05-02', effortDemonstrated: true, reason: 'x' })],
      ]),
    '2026-06-01',
    cmd('downgradeRoute', { date: '2026-06-01', effortDemonstrated: true, reason: 'x' }),
    'ALREADY_DOWNGRADED',
  ],
  [
    'a gesprek before the PIP',
    pipPhase,
    '2025-03-01',
    cmd('recordVoortgangsgesprek', { date: '2025-03-01' }),
    'PIP_NOT_SET',
  ],
  [
    'a gesprek dated before the PIP',
    b1,
    '2025-06-01',
    cmd('recordVoortgangsgesprek', { date: '2025-03-01' }),
    'DATE_OUT_OF_ORDER',
  ],
  [
    'a gesprek dated before the last one',
    () => run(b1(), [['2025-06-20', cmd('recordVoortgangsgesprek', { date: '2025-06-20' })]]),
    '2025-07-01',
    cmd('recordVoortgangsgesprek', { date: '2025-06-10' }),
    'DATE_OUT_OF_ORDER',
  ],
  [
    'an extension before the termijn',
    pipPhase,
    '2025-03-01',
    cmd('grantExtension', {
      ground: 'ZIEKTE',
      decisionDate: '2025-03-01',
      period: { unit: 'MONTHS', amount: 4 },
    }),
    'TERMIJN_NOT_STARTED',
  ],
  [
    'an extension before 2.5 years',
    b1,
    '2027-09-30',
    cmd('grantExtension', {
      ground: 'ZIEKTE',
      decisionDate: '2027-09-30',
      period: { unit: 'MONTHS', amount: 4 },
    }),
    'EXTENSION_TOO_EARLY',
  ],
  [
    'birth other than 16 weeks',
    b1,
    '2027-10-01',
    cmd('grantExtension', {
      ground: 'ZWANGERSCHAP_BEVALLING',
      decisionDate: '2027-10-01',
      period: { unit: 'MONTHS', amount: 4 },
    }),
    'EXTENSION_PERIOD_INVALID',
  ],
  [
    'illness under 3 months',
    b1,
    '2027-10-01',
    cmd('grantExtension', {
      ground: 'ZIEKTE',
      decisionDate: '2027-10-01',
      period: { unit: 'WEEKS', amount: 8 },
    }),
    'EXTENSION_PERIOD_TOO_SHORT',
  ],
  [
    'special circumstances under 3 months',
    b1,
    '2027-10-01',
    cmd('grantExtension', {
      ground: 'BIJZONDERE_OMSTANDIGHEDEN',
      decisionDate: '2027-10-01',
      period: { unit: 'MONTHS', amount: 2 },
    }),
    'EXTENSION_PERIOD_TOO_SHORT',
  ],
  ['pause twice', paused, '2025-05-02', cmd('pause', { date: '2025-05-02', reason: 'x' }), 'ALREADY_PAUSED'],
  ['resume without pause', b1, '2025-05-02', cmd('resume', { date: '2025-05-02' }), 'NOT_PAUSED'],
  [
    'resume before the pause',
    paused,
    '2025-05-02',
    cmd('resume', { date: '2025-04-01' }),
    'DATE_OUT_OF_ORDER',
  ],
  [
    'transfer to the own gemeente',
    () => start({ gemeenteCode: 'GM0193' }),
    '2025-05-02',
    cmd('transfer', { toGemeenteCode: 'GM0193', date: '2025-05-02' }),
    'TRANSFER_SAME_GEMEENTE',
  ],
  [
    'end OVERIG without toelichting',
    b1,
    '2025-05-02',
    cmd('endTrajectory', { reason: 'OVERIG', date: '2025-05-02' }),
    'END_REASON_REQUIRES_TOELICHTING',
  ],
  [
    'the lessons started twice',
    () => run(b1(), [['2025-04-15', cmd('registerStartLessen', { date: '2025-04-15' })]]),
    '2025-04-20',
    cmd('registerStartLessen', { date: '2025-04-20' }),
    'LESSEN_ALREADY_STARTED',
  ],
  [
    'lessons dated before the PIP',
    b1,
    '2025-04-15',
    cmd('registerStartLessen', { date: '2025-03-01' }),
    'DATE_OUT_OF_ORDER',
  ],
  [
    'a report to DUO while the course can still start in time',
    b1,
    '2025-06-30',
    cmd('registerMeldingAanbodDuo', { date: '2025-06-30' }),
    'COURSE_OFFER_NOT_LATE',
  ],
  [
    'an art. 22 fine with a new term of more than 2 months',
    intakePlanned,
    '2025-02-20',
    cmd('imposeFine', {
      ground: 'INTAKE_NIET_VERSCHENEN',
      decisionDate: '2025-02-20',
      newTermEnd: '2025-04-21',
    }),
    'FINE_TERM_TOO_LONG',
  ],
  [
    'without the person before three summonses',
    intakePlanned,
    '2025-02-20',
    cmd('completeBredeIntakeWithoutPerson', { date: '2025-02-20' }),
    'INTAKE_SUMMONSES_NOT_EXHAUSTED',
  ],
  [
    'an art. 23 fine before the PIP',
    intakePlanned,
    '2025-02-20',
    cmd('imposeFine', { ground: 'PIP_NIET_NAGEKOMEN', decisionDate: '2025-02-20' }),
    'PIP_NOT_SET',
  ],
  [
    'a gap before the termijn',
    pipPhase,
    '2025-03-01',
    cmd('registerPlichtOnderbreking', { from: '2025-02-01', to: '2025-03-01' }),
    'TERMIJN_NOT_STARTED',
  ],
  [
    'a gap that ended before the termijn started',
    b1,
    '2025-06-01',
    cmd('registerPlichtOnderbreking', { from: '2025-02-01', to: '2025-04-01' }),
    'DATE_OUT_OF_ORDER',
  ],
  [
    'reassign to the same coach',
    b1,
    '2025-05-02',
    cmd('reassignCoach', { coachId: 'coach-1' }),
    'COACH_UNCHANGED',
  ],
];

describe('allowed transitions', () => {
  it.each(allowed)('%s', (_name, build, date, command, phase) => {
    const before = build();
    expect(commandSchemas[command.type].safeParse(command.input).success).toBe(true);
    expect(validate(before, command, noon(date))).toBeNull();
    const { state, events } = apply(before, command, noon(date));
    expect(state.phase).toBe(phase);
    expect(events[0]).toMatchObject({ type: command.type, seq: before.eventSeq + 1 });
    expect(state.eventSeq).toBe(before.eventSeq + events.length);
  });
});

describe('forbidden transitions', () => {
  it.each(forbidden)('%s', (_name, build, date, command, code) => {
    const before = build();
    expect(commandSchemas[command.type].safeParse(command.input).success).toBe(true);
    expect(validate(before, command, noon(date))).toMatchObject({ code });
    expect(() => apply(before, command, noon(date))).toThrow(RuleViolation);
    expect(() => apply(before, command, noon(date))).toThrow(new RegExp(`^${code}: `));
  });

  it('every command has an allowed transition', () => {
    const names = Object.keys(commandSchemas);
    expect(new Set(allowed.map((r) => r[3].type))).toEqual(new Set(names));
  });
});

describe('effects', () => {
  it('does not mutate its input', () => {
    const before = b1();
    const copy = JSON.stringify(before);
    apply(before, cmd('recordVoortgangsgesprek', { date: '2025-06-20' }), noon('2025-06-20'));
    expect(JSON.stringify(before)).toBe(copy);
  });

  it('setPip starts the termijn and refers to the taalschool', () => {
    const { state, notifications } = apply(pipPhase(), b1Pip, noon('2025-03-31'));
    expect(state.dates).toMatchObject({ pipDecision: '2025-03-31', termijnStart: '2025-04-01' });
    expect(notifications).toEqual([
      expect.objectContaining({
        id: 'PIP_REFERRAL:taalschool-1:2025-03-31',
        template: 'PIP_REFERRAL',
        channel: 'webhook',
        recipient: { role: 'partner', id: 'taalschool-1' },
        data: expect.objectContaining({ route: 'B1', termijnEnd: '2028-03-31', modules: 'PVT,MAP,KNM' }),
      }),
    ]);
  });

  it('missed intake summonses (Wi2021 art. 14 lid 2): warning, warning, then completed without the person', () => {
    const steps: Step[] = [
      ['2025-02-20', cmd('recordIntakeNoShow', { date: '2025-02-20' })],
      ['2025-03-01', cmd('recordIntakeNoShow', { date: '2025-03-01' })],
      ['2025-03-10', cmd('recordIntakeNoShow', { date: '2025-03-10' })],
    ];
    let s = intakePlanned();
    const got: string[] = [];
    for (const [date, c] of steps) {
      const t = apply(s, c, noon(date));
      got.push(...t.notifications.map((n) => `${n.template}>${n.recipient.role}`));
      s = t.state;
    }
    expect(got).toEqual([
      'INTAKE_WAARSCHUWING>coach',
      'INTAKE_WAARSCHUWING>coach',
      'INTAKE_ZONDER_INBURGERAAR>coach',
    ]);
    expect(s.intake.noShows.map((n) => [n.summons, n.sanction])).toEqual([
      [1, 'WAARSCHUWING'],
      [2, 'WAARSCHUWING'],
      [3, 'GEEN'],
    ]);
    expect(s.fines).toBeUndefined(); // a fine is a decision of its own (imposeFine)
    const withoutPerson = apply(
      s,
      cmd('completeBredeIntakeWithoutPerson', { date: '2025-03-12' }),
      noon('2025-03-12'),
    );
    expect(withoutPerson.state).toMatchObject({ phase: 'PIP', intake: { withoutPerson: true } });
    const pipAfter = apply(
      withoutPerson.state,
      cmd('setPip', {
        decisionDate: '2025-03-20',
        route: 'Z',
        modules: [{ module: 'PVT' }, { module: 'MAP' }],
      }),
      noon('2025-03-20'),
    );
    expect(pipAfter.state.pip!.withoutInput).toBe(true);
    const pip = apply(
      s,
      cmd('setPip', {
        decisionDate: '2025-03-20',
        route: 'Z',
        modules: [{ module: 'PVT' }, { module: 'MAP' }],
      }),
      noon('2025-03-20'),
    );
    expect(pip.state.pip!.withoutInput).toBe(true);
  });

  it('the B1-route is voldaan when all exams, PVT and MAP are done', () => {
    let s = withModule(withModule(b1(), 'PVT'), 'MAP');
    s = run(s, [
      ['2025-06-01', cmd('completeModule', { module: 'PVT', date: '2025-06-01', hours: 12 })],
      ['2025-12-01', cmd('completeModule', { module: 'MAP', date: '2025-12-01', hours: 40 })],
      [
        '2026-05-01',
        cmd('recordExamResult', { component: 'LEZEN', attempt: 1, date: '2026-05-01', passed: false }),
      ],
      [
        '2026-06-01',
        cmd('recordExamResult', { component: 'LEZEN', attempt: 2, date: '2026-06-01', passed: true }),
      ],
      [
        '2026-06-01',
        cmd('recordExamResult', { component: 'LUISTEREN', attempt: 1, date: '2026-06-01', passed: true }),
      ],
      [
        '2026-06-01',
        cmd('recordExamResult', { component: 'SCHRIJVEN', attempt: 1, date: '2026-06-01', passed: true }),
      ],
      [
        '2026-06-01',
        cmd('recordExamResult', { component: 'SPREKEN', attempt: 1, date: '2026-06-01', passed: true }),
      ],
    ]);
    expect(s.phase).toBe('EXAMENS');
    const last = apply(
      s,
      cmd('recordExamResult', { component: 'KNM', attempt: 1, date: '2026-06-15', passed: true }),
      noon('2026-06-15'),
    );
    expect(last.state.phase).toBe('AFGEROND');
    expect(last.state.ended).toEqual({ reason: 'VOLDAAN', date: '2026-06-15' });
    expect(last.notifications.map((n) => n.template)).toEqual(['AFGEROND']);
    expect(last.state.deadlines.find((d) => d.key === 'INBURGERINGSTERMIJN')).toMatchObject({
      status: 'met',
      fulfilledDate: '2026-06-15',
    });
    expect(summarize(last.state)).toMatchObject({
      phase: 'AFGEROND',
      endedReason: 'VOLDAAN',
      overdue: false,
    });
  });

  it('a third exam attempt is not free', () => {
    const s = run(b1(), [
      [
        '2025-10-01',
        cmd('recordExamResult', { component: 'SPREKEN', attempt: 1, date: '2025-10-01', passed: false }),
      ],
      [
        '2025-11-01',
        cmd('recordExamResult', { component: 'SPREKEN', attempt: 2, date: '2025-11-01', passed: false }),
      ],
      [
        '2025-12-01',
        cmd('recordExamResult', {
          component: 'SPREKEN',
          attempt: 3,
          date: '2025-12-01',
          passed: true,
          partnerId: 'taalschool-1',
        }),
      ],
    ]);
    expect(s.exams.SPREKEN!.map((a) => [a.attempt, a.free, a.source])).toEqual([
      [1, true, 'coach'],
      [2, true, 'coach'],
      [3, false, 'partner'],
    ]);
  });

  it('downgrading records later language attempts at A2', () => {
    const s = run(b1(), [
      ['2026-05-01', cmd('recordProgressHours', { kind: 'LESSEN', hours: 620, periodEnd: '2026-05-01' })],
      [
        '2026-05-02',
        cmd('downgradeRoute', {
          date: '2026-05-02',
          effortDemonstrated: true,
          reason: 'inspanning aangetoond',
        }),
      ],
      [
        '2026-06-01',
        cmd('recordExamResult', { component: 'LEZEN', attempt: 1, date: '2026-06-01', passed: true }),
      ],
    ]);
    expect(s.taalniveau).toBe('A2');
    expect(s.exams.LEZEN![0]!.level).toBe('A2');
  });

  it('switching to the onderwijsroute takes MAP out of the plicht; back to B1 puts it in', () => {
    const s = run(b1(), [
      ['2025-06-01', cmd('switchRoute', { to: 'ONDERWIJS', date: '2025-06-01', reason: 'hoger niveau' })],
    ]);
    expect(s.modules.MAP!.inPip).toBe(false);
    expect(s.pip!.revisions).toHaveLength(1);
    const back = run(s, [
      ['2025-07-01', cmd('switchRoute', { to: 'Z', date: '2025-07-01', reason: 'terug' })],
    ]);
    expect(back.modules.MAP!.inPip).toBe(true);
  });

  it('transfer notifies the new gemeente (warm transfer)', () => {
    const t = apply(
      b1(),
      cmd('transfer', { toGemeenteCode: 'GM0363', date: '2025-06-01' }),
      noon('2025-06-01'),
    );
    expect(t.notifications[0]).toMatchObject({
      template: 'TRANSFER',
      recipient: { role: 'gemeente', id: 'GM0363' },
    });
    expect(t.state.ended).toMatchObject({ reason: 'VERHUISD', date: '2025-06-01' });
  });
});

describe('caseload import starts in the right phase', () => {
  it('a trajectory imported in the leerroute has its termijn and deadlines', () => {
    const s = start({
      koppelingDate: '2024-01-10',
      import: {
        phase: 'LEERROUTE',
        kennisgevingDate: '2024-02-01',
        brpInschrijvingDate: '2024-02-01',
        huisvestingDate: '2024-03-01',
        intakeDate: '2024-03-05',
        pipDecisionDate: '2024-04-01',
        route: 'B1',
        modules: [{ module: 'PVT' }, { module: 'MAP' }],
        lessonHours: 300,
        voortgangsgesprekDates: ['2024-07-01'],
      },
    });
    expect(s.phase).toBe('LEERROUTE');
    expect(s.dates.termijnStart).toBe('2024-04-02');
    expect(s.hours.LESSEN).toBe(300);
    expect(s.deadlines.find((d) => d.key === 'PIP_VASTSTELLEN')!.status).toBe('met');
    expect(s.deadlines.find((d) => d.key === 'VOORTGANGSGESPREK-2')!.dueDate).toBe('2024-10-01');
  });

  it('the schema refuses an import without the facts of its phase', () => {
    const result = commandSchemas.setPip.safeParse({});
    expect(result.success).toBe(false);
  });
});
