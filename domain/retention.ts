/**
 * How long the personal data of a trajectory is kept after it ends: a *policy* of the gemeente.
 *
 * The rule it follows. The AVG allows keeping personal data no longer than needed (art. 5 lid 1
 * onder e); what a gemeente must keep, and when it must destroy it, follows from the Archiefwet 1995
 * (art. 3 and 5) through the Selectielijst gemeenten en intergemeentelijke organen 2020
 * (Stcrt. 2020, 11143), which sorts records by process, not by subject. A trajectory is the college
 * providing a service to one person (guidance towards meeting the inburgeringsplicht, with decisions
 * such as the PIP). We follow the selectielijst's category for providing a service or facility to
 * a person, whose result is "vernietigen" with a term that counts from the end of the service
 * (here: the trajectory's end date). The gemeente records in its zaaktypecatalogus which result of
 * the selectielijst its zaaktype "inburgering" maps to, and sets the period below to that result's
 * term (RETENTION_YEARS_AFTER_END); the default is 5 years. A longer term applies while a case is
 * open (an objection, an appeal): set the period to cover it, or keep such a trajectory out of
 * retention until it is closed.
 *
 * What "removed" means is decided in activities/retention.ts: the person's record goes, free text
 * and message bodies are emptied, and the anonymous figures for monitoring stay.
 */
import { z } from 'zod';
import { addPeriod, localDate, subtractPeriod } from './dates';

export const retentionPolicySchema = z.object({
  retentionYearsAfterEnd: z
    .number()
    .int()
    .min(0)
    .max(100)
    .default(5)
    .describe(
      'Years after the end of a trajectory after which its personal data is removed (policy: the term of the ' +
        'gemeente’s selectielijst result for its zaaktype inburgering; default 5).',
    ),
});

export type RetentionPolicy = z.infer<typeof retentionPolicySchema>;

export const DEFAULT_RETENTION_POLICY: RetentionPolicy = retentionPolicySchema.parse({});

/** The day on which the personal data of a trajectory that ended on `endedDate` is removed. */
export function retentionDate(endedDate: string, policy: RetentionPolicy): string {
  return addPeriod(endedDate, { years: policy.retentionYearsAfterEnd });
}

/**
 * The latest end date whose retention day has come at `now` (Europe/Amsterdam): a trajectory that
 * ended on or before this date is due. Inverse of `retentionDate` for whole years.
 */
export function retentionCutoff(now: string, policy: RetentionPolicy): string {
  return subtractPeriod(localDate(now), { years: policy.retentionYearsAfterEnd });
}
