/**
 * E-mail over SMTP (nodemailer). Passed into createActivities, so tests hand in a mailer that
 * talks to an SMTP server they started themselves.
 */
import { createHash } from 'node:crypto';
import net from 'node:net';
import nodemailer from 'nodemailer';
import SMTPPool from 'nodemailer/lib/smtp-pool';

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
 * Connections kept open to the mail server: as many as the delivery sends at a time
 * (DELIVERY_POLICY.sendConcurrency in ./delivery.ts), so no message waits for another's.
 */
export const SMTP_POOL_CONNECTIONS = 4;

/**
 * The transport's settings, as query parameters of the URL: nodemailer reads a URL's query as its
 * options, and when it is given a URL it takes options from nothing else (a second argument to
 * `createTransport` is the messages' defaults, not the transport's: passed there, as until
 * 2 December 2026, the timeouts and the pool were silently ignored). A parameter the URL already
 * has (SMTP_URL set by the operator) wins.
 *
 * - Timeouts stay below the activity's start-to-close timeout, so a hanging server becomes a retry.
 * - Pooled: a connection carries up to 100 messages instead of one. A new connection costs the
 *   server's greeting (~110 ms from the loopback test server, which looks up the client's name
 *   first; a relay with TLS and a login costs more), and a burst of reminders (1,000 trajectories
 *   reaching the same term) was delivered at one connection per message. A connection the server
 *   closed is opened again by the pool; a message whose connection fails is refused to the caller
 *   as before, and the outbox retries it.
 */
export function smtpTransportUrl(smtpUrl: string): string {
  const url = new URL(smtpUrl);
  const settings: Record<string, string> = {
    pool: 'true',
    maxConnections: String(SMTP_POOL_CONNECTIONS),
    maxMessages: '100',
    connectionTimeout: '10000',
    greetingTimeout: '10000',
    socketTimeout: '20000',
  };
  for (const [key, value] of Object.entries(settings))
    if (!url.searchParams.has(key)) url.searchParams.set(key, value);
  return url.toString();
}

/**
 * A plain-TCP connection with Nagle's algorithm off (TCP_NODELAY), handed to nodemailer's pool
 * connected (its `getSocket` hook takes only a connected socket). nodemailer writes the end of a
 * message as a small packet of its own right after the body; with Nagle on, that packet waits for
 * the server's acknowledgement of the body, which a server delays by up to 40 ms (delayed ACK): a
 * fixed ~43 ms per message on an open connection, 2 ms without. STARTTLS still upgrades this
 * connection; implicit TLS (`smtps:`) keeps nodemailer's own connection. A connection that fails
 * or does not open within `connectionTimeout` fails the message, and the outbox retries it.
 */
function socketWithoutDelay(
  options: SMTPPool.Options,
  callback: (err: Error | null, socketOptions: { connection: net.Socket } | false) => void,
): void {
  if (options.secure || !options.host) return callback(null, false);
  const socket = net.connect({ host: options.host, port: Number(options.port) || 587 });
  const fail = (err: Error) => {
    socket.destroy();
    callback(err, false);
  };
  socket.setTimeout(Number(options.connectionTimeout) || 10_000, () =>
    fail(Object.assign(new Error('Connection timeout'), { code: 'ETIMEDOUT' })),
  );
  socket.once('error', fail);
  socket.once('connect', () => {
    socket.setTimeout(0);
    socket.off('error', fail);
    socket.setNoDelay(true);
    callback(null, { connection: socket });
  });
}

/** `smtpUrl` like `smtp://user:pass@mail.example:587` or `smtps://...:465` (nodemailer's URL form). */
export function createSmtpMailer(smtpUrl: string, from: string): Mailer {
  const url = smtpTransportUrl(smtpUrl);
  // nodemailer's pool reads the URL (`url`) and takes the socket hook beside it.
  const transport =
    new URL(url).searchParams.get('pool') === 'false'
      ? nodemailer.createTransport(url)
      : nodemailer.createTransport(new SMTPPool({ pool: true, url, getSocket: socketWithoutDelay }));
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
