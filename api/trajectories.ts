/**
 * What each role gets to see of one trajectory. The access rule itself (own caseload, referred
 * partner) is the application's (application/access.ts); this is the API's projection of it.
 */
import type { TrajectoryState } from '../domain/types';
import type { Principal } from './auth/principal';

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
