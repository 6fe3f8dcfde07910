/**
 * Per-person access that the role table alone cannot express: a coach only for their own caseload,
 * a partner only for people referred to it, a manager for everyone. The workflow state is the
 * authority (coachId, partner ids), so a reassignment or a referral takes effect at once. A coach's
 * action is checked inside the workflow (its update validator, domain/access.ts), in the same
 * round trip as the action itself; reads check the state they read.
 */
import { accessRefusal, type ActingUser } from '../domain/access';
import type { TrajectoryState } from '../domain/types';
import { AccessDeniedError } from './errors';
import type { Actor } from './ports';

export { partnerIdsOf } from '../domain/access';

/**
 * Throws AccessDeniedError unless the actor may see this person (the rule: domain/access.ts).
 * `referredPartnerIds` adds partners known only from the database (referrals registered outside
 * the PIP).
 */
export function assertMaySee(
  actor: Actor,
  state: TrajectoryState,
  referredPartnerIds: readonly string[] = [],
): void {
  const refusal = accessRefusal(actor, state, referredPartnerIds);
  if (refusal) throw new AccessDeniedError(refusal);
}

/** The acting user as a workflow update carries it (ids and role; see domain/access.ts). */
export const actingUserOf = (actor: Actor): ActingUser => ({
  userId: actor.userId,
  role: actor.role,
  partnerId: actor.partnerId,
});

/** Command schemas restrict actorId to id characters; an OIDC `sub` may hold others (auth0|123). */
export const actorIdOf = (actor: Actor): string =>
  actor.userId.replace(/[^A-Za-z0-9._:-]/g, '_').slice(0, 100);
