/**
 * The facts a partner reports (a taalschool's lesson hours, an exam result): the one table of
 * kinds. Each travels as a Temporal signal and is validated with the schema of the coach's command
 * of the same shape; the API's route and its OpenAPI operations are derived from this table.
 */
import type { z } from 'zod';
import { partnerExamResultSchema, partnerLessonHoursSchema } from '../domain/commands';
import { partnerExamResult, partnerLessonHours } from '../workflows/messages';

export const PARTNER_FACTS = {
  lesuren: {
    schema: partnerLessonHoursSchema,
    signal: partnerLessonHours,
    summary: 'Report lesson or participation hours (taalschool, werkgever)',
  },
  examenuitslag: {
    schema: partnerExamResultSchema,
    signal: partnerExamResult,
    summary: 'Report an exam result (taalschool)',
  },
} as const;

export type PartnerFactKind = keyof typeof PARTNER_FACTS;
export type PartnerFactInput<K extends PartnerFactKind> = z.output<(typeof PARTNER_FACTS)[K]['schema']>;
export const PARTNER_FACT_KINDS = Object.keys(PARTNER_FACTS) as PartnerFactKind[];
export const isPartnerFactKind = (kind: string): kind is PartnerFactKind => kind in PARTNER_FACTS;
