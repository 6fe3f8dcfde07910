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

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * Days since 1970-01-01 of a `YYYY-MM-DD` calendar date, and back. Whole days need no calendar
 * library: adding and counting days is integer arithmetic on these numbers (the domain bench:
 * `addDays` through luxon was half of all the time the rules took, see bench/README.md). The two
 * conversions are the proleptic Gregorian `days_from_civil` / `civil_from_days` of H. Hinnant's
 * "chrono-compatible low-level date algorithms"; test/unit/dates.test.ts checks them against luxon
 * day by day over 40 years. Months and years (clamping to the month's end) stay with luxon.
 */
function dayNumber(date: string): number {
  const m = ISO_DATE.exec(date);
  if (!m) throw new Error(`invalid date: ${date}`);
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) throw new Error(`invalid date: ${date}`);
  const yy = mo <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

function dateOfDayNumber(day: number): string {
  const z = day + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const mo = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (mo <= 2 ? 1 : 0);
  return `${String(y).padStart(4, '0')}-${mo < 10 ? '0' : ''}${mo}-${d < 10 ? '0' : ''}${d}`;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** Memo like instantAt's: the same few terms are added to the same few dates again and again. */
const periodCache = new Map<string, string>();

export function addPeriod(date: string, period: Period): string {
  const { years = 0, months = 0, weeks = 0, days = 0 } = period;
  if (years === 0 && months === 0) return addDays(date, weeks * 7 + days);
  const key = `${date}|${years}|${months}|${weeks}|${days}`;
  const cached = periodCache.get(key);
  if (cached !== undefined) return cached;
  const result = iso(cal(date).plus(period));
  if (periodCache.size >= 4096) periodCache.clear();
  periodCache.set(key, result);
  return result;
}

/** luxon's `minus` is `plus` of the negated period, so this is addPeriod backwards. */
export function subtractPeriod(date: string, period: Period): string {
  const neg = (n: number | undefined) => (n ? -n : 0);
  return addPeriod(date, {
    years: neg(period.years),
    months: neg(period.months),
    weeks: neg(period.weeks),
    days: neg(period.days),
  });
}

export function addDays(date: string, days: number): string {
  if (!Number.isInteger(days)) throw new Error(`not a whole number of days: ${days}`);
  return dateOfDayNumber(dayNumber(date) + days);
}

/** Whole days from `a` to `b` (positive when b is later). */
export function daysBetween(a: string, b: string): number {
  return dayNumber(b) - dayNumber(a);
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
 * The local calendar date (Europe/Amsterdam) of an instant. Luxon's zone conversion costs ~0.2 ms
 * (a CPU profile of the koppeling put a fifth of the API's rules work there), so answers are kept
 * per UTC hour: since 1970 Amsterdam's offset is a whole number of hours (+01:00, +02:00) and
 * changes on a whole UTC hour, so its midnight is always on one and every instant of a UTC hour
 * has the same local date. Only milliseconds from 1970 on and instants in the form
 * `Date.toISOString()` writes (`2027-03-01T08:00:00.000Z`, what the workflow and the API pass) are
 * kept this way; anything else (a bare date, which luxon reads as local midnight, another offset,
 * an impossible date such as 30 February, which `Date.parse` would roll over) goes to luxon each
 * time. A pure function's memo cannot change a result, so it is safe in the workflow sandbox.
 */
const localDateByHour = new Map<number, string>();
const LOCAL_DATE_CACHE_MAX = 4096;
const HOUR_MS = 3_600_000;

/** The milliseconds of an instant the memo may answer for, else NaN. */
function memoisableMs(instant: string | number): number {
  if (typeof instant === 'number') return instant >= 0 ? instant : NaN;
  if (instant.length !== 24 || !instant.endsWith('Z')) return NaN;
  const ms = Date.parse(instant);
  return ms >= 0 && new Date(ms).toISOString() === instant ? ms : NaN;
}

export function localDate(instant: string | number): string {
  const ms = memoisableMs(instant);
  if (Number.isNaN(ms)) return localDateOf(instant);
  const hour = Math.floor(ms / HOUR_MS);
  let date = localDateByHour.get(hour);
  if (date === undefined) {
    date = localDateOf(ms);
    if (localDateByHour.size >= LOCAL_DATE_CACHE_MAX) localDateByHour.clear();
    localDateByHour.set(hour, date);
  }
  return date;
}

function localDateOf(instant: string | number): string {
  const dt =
    typeof instant === 'number'
      ? DateTime.fromMillis(instant, { zone: ZONE })
      : DateTime.fromISO(instant, { zone: ZONE });
  return iso(dt);
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

/**
 * Milliseconds since the epoch of an ISO instant with its offset (`Z` or `+01:00`), as the
 * workflow's clock and instantAt write them; NaN for anything else. `Date.parse` reads exactly
 * that format and is a tenth of luxon's cost.
 */
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;
export function toMillis(instant: string): number {
  return ISO_INSTANT.test(instant) ? Date.parse(instant) : Number.NaN;
}
