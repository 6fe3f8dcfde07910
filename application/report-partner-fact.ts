/**
 * A partner reports a fact (lesson hours, an exam result) for someone referred to it. It travels
 * as a Temporal signal: the workflow applies what its rules accept and records a refused fact in
 * the audit trail, so the partner's system never has to handle a rule refusal.
 */
import { isEnded } from '../domain/types';
import { actorIdOf, assertMaySee } from './access';
import { NotFoundError, RefusedError } from './errors';
import { parseInput } from './parse';
import { isPartnerFactKind, PARTNER_FACTS } from './partner-facts';
import type { Actor, AuditLog, FactReporter, ReferralLookup, TrajectoryReader } from './ports';

export interface ReportPartnerFactDeps {
  trajectories: TrajectoryReader & FactReporter;
  partners: ReferralLookup;
  audit: AuditLog;
}

export async function reportPartnerFact(
  deps: ReportPartnerFactDeps,
  actor: Actor,
  inburgeraarId: string,
  kind: string,
  rawInput: unknown,
): Promise<void> {
  if (!isPartnerFactKind(kind)) throw new NotFoundError(`report kind ${kind}`);
  const body = rawInput && typeof rawInput === 'object' ? (rawInput as object) : {};
  // Who reports is whoever is authenticated, never what the body claims.
  const input = parseInput(PARTNER_FACTS[kind].schema, {
    ...body,
    partnerId: actor.partnerId ?? undefined,
    actorId: actorIdOf(actor),
  });
  const state = await deps.trajectories.state(inburgeraarId);
  assertMaySee(actor, state, await deps.partners.referredPartnerIds(inburgeraarId));
  if (isEnded(state.phase))
    throw new RefusedError('TRAJECTORY_ENDED', `het traject is beëindigd (${state.phase})`);
  await deps.trajectories.report(inburgeraarId, kind, input);
  await deps.audit.record({
    actorId: actor.userId,
    actorRole: actor.role,
    action: 'PARTNER_REPORT',
    inburgeraarId,
    details: { soort: kind, partnerId: actor.partnerId },
  });
}
