/** The command schemas: shapes, dates, descriptions (the API generates OpenAPI from them). */
import { z } from 'zod';
import { commandSchemas, COMMAND_NAMES, koppelingSchema } from '../../domain';

describe('command schemas', () => {
  it('has one schema per coach action', () => {
    expect(COMMAND_NAMES).toEqual(
      expect.arrayContaining([
        'planBredeIntake',
        'completeBredeIntake',
        'registerKennisgeving',
        'registerBrpInschrijving',
        'setPip',
        'revisePip',
        'startModule',
        'completeModule',
        'recordProgressHours',
        'recordExamResult',
        'switchRoute',
        'downgradeRoute',
        'recordVoortgangsgesprek',
        'grantExtension',
        'grantExemption',
        'pause',
        'resume',
        'transfer',
        'endTrajectory',
        'reassignCoach',
      ]),
    );
  });

  it.each(COMMAND_NAMES)('%s: every field is described', (name) => {
    const json = z.toJSONSchema(commandSchemas[name], { io: 'input' }) as {
      description?: string;
      properties: Record<string, { description?: string }>;
    };
    expect(json.description).toBeTruthy();
    for (const [field, schema] of Object.entries(json.properties))
      expect([field, schema.description]).toEqual([field, expect.any(String)]);
  });

  it.each([
    ['2025-02-30', false],
    ['2025-2-3', false],
    ['2025-02-28T10:00:00Z', false],
    ['2025-02-28', true],
  ])('date %s valid: %s', (date, ok) => {
    expect(commandSchemas.registerKennisgeving.safeParse({ date }).success).toBe(ok);
  });

  it('refuses unknown enum values and bad ids', () => {
    expect(
      commandSchemas.setPip.safeParse({
        decisionDate: '2025-01-01',
        route: 'A2',
        modules: [{ module: 'PVT' }],
      }).success,
    ).toBe(false);
    expect(commandSchemas.reassignCoach.safeParse({ coachId: 'Jan Jansen' }).success).toBe(false);
    expect(commandSchemas.transfer.safeParse({ toGemeenteCode: 'Zwolle', date: '2025-01-01' }).success).toBe(
      false,
    );
    expect(
      commandSchemas.downgradeRoute.safeParse({ date: '2025-01-01', effortDemonstrated: false, reason: 'x' })
        .success,
    ).toBe(false);
  });

  it('koppeling needs a uuid, never a BSN', () => {
    const base = { koppelingDate: '2025-01-06', doelgroep: 'asielstatushouder', coachId: 'coach-1' };
    expect(koppelingSchema.safeParse({ ...base, inburgeraarId: '123456782' }).success).toBe(false);
    expect(
      koppelingSchema.safeParse({ ...base, inburgeraarId: '7b0c5b8e-3f8c-4a5e-9a43-0f6f3a1d2c11' }).success,
    ).toBe(true);
  });

  it('an import must carry the facts of its phase', () => {
    const base = {
      inburgeraarId: '7b0c5b8e-3f8c-4a5e-9a43-0f6f3a1d2c11',
      koppelingDate: '2025-01-06',
      doelgroep: 'gezinsmigrant',
      coachId: 'c',
    };
    const r = koppelingSchema.safeParse({
      ...base,
      import: { phase: 'LEERROUTE', intakeDate: '2025-02-01' },
    });
    expect(r.success).toBe(false);
    expect(r.error!.issues.map((i) => i.path.join('.'))).toEqual([
      'import.pipDecisionDate',
      'import.route',
      'import.kennisgevingDate',
    ]);
  });
});
