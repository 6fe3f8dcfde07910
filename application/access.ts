/**
 * Per-person access that the role table alone cannot express: a coach only for their own caseload,
 * a partner only for people referred to it, a manager for everyone. The workflow state is the
 * authority (coachId, partner ids), so a reassignment or a referral takes effect at once.
 */
import type { TrajectoryState } from '../domain/types';
import { AccessDeniedError } from './errors';
import type { Actor } from './ports';

/** Partners named in the trajectory: the taalschool of the PIP and the provider of each module. */
export function partnerIdsOf(state: TrajectoryState): string[] {
  const ids = new Set<string>();
  if (state.pip?.taalschoolPartnerId) ids.add(state.pip.taalschoolPartnerId);
  for (const m of Object.values(state.modules)) if (m?.partnerId) ids.add(m.partnerId);
  return [...ids];
}

/**
 * Throws AccessDeniedError unless the actor may see this person. `referredPartnerIds` adds
 * partners known only from the database (referrals registered outside the PIP).
 */
export function assertMaySee(
  actor: Actor,
  state: TrajectoryState,
  referredPartnerIds: readonly string[] = [],
): void {
  switch (actor.role) {
    case 'manager':
      return;
    case 'coach':
      if (state.coachId === actor.userId) return;
      throw new AccessDeniedError('not in your caseload');
    case 'partner':
      if (
        actor.partnerId &&
        (partnerIdsOf(state).includes(actor.partnerId) || referredPartnerIds.includes(actor.partnerId))
      )
        return;
      throw new AccessDeniedError('not referred to your organisation');
    default:
      throw new AccessDeniedError('not allowed for this role');
  }
}

/** Command schemas restrict actorId to id characters; an OIDC `sub` may hold others (auth0|123). */
export const actorIdOf = (actor: Actor): string =>
  actor.userId.replace(/[^A-Za-z0-9._:-]/g, '_').slice(0, 100);
