/** Shared setup of the activity tests: a migrated SQLite file, receivers, a coach and a partner. */
import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { createActivities, createSmtpMailer, type ActivityDeps, type Mailer } from '../../activities';
import type { NotificationRequest, StepRecord } from '../../activities/types';
import { initialState, summarize, toStepRecord } from '../../domain';
import type { Db } from '../../prisma/db';
import type { Provider } from '../../prisma/provider';
import { openMigratedDb } from '../db/helpers';
import {
  startSmtpReceiver,
  startWebhookReceiver,
  type SmtpReceiver,
  type WebhookReceiver,
} from './receivers';

export const CONFIG = {
  MANAGER_EMAIL: 'manager@gemeente.example',
  MAIL_FROM: 'Regie inburgering <regie@gemeente.example>',
  GEMEENTE_NAAM: 'Gemeente Zwolle',
  PUBLIC_URL: 'https://regie.gemeente.example',
};
export const COACH_EMAIL = 'coach.jansen@gemeente.example';
export const WEBHOOK_SECRET = 'partner-secret-for-tests';

export interface ActivityWorld {
  db: Db;
  smtp: SmtpReceiver;
  hooks: WebhookReceiver;
  mailer: Mailer;
  coachId: string;
  coachWithoutEmailId: string;
  partnerId: string;
  /** Everything the activities logged (pino JSON lines). */
  logLines: string[];
  activities(overrides?: Partial<ActivityDeps>): ReturnType<typeof createActivities>;
  close(): Promise<void>;
}

export async function startActivityWorld(
  name: string,
  provider: Provider = 'sqlite',
): Promise<ActivityWorld> {
  const { db, close: closeDatabase } = await openMigratedDb(provider, name);
  const [smtp, hooks] = await Promise.all([startSmtpReceiver(), startWebhookReceiver()]);
  const mailer = createSmtpMailer(smtp.url, CONFIG.MAIL_FROM);
  const coach = await db.user.create({ data: { name: 'Coach Jansen', email: COACH_EMAIL, role: 'coach' } });
  const silentCoach = await db.user.create({ data: { name: 'Coach zonder mail', role: 'coach' } });
  const partner = await db.partner.create({
    data: {
      name: 'Taalschool De Brug',
      kind: 'taalschool',
      webhookUrl: hooks.url,
      webhookSecret: WEBHOOK_SECRET,
    },
  });
  const logLines: string[] = [];
  const log = pino({ level: 'debug' }, { write: (line: string) => void logLines.push(line) });
  return {
    db,
    smtp,
    hooks,
    mailer,
    coachId: coach.id,
    coachWithoutEmailId: silentCoach.id,
    partnerId: partner.id,
    logLines,
    activities: (overrides = {}) => createActivities({ db, config: CONFIG, log, mailer, ...overrides }),
    close: async () => {
      mailer.close();
      await Promise.all([smtp.close(), hooks.close()]);
      await closeDatabase();
    },
  };
}

/** A reminder 14 days before the PIP deadline, as domain/deadlines.ts produces it. */
export function reminderFor(coachId: string, inburgeraarId = randomUUID()): NotificationRequest {
  const workflowId = `inburgering-${inburgeraarId}`;
  return {
    key: `${workflowId}:PIP_VASTSTELLEN:REMINDER-14:2027-03-01`,
    template: 'REMINDER',
    recipient: { role: 'coach', id: coachId },
    channel: 'email',
    deadlineKey: 'PIP_VASTSTELLEN',
    dueDate: '2027-03-15',
    data: {
      deadlineKey: 'PIP_VASTSTELLEN',
      label: 'PIP vaststellen',
      dueDate: '2027-03-15',
      source: 'Besluit inburgering 2021 art. 5.3',
      coachId,
      inburgeraarId,
      daysBefore: 14,
    },
    workflowId,
    inburgeraarId,
    at: '2027-03-01T07:00:00.000Z',
  };
}

export function escalationFor(coachId: string, inburgeraarId = randomUUID()): NotificationRequest {
  const r = reminderFor(coachId, inburgeraarId);
  const { daysBefore: _reminderOnly, ...data } = r.data;
  return {
    ...r,
    key: `${r.workflowId}:PIP_VASTSTELLEN:ESCALATION:2027-03-16`,
    template: 'ESCALATION',
    recipient: { role: 'manager' },
    data: { ...data, daysOverdue: 1 },
  };
}

export function referralFor(
  partnerId: string,
  coachId: string,
  inburgeraarId = randomUUID(),
): NotificationRequest {
  const workflowId = `inburgering-${inburgeraarId}`;
  return {
    key: `${workflowId}:PIP_REFERRAL:${partnerId}:2027-02-10`,
    template: 'PIP_REFERRAL',
    recipient: { role: 'partner', id: partnerId },
    channel: 'webhook',
    data: {
      inburgeraarId,
      route: 'B1',
      taalniveau: 'B1',
      pipDecisionDate: '2027-02-10',
      termijnEnd: '2030-02-11',
      modules: 'PVT,MAP,KNM',
      coachId,
    },
    workflowId,
    inburgeraarId,
    at: '2027-02-10T10:00:00.000Z',
  };
}

/**
 * A step as the trajectory workflow records it: the koppeling and one coach action as audit events,
 * the snapshot after them, and the given notifications (all for the same person).
 */
export function stepWith(
  coachId: string,
  notifications: NotificationRequest[],
  inburgeraarId: string = notifications[0]?.inburgeraarId ?? randomUUID(),
  at = '2027-03-01T08:00:00.000Z',
): StepRecord {
  const state = initialState(
    { inburgeraarId, koppelingDate: '2027-01-04', doelgroep: 'asielstatushouder', coachId },
    at,
  );
  const events = [
    { seq: 1, type: 'KOPPELING', at, data: { phase: 'KOPPELING' } },
    { seq: 2, type: 'registerHuisvesting', at, data: { date: '2027-02-01', actorId: coachId } },
  ];
  return toStepRecord(
    `inburgering-${inburgeraarId}`,
    { ...summarize(state), eventSeq: 2 },
    events,
    notifications,
  );
}
