/** `npm run db:status`: which migrations of DATABASE_URL's provider are applied, pending or failed. */
import { loadConfig } from '../config/config';
import { migrationStatus } from '../prisma/migrate';

async function main(): Promise<void> {
  const status = await migrationStatus(loadConfig().DATABASE_URL);
  console.log(`Provider: ${status.provider}; ${status.migrations.length} migration(s) in the folder`);
  const lists: [string, string[]][] = [
    ['Pending (run npm run db:migrate)', status.pending],
    ['Failed (fix the database, then mark it rolled back)', status.failed],
    ['Edited after they were applied', status.edited],
    ['Applied but not in the folder', status.unknownToFolder],
  ];
  for (const [label, names] of lists) if (names.length) console.log(`${label}:\n  ${names.join('\n  ')}`);
  console.log(status.upToDate ? 'Database schema is up to date.' : 'Database schema is NOT up to date.');
  process.exitCode = status.upToDate ? 0 : 1;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
