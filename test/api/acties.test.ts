/**
 * Every coach action through `POST /api/inburgeraars/:id/acties/:actie`, against the real workflow:
 * the happy path answers 200 with the new state, a forbidden action 409 with the rule code (and
 * changes nothing: the event sequence stays where it was), bad input 400 with the field.
 */
import request from 'supertest';
import { ACTION_NAMES } from '../../api/routes/acties';
import { openApiChecker, type OpenApiChecker } from './helpers/openapi';
import {
  act,
  KOPPELING_DATE_FOR,
  koppel,
  PHASE_FIXTURES,
  startApiHarness,
  type ApiHarness,
} from './helpers/harness';

type Fixture = keyof typeof PHASE_FIXTURES;
interface Start {
  fixture: Fixture;
  importOverrides?: Record<string, unknown>;
  /** Actions run first (each must succeed). */
  before?: [string, Record<string, unknown>][];
}
interface Case {
  ok: Start & { body: Record<string, unknown>; expectPhase?: string };
  refused: Start & { body: Record<string, unknown>; code: string };
  invalid: { body: Record<string, unknown>; field: string };
}

const b1 = { fixture: 'b1' as const };
const PIP_MODULES = [{ module: 'PVT' }, { module: 'MAP', agreedEndDate: '2027-06-01' }, { module: 'KNM' }];

/** A PIP set in this service (rules version 2) in 2023: its course had to start by 2024-01-02. */
const pipSet2023: Start = {
  fixture: 'pip',
  importOverrides: {
    intakePlannedDate: '2023-09-10',
    intakeDate: '2023-09-15',
    kennisgevingDate: '2023-09-05',
    brpInschrijvingDate: '2023-09-03',
  },
  before: [
    ['setPip', { decisionDate: '2023-10-02', route: 'B1', modules: [{ module: 'PVT' }, { module: 'MAP' }] }],
  ],
};

const cases: Record<string, Case> = {
  planBredeIntake: {
    ok: {
      fixture: 'koppeling',
      body: { plannedDate: '2026-12-10', lbtPlannedDate: '2026-12-03' },
      expectPhase: 'BREDE_INTAKE',
    },
    refused: { fixture: 'pip', body: { plannedDate: '2026-12-10' }, code: 'INTAKE_ALREADY_COMPLETED' },
    invalid: { body: { plannedDate: 'volgende week' }, field: 'plannedDate' },
  },
  completeBredeIntake: {
    ok: {
      fixture: 'intake',
      body: { date: '2026-09-20', lbt: { date: '2026-09-18', adviesRoute: 'B1', score: 71 } },
      expectPhase: 'PIP',
    },
    refused: {
      fixture: 'koppeling',
      body: { date: '2026-09-20', lbtNotTakenReason: 'onderwijsroute' },
      code: 'INTAKE_NOT_PLANNED',
    },
    invalid: { body: { date: '2026-13-01' }, field: 'date' },
  },
  completeBredeIntakeWithoutPerson: {
    ok: {
      fixture: 'intake',
      before: [
        ['recordIntakeNoShow', { date: '2026-09-20', nextPlannedDate: '2026-10-04' }],
        ['recordIntakeNoShow', { date: '2026-10-04', nextPlannedDate: '2026-10-18' }],
        ['recordIntakeNoShow', { date: '2026-10-18' }],
      ],
      body: { date: '2026-10-20', note: 'Op basis van het COA-dossier' },
      expectPhase: 'PIP',
    },
    refused: { fixture: 'intake', body: { date: '2026-10-20' }, code: 'INTAKE_SUMMONSES_NOT_EXHAUSTED' },
    invalid: { body: { date: '20-10-2026' }, field: 'date' },
  },
  recordIntakeNoShow: {
    ok: { fixture: 'intake', body: { date: '2026-09-20', nextPlannedDate: '2026-12-01' } },
    refused: { fixture: 'pip', body: { date: '2026-09-20' }, code: 'INTAKE_ALREADY_COMPLETED' },
    invalid: { body: {}, field: 'date' },
  },
  registerKennisgeving: {
    ok: { fixture: 'koppeling', body: { date: '2026-09-05' } },
    refused: { fixture: 'koppeling', body: { date: '2099-01-01' }, code: 'DATE_IN_FUTURE' },
    invalid: { body: { date: 20260905 }, field: 'date' },
  },
  registerBrpInschrijving: {
    ok: { fixture: 'koppeling', body: { date: '2026-09-03' } },
    refused: { fixture: 'koppeling', body: { date: '2099-01-01' }, code: 'DATE_IN_FUTURE' },
    invalid: { body: {}, field: 'date' },
  },
  registerHuisvesting: {
    ok: { fixture: 'koppeling', body: { date: '2026-10-01' } },
    refused: { fixture: 'koppeling', body: { date: '2026-08-01' }, code: 'DATE_BEFORE_KOPPELING' },
    invalid: { body: { date: null }, field: 'date' },
  },
  registerBijstand: {
    ok: { fixture: 'koppeling', body: { startDate: '2026-09-02' } },
    refused: { fixture: 'koppeling', body: { startDate: '2099-01-01' }, code: 'DATE_IN_FUTURE' },
    invalid: { body: { date: '2026-09-02' }, field: 'startDate' },
  },
  registerWachtenOpDerden: {
    ok: { fixture: 'pip', body: { date: '2026-10-15', reason: 'Medisch advies van de GGD' } },
    refused: {
      fixture: 'koppeling',
      body: { date: '2026-10-15', reason: 'Advies' },
      code: 'PIP_TERM_NOT_STARTED',
    },
    invalid: { body: { date: '2026-10-15' }, field: 'reason' },
  },
  registerDerdenInformatieOntvangen: {
    ok: {
      fixture: 'pip',
      before: [['registerWachtenOpDerden', { date: '2026-10-15', reason: 'Medisch advies van de GGD' }]],
      body: { date: '2026-11-01' },
    },
    refused: { fixture: 'pip', body: { date: '2026-11-01' }, code: 'NO_PIP_WAIT' },
    invalid: { body: { date: 'gisteren' }, field: 'date' },
  },
  setPip: {
    ok: {
      fixture: 'pip',
      body: {
        decisionDate: '2026-10-01',
        route: 'B1',
        modules: PIP_MODULES,
        taalschoolPartnerId: 'PLACEHOLDER',
      },
      expectPhase: 'LEERROUTE',
    },
    refused: {
      fixture: 'koppeling',
      body: { decisionDate: '2026-10-01', route: 'B1', modules: PIP_MODULES },
      code: 'PIP_REQUIRES_INTAKE',
    },
    invalid: { body: { decisionDate: '2026-10-01', route: 'C1', modules: PIP_MODULES }, field: 'route' },
  },
  revisePip: {
    ok: {
      ...b1,
      body: {
        decisionDate: '2026-11-01',
        reason: 'Extra taallessen afgesproken',
        modules: [{ module: 'MAP', agreedEndDate: '2027-09-01' }],
      },
    },
    refused: {
      fixture: 'pip',
      body: { decisionDate: '2026-11-01', reason: 'Herziening' },
      code: 'PIP_NOT_SET',
    },
    invalid: { body: { decisionDate: '2026-11-01' }, field: 'reason' },
  },
  startModule: {
    ok: { ...b1, body: { module: 'PVT', date: '2026-10-10' } },
    refused: { ...b1, body: { module: 'ONTZORGEN', date: '2026-10-10' }, code: 'MODULE_NOT_IN_PIP' },
    invalid: { body: { module: 'YOGA', date: '2026-10-10' }, field: 'module' },
  },
  completeModule: {
    ok: {
      ...b1,
      before: [['startModule', { module: 'PVT', date: '2026-10-10' }]],
      body: { module: 'PVT', date: '2026-11-01', hours: 12 },
    },
    refused: { ...b1, body: { module: 'PVT', date: '2026-11-01' }, code: 'MODULE_NOT_STARTED' },
    invalid: { body: { module: 'PVT' }, field: 'date' },
  },
  recordProgressHours: {
    ok: { ...b1, body: { kind: 'LESSEN', hours: 40, periodEnd: '2026-10-31' } },
    refused: {
      fixture: 'pip',
      body: { kind: 'LESSEN', hours: 40, periodEnd: '2026-10-31' },
      code: 'PIP_NOT_SET',
    },
    invalid: { body: { kind: 'LESSEN', hours: -3, periodEnd: '2026-10-31' }, field: 'hours' },
  },
  recordExamResult: {
    ok: { ...b1, body: { component: 'LEZEN', attempt: 1, date: '2026-11-02', passed: true } },
    refused: {
      ...b1,
      body: { component: 'LEZEN', attempt: 2, date: '2026-11-02', passed: true },
      code: 'EXAM_ATTEMPT_OUT_OF_ORDER',
    },
    invalid: { body: { component: 'LEZEN', attempt: 0, date: '2026-11-02', passed: true }, field: 'attempt' },
  },
  completeLeerroute: {
    ok: { fixture: 'onderwijs', body: { date: '2026-11-15', note: 'Taalschakeltraject afgerond' } },
    refused: { ...b1, body: { date: '2026-11-15' }, code: 'LEERROUTE_COMPLETES_BY_EXAMS' },
    invalid: { body: { date: '' }, field: 'date' },
  },
  switchRoute: {
    ok: { ...b1, body: { to: 'Z', date: '2026-11-01', reason: 'Leerbaarheid lager dan verwacht' } },
    refused: {
      fixture: 'b1Old',
      body: { to: 'Z', date: '2026-11-01', reason: 'Te laat' },
      code: 'ROUTE_SWITCH_WINDOW_CLOSED',
    },
    invalid: { body: { to: 'Z', date: '2026-11-01' }, field: 'reason' },
  },
  downgradeRoute: {
    ok: {
      ...b1,
      importOverrides: { lessonHours: 650 },
      body: { date: '2026-11-01', effortDemonstrated: true, reason: 'Aantoonbare inzet, 650 uur' },
    },
    refused: {
      ...b1,
      body: { date: '2026-11-01', effortDemonstrated: true, reason: 'Te weinig uren' },
      code: 'DOWNGRADE_REQUIRES_600_HOURS',
    },
    invalid: {
      body: { date: '2026-11-01', effortDemonstrated: false, reason: 'x' },
      field: 'effortDemonstrated',
    },
  },
  recordVoortgangsgesprek: {
    ok: { ...b1, body: { date: '2026-11-01', note: 'Goede voortgang' } },
    refused: { fixture: 'pip', body: { date: '2026-11-01' }, code: 'PIP_NOT_SET' },
    invalid: { body: { date: '01-11-2026' }, field: 'date' },
  },
  grantExtension: {
    ok: {
      fixture: 'b1Old',
      body: {
        ground: 'ZIEKTE',
        decisionDate: '2026-11-01',
        period: { unit: 'MONTHS', amount: 4 },
        reason: 'Langdurig ziek',
      },
    },
    refused: {
      ...b1,
      body: { ground: 'ZIEKTE', decisionDate: '2026-11-01', period: { unit: 'MONTHS', amount: 4 } },
      code: 'EXTENSION_TOO_EARLY',
    },
    invalid: {
      body: { ground: 'GRIEP', decisionDate: '2026-11-01', period: { unit: 'MONTHS', amount: 4 } },
      field: 'ground',
    },
  },
  grantExemption: {
    ok: { ...b1, body: { ground: 'MEDISCH', decisionDate: '2026-11-01' }, expectPhase: 'ONTHEFFING' },
    refused: {
      ...b1,
      before: [['endTrajectory', { reason: 'VERTROKKEN', date: '2026-10-20' }]],
      body: { ground: 'MEDISCH', decisionDate: '2026-11-01' },
      code: 'TRAJECTORY_ENDED',
    },
    invalid: { body: { ground: 'MEDISCH' }, field: 'decisionDate' },
  },
  pause: {
    ok: { ...b1, body: { date: '2026-11-01', reason: 'Ziekenhuisopname' } },
    refused: {
      ...b1,
      before: [['pause', { date: '2026-10-20', reason: 'Ziek' }]],
      body: { date: '2026-11-01', reason: 'Nog steeds ziek' },
      code: 'ALREADY_PAUSED',
    },
    invalid: { body: { date: '2026-11-01', reason: '   ' }, field: 'reason' },
  },
  resume: {
    ok: { ...b1, before: [['pause', { date: '2026-10-20', reason: 'Ziek' }]], body: { date: '2026-11-10' } },
    refused: { ...b1, body: { date: '2026-11-10' }, code: 'NOT_PAUSED' },
    invalid: { body: {}, field: 'date' },
  },
  transfer: {
    ok: {
      ...b1,
      body: { toGemeenteCode: 'GM0363', date: '2026-11-01', reason: 'Verhuisd naar Amsterdam' },
      expectPhase: 'VERHUISD',
    },
    refused: {
      ...b1,
      body: { toGemeenteCode: 'GM0193', date: '2026-11-01' },
      code: 'TRANSFER_SAME_GEMEENTE',
    },
    invalid: { body: { toGemeenteCode: 'Amsterdam', date: '2026-11-01' }, field: 'toGemeenteCode' },
  },
  endTrajectory: {
    ok: { ...b1, body: { reason: 'VERTROKKEN', date: '2026-11-01' }, expectPhase: 'VERTROKKEN' },
    refused: {
      ...b1,
      body: { reason: 'OVERIG', date: '2026-11-01' },
      code: 'END_REASON_REQUIRES_TOELICHTING',
    },
    invalid: { body: { reason: 'WEG', date: '2026-11-01' }, field: 'reason' },
  },
  registerStartLessen: {
    ok: { ...b1, body: { date: '2026-10-12', partnerId: 'taalschool-1' } },
    refused: { fixture: 'pip', body: { date: '2026-10-12' }, code: 'PIP_NOT_SET' },
    invalid: { body: { date: 'maandag' }, field: 'date' },
  },
  registerMeldingAanbodDuo: {
    ok: { ...pipSet2023, body: { date: '2026-11-20', note: 'Wachtlijst bij de taalschool' } },
    refused: {
      ...pipSet2023,
      before: [...pipSet2023.before!, ['registerStartLessen', { date: '2023-11-01' }]],
      body: { date: '2026-11-20' },
      code: 'COURSE_OFFER_NOT_LATE',
    },
    invalid: { body: { date: '2026-11-20', note: '' }, field: 'note' },
  },
  imposeFine: {
    ok: {
      ...b1,
      body: { ground: 'PIP_NIET_NAGEKOMEN', decisionDate: '2026-11-01', reason: 'PVT niet gevolgd' },
    },
    refused: {
      fixture: 'pip',
      body: { ground: 'PIP_NIET_NAGEKOMEN', decisionDate: '2026-11-01' },
      code: 'PIP_NOT_SET',
    },
    invalid: { body: { ground: 'TE_LAAT', decisionDate: '2026-11-01' }, field: 'ground' },
  },
  registerPlichtOnderbreking: {
    ok: { ...b1, body: { from: '2026-10-10', to: '2026-11-01', reason: 'Vergunning tijdelijk vervallen' } },
    refused: {
      fixture: 'pip',
      body: { from: '2026-10-10', to: '2026-11-01' },
      code: 'TERMIJN_NOT_STARTED',
    },
    invalid: { body: { from: '2026-10-10' }, field: 'to' },
  },
};

let h: ApiHarness;
/** Every answer below is checked against the API's own OpenAPI document too. */
let checker: OpenApiChecker;

beforeAll(async () => {
  h = await startApiHarness('acties');
  checker = openApiChecker((await request(h.app).get('/api/openapi.json').expect(200)).body);
  cases.setPip!.ok.body.taalschoolPartnerId = h.partnerIds.taalschool;
});
afterAll(async () => {
  await h?.close();
});

async function start(s: Start): Promise<string> {
  const base = PHASE_FIXTURES[s.fixture];
  const id = await koppel(h, {
    koppelingDate: KOPPELING_DATE_FOR(s.fixture),
    ...(base || s.importOverrides
      ? { import: { ...(base ?? { phase: 'KOPPELING' }), ...(s.importOverrides ?? {}) } }
      : {}),
  });
  for (const [actie, body] of s.before ?? []) {
    const res = await act(h, id, actie, body);
    if (res.status !== 200)
      throw new Error(`${actie} before the test failed: ${res.status} ${JSON.stringify(res.body)}`);
  }
  return id;
}

const eventSeqOf = async (id: string): Promise<number> => {
  const res = await request(h.app)
    .get(`/api/inburgeraars/${id}`)
    .set('X-Api-Key', h.users.manager.key)
    .expect(200);
  return res.body.state.eventSeq as number;
};

it('covers every action of commandSchemas (except reassignCoach, which has its own route)', () => {
  expect(Object.keys(cases).sort()).toEqual([...ACTION_NAMES].sort());
});

describe.each(Object.entries(cases))('%s', (actie, c) => {
  it('answers 400 with the field for bad input, and 200 with the new state when allowed', async () => {
    const id = await start(c.ok);
    const path = `/api/inburgeraars/${id}/acties/${actie}`;
    const bad = await act(h, id, actie, c.invalid.body).expect(400);
    expect(checker.problems('post', path, bad)).toEqual([]);
    expect(bad.body.error).toBe('VALIDATION');
    expect(bad.body.issues.map((i: { field: string }) => i.field)).toContain(c.invalid.field);

    const res = await act(h, id, actie, c.ok.body);
    expect({ status: res.status, body: res.status === 200 ? 'ok' : res.body }).toEqual({
      status: 200,
      body: 'ok',
    });
    expect(res.body.inburgeraarId).toBe(id);
    expect(res.body.eventSeq).toBeGreaterThan(0);
    expect(checker.problems('post', path, res)).toEqual([]);
    if (c.ok.expectPhase) expect(res.body.phase).toBe(c.ok.expectPhase);
  });

  it(`answers 409 ${c.refused.code} when the rules forbid it, and changes nothing`, async () => {
    const id = await start(c.refused);
    const before = await eventSeqOf(id);
    const res = await act(h, id, actie, c.refused.body).expect(409);
    expect(checker.problems('post', `/api/inburgeraars/${id}/acties/${actie}`, res)).toEqual([]);
    expect(res.body.error).toBe(c.refused.code);
    expect(res.body.message).toEqual(expect.any(String));
    expect(res.body.message).not.toContain(c.refused.code); // the code travels in `error`, the text is for people
    expect(await eventSeqOf(id)).toBe(before);
  });
});

describe('the action route itself', () => {
  it('answers 404 for an unknown action or person, and 400 for an id that is not a uuid', async () => {
    const id = await start({ fixture: 'koppeling' });
    await act(h, id, 'fly', {}).expect(404);
    await act(h, '0b7c1a57-8d4c-4c0e-9a77-5c2b5c0f0c11', 'registerKennisgeving', {
      date: '2026-09-05',
    }).expect(404);
    const res = await act(h, 'inburgering-123', 'registerKennisgeving', { date: '2026-09-05' }).expect(400);
    expect(res.body.issues).toEqual([{ field: 'id', reason: expect.any(String) }]);
  });

  it('records the authenticated user as the actor, whatever the body says', async () => {
    const id = await start({ fixture: 'koppeling' });
    await act(h, id, 'registerKennisgeving', { date: '2026-09-05', actorId: 'someone-else' }).expect(200);
    const timeline = await request(h.app)
      .get(`/api/inburgeraars/${id}/timeline`)
      .set('X-Api-Key', h.users.manager.key)
      .expect(200);
    const text = JSON.stringify(timeline.body.entries);
    expect(text).not.toContain('someone-else');
    const changes = timeline.body.entries.filter(
      (e: { kind: string; actorId: string }) => e.kind === 'event' && e.actorId === h.users.coach.user.id,
    );
    expect(changes.length).toBeGreaterThanOrEqual(1);
  });
});
