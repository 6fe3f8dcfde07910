/**
 * The default of every per-gemeente policy setting, and how a trajectory's settings are resolved
 * from them. Kept apart from the settings schema (domain/settings.ts, which takes its defaults from
 * here) because the workflow uses it: the workflow code carries no zod (see workflows/README.md,
 * "What the workflow bundle contains"), and the overrides it receives were already parsed by the
 * application layer with the schema.
 */
import type { GemeenteSettings } from './settings';

export const SETTINGS_DEFAULTS = {
  reminderDaysBefore: [14, 3],
  escalationDaysAfter: 1,
  notificationHour: 9,
  voortgangsgesprekIntervalMonths: 3,
  huisvestingTargetWeeks: 10,
} as const;

/** Settings without a default: absent unless a koppeling sets them. */
const OPTIONAL_SETTINGS = ['continueAsNewAfterEvents'] as const satisfies ReadonlyArray<
  keyof GemeenteSettings
>;

const KNOWN = new Set<string>([...Object.keys(SETTINGS_DEFAULTS), ...OPTIONAL_SETTINGS]);

/**
 * The defaults with the overrides that are set laid over them. Unknown keys and `undefined`
 * values are dropped, as the schema's parse would: the result equals
 * `gemeenteSettingsSchema.parse({ ...defaults, ...overrides })` for parsed overrides (a unit test
 * compares both).
 */
export function resolveSettings(overrides?: Partial<GemeenteSettings>): GemeenteSettings {
  const settings: Record<string, unknown> = {
    ...SETTINGS_DEFAULTS,
    reminderDaysBefore: [...SETTINGS_DEFAULTS.reminderDaysBefore],
  };
  for (const [key, value] of Object.entries(overrides ?? {}))
    if (KNOWN.has(key) && value !== undefined) settings[key] = Array.isArray(value) ? [...value] : value;
  return settings as GemeenteSettings;
}
