/** Plain snapshots and events as the workflow hands them to the activities (no personal data). */
import { randomUUID } from 'node:crypto';
import type { ReadModelSnapshot, RecordEventInput } from '../../activities/types';

export function snapshot(
  inburgeraarId: string,
  eventSeq: number,
  overrides: Partial<ReadModelSnapshot> = {},
): ReadModelSnapshot {
  return {
    inburgeraarId,
    phase: 'BREDE_INTAKE',
    taalniveau: 'B1',
    doelgroep: 'asielstatushouder',
    coachId: 'coach-1',
    paused: false,
    overdue: false,
    nextDeadline: {
      key: 'PIP_VASTSTELLEN',
      label: 'PIP vaststellen',
      dueDate: '2027-03-15',
      source: 'Besluit inburgering 2021 art. 5.3',
    },
    deadlines: [
      {
        key: 'PIP_VASTSTELLEN',
        label: 'PIP vaststellen',
        kind: 'DEADLINE',
        dueDate: '2027-03-15',
        originalDueDate: '2027-03-15',
        status: 'open',
        source: 'Besluit inburgering 2021 art. 5.3',
      },
      {
        key: 'HUISVESTING',
        label: 'Huisvesting (doel)',
        kind: 'DEADLINE',
        dueDate: '2027-02-01',
        originalDueDate: '2027-02-01',
        status: 'met',
        fulfilledDate: '2027-01-20',
        source: 'policy',
      },
    ],
    milestones: { koppeling: '2026-11-23' },
    eventSeq,
    asOf: '2026-12-01',
    ...overrides,
  };
}

export function eventInput(
  inburgeraarId: string,
  eventSeq: number,
  snap: ReadModelSnapshot = snapshot(inburgeraarId, eventSeq),
  data: Record<string, unknown> = {},
): RecordEventInput {
  return {
    workflowId: `inburgering-${inburgeraarId}`,
    inburgeraarId,
    eventSeq,
    type: eventSeq === 1 ? 'KOPPELING' : 'planBredeIntake',
    at: new Date(Date.UTC(2026, 11, 1, 9, 0, eventSeq)).toISOString(),
    data,
    snapshot: snap,
  };
}

export const newPersonId = (): string => randomUUID();
