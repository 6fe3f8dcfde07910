/**
 * What the API is built from: passed into `createApp`, handed to every route handler. Nothing in
 * api/ imports a client or database of its own, so a test wires in the real ones it started.
 */
import type { Client } from '@temporalio/client';
import type { Logger } from 'pino';
import type { Config } from '../config/config';
import type { Db } from '../prisma/db';
import type { Authenticator } from './auth/authenticator';
import type { IdempotencyStore } from './http/idempotency';
import type { ApiStore } from './store';

export interface AppDeps {
  temporal: Client;
  db: Db;
  auth: Authenticator;
  config: Config;
  log: Logger;
  /** The API's own tables (users, keys, persons, audit, read model), see api/store.ts. */
  store: ApiStore;
  idempotency: IdempotencyStore;
}
