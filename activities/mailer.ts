/**
 * E-mail over SMTP (nodemailer). Passed into createActivities, so tests hand in a mailer that
 * talks to an SMTP server they started themselves.
 */
import { createHash } from 'node:crypto';
import nodemailer from 'nodemailer';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  /** The outbox key: becomes the Message-ID, so a mail client recognises a repeated delivery. */
  key: string;
}

export interface Mailer {
  send(message: MailMessage): Promise<void>;
  close(): void;
}

/** A stable Message-ID per outbox key. */
export function messageIdFor(key: string): string {
  return `<${createHash('sha256').update(key).digest('hex').slice(0, 32)}@inburgering-regie>`;
}

/**
 * `smtpUrl` like `smtp://user:pass@mail.example:587` or `smtps://...:465` (nodemailer's URL form).
 * Timeouts stay below the activity's start-to-close timeout, so a hanging server becomes a retry.
 */
export function createSmtpMailer(smtpUrl: string, from: string): Mailer {
  const transport = nodemailer.createTransport(smtpUrl, {
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 20_000,
  } as never);
  return {
    async send(m) {
      await transport.sendMail({
        from,
        to: m.to,
        subject: m.subject,
        text: m.text,
        messageId: messageIdFor(m.key),
      });
    },
    close: () => transport.close(),
  };
}

/** An SMTP answer in the 5xx range is permanent (no such mailbox, refused): retrying cannot help. */
export function isPermanentSmtpError(error: unknown): boolean {
  const code = (error as { responseCode?: unknown } | null)?.responseCode;
  return typeof code === 'number' && code >= 500 && code < 600;
}
