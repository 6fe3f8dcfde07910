/**
 * The project's migrations (prisma/<provider>/migrations) applied through the WASM schema engine,
 * against SQLite and PostgreSQL: apply, re-apply (no-op), status, and the unique keys the services
 * rely on. Also: the migrations match the models (nobody forgot `npm run db:migration:create`).
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { closeDb, createDb, type Db } from '../../prisma/db';
import {
  diffSinceLastMigration,
  migrateDatabase,
  migrationNames,
  migrationStatus,
} from '../../prisma/migrate';
import { createTestDatabase, expectUniqueViolation, providersUnderTest, type TestDatabase } from './helpers';

describe('models and migrations agree', () => {
  it.each(['sqlite', 'postgresql'] as const)(
    '%s: the schema folder is valid for `prisma generate` (postinstall)',
    (provider) => {
      // Prisma reads every *.prisma file under the folder: a stray copy would define every model twice.
      const prisma = path.join(__dirname, '../../node_modules/.bin/prisma');
      const out = execFileSync(prisma, ['validate', '--schema', `prisma/${provider}`], {
        cwd: path.join(__dirname, '../..'),
        env: { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: '/bin/false' },
        encoding: 'utf8',
        stdio: 'pipe',
      });
      expect(out).toContain('valid');
    },
  );

  it.each(['sqlite', 'postgresql'] as const)(
    '%s: the last migration leads to the current models (no diff)',
    async (provider) => {
      expect(migrationNames(provider).length).toBeGreaterThan(0);
      expect(await diffSinceLastMigration(provider)).toBe('');
    },
  );

  it('both providers have the same migration folders', () => {
    expect(migrationNames('postgresql')).toEqual(migrationNames('sqlite'));
  });
});

for (const { provider, run } of providersUnderTest('test/db/migrations')) {
  (run ? describe : describe.skip)(`migrations on ${provider}`, () => {
    let database: TestDatabase;
    let db: Db;

    beforeAll(async () => {
      database = await createTestDatabase(provider, 'migrations');
    });
    afterAll(async () => {
      if (db) await closeDb(db);
      await database?.drop();
    });

    it('status before: every migration pending', async () => {
      const status = await migrationStatus(database.url);
      expect(status.provider).toBe(provider);
      expect(status.pending).toEqual(migrationNames(provider));
      expect(status.upToDate).toBe(false);
    });

    it('applies all migrations, then a second run applies nothing', async () => {
      expect((await migrateDatabase(database.url)).applied).toEqual(migrationNames(provider));
      expect((await migrateDatabase(database.url)).applied).toEqual([]);
      const status = await migrationStatus(database.url);
      expect(status).toMatchObject({
        pending: [],
        failed: [],
        edited: [],
        unknownToFolder: [],
        upToDate: true,
      });
    });

    if (provider === 'sqlite')
      it('leaves SQLite in WAL mode (API and worker processes share the file)', async () => {
        const client = createDb(database.url);
        try {
          const [mode] = await client.$queryRawUnsafe<{ journal_mode: string }[]>('PRAGMA journal_mode');
          expect(mode?.journal_mode).toBe('wal');
        } finally {
          await closeDb(client);
        }
      });

    it('koppelingRef is unique: a second koppeling for the same person is refused by the database', async () => {
      db = createDb(database.url);
      const person = { koppelingRef: 'COA-2026-0001', coachId: 'coach-1', doelgroep: 'asielstatushouder' };
      const first = await db.inburgeraar.create({ data: { ...person, workflowId: 'inburgering-a' } });
      const second = db.inburgeraar.create({ data: { ...person, workflowId: 'inburgering-b' } });
      await expectUniqueViolation(second);
      expect(await db.inburgeraar.findUnique({ where: { koppelingRef: person.koppelingRef } })).toMatchObject(
        { id: first.id },
      );
    });

    it('personal data lives 1:1 beside the person, bsnHash unique, deleted with the person', async () => {
      const p = await db.inburgeraar.create({
        data: {
          koppelingRef: 'COA-2',
          workflowId: 'inburgering-c',
          coachId: 'c',
          doelgroep: 'gezinsmigrant',
        },
      });
      const pii = { bsnHash: 'h1', bsnCiphertext: 'v1.x', voornaam: 'Test', achternaam: 'Persoon' };
      await db.persoonsgegevens.create({ data: { inburgeraarId: p.id, ...pii } });
      const q = await db.inburgeraar.create({
        data: {
          koppelingRef: 'COA-3',
          workflowId: 'inburgering-d',
          coachId: 'c',
          doelgroep: 'gezinsmigrant',
        },
      });
      await expectUniqueViolation(db.persoonsgegevens.create({ data: { inburgeraarId: q.id, ...pii } }));
      await db.inburgeraar.delete({ where: { id: p.id } });
      expect(await db.persoonsgegevens.count({ where: { bsnHash: 'h1' } })).toBe(0);
    });

    it('audit events are unique on (workflowId, eventSeq), API rows without them are not', async () => {
      const event = {
        occurredAt: new Date(),
        actor: 'workflow',
        action: 'KOPPELING',
        workflowId: 'inburgering-x',
        eventSeq: 1,
      };
      await db.auditEvent.create({ data: event });
      await expectUniqueViolation(db.auditEvent.create({ data: event }));
      await db.auditEvent.create({ data: { occurredAt: new Date(), actor: 'u1', action: 'READ_PERSON' } });
      await db.auditEvent.create({ data: { occurredAt: new Date(), actor: 'u1', action: 'READ_PERSON' } });
      expect(await db.auditEvent.count()).toBe(3);
    });

    it('outbox keys, referrals and idempotency records are unique', async () => {
      const outbox = {
        key: 'k1',
        kind: 'reminder',
        template: 'REMINDER',
        channel: 'email',
        audience: 'coach',
        subject: 's',
        body: 'b',
        payload: '{}',
      };
      await db.notificationOutbox.create({ data: outbox });
      await expectUniqueViolation(db.notificationOutbox.create({ data: outbox }));
      const partner = await db.partner.create({ data: { name: 'Taalschool', kind: 'taalschool' } });
      const referral = { inburgeraarId: 'p1', partnerId: partner.id, purpose: 'PIP_REFERRAL' };
      await db.referral.create({ data: referral });
      await expectUniqueViolation(db.referral.create({ data: referral }));
      const idem = { userId: 'u1', key: 'abc', method: 'POST', path: '/api/x', requestHash: 'h' };
      await db.idempotencyRecord.create({ data: idem });
      await expectUniqueViolation(db.idempotencyRecord.create({ data: idem }));
    });
  });
}
