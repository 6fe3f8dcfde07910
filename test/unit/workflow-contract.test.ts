/**
 * The workflow carries no zod (workflows/README.md): it reads the command contract from
 * workflows/contract.generated.json and resolves settings without the schema. These tests keep both
 * equal to the zod side, so the contract still exists once.
 */
import fs from 'node:fs';
import { COMMAND_NAMES, DEFAULT_SETTINGS, gemeenteSettingsSchema, koppelingSchema } from '../../domain';
import { resolveSettings } from '../../domain/core';
import { workflowContractText } from '../../domain/workflow-contract';
import { WORKFLOW_CONTRACT_FILE } from '../../scripts/generate-workflow-contract';
import { COMMAND_NAMES as WORKFLOW_COMMAND_NAMES } from '../../workflows/contract';
import { commandInputIssues, describeIssues, koppelingIssues } from '../../workflows/input-check';

describe('workflows/contract.generated.json', () => {
  it('is what domain/commands.ts produces now (else: npm run contract:generate)', () => {
    expect(fs.readFileSync(WORKFLOW_CONTRACT_FILE, 'utf8')).toBe(workflowContractText());
  });

  it('names every command, in the order of commandSchemas', () => {
    expect(WORKFLOW_COMMAND_NAMES).toEqual(COMMAND_NAMES);
  });
});

describe('resolveSettings without zod', () => {
  const cases: Array<Record<string, unknown> | undefined> = [
    undefined,
    {},
    { voortgangsgesprekIntervalMonths: 6 },
    { reminderDaysBefore: [30, 7, 1], notificationHour: 8 },
    { escalationDaysAfter: 5, huisvestingTargetWeeks: 12, continueAsNewAfterEvents: 40 },
    { notificationHour: undefined, voortgangsgesprekIntervalMonths: 2 },
  ];
  it.each(cases.map((c) => [JSON.stringify(c), c]))('%s equals the schema parse', (_, overrides) => {
    const parsed = overrides === undefined ? undefined : gemeenteSettingsSchema.partial().parse(overrides);
    expect(resolveSettings(parsed)).toEqual(gemeenteSettingsSchema.parse({ ...DEFAULT_SETTINGS, ...parsed }));
  });

  it('drops keys the schema does not know and copies arrays', () => {
    const overrides = { reminderDaysBefore: [5], bogus: 1 } as never;
    const resolved = resolveSettings(overrides);
    expect(resolved).not.toHaveProperty('bogus');
    expect(resolved.reminderDaysBefore).toEqual([5]);
    expect(resolved.reminderDaysBefore).not.toBe(
      (overrides as { reminderDaysBefore: number[] }).reminderDaysBefore,
    );
  });
});

describe('the workflow input check', () => {
  const koppeling = {
    inburgeraarId: '7b0c5b8e-3f8c-4a5e-9a43-0f6f3a1d2c11',
    koppelingDate: '2026-01-15',
    doelgroep: 'asielstatushouder',
    coachId: 'coach-1',
  };

  it('accepts a koppeling the zod schema accepts, and names the field of one it refuses', () => {
    expect(koppelingSchema.safeParse(koppeling).success).toBe(true);
    expect(koppelingIssues(koppelingSchema.parse(koppeling))).toEqual([]);
    const bad = { ...koppeling, doelgroep: 'toerist', koppelingDate: '15-01-2026' };
    expect(koppelingSchema.safeParse(bad).success).toBe(false);
    const fields = koppelingIssues(bad).map((i) => i.field);
    expect(fields).toEqual(expect.arrayContaining(['doelgroep', 'koppelingDate']));
  });

  it('accepts a valid setPip and refuses a wrong route, a missing field and an unknown command', () => {
    const setPip = {
      decisionDate: '2026-03-01',
      route: 'B1',
      modules: [{ module: 'PVT', agreedEndDate: '2026-09-30' }, { module: 'MAP' }, { module: 'KNM' }],
    };
    expect(commandInputIssues('setPip', setPip)).toEqual([]);
    const wrongRoute = commandInputIssues('setPip', { ...setPip, route: 'C2' });
    expect(wrongRoute.map((i) => i.field)).toContain('route');
    const { decisionDate: _, ...missing } = setPip;
    expect(describeIssues(commandInputIssues('setPip', missing))).toMatch(/decisionDate/);
    expect(commandInputIssues('noSuchCommand' as never, {})).toHaveLength(1);
  });

  it('refuses what is not an object at all', () => {
    expect(commandInputIssues('planBredeIntake', 'tomorrow').length).toBeGreaterThan(0);
    expect(commandInputIssues('planBredeIntake', null).length).toBeGreaterThan(0);
  });
});
