/**
 * Per-gemeente settings: every *policy* value (the law sets no number there, so the gemeente
 * chooses; docs/wet-inburgering.md) with its default. A trajectory carries its settings in
 * its state, so a running workflow keeps the values it started with (a change for running ones goes
 * through `patched()` in the workflow, see workflows/trajectory.ts).
 */
import { z } from 'zod';
import { SETTINGS_DEFAULTS } from './settings-defaults';

export { resolveSettings, SETTINGS_DEFAULTS } from './settings-defaults';

export const gemeenteSettingsSchema = z.object({
  reminderDaysBefore: z
    .array(z.number().int().min(1).max(365))
    .default([...SETTINGS_DEFAULTS.reminderDaysBefore])
    .describe('Days before a deadline on which the coach gets a reminder (policy, default 14 and 3).'),
  escalationDaysAfter: z
    .number()
    .int()
    .min(1)
    .max(60)
    .default(SETTINGS_DEFAULTS.escalationDaysAfter)
    .describe(
      'Days after the due date on which an overdue deadline is escalated to the manager (policy, default 1: the first day it is late).',
    ),
  notificationHour: z
    .number()
    .int()
    .min(0)
    .max(23)
    .default(SETTINGS_DEFAULTS.notificationHour)
    .describe(
      'Local hour (Europe/Amsterdam) at which reminders and escalations are sent on their date (default 09:00).',
    ),
  voortgangsgesprekIntervalMonths: z
    .number()
    .int()
    .min(1)
    .max(12)
    .default(SETTINGS_DEFAULTS.voortgangsgesprekIntervalMonths)
    .describe(
      'Months between two voortgangsgesprekken, counted from the PIP or the last gesprek (policy, default 3).',
    ),
  huisvestingTargetWeeks: z
    .number()
    .int()
    .min(1)
    .max(52)
    .default(SETTINGS_DEFAULTS.huisvestingTargetWeeks)
    .describe('Target in weeks from koppeling to housing for asielstatushouders (policy, default ~10).'),
  continueAsNewAfterEvents: z
    .number()
    .int()
    .min(1)
    .optional()
    .describe(
      'Test/ops hook: continue-as-new after this many handled events even when Temporal does not suggest it yet.',
    ),
});

export type GemeenteSettings = z.infer<typeof gemeenteSettingsSchema>;

export const DEFAULT_SETTINGS: GemeenteSettings = gemeenteSettingsSchema.parse({});
