/**
 * Everything the API reads or writes in its own database, behind one interface. The routes speak
 * in these terms; api/prisma-store.ts maps them onto the Prisma models (prisma/schema). Keeping the
 * mapping in one file means a model change touches one place, and the route code stays readable.
 */
import type { Principal, Role } from './auth/principal';
import type { IdempotencyStore } from './http/idempotency';

export interface UserView {
  id: string;
  name: string;
  email: string | null;
  role: Role;
  partnerId: string | null;
  active: boolean;
  createdAt: string;
}

export interface ApiKeyView {
  id: string;
  userId: string;
  prefix: string;
  label: string | null;
  createdAt: string;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

export interface PartnerView {
  id: string;
  name: string;
  /** taalschool | onderwijsinstelling | werkgever | maatschappelijke_begeleiding */
  kind: string;
  email: string | null;
  webhookUrl: string | null;
  /** The secret itself never leaves the store. */
  hasWebhookSecret: boolean;
}

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
  persoon: PersonalData;
}

export interface AuditEntry {
  actorId: string;
  actorRole: Role | 'system';
  action: string;
  inburgeraarId?: string;
  /** Ids and codes only: never names, BSNs or addresses. */
  details?: Record<string, unknown>;
}

export interface TimelineEntry {
  at: string;
  kind: 'event' | 'notification';
  type: string;
  actorId: string | null;
  details: unknown;
}

export interface ListFilter {
  coachId?: string | undefined;
  phase?: string | undefined;
  route?: string | undefined;
  overdue?: boolean | undefined;
  /** Next deadline on or before this date (YYYY-MM-DD). */
  dueOnOrBefore?: string | undefined;
  /** Only these people (partner's referrals). */
  inburgeraarIds?: string[] | undefined;
}

export const SORT_FIELDS = [
  'nextDeadline',
  'koppelingDate',
  'phase',
  'route',
  'coachId',
  'updatedAt',
] as const;
export type SortField = (typeof SORT_FIELDS)[number];

export interface ListItem {
  inburgeraarId: string;
  coachId: string;
  phase: string;
  route: string | null;
  doelgroep: string | null;
  paused: boolean;
  overdue: boolean;
  nextDeadline: { key: string; label: string | null; dueDate: string } | null;
  koppelingDate: string | null;
  intakeDate: string | null;
  pipDate: string | null;
  updatedAt: string;
}

export interface DeadlineRow {
  inburgeraarId: string;
  key: string;
  dueDate: string;
  status: string;
  fulfilledDate: string | null;
}

export interface ApiStore {
  idempotency: IdempotencyStore;

  findPrincipalByKeyHash(hash: string): Promise<Principal | undefined>;
  /** Undefined when the id is taken. */
  createUser(user: {
    /** Default: a new uuid. Set it to the OIDC `sub` for users who log in with tokens. */
    id?: string | undefined;
    name: string;
    email?: string | undefined;
    role: Role;
    partnerId?: string | undefined;
  }): Promise<UserView | undefined>;
  listUsers(): Promise<UserView[]>;
  getUser(id: string): Promise<UserView | undefined>;
  createApiKey(
    userId: string,
    key: { hash: string; prefix: string; label?: string | undefined },
  ): Promise<ApiKeyView>;
  listApiKeys(userId: string): Promise<ApiKeyView[]>;
  /** Undefined when no such key; revoking twice keeps the first revocation time. */
  revokeApiKey(keyId: string): Promise<ApiKeyView | undefined>;
  createPartner(partner: {
    name: string;
    kind: string;
    email?: string | undefined;
    webhookUrl?: string | undefined;
    /** Signs the webhook calls; stored, never answered. */
    webhookSecret?: string | undefined;
  }): Promise<PartnerView>;
  listPartners(): Promise<PartnerView[]>;
  getPartner(id: string): Promise<PartnerView | undefined>;

  /** Finds the person by koppeling reference or BSN hash (either identifies a person). */
  findPerson(by: { koppelingRef: string; bsnHash: string }): Promise<PersonRecord | undefined>;
  /** Creates the person; when a concurrent request created them first, answers that one. */
  createPerson(person: NewPerson): Promise<{ created: boolean; person: PersonRecord }>;
  getPerson(inburgeraarId: string): Promise<PersonRecord | undefined>;
  getPersonalData(inburgeraarId: string): Promise<PersonalData | undefined>;
  setCoach(inburgeraarId: string, coachId: string): Promise<void>;
  /** Partners with a referral for this person in the database. */
  referredPartnerIds(inburgeraarId: string): Promise<string[]>;
  /** People referred to this partner. */
  referralsOf(partnerId: string): Promise<string[]>;

  audit(entry: AuditEntry): Promise<void>;
  timeline(inburgeraarId: string): Promise<TimelineEntry[]>;

  listTrajectories(
    filter: ListFilter,
    sort: { field: SortField; order: 'asc' | 'desc' },
    page: { page: number; pageSize: number },
  ): Promise<{ items: ListItem[]; total: number }>;
  allTrajectories(filter: ListFilter): Promise<ListItem[]>;
  deadlines(filter: ListFilter): Promise<DeadlineRow[]>;
  ping(): Promise<void>;
}
