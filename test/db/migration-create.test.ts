/**
 * `npm run db:migration:create`: a change to the models becomes a migration for both providers,
 * diffed from the schema copy beside the last migration, and that migration applies on both.
 * Runs on a copy of prisma/ so the real migrations folder is never touched.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  createMigration,
  diffSinceLastMigration,
  migrateDatabase,
  migrationNames,
  migrationStatus,
  PRISMA_DIR,
} from '../../prisma/migrate';
import { createTestDatabase, providersUnderTest } from './helpers';

let root: string;
let created: Awaited<ReturnType<typeof createMigration>>;

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(process.env.TEST_RUN_DIR ?? os.tmpdir(), 'prisma-copy-'));
  fs.cpSync(PRISMA_DIR, root, {
    recursive: true,
    verbatimSymlinks: true,
    filter: (src) => !src.includes(`${path.sep}generated`),
  });
  const models = path.join(root, 'models.prisma');
  fs.writeFileSync(
    models,
    fs.readFileSync(models, 'utf8').replace(/(model Partner \{\n)/, '$1  telefoon String?\n'),
  );
  created = await createMigration('add_partner_telefoon', new Date('2030-01-02T03:04:05Z'), root);
});

it('writes migration.sql and the schema copy for SQLite and PostgreSQL, same folder name', () => {
  expect(created.map((c) => [c.provider, c.name])).toEqual([
    ['sqlite', '20300102030405_add_partner_telefoon'],
    ['postgresql', '20300102030405_add_partner_telefoon'],
  ]);
  for (const c of created) {
    const sql = fs.readFileSync(path.join(c.dir, 'migration.sql'), 'utf8');
    expect(sql).toMatch(/ALTER TABLE "Partner" ADD COLUMN\s+"telefoon" TEXT/);
    expect(fs.readFileSync(path.join(c.dir, 'schema.prisma.snapshot'), 'utf8')).toContain('telefoon String?');
  }
});

it('after creating, the models and the last migration agree again; nothing to create', async () => {
  expect(await diffSinceLastMigration('sqlite', root)).toBe('');
  expect(await diffSinceLastMigration('postgresql', root)).toBe('');
  expect(await createMigration('nothing', new Date(), root)).toEqual([]);
});

it('refuses a migration name that is not a plain identifier', async () => {
  await expect(createMigration('Add Phone!', new Date(), root)).rejects.toThrow(/lower-case/);
});

for (const { provider, run } of providersUnderTest('test/db/migration-create')) {
  (run ? it : it.skip)(`${provider}: the new migration applies after the existing ones`, async () => {
    const database = await createTestDatabase(provider, 'create');
    try {
      const { applied } = await migrateDatabase(database.url, root);
      expect(applied).toEqual(migrationNames(provider, root));
      expect(applied.at(-1)).toBe('20300102030405_add_partner_telefoon');
      expect((await migrationStatus(database.url, root)).upToDate).toBe(true);
      // The real project's folder lacks the new migration: status reports the database ahead of it.
      expect((await migrationStatus(database.url)).unknownToFolder).toEqual([
        '20300102030405_add_partner_telefoon',
      ]);
    } finally {
      await database.drop();
    }
  });
}
