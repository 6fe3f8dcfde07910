/**
 * The first start of the embedded default (development, no identity provider) also creates one
 * coach and one manager, so the browser path works right away: open /werk, pick a user in the
 * development sign-in. Only on the first start (the database had no users), never in production
 * and never with an identity provider (there the users come from the gemeente's accounts).
 */
import type { Config } from '../../config/config';
import { devSignInEnabled } from '../auth/sign-in';
import type { AuditLog } from '../../application/ports';
import type { UserStore, UserView } from '../store/users';

export const DEV_USERS = [
  { id: 'sanne', name: 'Sanne de Coach', role: 'coach' },
  { id: 'mo', name: 'Mo de Manager', role: 'manager' },
] as const;

export async function createDevUsers(
  deps: { users: UserStore; audit: AuditLog },
  config: Config,
): Promise<UserView[]> {
  if (!devSignInEnabled(config)) return [];
  const created: UserView[] = [];
  for (const u of DEV_USERS) {
    const user = await deps.users.createUser({ ...u, email: `${u.id}@gemeente.example` });
    if (!user) continue;
    created.push(user);
    await deps.audit.record({
      actorId: 'bootstrap',
      actorRole: 'system',
      action: 'USER_CREATED',
      details: { userId: user.id, role: user.role },
    });
  }
  return created;
}
