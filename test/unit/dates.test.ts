import { addDays, addPeriod, daysBetween, instantAt, localDate, maxDate } from '../../domain';

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

  it('picks the later date', () => {
    expect(maxDate('2025-01-20', undefined, '2025-02-03')).toBe('2025-02-03');
  });
});
