/**
 * The right to rectification (AVG art. 16): a manager corrects a person's data (name, date of
 * birth, contact details, BSN). The change and its audit event are written in one transaction; the
 * event names the fields and keeps the old and new values and the reason in its personal part,
 * which retention removes with the rest (activities/audit-chain.ts). A corrected BSN is hashed and
 * encrypted again with the current key; one that belongs to another person is refused (409).
 */
import { z } from 'zod';
import {
  appendAuditEvents,
  AUDIT_TRANSACTION_OPTIONS,
  PERSONAL_DETAILS_KEY,
} from '../../activities/audit-chain';
import { reason } from '../../domain/commands';
import { isUniqueViolation, type DbTransaction } from '../../prisma/db';
import type { Principal } from '../auth/principal';
import type { AppDeps } from '../deps';
import { HttpError, notFound } from '../http/errors';
import { bsnKeyring } from '../persons/bsn';
import type { PersonalData } from '../../application/ports';
import { persoonSchema } from '../../application/register-koppeling';

export const CORRECTION_ACTION = 'PERSONAL_DATA_CORRECTED';

export const correctieSchema = persoonSchema
  .partial()
  .extend({ toelichting: reason('Why the data is corrected (e.g. "request of the person, passport shown")') })
  .superRefine((v, ctx) => {
    if (Object.keys(v).filter((k) => k !== 'toelichting').length === 0)
      ctx.addIssue({ code: 'custom', path: ['persoon'], message: 'name at least one field to correct' });
  })
  .describe('The corrected values (only the fields that change) and why');

export type Correctie = z.infer<typeof correctieSchema>;

const conflict = () =>
  new HttpError(409, 'BSN_IN_USE', 'BSN_IN_USE: dit BSN hoort bij een andere inburgeraar');

export async function correctPersonalData(
  deps: AppDeps,
  inburgeraarId: string,
  correction: Correctie,
  principal: Principal,
): Promise<{ inburgeraarId: string; fields: string[]; persoon: PersonalData }> {
  const { toelichting, bsn, ...values } = correction;
  const keyring = bsnKeyring(deps.config);
  const current = await deps.db.persoonsgegevens.findUnique({ where: { inburgeraarId } });
  if (!current) throw notFound('inburgeraar');
  if (bsn) {
    const other = await deps.db.persoonsgegevens.findFirst({
      where: { bsnHash: { in: keyring.lookupHashes(bsn) }, inburgeraarId: { not: inburgeraarId } },
      select: { inburgeraarId: true },
    });
    if (other) throw conflict();
  }
  const changed = (Object.keys(values) as (keyof typeof values & keyof typeof current)[]).filter(
    (k) => values[k] !== current[k],
  );
  const fields = [...changed, ...(bsn ? ['bsn'] : [])];
  const pick = (source: Record<string, unknown>) =>
    Object.fromEntries(changed.map((k) => [k, source[k] ?? null]));
  try {
    const updated = await deps.db.$transaction(async (tx: DbTransaction) => {
      const row = await tx.persoonsgegevens.update({
        where: { inburgeraarId },
        data: {
          ...values,
          ...(bsn
            ? { bsnHash: keyring.hash(bsn), bsnCiphertext: keyring.encrypt(bsn), bsnKeyId: keyring.currentId }
            : {}),
        },
      });
      await appendAuditEvents(tx, [
        {
          occurredAt: new Date(),
          actor: principal.userId,
          action: CORRECTION_ACTION,
          inburgeraarId,
          details: {
            fields,
            actorRole: principal.role,
            // The BSN itself never goes into the audit trail: only that it changed.
            [PERSONAL_DETAILS_KEY]: { toelichting, oud: pick(current), nieuw: pick(values) },
          },
        },
      ]);
      return row;
    }, AUDIT_TRANSACTION_OPTIONS);
    return {
      inburgeraarId,
      fields,
      persoon: {
        voornaam: updated.voornaam,
        achternaam: updated.achternaam,
        geboortedatum: updated.geboortedatum ?? undefined,
        email: updated.email ?? undefined,
        telefoon: updated.telefoon ?? undefined,
        adres: updated.adres ?? undefined,
      },
    };
  } catch (err) {
    if (isUniqueViolation(err)) throw conflict();
    throw err;
  }
}
