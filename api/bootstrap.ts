/**
 * The first admin. An empty database has no user who could create users, so the first start creates
 * one admin with one API key and prints the key once (it is stored hashed, like every key).
 */
import type { AuditLog } from '../application/ports';
import { generateApiKey } from './auth/api-keys';
import type { UserStore } from './store/users';

export async function ensureBootstrapAdmin(deps: {
  users: UserStore;
  audit: AuditLog;
}): Promise<{ userId: string; key: string } | undefined> {
  const { users, audit } = deps;
  if ((await users.listUsers()).length > 0) return undefined;
  const admin = await users.createUser({ name: 'Beheerder', role: 'admin' });
  if (!admin) return undefined; // a new uuid cannot collide; keeps the type honest
  const issued = generateApiKey();
  await users.createApiKey(admin.id, { hash: issued.hash, prefix: issued.prefix, label: 'bootstrap' });
  await audit.record({
    actorId: 'bootstrap',
    actorRole: 'system',
    action: 'USER_CREATED',
    details: { userId: admin.id, role: 'admin' },
  });
  return { userId: admin.id, key: issued.plaintext };
}
