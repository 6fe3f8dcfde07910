/**
 * The activities of the trajectory workflow, built from what they need (nothing imported globally),
 * so a test hands in its own database, SMTP server and webhook receiver:
 *
 *   const activities = createActivities({ db, config, log });          // production wiring
 *   const activities = createActivities({ db, config, log, mailer, webhooks, clock });  // tests
 *
 * The workflow imports only the types (activities/types.ts) and calls them through proxyActivities.
 */
import type { Logger } from 'pino';
import type { Config } from '../config/config';
import type { Db } from '../prisma/db';
import { createSmtpMailer, type Mailer } from './mailer';
import { sendNotification, type Clock } from './notifications';
import { recordTrajectoryEvent } from './read-model';
import type { TrajectoryActivities } from './types';
import { createWebhookSender, type WebhookSender } from './webhooks';

export type ActivityConfig = Pick<Config, 'MANAGER_EMAIL' | 'MAIL_FROM' | 'GEMEENTE_NAAM'> &
  Partial<Pick<Config, 'SMTP_URL' | 'PUBLIC_URL'>>;

export interface ActivityDeps {
  db: Db;
  config: ActivityConfig;
  log: Logger;
  /** Default: SMTP from config.SMTP_URL; null (or no SMTP_URL): e-mail is held in the outbox. */
  mailer?: Mailer | null;
  /** Default: signed POSTs with fetch. */
  webhooks?: WebhookSender;
  /** Default: the system clock (outbox times, webhook timestamps). */
  clock?: Clock;
}

export const systemClock: Clock = { now: () => new Date() };

export function createActivities(deps: ActivityDeps): TrajectoryActivities {
  const { db, config } = deps;
  const log = deps.log.child({ component: 'activities' });
  const mailer =
    deps.mailer !== undefined
      ? deps.mailer
      : config.SMTP_URL
        ? createSmtpMailer(config.SMTP_URL, config.MAIL_FROM)
        : null;
  const notificationDeps = {
    db,
    mailer,
    webhooks: deps.webhooks ?? createWebhookSender(),
    clock: deps.clock ?? systemClock,
    log,
    config: {
      managerEmail: config.MANAGER_EMAIL,
      gemeenteNaam: config.GEMEENTE_NAAM,
      publicUrl: config.PUBLIC_URL,
    },
  };
  return {
    recordTrajectoryEvent: (input) => recordTrajectoryEvent(db, input),
    sendNotification: (input) => sendNotification(notificationDeps, input),
  };
}

export type { Mailer, WebhookSender, Clock };
export { createSmtpMailer } from './mailer';
export {
  createWebhookSender,
  signWebhook,
  verifyWebhook,
  SIGNATURE_HEADER,
  TIMESTAMP_HEADER,
} from './webhooks';
export type * from './types';
