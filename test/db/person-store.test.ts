/**
 * api/store/people.ts: a new person and the audit row of their koppeling are one write, so a stored
 * person is never unaudited; the loser of a race for the same person writes neither.
 */
import { randomUUID } from 'node:crypto';
import { prismaPersonStore } from '../../api/store/people';
import type { NewPerson } from '../../application/ports';
import { openMigratedDb } from './helpers';

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

describe('person store: the person and the audit row of their koppeling in one transaction', () => {
  it('writes both, and the race loser neither', async () => {
    const { db, close } = await openMigratedDb('sqlite', 'person-store');
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
});
