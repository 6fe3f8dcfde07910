/**
 * recordTrajectoryEvent on SQLite and PostgreSQL: the audit row is written once per
 * (workflowId, eventSeq), the read model only moves forward (an older snapshot arriving late is
 * ignored), and the deadline rows follow the newest snapshot.
 */
import { recordTrajectoryEvent } from '../../activities/read-model';
import type { Db } from '../../prisma/db';
import { eventInput, newPersonId, snapshot } from './fixtures';
import { openMigratedDb, providersUnderTest } from './helpers';

for (const { provider, run } of providersUnderTest('test/db/read-model')) {
  (run ? describe : describe.skip)(`read model on ${provider}`, () => {
    let db: Db;
    let close: () => Promise<void>;

    beforeAll(async () => {
      ({ db, close } = await openMigratedDb(provider, 'readmodel'));
    });
    afterAll(async () => close?.());

    it('writes the audit row, the trajectory row and its deadlines', async () => {
      const id = newPersonId();
      await recordTrajectoryEvent(
        db,
        eventInput(id, 1, snapshot(id, 1), { actorId: 'coach-1', plannedDate: '2026-12-10' }),
      );
      const audit = await db.auditEvent.findMany({ where: { inburgeraarId: id } });
      expect(audit).toHaveLength(1);
      expect(audit[0]).toMatchObject({
        actor: 'coach-1',
        action: 'KOPPELING',
        workflowId: `inburgering-${id}`,
        eventSeq: 1,
      });
      expect(JSON.parse(audit[0]!.details)).toEqual({ actorId: 'coach-1', plannedDate: '2026-12-10' });
      const row = await db.trajectoryReadModel.findUniqueOrThrow({ where: { inburgeraarId: id } });
      expect(row).toMatchObject({
        phase: 'BREDE_INTAKE',
        coachId: 'coach-1',
        nextDeadlineKey: 'PIP_VASTSTELLEN',
        nextDeadlineDate: '2027-03-15',
        overdue: false,
        koppelingDate: '2026-11-23',
        eventSeq: 1,
      });
      expect(JSON.parse(row.summary)).toEqual(snapshot(id, 1));
      const deadlines = await db.deadlineReadModel.findMany({
        where: { inburgeraarId: id },
        orderBy: { key: 'asc' },
      });
      expect(deadlines.map((d) => [d.key, d.status, d.metOn, d.legalSource])).toEqual([
        ['HUISVESTING', 'met', '2027-01-20', 'policy'],
        ['PIP_VASTSTELLEN', 'open', null, 'Besluit inburgering 2021 art. 5.3'],
      ]);
    });

    // The step's statements are raw SQL (prisma/sql.ts): what they store must read back through
    // the model API exactly as a model write's would (dates, booleans, nulls, integers), and an
    // update must move every column.
    it('raw writes read back through the model API as the values written', async () => {
      const id = newPersonId();
      const first = eventInput(id, 1);
      await recordTrajectoryEvent(db, first);
      const [pip] = snapshot(id, 2).deadlines.filter((d) => d.key === 'PIP_VASTSTELLEN');
      const second = eventInput(
        id,
        2,
        snapshot(id, 2, {
          paused: true,
          overdue: true,
          route: 'B1',
          deadlines: [{ ...pip!, suspended: true }],
        }),
      );
      await recordTrajectoryEvent(db, second);
      const row = await db.trajectoryReadModel.findUniqueOrThrow({ where: { inburgeraarId: id } });
      expect(row.updatedAt).toEqual(new Date(second.at));
      expect(row).toMatchObject({ paused: true, overdue: true, route: 'B1', eventSeq: 2, intakeDate: null });
      const [deadline, ...rest] = await db.deadlineReadModel.findMany({ where: { inburgeraarId: id } });
      expect(rest).toHaveLength(0);
      expect(deadline).toMatchObject({ key: 'PIP_VASTSTELLEN', suspended: true, metOn: null });
      expect(deadline!.id).toMatch(/^[0-9a-f-]{36}$/);
      const audit = await db.auditEvent.findMany({
        where: { inburgeraarId: id },
        orderBy: { eventSeq: 'asc' },
      });
      expect(audit.map((a) => [a.eventSeq, a.occurredAt.toISOString(), a.anonymisedAt])).toEqual([
        [1, first.at, null],
        [2, second.at, null],
      ]);
      expect(audit[1]!.chainSeq).toBe(audit[0]!.chainSeq! + 1);
      expect(audit[1]!.prevHash).toBe(audit[0]!.hash);
    });

    it('a retried event writes nothing twice', async () => {
      const id = newPersonId();
      const input = eventInput(id, 1);
      await recordTrajectoryEvent(db, input);
      await recordTrajectoryEvent(db, input);
      expect(await db.auditEvent.count({ where: { inburgeraarId: id } })).toBe(1);
      expect(await db.deadlineReadModel.count({ where: { inburgeraarId: id } })).toBe(2);
    });

    it('an older snapshot arriving after a newer one is ignored (its audit row is still written)', async () => {
      const id = newPersonId();
      const newer = snapshot(id, 3, { phase: 'PIP', route: 'B1', deadlines: [] });
      await recordTrajectoryEvent(db, eventInput(id, 3, newer));
      await recordTrajectoryEvent(db, eventInput(id, 2, snapshot(id, 2)));
      const row = await db.trajectoryReadModel.findUniqueOrThrow({ where: { inburgeraarId: id } });
      expect(row).toMatchObject({ phase: 'PIP', route: 'B1', eventSeq: 3 });
      expect(await db.deadlineReadModel.count({ where: { inburgeraarId: id } })).toBe(0);
      expect(
        (await db.auditEvent.findMany({ where: { inburgeraarId: id }, orderBy: { eventSeq: 'asc' } })).map(
          (a) => a.eventSeq,
        ),
      ).toEqual([2, 3]);
    });

    it('deadline rows follow the newest snapshot (removed ones disappear, statuses change)', async () => {
      const id = newPersonId();
      await recordTrajectoryEvent(db, eventInput(id, 1));
      const later = snapshot(id, 2, {
        overdue: true,
        deadlines: [
          {
            key: 'PIP_VASTSTELLEN',
            label: 'PIP vaststellen',
            kind: 'DEADLINE',
            dueDate: '2027-03-15',
            originalDueDate: '2027-03-15',
            status: 'missed',
            source: 'art. 5.3',
          },
          {
            key: 'INBURGERINGSTERMIJN',
            label: 'Inburgeringstermijn',
            kind: 'TERM_END',
            dueDate: '2030-03-15',
            originalDueDate: '2030-03-15',
            status: 'open',
            source: 'Wi2021 art. 11',
            suspended: true,
          },
        ],
      });
      await recordTrajectoryEvent(db, eventInput(id, 2, later));
      const rows = await db.deadlineReadModel.findMany({
        where: { inburgeraarId: id },
        orderBy: { key: 'asc' },
      });
      expect(rows.map((d) => [d.key, d.status, d.suspended])).toEqual([
        ['INBURGERINGSTERMIJN', 'open', true],
        ['PIP_VASTSTELLEN', 'missed', false],
      ]);
      expect((await db.trajectoryReadModel.findUniqueOrThrow({ where: { inburgeraarId: id } })).overdue).toBe(
        true,
      );
    });

    it('events written concurrently in any order leave the newest snapshot (10 trajectories)', async () => {
      const seqs = [4, 1, 5, 3, 2];
      const write = (id: string, n: number) =>
        recordTrajectoryEvent(db, eventInput(id, n, snapshot(id, n, { asOf: `seq-${n}` })));
      const ids = Array.from({ length: 10 }, newPersonId);
      await Promise.all(
        ids.map(async (id) => {
          const results = await Promise.allSettled(seqs.map((n) => write(id, n)));
          // A racing first insert may lose with a unique violation: Temporal retries it; so do we here.
          for (const [i, r] of results.entries()) if (r.status === 'rejected') await write(id, seqs[i]!);
        }),
      );
      for (const id of ids) {
        const row = await db.trajectoryReadModel.findUniqueOrThrow({ where: { inburgeraarId: id } });
        expect([row.eventSeq, JSON.parse(row.summary).asOf]).toEqual([5, 'seq-5']);
        expect(await db.auditEvent.count({ where: { inburgeraarId: id } })).toBe(5);
      }
    });

    it('serves the manager lists: due within N days, by coach, overdue', async () => {
      const a = newPersonId();
      const b = newPersonId();
      await recordTrajectoryEvent(db, eventInput(a, 1, snapshot(a, 1, { coachId: 'coach-lists' })));
      await recordTrajectoryEvent(
        db,
        eventInput(
          b,
          1,
          snapshot(b, 1, {
            coachId: 'coach-lists',
            overdue: true,
            nextDeadline: { key: 'X', label: 'X', dueDate: '2027-06-01', source: 'policy' },
          }),
        ),
      );
      const due = await db.trajectoryReadModel.findMany({
        where: { coachId: 'coach-lists', nextDeadlineDate: { lte: '2027-04-01' } },
      });
      expect(due.map((r) => r.inburgeraarId)).toEqual([a]);
      expect(await db.trajectoryReadModel.count({ where: { coachId: 'coach-lists', overdue: true } })).toBe(
        1,
      );
      const met = await db.deadlineReadModel.count({
        where: { inburgeraarId: { in: [a, b] }, status: 'met' },
      });
      expect(met).toBe(2);
    });
  });
}
