/**
 * `npm run db:outbox:resend`: delivers the e-mail that stayed in the outbox as `held` (no SMTP was
 * configured when it was due) through SMTP_URL. Safe to repeat; prints what it did.
 */
import { createSmtpMailer } from '../activities/mailer';
import { resendHeldMail } from '../activities/outbox';
import { systemClock } from '../activities';
import { loadConfig } from '../config/config';
import { createLogger } from '../config/logger';
import { closeDb, createDb } from '../prisma/db';

async function main(): Promise<void> {
  const config = loadConfig();
  if (!config.SMTP_URL)
    throw new Error('SMTP_URL is not set: held mail can only be sent through an SMTP server');
  const db = createDb(config.DATABASE_URL);
  const mailer = createSmtpMailer(config.SMTP_URL, config.MAIL_FROM);
  try {
    const result = await resendHeldMail({ db, mailer, clock: systemClock, log: createLogger(config) });
    console.log(
      `Held mail: ${result.sent} sent, ${result.failed} failed (still held), ${result.skipped} without address`,
    );
  } finally {
    mailer.close();
    await closeDb(db);
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
