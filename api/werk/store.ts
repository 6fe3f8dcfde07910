/**
 * The reads the web pages need beside the API's own store (api/store.ts): names next to the read
 * model, people by BSN hash, the notifications with the reason they were held or failed, and the
 * coach list. Kept in its own file so the pages' queries do not change the shared store interface;
 * like api/prisma-store.ts it is the only place that knows these table names for this purpose.
 */
import type { Db, Prisma } from '../../prisma/db';

export interface PersonName {
  voornaam: string;
  achternaam: string;
}

export interface OverdueDeadline {
  key: string;
  label: string | null;
  dueDate: string;
  source: string;
}

export interface CaseloadRow {
  inburgeraarId: string;
  coachId: string;
  phase: string;
  route: string | null;
  paused: boolean;
  overdue: boolean;
  nextDeadline: { key: string; label: string | null; dueDate: string } | null;
  overdueDeadlines: OverdueDeadline[];
  /** What the page sorts by after "overdue first" (TrajectoryReadModel.caseloadDue). */
  caseloadDue: string;
  naam: PersonName | null;
}

export interface CaseloadFilter {
  coachId?: string | undefined;
  overdue?: boolean | undefined;
  phase?: string | undefined;
  route?: string | undefined;
  /** Only these people (a search by name or BSN found them). */
  inburgeraarIds?: readonly string[] | undefined;
}

export interface NotificationRow {
  id: string;
  inburgeraarId: string | null;
  at: string;
  template: string;
  channel: string;
  audience: string;
  status: string;
  /** Why it was held or failed (no address, no SMTP, the server's answer without addresses). */
  reason: string | null;
  deadlineKey: string | null;
  dueDate: string | null;
  attempts: number;
}

export interface WerkStore {
  coaches(): Promise<{ id: string; name: string }[]>;
  usersByIds(ids: string[]): Promise<Map<string, { name: string; role: string }>>;
  names(inburgeraarIds: string[]): Promise<Map<string, PersonName>>;
  /** The person with one of these BSN hashes (one per configured BSN key, during a rotation). */
  personByBsnHash(bsnHashes: string[]): Promise<string | undefined>;
  /** The coach of each of these trajectories (read model). */
  coachesOf(inburgeraarIds: string[]): Promise<Map<string, string>>;
  /**
   * One page of the caseload in its order: overdue first, then by the oldest overdue deadline or
   * else the next deadline (caseloadDue), then by name (achternaam voornaam, Dutch collation; the
   * id when no name is stored). The database pages (index range on overdue + caseloadDue); only
   * the people who share a sort date at the page's edges are ordered by name here.
   */
  caseloadPage(
    filter: CaseloadFilter,
    page: { page: number; pageSize: number },
  ): Promise<{ rows: CaseloadRow[]; total: number }>;
  /**
   * The ids of the people whose name matches (voornaam + achternaam). Reads every name: a search
   * by name costs what the register holds (see api/README.md).
   */
  idsWhereName(matches: (name: string) => boolean): Promise<string[]>;
  notifications(inburgeraarId: string): Promise<NotificationRow[]>;
  /** Held or failed notifications of every trajectory (or of one coach's people), newest first. */
  notificationProblems(filter: {
    inburgeraarIds?: string[] | undefined;
    limit: number;
  }): Promise<NotificationRow[]>;
}

type SortKey = { overdue: boolean; caseloadDue: string };

/** Keys before `k` in the page's order (overdue first, then caseloadDue ascending). */
function keysBefore(k: SortKey): Prisma.TrajectoryReadModelWhereInput {
  return k.overdue
    ? { overdue: true, caseloadDue: { lt: k.caseloadDue } }
    : { OR: [{ overdue: true }, { overdue: false, caseloadDue: { lt: k.caseloadDue } }] };
}

/** Keys from `a` to `b` (inclusive, a not after b) in the page's order. */
function keysFromTo(a: SortKey, b: SortKey): Prisma.TrajectoryReadModelWhereInput {
  if (a.overdue === b.overdue)
    return { overdue: a.overdue, caseloadDue: { gte: a.caseloadDue, lte: b.caseloadDue } };
  return {
    OR: [
      { overdue: true, caseloadDue: { gte: a.caseloadDue } },
      { overdue: false, caseloadDue: { lte: b.caseloadDue } },
    ],
  };
}

function caseloadWhere(filter: CaseloadFilter): Prisma.TrajectoryReadModelWhereInput {
  return {
    ...(filter.coachId ? { coachId: filter.coachId } : {}),
    ...(filter.overdue !== undefined ? { overdue: filter.overdue } : {}),
    ...(filter.phase ? { phase: filter.phase } : {}),
    ...(filter.route ? { route: filter.route } : {}),
    ...(filter.inburgeraarIds ? { inburgeraarId: { in: [...filter.inburgeraarIds] } } : {}),
  };
}

/** Overdue first, then the sort date, then by name (Dutch collation; the id without a name), then the id. */
export function compareCaseload(a: CaseloadRow, b: CaseloadRow): number {
  if (a.overdue !== b.overdue) return a.overdue ? -1 : 1;
  const byDate = a.caseloadDue.localeCompare(b.caseloadDue);
  if (byDate !== 0) return byDate;
  const name = (r: CaseloadRow) => (r.naam ? `${r.naam.achternaam} ${r.naam.voornaam}` : r.inburgeraarId);
  // Last the id: people of the same name and date keep one order from page to page.
  return name(a).localeCompare(name(b), 'nl') || a.inburgeraarId.localeCompare(b.inburgeraarId);
}

export function createWerkStore(db: Db): WerkStore {
  const caseloadSelect = {
    inburgeraarId: true,
    coachId: true,
    phase: true,
    route: true,
    paused: true,
    overdue: true,
    caseloadDue: true,
    nextDeadlineKey: true,
    nextDeadlineLabel: true,
    nextDeadlineDate: true,
    // Every deadline of the few rows of a page, filtered below: asked with its filter, the
    // database may pick the figures' (kind, metOn, status) index and read every missed deadline.
    deadlines: {
      select: {
        key: true,
        label: true,
        dueDate: true,
        legalSource: true,
        kind: true,
        status: true,
        metOn: true,
      },
    },
  } satisfies Prisma.TrajectoryReadModelSelect;
  type Selected = Prisma.TrajectoryReadModelGetPayload<{ select: typeof caseloadSelect }>;
  const names = async (inburgeraarIds: string[]): Promise<Map<string, PersonName>> => {
    if (inburgeraarIds.length === 0) return new Map();
    const rows = await db.persoonsgegevens.findMany({
      where: { inburgeraarId: { in: inburgeraarIds } },
      select: { inburgeraarId: true, voornaam: true, achternaam: true },
    });
    return new Map(rows.map((r) => [r.inburgeraarId, { voornaam: r.voornaam, achternaam: r.achternaam }]));
  };
  const withNames = async (rows: Selected[]): Promise<CaseloadRow[]> => {
    const named = await names(rows.map((r) => r.inburgeraarId));
    return rows.map((r) => ({
      inburgeraarId: r.inburgeraarId,
      coachId: r.coachId,
      phase: r.phase,
      route: r.route,
      paused: r.paused,
      overdue: r.overdue,
      nextDeadline: r.nextDeadlineKey
        ? { key: r.nextDeadlineKey, label: r.nextDeadlineLabel, dueDate: r.nextDeadlineDate ?? '' }
        : null,
      overdueDeadlines: r.deadlines
        .filter((d) => d.kind === 'DEADLINE' && d.status === 'missed' && d.metOn === null)
        .map((d) => ({ key: d.key, label: d.label, dueDate: d.dueDate, source: d.legalSource }))
        .sort((x, y) => x.dueDate.localeCompare(y.dueDate)),
      caseloadDue: r.caseloadDue,
      naam: named.get(r.inburgeraarId) ?? null,
    }));
  };

  const notificationRow = (n: {
    id: string;
    inburgeraarId: string | null;
    createdAt: Date;
    sentAt: Date | null;
    template: string;
    channel: string;
    audience: string;
    status: string;
    lastError: string | null;
    deadlineKey: string | null;
    dueDate: string | null;
    attempts: number;
  }): NotificationRow => ({
    id: n.id,
    inburgeraarId: n.inburgeraarId,
    at: (n.sentAt ?? n.createdAt).toISOString(),
    template: n.template,
    channel: n.channel,
    audience: n.audience,
    status: n.status,
    reason: n.status === 'held' || n.status === 'failed' ? n.lastError : null,
    deadlineKey: n.deadlineKey,
    dueDate: n.dueDate,
    attempts: n.attempts,
  });
  const outboxSelect = {
    id: true,
    inburgeraarId: true,
    createdAt: true,
    sentAt: true,
    template: true,
    channel: true,
    audience: true,
    status: true,
    lastError: true,
    deadlineKey: true,
    dueDate: true,
    attempts: true,
  } as const;

  return {
    async coaches() {
      const rows = await db.user.findMany({
        where: { role: 'coach', active: true },
        select: { id: true, name: true },
        orderBy: [{ name: 'asc' }, { id: 'asc' }],
      });
      return rows;
    },
    async usersByIds(ids) {
      const unique = [...new Set(ids)];
      if (unique.length === 0) return new Map();
      const rows = await db.user.findMany({
        where: { id: { in: unique } },
        select: { id: true, name: true, role: true },
      });
      return new Map(rows.map((r) => [r.id, { name: r.name, role: r.role }]));
    },
    names,
    async personByBsnHash(bsnHashes) {
      const row = await db.persoonsgegevens.findFirst({
        where: { bsnHash: { in: bsnHashes } },
        select: { inburgeraarId: true },
      });
      return row?.inburgeraarId;
    },
    async coachesOf(inburgeraarIds) {
      if (inburgeraarIds.length === 0) return new Map();
      const rows = await db.trajectoryReadModel.findMany({
        where: { inburgeraarId: { in: inburgeraarIds } },
        select: { inburgeraarId: true, coachId: true },
      });
      return new Map(rows.map((r) => [r.inburgeraarId, r.coachId]));
    },
    async caseloadPage(filter, { page, pageSize }) {
      const where = caseloadWhere(filter);
      const start = (page - 1) * pageSize;
      const total = await db.trajectoryReadModel.count({ where });
      if (start >= total) return { rows: [], total };
      // The sort keys of the page's rows, straight from the index (ties in any order).
      const keys = await db.trajectoryReadModel.findMany({
        where,
        select: { overdue: true, caseloadDue: true },
        orderBy: [{ overdue: 'desc' }, { caseloadDue: 'asc' }],
        skip: start,
        take: pageSize,
      });
      const first = keys[0]!;
      const last = keys.at(-1)!;
      // Everyone with a key from the first to the last on the page (the page's rows plus the rest
      // of the two edge groups), and how many come before that range.
      const [before, window] = await Promise.all([
        db.trajectoryReadModel.count({ where: { AND: [where, keysBefore(first)] } }),
        db.trajectoryReadModel.findMany({
          where: { AND: [where, keysFromTo(first, last)] },
          select: caseloadSelect,
        }),
      ]);
      const rows = await withNames(window);
      const from = start - before;
      return { rows: rows.sort(compareCaseload).slice(from, from + pageSize), total };
    },
    async idsWhereName(matches) {
      const ids: string[] = [];
      // In pages by id, so memory stays small however many people are registered.
      let cursor: string | undefined;
      for (;;) {
        const batch = await db.persoonsgegevens.findMany({
          select: { inburgeraarId: true, voornaam: true, achternaam: true },
          orderBy: { inburgeraarId: 'asc' },
          take: 5000,
          ...(cursor ? { cursor: { inburgeraarId: cursor }, skip: 1 } : {}),
        });
        for (const p of batch) if (matches(`${p.voornaam} ${p.achternaam}`)) ids.push(p.inburgeraarId);
        if (batch.length < 5000) return ids;
        cursor = batch.at(-1)!.inburgeraarId;
      }
    },
    async notifications(inburgeraarId) {
      const rows = await db.notificationOutbox.findMany({
        where: { inburgeraarId },
        select: outboxSelect,
        orderBy: { createdAt: 'asc' },
      });
      return rows.map(notificationRow);
    },
    async notificationProblems({ inburgeraarIds, limit }) {
      const rows = await db.notificationOutbox.findMany({
        where: {
          status: { in: ['held', 'failed'] },
          ...(inburgeraarIds ? { inburgeraarId: { in: inburgeraarIds } } : {}),
        },
        select: outboxSelect,
        orderBy: { createdAt: 'desc' },
        take: limit,
      });
      return rows.map(notificationRow);
    },
  };
}
