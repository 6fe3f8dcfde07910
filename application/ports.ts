/**
 * The ports of the application services: each service takes exactly the ones it needs, so a test
 * or a script hands in only those. Implemented on Prisma by api/store/ and on Temporal by
 * ./temporal.ts.
 */
import type { ActingUser } from '../domain/access';
import type { CommandInput, CommandName, Koppeling } from '../domain/commands';
import type { TrajectoryState, TrajectorySummary } from '../domain/types';
import type { Principal, Role } from '../api/auth/principal';
import type { PartnerFactInput, PartnerFactKind } from './partner-facts';

/** Who acts: the authenticated user (or a script acting as one). Ids only, never a name. */
export type Actor = Pick<Principal, 'userId' | 'role' | 'partnerId'>;

// ---- the database --------------------------------------------------------------------------

export interface PersonRecord {
  inburgeraarId: string;
  workflowId: string;
  koppelingRef: string;
  coachId: string;
  createdAt: string;
}

export interface PersonalData {
  voornaam: string;
  achternaam: string;
  geboortedatum?: string | undefined;
  email?: string | undefined;
  telefoon?: string | undefined;
  adres?: string | undefined;
}

export interface NewPerson {
  inburgeraarId: string;
  workflowId: string;
  koppelingRef: string;
  coachId: string;
  doelgroep: string;
  gemeenteCode?: string | undefined;
  bsnHash: string;
  bsnEncrypted: string;
  /** The BSN key that made bsnHash and bsnEncrypted (BsnKeyring.currentId). */
  bsnKeyId: string;
  persoon: PersonalData;
}

/** The person register (Inburgeraar + Persoonsgegevens). */
export interface PersonRegistry {
  /**
   * Finds the person by koppeling reference or BSN hash (either identifies a person); during a BSN
   * key rotation pass the hash under every key (BsnKeyring.lookupHashes).
   */
  find(by: { koppelingRef: string; bsnHash: string | string[] }): Promise<PersonRecord | undefined>;
  /**
   * Creates the person and, in the same transaction, appends `audit` to the audit trail (so a
   * stored person is never unaudited, and a koppeling costs one write instead of two); when a
   * concurrent request created them first, answers that one and writes nothing.
   */
  create(
    person: NewPerson,
    audit: AuditEntry,
    /** The trajectory to start, recorded as pending in the same transaction (PendingStarts). */
    start?: PendingStartRecord,
  ): Promise<{ created: boolean; person: PersonRecord }>;
  setCoach(inburgeraarId: string, coachId: string): Promise<void>;
}

/** A trajectory whose start is recorded but not yet known to have reached Temporal. */
export interface PendingStartRecord {
  input: Koppeling;
  /** When a sweep may take it (until then the registering process owns it). */
  nextAttemptAt: Date;
  attempts?: number;
}

/** The trajectories to start (PendingStart): the koppeling's outbox towards Temporal. */
export interface PendingStarts {
  /** The pending start of this person, if any. */
  find(inburgeraarId: string): Promise<PendingStartRecord | undefined>;
  /** Pending starts a sweep may take at `now`, the longest-waiting first. */
  due(now: Date, limit: number): Promise<PendingStartRecord[]>;
  /** Temporal has the workflow: the row goes. */
  done(inburgeraarId: string): Promise<void>;
  /**
   * A sweep takes this row: it moves `nextAttemptAt` from the value it read to `until`, and
   * answers false when another process moved it first (then it is theirs).
   */
  claim(inburgeraarId: string, seen: Date, until: Date): Promise<boolean>;
  /** A try failed: counted with the error's kind, taken again after `delayMs(failures so far)`. */
  failed(inburgeraarId: string, error: string, delayMs: (failures: number) => number): Promise<void>;
  /** How many are pending (a metric). */
  count(): Promise<number>;
}

/** Looks users up by id: enough to tell whether an id is an active coach. */
export interface UserLookup {
  getUser(id: string): Promise<{ id: string; role: Role; active: boolean } | undefined>;
}

/** Partners with a referral for a person (beside those the trajectory itself names). */
export interface ReferralLookup {
  referredPartnerIds(inburgeraarId: string): Promise<string[]>;
}

export interface AuditEntry {
  actorId: string;
  /** `inburgeraar`: the person on their own page, through a personal link (actorId `link:<id>`). */
  actorRole: Role | 'system' | 'inburgeraar';
  action: string;
  inburgeraarId?: string;
  /** Ids and codes only: never names, BSNs or addresses. */
  details?: Record<string, unknown>;
}

export interface AuditLog {
  record(entry: AuditEntry): Promise<void>;
}

// ---- Temporal ------------------------------------------------------------------------------

export interface TrajectoryStarter {
  /** Starts the trajectory workflow, or finds the one that runs for this id (never a second). */
  start(input: Koppeling): Promise<void>;
}

export interface TrajectoryReader {
  /** The workflow's state; NotFoundError when no trajectory has this id. */
  state(inburgeraarId: string): Promise<TrajectoryState>;
}

export interface CommandRunner {
  /**
   * Runs the command as the workflow's update and answers the new summary; the update's validator
   * checks that `user` may act on this trajectory (domain/access.ts). The same `updateId` twice is
   * one update: Temporal answers the second call with the first one's result. NotFoundError when
   * no running trajectory has this id (none, or it has ended).
   */
  execute<N extends CommandName>(
    inburgeraarId: string,
    name: N,
    input: CommandInput<N>,
    user: ActingUser,
    updateId?: string,
  ): Promise<TrajectorySummary>;
}

export interface FactReporter {
  /** Sends a partner's fact as the workflow's signal (fire and forget). */
  report<K extends PartnerFactKind>(
    inburgeraarId: string,
    kind: K,
    input: PartnerFactInput<K>,
  ): Promise<void>;
}

export type Trajectories = TrajectoryStarter & TrajectoryReader & CommandRunner & FactReporter;
