/**
 * The right of access (AVG art. 15): everything stored about one person, gathered into one export.
 * Used by GET /api/inburgeraars/:id/inzage (JSON) and .../inzage.html (a readable page in Dutch,
 * ./inzage-html.ts), for managers only.
 *
 * What it holds, and where it comes from:
 *  - person: Persoonsgegevens, the BSN decrypted (it is the person's own number);
 *  - koppeling: the Inburgeraar row (reference, doelgroep, gemeente, coach);
 *  - trajectory: the workflow's full state from Temporal (query `getState`), or, once Temporal no
 *    longer keeps the closed workflow, the last snapshot of the read model;
 *  - deadlines: the read model's deadline rows;
 *  - auditTrail: every audit row about the person (also who read their data, and when);
 *  - notifications: every message about them (outbox: to which role, subject, text, status);
 *  - recipients: the partner organisations that received their data (art. 15 lid 1 onder c);
 *  - retention: how long all of this is kept (domain/retention.ts).
 * This file reads the tables itself (application service of the privacy routes).
 */
import { ServiceError } from '@temporalio/client';
import { retentionDate } from '../../domain/retention';
import type { TrajectoryState } from '../../domain/types';
import { retentionPolicyOf } from '../../worker/schedules';
import type { AppDeps } from '../deps';
import { notFound } from '../http/errors';
import { bsnKeyring } from '../persons/bsn';
import { NotFoundError } from '../../application/errors';

const parseJson = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
};
const iso = (d: Date | null | undefined): string | null => (d ? d.toISOString() : null);

export interface InzageExport {
  generatedAt: string;
  generatedBy: string;
  gemeente: string;
  inburgeraarId: string;
  workflowId: string;
  person: {
    bsn: string | null;
    voornaam: string;
    achternaam: string;
    geboortedatum: string | null;
    email: string | null;
    telefoon: string | null;
    adres: string | null;
    updatedAt: string;
  } | null;
  koppeling: {
    koppelingRef: string;
    doelgroep: string;
    gemeenteCode: string | null;
    coachId: string;
    registeredAt: string;
  };
  trajectory: {
    /** temporal: the live workflow state; readModel: the last snapshot (Temporal keeps closed workflows only for a while). */
    source: 'temporal' | 'readModel' | 'none';
    state: TrajectoryState | null;
    summary: unknown;
  };
  deadlines: {
    key: string;
    label: string | null;
    dueDate: string;
    status: string;
    metOn: string | null;
    legalSource: string;
  }[];
  auditTrail: { at: string; actor: string; action: string; details: unknown; anonymised: boolean }[];
  notifications: {
    at: string;
    template: string;
    kind: string;
    channel: string;
    audience: string;
    status: string;
    subject: string;
    body: string;
    sentAt: string | null;
  }[];
  recipients: { partnerId: string; name: string; kind: string; purpose: string; since: string }[];
  retention: { yearsAfterEnd: number; endedDate: string | null; removalDate: string | null };
}

async function workflowState(deps: AppDeps, inburgeraarId: string): Promise<TrajectoryState | null> {
  try {
    // Through the trajectories port: a person whose start is still pending gets it started first.
    return await deps.trajectories.state(inburgeraarId);
  } catch (err) {
    if (err instanceof NotFoundError) return null;
    // A run closed before its first workflow task (terminated at once) has no state to query.
    if (err instanceof ServiceError && (err.cause as { code?: number } | undefined)?.code === 9) return null;
    throw err;
  }
}

export async function buildInzage(
  deps: AppDeps,
  inburgeraarId: string,
  requestedBy: string,
): Promise<InzageExport> {
  const { db } = deps;
  const person = await db.inburgeraar.findUnique({
    where: { id: inburgeraarId },
    include: { persoonsgegevens: true },
  });
  if (!person) throw notFound('inburgeraar');
  const [readModel, deadlines, audit, outbox, referrals, state] = await Promise.all([
    db.trajectoryReadModel.findUnique({ where: { inburgeraarId } }),
    db.deadlineReadModel.findMany({ where: { inburgeraarId }, orderBy: { dueDate: 'asc' } }),
    db.auditEvent.findMany({ where: { inburgeraarId }, orderBy: [{ occurredAt: 'asc' }, { id: 'asc' }] }),
    db.notificationOutbox.findMany({ where: { inburgeraarId }, orderBy: { createdAt: 'asc' } }),
    db.referral.findMany({
      where: { inburgeraarId },
      include: { partner: true },
      orderBy: { createdAt: 'asc' },
    }),
    workflowState(deps, inburgeraarId),
  ]);
  const pg = person.persoonsgegevens;
  const policy = retentionPolicyOf(deps.config);
  const endedDate = readModel?.endedDate ?? state?.ended?.date ?? null;
  const keyring = bsnKeyring(deps.config);
  return {
    generatedAt: new Date().toISOString(),
    generatedBy: requestedBy,
    gemeente: deps.config.GEMEENTE_NAAM,
    inburgeraarId,
    workflowId: person.workflowId,
    person: pg
      ? {
          bsn: keyring.has(pg.bsnKeyId) ? keyring.decrypt(pg.bsnCiphertext, pg.bsnKeyId) : null,
          voornaam: pg.voornaam,
          achternaam: pg.achternaam,
          geboortedatum: pg.geboortedatum,
          email: pg.email,
          telefoon: pg.telefoon,
          adres: pg.adres,
          updatedAt: pg.updatedAt.toISOString(),
        }
      : null,
    koppeling: {
      koppelingRef: person.koppelingRef,
      doelgroep: person.doelgroep,
      gemeenteCode: person.gemeenteCode,
      coachId: person.coachId,
      registeredAt: person.createdAt.toISOString(),
    },
    trajectory: {
      source: state ? 'temporal' : readModel ? 'readModel' : 'none',
      state,
      summary: readModel ? parseJson(readModel.summary) : null,
    },
    deadlines: deadlines.map((d) => ({
      key: d.key,
      label: d.label,
      dueDate: d.dueDate,
      status: d.status,
      metOn: d.metOn,
      legalSource: d.legalSource,
    })),
    auditTrail: audit.map((e) => ({
      at: e.occurredAt.toISOString(),
      actor: e.actor,
      action: e.action,
      details: parseJson(e.details),
      anonymised: Boolean(e.anonymisedAt),
    })),
    notifications: outbox.map((n) => ({
      at: n.createdAt.toISOString(),
      template: n.template,
      kind: n.kind,
      channel: n.channel,
      audience: n.audience,
      status: n.status,
      subject: n.subject,
      body: n.body,
      sentAt: iso(n.sentAt),
    })),
    recipients: referrals.map((r) => ({
      partnerId: r.partnerId,
      name: r.partner.name,
      kind: r.partner.kind,
      purpose: r.purpose,
      since: r.createdAt.toISOString(),
    })),
    retention: {
      yearsAfterEnd: policy.retentionYearsAfterEnd,
      endedDate,
      removalDate: endedDate ? retentionDate(endedDate, policy) : null,
    },
  };
}
