/**
 * The caseload import under backpressure, against the real dev server, worker and database, with a
 * deliberately small bound (INTAKE_MAX_PENDING 2): in process and through the API (as the bench
 * runs it), the import is refused as busy, waits, slows down, and still registers every row exactly
 * once (one person, one workflow, one KOPPELING_REGISTERED per row); a coach's action during the
 * import is answered within a bound.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import request from 'supertest';
import { importCaseload, type ImportReport } from '../../scripts/import/caseload-import';
import { apiRegistrar } from '../../scripts/import/api-registrar';
import { koppel, startApiHarness, testBsn, type ApiHarness } from '../api/helpers/harness';
import { waitFor } from '../helpers/temporal';

let h: ApiHarness;
beforeAll(async () => {
  h = await startApiHarness('import-backpressure');
});
afterAll(async () => {
  await h?.close();
});

const SMALL = { INTAKE_MAX_PENDING: 2, INTAKE_SIGNAL_TTL_MS: 0 };
const ROWS = 10;
/** A loaded 2-core machine can take seconds per workflow start; the bound makes the import wait for each. */
jest.setTimeout(300_000);

function csv(ref: string, coachId: string): string {
  const header = 'koppelingRef;bsn;voornaam;achternaam;doelgroep;coachId;koppelingDate;phase';
  const seed = Math.floor(Math.random() * 1e6);
  const rows = Array.from(
    { length: ROWS },
    (_, i) =>
      `${ref}-${i};${testBsn(seed + i)};Test;Rij-${i};asielstatushouder;${coachId};2026-10-20;KOPPELING`,
  );
  return [header, ...rows].join('\n') + '\n';
}

/** Every row: one person, one read-model row (its workflow ran), one registration in the audit trail. */
async function expectExactlyOnce(ref: string, report: ImportReport): Promise<void> {
  expect(report.failed).toEqual([]);
  expect(report.rejected).toEqual([]);
  expect(report.imported).toHaveLength(ROWS);
  const people = await h.db.inburgeraar.findMany({ where: { koppelingRef: { startsWith: `${ref}-` } } });
  expect(people).toHaveLength(ROWS);
  const ids = people.map((p) => p.id);
  expect(new Set(report.imported.map((r) => r.inburgeraarId))).toEqual(new Set(ids));
  expect(
    await waitFor(
      async () => (await h.db.trajectoryReadModel.count({ where: { inburgeraarId: { in: ids } } })) === ROWS,
      60_000,
    ),
  ).toBe(true);
  expect(
    await h.db.auditEvent.count({ where: { action: 'KOPPELING_REGISTERED', inburgeraarId: { in: ids } } }),
  ).toBe(ROWS);
}

it('in process: refused as busy, waits and slows down, imports every row exactly once', async () => {
  const report = await importCaseload(
    { db: h.db, temporal: h.env.client, taskQueue: h.taskQueue, config: { ...h.config, ...SMALL } },
    csv('BPI', h.users.coach.user.id),
    { concurrency: 6 },
  );
  // 6 rows at once against a bound of 2: refusals are certain, and the import backed off.
  expect(report.throttle.refusals).toBeGreaterThan(0);
  expect(report.throttle.waitedSeconds).toBeGreaterThan(0);
  expect(report.throttle.minConcurrency).toBeLessThan(6);
  await expectExactlyOnce('BPI', report);
});

describe('through the API', () => {
  let server: Server;
  let apiUrl: string;
  beforeAll(async () => {
    server = h.appWith(SMALL).listen(0, '127.0.0.1');
    await new Promise<void>((resolve) => server.once('listening', resolve));
    apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('honours 503 + Retry-After, imports every row exactly once, and a coach action is answered meanwhile', async () => {
    const person = await koppel(h);
    await waitFor(
      async () => (await h.db.trajectoryReadModel.count({ where: { inburgeraarId: person } })) === 1,
      30_000,
    );
    const running = importCaseload(
      { db: h.db, temporal: h.env.client, taskQueue: h.taskQueue, config: h.config },
      csv('BPA', h.users.coach.user.id),
      { concurrency: 6, register: apiRegistrar({ apiUrl, apiKey: h.users.coa.key }) },
    );
    // A coach's action while the import runs (the update shares the worker with the starts).
    await new Promise((resolve) => setTimeout(resolve, 300));
    const started = performance.now();
    const action = await request(h.app)
      .post(`/api/inburgeraars/${person}/acties/planBredeIntake`)
      .set('X-Api-Key', h.users.coach.key)
      .send({ plannedDate: '2026-12-10' });
    const ms = performance.now() - started;
    expect(action.status).toBe(200);
    // Starvation, not speed: unthrottled, 5,000 starts made the first action wait over 30 s. A
    // 2-core machine shared with other test runs (load average 20) took up to 6 s here, so the bound
    // is 20 s; the bench measures the real figure (goal p99 < 200 ms).
    expect(ms).toBeLessThan(20_000);

    const report = await running;
    expect(report.throttle.refusals).toBeGreaterThan(0);
    await expectExactlyOnce('BPA', report);
  });
});
