/**
 * The manager's lists and figures from the read model that the workflow's activities keep current:
 * filters (coach, phase, route, overdue, due within N days), sorting, pagination, the coach's own
 * caseload, counts per phase and route, and the KPIs as JSON and CSV.
 */
import request from 'supertest';
import type { ListItem } from '../../api/store/read-model';
import { addDays, localDate } from '../../domain/dates';
import { act, koppel, startApiHarness, type ApiHarness } from './helpers/harness';

let h: ApiHarness;
const ids: Record<'a' | 'b' | 'c' | 'd' | 'e', string> = { a: '', b: '', c: '', d: '', e: '' };
const today = localDate(Date.now());
/** Dates relative to today, so that what is overdue (and what is not) stays true on any day. */
const ago = (days: number): string => addDays(today, -days);

type Item = ListItem;

const leerroute = (route: 'B1' | 'ONDERWIJS') => ({
  phase: 'LEERROUTE',
  kennisgevingDate: ago(85),
  intakePlannedDate: ago(80),
  intakeDate: ago(75), // 14 days after the koppeling
  pipDecisionDate: ago(59), // 30 days after the koppeling; the first voortgangsgesprek is due in ~a month
  route,
  modules:
    route === 'B1'
      ? [{ module: 'PVT' }, { module: 'MAP' }, { module: 'KNM' }]
      : [{ module: 'PVT' }, { module: 'KNM' }],
});

async function waitFor<T>(fn: () => Promise<T>, ok: (v: T) => boolean, what: string): Promise<T> {
  const until = Date.now() + 15_000;
  for (;;) {
    const v = await fn();
    if (ok(v)) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  h = await startApiHarness('lists');
  const coach2 = h.users.coach2.user.id;
  // a: just coupled, no deadline yet. b: PIP being drafted, the 10-week PIP term running (6 weeks left).
  ids.a = await koppel(h, { doelgroep: 'gezinsmigrant', koppelingDate: ago(9) });
  ids.b = await koppel(h, {
    doelgroep: 'gezinsmigrant',
    koppelingDate: ago(40),
    import: {
      phase: 'PIP',
      intakePlannedDate: ago(24),
      intakeDate: ago(19), // 21 days after the koppeling
      kennisgevingDate: ago(28),
      brpInschrijvingDate: ago(28),
    },
  });
  // c: asielstatushouder coupled 89 days ago without housing: the 10-week housing target has passed.
  ids.c = await koppel(h, { coachId: coach2, doelgroep: 'asielstatushouder', koppelingDate: ago(89) });
  ids.d = await koppel(h, { doelgroep: 'gezinsmigrant', koppelingDate: ago(89), import: leerroute('B1') });
  ids.e = await koppel(h, {
    coachId: coach2,
    doelgroep: 'gezinsmigrant',
    koppelingDate: ago(89),
    import: leerroute('ONDERWIJS'),
  });
  // The read model is written by the workflow's first activity, just after the start.
  await waitFor(
    () => h.stores.readModel.stats({}),
    (stats) => stats.total === 5,
    'five read-model rows',
  );
});
afterAll(async () => {
  await h?.close();
});

const list = async (query: string, key = h.users.manager.key) => {
  const res = await request(h.app).get(`/api/inburgeraars${query}`).set('X-Api-Key', key).expect(200);
  return res.body as { items: Item[]; total: number; page: number; pageSize: number; totalPages: number };
};
const idsOf = (items: Item[]) => items.map((i) => i.inburgeraarId).sort();
const sorted = (xs: string[]) => [...xs].sort();

describe('GET /api/inburgeraars', () => {
  it('filters per coach, phase, route and overdue', async () => {
    const coach1 = h.users.coach.user.id;
    expect(idsOf((await list(`?coachId=${coach1}`)).items)).toEqual(sorted([ids.a, ids.b, ids.d]));
    expect(idsOf((await list('?phase=LEERROUTE')).items)).toEqual(sorted([ids.d, ids.e]));
    expect(idsOf((await list('?route=B1')).items)).toEqual([ids.d]);
    expect(idsOf((await list('?phase=KOPPELING&coachId=' + h.users.coach2.user.id)).items)).toEqual([ids.c]);
    const overdue = await list('?overdue=true');
    expect(idsOf(overdue.items)).toEqual([ids.c]);
    expect(overdue.items[0]!.overdue).toBe(true);
    expect((await list('?overdue=false')).total).toBe(4);
  });

  it('filters on the next deadline falling within N days', async () => {
    const all = (await list('?pageSize=200')).items;
    for (const days of [0, 30, 45, 90, 400]) {
      const limit = addDays(today, days);
      const within = (await list(`?dueWithinDays=${days}&pageSize=200`)).items;
      const expected = all.filter((i) => i.nextDeadline && i.nextDeadline.dueDate <= limit);
      expect(idsOf(within)).toEqual(idsOf(expected));
    }
    expect((await list('?dueWithinDays=400')).total).toBeGreaterThan(0);
  });

  it('sorts by next deadline (empty last) or koppeling date, both ways', async () => {
    const asc = (await list('?sort=nextDeadline&order=asc')).items;
    const dates = asc.map((i) => i.nextDeadline?.dueDate ?? null);
    const present = dates.filter((d): d is string => d !== null);
    expect(present).toEqual([...present].sort());
    expect(dates.slice(present.length).every((d) => d === null)).toBe(true);

    const byKoppeling = (await list('?sort=koppelingDate&order=desc')).items.map(
      (i) => i.milestones.koppeling,
    );
    expect(byKoppeling).toEqual([...byKoppeling].sort().reverse());
    expect(byKoppeling[0]).toBe(ago(9));
  });

  it('paginates with stable pages', async () => {
    const pages = await Promise.all([1, 2, 3].map((page) => list(`?pageSize=2&page=${page}&sort=phase`)));
    expect(pages.map((p) => p.items.length)).toEqual([2, 2, 1]);
    expect(pages[0]).toMatchObject({ total: 5, totalPages: 3, page: 1, pageSize: 2 });
    expect(sorted(pages.flatMap((p) => p.items.map((i) => i.inburgeraarId)))).toEqual(
      sorted(Object.values(ids)),
    );
    expect((await list('?pageSize=2&page=4')).items).toEqual([]);
  });

  it('gives a coach their own caseload, whatever coachId they ask for', async () => {
    const own = await list(`?coachId=${h.users.coach2.user.id}`, h.users.coach.key);
    expect(idsOf(own.items)).toEqual(sorted([ids.a, ids.b, ids.d]));
  });

  it('answers 400 for unknown filter values', async () => {
    for (const q of [
      '?phase=SLAPEN',
      '?route=C',
      '?overdue=ja',
      '?dueWithinDays=-1',
      '?sort=naam',
      '?order=up',
      '?page=0',
      '?pageSize=1000',
    ]) {
      const res = await request(h.app)
        .get(`/api/inburgeraars${q}`)
        .set('X-Api-Key', h.users.manager.key)
        .expect(400);
      expect(res.body.issues[0].field).toBe(q.slice(1).split('=')[0]);
    }
  });
});

describe('GET /api/stats', () => {
  it('counts per phase and per route, and the overdue ones', async () => {
    const res = await request(h.app).get('/api/stats').set('X-Api-Key', h.users.manager.key).expect(200);
    expect(res.body).toMatchObject({
      total: 5,
      overdue: 1,
      perPhase: { KOPPELING: 2, BREDE_INTAKE: 0, PIP: 1, LEERROUTE: 2, AFGEROND: 0 },
      perRoute: { B1: 1, ONDERWIJS: 1, Z: 0, NONE: 3 },
    });
    const coach2 = await request(h.app)
      .get(`/api/stats?coachId=${h.users.coach2.user.id}`)
      .set('X-Api-Key', h.users.manager.key)
      .expect(200);
    expect(coach2.body.total).toBe(2);
  });
});

describe('GET /api/kpis and /api/kpis.csv', () => {
  it('gives time to intake and to PIP, the share of deadlines met and the route mix', async () => {
    // A deadline met on time (b's PIP, due in 6 weeks) and one met late (c's housing, due 19 days ago).
    await act(h, ids.b, 'setPip', {
      decisionDate: today,
      route: 'B1',
      modules: [{ module: 'PVT' }, { module: 'MAP' }, { module: 'KNM' }],
    }).expect(200);
    await act(h, ids.c, 'registerHuisvesting', { date: today }, h.users.coach2.key).expect(200);

    const res = await request(h.app).get('/api/kpis').set('X-Api-Key', h.users.manager.key).expect(200);
    const k = res.body;
    expect(k.trajectories).toBe(5);
    // b: 21 days to intake; d and e: 14 days. d and e: 30 days to the PIP; b: 40 (its PIP is today).
    expect(k.koppelingToIntake).toEqual({
      count: 3,
      medianDays: 14,
      averageDays: Math.round(((21 + 14 + 14) / 3) * 10) / 10,
    });
    expect(k.koppelingToPip.count).toBe(3);
    expect(k.koppelingToPip.medianDays).toBe(30);
    expect(k.routeMix).toEqual({
      B1: { count: 2, share: 0.667 },
      ONDERWIJS: { count: 1, share: 0.333 },
      Z: { count: 0, share: 0 },
    });
    expect(k.deadlines.decided).toBeGreaterThanOrEqual(2);
    expect(k.deadlines.metOnTime).toBeGreaterThanOrEqual(1);
    expect(k.deadlines.metOnTime).toBeLessThan(k.deadlines.decided);
    expect(k.deadlines.shareMet).toBeCloseTo(k.deadlines.metOnTime / k.deadlines.decided, 3);

    const csv = await request(h.app).get('/api/kpis.csv').set('X-Api-Key', h.users.manager.key).expect(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    expect(csv.headers['content-disposition']).toMatch(
      /attachment; filename="inburgering-kpis-\d{4}-\d{2}-\d{2}\.csv"/,
    );
    const lines = csv.text.trim().split('\n');
    expect(lines[0]).toBe('metric,value,unit,as_of');
    expect(lines).toContain(`koppeling_to_pip_median,30,days,${today}`);
    expect(lines).toContain(`trajectories,5,count,${today}`);
    expect(lines).toContain(`route_B1_count,2,count,${today}`);
    expect(lines).toContain(`deadlines_share_met,${k.deadlines.shareMet},share,${today}`);
  });
});
