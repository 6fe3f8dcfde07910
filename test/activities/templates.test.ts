/** Every template the domain emits renders Dutch text with its dates; unknown ones still say something. */
import { datumNl, kindOf, KNOWN_TEMPLATES, render } from '../../activities/templates';
import type { NotificationRequest } from '../../activities/types';

const ctx = { gemeenteNaam: 'Gemeente Zwolle' };
const base = (template: string, data: NotificationRequest['data']): NotificationRequest => ({
  key: `inburgering-p1:${template}`,
  template,
  recipient: { role: 'coach', id: 'c1' },
  channel: 'email',
  data,
  workflowId: 'inburgering-p1',
  inburgeraarId: 'p1',
  at: '2027-01-01T00:00:00.000Z',
});

it('formats calendar dates the Dutch way, without shifting the day', () => {
  expect(datumNl('2027-03-15')).toBe('15 maart 2027');
  expect(datumNl('2026-12-31')).toBe('31 december 2026');
  expect(datumNl('not a date')).toBe('not a date');
});

it.each([
  [
    'REMINDER',
    {
      deadlineKey: 'VOORTGANGSGESPREK-2',
      label: 'Voortgangsgesprek 2',
      dueDate: '2027-06-30',
      daysBefore: 3,
      source: 'policy',
    },
    /uiterlijk 30 juni 2027/,
    /Over 3 dagen.*Plan het voortgangsgesprek/s,
  ],
  [
    'ESCALATION',
    { label: 'PIP vaststellen', dueDate: '2027-03-15', daysOverdue: 1, coachId: 'c1' },
    /Termijn verstreken: PIP vaststellen \(15 maart 2027\)/,
    /1 dag geleden/,
  ],
  [
    'TERM_ENDED',
    { deadlineKey: 'ROUTE_SWITCH', label: 'Schakelen van leerroute mogelijk', dueDate: '2028-08-10' },
    /Termijn afgelopen/,
    /10 augustus 2028.*niet meer mogelijk/s,
  ],
  [
    'PIP_REFERRAL',
    { route: 'Z', taalniveau: 'B1', pipDecisionDate: '2027-02-10', termijnEnd: '2030-02-11', modules: 'PVT' },
    /PIP van 10 februari 2027/,
    /Z-route.*11 februari 2030/s,
  ],
  [
    'INTAKE_WAARSCHUWING',
    { noShowDate: '2027-01-12' },
    /Brede intake gemist op 12 januari 2027/,
    /schriftelijke waarschuwing/,
  ],
  [
    'INTAKE_ZONDER_INBURGERAAR',
    { noShowDate: '2027-02-26', summons: 3 },
    /derde oproep gemist \(26 februari 2027\)/,
    /zonder de inburgeraar \(Wi2021 art\. 14 lid 2;/,
  ],
  [
    'REMINDER',
    {
      deadlineKey: 'TIJDIG_AANBOD',
      label: 'Lessen gestart (tijdig aanbod)',
      dueDate: '2027-06-30',
      daysBefore: 14,
    },
    /uiterlijk 30 juni 2027/,
    /meld dan aan DUO.*verlenging zonder verwijt/s,
  ],
  ['INTAKE_BOETE', { noShowDate: '2027-02-12', fineEur: 250 }, /Boetebesluit/, /€ 250/],
  ['INTAKE_TWEEDE_BOETE', { noShowDate: '2027-03-12', fineEur: 250 }, /Tweede boete/, /PIP zonder inbreng/],
  [
    'TRANSFER',
    { toGemeenteCode: 'GM0363', date: '2027-05-01', phase: 'LEERROUTE', route: 'B1' },
    /Warme overdracht.*GM0363/,
    /per 1 mei 2027/,
  ],
  ['COACH_ASSIGNED', { coachId: 'c2' }, /U bent coach/, /kennismaking/],
  ['AFGEROND', { date: '2029-11-01', route: 'B1' }, /Inburgeringsplicht voldaan/, /op 1 november 2029/],
])('%s', (template, data, subject, text) => {
  const message = render(base(template, data), ctx);
  expect(message.subject).toMatch(subject);
  expect(message.text).toMatch(text);
  expect(message.text).toContain('Gemeente Zwolle');
});

it('covers every template id the domain emits', () => {
  expect(KNOWN_TEMPLATES.sort()).toEqual(
    [
      'AFGEROND',
      'COACH_ASSIGNED',
      'ESCALATION',
      'INTAKE_BOETE',
      'INTAKE_TWEEDE_BOETE',
      'INTAKE_WAARSCHUWING',
      'INTAKE_ZONDER_INBURGERAAR',
      'PIP_REFERRAL',
      'REMINDER',
      'TERM_ENDED',
      'TRANSFER',
    ].sort(),
  );
});

it('an unknown template still names the person and lists its parameters, dates in Dutch', () => {
  const message = render(base('NIEUW_SOORT', { startDate: '2027-04-01', reden: 'test' }), ctx);
  expect(message.subject).toBe('Bericht over inburgeraar p1: NIEUW_SOORT');
  expect(message.text).toContain('startDate: 1 april 2027');
  expect(message.text).toContain('reden: test');
});

it('sorts templates into outbox kinds', () => {
  expect(
    [
      'REMINDER',
      'INTAKE_WAARSCHUWING',
      'ESCALATION',
      'INTAKE_BOETE',
      'PIP_REFERRAL',
      'TRANSFER',
      'AFGEROND',
    ].map(kindOf),
  ).toEqual(['reminder', 'reminder', 'escalation', 'escalation', 'handoff', 'handoff', 'info']);
});
