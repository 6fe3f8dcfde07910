/**
 * Who may see and act on one trajectory, beyond what the role table says: a coach only their own
 * caseload, a partner only people referred to it, a manager everyone. A pure rule on the workflow
 * state, so both sides use the same one: the application layer before it reads a trajectory, and
 * the workflow's update validators, which check the acting user on the very state the command
 * would change (a reassignment between a check and the action cannot slip through).
 */
import type { TrajectoryState } from './types';

/** The acting user as an update carries it: ids and role only, never a name or address. */
export interface ActingUser {
  userId: string;
  role: string;
  /** Set for role `partner`: the partner organisation the user belongs to. */
  partnerId?: string | null;
}

/** Partners named in the trajectory: the taalschool of the PIP and the provider of each module. */
export function partnerIdsOf(state: TrajectoryState): string[] {
  const ids = new Set<string>();
  if (state.pip?.taalschoolPartnerId) ids.add(state.pip.taalschoolPartnerId);
  for (const m of Object.values(state.modules)) if (m?.partnerId) ids.add(m.partnerId);
  return [...ids];
}

/**
 * Why `user` may not see this trajectory, or undefined when they may. `referredPartnerIds` adds
 * partners known only from the database (referrals registered outside the PIP).
 */
export function accessRefusal(
  user: ActingUser,
  state: TrajectoryState,
  referredPartnerIds: readonly string[] = [],
): string | undefined {
  switch (user.role) {
    case 'manager':
      return undefined;
    case 'coach':
      return state.coachId === user.userId ? undefined : 'not in your caseload';
    case 'partner':
      return user.partnerId &&
        (partnerIdsOf(state).includes(user.partnerId) || referredPartnerIds.includes(user.partnerId))
        ? undefined
        : 'not referred to your organisation';
    default:
      return 'not allowed for this role';
  }
}
