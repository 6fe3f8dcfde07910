/**
 * A manager assigns another coach: the workflow first (its `reassignCoach` update, which refuses
 * an unchanged coach), then the person register and the audit trail. If the workflow refuses,
 * nothing changed anywhere.
 */
import type { TrajectorySummary } from '../domain/types';
import { actorIdOf } from './access';
import type { Actor, AuditLog, PersonRegistry, UserLookup } from './ports';
import { assertActiveCoach } from './register-koppeling';
import { runCommand, type RunCommandDeps, type RunOptions } from './run-command';

export interface ReassignCoachDeps extends RunCommandDeps {
  users: UserLookup;
  people: Pick<PersonRegistry, 'setCoach'>;
  audit: AuditLog;
}

export async function reassignCoach(
  deps: ReassignCoachDeps,
  actor: Actor,
  inburgeraarId: string,
  coachId: string,
  options: RunOptions = {},
): Promise<TrajectorySummary> {
  await assertActiveCoach(deps.users, coachId);
  const summary = await runCommand(deps, actor, inburgeraarId, 'reassignCoach', { coachId }, options);
  await deps.people.setCoach(inburgeraarId, coachId);
  await deps.audit.record({
    actorId: actor.userId,
    actorRole: actor.role,
    action: 'COACH_REASSIGNED',
    inburgeraarId,
    details: { coachId, by: actorIdOf(actor) },
  });
  return summary;
}
