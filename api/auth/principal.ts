/**
 * Who is calling. Built by the authenticator from an API key (a User row) or an OIDC token, and
 * passed to every route handler. Holds ids only, never a name or e-mail address, so it can be
 * logged as-is.
 */
import { z } from 'zod';

export const roles = ['coa', 'coach', 'manager', 'partner', 'admin'] as const;
export const roleSchema = z.enum(roles);
export type Role = z.infer<typeof roleSchema>;

export interface Principal {
  /** User id (API key) or the token's `sub` (OIDC). For a coach this is the coachId in the workflow. */
  userId: string;
  role: Role;
  /** Set for role `partner`: the Partner whose referred people this caller may see. */
  partnerId: string | null;
  /** `session`: a signed-in browser of the web pages (api/auth/session.ts). */
  via: 'api-key' | 'oidc' | 'session';
}

/** Role groups used by the route table, named after what they may do (not who they are). */
export const ROLE_GROUPS = {
  /**
   * Read one person's trajectory; coach and partner get an extra per-person check. Not admin: a
   * technical administrator has no need to see anyone's trajectory (AVG data minimisation).
   */
  readPerson: ['coach', 'manager', 'partner'],
  /** The timeline holds reasons and notifications meant for the gemeente: not for partners. */
  timeline: ['coach', 'manager'],
  /** Register a koppeling. */
  koppeling: ['coa', 'manager', 'admin'],
  /** Coach actions on a trajectory (coach: own caseload only). */
  act: ['coach', 'manager'],
  /** Caseload list: a coach sees their own caseload, a partner its referrals, a manager everyone. */
  lists: ['coach', 'manager', 'partner'],
  /** Aggregates without personal data. */
  monitoring: ['manager', 'admin'],
  reassign: ['manager'],
  /** The person's rights (export, correction) and the retention schedule. */
  privacy: ['manager'],
  admin: ['admin'],
} as const satisfies Record<string, readonly Role[]>;
