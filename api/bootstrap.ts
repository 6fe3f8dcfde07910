/**
 * The first admin. An empty database has no user who could create users, so the first start creates
 * one admin with one API key and prints the key once (it is stored hashed, like every key).
 */
import { generateApiKey } from './auth/api-keys';
import type { ApiStore } from './store';

export async function ensureBootstrapAdmin(
  store: ApiStore,
): Promise<{ userId: string; key: string } | undefined> {
  if ((await store.listUsers()).length > 0) return undefined;
  const admin = await store.createUser({ name: 'Beheerder', role: 'admin' });
  if (!admin) return undefined; // a new uuid cannot collide; keeps the type honest
  const issued = generateApiKey();
  await store.createApiKey(admin.id, { hash: issued.hash, prefix: issued.prefix, label: 'bootstrap' });
  await store.audit({
    actorId: 'bootstrap',
    actorRole: 'system',
    action: 'USER_CREATED',
    details: { userId: admin.id, role: 'admin' },
  });
  return { userId: admin.id, key: issued.plaintext };
}
