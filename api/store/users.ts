/**
 * Users and their API keys (the admin's routes), and the key lookup of every request (auth). A key
 * is stored only as its SHA-256 hash.
 */
import type { UserLookup } from '../../application/ports';
import { directQuery, isUniqueViolation, Prisma, type Db } from '../../prisma/db';
import { roleSchema, type Principal, type Role } from '../auth/principal';
import { iso } from './util';

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

export interface NewUser {
  /** Default: a new uuid. Set it to the OIDC `sub` for users who log in with tokens. */
  id?: string | undefined;
  name: string;
  email?: string | undefined;
  role: Role;
  partnerId?: string | undefined;
}

/** What the authenticator needs: the active (not revoked) key with this hash, and its user. */
export interface PrincipalLookup {
  findPrincipalByKeyHash(hash: string): Promise<Principal | undefined>;
}

export interface UserStore extends UserLookup {
  /** Undefined when the id is taken. */
  createUser(user: NewUser): Promise<UserView | undefined>;
  listUsers(): Promise<UserView[]>;
  getUser(id: string): Promise<UserView | undefined>;
  createApiKey(
    userId: string,
    key: { hash: string; prefix: string; label?: string | undefined },
  ): Promise<ApiKeyView>;
  listApiKeys(userId: string): Promise<ApiKeyView[]>;
  /** Undefined when no such key; revoking twice keeps the first revocation time. */
  revokeApiKey(keyId: string): Promise<ApiKeyView | undefined>;
}

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

/** "Last used" is for the admin's key list, not an audit trail: one write a minute per key is enough. */
const LAST_USED_RESOLUTION_MS = 60_000;

export function prismaUserStore(db: Db): UserStore & PrincipalLookup {
  return {
    async findPrincipalByKeyHash(hash) {
      // Every request with an API key asks this: one raw statement past Prisma's query engine
      // (prisma/direct.ts says why), typed by its columns (Date, boolean) as $queryRaw would.
      const [key] = await directQuery<{
        id: string;
        lastUsedAt: Date | null;
        revokedAt: Date | null;
        userId: string;
        role: string;
        partnerId: string | null;
        active: boolean;
      }>(
        db,
        Prisma.sql`SELECT k."id", k."lastUsedAt", k."revokedAt", u."id" AS "userId", u."role", u."partnerId", u."active"
        FROM "ApiKey" k JOIN "User" u ON u."id" = k."userId"
        WHERE k."keyHash" = ${hash}`,
      );
      if (!key || key.revokedAt || !key.active) return undefined;
      const role = roleSchema.safeParse(key.role);
      if (!role.success) return undefined;
      if (!key.lastUsedAt || key.lastUsedAt.getTime() < Date.now() - LAST_USED_RESOLUTION_MS) {
        // Best effort, not awaited: a failed "last used" write must not fail or slow the request.
        db.apiKey.update({ where: { id: key.id }, data: { lastUsedAt: new Date() } }).catch(() => undefined);
      }
      return { userId: key.userId, role: role.data, partnerId: key.partnerId, via: 'api-key' };
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
      // Asked for the coach of every koppeling: one raw statement past Prisma's query engine
      // (prisma/direct.ts says why).
      const [u] = await directQuery<Parameters<typeof userView>[0]>(
        db,
        Prisma.sql`SELECT "id", "name", "email", "role", "partnerId", "active", "createdAt" FROM "User" WHERE "id" = ${id}`,
      );
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
  };
}
