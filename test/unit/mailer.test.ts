/** The SMTP transport's settings travel in its URL (activities/mailer.ts says why). */
import net from 'node:net';
import nodemailer from 'nodemailer';
import { createSmtpMailer, SMTP_POOL_CONNECTIONS, smtpTransportUrl } from '../../activities/mailer';

describe('smtpTransportUrl', () => {
  it('adds the pool and the timeouts, keeping host, port and credentials', () => {
    const url = new URL(smtpTransportUrl('smtps://mailer%40gemeente.example:p%3Ass@relay.example:465'));
    expect(url.protocol).toBe('smtps:');
    expect(url.host).toBe('relay.example:465');
    expect(decodeURIComponent(url.username)).toBe('mailer@gemeente.example');
    expect(decodeURIComponent(url.password)).toBe('p:ss');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      pool: 'true',
      maxConnections: String(SMTP_POOL_CONNECTIONS),
      maxMessages: '100',
      connectionTimeout: '10000',
      greetingTimeout: '10000',
      socketTimeout: '20000',
    });
  });

  it('leaves a setting the operator put in SMTP_URL as it is', () => {
    const url = new URL(smtpTransportUrl('smtp://relay.example:25?socketTimeout=60000&pool=false'));
    expect(url.searchParams.get('socketTimeout')).toBe('60000');
    expect(url.searchParams.get('pool')).toBe('false');
    expect(url.searchParams.get('connectionTimeout')).toBe('10000');
  });

  it('gives nodemailer a pooled transport with those timeouts (a second argument would be ignored)', () => {
    const transport = nodemailer.createTransport(smtpTransportUrl('smtp://relay.example:25')) as unknown as {
      transporter: { name: string; options: Record<string, unknown> };
      close(): void;
    };
    try {
      expect(transport.transporter.name).toBe('SMTP (pool)');
      expect(transport.transporter.options).toMatchObject({
        host: 'relay.example',
        port: 25,
        maxConnections: SMTP_POOL_CONNECTIONS,
        connectionTimeout: 10_000,
        socketTimeout: 20_000,
      });
    } finally {
      transport.close();
    }
  });
});

describe('createSmtpMailer', () => {
  it('refuses a message when nothing listens (the outbox retries it), without crashing the process', async () => {
    const closed = net.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as net.AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const mailer = createSmtpMailer(`smtp://127.0.0.1:${port}`, 'noreply@gemeente.example');
    try {
      await expect(
        mailer.send({ to: 'coach@gemeente.example', subject: 's', text: 't', key: 'k-refused' }),
      ).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    } finally {
      mailer.close();
    }
  });
});
