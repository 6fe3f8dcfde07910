/** The pure parts behind the monitoring figures and the BSN handling, table-driven. */
import { computeKpis, kpisSchema, kpisToCsv } from '../../../api/kpis';
import { decryptBsn, encryptBsn, hashBsn, isValidBsn } from '../../../api/persons/bsn';
import { DEVELOPMENT_KEY } from '../../../config/config';
import type { DeadlineSummary, TrajectorySummary } from '../../../domain/summary';

/** A summary as the read model stores it: koppeling on 2026-01-01, `intake`/`pip` milestones optional. */
const item = (o: {
  intake?: string;
  pip?: string;
  route?: TrajectorySummary['route'];
  deadlines?: DeadlineSummary[];
}): TrajectorySummary => ({
  inburgeraarId: 'x',
  coachId: 'c',
  phase: 'KOPPELING',
  taalniveau: 'B1',
  doelgroep: 'asielstatushouder',
  paused: false,
  overdue: false,
  deadlines: o.deadlines ?? [],
  milestones: {
    koppeling: '2026-01-01',
    ...(o.intake ? { intake: o.intake } : {}),
    ...(o.pip ? { pip: o.pip } : {}),
  },
  eventSeq: 1,
  asOf: '2026-06-01',
  ...(o.route ? { route: o.route } : {}),
});
const deadline = (
  dueDate: string,
  status: DeadlineSummary['status'],
  fulfilledDate?: string,
): DeadlineSummary => ({
  key: 'K',
  label: 'K',
  kind: 'DEADLINE',
  dueDate,
  originalDueDate: dueDate,
  status,
  source: 'Wi2021',
  ...(fulfilledDate ? { fulfilledDate } : {}),
});

describe('computeKpis', () => {
  it('takes median and average days, counts only those who reached the milestone', () => {
    const k = computeKpis(
      [
        item({ intake: '2026-01-11', pip: '2026-03-01', route: 'B1' }),
        item({ intake: '2026-01-21', route: 'Z' }),
        item({ intake: '2026-02-01', pip: '2026-02-15', route: 'B1' }),
        item({}),
      ],
      '2026-06-01',
    );
    expect(kpisSchema.safeParse(k).error).toBeUndefined();
    expect(k.trajectories).toBe(4);
    expect(k.koppelingToIntake).toEqual({ count: 3, medianDays: 20, averageDays: 20.3 });
    expect(k.koppelingToPip).toEqual({ count: 2, medianDays: 52, averageDays: 52 });
    expect(k.routeMix).toEqual({
      B1: { count: 2, share: 0.667 },
      ONDERWIJS: { count: 0, share: 0 },
      Z: { count: 1, share: 0.333 },
    });
  });

  it.each([
    ['nothing decided yet', [deadline('2026-07-01', 'open')], { decided: 0, metOnTime: 0, shareMet: null }],
    ['met on time', [deadline('2026-05-01', 'met', '2026-04-30')], { decided: 1, metOnTime: 1, shareMet: 1 }],
    [
      'met on the due date itself',
      [deadline('2026-05-01', 'met', '2026-05-01')],
      { decided: 1, metOnTime: 1, shareMet: 1 },
    ],
    [
      'fulfilled late',
      [deadline('2026-05-01', 'missed', '2026-05-20')],
      { decided: 1, metOnTime: 0, shareMet: 0 },
    ],
    ['passed, still open', [deadline('2026-05-01', 'missed')], { decided: 1, metOnTime: 0, shareMet: 0 }],
    [
      'a term that ran out is no deadline',
      [{ ...deadline('2026-05-01', 'expired'), kind: 'TERM_END' as const }],
      { decided: 0, metOnTime: 0, shareMet: null },
    ],
    [
      'fulfilled early, not yet due',
      [deadline('2026-09-01', 'met', '2026-05-01'), deadline('2026-05-01', 'missed')],
      { decided: 2, metOnTime: 1, shareMet: 0.5 },
    ],
  ])('share of deadlines met: %s', (_name, rows, expected) => {
    expect(computeKpis([item({ deadlines: rows })], '2026-06-01').deadlines).toEqual(expected);
  });

  it('has no figures (null) rather than zeros without data, and a CSV row per figure', () => {
    const k = computeKpis([], '2026-06-01');
    expect(k.koppelingToIntake).toEqual({ count: 0, medianDays: null, averageDays: null });
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
