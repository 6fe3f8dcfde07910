/**
 * Reading and changing one trajectory through Temporal, with the per-person access rules that the
 * role table alone cannot express: a coach only for their own caseload, a partner only for people
 * referred to it. The workflow state is the authority for both (coachId, partner ids), so a
 * reassignment or a referral takes effect at once, without waiting for the read model.
 */
import type { WorkflowHandle } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/common';
import type { TrajectoryState } from '../domain/types';
import { getState } from '../workflows/messages';
import type { Principal } from './auth/principal';
import type { AppDeps } from './deps';
import { forbidden, notFound } from './http/errors';

export const WORKFLOW_ID_PREFIX = 'inburgering-';
export const workflowIdFor = (inburgeraarId: string): string => `${WORKFLOW_ID_PREFIX}${inburgeraarId}`;

/** Partners named in the trajectory: the taalschool of the PIP and the provider of each module. */
export function partnerIdsOf(state: TrajectoryState): string[] {
  const ids = new Set<string>();
  if (state.pip?.taalschoolPartnerId) ids.add(state.pip.taalschoolPartnerId);
  for (const m of Object.values(state.modules)) if (m?.partnerId) ids.add(m.partnerId);
  return [...ids];
}

export interface LoadedTrajectory {
  handle: WorkflowHandle;
  state: TrajectoryState;
}

export function isGone(err: unknown): boolean {
  return err instanceof WorkflowNotFoundError;
}

/** Queries the workflow's state; 404 when no trajectory has this id. */
export async function queryState(deps: AppDeps, inburgeraarId: string): Promise<LoadedTrajectory> {
  const handle = deps.temporal.workflow.getHandle(workflowIdFor(inburgeraarId));
  try {
    return { handle, state: await handle.query(getState) };
  } catch (err) {
    if (isGone(err)) throw notFound('inburgeraar');
    throw err;
  }
}

/**
 * Throws 403 unless the principal may see this person. `referredPartnerIds` adds partners known
 * only from the database (referrals registered outside the PIP).
 */
export function assertMaySee(
  principal: Principal,
  state: TrajectoryState,
  referredPartnerIds: readonly string[] = [],
): void {
  switch (principal.role) {
    case 'manager':
      return;
    case 'coach':
      if (state.coachId === principal.userId) return;
      throw forbidden('not in your caseload');
    case 'partner':
      if (
        principal.partnerId &&
        (partnerIdsOf(state).includes(principal.partnerId) ||
          referredPartnerIds.includes(principal.partnerId))
      )
        return;
      throw forbidden('not referred to your organisation');
    default:
      throw forbidden();
  }
}

/** Whether this role may see the person's name next to the trajectory (AVG: only who needs it). */
export const maySeePersonalData = (principal: Principal): boolean =>
  principal.role === 'coach' || principal.role === 'manager';

/**
 * What a partner (taalschool, werkgever) gets: the phase, the route and the dates of the modules
 * and exams it works on. No coach, no deadlines of the gemeente, no reasons, nothing personal.
 */
export function partnerView(state: TrajectoryState, partnerId: string) {
  const modules = Object.values(state.modules)
    .filter((m): m is NonNullable<typeof m> => Boolean(m))
    .filter((m) => m.partnerId === partnerId || state.pip?.taalschoolPartnerId === partnerId)
    .map((m) => ({
      module: m.module,
      agreedStartDate: m.agreedStartDate ?? null,
      agreedEndDate: m.agreedEndDate ?? null,
      startDate: m.startDate ?? null,
      completedDate: m.completedDate ?? null,
    }));
  return {
    inburgeraarId: state.inburgeraarId,
    phase: state.phase,
    route: state.route ?? null,
    taalniveau: state.taalniveau,
    paused: Boolean(state.paused),
    termijnStart: state.dates.termijnStart ?? null,
    modules,
    hours: state.hours,
    exams: state.exams,
  };
}
