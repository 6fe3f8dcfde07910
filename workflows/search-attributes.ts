/**
 * Search attributes for the manager's lists in Temporal (Web UI filters, `workflow.list`).
 * Only non-personal facts: phase, route, coach id, next deadline, overdue flag. Never a name or BSN.
 *
 * The dev server registers these at start (scripts/temporal-server.ts); a production cluster needs
 * `temporal operator search-attribute create` once per namespace (see README).
 */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

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
