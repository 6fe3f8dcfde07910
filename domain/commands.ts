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
  HOUR_KINDS,
  LEERROUTES,
  MODULES,
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
  .describe('Leerroute: B1 (B1-route), ONDERWIJS (onderwijsroute), Z (zelfredzaamheidsroute)');
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

export const koppelingSchema = z
  .object({
    inburgeraarId: z.uuid().describe('Pseudonymous id of the inburgeraar (uuid; never a BSN)'),
    koppelingDate: isoDate('Date of the koppeling to this gemeente (COA) or of becoming known via DUO'),
    doelgroep: doelgroepSchema,
    coachId: id('Id of the coach (klantmanager) responsible for this person'),
    gemeenteCode: gemeenteCodeSchema.optional(),
    bijstandStartDate: isoDate(
      'Start date of bijstand (starts the 6-month ontzorgen term for asielstatushouders)',
    ).optional(),
    kennisgevingDate: isoDate('Date of the DUO kennisgeving, when already known').optional(),
    brpInschrijvingDate: isoDate('Date of BRP registration, when already known').optional(),
    settings: gemeenteSettingsSchema
      .partial()
      .optional()
      .describe('Per-gemeente policy settings; omitted values take the defaults of domain.md'),
    import: importSchema.optional(),
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
  })
  .describe('Complete the brede intake, with the LBT result');

export const recordIntakeNoShowSchema = z
  .object({
    ...actor,
    date: isoDate('Date of the intake appointment the person did not attend'),
    nextPlannedDate: isoDate('New planned date of the intake').optional(),
  })
  .describe(
    'Register that the person did not take part in the brede intake (warning, then fines: domain.md §2)',
  );

export const registerKennisgevingSchema = z
  .object({
    ...actor,
    date: isoDate('Date of the DUO kennisgeving (letter confirming the inburgeringsplicht)'),
  })
  .describe('Register the DUO kennisgeving date: with BRP registration it starts the 10-week PIP term');

export const registerBrpInschrijvingSchema = z
  .object({ ...actor, date: isoDate('Date of registration in the BRP of this gemeente') })
  .describe('Register the BRP registration date');

export const registerHuisvestingSchema = z
  .object({ ...actor, date: isoDate('Date the person moved into housing in this gemeente') })
  .describe('Register the housing date (meets the housing target for asielstatushouders)');

export const registerBijstandSchema = z
  .object({ ...actor, startDate: isoDate('Start date of bijstand') })
  .describe('Register the start of bijstand: starts the 6-month ontzorgen term for asielstatushouders');

export const registerWachtenOpDerdenSchema = z
  .object({
    ...actor,
    date: isoDate('Date the gemeente asked a third party for information the PIP needs'),
    reason: reason('Which information is awaited, from whom (an organisation, not a person)'),
  })
  .describe(
    'Register that the PIP waits for third-party information: the 10-week term then runs until at most 2 weeks after it arrives (Besluit art. 5.3)',
  );

export const registerDerdenInformatieOntvangenSchema = z
  .object({ ...actor, date: isoDate('Date the awaited third-party information arrived') })
  .describe(
    'Register that the awaited third-party information arrived: the PIP is due within 2 weeks (or by the 10-week term if later)',
  );

export const setPipSchema = z
  .object({
    ...actor,
    decisionDate: isoDate('Date on the PIP decision (the inburgeringstermijn starts the day after)'),
    route: leerrouteSchema,
    modules: z.array(pipModuleSchema).min(1).max(10).describe('Modules agreed in the PIP (PVT always)'),
    taalschoolPartnerId: id('Id of the taalschool (keurmerk) that gets the referral').optional(),
    participation: reason('The participation part of the PIP').optional(),
  })
  .describe('Set the PIP (a formal decision): leerroute, modules and agreed dates');

export const revisePipSchema = z
  .object({
    ...actor,
    decisionDate: isoDate('Date on the revised PIP decision (does not move the inburgeringstermijn)'),
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
      .describe('Hours followed in the module (MAP: at least 40)'),
  })
  .describe('Complete a module');

export const recordProgressHoursSchema = z
  .object({
    ...actor,
    kind: z.enum(HOUR_KINDS).describe('LESSEN (NT2 + KNM lessons) or PARTICIPATIE (participation hours)'),
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
  })
  .describe(
    'Complete the onderwijsroute (taalschakeltraject) or the Z-route (final interview); the B1-route completes by exams',
  );

export const switchRouteSchema = z
  .object({
    ...actor,
    to: leerrouteSchema.describe('The new leerroute'),
    date: isoDate('Date of the revised PIP with the new route'),
    reason: reason('Why the route is switched'),
  })
  .describe(
    'Switch leerroute (schakelen): within 1.5 years of the termijn start; onderwijsroute → B1 at any time',
  );

export const downgradeRouteSchema = z
  .object({
    ...actor,
    date: isoDate('Date of the decision to afschalen'),
    effortDemonstrated: z.literal(true).describe('The person demonstrably made the effort (required)'),
    reason: reason('Motivation of the afschaling'),
  })
  .describe('Afschalen: the B1-route continues at level A2 (after ≥600 hours of NT2 lessons)');

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
    ground: z.enum(EXTENSION_GROUNDS).describe('Ground of the extension granted by DUO'),
    decisionDate: isoDate('Date of the DUO decision'),
    period: z
      .object({
        unit: z.enum(['WEEKS', 'MONTHS']).describe('Unit of the period'),
        amount: z.number().int().min(1).max(60).describe('Length of the period'),
      })
      .describe('Granted extension period (birth: 16 weeks; illness, special circumstances: ≥ 3 months)'),
    reason: reason('Explanation').optional(),
  })
  .describe('Register an extension of the inburgeringstermijn granted by DUO: dependent deadlines move');

export const grantExemptionSchema = z
  .object({
    ...actor,
    ground: z.enum(EXEMPTION_GROUNDS).describe('Ground of the ontheffing'),
    decisionDate: isoDate('Date of the DUO decision'),
    reason: reason('Explanation').optional(),
  })
  .describe('Register an ontheffing (exemption) by DUO: the trajectory ends, open deadlines are dropped');

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
  .describe('Transfer to another gemeente (warm transfer of the file); the trajectory ends here');

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

export const reassignCoachSchema = z
  .object({ ...actor, coachId: id('Id of the new coach') })
  .describe('Assign another coach');

/** Every command by name: the update names in workflows/messages.ts are the same keys. */
export const commandSchemas = {
  planBredeIntake: planBredeIntakeSchema,
  completeBredeIntake: completeBredeIntakeSchema,
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
