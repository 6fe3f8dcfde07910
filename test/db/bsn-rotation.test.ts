/**
 * Rotating BSN_KEY on SQLite and PostgreSQL: with the new key current and the old one retired,
 * every person is still found by BSN before, during and after `rotateBsnKeys`; afterwards every row
 * is hashed and encrypted with the new key only, so the old key can go. Also `npm run bsn:rotate`
 * as a user runs it.
 */
import { randomUUID } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { BsnKeyring, decryptBsn, hashBsn } from '../../api/persons/bsn';
import { rotateBsnKeys } from '../../api/persons/bsn-rotation';
import { prismaPersonStore, type PersonStore } from '../../api/store/people';
import { DEVELOPMENT_KEY } from '../../config/config';
import type { Db } from '../../prisma/db';
import { testBsn } from '../api/helpers/harness';
import { openMigratedDb, providersUnderTest } from './helpers';

const OLD_KEY = DEVELOPMENT_KEY;
const NEW_KEY = Buffer.alloc(32, 42).toString('base64');
const before = new BsnKeyring('bsn-1', OLD_KEY);
const during = BsnKeyring.fromConfig({
  BSN_KEY: NEW_KEY,
  BSN_KEY_ID: 'bsn-2',
  BSN_OLD_KEYS: `bsn-1:${OLD_KEY}`,
});
const after = new BsnKeyring('bsn-2', NEW_KEY);

async function addPerson(store: PersonStore, keyring: BsnKeyring, bsn: string): Promise<string> {
  const inburgeraarId = randomUUID();
  await store.create(
    {
      inburgeraarId,
      workflowId: `inburgering-${inburgeraarId}`,
      koppelingRef: `COA-${inburgeraarId}`,
      coachId: 'coach-1',
      doelgroep: 'asielstatushouder',
      bsnHash: keyring.hash(bsn),
      bsnEncrypted: keyring.encrypt(bsn),
      bsnKeyId: keyring.currentId,
      persoon: { voornaam: 'Amal', achternaam: 'Haddad' },
    },
    { actorId: 'test', actorRole: 'admin', action: 'KOPPELING_REGISTERED' },
  );
  return inburgeraarId;
}

const findByBsn = (store: PersonStore, keyring: BsnKeyring, bsn: string) =>
  store.find({ koppelingRef: 'not-this-one', bsnHash: keyring.lookupHashes(bsn) });

for (const { provider, run } of providersUnderTest('test/db/bsn-rotation')) {
  (run ? describe : describe.skip)(`BSN key rotation on ${provider}`, () => {
    let db: Db;
    let store: PersonStore;
    let close: () => Promise<void>;
    beforeAll(async () => {
      ({ db, close } = await openMigratedDb(provider, 'bsnrotation'));
      store = prismaPersonStore(db);
    });
    afterAll(async () => close?.());

    it('finds everyone by BSN throughout, and leaves only the new key in use', async () => {
      const oldPeople = new Map<string, string>();
      for (let n = 0; n < 60; n++) {
        const bsn = testBsn(900_000 + n);
        oldPeople.set(bsn, await addPerson(store, before, bsn));
      }
      // Deployed with the new key current: a new koppeling gets the new key, old rows are still found.
      const newBsn = testBsn(900_100);
      const newPerson = await addPerson(store, during, newBsn);
      expect(
        (await db.persoonsgegevens.findUniqueOrThrow({ where: { inburgeraarId: newPerson } })).bsnKeyId,
      ).toBe('bsn-2');
      const [someBsn, someId] = [...oldPeople][7]!;
      expect((await findByBsn(store, during, someBsn))?.inburgeraarId).toBe(someId);
      // With only the new key, nobody of before would be found: that is why the old key stays until the end.
      expect(await findByBsn(store, after, someBsn)).toBeUndefined();

      // Rotation in small batches while lookups go on: no lookup misses.
      let lookups = 0;
      let misses = 0;
      let rotating = true;
      const lookingUp = (async () => {
        const entries = [...oldPeople];
        while (rotating) {
          const [bsn, id] = entries[lookups % entries.length]!;
          if ((await findByBsn(store, during, bsn))?.inburgeraarId !== id) misses += 1;
          lookups += 1;
        }
      })();
      const report = await rotateBsnKeys(db, during, { batchSize: 7 });
      rotating = false;
      await lookingUp;
      expect(report).toEqual({ rotated: 60, unknownKey: [], conflicts: [], remaining: 0 });
      expect(lookups).toBeGreaterThan(0);
      expect(misses).toBe(0);

      // Every row now on the new key, readable and findable with the new key alone.
      const rows = await db.persoonsgegevens.findMany();
      expect(new Set(rows.map((r) => r.bsnKeyId))).toEqual(new Set(['bsn-2']));
      for (const [bsn, id] of oldPeople) {
        const row = rows.find((r) => r.inburgeraarId === id)!;
        expect(row.bsnHash).toBe(hashBsn(bsn, NEW_KEY));
        expect(decryptBsn(row.bsnCiphertext, NEW_KEY)).toBe(bsn);
        expect(() => decryptBsn(row.bsnCiphertext, OLD_KEY)).toThrow();
      }
      expect((await findByBsn(store, after, someBsn))?.inburgeraarId).toBe(someId);
      expect((await findByBsn(store, after, newBsn))?.inburgeraarId).toBe(newPerson);

      // A second run has nothing to do.
      expect(await rotateBsnKeys(db, during)).toEqual({
        rotated: 0,
        unknownKey: [],
        conflicts: [],
        remaining: 0,
      });
    });

    it('reports rows on a key that is not configured, and keeps them', async () => {
      const stray = await addPerson(
        store,
        new BsnKeyring('bsn-0', Buffer.alloc(32, 3).toString('base64')),
        testBsn(900_200),
      );
      const report = await rotateBsnKeys(db, during);
      expect(report.unknownKey).toEqual([{ inburgeraarId: stray, bsnKeyId: 'bsn-0' }]);
      expect(report.remaining).toBe(1);
      expect(
        (await db.persoonsgegevens.findUniqueOrThrow({ where: { inburgeraarId: stray } })).bsnKeyId,
      ).toBe('bsn-0');
    });
  });
}

it('npm run bsn:rotate moves the rows and says when the old key can go', async () => {
  const { db, url, close } = await openMigratedDb('sqlite', 'bsnrotatecli');
  try {
    const store = prismaPersonStore(db);
    for (let n = 0; n < 3; n++) await addPerson(store, before, testBsn(900_300 + n));
    const result = spawnSync(process.execPath, [require.resolve('tsx/cli'), 'scripts/bsn-rotate.ts'], {
      cwd: path.join(__dirname, '../..'),
      env: {
        ...process.env,
        NODE_ENV: 'test',
        DATABASE_URL: url,
        BSN_KEY: NEW_KEY,
        BSN_KEY_ID: 'bsn-2',
        BSN_OLD_KEYS: `bsn-1:${OLD_KEY}`,
      },
      encoding: 'utf8',
    });
    expect(result.stdout).toContain('Moved 3 BSN(s) to key bsn-2.');
    expect(result.stdout).toContain('the old key can be removed from BSN_OLD_KEYS');
    expect(result.status).toBe(0);
    expect(await db.persoonsgegevens.count({ where: { bsnKeyId: 'bsn-2' } })).toBe(3);
  } finally {
    await close();
  }
});
