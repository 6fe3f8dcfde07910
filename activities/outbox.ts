/**
 * Mail that was held because no SMTP server was configured is delivered later, once SMTP_URL is
 * set: `npm run db:outbox:resend`. Only e-mail rows with a known address are sent (a coach without
 * an address stays held until the address is added and the run is repeated). A row is claimed by
 * a conditional update (held → pending) before sending, so two runs at once never send it twice.
 */
import type { Logger } from 'pino';
import type { Db } from '../prisma/db';
import type { Mailer } from './mailer';
import type { Clock } from './notifications';

export interface ResendResult {
  sent: number;
  failed: number;
  skipped: number;
}

export async function resendHeldMail(
  deps: { db: Db; mailer: Mailer; clock: Clock; log: Logger },
  options: { limit?: number } = {},
): Promise<ResendResult> {
  const { db, mailer, clock, log } = deps;
  const held = await db.notificationOutbox.findMany({
    where: { status: 'held', channel: 'email' },
    orderBy: { createdAt: 'asc' },
    take: options.limit ?? 500,
  });
  const result: ResendResult = { sent: 0, failed: 0, skipped: 0 };
  for (const row of held) {
    const claimed = row.recipient
      ? await db.notificationOutbox.updateMany({
          where: { id: row.id, status: 'held' },
          data: { status: 'pending', attempts: { increment: 1 } },
        })
      : { count: 0 };
    if (!row.recipient || claimed.count === 0) {
      result.skipped += 1;
      continue;
    }
    try {
      await mailer.send({ to: row.recipient, subject: row.subject, text: row.body, key: row.key });
      await db.notificationOutbox.update({
        where: { id: row.id },
        data: { status: 'sent', sentAt: clock.now(), lastError: null },
      });
      result.sent += 1;
    } catch (error) {
      // Back to held with the reason: visible to managers, and the next run tries again.
      const lastError = (error instanceof Error ? error.message : String(error)).slice(0, 1000);
      await db.notificationOutbox.update({ where: { id: row.id }, data: { status: 'held', lastError } });
      result.failed += 1;
    }
    log.info({ outboxId: row.id, key: row.key, template: row.template }, 'held mail resent');
  }
  return result;
}
