/**
 * Search attributes for the manager's lists in Temporal (Web UI filters, `workflow.list`).
 * Only non-personal facts: phase, route, coach id, next deadline, overdue flag. Never a name or BSN.
 *
 * The dev server registers these at start (scripts/temporal-server.ts); a production cluster needs
 * `temporal operator search-attribute create` once per namespace (see README).
 */
import {
  defineSearchAttributeKey,
  SearchAttributeType,
  TypedSearchAttributes,
  type SearchAttributePair,
  type SearchAttributeUpdatePair,
} from '@temporalio/common';
import { instantAt } from '../domain/dates';
import type { TrajectorySummary } from '../domain/summary';

export const InburgeringFase = defineSearchAttributeKey('InburgeringFase', SearchAttributeType.KEYWORD);
export const Leerroute = defineSearchAttributeKey('Leerroute', SearchAttributeType.KEYWORD);
export const CoachId = defineSearchAttributeKey('CoachId', SearchAttributeType.KEYWORD);
export const VolgendeDeadline = defineSearchAttributeKey('VolgendeDeadline', SearchAttributeType.DATETIME);
export const Achterstallig = defineSearchAttributeKey('Achterstallig', SearchAttributeType.BOOL);

export const searchAttributeKeys = [
  InburgeringFase,
  Leerroute,
  CoachId,
  VolgendeDeadline,
  Achterstallig,
] as const;

/**
 * The values for a summary, in the order of `searchAttributeKeys` (null: not set). The one place
 * that says which summary field goes where: the workflow upserts these, and the API sends the same
 * values for the koppeling's first step with the start (see `startSearchAttributes`).
 */
export function searchAttributePairs(s: TrajectorySummary): SearchAttributeUpdatePair[] {
  return [
    { key: InburgeringFase, value: s.phase },
    { key: Leerroute, value: s.route ?? null },
    { key: CoachId, value: s.coachId },
    { key: VolgendeDeadline, value: s.nextDeadline ? new Date(instantAt(s.nextDeadline.dueDate, 0)) : null },
    { key: Achterstallig, value: s.overdue },
  ];
}

/** What the workflow compares to decide whether an upsert changes anything. */
export const fingerprintOfPairs = (pairs: readonly SearchAttributeUpdatePair[]): string =>
  JSON.stringify(pairs.map((p) => p.value ?? null));

/** The same fingerprint of the attributes a workflow has (e.g. those given at its start). */
export const fingerprintOf = (attributes: TypedSearchAttributes): string =>
  JSON.stringify(searchAttributeKeys.map((key) => attributes.get(key) ?? null));

/** The attributes to start a trajectory with: the pairs that have a value. */
export const startSearchAttributes = (s: TrajectorySummary): TypedSearchAttributes =>
  new TypedSearchAttributes(
    searchAttributePairs(s).filter(
      (p): p is SearchAttributePair => p.value !== null && p.value !== undefined,
    ) as SearchAttributePair[],
  );
