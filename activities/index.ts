/**
 * The activities of the trajectory and delivery workflows, built from what they need (nothing
 * imported globally), so a test hands in its own database, SMTP server and webhook receiver:
 *
 *   const activities = createActivities({ db, config, log, delivery });   // production wiring
 *   const activities = createActivities({ db, config, log, mailer, webhooks, clock });  // tests
 *
 * The workflows import only the types (activities/types.ts) and call them through proxyActivities.
 */
import type { Client } from '@temporalio/client';
import type { Logger } from 'pino';
import type { Config } from '../config/config';
import type { Db } from '../prisma/db';
import { createSmtpMailer, type Mailer } from './mailer';
import { sendNotification, type Clock } from './notifications';
import { recordTrajectoryEvent } from './read-model';
import { Context } from '@temporalio/activity';
import { deliverNotifications } from './delivery';
import { recordStep, type DeliveryTrigger } from './step';
import { createRetentionActivities, type RetentionActivities } from './retention';
import type { DeliveryActivities, TrajectoryActivities } from './types';
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
  /**
   * Nudges the delivery workflow after a step queued notifications (worker/main.ts builds it from a
   * Temporal client). Without it delivery still runs on the delivery workflow's own timer.
   */
  delivery?: DeliveryTrigger | null;
  /** Default: the worker's client (retention deletes workflow histories through it). */
  temporal?: Client;
}

export const systemClock: Clock = { now: () => new Date() };

export function createActivities(
  deps: ActivityDeps,
): TrajectoryActivities & DeliveryActivities & RetentionActivities {
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
  const stepDeps = { db, notifications: notificationDeps, delivery: deps.delivery ?? null, log };
  return {
    recordStep: (input) => recordStep(stepDeps, input, currentTaskQueue()),
    deliverNotifications: (input) => deliverNotifications({ ...notificationDeps, heartbeat }, input),
    recordTrajectoryEvent: (input) => recordTrajectoryEvent(db, input),
    sendNotification: (input) => sendNotification(notificationDeps, input),
    ...createRetentionActivities({ db, log, ...(deps.temporal ? { temporal: deps.temporal } : {}) }),
  };
}

/** Heartbeats the running activity; a no-op outside one (a script or a test calling it directly). */
function heartbeat(): void {
  try {
    Context.current().heartbeat();
  } catch {
    // not in an activity
  }
}

/** The task queue of the running activity (its delivery workflow is per task queue). */
function currentTaskQueue(): string | undefined {
  try {
    return Context.current().info.taskQueue;
  } catch {
    return undefined; // called outside an activity (a script or a test calling it directly)
  }
}

export type { Mailer, WebhookSender, Clock, DeliveryTrigger };
export { requeueFor, DELIVERY_POLICY } from './delivery';
export { createSmtpMailer } from './mailer';
export {
  createWebhookSender,
  signWebhook,
  verifyWebhook,
  SIGNATURE_HEADER,
  TIMESTAMP_HEADER,
} from './webhooks';
export type * from './types';
