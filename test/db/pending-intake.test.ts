/**
 * The admission signal on SQLite and PostgreSQL (api/store/people.ts pendingIntake): people
 * registered since a moment whose workflow has not written its read-model row yet. Written by the
 * real read-model activity, so the raw SQL's table and column names are checked against the real
 * schema; and older registrations stop counting.
 */
import { recordTrajectoryEvent } from '../../activities/read-model';
import { prismaPersonStore } from '../../api/store/people';
import type { Db } from '../../prisma/db';
import { eventInput, newPersonId } from './fixtures';
import { openMigratedDb, providersUnderTest } from './helpers';

for (const { provider, run } of providersUnderTest('test/db/pending-intake')) {
  (run ? describe : describe.skip)(`pending intake on ${provider}`, () => {
    let db: Db;
    let close: () => Promise<void>;

    beforeAll(async () => {
      ({ db, close } = await openMigratedDb(provider, 'pendingintake'));
    });
    afterAll(async () => close?.());

    const register = async (id: string, createdAt?: Date) =>
      db.inburgeraar.create({
        data: {
          id,
          workflowId: `inburgering-${id}`,
          koppelingRef: `REF-${id}`,
          coachId: 'coach-1',
          doelgroep: 'asielstatushouder',
          ...(createdAt ? { createdAt } : {}),
        },
      });

    it('counts registrations without a read-model row since the moment, and only those', async () => {
      const people = prismaPersonStore(db);
      const since = new Date(Date.now() - 60_000);
      expect(await people.pendingIntake(since)).toBe(0);

      const ids = [newPersonId(), newPersonId(), newPersonId()];
      for (const id of ids) await register(id);
      // Registered an hour ago: outside the window, never counted.
      await register(newPersonId(), new Date(Date.now() - 3_600_000));
      expect(await people.pendingIntake(since)).toBe(3);

      await recordTrajectoryEvent(db, eventInput(ids[0]!, 1));
      expect(await people.pendingIntake(since)).toBe(2);
      await recordTrajectoryEvent(db, eventInput(ids[1]!, 1));
      await recordTrajectoryEvent(db, eventInput(ids[2]!, 1));
      expect(await people.pendingIntake(since)).toBe(0);
      // A wider window finds the old one, which never got a read-model row.
      expect(await people.pendingIntake(new Date(Date.now() - 7_200_000))).toBe(1);
    });
  });
}
