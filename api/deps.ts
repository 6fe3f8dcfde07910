/**
 * What the API is built from: passed into `createApp`, handed to every route handler. Nothing in
 * api/ imports a client or database of its own, so a test wires in the real ones it started.
 * The stores (api/store/) and the trajectories (application/temporal.ts) are the ports of the
 * application services; a handler hands the deps to a service, which takes only what it needs.
 */
import type { Client } from '@temporalio/client';
import type { Logger } from 'pino';
import type { IntakeAdmission } from '../application/admission';
import type { TrajectoryStarts } from '../application/trajectory-starts';
import type { Trajectories } from '../application/ports';
import type { Config } from '../config/config';
import type { Db } from '../prisma/db';
import type { Authenticator } from './auth/authenticator';
import type { Stores } from './store';

export interface AppDeps extends Stores {
  temporal: Client;
  db: Db;
  auth: Authenticator;
  config: Config;
  log: Logger;
  /** The trajectory workflows in Temporal. */
  trajectories: Trajectories;
  /** Backpressure on new koppelingen (application/admission.ts), one per API process. */
  admission: IntakeAdmission;
  /** Starts the trajectories of new koppelingen apart from the request (application/trajectory-starts.ts). */
  starts: TrajectoryStarts;
}
