/**
 * Run as a separate process by test/db/audit-chain.test.ts (`tsx audit-append-process.ts <url>
 * <label> <count>`): appends `count` audit rows one transaction at a time, as an API or worker
 * process does, so several of them append to the same chain at once.
 */
import { appendAuditEventsNow } from '../../activities/audit-chain';
import { closeDb, createDb } from '../../prisma/db';

async function main(): Promise<void> {
  const [url, label, count] = process.argv.slice(2);
  const db = createDb(url!);
  try {
    for (let i = 1; i <= Number(count); i++) {
      await appendAuditEventsNow(db, [
        {
          occurredAt: new Date(),
          actor: label!,
          action: 'pause',
          inburgeraarId: `person-${label}`,
          workflowId: `inburgering-${label}`,
          eventSeq: i,
          details: { date: '2027-01-10', reason: `wacht op woning ${label}-${i}` },
        },
      ]);
    }
  } finally {
    await closeDb(db);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
