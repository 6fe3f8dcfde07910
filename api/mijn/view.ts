/**
 * What the inburgeraar sees on their own page, computed from the trajectory's state only (the
 * workflow's getState answer): nothing is typed twice. Pure: no I/O, no clock, no language. The
 * answer is a list of messages (catalogue keys with values) that ./render.ts turns into HTML in the
 * chosen language.
 *
 *  - where they stand: the phase and the route in plain words;
 *  - the next step and who takes it, from `nextStepOf` (domain/next-step.ts): the same step the
 *    coach's caseload shows, told from the person's side;
 *  - the dates that matter to them, each with who it binds, what happens when it passes and the
 *    article it comes from (the deadline's own `source`): the intake and the leerbaarheidstoets,
 *    the PIP decision, the deadlines of the trajectory (not the gemeente's internal housing
 *    target), the agreed module dates and, from the summary, when an extension can be asked;
 *  - modules and exam results.
 */
import {
  INTAKE_FINE_EUR,
  isEnded,
  nextStepOf,
  REQUIRED_EXAMS,
  summarize,
  type Binds,
  type CommandName,
  type ExamComponent,
  type Leerroute,
  type ModuleCode,
  type Phase,
  type TrajectoryState,
} from '../../domain';
import type { MessageKey, MessageValues } from './i18n';

export interface Message {
  key: MessageKey;
  values?: MessageValues;
}

/** A message whose key is built from a rule id: `fallback` (Dutch, from the state) when unknown. */
export interface OpenMessage {
  key: string;
  values?: MessageValues;
  fallback: string;
}

export type Who = 'you' | 'coach' | 'gemeente' | 'taalschool' | 'school' | 'duo';
export type DateStatus = 'planned' | 'done' | 'open' | 'late' | 'moved' | 'waiting' | 'info';

export interface DateItem {
  title: Message | OpenMessage;
  date: string;
  status: DateStatus;
  /** When it was done (also when late). */
  doneOn?: string;
  /** The date before an extension moved it. */
  movedFrom?: string;
  who: Who[];
  /** What happens when this date passes without the step being done. */
  missed?: Message | OpenMessage;
  /** The article(s) it comes from. */
  source?: string;
}

export interface ModuleItem {
  module: ModuleCode;
  agreedStartDate?: string;
  agreedEndDate?: string;
  startDate?: string;
  completedDate?: string;
}

export interface ExamItem {
  component: ExamComponent;
  /** The latest attempt, when there was one. */
  latest?: { date: string; attempt: number; passed: boolean; level: string };
  required: boolean;
}

export interface PersonalPage {
  name: { voornaam: string; achternaam: string } | undefined;
  phase: Phase;
  route: Leerroute | undefined;
  taalniveau: string;
  paused: boolean;
  ended: { reason: string; date: string } | undefined;
  next: { text: Message; who: Who[] };
  dates: DateItem[];
  modules: ModuleItem[];
  exams: ExamItem[];
  coachName: string | undefined;
  linkExpiresOn: string;
}

export interface PersonalPageInput {
  state: TrajectoryState;
  name?: { voornaam: string; achternaam: string } | undefined;
  coachName?: string | undefined;
  /** When the link used to open the page expires (ISO instant or date). */
  linkExpiresAt: string;
}

/**
 * The brede intake and the leerbaarheidstoets: the person must take part; after a written warning
 * the college fines (Wi2021 art. 14 and 22; Besluit inburgering 2021 art. 7.1). Not a deadline of
 * the state (the intake has no legal term of its own), so its article is named here.
 */
export const INTAKE_SOURCE = 'Wi2021 art. 14 en art. 22; Besluit inburgering 2021 art. 7.1';

/** The gemeente's internal targets: not a date the person has to act on. */
export const INTERNAL_RULES = new Set(['HUISVESTING']);

/** Who takes each next step (`nextStepOf`); a step not listed here is the coach's. */
const NEXT_STEP_WHO: Partial<Record<CommandName, (route: Leerroute | undefined) => Who[]>> = {
  planBredeIntake: () => ['coach'],
  completeBredeIntake: () => ['you', 'coach'],
  setPip: () => ['coach'],
  recordExamResult: () => ['you', 'taalschool'],
  completeLeerroute: (route) => (route === 'ONDERWIJS' ? ['you', 'school'] : ['you', 'taalschool']),
  resume: () => ['coach'],
};
/** The next steps that have their own text (`next.<step>` in the catalogues). */
export const NEXT_STEPS_WITH_TEXT = Object.keys(NEXT_STEP_WHO) as CommandName[];

const BINDS_WHO: Record<Binds, Who[]> = {
  gemeente: ['gemeente'],
  inburgeraar: ['you'],
  coach: ['coach'],
  'gemeente+inburgeraar': ['you', 'gemeente'],
};

function nextStep(state: TrajectoryState): { text: Message; who: Who[] } {
  if (isEnded(state.phase)) return { text: { key: 'next.ended' }, who: [] };
  const step = nextStepOf({ phase: state.phase, paused: Boolean(state.paused), route: state.route });
  const who = step ? NEXT_STEP_WHO[step] : undefined;
  if (!step || !who) return { text: { key: 'next.other' }, who: ['coach'] };
  const pipDeadline = state.deadlines.find((d) => d.rule === 'PIP_VASTSTELLEN');
  const openExams = (REQUIRED_EXAMS[state.route ?? 'B1'] ?? []).filter(
    (c) => !(state.exams[c] ?? []).some((a) => a.passed),
  );
  const values: Record<string, MessageValues> = {
    completeBredeIntake: state.dates.intakePlanned
      ? { planned: 'yes', date: { date: state.dates.intakePlanned } }
      : { planned: 'no', date: '' },
    setPip: pipDeadline ? { known: 'yes', date: { date: pipDeadline.dueDate } } : { known: 'no', date: '' },
    recordExamResult: { count: openExams.length },
    completeLeerroute: { route: state.route ?? 'other' },
  };
  return { text: { key: `next.${step}` as MessageKey, values: values[step] ?? {} }, who: who(state.route) };
}

function deadlineStatus(d: TrajectoryState['deadlines'][number]): DateStatus {
  if (d.suspended) return 'waiting';
  switch (d.status) {
    case 'met':
      return 'done';
    case 'missed':
      return d.fulfilledDate ? 'done' : 'late';
    case 'moved':
      return 'moved';
    default:
      return 'open';
  }
}

function datesOf(state: TrajectoryState): DateItem[] {
  const items: DateItem[] = [];
  const { dates, intake } = state;
  const intakeMissed: Message = { key: 'missed.intake', values: { amount: INTAKE_FINE_EUR } };
  if (dates.intakePlanned || dates.intake)
    items.push({
      title: { key: 'date.intake' },
      date: dates.intake ?? dates.intakePlanned!,
      status: dates.intake ? 'done' : 'planned',
      who: ['you', 'coach'],
      missed: intakeMissed,
      source: INTAKE_SOURCE,
    });
  if (dates.lbtPlanned || intake.lbt?.date)
    items.push({
      title: { key: 'date.lbt' },
      date: intake.lbt?.date ?? dates.lbtPlanned!,
      status: intake.lbt?.date ? 'done' : 'planned',
      who: ['you'],
      missed: intakeMissed,
      source: INTAKE_SOURCE,
    });

  const voortgang = state.deadlines.filter(
    (d) => d.rule === 'VOORTGANGSGESPREK' && (d.status === 'open' || d.status === 'missed'),
  );
  const nextGesprek = voortgang.find((d) => d.status === 'open') ?? voortgang.at(-1);
  for (const d of state.deadlines) {
    if (INTERNAL_RULES.has(d.rule) || d.status === 'dropped' || d.status === 'expired') continue;
    if (d.rule === 'VOORTGANGSGESPREK' && d !== nextGesprek) continue;
    const module = d.rule === 'MODULE_AFSPRAAK' ? d.key.replace(/^MODULE-/, '') : undefined;
    const item: DateItem = {
      title: {
        key: `deadline.${d.rule}.title`,
        values: module ? { module: module } : {},
        fallback: d.label,
      },
      date: d.dueDate,
      status: deadlineStatus(d),
      who: BINDS_WHO[d.binds] ?? ['gemeente'],
      missed: { key: `deadline.${d.rule}.missed`, fallback: d.label },
      source: d.source,
    };
    if (d.fulfilledDate) item.doneOn = d.fulfilledDate;
    if (d.originalDueDate !== d.dueDate) item.movedFrom = d.originalDueDate;
    items.push(item);
  }
  if (dates.pipDecision)
    items.push({
      title: { key: 'date.pipDecision' },
      date: dates.pipDecision,
      status: 'done',
      who: ['gemeente'],
    });

  for (const m of Object.values(state.modules)) {
    if (m?.inPip && m.agreedStartDate && !m.startDate)
      items.push({
        title: { key: 'date.moduleStart', values: { module: m.module } },
        date: m.agreedStartDate,
        status: 'planned',
        who: ['you', m.module === 'PVT' || m.module === 'MAP' ? 'gemeente' : 'taalschool'],
      });
  }

  const summary = summarize(state);
  if (summary.milestones.extensionRequestFrom && !isEnded(state.phase))
    items.push({
      title: { key: 'date.extensionRequestFrom' },
      date: summary.milestones.extensionRequestFrom,
      status: 'info',
      who: ['you', 'duo'],
    });
  return items.sort((a, b) => a.date.localeCompare(b.date));
}

export function personalPage(input: PersonalPageInput): PersonalPage {
  const { state } = input;
  const modules: ModuleItem[] = Object.values(state.modules)
    .filter((m): m is NonNullable<typeof m> => Boolean(m?.inPip))
    .map((m) => ({
      module: m.module,
      ...(m.agreedStartDate ? { agreedStartDate: m.agreedStartDate } : {}),
      ...(m.agreedEndDate ? { agreedEndDate: m.agreedEndDate } : {}),
      ...(m.startDate ? { startDate: m.startDate } : {}),
      ...(m.completedDate ? { completedDate: m.completedDate } : {}),
    }));
  const required = state.route ? REQUIRED_EXAMS[state.route] : [];
  const components = [
    ...new Set<ExamComponent>([...required, ...(Object.keys(state.exams) as ExamComponent[])]),
  ];
  const exams: ExamItem[] = components.map((component) => {
    const latest = (state.exams[component] ?? []).at(-1);
    return {
      component,
      required: required.includes(component),
      ...(latest
        ? {
            latest: {
              date: latest.date,
              attempt: latest.attempt,
              passed: latest.passed,
              level: latest.level,
            },
          }
        : {}),
    };
  });
  return {
    name: input.name,
    phase: state.phase,
    route: state.route,
    taalniveau: state.taalniveau,
    paused: Boolean(state.paused),
    ended: state.ended ? { reason: state.ended.reason, date: state.ended.date } : undefined,
    next: nextStep(state),
    dates: datesOf(state),
    modules,
    exams,
    coachName: input.coachName,
    linkExpiresOn: input.linkExpiresAt.slice(0, 10),
  };
}
