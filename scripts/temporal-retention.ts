/**
 * `npm run temporal:retention`: sets how long the configured namespace (TEMPORAL_ADDRESS,
 * TEMPORAL_NAMESPACE) keeps closed workflows: TEMPORAL_RETENTION_DAYS (default 30). The dev server
 * gets it at every start; run this once on a self-hosted cluster, and again after changing it. On
 * Temporal Cloud set the namespace's retention in the Cloud UI or with `tcld` instead.
 */
import { loadConfig } from '../config/config';
import { connectClient } from '../worker/connection';
import { setNamespaceRetention } from './temporal-server';

void (async () => {
  const config = loadConfig();
  const client = await connectClient(config);
  try {
    const days = await setNamespaceRetention(
      client.connection,
      config.TEMPORAL_NAMESPACE,
      config.TEMPORAL_RETENTION_DAYS,
    );
    process.stdout.write(`namespace ${config.TEMPORAL_NAMESPACE} keeps closed workflows for ${days} days\n`);
  } finally {
    await client.connection.close();
  }
})().catch((err: unknown) => {
  process.stderr.write(`${String(err)}\n`);
  process.exit(1);
});
