/**
 * `npm run db:migration:create -- <name>`: after editing prisma/models.prisma, writes a new
 * migration (migration.sql + the schema copy it leads to) for SQLite and for PostgreSQL, diffed
 * from the schema copy of each provider's last migration. Needs no database. Review the SQL, then
 * run `npm run db:generate` (client types) and `npm run db:migrate`.
 */
import path from 'node:path';
import { createMigration } from '../prisma/migrate';

async function main(): Promise<void> {
  const name = process.argv[2];
  if (!name) throw new Error('usage: npm run db:migration:create -- <name>   (e.g. add_partner_phone)');
  const created = await createMigration(name);
  if (!created.length)
    console.log('No changes in prisma/models.prisma since the last migration: nothing written.');
  for (const m of created) console.log(`${m.provider}: ${path.relative(process.cwd(), m.dir)}/migration.sql`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
