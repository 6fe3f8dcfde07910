/** The route table: every endpoint of the API, in one list (mounted and documented from here). */
import type { RouteDef } from '../http/route';
import { actieRoutes } from './acties';
import { inburgeraarRoutes } from './inburgeraars';
import { listRoutes } from './lists';
import { meldingRoutes } from './meldingen';
import { personalLinkRoutes } from './persoonlijke-links';
import { privacyRoutes } from './privacy';
import { systemRoutes } from './system';
import { userRoutes } from './users';
import { werkRoutes } from './werk';

export const routeTable: readonly RouteDef[] = [
  ...systemRoutes,
  ...inburgeraarRoutes,
  ...listRoutes,
  ...actieRoutes,
  ...meldingRoutes,
  ...userRoutes,
  ...werkRoutes,
  ...personalLinkRoutes,
  ...privacyRoutes,
];
