/**
 * ApiStore on the Prisma models of prisma/models.prisma. The only file of api/ that knows table
 * and column names. Dates in the read model are ISO `YYYY-MM-DD` strings, so they sort and compare
 * as text; instants (createdAt, ...) leave here as ISO strings.
 */
import { roleSchema, type Principal } from './auth/principal';
import type { IdempotencyBegin, IdempotencyStore } from './http/idempotency';
import { isUniqueViolation, type Db } from '../prisma/db';
import type {
  ApiKeyView,
  ApiStore,
  ListFilter,
  ListItem,
  PartnerView,
  PersonRecord,
  SortField,
  TimelineEntry,
  UserView,
} from './store';

const iso = (d: Date | null | undefined): string | null => (d ? d.toISOString() : null);

const parseJson = (text: string | null | undefined): unknown => {
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
};

type UserRow = {
  id: string;
  name: string;
  email: string | null;
  role: string;
  partnerId: string | null;
  active: boolean;
  createdAt: Date;
};
const userView = (u: UserRow): UserView => ({
  id: u.id,
  name: u.name,
  email: u.email,
  role: roleSchema.parse(u.role),
  partnerId: u.partnerId,
  active: u.active,
  createdAt: u.createdAt.toISOString(),
});

type KeyRow = {
  id: string;
  userId: string;
  prefix: string;
  label: string | null;
  createdAt: Date;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
};
const keyView = (k: KeyRow): ApiKeyView => ({
  id: k.id,
  userId: k.userId,
  prefix: k.prefix,
  label: k.label,
  createdAt: k.createdAt.toISOString(),
  revokedAt: iso(k.revokedAt),
  lastUsedAt: iso(k.lastUsedAt),
});

type PartnerRow = {
  id: string;
  name: string;
  kind: string;
  email: string | null;
  webhookUrl: string | null;
  webhookSecret: string | null;
};
const partnerView = (p: PartnerRow): PartnerView => ({
  id: p.id,
  name: p.name,
  kind: p.kind,
  email: p.email,
  webhookUrl: p.webhookUrl,
  hasWebhookSecret: Boolean(p.webhookSecret),
});

type PersonRow = { id: string; workflowId: string; koppelingRef: string; coachId: string; createdAt: Date };
const personRecord = (p: PersonRow): PersonRecord => ({
  inburgeraarId: p.id,
  workflowId: p.workflowId,
  koppelingRef: p.koppelingRef,
  coachId: p.coachId,
  createdAt: p.createdAt.toISOString(),
});

type ReadRow = {
  inburgeraarId: string;
  coachId: string;
  phase: string;
  route: string | null;
  doelgroep: string | null;
  paused: boolean;
  overdue: boolean;
  nextDeadlineKey: string | null;
  nextDeadlineLabel: string | null;
  nextDeadlineDate: string | null;
  koppelingDate: string | null;
  intakeDate: string | null;
  pipDate: string | null;
  updatedAt: Date;
};
const listItem = (r: ReadRow): ListItem => ({
  inburgeraarId: r.inburgeraarId,
  coachId: r.coachId,
  phase: r.phase,
  route: r.route,
  doelgroep: r.doelgroep,
  paused: r.paused,
  overdue: r.overdue,
  nextDeadline:
    r.nextDeadlineKey && r.nextDeadlineDate
      ? { key: r.nextDeadlineKey, label: r.nextDeadlineLabel, dueDate: r.nextDeadlineDate }
      : null,
  koppelingDate: r.koppelingDate,
  intakeDate: r.intakeDate,
  pipDate: r.pipDate,
  updatedAt: r.updatedAt.toISOString(),
});

const SORT_COLUMNS: Record<SortField, string> = {
  nextDeadline: 'nextDeadlineDate',
  koppelingDate: 'koppelingDate',
  phase: 'phase',
  route: 'route',
  coachId: 'coachId',
  updatedAt: 'updatedAt',
};
const NULLABLE_SORT = new Set(['nextDeadlineDate', 'koppelingDate', 'route']);

function readModelWhere(filter: ListFilter) {
  return {
    ...(filter.coachId ? { coachId: filter.coachId } : {}),
    ...(filter.phase ? { phase: filter.phase } : {}),
    ...(filter.route ? { route: filter.route } : {}),
    ...(filter.overdue !== undefined ? { overdue: filter.overdue } : {}),
    ...(filter.dueOnOrBefore ? { nextDeadlineDate: { not: null, lte: filter.dueOnOrBefore } } : {}),
    ...(filter.inburgeraarIds ? { inburgeraarId: { in: filter.inburgeraarIds } } : {}),
  };
}

/** Longer than any request may take (an update waits for its activities), shorter than a client's patience. */
const STALE_CLAIM_MS = 5 * 60_000;

/** "Last used" is for the admin's key list, not an audit trail: one write a minute per key is enough. */
const LAST_USED_RESOLUTION_MS = 60_000;

export class PrismaIdempotencyStore implements IdempotencyStore {
  constructor(private readonly db: Db) {}

  async begin(
    userId: string,
    key: string,
    fingerprint: string,
    request: { method: string; path: string },
  ): Promise<IdempotencyBegin> {
    try {
      await this.db.idempotencyRecord.create({
        data: { userId, key, requestHash: fingerprint, method: request.method, path: request.path },
      });
      return { state: 'new' };
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
    }
    const found = await this.db.idempotencyRecord.findUnique({ where: { userId_key: { userId, key } } });
    // Released between our insert and this read: treat as still running, the client retries.
    if (!found) return { state: 'pending', fingerprint };
    if (found.statusCode === null) {
      // A claim whose process died mid-request would block the key forever: after a while, and only
      // for the same request, a retry takes it over. The update is the compare-and-set: of two
      // concurrent retries only one still finds the claim old.
      if (found.requestHash === fingerprint) {
        const taken = await this.db.idempotencyRecord.updateMany({
          where: { id: found.id, statusCode: null, createdAt: { lt: new Date(Date.now() - STALE_CLAIM_MS) } },
          data: { createdAt: new Date() },
        });
        if (taken.count === 1) return { state: 'new' };
      }
      return { state: 'pending', fingerprint: found.requestHash };
    }
    return {
      state: 'done',
      fingerprint: found.requestHash,
      status: found.statusCode,
      body: parseJson(found.responseBody),
    };
  }

  async complete(userId: string, key: string, status: number, body: unknown): Promise<void> {
    await this.db.idempotencyRecord.update({
      where: { userId_key: { userId, key } },
      data: { statusCode: status, responseBody: JSON.stringify(body ?? null) },
    });
  }

  async release(userId: string, key: string): Promise<void> {
    await this.db.idempotencyRecord.deleteMany({ where: { userId, key, statusCode: null } });
  }
}

export function createPrismaStore(db: Db): ApiStore {
  const store: ApiStore = {
    idempotency: new PrismaIdempotencyStore(db),

    async findPrincipalByKeyHash(hash): Promise<Principal | undefined> {
      const key = await db.apiKey.findUnique({ where: { keyHash: hash }, include: { user: true } });
      if (!key || key.revokedAt || !key.user.active) return undefined;
      const role = roleSchema.safeParse(key.user.role);
      if (!role.success) return undefined;
      if (!key.lastUsedAt || key.lastUsedAt.getTime() < Date.now() - LAST_USED_RESOLUTION_MS) {
        // Best effort, not awaited: a failed "last used" write must not fail or slow the request.
        db.apiKey.update({ where: { id: key.id }, data: { lastUsedAt: new Date() } }).catch(() => undefined);
      }
      return { userId: key.user.id, role: role.data, partnerId: key.user.partnerId, via: 'api-key' };
    },
    async createUser(user) {
      try {
        return userView(
          await db.user.create({
            data: {
              ...(user.id ? { id: user.id } : {}),
              name: user.name,
              email: user.email ?? null,
              role: user.role,
              partnerId: user.partnerId ?? null,
            },
          }),
        );
      } catch (err) {
        if (isUniqueViolation(err)) return undefined;
        throw err;
      }
    },
    async listUsers() {
      return (await db.user.findMany({ orderBy: { createdAt: 'asc' } })).map(userView);
    },
    async getUser(id) {
      const u = await db.user.findUnique({ where: { id } });
      return u ? userView(u) : undefined;
    },
    async createApiKey(userId, key) {
      return keyView(
        await db.apiKey.create({
          data: { userId, keyHash: key.hash, prefix: key.prefix, label: key.label ?? null },
        }),
      );
    },
    async listApiKeys(userId) {
      return (await db.apiKey.findMany({ where: { userId }, orderBy: { createdAt: 'asc' } })).map(keyView);
    },
    async revokeApiKey(keyId) {
      const key = await db.apiKey.findUnique({ where: { id: keyId } });
      if (!key) return undefined;
      if (key.revokedAt) return keyView(key);
      return keyView(await db.apiKey.update({ where: { id: keyId }, data: { revokedAt: new Date() } }));
    },
    async createPartner(partner) {
      return partnerView(
        await db.partner.create({
          data: {
            name: partner.name,
            kind: partner.kind,
            email: partner.email ?? null,
            webhookUrl: partner.webhookUrl ?? null,
            webhookSecret: partner.webhookSecret ?? null,
          },
        }),
      );
    },
    async listPartners() {
      return (await db.partner.findMany({ orderBy: { name: 'asc' } })).map(partnerView);
    },
    async getPartner(id) {
      const p = await db.partner.findUnique({ where: { id } });
      return p ? partnerView(p) : undefined;
    },

    async findPerson({ koppelingRef, bsnHash }) {
      const p = await db.inburgeraar.findFirst({
        where: { OR: [{ koppelingRef }, { persoonsgegevens: { bsnHash } }] },
      });
      return p ? personRecord(p) : undefined;
    },
    async createPerson(person) {
      try {
        const created = await db.inburgeraar.create({
          data: {
            id: person.inburgeraarId,
            workflowId: person.workflowId,
            koppelingRef: person.koppelingRef,
            coachId: person.coachId,
            doelgroep: person.doelgroep,
            gemeenteCode: person.gemeenteCode ?? null,
            persoonsgegevens: {
              create: {
                bsnHash: person.bsnHash,
                bsnCiphertext: person.bsnEncrypted,
                voornaam: person.persoon.voornaam,
                achternaam: person.persoon.achternaam,
                geboortedatum: person.persoon.geboortedatum ?? null,
                email: person.persoon.email ?? null,
                telefoon: person.persoon.telefoon ?? null,
                adres: person.persoon.adres ?? null,
              },
            },
          },
        });
        return { created: true, person: personRecord(created) };
      } catch (err) {
        // The unique koppelingRef / bsnHash: a concurrent koppeling for the same person won the race.
        if (!isUniqueViolation(err)) throw err;
        const existing = await store.findPerson({
          koppelingRef: person.koppelingRef,
          bsnHash: person.bsnHash,
        });
        if (!existing) throw err;
        return { created: false, person: existing };
      }
    },
    async getPerson(inburgeraarId) {
      const p = await db.inburgeraar.findUnique({ where: { id: inburgeraarId } });
      return p ? personRecord(p) : undefined;
    },
    async getPersonalData(inburgeraarId) {
      const p = await db.persoonsgegevens.findUnique({ where: { inburgeraarId } });
      if (!p) return undefined;
      return {
        voornaam: p.voornaam,
        achternaam: p.achternaam,
        geboortedatum: p.geboortedatum ?? undefined,
        email: p.email ?? undefined,
        telefoon: p.telefoon ?? undefined,
        adres: p.adres ?? undefined,
      };
    },
    async setCoach(inburgeraarId, coachId) {
      await db.inburgeraar.updateMany({ where: { id: inburgeraarId }, data: { coachId } });
    },
    async referredPartnerIds(inburgeraarId) {
      const rows = await db.referral.findMany({ where: { inburgeraarId }, select: { partnerId: true } });
      return [...new Set(rows.map((r) => r.partnerId))];
    },
    async referralsOf(partnerId) {
      const rows = await db.referral.findMany({ where: { partnerId }, select: { inburgeraarId: true } });
      return [...new Set(rows.map((r) => r.inburgeraarId))];
    },

    async audit(entry) {
      await db.auditEvent.create({
        data: {
          occurredAt: new Date(),
          // The user id alone, like the workflow's events (activities/read-model.ts); the role goes in details.
          actor: entry.actorId,
          action: entry.action,
          inburgeraarId: entry.inburgeraarId ?? null,
          details: JSON.stringify({ ...(entry.details ?? {}), actorRole: entry.actorRole }),
        },
      });
    },
    async timeline(inburgeraarId) {
      const [events, notifications] = await Promise.all([
        db.auditEvent.findMany({ where: { inburgeraarId }, orderBy: [{ occurredAt: 'asc' }, { id: 'asc' }] }),
        db.notificationOutbox.findMany({ where: { inburgeraarId }, orderBy: { createdAt: 'asc' } }),
      ]);
      const entries: TimelineEntry[] = [
        ...events.map((e) => ({
          at: e.occurredAt.toISOString(),
          kind: 'event' as const,
          type: e.action,
          actorId: e.actor,
          details: parseJson(e.details),
        })),
        ...notifications.map((n) => ({
          at: (n.sentAt ?? n.createdAt).toISOString(),
          kind: 'notification' as const,
          type: n.template,
          actorId: null,
          // Subject and body may name the coach; the timeline shows what was sent, to whom (role), when.
          details: {
            channel: n.channel,
            audience: n.audience,
            status: n.status,
            deadlineKey: n.deadlineKey,
            dueDate: n.dueDate,
            subject: n.subject,
            sentAt: iso(n.sentAt),
          },
        })),
      ];
      return entries.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
    },

    async listTrajectories(filter, sort, page) {
      const where = readModelWhere(filter);
      const column = SORT_COLUMNS[sort.field];
      const primary = NULLABLE_SORT.has(column)
        ? { [column]: { sort: sort.order, nulls: 'last' } }
        : { [column]: sort.order };
      const [rows, total] = await Promise.all([
        db.trajectoryReadModel.findMany({
          where,
          // The id as tie-breaker keeps pages stable when many rows share a date.
          orderBy: [primary, { inburgeraarId: 'asc' }] as never,
          skip: (page.page - 1) * page.pageSize,
          take: page.pageSize,
        }),
        db.trajectoryReadModel.count({ where }),
      ]);
      return { items: rows.map(listItem), total };
    },
    async allTrajectories(filter) {
      return (await db.trajectoryReadModel.findMany({ where: readModelWhere(filter) })).map(listItem);
    },
    async deadlines(filter) {
      const rows = await db.deadlineReadModel.findMany({
        where: { trajectory: readModelWhere(filter), kind: 'DEADLINE' },
      });
      return rows.map((d) => ({
        inburgeraarId: d.inburgeraarId,
        key: d.key,
        dueDate: d.dueDate,
        status: d.status,
        fulfilledDate: d.metOn,
      }));
    },
    async ping() {
      await db.$queryRawUnsafe('SELECT 1');
    },
  };
  return store;
}
