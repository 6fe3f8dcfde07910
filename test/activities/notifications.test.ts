/**
 * sendNotification against real receivers: an SMTP server and an HTTP webhook receiver started
 * here. Checks what arrived (Dutch text with the deadline date), the outbox row written before
 * delivery, the answer to a retry (never a second delivery), held mail without SMTP, and how
 * receiver errors become retryable or non-retryable Temporal failures. On SQLite and PostgreSQL.
 */
import { ApplicationFailure } from '@temporalio/common';
import { verifyWebhook } from '../../activities';
import { providersUnderTest } from '../db/helpers';
import {
  COACH_EMAIL,
  CONFIG,
  escalationFor,
  referralFor,
  reminderFor,
  startActivityWorld,
  WEBHOOK_SECRET,
  type ActivityWorld,
} from './fixtures';

for (const { provider, run } of providersUnderTest('test/activities/notifications')) {
  (run ? describe : describe.skip)(`sendNotification on ${provider}`, () => {
    let w: ActivityWorld;
    beforeAll(async () => {
      w = await startActivityWorld('notifications', provider);
    });
    afterAll(async () => w?.close());

    const outboxRow = (key: string) => w.db.notificationOutbox.findUniqueOrThrow({ where: { key } });
    const failureOf = (p: Promise<unknown>) =>
      p.then(
        () => undefined,
        (e: unknown) => e as ApplicationFailure,
      );

    describe('e-mail', () => {
      it('a reminder reaches the coach by SMTP, in Dutch, saying what is due, by when and what to do', async () => {
        const request = reminderFor(w.coachId);
        const before = w.smtp.mails.length;
        const result = await w.activities().sendNotification(request);
        expect(result).toMatchObject({ key: request.key, status: 'sent' });

        const mail = w.smtp.mails.at(-1)!;
        expect(w.smtp.mails.length).toBe(before + 1);
        expect(mail.to).toEqual([COACH_EMAIL]);
        expect(mail.subject).toBe('Herinnering: PIP vaststellen uiterlijk 15 maart 2027');
        expect(mail.text).toContain('Over 14 dagen, op 15 maart 2027, verloopt de termijn "PIP vaststellen"');
        expect(mail.text).toContain('Wat te doen: Rond de brede intake af en stel het PIP vast');
        expect(mail.text).toContain(`${CONFIG.PUBLIC_URL}/beheer/#/inburgeraar/${request.inburgeraarId}`);

        const row = await outboxRow(request.key);
        expect(row).toMatchObject({
          id: result.outboxId,
          status: 'sent',
          kind: 'reminder',
          channel: 'email',
          audience: 'coach',
          recipient: COACH_EMAIL,
          attempts: 1,
          dueDate: '2027-03-15',
          deadlineKey: 'PIP_VASTSTELLEN',
        });
        expect(row.sentAt).toBeInstanceOf(Date);
      });

      it('a retry of a delivered notification answers duplicate and sends nothing', async () => {
        const request = reminderFor(w.coachId);
        const activities = w.activities();
        await activities.sendNotification(request);
        const count = w.smtp.mails.length;
        await expect(activities.sendNotification(request)).resolves.toMatchObject({ status: 'duplicate' });
        await expect(activities.sendNotification(request)).resolves.toMatchObject({ status: 'duplicate' });
        expect(w.smtp.mails.length).toBe(count);
        expect((await outboxRow(request.key)).attempts).toBe(1);
      });

      it('an escalation goes to the manager address from the configuration', async () => {
        const request = escalationFor(w.coachId);
        await expect(w.activities().sendNotification(request)).resolves.toMatchObject({ status: 'sent' });
        const mail = w.smtp.mails.at(-1)!;
        expect(mail.to).toEqual([CONFIG.MANAGER_EMAIL]);
        expect(mail.subject).toBe('Termijn verstreken: PIP vaststellen (15 maart 2027)');
        expect(mail.text).toContain('is op 15 maart 2027 verstreken (1 dag geleden)');
        expect((await outboxRow(request.key)).kind).toBe('escalation');
      });

      it('without SMTP the mail stays in the outbox as held, also on a retry', async () => {
        const request = reminderFor(w.coachId);
        const activities = w.activities({ mailer: null });
        const count = w.smtp.mails.length;
        await expect(activities.sendNotification(request)).resolves.toMatchObject({ status: 'held' });
        await expect(activities.sendNotification(request)).resolves.toMatchObject({ status: 'held' });
        expect(w.smtp.mails.length).toBe(count);
        const row = await outboxRow(request.key);
        expect(row).toMatchObject({
          status: 'held',
          attempts: 0,
          subject: 'Herinnering: PIP vaststellen uiterlijk 15 maart 2027',
        });
        expect(row.lastError).toMatch(/SMTP_URL/);
      });

      it('a coach without an e-mail address: held, with the reason', async () => {
        const request = reminderFor(w.coachWithoutEmailId);
        await expect(w.activities().sendNotification(request)).resolves.toMatchObject({ status: 'held' });
        expect((await outboxRow(request.key)).lastError).toMatch(/zonder e-mailadres/);
      });

      it('a mailbox the SMTP server refuses (550) fails for good: non-retryable, row failed, never retried', async () => {
        const refused = 'weg@gemeente.example';
        w.smtp.refuse.add(refused);
        const coach = await w.db.user.create({
          data: { name: 'Vertrokken coach', email: refused, role: 'coach' },
        });
        const request = reminderFor(coach.id);
        const failure = await failureOf(w.activities().sendNotification(request));
        expect(failure).toBeInstanceOf(ApplicationFailure);
        expect(failure?.nonRetryable).toBe(true);
        // The server's text quotes the address: kept in the outbox row (which names the recipient
        // anyway), but not in the failure that Temporal stores, nor in any log line.
        expect(failure?.message).not.toContain(refused);
        expect(failure?.message).toContain('[adres]');
        expect(w.logLines.join('\n')).not.toContain(refused);
        expect((await outboxRow(request.key)).lastError).toContain(refused);
        expect(await outboxRow(request.key)).toMatchObject({ status: 'failed', attempts: 1 });
        expect((await failureOf(w.activities().sendNotification(request)))?.nonRetryable).toBe(true);
        expect((await outboxRow(request.key)).attempts).toBe(1);
      });
      it('the one window left (mail accepted, then the attempt dies before the row says sent) repeats the same Message-ID', async () => {
        // Not exactly-once by construction: documents that a repeat is recognisable by the receiver.
        const request = reminderFor(w.coachId);
        let failOnce = true;
        const flaky = {
          send: async (m: Parameters<typeof w.mailer.send>[0]) => {
            await w.mailer.send(m);
            if (failOnce) {
              failOnce = false;
              throw new Error('connection lost after the server accepted the mail');
            }
          },
          close: () => undefined,
        };
        const activities = w.activities({ mailer: flaky });
        const count = w.smtp.mails.length;
        expect((await failureOf(activities.sendNotification(request)))?.nonRetryable).toBe(false);
        await expect(activities.sendNotification(request)).resolves.toMatchObject({ status: 'sent' });
        const arrived = w.smtp.mails.slice(count);
        expect(arrived).toHaveLength(2);
        expect(arrived[0]!.messageId).toBe(arrived[1]!.messageId);
        expect(arrived[0]!.messageId).toMatch(/^<[0-9a-f]{32}@inburgering-regie>$/);
      });
    });

    describe('partner webhooks', () => {
      it('a PIP referral is POSTed with a valid HMAC signature over timestamp + body, and the referral is recorded', async () => {
        const request = referralFor(w.partnerId, w.coachId);
        const result = await w.activities().sendNotification(request);
        expect(result.status).toBe('sent');

        const call = w.hooks.calls.at(-1)!;
        const headers = {
          signature: call.headers['x-inburgering-signature'] as string,
          timestamp: call.headers['x-inburgering-timestamp'] as string,
        };
        expect(verifyWebhook(WEBHOOK_SECRET, headers, call.body, Math.floor(Date.now() / 1000))).toBe(true);
        expect(verifyWebhook('wrong-secret', headers, call.body, Math.floor(Date.now() / 1000))).toBe(false);
        expect(
          verifyWebhook(
            WEBHOOK_SECRET,
            headers,
            call.body.replace('B1', 'A2'),
            Math.floor(Date.now() / 1000),
          ),
        ).toBe(false);
        expect(call.headers['idempotency-key']).toBe(request.key);

        const body = JSON.parse(call.body);
        expect(body).toMatchObject({
          key: request.key,
          type: 'PIP_REFERRAL',
          kind: 'handoff',
          inburgeraarId: request.inburgeraarId,
          data: { route: 'B1', termijnEnd: '2030-02-11' },
        });
        expect(body.subject).toBe(
          `Nieuwe verwijzing: inburgeraar ${request.inburgeraarId} (PIP van 10 februari 2027)`,
        );
        expect(body.text).toContain('De inburgeringstermijn loopt tot 11 februari 2030');

        const referrals = await w.db.referral.findMany({ where: { inburgeraarId: request.inburgeraarId } });
        expect(referrals.map((r) => [r.partnerId, r.purpose])).toEqual([[w.partnerId, 'PIP_REFERRAL']]);
      });

      it('5xx, 408 and 429 are retryable; the next attempt delivers; exactly one accepted call', async () => {
        const request = referralFor(w.partnerId, w.coachId);
        const activities = w.activities();
        const start = w.hooks.calls.length;
        w.hooks.answers.push(503, 429, 408);
        for (const status of [503, 429, 408]) {
          const failure = await failureOf(activities.sendNotification(request));
          expect(failure).toBeInstanceOf(ApplicationFailure);
          expect(failure?.nonRetryable).toBe(false);
          expect(failure?.message).toContain(`HTTP ${status}`);
        }
        expect(await outboxRow(request.key)).toMatchObject({
          status: 'pending',
          attempts: 3,
          lastError: 'webhook antwoordde HTTP 408',
        });
        await expect(activities.sendNotification(request)).resolves.toMatchObject({ status: 'sent' });
        await expect(activities.sendNotification(request)).resolves.toMatchObject({ status: 'duplicate' });
        const calls = w.hooks.calls.slice(start);
        expect(calls.map((c) => c.status)).toEqual([503, 429, 408, 200]);
        // Every attempt sends the same signed bytes (from the outbox row).
        expect(new Set(calls.map((c) => c.body)).size).toBe(1);
      });

      it('another 4xx is non-retryable: the row is failed and a retry does not call again', async () => {
        const request = referralFor(w.partnerId, w.coachId);
        w.hooks.answers.push(401);
        const start = w.hooks.calls.length;
        const failure = await failureOf(w.activities().sendNotification(request));
        expect(failure?.nonRetryable).toBe(true);
        expect(await outboxRow(request.key)).toMatchObject({
          status: 'failed',
          lastError: 'webhook antwoordde HTTP 401',
        });
        expect((await failureOf(w.activities().sendNotification(request)))?.nonRetryable).toBe(true);
        expect(w.hooks.calls.length).toBe(start + 1);
      });

      it('an unreachable webhook is retryable', async () => {
        const partner = await w.db.partner.create({
          data: {
            name: 'Offline',
            kind: 'werkgever',
            webhookUrl: 'http://127.0.0.1:9/none',
            webhookSecret: 's',
          },
        });
        const failure = await failureOf(w.activities().sendNotification(referralFor(partner.id, w.coachId)));
        expect(failure?.nonRetryable).toBe(false);
      });

      it('a partner without webhook but with e-mail gets an e-mail; an unknown partner is held', async () => {
        const partner = await w.db.partner.create({
          data: { name: 'Werkgever BV', kind: 'werkgever', email: 'hr@werkgever.example' },
        });
        await expect(
          w.activities().sendNotification(referralFor(partner.id, w.coachId)),
        ).resolves.toMatchObject({
          status: 'sent',
        });
        expect(w.smtp.mails.at(-1)!.to).toEqual(['hr@werkgever.example']);
        await expect(
          w.activities().sendNotification(referralFor('no-such-partner', w.coachId)),
        ).resolves.toMatchObject({ status: 'held' });
      });
    });

    it('logs ids and statuses, never addresses or message texts', () => {
      const logged = w.logLines.join('\n');
      expect(logged).toContain('"status":"sent"');
      expect(logged).not.toContain(COACH_EMAIL);
      expect(logged).not.toContain(CONFIG.MANAGER_EMAIL);
      expect(logged).not.toContain('hr@werkgever.example');
      expect(logged).not.toContain('Wat te doen');
    });

    describe('held mail, delivered by the delivery run once SMTP is configured', () => {
      it('sends held e-mail with an address exactly once, leaves the others held', async () => {
        const withAddress = reminderFor(w.coachId);
        const withoutAddress = reminderFor(w.coachWithoutEmailId);
        const noSmtp = w.activities({ mailer: null });
        await noSmtp.sendNotification(withAddress);
        await noSmtp.sendNotification(withoutAddress);
        const count = w.smtp.mails.length;

        const now = new Date().toISOString();
        const first = await w.activities().deliverNotifications({ now, limit: 100 });
        expect(first.sent).toBeGreaterThanOrEqual(1);
        expect(await outboxRow(withAddress.key)).toMatchObject({ status: 'sent', attempts: 1 });
        expect(await outboxRow(withoutAddress.key)).toMatchObject({ status: 'held' });
        expect(w.smtp.mails.slice(count).filter((m) => m.subject.includes('Herinnering'))).toHaveLength(
          first.sent,
        );

        const again = await w.activities().deliverNotifications({ now, limit: 100 });
        expect(again.sent).toBe(0);
        // The first version's workflow retrying the same notification now answers duplicate.
        await expect(w.activities().sendNotification(withAddress)).resolves.toMatchObject({
          status: 'duplicate',
        });
      });
    });
  });
}
