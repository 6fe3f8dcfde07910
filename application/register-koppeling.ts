/**
 * Registering a koppeling (COA, DUO, or a caseload import): store the person (BSN hashed and
 * encrypted, never sent to Temporal), the audit row KOPPELING_REGISTERED and the trajectory's
 * pending start in one transaction, and answer; the trajectory workflow (pseudonymous id) is
 * started apart from the answer (./trajectory-starts.ts: at once in the background, else by a
 * sweep, with retries), so a koppeling is accepted while Temporal is slow or down. A second
 * koppeling for the same person (same koppelingRef or same BSN) starts nothing new and answers
 * the existing trajectory (audited as KOPPELING_REPEATED); if that person's start is still
 * pending it is queued again (the answer does not wait for it), and a person registered before the
 * pending starts existed who never got a workflow gets it started before the answer.
 *
 * A new person is admitted only while intake keeps pace with the worker (./admission.ts): beyond
 * that the call throws IntakeBusyError before anything is stored or started. A repeat is never
 * refused.
 *
 * The API's POST /api/inburgeraars and scripts/import call this, with the same schema.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { koppelingSchema } from '../domain/commands';
import { bsnKeyring, isValidBsn, type BsnKeyConfig } from '../api/persons/bsn';
import type { IntakeAdmission } from './admission';
import type { TrajectoryStarts } from './trajectory-starts';
import { InvalidInputError } from './errors';
import type {
  Actor,
  AuditEntry,
  AuditLog,
  PersonRecord,
  PersonRegistry,
  TrajectoryStarter,
  UserLookup,
} from './ports';
import { workflowIdFor } from './temporal';

export const persoonSchema = z
  .object({
    bsn: z
      .string()
      .trim()
      .refine(isValidBsn, 'not a valid BSN (9 digits passing the elfproef)')
      .describe('Burgerservicenummer: stored only hashed and encrypted, never sent to Temporal'),
    voornaam: z.string().trim().min(1).max(100).describe('Given name(s)'),
    achternaam: z.string().trim().min(1).max(150).describe('Surname'),
    geboortedatum: z.iso.date().optional().describe('Date of birth (YYYY-MM-DD)'),
    email: z.email().optional().describe('E-mail address'),
    telefoon: z.string().trim().max(30).optional().describe('Phone number'),
    adres: z.string().trim().max(300).optional().describe('Address'),
  })
  .describe('Personal data: kept in the database only');

export const koppelingRequestSchema = koppelingSchema
  .omit({ inburgeraarId: true })
  .extend({
    koppelingRef: z
      .string()
      .trim()
      .min(1)
      .max(100)
      .regex(/^[A-Za-z0-9._:/-]+$/, 'only letters, digits and . _ : / -')
      .describe(
        'Reference of the koppeling (COA/DUO): a repeat with the same reference (or the same BSN) returns the existing trajectory',
      ),
    persoon: persoonSchema,
  })
  .describe('A koppeling: the person and the start of their trajectory');

export type KoppelingRequest = z.output<typeof koppelingRequestSchema>;

export interface RegisteredKoppeling {
  inburgeraarId: string;
  workflowId: string;
  /** False when this person already had a trajectory. */
  created: boolean;
}

export interface KoppelingCheckDeps {
  people: Pick<PersonRegistry, 'find'>;
  users: UserLookup;
  config: BsnKeyConfig;
}

export interface RegisterKoppelingDeps extends KoppelingCheckDeps {
  people: Pick<PersonRegistry, 'find' | 'create'>;
  /** The repeat's start of a person without workflow or pending start (registered before those). */
  trajectories: TrajectoryStarter;
  /** Starts the workflow of a new person apart from the answer (./trajectory-starts.ts). */
  starts: Pick<TrajectoryStarts, 'pendingRecord' | 'startSoon' | 'nudge'>;
  audit: AuditLog;
  /** Backpressure: asked before a new person is stored (never for a repeat). */
  admission: Pick<IntakeAdmission, 'admit'>;
}

/** InvalidInputError on `field` unless `coachId` is an active coach. */
export async function assertActiveCoach(
  users: UserLookup,
  coachId: string,
  field = 'coachId',
): Promise<void> {
  const coach = await users.getUser(coachId);
  if (!coach || coach.role !== 'coach' || !coach.active)
    throw new InvalidInputError([{ field, reason: 'no active coach with this id' }]);
}

/**
 * What registering would do, changing nothing: the existing person, or (after the checks that need
 * the database) undefined for a new one. A dry run of the import asks exactly this.
 */
export async function checkKoppeling(
  deps: KoppelingCheckDeps,
  request: KoppelingRequest,
): Promise<PersonRecord | undefined> {
  const existing = await deps.people.find({
    koppelingRef: request.koppelingRef,
    bsnHash: bsnKeyring(deps.config).lookupHashes(request.persoon.bsn),
  });
  if (!existing) await assertActiveCoach(deps.users, request.coachId);
  return existing;
}

export async function registerKoppeling(
  deps: RegisterKoppelingDeps,
  actor: Actor,
  request: KoppelingRequest,
): Promise<RegisteredKoppeling> {
  const { persoon, koppelingRef, ...koppeling } = request;
  const { bsn, ...personalData } = persoon;
  const keyring = bsnKeyring(deps.config);
  const auditOf = (action: string, inburgeraarId: string, coachId: string): AuditEntry => ({
    actorId: actor.userId,
    actorRole: actor.role,
    action,
    inburgeraarId,
    details: { koppelingRef, coachId },
  });
  let person = await checkKoppeling(deps, request);
  let created = false;
  if (!person) {
    await deps.admission.admit();
    const inburgeraarId = randomUUID();
    const start = { ...koppeling, inburgeraarId };
    ({ created, person } = await deps.people.create(
      {
        inburgeraarId,
        workflowId: workflowIdFor(inburgeraarId),
        koppelingRef,
        coachId: koppeling.coachId,
        doelgroep: koppeling.doelgroep,
        gemeenteCode: koppeling.gemeenteCode,
        bsnHash: keyring.hash(bsn),
        bsnEncrypted: keyring.encrypt(bsn),
        bsnKeyId: keyring.currentId,
        persoon: personalData,
      },
      auditOf('KOPPELING_REGISTERED', inburgeraarId, koppeling.coachId),
      deps.starts.pendingRecord(start),
    ));
    if (created) {
      deps.starts.startSoon(start);
      return { inburgeraarId, workflowId: person.workflowId, created };
    }
  }
  // A repeat (or the loser of a race for the same person): its pending start queued again (not
  // waited for: answered while Temporal is down too), or, for a person without one, the start as
  // before pending starts existed (a no-op when the workflow runs).
  if (!(await deps.starts.nudge(person.inburgeraarId)))
    await deps.trajectories.start({
      ...koppeling,
      coachId: person.coachId,
      inburgeraarId: person.inburgeraarId,
    });
  await deps.audit.record(auditOf('KOPPELING_REPEATED', person.inburgeraarId, person.coachId));
  return { inburgeraarId: person.inburgeraarId, workflowId: person.workflowId, created: false };
}
