/**
 * The coach and partner actions on a trajectory, as zod 4 schemas (one per action), plus the start
 * input (`koppelingSchema`). The API validates request bodies with exactly these schemas (400 on a
 * schema failure) and generates its OpenAPI document from them, so every field carries a
 * `.describe()`. The workflow's updates take the inferred types as their argument (workflows/messages.ts).
 *
 * Schemas check shape only; whether an action is allowed in the current state is decided by
 * `validate()` in domain/transitions.ts (a refusal becomes a 409 with the rule code).
 *
 * Stability: the API builds on these names. Extend only additively (new optional fields, new
 * commands); never rename or tighten an existing field.
 */
import { z } from 'zod';
import { gemeenteSettingsSchema } from './settings';
import {
  ACTIVE_PHASES,
  DOELGROEPEN,
  END_REASONS,
  EXAM_COMPONENTS,
  EXEMPTION_GROUNDS,
  EXTENSION_GROUNDS,
  FINE_GROUNDS,
  HOUR_KINDS,
  LANGUAGE_SKILLS,
  LBT_EXEMPTIONS,
  LEERROUTES,
  MODULES,
  ROUTE_SWITCH_EXCEPTIONS,
  VERBLIJFSVERGUNNINGEN,
} from './types';

// ---------------------------------------------------------------------------------------------
// Building blocks
// ---------------------------------------------------------------------------------------------

/**
 * A calendar date `YYYY-MM-DD` (Europe/Amsterdam), validated as a real date. Written out instead
 * of `z.iso.date()`: inside the webpack-bundled workflow code that one resolved to `z.date()`.
 */
const ISO_DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
function isRealDate(value: string): boolean {
  const [y, m, d] = value.split('-').map(Number) as [number, number, number];
  // setUTCFullYear, not Date.UTC: Date.UTC reads the years 0-99 as 1900-1999.
  const dt = new Date(0);
  dt.setUTCFullYear(y, m - 1, d);
  return dt.getUTCFullYear() === y && dt.getUTCMonth() === m - 1 && dt.getUTCDate() === d;
}
export const isoDate = (description: string) =>
  z
    .string()
    .regex(ISO_DATE, 'expected a date YYYY-MM-DD')
    .refine(isRealDate, 'not a calendar date')
    .meta({ format: 'date' })
    .describe(`${description} (YYYY-MM-DD)`);

/** An opaque id (coach, partner, user): never a name, e-mail or BSN. */
const id = (description: string) =>
  z
    .string()
    .min(1)
    .max(100)
    .regex(/^[A-Za-z0-9._:-]+$/, 'only letters, digits and . _ : -')
    .describe(description);

/** Metadata key (an OpenAPI extension) that marks a free-text field; see `freeTextFields`. */
export const FREE_TEXT_MARK = 'x-free-text';

/**
 * Free text for reasons. It is stored in the workflow and the audit trail, so the schema tells the
 * coach (in /api/docs) to leave out personal and medical details; grounds are codes instead.
 * Marked as free text: retention removes these fields from the audit trail (activities/audit-chain.ts).
 */
export const reason = (description: string) =>
  z
    .string()
    .trim()
    .min(1)
    .max(500)
    .describe(`${description} (free text: no names, BSN or medical details; the ground is a code)`)
    .meta({ [FREE_TEXT_MARK]: true });

/** The top-level fields of an object schema that are free text (`reason(...)`, optional or not). */
export function freeTextFields(schema: z.ZodObject): string[] {
  return Object.entries(schema.shape)
    .filter(([, field]) => {
      let inner = field as z.ZodType;
      while (
        inner instanceof z.ZodOptional ||
        inner instanceof z.ZodNullable ||
        inner instanceof z.ZodDefault
      )
        inner = inner.unwrap() as z.ZodType;
      return inner.meta()?.[FREE_TEXT_MARK] === true;
    })
    .map(([name]) => name);
}

export const leerrouteSchema = z
  .enum(LEERROUTES)
  .describe(
    'Leerroute: B1 (B1-route, Wi2021 art. 7), ONDERWIJS (onderwijsroute, art. 8), Z (zelfredzaamheidsroute, art. 9)',
  );
export const moduleSchema = z
  .enum(MODULES)
  .describe(
    'Module: PVT (participatieverklaringstraject), MAP (Module Arbeidsmarkt en Participatie), KNM (Kennis van de Nederlandse Maatschappij), ONTZORGEN, MAATSCHAPPELIJKE_BEGELEIDING',
  );
export const examComponentSchema = z
  .enum(EXAM_COMPONENTS)
  .describe('Exam component: LEZEN, LUISTEREN, SCHRIJVEN, SPREKEN (language skills) or KNM');
export const doelgroepSchema = z
  .enum(DOELGROEPEN)
  .describe('Doelgroep: asielstatushouder (coupled via COA) or gezinsmigrant (known via DUO)');
export const verblijfsvergunningSchema = z
  .enum(VERBLIJFSVERGUNNINGEN)
  .describe(
    'Kind of residence permit: ASIEL_BEPAALDE_TIJD (verblijfsvergunning asiel voor bepaalde tijd) or REGULIER (e.g. a family member of a status holder on a regular permit). Ontzorgen applies only to the first (Participatiewet art. 56a); without this field an asielstatushouder is taken to hold an asylum permit',
  );
export const gemeenteCodeSchema = z
  .string()
  .regex(/^GM\d{4}$/, 'CBS gemeentecode, e.g. GM0193')
  .describe('CBS gemeentecode, e.g. GM0193 (Zwolle)');

/** Every command may say who performed it, for the audit trail (set by the API from the token). */
const actor = {
  actorId: id(
    'Id of the user who performs the action (set by the API from the authenticated user)',
  ).optional(),
};

const pipModuleSchema = z
  .object({
    module: moduleSchema,
    agreedStartDate: isoDate('Agreed start date of the module').optional(),
    agreedEndDate: isoDate('Agreed end date of the module: becomes a deadline with reminders').optional(),
    partnerId: id('Id of the partner organisation that provides the module').optional(),
  })
  .describe('A module agreed in the PIP');

// ---------------------------------------------------------------------------------------------
// Start input: the koppeling
// ---------------------------------------------------------------------------------------------

const importSchema = z
  .object({
    phase: z.enum(ACTIVE_PHASES).describe('Phase the imported trajectory is in now'),
    huisvestingDate: isoDate('Date the person was housed').optional(),
    kennisgevingDate: isoDate('Date of the DUO kennisgeving').optional(),
    brpInschrijvingDate: isoDate('Date of BRP registration in this gemeente').optional(),
    intakePlannedDate: isoDate('Planned date of the brede intake').optional(),
    intakeDate: isoDate('Date the brede intake was completed').optional(),
    pipDecisionDate: isoDate('Date on the PIP decision').optional(),
    route: leerrouteSchema.optional(),
    modules: z.array(pipModuleSchema).max(10).optional().describe('Modules agreed in the PIP'),
    lessonHours: z.number().min(0).max(10000).optional().describe('Lesson hours followed so far'),
    participationHours: z.number().min(0).max(10000).optional().describe('Participation hours so far'),
    voortgangsgesprekDates: z
      .array(isoDate('Date of a voortgangsgesprek'))
      .max(100)
      .optional()
      .describe('Dates of voortgangsgesprekken held so far'),
  })
  .superRefine((v, ctx) => {
    const order = ACTIVE_PHASES.indexOf(v.phase);
    if (order >= ACTIVE_PHASES.indexOf('BREDE_INTAKE') && !v.intakePlannedDate && !v.intakeDate)
      ctx.addIssue({
        code: 'custom',
        path: ['intakePlannedDate'],
        message: 'required from phase BREDE_INTAKE',
      });
    if (order >= ACTIVE_PHASES.indexOf('PIP') && !v.intakeDate)
      ctx.addIssue({ code: 'custom', path: ['intakeDate'], message: 'required from phase PIP' });
    if (order >= ACTIVE_PHASES.indexOf('LEERROUTE')) {
      if (!v.pipDecisionDate)
        ctx.addIssue({ code: 'custom', path: ['pipDecisionDate'], message: 'required from phase LEERROUTE' });
      if (!v.route)
        ctx.addIssue({ code: 'custom', path: ['route'], message: 'required from phase LEERROUTE' });
      if (!v.kennisgevingDate)
        ctx.addIssue({
          code: 'custom',
          path: ['kennisgevingDate'],
          message: 'required from phase LEERROUTE',
        });
    }
  })
  .describe(
    'Caseload import: the state of a trajectory that already ran elsewhere, so it starts in the right phase',
  );

const transferInSchema = z
  .object({
    fromGemeenteCode: gemeenteCodeSchema.describe('CBS code of the gemeente the person moved from'),
    pipDecisionDate: isoDate(
      'Date on the first PIP, set by the previous gemeente: the inburgeringstermijn keeps running from the day after (Wi2021 art. 11)',
    ),
    route: leerrouteSchema.describe('Leerroute of that PIP: the new PIP keeps it (Wi2021 art. 15 lid 4)'),
  })
  .describe(
    'Moved in from another gemeente: the trajectory keeps the leerroute and the termijn, and the new PIP is due 10 weeks after the BRP registration here (Wi2021 art. 15 lid 4; Besluit inburgering 2021 art. 5.3 lid 3). Not together with `import` (with both, the import decides)',
  );

export const koppelingSchema = z
  .object({
    inburgeraarId: z.uuid().describe('Pseudonymous id of the inburgeraar (uuid; never a BSN)'),
    koppelingDate: isoDate('Date of the koppeling to this gemeente (COA) or of becoming known via DUO'),
    doelgroep: doelgroepSchema,
    coachId: id('Id of the coach (klantmanager) responsible for this person'),
    gemeenteCode: gemeenteCodeSchema.optional(),
    verblijfsvergunning: verblijfsvergunningSchema.optional(),
    bijstandStartDate: isoDate(
      'The day the right to bijstand arose: starts the 6-month ontzorgen term (Participatiewet art. 56a)',
    ).optional(),
    kennisgevingDate: isoDate('Date of the DUO kennisgeving, when already known').optional(),
    brpInschrijvingDate: isoDate('Date of BRP registration in this gemeente, when already known').optional(),
    settings: gemeenteSettingsSchema
      .partial()
      .optional()
      .describe(
        'Per-gemeente policy settings (values the law leaves to the gemeente); omitted values take the defaults',
      ),
    import: importSchema.optional(),
    transferIn: transferInSchema.optional(),
  })
  .describe('Start of a trajectory: the koppeling of an inburgeraar to the gemeente');
export type Koppeling = z.infer<typeof koppelingSchema>;

// ---------------------------------------------------------------------------------------------
// Coach and partner actions
// ---------------------------------------------------------------------------------------------

export const planBredeIntakeSchema = z
  .object({
    ...actor,
    plannedDate: isoDate('Planned date of the brede intake'),
    lbtPlannedDate: isoDate('Planned date of the leerbaarheidstoets (LBT, on the DUO platform)').optional(),
  })
  .describe('Plan (or re-plan) the brede intake and the leerbaarheidstoets');

export const completeBredeIntakeSchema = z
  .object({
    ...actor,
    date: isoDate('Date the brede intake was completed'),
    lbt: z
      .object({
        date: isoDate('Date the leerbaarheidstoets was taken'),
        score: z.number().min(0).max(100).optional().describe('LBT score as reported by DUO (0-100)'),
        adviesRoute: leerrouteSchema.optional().describe('Leerroute the LBT result points to'),
      })
      .optional()
      .describe('Result of the leerbaarheidstoets (LBT)'),
    lbtNotTakenReason: reason('Why no LBT was taken (e.g. onderwijsroute candidate)').optional(),
    lbtExemption: z
      .enum(LBT_EXEMPTIONS)
      .optional()
      .describe(
        'The gemeente exempted the person from the LBT for a visual or auditory impairment (Wi2021 art. 14 lid 6); a code, no medical details',
      ),
  })
  .describe(
    'Complete the brede intake (Wi2021 art. 14; Besluit inburgering 2021 art. 5.2), with the LBT result',
  );

export const completeBredeIntakeWithoutPersonSchema = z
  .object({
    ...actor,
    date: isoDate('Date the college completed the brede intake without the person'),
    note: reason('What the college based the intake on').optional(),
  })
  .describe(
    'Complete the brede intake without the person, after three summonses were missed (Wi2021 art. 14 lid 2); the PIP is then set without their input',
  );

export const recordIntakeNoShowSchema = z
  .object({
    ...actor,
    date: isoDate('Date of the intake appointment the person did not attend'),
    nextPlannedDate: isoDate('Date of the new summons (the new term)').optional(),
  })
  .describe(
    'Register that the person missed the summons to the brede intake: a written warning and a new summons with a new term; after the third summons the college completes the intake without the person (Wi2021 art. 14 lid 2). A fine is a decision of its own (imposeFine, Wi2021 art. 22)',
  );

export const registerKennisgevingSchema = z
  .object({
    ...actor,
    date: isoDate('Date of the DUO kennisgeving (letter confirming the inburgeringsplicht)'),
  })
  .describe(
    'Register the DUO kennisgeving date: since 2023 the 10-week PIP term counts from it, or from a later BRP registration (Besluit inburgering 2021 art. 5.3 lid 1)',
  );

export const registerBrpInschrijvingSchema = z
  .object({ ...actor, date: isoDate('Date of registration in the BRP of this gemeente') })
  .describe(
    'Register the BRP registration date: maatschappelijke begeleiding of an asielstatushouder starts that day (Wi2021 art. 13); it starts the PIP term when later than the kennisgeving, in 2022 always, and after moving here (Besluit inburgering 2021 art. 5.3)',
  );

export const registerHuisvestingSchema = z
  .object({ ...actor, date: isoDate('Date the person moved into housing in this gemeente') })
  .describe('Register the housing date (meets the housing target for asielstatushouders)');

export const registerBijstandSchema = z
  .object({ ...actor, startDate: isoDate('The day the right to bijstand arose') })
  .describe(
    'Register the day the right to bijstand arose: starts the 6-month ontzorgen term for a verblijfsvergunning asiel voor bepaalde tijd (Participatiewet art. 56a)',
  );

export const registerWachtenOpDerdenSchema = z
  .object({
    ...actor,
    date: isoDate('Date the gemeente asked a third party for information the PIP needs'),
    reason: reason('Which information is awaited, from whom (an organisation, not a person)'),
  })
  .describe(
    'Register that the PIP reasonably cannot be set without information the college waits for: the PIP is then due at most 2 weeks after it arrives (Besluit inburgering 2021 art. 5.3 lid 2, since 1 January 2023)',
  );

export const registerDerdenInformatieOntvangenSchema = z
  .object({ ...actor, date: isoDate('Date the awaited third-party information arrived') })
  .describe(
    'Register that the awaited third-party information arrived: the PIP is due within 2 weeks, or by the 10-week term if later (Besluit inburgering 2021 art. 5.3 lid 2)',
  );

export const setPipSchema = z
  .object({
    ...actor,
    decisionDate: isoDate(
      'Date on the PIP decision (the inburgeringstermijn starts the day after, Wi2021 art. 11; after moving here the termijn of the first PIP continues)',
    ),
    route: leerrouteSchema,
    modules: z.array(pipModuleSchema).min(1).max(10).describe('Modules agreed in the PIP (PVT always)'),
    taalschoolPartnerId: id('Id of the taalschool (keurmerk) that gets the referral').optional(),
    participation: reason('The participation part of the PIP').optional(),
  })
  .describe(
    'Set the PIP (a formal decision, Wi2021 art. 15): leerroute, modules and agreed dates; after moving here, with the same leerroute (art. 15 lid 4)',
  );

export const revisePipSchema = z
  .object({
    ...actor,
    decisionDate: isoDate(
      'Date on the revised PIP decision (does not move the inburgeringstermijn: Wi2021 art. 11 lid 3)',
    ),
    reason: reason('Why the PIP is revised'),
    modules: z
      .array(pipModuleSchema)
      .max(10)
      .optional()
      .describe('Modules to add or whose agreed dates change'),
    taalschoolPartnerId: id('Id of a new taalschool').optional(),
  })
  .describe('Revise the PIP (modules, agreed dates, partner); a route change goes through switchRoute');

export const startModuleSchema = z
  .object({
    ...actor,
    module: moduleSchema,
    date: isoDate('Start date of the module'),
    partnerId: id('Id of the partner that provides the module').optional(),
  })
  .describe('Start a module');

export const completeModuleSchema = z
  .object({
    ...actor,
    module: moduleSchema,
    date: isoDate('Completion date (PVT: date the participatieverklaring was signed; MAP: final interview)'),
    hours: z
      .number()
      .min(0)
      .max(10000)
      .optional()
      .describe(
        'Hours followed in the module (PVT: at least 12, Besluit inburgering 2021 art. 3.1; MAP: at least 40, art. 3.2)',
      ),
  })
  .describe('Complete a module');

export const recordProgressHoursSchema = z
  .object({
    ...actor,
    kind: z
      .enum(HOUR_KINDS)
      .describe(
        'LESSEN (NT2 course hours; literacy lessons count), KNM (KNM course hours) or PARTICIPATIE (Z-route self-reliance and participation activities other than MAP and PVT)',
      ),
    hours: z.number().positive().max(2000).describe('Hours in this report (added to the total)'),
    periodEnd: isoDate('Last day of the reporting period'),
    partnerId: id('Id of the reporting partner').optional(),
  })
  .describe('Record lesson or participation hours (cumulative)');

export const recordExamResultSchema = z
  .object({
    ...actor,
    component: examComponentSchema,
    attempt: z.number().int().min(1).max(20).describe('Attempt number for this component (1 = first)'),
    date: isoDate('Exam date'),
    passed: z.boolean().describe('Whether the exam was passed'),
    partnerId: id('Id of the reporting partner').optional(),
  })
  .describe('Record an exam result per component and attempt');

export const completeLeerrouteSchema = z
  .object({
    ...actor,
    date: isoDate(
      'Date the leerroute was completed (taalschakeltraject finished, or Z-route final interview)',
    ),
    note: reason('Outcome of the final interview / taalschakeltraject').optional(),
    finalInterviewWithCollege: z
      .literal(true)
      .optional()
      .describe(
        'Z-route: the final interview was held by the college itself, which cannot delegate it (Wi2021 art. 9; Besluit inburgering 2021 art. 3.14)',
      ),
  })
  .describe(
    'Complete the onderwijsroute (taalschakeltraject completed: meets the route without a KNM exam and without MAP, Wi2021 art. 8 lid 3) or the Z-route (800 course hours and the final interview with the college, Wi2021 art. 9); the B1-route completes by exams (art. 7)',
  );

export const switchRouteSchema = z
  .object({
    ...actor,
    to: leerrouteSchema.describe('The new leerroute'),
    date: isoDate('Date of the revised PIP with the new route'),
    reason: reason('Why the route is switched'),
    exceptionGround: z
      .enum(ROUTE_SWITCH_EXCEPTIONS)
      .optional()
      .describe(
        'Why a switch after 1.5 years is allowed, since 1 January 2023: a niet-vrijstellende opleiding ended, or a special case (Besluit inburgering 2021 art. 5.4)',
      ),
  })
  .describe(
    'Switch leerroute (schakelen, Wi2021 art. 17 lid 2; Besluit inburgering 2021 art. 5.4): within 1.5 years of the start of the termijn; onderwijsroute → B1-route at any time; the PIP is revised',
  );

export const downgradeRouteSchema = z
  .object({
    ...actor,
    date: isoDate('Date of the decision to afschalen'),
    effortDemonstrated: z.literal(true).describe('Facts show the person made enough effort (required)'),
    reason: reason('Motivation of the afschaling'),
    skills: z
      .array(z.enum(LANGUAGE_SKILLS))
      .min(1)
      .max(4)
      .optional()
      .describe('Language skills that go to A2 (default: all four)'),
  })
  .describe(
    'Afschalen (Wi2021 art. 17 lid 3; Besluit inburgering 2021 art. 5.5): some or all language skills of the B1-route go to A2, after in total 600 NT2 course hours (literacy lessons count); no condition on exam attempts, no time limit; the PIP is adjusted (art. 5.3 lid 6)',
  );

export const recordVoortgangsgesprekSchema = z
  .object({
    ...actor,
    date: isoDate('Date of the voortgangsgesprek'),
    note: reason('Short outcome').optional(),
  })
  .describe('Record a voortgangsgesprek (progress interview)');

export const grantExtensionSchema = z
  .object({
    ...actor,
    ground: z
      .enum(EXTENSION_GROUNDS)
      .describe(
        'Ground of the extension granted by DUO (Besluit inburgering 2021 art. 4.3 and 4.4; NIET_ONTHEFFENDE_OPLEIDING since 1 January 2023)',
      ),
    decisionDate: isoDate('Date of the DUO decision'),
    requestDate: isoDate(
      'Date of the request to DUO: not earlier than 6 months before the end of the termijn as it runs (Besluit inburgering 2021 art. 4.5)',
    ).optional(),
    period: z
      .object({
        unit: z.enum(['WEEKS', 'MONTHS']).describe('Unit of the period'),
        amount: z.number().int().min(1).max(60).describe('Length of the period'),
      })
      .describe(
        'Granted extension period (illness, special circumstances: at least 3 months; birth: 16 weeks; aanzienlijke inspanningen: 6 months)',
      ),
    allLessonsFollowed: z
      .literal(true)
      .optional()
      .describe(
        'AANZIENLIJKE_INSPANNINGEN for an asielstatushouder: all lessons offered were followed (gezinsmigranten: at least 450 lesson hours are counted instead; Besluit inburgering 2021 art. 4.4)',
      ),
    reason: reason('Explanation').optional(),
  })
  .describe(
    'Register an extension of the inburgeringstermijn granted by DUO (Wi2021 art. 12): dependent deadlines move',
  );

export const grantExemptionSchema = z
  .object({
    ...actor,
    ground: z.enum(EXEMPTION_GROUNDS).describe('Ground of the ontheffing'),
    decisionDate: isoDate('Date of the DUO decision'),
    reason: reason('Explanation').optional(),
  })
  .describe(
    'Register an ontheffing (exemption) by DUO (Wi2021 art. 6; Besluit inburgering 2021 art. 2.7-2.8): the trajectory ends, open deadlines are dropped',
  );

export const pauseSchema = z
  .object({
    ...actor,
    date: isoDate('First day of the pause'),
    reason: reason('Why the trajectory is paused'),
  })
  .describe('Pause the trajectory: no reminders or escalations while paused (deadlines do not move)');

export const resumeSchema = z
  .object({ ...actor, date: isoDate('Day the trajectory resumes') })
  .describe('Resume a paused trajectory');

export const transferSchema = z
  .object({
    ...actor,
    toGemeenteCode: gemeenteCodeSchema.describe('CBS code of the new gemeente'),
    date: isoDate('Date of moving (BRP registration in the new gemeente)'),
    reason: reason('Notes for the warm transfer').optional(),
  })
  .describe(
    'Transfer to another gemeente (warm transfer; the PIP and progress go along on request, Wi2021 art. 35 lid 4). The new gemeente sets a PIP within 10 weeks of the BRP registration there, with the same leerroute (Besluit inburgering 2021 art. 5.3 lid 3); the trajectory ends here',
  );

export const endTrajectorySchema = z
  .object({
    ...actor,
    reason: z
      .enum(END_REASONS)
      .describe('VERTROKKEN (left the country), OVERLEDEN (died), OVERIG (other, explain)'),
    date: isoDate('Date of the end'),
    toelichting: reason('Explanation (required for OVERIG)').optional(),
  })
  .describe('End the trajectory for a reason other than completion, exemption or transfer');

export const registerStartLessenSchema = z
  .object({
    ...actor,
    date: isoDate('Date of the first lesson of the course of the leerroute (not the enrolment date)'),
    partnerId: id('Id of the school that gives the course').optional(),
  })
  .describe(
    'Register the start of the lessons (NT2, taalschakeltraject or Z-route course): for an asielstatushouder they must start within 3 months of the PIP, 6 in the onderwijsroute (Wi2021 art. 16)',
  );

export const registerMeldingAanbodDuoSchema = z
  .object({
    ...actor,
    date: isoDate('Date the gemeente reported to DUO that the course did not start in time'),
    note: reason('Notes on the report').optional(),
  })
  .describe(
    'Register the report to DUO that the course offer did not start in time (Besluit inburgering 2021 art. 9.3 lid 2 onder b): a ground for an extension without blame (art. 4.3)',
  );

export const imposeFineSchema = z
  .object({
    ...actor,
    ground: z
      .enum(FINE_GROUNDS)
      .describe(
        'INTAKE_NIET_VERSCHENEN, INTAKE_NIET_MEEGEWERKT, LBT_NIET_MEEGEWERKT (Wi2021 art. 22: €250) or PIP_NIET_NAGEKOMEN (Wi2021 art. 23: €50, doubled for each repeat within 12 months, at most €800)',
      ),
    decisionDate: isoDate('Date of the fine decision of the college'),
    newTermEnd: isoDate(
      'Art. 22: end of the new term within which the person must still take part (at most 2 months after the decision; default: those 2 months)',
    ).optional(),
    reason: reason('Explanation').optional(),
  })
  .describe(
    'Record a fine decision of the college (Wi2021 art. 22 and 23; Besluit inburgering 2021 art. 7.1): the rules set the amount; all gemeente fines together are at most €2,400 per termijn (Wi2021 art. 26)',
  );

export const registerPlichtOnderbrekingSchema = z
  .object({
    ...actor,
    from: isoDate('First day on which the inburgeringsplicht did not apply'),
    to: isoDate('Day on which the inburgeringsplicht applied again'),
    reason: reason('Why the plicht did not apply (e.g. the residence permit lapsed)').optional(),
  })
  .describe(
    'Register a gap in the inburgeringsplicht: the termijn is extended by its length, all gaps together at most 1 year (Besluit inburgering 2021 art. 4.2 and art. 2.1 lid 2)',
  );

export const reassignCoachSchema = z
  .object({ ...actor, coachId: id('Id of the new coach') })
  .describe('Assign another coach');

/** Every command by name: the update names in workflows/messages.ts are the same keys. */
export const commandSchemas = {
  planBredeIntake: planBredeIntakeSchema,
  completeBredeIntake: completeBredeIntakeSchema,
  completeBredeIntakeWithoutPerson: completeBredeIntakeWithoutPersonSchema,
  recordIntakeNoShow: recordIntakeNoShowSchema,
  registerKennisgeving: registerKennisgevingSchema,
  registerBrpInschrijving: registerBrpInschrijvingSchema,
  registerHuisvesting: registerHuisvestingSchema,
  registerBijstand: registerBijstandSchema,
  registerWachtenOpDerden: registerWachtenOpDerdenSchema,
  registerDerdenInformatieOntvangen: registerDerdenInformatieOntvangenSchema,
  setPip: setPipSchema,
  revisePip: revisePipSchema,
  startModule: startModuleSchema,
  completeModule: completeModuleSchema,
  recordProgressHours: recordProgressHoursSchema,
  recordExamResult: recordExamResultSchema,
  completeLeerroute: completeLeerrouteSchema,
  switchRoute: switchRouteSchema,
  downgradeRoute: downgradeRouteSchema,
  recordVoortgangsgesprek: recordVoortgangsgesprekSchema,
  grantExtension: grantExtensionSchema,
  grantExemption: grantExemptionSchema,
  pause: pauseSchema,
  resume: resumeSchema,
  transfer: transferSchema,
  endTrajectory: endTrajectorySchema,
  reassignCoach: reassignCoachSchema,
  registerStartLessen: registerStartLessenSchema,
  registerMeldingAanbodDuo: registerMeldingAanbodDuoSchema,
  imposeFine: imposeFineSchema,
  registerPlichtOnderbreking: registerPlichtOnderbrekingSchema,
} as const;

export type CommandSchemas = typeof commandSchemas;
export type CommandName = keyof CommandSchemas;
export const COMMAND_NAMES = Object.keys(commandSchemas) as CommandName[];
export type CommandInput<N extends CommandName> = z.infer<CommandSchemas[N]>;
/** A command as the domain sees it: its name and its (already schema-valid) input. */
export type Command = { [N in CommandName]: { type: N; input: CommandInput<N> } }[CommandName];

export type PlanBredeIntake = CommandInput<'planBredeIntake'>;
export type CompleteBredeIntake = CommandInput<'completeBredeIntake'>;
export type SetPip = CommandInput<'setPip'>;
export type RecordExamResult = CommandInput<'recordExamResult'>;
export type RecordProgressHours = CommandInput<'recordProgressHours'>;
export type GrantExtension = CommandInput<'grantExtension'>;

/** Partner facts arrive as signals (fire-and-forget); same shapes as the coach commands. */
export const partnerLessonHoursSchema = recordProgressHoursSchema;
export const partnerExamResultSchema = recordExamResultSchema;
