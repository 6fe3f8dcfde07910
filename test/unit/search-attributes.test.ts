/**
 * The search attributes of a summary, as the workflow upserts them and as the API starts a
 * trajectory with them: the workflow compares the two fingerprints to decide whether its first
 * step has anything to upsert, so they must agree for every kind of value.
 */
import {
  fingerprintOf,
  fingerprintOfPairs,
  searchAttributeKeys,
  searchAttributePairs,
  startSearchAttributes,
} from '../../workflows/search-attributes';
import { summaryAtKoppeling } from '../../domain/core';
import type { TrajectorySummary } from '../../domain';

const base = summaryAtKoppeling(
  {
    inburgeraarId: '5f0c0c4e-7d1a-4c3b-9e2f-000000000001',
    koppelingDate: '2026-12-06',
    doelgroep: 'gezinsmigrant',
    coachId: 'coach-1',
    kennisgevingDate: '2026-12-06',
    brpInschrijvingDate: '2026-12-06',
  },
  '2026-12-06T10:00:00.000Z',
);

it('names the attributes in the order of searchAttributeKeys', () => {
  expect(searchAttributePairs(base).map((p) => p.key.name)).toEqual(searchAttributeKeys.map((k) => k.name));
});

const variants: [string, TrajectorySummary][] = [
  ['at the koppeling (a deadline, no route)', base],
  ['with a route, overdue', { ...base, phase: 'LEERROUTE', route: 'B1', overdue: true }],
  ['without a next deadline', { ...base, nextDeadline: undefined }],
];

it.each(variants)('the start attributes have the fingerprint of the pairs: %s', (_, summary) => {
  const pairs = searchAttributePairs(summary);
  expect(fingerprintOf(startSearchAttributes(summary))).toBe(fingerprintOfPairs(pairs));
});

it('a change of any value changes the fingerprint', () => {
  const fingerprint = fingerprintOfPairs(searchAttributePairs(base));
  expect(base.nextDeadline).toBeDefined();
  for (const changed of [
    { ...base, phase: 'PIP' as const },
    { ...base, route: 'Z' as const },
    { ...base, coachId: 'coach-2' },
    { ...base, nextDeadline: { ...base.nextDeadline!, dueDate: '2027-03-01' } },
    { ...base, overdue: !base.overdue },
  ])
    expect(fingerprintOfPairs(searchAttributePairs(changed))).not.toBe(fingerprint);
});
