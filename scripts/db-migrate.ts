/**
 * `npm run db:migrate`: applies the migrations of DATABASE_URL's provider (SQLite by default,
 * PostgreSQL for a postgres:// URL). Idempotent: a second run applies nothing. `npm start` and the
 * tests call `migrateDatabase` themselves; this is for deployments and by hand.
 */
import { loadConfig } from '../config/config';
import { migrateDatabase } from '../prisma/migrate';
import { providerOf } from '../prisma/provider';

async function main(): Promise<void> {
  const { DATABASE_URL } = loadConfig();
  const { applied } = await migrateDatabase(DATABASE_URL);
  const where = providerOf(DATABASE_URL);
  console.log(
    applied.length
      ? `Applied ${applied.length} migration(s) to ${where}: ${applied.join(', ')}`
      : `${where}: database is up to date, nothing to apply`,
  );
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
