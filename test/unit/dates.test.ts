import { DateTime } from 'luxon';
import {
  addDays,
  addPeriod,
  daysBetween,
  instantAt,
  localDate,
  maxDate,
  subtractPeriod,
  toMillis,
} from '../../domain';

describe('calendar arithmetic (Europe/Amsterdam)', () => {
  it.each([
    ['2025-01-31', { months: 1 }, '2025-02-28'],
    ['2024-01-31', { months: 1 }, '2024-02-29'],
    ['2024-02-29', { years: 3 }, '2027-02-28'],
    ['2025-01-20', { weeks: 10 }, '2025-03-31'],
    ['2025-03-30', { days: 1 }, '2025-03-31'], // DST change night: still one calendar day
    ['2025-10-26', { days: 1 }, '2025-10-27'],
  ])('%s + %j = %s', (date, period, expected) => {
    expect(addPeriod(date, period)).toBe(expected);
  });

  it('counts days between dates', () => {
    expect(daysBetween('2025-01-01', '2025-03-01')).toBe(59);
    expect(addDays('2025-03-01', -1)).toBe('2025-02-28');
  });

  it.each([
    ['2025-01-15', 9, '2025-01-15T08:00:00.000Z'], // CET = UTC+1
    ['2025-07-15', 9, '2025-07-15T07:00:00.000Z'], // CEST = UTC+2
    ['2025-03-30', 9, '2025-03-30T07:00:00.000Z'], // the day summer time starts
  ])('instantAt(%s, %i) = %s', (date, hour, expected) => {
    expect(instantAt(date, hour)).toBe(expected);
  });

  it('takes the local date of an instant', () => {
    expect(localDate('2025-01-15T23:30:00.000Z')).toBe('2025-01-16');
    expect(localDate('2025-07-15T21:59:00.000Z')).toBe('2025-07-15');
    expect(localDate(Date.UTC(2025, 6, 15, 22, 0))).toBe('2025-07-16');
  });

  // localDate keeps its answers per UTC hour: the same as luxon's for every instant, checked every
  // 7 minutes over three years of DST changes, asked in an order that fills each hour's entry from
  // a different minute than the one checked; and a bare date is still read as local midnight.
  it('gives the local date exactly as luxon does across DST changes, per UTC hour kept or not', () => {
    const luxonDate = (ms: number) => DateTime.fromMillis(ms, { zone: 'Europe/Amsterdam' }).toISODate();
    const start = Date.UTC(2025, 0, 1);
    const end = Date.UTC(2028, 0, 1);
    const step = 7 * 60_000;
    const wrong: string[] = [];
    for (let ms = end - 1; ms >= start; ms -= step) {
      const asked = localDate(new Date(ms).toISOString());
      if (asked !== luxonDate(ms)) wrong.push(new Date(ms).toISOString());
      if (localDate(ms + 1) !== luxonDate(ms + 1)) wrong.push(String(ms + 1));
    }
    expect(wrong).toEqual([]);
    expect(localDate('2025-03-30T01:30:00+02:00')).toBe('2025-03-30'); // 23:30 UTC the day before: 00:30 CET
    expect(localDate('2025-07-15')).toBe('2025-07-15');
    // Not in the canonical form, so not memoised: what luxon answers, also for impossible dates.
    for (const odd of ['2025-02-30T10:00:00.000Z', '2025-01-01T24:00:00.000Z', '2025-06-30T23:30+02:00'])
      expect(localDate(odd)).toBe(DateTime.fromISO(odd, { zone: 'Europe/Amsterdam' }).toISODate() as string);
  });

  it('picks the later date', () => {
    expect(maxDate('2025-01-20', undefined, '2025-02-03')).toBe('2025-02-03');
  });

  // Whole days are integer arithmetic on day numbers (domain/dates.ts), no longer luxon: the same
  // answers as luxon's over 40 years of dates, DST nights, leap days and month ends included.
  it('adds and counts whole days exactly as luxon does, 1990-2030', () => {
    const luxonDate = (d: string) => DateTime.fromISO(d, { zone: 'utc' });
    let mismatches = 0;
    let checked = 0;
    for (let day = Date.UTC(1990, 0, 1); day < Date.UTC(2030, 0, 1); day += 86_400_000 * 3) {
      const date = new Date(day).toISOString().slice(0, 10);
      for (const n of [-400, -35, -1, 0, 1, 7, 28, 366, 1095]) {
        checked++;
        if (addDays(date, n) !== luxonDate(date).plus({ days: n }).toISODate()) mismatches++;
        if (subtractPeriod(date, { days: n }) !== luxonDate(date).minus({ days: n }).toISODate())
          mismatches++;
        if (
          subtractPeriod(date, { weeks: 2, days: n }) !==
          luxonDate(date).minus({ weeks: 2, days: n }).toISODate()
        )
          mismatches++;
        const other = luxonDate(date).plus({ days: n }).toISODate()!;
        if (daysBetween(date, other) !== n) mismatches++;
      }
    }
    expect(checked).toBeGreaterThan(40_000);
    expect(mismatches).toBe(0);
    expect(subtractPeriod('2025-03-31', { months: 1 })).toBe('2025-02-28');
    // Century rules: 2000 was a leap year, 2100 is not.
    expect(addDays('2000-02-28', 1)).toBe('2000-02-29');
    expect(addDays('2100-02-28', 1)).toBe('2100-03-01');
    expect(daysBetween('1970-01-01', '2400-03-01')).toBe(
      DateTime.fromISO('2400-03-01', { zone: 'utc' }).diff(
        DateTime.fromISO('1970-01-01', { zone: 'utc' }),
        'days',
      ).days,
    );
  });

  it.each([
    '2025-02-29',
    '2100-02-29',
    '2025-00-10',
    '2025-01-00',
    '2025-13-01',
    '2025-04-31',
    '2025-1-01',
    '20250101',
    '2025-01-01T00:00',
    '',
  ])('refuses %j as a calendar date', (bad) => {
    expect(() => addDays(bad, 1)).toThrow('invalid date');
    expect(() => daysBetween('2025-01-01', bad)).toThrow('invalid date');
  });

  it('refuses a fraction of a day', () => {
    expect(() => addDays('2025-01-01', 0.5)).toThrow('whole number of days');
  });

  it.each([
    '2025-01-15T08:00:00.000Z',
    '2025-07-15T07:00:00Z',
    '2025-07-15T09:00:00.000+02:00',
    '2025-03-30T01:59:59.999-01:30',
  ])('reads the instant %s as luxon does', (instant) => {
    expect(toMillis(instant)).toBe(DateTime.fromISO(instant).toMillis());
  });

  it.each(['2025-01-15', '2025-01-15T08:00:00', 'yesterday', ''])('has no instant for %j', (bad) => {
    expect(toMillis(bad)).toBeNaN();
  });
});
