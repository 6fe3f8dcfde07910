/**
 * The message contract of trajectoryWorkflow, in one place (the API and tests import it):
 * - one **update** per command of domain/commands.ts (derived from `commandSchemas`, never listed
 *   here), taking the zod-inferred input of that command and answering with the new summary. Its
 *   validator runs the domain rules; a refusal is an `ApplicationFailure` whose `type` is the rule
 *   code (domain/refusals.ts) and whose message is the Dutch explanation (the API answers 409).
 * - **queries** `getState` (full state, plain JSON) and `getSummary` (short, for lists).
 * - **signals** for partners' fire-and-forget facts (lesson hours, exam results): invalid facts
 *   are not applied but recorded as a refused event in the audit trail.
 *
 * Stable names: extend additively only.
 */
import type { UpdateDefinition } from '@temporalio/common';
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { CommandInput, CommandName } from '../domain/commands';
import { COMMAND_NAMES } from './contract';
import type { TrajectoryState, TrajectorySummary } from '../domain/types';

export type CommandUpdate<N extends CommandName> = UpdateDefinition<TrajectorySummary, [CommandInput<N>], N>;
export type CommandUpdates = { [N in CommandName]: CommandUpdate<N> };

/**
 * One update per command, derived from `commandSchemas` (domain/commands.ts) through the generated
 * contract (workflows/contract.ts): the list of commands exists only there. The API looks an
 * update up by the command it validated.
 */
export const commandUpdates = Object.fromEntries(
  COMMAND_NAMES.map((name) => [name, defineUpdate<TrajectorySummary, [CommandInput<typeof name>]>(name)]),
) as CommandUpdates;

/** Full state (plain JSON). */
export const getState = defineQuery<TrajectoryState>('getState');
/** Short summary (the read-model snapshot). */
export const getSummary = defineQuery<TrajectorySummary>('getSummary');

/** Partner fact: lesson or participation hours (same shape as the recordProgressHours update). */
export const partnerLessonHours = defineSignal<[CommandInput<'recordProgressHours'>]>('partnerLessonHours');
/** Partner fact: an exam result (same shape as the recordExamResult update). */
export const partnerExamResult = defineSignal<[CommandInput<'recordExamResult'>]>('partnerExamResult');
