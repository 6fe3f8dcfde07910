/**
 * `npm run temporal:search-attributes`: registers the project's search attributes on the configured
 * Temporal cluster (TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE), once per namespace. Self-hosted clusters
 * only; on Temporal Cloud add them in the Cloud UI or with `tcld`.
 */
import { loadConfig } from '../config/config';
import { connectClient } from '../worker/connection';
import { registerSearchAttributes } from './temporal-server';

void (async () => {
  const config = loadConfig();
  const client = await connectClient(config);
  try {
    const added = await registerSearchAttributes(client.connection, config.TEMPORAL_NAMESPACE);
    process.stdout.write(
      added.length > 0
        ? `added search attributes: ${added.join(', ')}\n`
        : 'all search attributes already registered\n',
    );
  } finally {
    await client.connection.close();
  }
})().catch((err: unknown) => {
  process.stderr.write(`${String(err)}\n`);
  process.exit(1);
});
