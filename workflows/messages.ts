/**
 * The message contract of the trajectory workflow (both types), in one place (the API and tests
 * import it):
 * - one **update** per command of domain/commands.ts (derived from `commandSchemas`, never listed
 *   here), taking the zod-inferred input of that command and the acting user, and answering with
 *   the new summary. Its validator checks the user's access (domain/access.ts, `ACCESS_DENIED`),
 *   then runs the domain rules; a refusal is an `ApplicationFailure` whose `type` is the rule code
 *   (domain/refusals.ts) and whose message is the Dutch explanation (the API answers 409).
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
import type { ActingUser } from '../domain/access';
import type { TrajectoryState, TrajectorySummary } from '../domain/types';

/**
 * An update's arguments: the command's input and the user who acts (domain/access.ts), whom the
 * validator checks against the trajectory before the rules. Without the second argument (a test,
 * a script holding the payload key) no per-person check is made.
 */
export type CommandArgs<N extends CommandName> = [CommandInput<N>, ActingUser?];
export type CommandUpdate<N extends CommandName> = UpdateDefinition<TrajectorySummary, CommandArgs<N>, N>;
export type CommandUpdates = { [N in CommandName]: CommandUpdate<N> };

/**
 * One update per command, derived from `commandSchemas` (domain/commands.ts) through the generated
 * contract (workflows/contract.ts): the list of commands exists only there. The API looks an
 * update up by the command it validated.
 */
export const commandUpdates = Object.fromEntries(
  COMMAND_NAMES.map((name) => [name, defineUpdate<TrajectorySummary, CommandArgs<typeof name>>(name)]),
) as CommandUpdates;

/** Full state (plain JSON). */
export const getState = defineQuery<TrajectoryState>('getState');
/** Short summary (the read-model snapshot). */
export const getSummary = defineQuery<TrajectorySummary>('getSummary');

/** Partner fact: lesson or participation hours (same shape as the recordProgressHours update). */
export const partnerLessonHours = defineSignal<[CommandInput<'recordProgressHours'>]>('partnerLessonHours');
/** Partner fact: an exam result (same shape as the recordExamResult update). */
export const partnerExamResult = defineSignal<[CommandInput<'recordExamResult'>]>('partnerExamResult');
