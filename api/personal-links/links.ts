/**
 * Personal links: how an inburgeraar opens their own page (/mijn/<token>) without an account.
 *
 *  - The token is 32 random bytes from `crypto.randomBytes` (256 bits), base64url: it carries no
 *    BSN, id or date, so it reveals nothing and cannot be guessed.
 *  - Only its SHA-256 hash is stored (a token of 256 random bits needs no slow hash); the token
 *    itself is answered once, to the coach who made the link, and never logged.
 *  - A link belongs to one person, expires (PERSONAL_LINK_DAYS, a policy of the gemeente, default
 *    90 days) and can be revoked. `resolve` answers the link only when it is known, not expired and
 *    not revoked; callers show one neutral page for every other case, so nobody can tell which.
 *
 * This file is the only place that knows the PersonalLink table.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Db } from '../../prisma/db';

export const TOKEN_BYTES = 32;
/** base64url of 32 bytes: 43 characters of A-Z a-z 0-9 - _. Anything else is not a token. */
export const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export const generateToken = (): string => randomBytes(TOKEN_BYTES).toString('base64url');
export const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');

export type LinkStatus = 'active' | 'expired' | 'revoked';

export interface PersonalLinkView {
  id: string;
  inburgeraarId: string;
  createdBy: string;
  createdAt: string;
  expiresAt: string;
  revokedAt: string | null;
  revokedBy: string | null;
  lastUsedAt: string | null;
  useCount: number;
  status: LinkStatus;
}

interface Row {
  id: string;
  inburgeraarId: string;
  createdBy: string;
  createdAt: Date;
  expiresAt: Date;
  revokedAt: Date | null;
  revokedBy: string | null;
  lastUsedAt: Date | null;
  useCount: number;
}

const select = {
  id: true,
  inburgeraarId: true,
  createdBy: true,
  createdAt: true,
  expiresAt: true,
  revokedAt: true,
  revokedBy: true,
  lastUsedAt: true,
  useCount: true,
} as const;

export function statusOf(row: Pick<Row, 'revokedAt' | 'expiresAt'>, now: Date): LinkStatus {
  if (row.revokedAt) return 'revoked';
  return row.expiresAt <= now ? 'expired' : 'active';
}

function view(row: Row, now: Date): PersonalLinkView {
  return {
    id: row.id,
    inburgeraarId: row.inburgeraarId,
    createdBy: row.createdBy,
    createdAt: row.createdAt.toISOString(),
    expiresAt: row.expiresAt.toISOString(),
    revokedAt: row.revokedAt?.toISOString() ?? null,
    revokedBy: row.revokedBy,
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
    useCount: row.useCount,
    status: statusOf(row, now),
  };
}

export interface PersonalLinks {
  /** Whether the person is registered (a link belongs to a row of Inburgeraar). */
  personExists(inburgeraarId: string): Promise<boolean>;
  /** A new link; the token is in the answer only, never stored. */
  create(input: {
    inburgeraarId: string;
    createdBy: string;
    validDays: number;
    now?: Date;
  }): Promise<{ link: PersonalLinkView; token: string }>;
  list(inburgeraarId: string, now?: Date): Promise<PersonalLinkView[]>;
  get(linkId: string, now?: Date): Promise<PersonalLinkView | undefined>;
  /** Revoking twice keeps the first revocation. Undefined when no such link. */
  revoke(linkId: string, by: string, now?: Date): Promise<PersonalLinkView | undefined>;
  /**
   * The link of this token when it may be used now, counted as used; undefined when the token is
   * malformed, unknown, expired or revoked (the caller cannot and need not tell which).
   */
  use(token: string, now?: Date): Promise<PersonalLinkView | undefined>;
}

export function createPersonalLinks(db: Db): PersonalLinks {
  return {
    async personExists(inburgeraarId) {
      return (await db.inburgeraar.count({ where: { id: inburgeraarId } })) > 0;
    },
    async create({ inburgeraarId, createdBy, validDays, now = new Date() }) {
      const token = generateToken();
      const row = await db.personalLink.create({
        data: {
          inburgeraarId,
          createdBy,
          tokenHash: hashToken(token),
          createdAt: now,
          expiresAt: new Date(now.getTime() + validDays * 86_400_000),
        },
        select,
      });
      return { link: view(row, now), token };
    },
    async list(inburgeraarId, now = new Date()) {
      const rows = await db.personalLink.findMany({
        where: { inburgeraarId },
        select,
        orderBy: [{ createdAt: 'desc' }, { id: 'asc' }],
      });
      return rows.map((r) => view(r, now));
    },
    async get(linkId, now = new Date()) {
      const row = await db.personalLink.findUnique({ where: { id: linkId }, select });
      return row ? view(row, now) : undefined;
    },
    async revoke(linkId, by, now = new Date()) {
      await db.personalLink.updateMany({
        where: { id: linkId, revokedAt: null },
        data: { revokedAt: now, revokedBy: by },
      });
      const row = await db.personalLink.findUnique({ where: { id: linkId }, select });
      return row ? view(row, now) : undefined;
    },
    async use(token, now = new Date()) {
      if (!TOKEN_PATTERN.test(token)) return undefined;
      // One conditional write: only a known, unexpired, unrevoked link is counted and answered.
      const tokenHash = hashToken(token);
      const { count } = await db.personalLink.updateMany({
        where: { tokenHash, revokedAt: null, expiresAt: { gt: now } },
        data: { lastUsedAt: now, useCount: { increment: 1 } },
      });
      if (count === 0) return undefined;
      const row = await db.personalLink.findUnique({ where: { tokenHash }, select });
      return row ? view(row, now) : undefined;
    },
  };
}
