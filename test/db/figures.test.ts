/**
 * The manager's figures (GET /api/stats, GET /api/kpis) come from SQL aggregates
 * (api/store/read-model.ts). On SQLite and on PostgreSQL they must answer exactly what the former
 * JavaScript computation answers over the same summaries (test/db/figures-oracle.ts): for
 * generated trajectories of every phase, route, coach, overdue flag and deadline status, for all
 * trajectories and per coach, on several evaluation days, and for the hand-picked edge cases of
 * the share of deadlines met (on the due date, late, early but not yet due, a term that ran out).
 */
import fs from 'node:fs';
import path from 'node:path';
import { caseloadDue, figureColumns } from '../../activities/read-model';
import { kpisSchema, statsSchema } from '../../api/kpis';
import { createWerkStore } from '../../api/werk/store';
import { prismaReadModelStore, type ReadModelStore } from '../../api/store/read-model';
import { addDays } from '../../domain/dates';
import type { DeadlineSummary, TrajectorySummary } from '../../domain/summary';
import type { Db } from '../../prisma/db';
import { computeKpis, computeStats } from './figures-oracle';
import { generateSummaries, insertSummaries } from './generated-read-model';
import { openMigratedDb, providersUnderTest } from './helpers';

const TODAY = '2026-06-15';
const COACHES = ['coach-a', 'coach-b', 'coach-c', 'coach-d', 'coach-e'];

/** Hand-picked rows, one trajectory each: the share-met rules at their edges (coach-edge only). */
function edgeCases(): TrajectorySummary[] {
  const deadline = (
    key: string,
    dueDate: string,
    status: DeadlineSummary['status'],
    fulfilledDate?: string,
    kind: DeadlineSummary['kind'] = 'DEADLINE',
  ): DeadlineSummary => ({
    key,
    label: key,
    kind,
    dueDate,
    originalDueDate: dueDate,
    status,
    source: 'Wi2021',
    ...(fulfilledDate ? { fulfilledDate } : {}),
  });
  const base = generateSummaries(1, { today: TODAY, coaches: ['coach-edge'], idPrefix: 'edge' })[0]!;
  const rows: [DeadlineSummary[], Partial<TrajectorySummary['milestones']>][] = [
    [[deadline('A', '2026-07-01', 'open')], {}],
    [[deadline('A', '2026-05-01', 'met', '2026-04-30')], { intake: '2026-01-01' }],
    [[deadline('A', TODAY, 'met', TODAY)], { intake: '2026-01-02', pip: '2026-03-01' }],
    [[deadline('A', '2026-05-01', 'missed', '2026-05-20')], { intake: '2026-01-01', pip: '2026-01-01' }],
    [[deadline('A', '2026-05-01', 'missed')], {}],
    [[deadline('A', '2026-05-01', 'expired', undefined, 'TERM_END')], {}],
    [[deadline('A', '2026-09-01', 'met', '2026-05-01'), deadline('B', TODAY, 'dropped')], {}],
    [[deadline('A', addDays(TODAY, -1), 'open'), deadline('B', addDays(TODAY, 1), 'expired')], {}],
  ];
  return rows.map(([deadlines, milestones], i) => ({
    ...base,
    inburgeraarId: `edge-${i}`,
    deadlines,
    milestones: { koppeling: '2025-12-31', ...milestones },
  }));
}

for (const { provider, run } of providersUnderTest('test/db/figures')) {
  (run ? describe : describe.skip)(`stats and KPIs from SQL aggregates on ${provider}`, () => {
    let db: Db;
    let close: () => Promise<void>;
    let store: ReadModelStore;
    const summaries = [
      ...generateSummaries(700, { today: TODAY, seed: 42, coaches: COACHES }),
      ...edgeCases(),
    ];

    beforeAll(async () => {
      ({ db, close } = await openMigratedDb(provider, 'figures'));
      store = prismaReadModelStore(db);
      await insertSummaries(db, summaries, 100);
    }, 120_000);
    afterAll(async () => close?.());

    it('the generated rows cover what the figures distinguish', () => {
      const deadlines = summaries.flatMap((s) => s.deadlines);
      expect(new Set(summaries.map((s) => s.phase)).size).toBeGreaterThanOrEqual(10);
      expect(summaries.some((s) => !s.route) && summaries.some((s) => s.overdue)).toBe(true);
      expect(new Set(deadlines.map((d) => d.status)).size).toBe(6);
      expect(deadlines.some((d) => d.fulfilledDate && d.fulfilledDate > d.dueDate)).toBe(true);
      expect(deadlines.some((d) => !d.fulfilledDate && d.dueDate < TODAY && d.status === 'open')).toBe(true);
    });

    const scopes = [undefined, ...COACHES, 'coach-edge', 'nobody'];
    it.each(scopes.map((coachId) => [coachId ?? 'everyone', coachId]))(
      'stats of %s equal the JavaScript computation',
      async (_name, coachId) => {
        const items = summaries.filter((s) => !coachId || s.coachId === coachId);
        const stats = await store.stats({ coachId });
        expect(statsSchema.parse(stats)).toEqual(stats);
        expect(stats).toEqual(computeStats(items));
      },
    );

    const days = [TODAY, addDays(TODAY, -400), addDays(TODAY, 400)];
    it.each(scopes.flatMap((coachId) => days.map((day) => [coachId ?? 'everyone', day, coachId] as const)))(
      'KPIs of %s on %s equal the JavaScript computation',
      async (_name, day, coachId) => {
        const items = summaries.filter((s) => !coachId || s.coachId === coachId);
        const kpis = await store.kpis({ coachId }, day);
        expect(kpisSchema.parse(kpis)).toEqual(kpis);
        expect(kpis).toEqual(computeKpis(items, day));
      },
    );

    it('the edge cases give the figures worked out by hand', async () => {
      const kpis = await store.kpis({ coachId: 'coach-edge' }, TODAY);
      // Decided: met early, met on the day, fulfilled late, missed, fulfilled before it was due,
      // open since yesterday, expired before its date. Not decided: open and due later, dropped
      // with today as due date (not passed yet), and the TERM_END (no deadline to meet).
      expect(kpis.deadlines).toEqual({ decided: 7, metOnTime: 3, shareMet: 0.429 });
      expect(kpis.koppelingToIntake).toEqual({ count: 3, medianDays: 1, averageDays: 1.3 });
      expect(kpis.koppelingToPip).toEqual({ count: 2, medianDays: 30.5, averageDays: 30.5 });
      expect(kpis.trajectories).toBe(8);
    });

    it('the migration fills the new columns of existing rows as the row mapper does', async () => {
      const columns = {
        caseloadDue: true,
        intakeDays: true,
        pipDays: true,
        deadlinesFulfilled: true,
        deadlinesMetOnTime: true,
        deadlinesLapsed: true,
      } as const;
      const written = await db.trajectoryReadModel.findMany({ select: { inburgeraarId: true, ...columns } });
      // The mapper's values are what was written; the backfill must compute the same from the rows.
      const byId = new Map(summaries.map((x) => [x.inburgeraarId, x]));
      for (const row of written) {
        const { inburgeraarId, ...rest } = row;
        const x = byId.get(inburgeraarId)!;
        expect(rest).toEqual({ caseloadDue: caseloadDue(x), ...figureColumns(x) });
      }
      await db.trajectoryReadModel.updateMany({
        data: {
          caseloadDue: 'x',
          intakeDays: null,
          pipDays: null,
          deadlinesFulfilled: -1,
          deadlinesMetOnTime: -1,
          deadlinesLapsed: -1,
        },
      });
      const dir = path.join(__dirname, '../../prisma', provider, 'migrations');
      const migration = fs.readdirSync(dir).find((d) => d.endsWith('_lists_at_scale'))!;
      const sql = fs.readFileSync(path.join(dir, migration, 'migration.sql'), 'utf8');
      await db.$executeRawUnsafe(
        sql.slice(sql.indexOf('UPDATE "TrajectoryReadModel" SET')).replace(/;\s*$/, ''),
      );
      const backfilled = await db.trajectoryReadModel.findMany({
        select: { inburgeraarId: true, ...columns },
      });
      expect(new Map(backfilled.map((r) => [r.inburgeraarId, r]))).toEqual(
        new Map(written.map((r) => [r.inburgeraarId, r])),
      );
    });

    describe('the caseload page (GET /api/werk/caseload)', () => {
      const werk = () => createWerkStore(db);
      /** The former route: every row, sorted here (overdue, oldest overdue or next deadline, name). */
      const oracle = (filter: { coachId?: string; overdue?: boolean; phase?: string }) => {
        const due = (x: TrajectorySummary) =>
          x.deadlines
            .filter((d) => d.kind === 'DEADLINE' && d.status === 'missed' && !d.fulfilledDate)
            .map((d) => d.dueDate)
            .sort()[0] ??
          x.nextDeadline?.dueDate ??
          '9999-12-31';
        const name = (x: TrajectorySummary) => {
          const n = NAMES.get(x.inburgeraarId);
          return n ? `${n.achternaam} ${n.voornaam}` : x.inburgeraarId;
        };
        return summaries
          .filter(
            (x) =>
              (!filter.coachId || x.coachId === filter.coachId) &&
              (filter.overdue === undefined || x.overdue === filter.overdue) &&
              (!filter.phase || x.phase === filter.phase),
          )
          .sort(
            (a, b) =>
              (a.overdue === b.overdue ? 0 : a.overdue ? -1 : 1) ||
              due(a).localeCompare(due(b)) ||
              name(a).localeCompare(name(b), 'nl') ||
              // The former route left equal names on the same date in the database's order (not
              // stable between pages); now the id decides.
              a.inburgeraarId.localeCompare(b.inburgeraarId),
          )
          .map((x) => x.inburgeraarId);
      };
      // Names for most people, with many alike (ties broken by name across page edges) and some without.
      const NAMES = new Map(
        summaries
          .filter((_, i) => i % 7 !== 3)
          .map((x, i) => [
            x.inburgeraarId,
            { voornaam: ['Ömer', 'Anna', 'omer', 'Zoë'][i % 4]!, achternaam: `de Vries ${i % 5}` },
          ]),
      );

      beforeAll(async () => {
        for (const [id, n] of NAMES) {
          const x = summaries.find((s) => s.inburgeraarId === id)!;
          await db.inburgeraar.create({
            data: {
              id,
              workflowId: `inburgering-${id}`,
              koppelingRef: `ref-${id}`,
              coachId: x.coachId,
              doelgroep: x.doelgroep,
              persoonsgegevens: { create: { bsnHash: `h-${id}`, bsnCiphertext: 'c', ...n } },
            },
          });
        }
      }, 120_000);

      it.each([
        ['everyone', {}],
        ['overdue', { overdue: true }],
        ['not overdue', { overdue: false }],
        ['one coach', { coachId: 'coach-b' }],
        ['one phase', { phase: 'PIP' }],
      ])('pages of %s, put together, are the former order', async (_name, filter) => {
        const expected = oracle(filter);
        const pageSize = 37;
        const ids: string[] = [];
        for (let page = 1; page <= Math.ceil(expected.length / pageSize) + 1; page++) {
          const { rows, total } = await werk().caseloadPage(filter, { page, pageSize });
          expect(total).toBe(expected.length);
          ids.push(...rows.map((r) => r.inburgeraarId));
        }
        expect(ids).toEqual(expected);
      });
    });
  });
}
