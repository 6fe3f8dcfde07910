/**
 * `npm run bsn:rotate`: moves every stored BSN to the current BSN_KEY (procedure: README,
 * "Rotating keys"). Safe while the API and workers run, and safe to run twice. Exit code 1 while
 * rows remain on a key that is not configured or clash with another person's BSN.
 */
import { loadConfig } from '../config/config';
import { BsnKeyring } from '../api/persons/bsn';
import { rotateBsnKeys } from '../api/persons/bsn-rotation';
import { closeDb, createDb } from '../prisma/db';

async function main(): Promise<void> {
  const config = loadConfig();
  const db = createDb(config.DATABASE_URL);
  try {
    const report = await rotateBsnKeys(db, BsnKeyring.fromConfig(config));
    console.log(`Moved ${report.rotated} BSN(s) to key ${config.BSN_KEY_ID}.`);
    for (const { inburgeraarId, bsnKeyId } of report.unknownKey)
      console.log(`  ${inburgeraarId}: key ${bsnKeyId} is not in BSN_OLD_KEYS`);
    for (const id of report.conflicts) console.log(`  ${id}: the same BSN is stored for another person`);
    console.log(
      report.remaining === 0
        ? 'No BSN is stored under an old key any more: the old key can be removed from BSN_OLD_KEYS.'
        : `${report.remaining} BSN(s) remain on an old key.`,
    );
    process.exitCode = report.remaining === 0 ? 0 : 1;
  } finally {
    await closeDb(db);
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
