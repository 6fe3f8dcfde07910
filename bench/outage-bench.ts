/**
 * Row group "outage": a coach's action while the mail server is down. The worker's SMTP_URL points
 * at a real SMTP server on loopback (test/activities/receivers.ts). For `n` people whose PIP term
 * ran out long ago (so the workflow queues an escalation e-mail at once), the coach plans the
 * intake through the API, first with the SMTP server refusing every connection (421), then for
 * `n` other people with it accepting. Both p50/p95 are reported, and their ratio: the action
 * should not notice the outage, because delivery runs apart from the update.
 */
import { addDays, localDate } from '../domain/dates';
import { koppelingBody } from '../test/api/helpers/harness';
import type { SmtpReceiver } from '../test/activities/receivers';
import type { Report } from './report';
import { koppel } from './api-bench';
import { call, type Stack } from './stack';
import { latencies, pool, waitUntil } from './stats';

/** What a coach waits at most before giving up on one action (the old path could hold it for hours). */
const GIVE_UP_MS = 30_000;

async function actionsOnFreshPeople(stack: Stack, n: number, concurrency: number): Promise<number[]> {
  const today = localDate(Date.now());
  const known = addDays(today, -90); // the 10-week PIP term ended weeks ago: an escalation is due now
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const r = await koppel(
      stack,
      koppelingBody({
        coachId: stack.users.coach.id,
        koppelingDate: known,
        extra: { kennisgevingDate: known, brpInschrijvingDate: known },
      }),
    );
    ids.push(r.inburgeraarId);
  }
  // Each workflow has queued its escalation before the coach acts.
  await waitUntil(
    async () => (await stack.db.notificationOutbox.count({ where: { inburgeraarId: { in: ids } } })) >= n,
    60_000,
  );
  const samples: number[] = [];
  await pool(ids, concurrency, async (id) => {
    const r = await call(
      stack.apiUrl,
      'POST',
      `/api/inburgeraars/${id}/acties/planBredeIntake`,
      stack.users.coach.key,
      { plannedDate: addDays(today, 7) },
      GIVE_UP_MS,
    ).catch(() => ({ status: 0, ms: GIVE_UP_MS }));
    samples.push(r.status === 200 ? r.ms : GIVE_UP_MS);
  });
  return samples;
}

export async function runOutage(
  stack: Stack,
  report: Report,
  smtp: SmtpReceiver,
  n: number,
  concurrency: number,
): Promise<void> {
  smtp.down = true;
  const during = latencies(await actionsOnFreshPeople(stack, n, concurrency));
  const refused = smtp.refusals;
  smtp.down = false;
  const normal = latencies(await actionsOnFreshPeople(stack, n, concurrency));
  report.add(`outage: coach action p50, SMTP refusing (${n} people, escalation queued)`, during.p50, 'ms');
  report.add(`outage: coach action p95, SMTP refusing`, during.p95, 'ms', 'outage.actieP95');
  report.add(`outage: coach action p50, SMTP up (${n} other people)`, normal.p50, 'ms');
  report.add(`outage: coach action p95, SMTP up`, normal.p95, 'ms');
  report.add('outage: p95 refusing / p95 up', during.p95 / normal.p95, '×', 'outage.ratio');
  report.note(
    `outage: the SMTP server refused ${refused} connections or messages while ${n} coach actions ran; an action that got no answer within ${GIVE_UP_MS / 1000} s counts as ${GIVE_UP_MS / 1000} s`,
  );
}
