/**
 * The Temporal Schedules of the privacy maintenance (workflows/retention.ts), defined once: the
 * worker installs them at start (`ensureSchedules`, create or update to the configuration), and the
 * API shows them to managers (GET /api/schedules) from the same list.
 *
 * Ids are derived from the task queue, so one deployment has one pair and test files (a task
 * queue each) never share one.
 */
import {
  ScheduleAlreadyRunning,
  type Client,
  type ScheduleOptionsStartWorkflowAction,
  type ScheduleSpec,
} from '@temporalio/client';
import type { Config } from '../config/config';
import { DEFAULT_RETENTION_POLICY, type RetentionPolicy } from '../domain/retention';
import type { cleanupWorkflow, retentionWorkflow } from '../workflows/retention';

export type ScheduleConfig = Pick<
  Config,
  'TEMPORAL_TASK_QUEUE' | 'RETENTION_YEARS_AFTER_END' | 'IDEMPOTENCY_TTL_HOURS'
>;

export interface PrivacySchedule {
  id: string;
  /** What it does, for the manager (Dutch). */
  omschrijving: string;
  /** When it runs, for the manager (Dutch). */
  wanneer: string;
  spec: ScheduleSpec;
  action: ScheduleOptionsStartWorkflowAction<typeof retentionWorkflow | typeof cleanupWorkflow>;
}

/** The gemeente's retention policy: RETENTION_YEARS_AFTER_END, else the default of domain/retention.ts. */
export function retentionPolicyOf(config: Pick<Config, 'RETENTION_YEARS_AFTER_END'>): RetentionPolicy {
  return {
    retentionYearsAfterEnd:
      config.RETENTION_YEARS_AFTER_END ?? DEFAULT_RETENTION_POLICY.retentionYearsAfterEnd,
  };
}

export function privacySchedules(config: ScheduleConfig): PrivacySchedule[] {
  const queue = config.TEMPORAL_TASK_QUEUE;
  const policy = retentionPolicyOf(config);
  return [
    {
      id: `${queue}-bewaartermijn`,
      omschrijving:
        `Verwijdert de persoonsgegevens van trajecten die langer dan ${policy.retentionYearsAfterEnd} jaar ` +
        'geleden zijn geëindigd (database en Temporal); de cijfers blijven.',
      wanneer: 'elke nacht om 02:30',
      spec: { calendars: [{ hour: 2, minute: 30 }], timezone: 'Europe/Amsterdam' },
      action: {
        type: 'startWorkflow',
        workflowType: 'retentionWorkflow',
        args: [{ policy }],
        taskQueue: queue,
        workflowId: `${queue}-bewaartermijn`,
      },
    },
    {
      id: `${queue}-opschonen`,
      omschrijving:
        `Verwijdert antwoorden op herhaalde verzoeken (Idempotency-Key) na ${config.IDEMPOTENCY_TTL_HOURS} uur, ` +
        'en verlopen aanmeldingen (sessies) van de webpagina’s.',
      wanneer: 'elk uur',
      spec: { intervals: [{ every: '1 hour' }] },
      action: {
        type: 'startWorkflow',
        workflowType: 'cleanupWorkflow',
        args: [{ idempotencyTtlHours: config.IDEMPOTENCY_TTL_HOURS }],
        taskQueue: queue,
        workflowId: `${queue}-opschonen`,
      },
    },
  ];
}

/**
 * Creates the schedules, or brings existing ones to the configuration (a changed retention period
 * or TTL takes effect at the next worker start). Safe when several workers start at once.
 */
export async function ensureSchedules(client: Client, config: ScheduleConfig): Promise<string[]> {
  const ids: string[] = [];
  for (const schedule of privacySchedules(config)) {
    try {
      await client.schedule.create({
        scheduleId: schedule.id,
        spec: schedule.spec,
        action: schedule.action,
        // A run still busy (a long retention) is not doubled; a missed night is caught up within a day.
        policies: { overlap: 'SKIP', catchupWindow: '1 day' },
      });
    } catch (err) {
      if (!(err instanceof ScheduleAlreadyRunning)) throw err;
      await client.schedule
        .getHandle(schedule.id)
        .update((previous) => ({ ...previous, spec: schedule.spec, action: schedule.action }));
    }
    ids.push(schedule.id);
  }
  return ids;
}
