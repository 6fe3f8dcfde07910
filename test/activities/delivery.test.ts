/**
 * The command pipeline's two halves against real receivers (SMTP server, webhook receiver) and a real
 * database, on SQLite and PostgreSQL:
 * - recordStep writes a step's audit events, read model and outbox rows in one transaction, and a
 *   retry writes nothing twice;
 * - deliverNotifications delivers due rows exactly once per key: retries with backoff through an
 *   outage, marks refusals failed until the recipient changes, delivers held mail once SMTP exists,
 *   lets only one of two concurrent runs take a row, and takes over a row whose run died.
 */
import { DELIVERY_POLICY, requeueFor } from '../../activities';
import { messageIdFor, SMTP_POOL_CONNECTIONS } from '../../activities/mailer';
import { providersUnderTest } from '../db/helpers';
import {
  COACH_EMAIL,
  escalationFor,
  referralFor,
  reminderFor,
  startActivityWorld,
  stepWith,
  type ActivityWorld,
} from './fixtures';

const NOW = '2027-03-01T08:00:00.000Z';
const later = (ms: number) => new Date(Date.parse(NOW) + ms).toISOString();

for (const { provider, run } of providersUnderTest('test/activities/delivery')) {
  (run ? describe : describe.skip)(`recordStep and deliverNotifications on ${provider}`, () => {
    let w: ActivityWorld;
    beforeAll(async () => {
      w = await startActivityWorld('delivery', provider);
    });
    afterAll(async () => w?.close());
    afterEach(() => {
      w.smtp.down = false;
      w.hooks.outageStatus = null;
    });

    const row = (key: string) => w.db.notificationOutbox.findUniqueOrThrow({ where: { key } });
    /** Delivers everything due at `now` (rows other tests left behind are delivered too: harmless). */
    const deliver = (now = NOW) => w.activities().deliverNotifications({ now, limit: 100 });
    const mailsWith = (key: string) => w.smtp.mails.filter((m) => m.messageId === messageIdFor(key));
    const hooksWith = (key: string, status = 200) =>
      w.hooks.calls.filter((c) => c.headers['idempotency-key'] === key && c.status === status);

    it('one step writes its audit events, read model and outbox rows together; a retry writes nothing twice', async () => {
      const reminder = reminderFor(w.coachId);
      const step = stepWith(w.coachId, [reminder], reminder.inburgeraarId);
      const first = await w.activities().recordStep(step);
      expect(first).toEqual({ events: 2, queued: 1, held: 0 });
      const again = await w.activities().recordStep(step);
      expect(again).toEqual({ events: 0, queued: 0, held: 0 });

      const audit = await w.db.auditEvent.findMany({
        where: { workflowId: step.workflowId },
        orderBy: { eventSeq: 'asc' },
      });
      expect(audit.map((a) => [a.eventSeq, a.action, a.actor])).toEqual([
        [1, 'KOPPELING', 'workflow'],
        [2, 'registerHuisvesting', w.coachId],
      ]);
      const model = await w.db.trajectoryReadModel.findUniqueOrThrow({
        where: { inburgeraarId: step.inburgeraarId },
      });
      expect(model).toMatchObject({ eventSeq: 2, phase: 'KOPPELING', coachId: w.coachId });
      // Recorded, not delivered: delivery is the delivery workflow's work.
      expect(await row(reminder.key)).toMatchObject({
        status: 'pending',
        attempts: 0,
        recipient: COACH_EMAIL,
        recipientId: w.coachId,
        nextAttemptAt: null,
      });
      expect(mailsWith(reminder.key)).toHaveLength(0);

      expect(await deliver()).toMatchObject({ sent: expect.any(Number), more: false });
      expect(mailsWith(reminder.key)).toHaveLength(1);
      expect(await row(reminder.key)).toMatchObject({ status: 'sent', attempts: 1, lastError: null });
      await deliver(later(60 * 60_000)); // a sent row is never selected again
      expect(mailsWith(reminder.key)).toHaveLength(1);
    });

    it('a burst of reminders goes over a few pooled connections, each mail once', async () => {
      const reminders = Array.from({ length: 12 }, () => reminderFor(w.coachId));
      for (const r of reminders) await w.activities().recordStep(stepWith(w.coachId, [r], r.inburgeraarId));
      const connectionsBefore = w.smtp.connections;
      await deliver();
      for (const r of reminders) expect(mailsWith(r.key)).toHaveLength(1);
      // Without the pool every mail opened a connection of its own (12 here).
      expect(w.smtp.connections - connectionsBefore).toBeLessThanOrEqual(SMTP_POOL_CONNECTIONS);
    });

    it('an SMTP outage: retried with backoff, sent exactly once when the server is back', async () => {
      const reminder = reminderFor(w.coachId);
      await w.activities().recordStep(stepWith(w.coachId, [reminder], reminder.inburgeraarId));
      w.smtp.down = true;
      const refusedBefore = w.smtp.refusals;
      const run = await deliver();
      expect(run.retrying).toBeGreaterThanOrEqual(1);
      expect(w.smtp.refusals).toBeGreaterThan(refusedBefore);
      const afterFirst = await row(reminder.key);
      expect(afterFirst).toMatchObject({ status: 'pending', attempts: 1 });
      expect(afterFirst.lastError).toMatch(/421/);
      expect(afterFirst.nextAttemptAt?.toISOString()).toBe(later(DELIVERY_POLICY.firstRetryMs));
      expect(run.nextAttemptAt).toBeDefined();

      await deliver(later(DELIVERY_POLICY.firstRetryMs - 1)); // not due yet: no attempt
      expect((await row(reminder.key)).attempts).toBe(1);
      await deliver(later(DELIVERY_POLICY.firstRetryMs)); // due, still down: backoff doubles
      expect(await row(reminder.key)).toMatchObject({ status: 'pending', attempts: 2 });
      expect((await row(reminder.key)).nextAttemptAt?.toISOString()).toBe(
        later(DELIVERY_POLICY.firstRetryMs + 2 * DELIVERY_POLICY.firstRetryMs),
      );

      w.smtp.down = false;
      await deliver(later(60 * 60_000));
      expect(mailsWith(reminder.key)).toHaveLength(1);
      expect(await row(reminder.key)).toMatchObject({ status: 'sent', attempts: 3, lastError: null });
    });

    it('a partner webhook answering 503 is retried, a 410 fails until the partner is changed, then delivered once', async () => {
      const referral = referralFor(w.partnerId, w.coachId);
      await w.activities().recordStep(stepWith(w.coachId, [referral], referral.inburgeraarId));
      w.hooks.outageStatus = 503;
      await deliver();
      expect(await row(referral.key)).toMatchObject({
        status: 'pending',
        attempts: 1,
        lastError: 'webhook antwoordde HTTP 503',
      });
      w.hooks.outageStatus = 410;
      await deliver(later(DELIVERY_POLICY.firstRetryMs));
      expect(await row(referral.key)).toMatchObject({ status: 'failed', attempts: 2, nextAttemptAt: null });
      await deliver(later(24 * 60 * 60_000)); // failed is not retried by time alone
      expect((await row(referral.key)).attempts).toBe(2);

      w.hooks.outageStatus = null; // the partner fixed its endpoint, and the admin saved the partner
      expect(await requeueFor(w.db, w.partnerId, new Date(later(24 * 60 * 60_000)))).toBeGreaterThanOrEqual(
        1,
      );
      await deliver(later(24 * 60 * 60_000));
      expect(hooksWith(referral.key)).toHaveLength(1);
      expect(hooksWith(referral.key, 503)).toHaveLength(1);
      expect(await row(referral.key)).toMatchObject({ status: 'sent', attempts: 3 });
      // The partner may see the person from the moment the hand-off was recorded.
      expect(
        await w.db.referral.findFirst({
          where: { inburgeraarId: referral.inburgeraarId, partnerId: w.partnerId },
        }),
      ).not.toBeNull();
    });

    it('mail held without SMTP goes out by itself once SMTP is configured; a coach without address stays held', async () => {
      const escalation = escalationFor(w.coachId);
      const orphan = reminderFor(w.coachWithoutEmailId);
      const withoutSmtp = w.activities({ mailer: null });
      expect(
        await withoutSmtp.recordStep(stepWith(w.coachId, [escalation, orphan], escalation.inburgeraarId)),
      ).toMatchObject({ queued: 0, held: 2 });
      expect(await row(escalation.key)).toMatchObject({
        status: 'held',
        lastError: 'geen SMTP geconfigureerd (SMTP_URL)',
        nextAttemptAt: new Date(Date.parse(escalation.at) + DELIVERY_POLICY.heldRecheckMs),
      });
      await withoutSmtp.deliverNotifications({ now: later(DELIVERY_POLICY.heldRecheckMs), limit: 100 });
      expect(await row(escalation.key)).toMatchObject({ status: 'held', attempts: 0 });

      await deliver(later(2 * DELIVERY_POLICY.heldRecheckMs)); // SMTP now configured (the default world)
      expect(mailsWith(escalation.key)).toHaveLength(1);
      expect(await row(escalation.key)).toMatchObject({ status: 'sent', attempts: 1 });
      expect(await row(orphan.key)).toMatchObject({
        status: 'held',
        lastError: expect.stringMatching(/zonder e-mailadres/),
      });
    });

    it('two delivery runs at once send each row once', async () => {
      const reminders = Array.from({ length: 6 }, () => reminderFor(w.coachId));
      for (const r of reminders) await w.activities().recordStep(stepWith(w.coachId, [r], r.inburgeraarId));
      await Promise.all([deliver(), deliver()]);
      for (const r of reminders) expect(mailsWith(r.key)).toHaveLength(1);
    });

    it('a row whose delivery run died is taken over when its lease runs out, not before', async () => {
      const reminder = reminderFor(w.coachId);
      await w.activities().recordStep(stepWith(w.coachId, [reminder], reminder.inburgeraarId));
      // What a run leaves when its process is killed after the claim, before the transmission.
      await w.db.notificationOutbox.update({
        where: { key: reminder.key },
        data: { status: 'sending', attempts: 1, nextAttemptAt: new Date(later(DELIVERY_POLICY.leaseMs)) },
      });
      await deliver(later(DELIVERY_POLICY.leaseMs - 1));
      expect(mailsWith(reminder.key)).toHaveLength(0);
      await deliver(later(DELIVERY_POLICY.leaseMs));
      expect(mailsWith(reminder.key)).toHaveLength(1);
      expect(await row(reminder.key)).toMatchObject({ status: 'sent', attempts: 2 });
    });
  });
}
