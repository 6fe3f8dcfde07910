/**
 * api/store/people.ts: a new person and the audit row of their koppeling are one write, so a stored
 * person is never unaudited; the loser of a race for the same person writes neither.
 */
import { randomUUID } from 'node:crypto';
import { prismaPersonStore } from '../../api/store/people';
import type { NewPerson } from '../../application/ports';
import { openMigratedDb, providersUnderTest } from './helpers';

const newPerson = (koppelingRef: string): NewPerson => {
  const inburgeraarId = randomUUID();
  return {
    inburgeraarId,
    workflowId: `inburgering-${inburgeraarId}`,
    koppelingRef,
    coachId: 'coach-1',
    doelgroep: 'asielstatushouder',
    bsnHash: `hash-${koppelingRef}`,
    bsnEncrypted: 'ciphertext',
    bsnKeyId: 'bsn-1',
    persoon: { voornaam: 'Amal', achternaam: 'Haddad' },
  };
};
const audit = { actorId: 'coa-1', actorRole: 'partner' as const, action: 'KOPPELING_REGISTERED' };

for (const { provider, run } of providersUnderTest('test/db/person-store')) {
  (run ? describe : describe.skip)(
    `person store on ${provider}: the person and the audit row of their koppeling in one transaction`,
    () => {
      it('writes both, and the race loser neither', async () => {
        const { db, close } = await openMigratedDb(provider, 'person-store');
        try {
          const store = prismaPersonStore(db);
          const first = newPerson('COA-1');
          const second = newPerson('COA-1'); // same koppelingRef, another id
          const [a, b] = await Promise.all([store.create(first, audit), store.create(second, audit)]);
          expect([a.created, b.created].sort()).toEqual([false, true]);
          const winner = a.created ? first : second;
          expect(a.person.inburgeraarId).toBe(winner.inburgeraarId);
          expect(b.person.inburgeraarId).toBe(winner.inburgeraarId);
          expect(await db.inburgeraar.count()).toBe(1);
          const rows = await db.auditEvent.findMany({ where: { action: 'KOPPELING_REGISTERED' } });
          expect(rows.map((r) => [r.inburgeraarId, r.actor])).toEqual([[winner.inburgeraarId, 'coa-1']]);
        } finally {
          await close();
        }
      });

      // The statements are raw SQL (prisma/sql.ts): what they store reads back through the model API.
      it('finds a person by reference or by BSN hash, and reads back what was written', async () => {
        const { db, close } = await openMigratedDb(provider, 'person-find');
        try {
          const store = prismaPersonStore(db);
          const p = { ...newPerson('DUO-7'), gemeenteCode: '0363' };
          p.persoon = { ...p.persoon, geboortedatum: '1990-04-01', email: 'amal@example.org' };
          const before = Date.now();
          const { created, person } = await store.create(p, audit);
          expect(created).toBe(true);
          expect(Date.parse(person.createdAt)).toBeGreaterThanOrEqual(before - 1);
          for (const query of [
            { koppelingRef: 'DUO-7', bsnHash: 'other' },
            { koppelingRef: 'other', bsnHash: ['old-key-hash', p.bsnHash] },
          ])
            expect(await store.find(query)).toEqual(person);
          expect(await store.find({ koppelingRef: 'other', bsnHash: [] })).toBeUndefined();
          const row = await db.inburgeraar.findUniqueOrThrow({
            where: { id: p.inburgeraarId },
            include: { persoonsgegevens: true },
          });
          expect(row).toMatchObject({
            koppelingRef: 'DUO-7',
            gemeenteCode: '0363',
            doelgroep: 'asielstatushouder',
          });
          expect(row.createdAt.toISOString()).toBe(person.createdAt);
          expect(row.persoonsgegevens).toMatchObject({
            bsnHash: p.bsnHash,
            voornaam: 'Amal',
            geboortedatum: '1990-04-01',
            email: 'amal@example.org',
            telefoon: null,
          });
          expect(await store.getPersonalData(p.inburgeraarId)).toMatchObject({
            voornaam: 'Amal',
            email: 'amal@example.org',
          });
        } finally {
          await close();
        }
      });
    },
  );
}
