/**
 * Moves stored BSNs from retired keys to the current one (`npm run bsn:rotate`, procedure in
 * ./bsn.ts BsnKeyring): decrypt with the row's key, then re-hash and re-encrypt with the current
 * key. One row per conditional update (only while it still carries the old key id), so the API,
 * a concurrent correction or a second run never lose a write; lookups keep finding every row
 * because they hash with all configured keys meanwhile.
 */
import type { Logger } from 'pino';
import { isUniqueViolation, type Db } from '../../prisma/db';
import type { BsnKeyring } from './bsn';

export interface RotationReport {
  rotated: number;
  /** Rows whose key id is not configured: they stay until that key is added to BSN_OLD_KEYS. */
  unknownKey: { inburgeraarId: string; bsnKeyId: string }[];
  /** Rows whose BSN is stored under the current key already for another person (a duplicate). */
  conflicts: string[];
  /** Rows still on an old key after this run. */
  remaining: number;
}

export async function rotateBsnKeys(
  db: Db,
  keyring: BsnKeyring,
  options: { batchSize?: number; log?: Logger } = {},
): Promise<RotationReport> {
  const batchSize = options.batchSize ?? 200;
  const report: RotationReport = { rotated: 0, unknownKey: [], conflicts: [], remaining: 0 };
  const skipped = new Set<string>();
  for (;;) {
    const rows = await db.persoonsgegevens.findMany({
      where: { bsnKeyId: { not: keyring.currentId }, inburgeraarId: { notIn: [...skipped] } },
      select: { inburgeraarId: true, bsnKeyId: true, bsnCiphertext: true },
      orderBy: { inburgeraarId: 'asc' },
      take: batchSize,
    });
    if (rows.length === 0) break;
    for (const row of rows) {
      if (!keyring.has(row.bsnKeyId)) {
        report.unknownKey.push({ inburgeraarId: row.inburgeraarId, bsnKeyId: row.bsnKeyId });
        skipped.add(row.inburgeraarId);
        continue;
      }
      const bsn = keyring.decrypt(row.bsnCiphertext, row.bsnKeyId);
      try {
        const { count } = await db.persoonsgegevens.updateMany({
          where: { inburgeraarId: row.inburgeraarId, bsnKeyId: row.bsnKeyId },
          data: {
            bsnHash: keyring.hash(bsn),
            bsnCiphertext: keyring.encrypt(bsn),
            bsnKeyId: keyring.currentId,
          },
        });
        report.rotated += count;
      } catch (err) {
        if (!isUniqueViolation(err)) throw err;
        report.conflicts.push(row.inburgeraarId);
        skipped.add(row.inburgeraarId);
      }
    }
    options.log?.info({ rotated: report.rotated }, 'BSN key rotation progress');
  }
  report.remaining = await db.persoonsgegevens.count({ where: { bsnKeyId: { not: keyring.currentId } } });
  return report;
}
