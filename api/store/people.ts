/**
 * The person register: Inburgeraar (ids, koppeling, coach) and Persoonsgegevens (BSN hash and
 * ciphertext, name, contact). The only store that reads personal data.
 */
import type { PendingIntakeCounter } from '../../application/admission';
import type { PersonalData, PersonRecord, PersonRegistry } from '../../application/ports';
import { appendAuditEvents } from '../../activities/audit-chain';
import { directQuery, directTransaction, isUniqueViolation, Prisma, type Db } from '../../prisma/db';
import { insertInto } from '../../prisma/sql';
import { auditRowOf } from './audit';
import { pendingStartRow } from './pending-starts';

export interface PersonStore extends PersonRegistry, PendingIntakeCounter {
  getPersonalData(inburgeraarId: string): Promise<PersonalData | undefined>;
}

type PersonRow = { id: string; workflowId: string; koppelingRef: string; coachId: string; createdAt: Date };
const personRecord = (p: PersonRow): PersonRecord => ({
  inburgeraarId: p.id,
  workflowId: p.workflowId,
  koppelingRef: p.koppelingRef,
  coachId: p.coachId,
  createdAt: p.createdAt.toISOString(),
});

export function prismaPersonStore(db: Db): PersonStore {
  // Every koppeling asks find and, for a new person, create: raw statements past Prisma's query
  // engine (prisma/direct.ts says why).
  const find: PersonRegistry['find'] = async ({ koppelingRef, bsnHash }) => {
    const hashes = typeof bsnHash === 'string' ? [bsnHash] : bsnHash;
    const bsnMatch =
      hashes.length === 0
        ? Prisma.sql`FALSE`
        : Prisma.sql`i."id" IN (SELECT "inburgeraarId" FROM "Persoonsgegevens" WHERE "bsnHash" IN (${Prisma.join(hashes)}))`;
    const [p] = await directQuery<PersonRow>(
      db,
      Prisma.sql`SELECT i."id", i."workflowId", i."koppelingRef", i."coachId", i."createdAt" FROM "Inburgeraar" i
      WHERE i."koppelingRef" = ${koppelingRef} OR ${bsnMatch}
      LIMIT 1`,
    );
    return p ? personRecord(p) : undefined;
  };
  return {
    find,
    async create(person, audit, start) {
      try {
        // Raw statements only: a direct transaction (prisma/direct.ts), as every koppeling writes one.
        const created = await directTransaction(db)(async (tx) => {
          const now = new Date();
          const row: PersonRow = {
            id: person.inburgeraarId,
            workflowId: person.workflowId,
            koppelingRef: person.koppelingRef,
            coachId: person.coachId,
            createdAt: now,
          };
          await tx.$executeRaw(
            insertInto('Inburgeraar', [
              { ...row, doelgroep: person.doelgroep, gemeenteCode: person.gemeenteCode ?? null },
            ]),
          );
          await tx.$executeRaw(
            insertInto('Persoonsgegevens', [
              {
                inburgeraarId: person.inburgeraarId,
                bsnHash: person.bsnHash,
                bsnCiphertext: person.bsnEncrypted,
                bsnKeyId: person.bsnKeyId,
                voornaam: person.persoon.voornaam,
                achternaam: person.persoon.achternaam,
                geboortedatum: person.persoon.geboortedatum ?? null,
                email: person.persoon.email ?? null,
                telefoon: person.persoon.telefoon ?? null,
                adres: person.persoon.adres ?? null,
                updatedAt: now,
              },
            ]),
          );
          // The trajectory to start (application/trajectory-starts.ts), with the person or not at all.
          if (start) await tx.$executeRaw(insertInto('PendingStart', [pendingStartRow(start, now)]));
          // Last: appending holds the audit chain's head until the commit.
          await appendAuditEvents(tx, [auditRowOf({ ...audit, inburgeraarId: person.inburgeraarId })]);
          return row;
        });
        return { created: true, person: personRecord(created) };
      } catch (err) {
        // The unique koppelingRef / bsnHash: a concurrent koppeling for the same person won the race.
        if (!isUniqueViolation(err)) throw err;
        const existing = await find({ koppelingRef: person.koppelingRef, bsnHash: person.bsnHash });
        if (!existing) throw err;
        return { created: false, person: existing };
      }
    },
    async getPersonalData(inburgeraarId) {
      const p = await db.persoonsgegevens.findUnique({ where: { inburgeraarId } });
      if (!p) return undefined;
      return {
        voornaam: p.voornaam,
        achternaam: p.achternaam,
        geboortedatum: p.geboortedatum ?? undefined,
        email: p.email ?? undefined,
        telefoon: p.telefoon ?? undefined,
        adres: p.adres ?? undefined,
      };
    },
    /**
     * Koppelingen registered since `since` whose workflow has not written its read-model row yet
     * (the admission signal, application/admission.ts): a range on the createdAt index and one
     * primary-key probe per row in it. Raw SQL because the two tables have no Prisma relation.
     */
    async pendingIntake(since) {
      const rows = await db.$queryRaw<{ n: number | bigint }[]>`
        SELECT COUNT(*) AS n FROM "Inburgeraar" i
        WHERE i."createdAt" >= ${since}
          AND NOT EXISTS (SELECT 1 FROM "TrajectoryReadModel" r WHERE r."inburgeraarId" = i."id")`;
      return Number(rows[0]?.n ?? 0);
    },
    async setCoach(inburgeraarId, coachId) {
      await db.inburgeraar.updateMany({ where: { id: inburgeraarId }, data: { coachId } });
    },
  };
}
