/**
 * The next thing to do for a trajectory, for the coach's caseload list: the action that moves it
 * on to its next phase (the edges of the phase diagram in the README), or `resume` while paused.
 * Read from the summary (the read model), so a list needs no query per workflow; the person's page
 * then shows everything the rules allow (allowedCommands). An overdue deadline is the caseload's
 * own column and sort key, not a step.
 */
import type { CommandName } from './commands';
import type { TrajectorySummary } from './summary';
import { isEnded, type Phase } from './types';

type Step = CommandName | ((s: TrajectorySummary) => CommandName);

const completesByExams = (s: TrajectorySummary): CommandName =>
  s.route === 'B1' || !s.route ? 'recordExamResult' : 'completeLeerroute';

/** Per active phase, the action that leads to the next one. */
const PHASE_STEPS: Partial<Record<Phase, Step>> = {
  KOPPELING: 'planBredeIntake',
  BREDE_INTAKE: 'completeBredeIntake',
  PIP: 'setPip',
  LEERROUTE: completesByExams,
  EXAMENS: completesByExams,
};

export function nextStepOf(s: Pick<TrajectorySummary, 'phase' | 'paused' | 'route'>): CommandName | null {
  if (isEnded(s.phase)) return null;
  if (s.paused) return 'resume';
  const step = PHASE_STEPS[s.phase];
  if (!step) return null;
  return typeof step === 'function' ? step(s as TrajectorySummary) : step;
}
