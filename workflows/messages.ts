/**
 * The message contract of trajectoryWorkflow, in one place (the API and tests import it):
 * - one **update** per coach action, named like the command in domain/commands.ts, taking the
 *   zod-inferred input of that command and answering with the new summary. Its validator runs the
 *   domain rules; a refusal throws `Error('<RULE_CODE>: <message>')` (the API answers 409).
 * - **queries** `getState` (full state, plain JSON) and `getSummary` (short, for lists).
 * - **signals** for partners' fire-and-forget facts (lesson hours, exam results): invalid facts
 *   are not applied but recorded as a refused event in the audit trail.
 *
 * Stable names: extend additively only.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { CommandInput, CommandName } from '../domain/commands';
import type { TrajectoryState, TrajectorySummary } from '../domain/types';

type CommandUpdate<N extends CommandName> = ReturnType<
  typeof defineUpdate<TrajectorySummary, [CommandInput<N>], N>
>;

function commandUpdate<N extends CommandName>(name: N): CommandUpdate<N> {
  return defineUpdate<TrajectorySummary, [CommandInput<N>], N>(name);
}

export const planBredeIntake = commandUpdate('planBredeIntake');
export const completeBredeIntake = commandUpdate('completeBredeIntake');
export const recordIntakeNoShow = commandUpdate('recordIntakeNoShow');
export const registerKennisgeving = commandUpdate('registerKennisgeving');
export const registerBrpInschrijving = commandUpdate('registerBrpInschrijving');
export const registerHuisvesting = commandUpdate('registerHuisvesting');
export const registerBijstand = commandUpdate('registerBijstand');
export const registerWachtenOpDerden = commandUpdate('registerWachtenOpDerden');
export const registerDerdenInformatieOntvangen = commandUpdate('registerDerdenInformatieOntvangen');
export const setPip = commandUpdate('setPip');
export const revisePip = commandUpdate('revisePip');
export const startModule = commandUpdate('startModule');
export const completeModule = commandUpdate('completeModule');
export const recordProgressHours = commandUpdate('recordProgressHours');
export const recordExamResult = commandUpdate('recordExamResult');
export const completeLeerroute = commandUpdate('completeLeerroute');
export const switchRoute = commandUpdate('switchRoute');
export const downgradeRoute = commandUpdate('downgradeRoute');
export const recordVoortgangsgesprek = commandUpdate('recordVoortgangsgesprek');
export const grantExtension = commandUpdate('grantExtension');
export const grantExemption = commandUpdate('grantExemption');
export const pause = commandUpdate('pause');
export const resume = commandUpdate('resume');
export const transfer = commandUpdate('transfer');
export const endTrajectory = commandUpdate('endTrajectory');
export const reassignCoach = commandUpdate('reassignCoach');

/** Every update by command name (the API looks an update up by the command it validated). */
export const commandUpdates: { [N in CommandName]: CommandUpdate<N> } = {
  planBredeIntake,
  completeBredeIntake,
  recordIntakeNoShow,
  registerKennisgeving,
  registerBrpInschrijving,
  registerHuisvesting,
  registerBijstand,
  registerWachtenOpDerden,
  registerDerdenInformatieOntvangen,
  setPip,
  revisePip,
  startModule,
  completeModule,
  recordProgressHours,
  recordExamResult,
  completeLeerroute,
  switchRoute,
  downgradeRoute,
  recordVoortgangsgesprek,
  grantExtension,
  grantExemption,
  pause,
  resume,
  transfer,
  endTrajectory,
  reassignCoach,
};

/** Full state (plain JSON). */
export const getState = defineQuery<TrajectoryState>('getState');
/** Short summary (the read-model snapshot). */
export const getSummary = defineQuery<TrajectorySummary>('getSummary');

/** Partner fact: lesson or participation hours (same shape as the recordProgressHours update). */
export const partnerLessonHours = defineSignal<[CommandInput<'recordProgressHours'>]>('partnerLessonHours');
/** Partner fact: an exam result (same shape as the recordExamResult update). */
export const partnerExamResult = defineSignal<[CommandInput<'recordExamResult'>]>('partnerExamResult');
