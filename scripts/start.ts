/**
 * `npm start`: the whole service on the embedded default, in one command.
 *  1. the Temporal dev server (state in data/temporal.db, Web UI on its port), unless
 *     TEMPORAL_DEV_SERVER=false (then TEMPORAL_ADDRESS points at a cluster);
 *  2. database migrations (SQLite data/inburgering.db by default, PostgreSQL via DATABASE_URL);
 *  3. the worker (workflows + activities) as a process of its own, started again if it stops
 *     (./worker-process.ts), and the API with the coaches' and managers' pages in this process.
 * Prints the URLs; Ctrl-C (SIGINT) or SIGTERM stops all three in reverse order.
 */
import { loadConfig } from '../config/config';
import { createLogger } from '../config/logger';
import { closeDb, createDb } from '../prisma/db';
import { migrateDatabase } from '../prisma/migrate';
import { startApiServer } from '../api/server';
import { connectClient } from '../worker/connection';
import { startConfiguredDevServer, type RunningDevServer } from './temporal-server';
import { startWorkerProcess } from './worker-process';

async function main(): Promise<void> {
  const config = loadConfig();
  const log = createLogger(config, 'start');
  const stops: Array<() => Promise<void>> = [];
  const stopAll = async () => {
    for (const stop of stops.reverse())
      await stop().catch((err: unknown) => log.error({ err }, 'stop failed'));
  };
  let stopping = false;
  const onSignal = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping API, worker and Temporal server');
    void stopAll().then(() => process.exit(0));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  try {
    let devServer: RunningDevServer | undefined;
    if (config.TEMPORAL_DEV_SERVER) {
      devServer = await startConfiguredDevServer(config);
      stops.push(() => devServer!.stop());
    }

    await migrateDatabase(config.DATABASE_URL);
    const db = createDb(config.DATABASE_URL);
    stops.push(() => closeDb(db));

    // The worker's own process serves its metrics on METRICS_PORT.
    const worker = startWorkerProcess({ log });
    stops.push(() => worker.stop());
    await worker.ready;

    const temporal = await connectClient(config);
    stops.push(() => temporal.connection.close());
    const api = await startApiServer({ config, log, db, temporal });
    stops.push(() => api.close());

    process.stdout.write(
      [
        '',
        'inburgering-regie is running:',
        `  API             ${api.url}/api   (OpenAPI ${api.url}/api/openapi.json, docs ${api.url}/api/docs)`,
        `  Coaches         ${api.url}/werk   (sign in there; managers: ${api.url}/beheer)`,
        `  Temporal UI     ${devServer?.uiUrl ?? config.TEMPORAL_UI_URL}   (Temporal at ${config.TEMPORAL_ADDRESS})`,
        `  Worker metrics  http://127.0.0.1:${config.METRICS_PORT}/metrics   API metrics ${api.url}/metrics`,
        `  Database        ${config.isPostgres ? 'PostgreSQL' : config.DATABASE_URL}`,
        'Ctrl-C stops all three.',
        '',
      ].join('\n'),
    );
  } catch (err) {
    log.error({ err }, 'start failed');
    await stopAll();
    process.exit(1);
  }
}

void main();
