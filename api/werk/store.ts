/**
 * The reads the web pages need beside the API's own store (api/store.ts): names next to the read
 * model, people by BSN hash, the notifications with the reason they were held or failed, and the
 * coach list. Kept in its own file so the pages' queries do not change the shared store interface;
 * like api/prisma-store.ts it is the only place that knows these table names for this purpose.
 */
import type { Db } from '../../prisma/db';

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
  caseload(filter: {
    coachId?: string | undefined;
    overdue?: boolean | undefined;
    phase?: string | undefined;
    route?: string | undefined;
  }): Promise<CaseloadRow[]>;
  notifications(inburgeraarId: string): Promise<NotificationRow[]>;
  /** Held or failed notifications of every trajectory (or of one coach's people), newest first. */
  notificationProblems(filter: {
    inburgeraarIds?: string[] | undefined;
    limit: number;
  }): Promise<NotificationRow[]>;
}

export function createWerkStore(db: Db): WerkStore {
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
    async names(inburgeraarIds) {
      if (inburgeraarIds.length === 0) return new Map();
      const rows = await db.persoonsgegevens.findMany({
        where: { inburgeraarId: { in: inburgeraarIds } },
        select: { inburgeraarId: true, voornaam: true, achternaam: true },
      });
      return new Map(rows.map((r) => [r.inburgeraarId, { voornaam: r.voornaam, achternaam: r.achternaam }]));
    },
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
    async caseload(filter) {
      const rows = await db.trajectoryReadModel.findMany({
        where: {
          ...(filter.coachId ? { coachId: filter.coachId } : {}),
          ...(filter.overdue !== undefined ? { overdue: filter.overdue } : {}),
          ...(filter.phase ? { phase: filter.phase } : {}),
          ...(filter.route ? { route: filter.route } : {}),
        },
        include: { deadlines: { where: { kind: 'DEADLINE', status: 'missed', metOn: null } } },
      });
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
          .map((d) => ({ key: d.key, label: d.label, dueDate: d.dueDate, source: d.legalSource }))
          .sort((a, b) => a.dueDate.localeCompare(b.dueDate)),
      }));
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
