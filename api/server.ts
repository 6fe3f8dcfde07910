/**
 * Runs the API: connects to Temporal and the database, migrates, builds the app with the manager's
 * web page, and listens. `startApiServer` is also what scripts/start.ts calls to run it beside the
 * dev server and the worker; `node api/server.ts` (via tsx) runs it alone.
 */
import type { AddressInfo } from 'node:net';
import type { Client } from '@temporalio/client';
import { loadConfig, type Config } from '../config/config';
import { createLogger, type Logger } from '../config/logger';
import { closeDb, createDb, type Db } from '../prisma/db';
import { migrateDatabase } from '../prisma/migrate';
import { connectClient } from '../worker/connection';
import { createApp, stopApp } from './app';
import { ensureBootstrapAdmin } from './bootstrap';
import { createPrismaStores } from './store';
import { createDevUsers } from './web/dev-users';
import { createWebRouter } from './web/router';

export interface RunningApi {
  url: string;
  close(): Promise<void>;
}

export interface StartApiOptions {
  config?: Config;
  log?: Logger;
  /** Pass your own to share them with a worker in the same process. */
  temporal?: Client;
  db?: Db;
}

export async function startApiServer(options: StartApiOptions = {}): Promise<RunningApi> {
  const config = options.config ?? loadConfig();
  const log = options.log ?? createLogger(config, 'api');
  const ownDb = !options.db;
  if (ownDb && config.DATABASE_MIGRATE_ON_START) await migrateDatabase(config.DATABASE_URL);
  const db = options.db ?? createDb(config.DATABASE_URL);
  const temporal = options.temporal ?? (await connectClient(config));
  const stores = createPrismaStores(db);

  const bootstrap = await ensureBootstrapAdmin(stores);
  if (bootstrap) {
    // Printed, not logged: log lines are shipped and kept; this key must be seen once and stored.
    process.stdout.write(
      `\nFirst start: created admin user ${bootstrap.userId}.\nAdmin API key (shown once): ${bootstrap.key}\n\n`,
    );
    const devUsers = await createDevUsers(stores, config);
    if (devUsers.length)
      process.stdout.write(
        `Development sign-in (no identity provider configured): ${devUsers.map((u) => `${u.name} (${u.role}, id ${u.id})`).join(', ')}\n\n`,
      );
  }

  const app = createApp({
    temporal,
    db,
    stores,
    config,
    log,
    defaultMetrics: true,
    extraRouters: [
      createWebRouter({ temporalUiUrl: config.TEMPORAL_UI_URL, namespace: config.TEMPORAL_NAMESPACE }),
    ],
  });
  const server = app.listen(config.PORT, config.HOST);
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  const url = config.PUBLIC_URL ?? `http://${config.HOST}:${port}`;
  log.info({ url, docs: `${url}/api/docs`, werk: `${url}/werk`, beheer: `${url}/beheer` }, 'API listening');

  return {
    url,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await stopApp(app);
      if (!options.temporal) await temporal.connection.close();
      if (ownDb) await closeDb(db);
    },
  };
}

if (require.main === module) {
  startApiServer()
    .then((api) => {
      const stop = () => {
        api.close().then(
          () => process.exit(0),
          () => process.exit(1),
        );
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    })
    .catch((err: unknown) => {
      console.error(err);
      process.exit(1);
    });
}
