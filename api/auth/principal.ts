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
  via: 'api-key' | 'oidc';
}

/** Role groups used by the route table, named after what they may do (not who they are). */
export const ROLE_GROUPS = {
  /** Read one person's trajectory; coach and partner get an extra per-person check. */
  readPerson: ['coach', 'manager', 'partner', 'admin'],
  /** Register a koppeling. */
  koppeling: ['coa', 'manager', 'admin'],
  /** Coach actions on a trajectory (coach: own caseload only). */
  act: ['coach', 'manager'],
  /** Caseload lists, counts and KPIs. Coaches see their own caseload in the list. */
  lists: ['coach', 'manager', 'admin'],
  monitoring: ['manager', 'admin'],
  reassign: ['manager'],
  admin: ['admin'],
} as const satisfies Record<string, readonly Role[]>;
