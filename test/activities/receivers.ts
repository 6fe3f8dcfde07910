/**
 * Real receivers for the notification tests: an SMTP server (smtp-server) and an HTTP server for
 * partner webhooks, both on 127.0.0.1 with a free port, recording what arrived.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  from: string;
  to: string[];
  subject: string;
  text: string;
  messageId: string;
}

export interface SmtpReceiver {
  url: string;
  mails: ReceivedMail[];
  /** Mailboxes that answer 550 (permanently refused). */
  refuse: Set<string>;
  /**
   * While true the server is out (a temporary outage): it refuses every new connection and every
   * message on a connection opened before (the mailer keeps pooled connections) with 421.
   */
  down: boolean;
  /** Connections and messages refused while down. */
  refusals: number;
  /** Connections accepted (a pooled mailer opens few for many messages). */
  connections: number;
  close(): Promise<void>;
}

export async function startSmtpReceiver(): Promise<SmtpReceiver> {
  const mails: ReceivedMail[] = [];
  const refuse = new Set<string>();
  const state = { down: false, refusals: 0, connections: 0 };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onConnect(_session, callback) {
      if (!state.down) {
        state.connections += 1;
        return callback();
      }
      state.refusals += 1;
      callback(Object.assign(new Error('Service not available, try again later'), { responseCode: 421 }));
    },
    onMailFrom(_address, _session, callback) {
      if (!state.down) return callback();
      state.refusals += 1;
      callback(Object.assign(new Error('Service not available, try again later'), { responseCode: 421 }));
    },
    onRcptTo(address, _session, callback) {
      if (refuse.has(address.address))
        // Like real servers, the rejection quotes the address: it must not reach logs or Temporal.
        return callback(
          Object.assign(new Error(`<${address.address}>: Recipient address rejected: mailbox unavailable`), {
            responseCode: 550,
          }),
        );
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        mails.push({
          ...parseMail(Buffer.concat(chunks).toString('utf8')),
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = (server as unknown as { server: http.Server }).server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    mails,
    refuse,
    get down() {
      return state.down;
    },
    set down(value: boolean) {
      state.down = value;
    },
    get refusals() {
      return state.refusals;
    },
    get connections() {
      return state.connections;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Just enough MIME for nodemailer's single-part text mails: headers, QP/base64 body, encoded words. */
function parseMail(raw: string): Omit<ReceivedMail, 'from' | 'to'> {
  const split = raw.indexOf('\r\n\r\n');
  const head = raw.slice(0, split).replace(/\r\n[ \t]+/g, ' ');
  const body = raw.slice(split + 4);
  const header = (name: string): string => new RegExp(`^${name}: (.*)$`, 'mi').exec(head)?.[1] ?? '';
  const encoding = header('Content-Transfer-Encoding').toLowerCase();
  const text =
    encoding === 'base64'
      ? Buffer.from(body, 'base64').toString('utf8')
      : encoding === 'quoted-printable'
        ? decodeQuotedPrintable(body)
        : body;
  return {
    subject: decodeWords(header('Subject')),
    text: text.replace(/\r\n/g, '\n'),
    messageId: header('Message-ID'),
  };
}

function decodeQuotedPrintable(s: string): string {
  const bytes = s.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/gi, (_m, h: string) => `%${h}`);
  return decodeURIComponent(bytes.replace(/%(?![0-9A-F]{2})/gi, '%25'));
}

function decodeWords(s: string): string {
  return s
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?utf-8\?([QB])\?(.*?)\?=/gi, (_m, kind: string, data: string) =>
      kind.toUpperCase() === 'B'
        ? Buffer.from(data, 'base64').toString('utf8')
        : decodeQuotedPrintable(data.replace(/_/g, ' ')),
    );
}

export interface WebhookCall {
  headers: http.IncomingHttpHeaders;
  body: string;
  status: number;
}

export interface WebhookReceiver {
  url: string;
  calls: WebhookCall[];
  /** Status codes to answer, in order; 200 when empty. */
  answers: number[];
  /** When set, every request is answered with this status (an outage), before `answers`. */
  outageStatus: number | null;
  close(): Promise<void>;
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const calls: WebhookCall[] = [];
  const answers: number[] = [];
  const state = { outageStatus: null as number | null };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const status = state.outageStatus ?? answers.shift() ?? 200;
      calls.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), status });
      res.writeHead(status, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/inburgering`,
    calls,
    answers,
    get outageStatus() {
      return state.outageStatus;
    },
    set outageStatus(value: number | null) {
      state.outageStatus = value;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
