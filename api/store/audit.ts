/**
 * The audit trail as the API writes it (reads of a person, koppelingen, admin changes; the
 * workflow's activity writes the trajectory's own events), and a person's timeline: audit events
 * plus the notifications of the outbox, oldest first.
 */
import type { AuditEntry, AuditLog } from '../../application/ports';
import { appendAuditEventsNow, type AuditRowInput } from '../../activities/audit-chain';
import type { Db } from '../../prisma/db';
import { iso, parseJson } from './util';

export interface TimelineEntry {
  at: string;
  kind: 'event' | 'notification';
  type: string;
  actorId: string | null;
  details: unknown;
}

export interface AuditStore extends AuditLog {
  timeline(inburgeraarId: string): Promise<TimelineEntry[]>;
}

/** An API audit entry as a row of the hash chain (activities/audit-chain.ts), stamped now. */
export function auditRowOf(entry: AuditEntry): AuditRowInput {
  return {
    occurredAt: new Date(),
    // The user id alone, like the workflow's events (activities/read-model.ts); the role goes in details.
    actor: entry.actorId,
    action: entry.action,
    inburgeraarId: entry.inburgeraarId ?? null,
    details: { ...(entry.details ?? {}), actorRole: entry.actorRole },
  };
}

export function prismaAuditStore(db: Db): AuditStore {
  return {
    async record(entry) {
      // Appended to the hash chain, like the workflow's events.
      await appendAuditEventsNow(db, [auditRowOf(entry)]);
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
  };
}
