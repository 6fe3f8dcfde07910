/**
 * Run as a separate process by test/db/audit-chain.test.ts (`tsx audit-append-process.ts <url>
 * <label> <count>`): appends `count` audit rows one transaction at a time, as an API or worker
 * process does, so several of them append to the same chain at once.
 *
 * Start barrier: the process opens its database, prints `ready` and waits for a line on stdin
 * before its first append, so all writers start together however long each took to load (under
 * load one of them used to finish before the next had started, and nothing interleaved).
 */
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { appendAuditEventsNow } from '../../activities/audit-chain';
import { closeDb, createDb } from '../../prisma/db';

async function main(): Promise<void> {
  const [url, label, count] = process.argv.slice(2);
  const db = createDb(url!);
  try {
    await db.auditEvent.count(); // connection open and query engine warm before the barrier
    process.stdout.write('ready\n');
    await once(process.stdin, 'data');
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
      await sleep(2); // a request's worth of other work between two appends
    }
  } finally {
    process.stdin.destroy();
    await closeDb(db);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
