/**
 * Calendar arithmetic for the law's terms. Terms are counted in calendar dates of
 * Europe/Amsterdam (a decision "dated" 1 March is 1 March local time, whatever the UTC offset), so
 * dates are `YYYY-MM-DD` strings and the arithmetic runs on luxon dates without a time of day.
 * Adding months clamps to the end of a shorter month (31 Jan + 1 month = 28/29 Feb), as luxon and
 * the usual legal reading ("de dag die in nummering overeenkomt, of de laatste dag") do.
 */
import { DateTime } from 'luxon';

export const ZONE = 'Europe/Amsterdam';

export interface Period {
  years?: number;
  months?: number;
  weeks?: number;
  days?: number;
}

function cal(date: string): DateTime {
  // UTC midnight as a neutral carrier: no DST gaps can shift a pure calendar date.
  const dt = DateTime.fromISO(date, { zone: 'utc' });
  if (!dt.isValid) throw new Error(`invalid date: ${date}`);
  return dt;
}

function iso(dt: DateTime): string {
  return dt.toISODate() as string;
}

/** Memo like instantAt's: the same few terms are added to the same few dates again and again. */
const periodCache = new Map<string, string>();

export function addPeriod(date: string, period: Period): string {
  const key = `${date}|${period.years ?? 0}|${period.months ?? 0}|${period.weeks ?? 0}|${period.days ?? 0}`;
  const cached = periodCache.get(key);
  if (cached !== undefined) return cached;
  const result = iso(cal(date).plus(period));
  if (periodCache.size >= 4096) periodCache.clear();
  periodCache.set(key, result);
  return result;
}

export function subtractPeriod(date: string, period: Period): string {
  return iso(cal(date).minus(period));
}

export function addDays(date: string, days: number): string {
  return iso(cal(date).plus({ days }));
}

/** Whole days from `a` to `b` (positive when b is later). */
export function daysBetween(a: string, b: string): number {
  return Math.round(cal(b).diff(cal(a), 'days').days);
}

/** ISO dates compare correctly as strings. */
export function maxDate(...dates: (string | undefined)[]): string | undefined {
  return dates
    .filter((d): d is string => !!d)
    .sort()
    .at(-1);
}

export function minDate(...dates: (string | undefined)[]): string | undefined {
  return dates.filter((d): d is string => !!d).sort()[0];
}

/**
 * The local calendar date (Europe/Amsterdam) of an instant. The last answer is kept: validate()
 * asks it for the same `now` once per command, and allowedCommands() (./allowed-actions.ts) runs
 * validate thousands of times per request; a pure function's memo cannot change a result.
 */
let lastLocal: { instant: string | number; date: string } | undefined;
export function localDate(instant: string | number): string {
  if (lastLocal?.instant === instant) return lastLocal.date;
  const dt =
    typeof instant === 'number'
      ? DateTime.fromMillis(instant, { zone: ZONE })
      : DateTime.fromISO(instant, { zone: ZONE });
  const date = iso(dt);
  lastLocal = { instant, date };
  return date;
}

/** The instant (ISO, UTC) of `hour`:00 local time on a calendar date. */
/**
 * Memo for instantAt: the zone conversion costs ~50 µs and the workflow asks for the same few
 * (date, hour) pairs on every wake-up and replay. A pure function's memo cannot change a result,
 * so it is safe in the workflow sandbox; the bound keeps it small.
 */
const instantCache = new Map<string, string>();
const INSTANT_CACHE_MAX = 4096;

export function instantAt(date: string, hour: number): string {
  const cacheKey = `${date}T${hour}`;
  const cached = instantCache.get(cacheKey);
  if (cached !== undefined) return cached;
  const dt = DateTime.fromISO(date, { zone: ZONE }).set({ hour, minute: 0, second: 0, millisecond: 0 });
  const instant = dt.toUTC().toISO() as string;
  if (instantCache.size >= INSTANT_CACHE_MAX) instantCache.clear();
  instantCache.set(cacheKey, instant);
  return instant;
}

export function toMillis(instant: string): number {
  return DateTime.fromISO(instant).toMillis();
}
