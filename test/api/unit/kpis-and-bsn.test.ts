/**
 * The pure parts behind the monitoring figures (turning the database's aggregate rows into the
 * answer; that the aggregates themselves are right is test/db/figures.test.ts) and the BSN
 * handling, table-driven.
 */
import {
  durationStats,
  kpisFromAggregates,
  kpisSchema,
  kpisToCsv,
  NO_ROUTE,
  statsFromGroups,
} from '../../../api/kpis';
import { decryptBsn, encryptBsn, hashBsn, isValidBsn } from '../../../api/persons/bsn';
import { DEVELOPMENT_KEY } from '../../../config/config';

describe('figures from aggregate rows', () => {
  const histogram = (days: number[]) => {
    const bins = new Map<number, number>();
    for (const d of days) bins.set(d, (bins.get(d) ?? 0) + 1);
    return [...bins].map(([d, count]) => ({ days: d, count }));
  };

  it.each([
    ['odd count', [10, 20, 31], { count: 3, medianDays: 20, averageDays: 20.3 }],
    ['even count: mean of the middle two', [45, 14, 60, 45], { count: 4, medianDays: 45, averageDays: 41 }],
    ['middle two in different bins', [1, 1, 60, 60], { count: 4, medianDays: 30.5, averageDays: 30.5 }],
    ['negative days count too', [-3, 5], { count: 2, medianDays: 1, averageDays: 1 }],
    ['one', [7], { count: 1, medianDays: 7, averageDays: 7 }],
  ])('median and average from a histogram: %s', (_name, days, expected) => {
    // Bins in any order, with an empty bin: the database's GROUP BY guarantees neither.
    expect(durationStats([...histogram(days).reverse(), { days: 99, count: 0 }])).toEqual(expected);
  });

  it('counts per phase and route from GROUP BY rows, every phase and route present', () => {
    const stats = statsFromGroups([
      { phase: 'PIP', route: null, overdue: true, count: 2 },
      { phase: 'LEERROUTE', route: 'B1', overdue: false, count: 3 },
      { phase: 'LEERROUTE', route: 'B1', overdue: true, count: 1 },
    ]);
    expect(stats.total).toBe(6);
    expect(stats.overdue).toBe(3);
    expect(stats.perPhase).toMatchObject({ PIP: 2, LEERROUTE: 4, KOPPELING: 0, AFGEROND: 0 });
    expect(stats.perRoute).toEqual({ B1: 4, ONDERWIJS: 0, Z: 0, [NO_ROUTE]: 2 });
  });

  it('has no figures (null) rather than zeros without data, and a CSV row per figure', () => {
    const k = kpisFromAggregates(
      { groups: [], koppelingToIntake: [], koppelingToPip: [], deadlinesDecided: 0, deadlinesMetOnTime: 0 },
      '2026-06-01',
    );
    expect(kpisSchema.safeParse(k).error).toBeUndefined();
    expect(k.koppelingToIntake).toEqual({ count: 0, medianDays: null, averageDays: null });
    expect(k.deadlines.shareMet).toBeNull();
    expect(k.routeMix.B1).toEqual({ count: 0, share: null });
    const csv = kpisToCsv(k).trim().split('\n');
    expect(csv[0]).toBe('metric,value,unit,as_of');
    expect(csv).toContain('koppeling_to_intake_median,,days,2026-06-01');
    expect(csv).toContain('route_Z_share,,share,2026-06-01');
    expect(csv).toHaveLength(1 + 10 + 6);
  });
});

describe('BSN', () => {
  it.each([
    ['111222333', true],
    ['123456782', true],
    ['123456789', false],
    ['12345678', false],
    ['1234567890', false],
    ['abcdefghi', false],
    ['000000000', false],
  ])('%s valid: %s', (bsn, valid) => {
    expect(isValidBsn(bsn)).toBe(valid);
  });

  it('hashes with a key (same BSN, same hash; other key, other hash) and encrypts reversibly with a fresh IV', () => {
    const other = Buffer.alloc(32, 9).toString('base64');
    expect(hashBsn('111222333', DEVELOPMENT_KEY)).toBe(hashBsn('111222333', DEVELOPMENT_KEY));
    expect(hashBsn('111222333', DEVELOPMENT_KEY)).not.toBe(hashBsn('111222333', other));
    const a = encryptBsn('111222333', DEVELOPMENT_KEY);
    const b = encryptBsn('111222333', DEVELOPMENT_KEY);
    expect(a).not.toBe(b);
    expect(a).not.toContain('111222333');
    expect(decryptBsn(a, DEVELOPMENT_KEY)).toBe('111222333');
    expect(() => decryptBsn(a, other)).toThrow();
  });
});
