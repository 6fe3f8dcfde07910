/**
 * `npm run audit:verify`: walks the audit trail's hash chain (activities/audit-chain.ts) of
 * DATABASE_URL and prints either the number of rows and the head hash (keep it elsewhere: a later
 * run must reach the same or a longer chain), or the first row that does not fit. Exit code 1 then.
 */
import { loadConfig } from '../config/config';
import { verifyAuditChain } from '../activities/audit-chain';
import { closeDb, createDb } from '../prisma/db';

async function main(): Promise<void> {
  const db = createDb(loadConfig().DATABASE_URL);
  try {
    const report = await verifyAuditChain(db);
    if (report.unchainedRows > 0)
      console.log(`${report.unchainedRows} row(s) from before the chain existed are not covered.`);
    if (report.firstBreak) {
      const { id, chainSeq, reason } = report.firstBreak;
      console.log(
        `BROKEN: audit row id=${id ?? '-'} (chain position ${chainSeq ?? '-'}): ${reason}. ` +
          `The ${report.rows} row(s) before it are intact.`,
      );
      process.exitCode = 1;
    } else {
      console.log(
        `OK: ${report.rows} audit row(s) in the chain; head ${report.head.seq} ${report.head.hash}`,
      );
    }
  } finally {
    await closeDb(db);
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
