import { firstOccurrence, nextOccurrence, type NextOccurrenceInput } from '../../server/todo/repeat';
import { readRepeat } from '../../shared/repeat-rule';

const SH = 'Asia/Shanghai';
const LA = 'America/Los_Angeles';
const d = (iso: string) => new Date(iso);
const iso = (date: Date | null | undefined) => date?.toISOString() ?? null;

describe('the accepted RRULE subset', () => {
  it.each([
    ['FREQ=DAILY', 'FREQ=DAILY'],
    ['RRULE:freq=weekly;byday=fr,mo', 'FREQ=WEEKLY;BYDAY=MO,FR'],
    ['FREQ=DAILY;INTERVAL=1', 'FREQ=DAILY'],
    ['INTERVAL=2;FREQ=WEEKLY;BYDAY=FR', 'FREQ=WEEKLY;INTERVAL=2;BYDAY=FR'],
    ['FREQ=WEEKLY;BYDAY=FR,MO,TU,TH,WE', 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR'],
    ['FREQ=MONTHLY;BYMONTHDAY=15,1,15', 'FREQ=MONTHLY;BYMONTHDAY=1,15'],
    ['FREQ=MONTHLY;BYMONTHDAY=-1', 'FREQ=MONTHLY;BYMONTHDAY=-1'],
    ['FREQ=YEARLY;BYMONTHDAY=31;BYMONTH=12', 'FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=31'],
    ['FREQ=DAILY;COUNT=5', 'FREQ=DAILY;COUNT=5'],
    ['FREQ=DAILY;UNTIL=20261231', 'FREQ=DAILY;UNTIL=20261231'],
    ['FREQ=DAILY;UNTIL=20261231T155959Z', 'FREQ=DAILY;UNTIL=20261231T155959Z'],
    ['FREQ=WEEKLY;WKST=MO;BYDAY=MO', 'FREQ=WEEKLY;BYDAY=MO'],
    ['  FREQ=YEARLY  ', 'FREQ=YEARLY'],
  ])('%s reads as %s', (input, normal) => {
    const read = readRepeat(input);
    expect(read).toMatchObject({ ok: true, rule: normal });
    // The normal form reads back as itself.
    expect(readRepeat(normal)).toMatchObject({ ok: true, rule: normal });
  });

  it.each([
    [42, 'must be an RRULE string'],
    ['', 'must not be empty'],
    ['RRULE:', 'must not be empty'],
    ['INTERVAL=2', 'FREQ is required'],
    ['FREQ=HOURLY', 'FREQ must be DAILY, WEEKLY, MONTHLY or YEARLY'],
    ['FREQ=DAILY;FREQ=WEEKLY', 'FREQ is given twice'],
    ['FREQ=DAILY;;COUNT=2', '"" is not NAME=VALUE'],
    ['FREQ=DAILY;INTERVAL=0', 'INTERVAL must be a whole number from 1 to 99'],
    ['FREQ=DAILY;INTERVAL=100', 'INTERVAL must be a whole number from 1 to 99'],
    ['FREQ=DAILY;INTERVAL=1,2', 'INTERVAL must be a whole number from 1 to 99'],
    ['FREQ=WEEKLY;BYDAY=1MO', 'BYDAY takes weekdays MO, TU, WE, TH, FR, SA, SU, without a position such as 1MO'],
    ['FREQ=MONTHLY;BYDAY=MO', 'BYDAY is only supported with FREQ=DAILY or WEEKLY'],
    ['FREQ=MONTHLY;BYMONTHDAY=32', 'BYMONTHDAY takes days 1 to 31, or -1 to -31 counted from the end of the month'],
    ['FREQ=MONTHLY;BYMONTHDAY=0', 'BYMONTHDAY takes days 1 to 31, or -1 to -31 counted from the end of the month'],
    ['FREQ=WEEKLY;BYMONTHDAY=1', 'BYMONTHDAY is only supported with FREQ=MONTHLY or YEARLY'],
    ['FREQ=MONTHLY;BYMONTH=13', 'BYMONTH takes months 1 to 12'],
    ['FREQ=MONTHLY;BYMONTH=2', 'BYMONTH is only supported with FREQ=YEARLY'],
    ['FREQ=DAILY;COUNT=0', 'COUNT must be a whole number from 1 to 999'],
    ['FREQ=DAILY;COUNT=2;UNTIL=20261231', 'COUNT and UNTIL cannot both be set'],
    ['FREQ=DAILY;UNTIL=20270230', 'UNTIL must be a date YYYYMMDD or a UTC time YYYYMMDDTHHMMSSZ'],
    ['FREQ=DAILY;UNTIL=20261231T090000', 'UNTIL must be a date YYYYMMDD or a UTC time YYYYMMDDTHHMMSSZ'],
    ['FREQ=DAILY;UNTIL=2026-12-31', 'UNTIL must be a date YYYYMMDD or a UTC time YYYYMMDDTHHMMSSZ'],
    ['FREQ=DAILY;WKST=SU', 'WKST must be MO (weeks start on Monday)'],
    ['FREQ=DAILY;BYSETPOS=1', 'BYSETPOS is not supported'],
    ['FREQ=DAILY;BYHOUR=9', 'BYHOUR is not supported'],
    ['FREQ=DAILY;' + 'COUNT=1;'.repeat(30), 'must be at most 200 characters'],
  ])('%p is refused: %s', (input, reason) => {
    expect(readRepeat(input)).toEqual({ ok: false, reason });
  });
});

function next(input: Partial<NextOccurrenceInput> & { rule: string; dueAt: Date }) {
  const occurrence = nextOccurrence({ zone: SH, ...input });
  return occurrence && { ...occurrence, dueAt: iso(occurrence.dueAt), remindAt: iso(occurrence.remindAt) };
}

describe('the next occurrence, from the due time', () => {
  it.each([
    ['FREQ=DAILY', '2026-12-07T09:00:00+08:00', '2026-12-08T01:00:00.000Z'],
    ['FREQ=DAILY;INTERVAL=3', '2026-12-07T09:00:00+08:00', '2026-12-10T01:00:00.000Z'],
    ['FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR', '2026-12-11T09:00:00+08:00', '2026-12-14T01:00:00.000Z'],
    ['FREQ=WEEKLY;BYDAY=MO,WE', '2026-12-07T20:00:00+08:00', '2026-12-09T12:00:00.000Z'],
    ['FREQ=WEEKLY;INTERVAL=2;BYDAY=FR', '2026-12-11T09:00:00+08:00', '2026-12-25T01:00:00.000Z'],
    ['FREQ=WEEKLY', '2026-12-09T18:30:00+08:00', '2026-12-16T10:30:00.000Z'],
    ['FREQ=MONTHLY;BYMONTHDAY=1', '2026-12-01T09:00:00+08:00', '2027-01-01T01:00:00.000Z'],
    // RFC 5545: a month without the day is passed over, not moved.
    ['FREQ=MONTHLY;BYMONTHDAY=31', '2027-01-31T09:00:00+08:00', '2027-03-31T01:00:00.000Z'],
    ['FREQ=MONTHLY;BYMONTHDAY=-1', '2027-01-31T09:00:00+08:00', '2027-02-28T01:00:00.000Z'],
    ['FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=31', '2026-12-31T17:00:00+08:00', '2027-12-31T09:00:00.000Z'],
    ['FREQ=YEARLY', '2028-02-29T09:00:00+08:00', '2032-02-29T01:00:00.000Z'],
    // A due time that does not fit the rule (edited by hand) moves to the rule's next day.
    ['FREQ=WEEKLY;BYDAY=MO', '2026-12-09T09:00:00+08:00', '2026-12-14T01:00:00.000Z'],
  ])('%s after %s is %s', (rule, due, expected) => {
    expect(next({ rule, dueAt: d(due) })).toEqual({ dueAt: expected, remindAt: null, rule, skipped: 0 });
  });

  it('keeps a daily 09:00 at 09:00 across both DST changes in Los Angeles', () => {
    expect(next({ rule: 'FREQ=DAILY', dueAt: d('2026-03-07T09:00:00-08:00'), zone: LA })?.dueAt).toBe(
      '2026-03-08T16:00:00.000Z',
    );
    expect(next({ rule: 'FREQ=DAILY', dueAt: d('2026-10-31T09:00:00-07:00'), zone: LA })?.dueAt).toBe(
      '2026-11-01T17:00:00.000Z',
    );
  });

  it('moves an occurrence in the spring gap forward by the gap, and takes the earlier of a repeated hour', () => {
    expect(next({ rule: 'FREQ=DAILY', dueAt: d('2026-03-07T02:30:00-08:00'), zone: LA })?.dueAt).toBe(
      '2026-03-08T10:30:00.000Z',
    );
    expect(next({ rule: 'FREQ=DAILY', dueAt: d('2026-10-31T01:30:00-07:00'), zone: LA })?.dueAt).toBe(
      '2026-11-01T08:30:00.000Z',
    );
  });

  it('keeps the reminder at the same distance before the due time', () => {
    const occurrence = next({
      rule: 'FREQ=DAILY',
      dueAt: d('2026-03-07T09:00:00-08:00'),
      remindAt: d('2026-03-07T08:50:00-08:00'),
      zone: LA,
    });
    expect(occurrence).toMatchObject({ dueAt: '2026-03-08T16:00:00.000Z', remindAt: '2026-03-08T15:50:00.000Z' });
  });
});

describe('the end of a series', () => {
  it('carries COUNT down the series and ends it at 1', () => {
    let rule = 'FREQ=DAILY;COUNT=3';
    let dueAt = d('2026-12-07T09:00:00+08:00');
    const dues: string[] = [];
    for (let occurrence = nextOccurrence({ rule, dueAt, zone: SH }); occurrence;) {
      dues.push(`${iso(occurrence.dueAt)} ${occurrence.rule}`);
      ({ rule, dueAt } = occurrence);
      occurrence = nextOccurrence({ rule, dueAt, zone: SH });
    }
    expect(dues).toEqual([
      '2026-12-08T01:00:00.000Z FREQ=DAILY;COUNT=2',
      '2026-12-09T01:00:00.000Z FREQ=DAILY;COUNT=1',
    ]);
  });

  it('ends with UNTIL as a date, through the end of that day in the user zone', () => {
    const rule = 'FREQ=DAILY;UNTIL=20261208';
    expect(next({ rule, dueAt: d('2026-12-07T23:30:00+08:00') })?.dueAt).toBe('2026-12-08T15:30:00.000Z');
    expect(next({ rule, dueAt: d('2026-12-08T09:00:00+08:00') })).toBeNull();
    expect(next({ rule, dueAt: d('2026-12-07T23:30:00-08:00'), zone: LA })?.dueAt).toBe('2026-12-09T07:30:00.000Z');
  });

  it('ends with UNTIL as an instant, inclusive', () => {
    const dueAt = d('2026-12-07T09:00:00+08:00');
    expect(next({ rule: 'FREQ=DAILY;UNTIL=20261208T010000Z', dueAt })?.dueAt).toBe('2026-12-08T01:00:00.000Z');
    expect(next({ rule: 'FREQ=DAILY;UNTIL=20261208T005959Z', dueAt })).toBeNull();
  });

  it('refuses a rule outside the subset', () => {
    expect(() => next({ rule: 'FREQ=HOURLY', dueAt: d('2026-12-07T09:00:00+08:00') })).toThrow(/FREQ must be/);
  });
});

describe('from completion, skipping and catching up', () => {
  const dueAt = d('2026-12-07T09:00:00+08:00');
  const completedAt = d('2026-12-09T15:00:00+08:00');

  it.each([
    ['FREQ=DAILY', '2026-12-10T01:00:00.000Z', '2026-12-08T01:00:00.000Z'],
    ['FREQ=DAILY;INTERVAL=2', '2026-12-11T01:00:00.000Z', '2026-12-09T01:00:00.000Z'],
    ['FREQ=WEEKLY;BYDAY=MO', '2026-12-14T01:00:00.000Z', '2026-12-14T01:00:00.000Z'],
    ['FREQ=WEEKLY', '2026-12-16T01:00:00.000Z', '2026-12-14T01:00:00.000Z'],
    ['FREQ=MONTHLY', '2027-01-09T01:00:00.000Z', '2027-01-07T01:00:00.000Z'],
  ])('%s counts from the day it was completed (%s), at the due time of day', (rule, fromCompletion, fromDue) => {
    expect(next({ rule, dueAt, completedAt, repeatFrom: 'completion' })?.dueAt).toBe(fromCompletion);
    expect(next({ rule, dueAt, completedAt, repeatFrom: 'due' })?.dueAt).toBe(fromDue);
    expect(next({ rule, dueAt, completedAt })?.dueAt).toBe(fromDue);
  });

  it('skips the next occurrence, which uses up COUNT', () => {
    expect(next({ rule: 'FREQ=DAILY;COUNT=4', dueAt, skip: 1 })).toEqual({
      dueAt: '2026-12-09T01:00:00.000Z',
      remindAt: null,
      rule: 'FREQ=DAILY;COUNT=2',
      skipped: 1,
    });
    expect(next({ rule: 'FREQ=DAILY;COUNT=2', dueAt, skip: 1 })).toBeNull();
    expect(
      next({ rule: 'FREQ=WEEKLY;INTERVAL=2;BYDAY=FR', dueAt: d('2026-12-11T09:00:00+08:00'), skip: 1 })?.dueAt,
    ).toBe('2027-01-08T01:00:00.000Z');
  });

  it('catches up past an instant, counting what it passed over', () => {
    const occurrence = next({
      rule: 'FREQ=DAILY;COUNT=10',
      dueAt: d('2026-12-01T09:00:00+08:00'),
      after: d('2026-12-07T10:00:00+08:00'),
    });
    expect(occurrence).toEqual({
      dueAt: '2026-12-08T01:00:00.000Z',
      remindAt: null,
      rule: 'FREQ=DAILY;COUNT=3',
      skipped: 6,
    });
  });
});

describe('the first occurrence of a new series', () => {
  const now = d('2026-12-07T10:00:00+08:00'); // a Monday
  const today = (hour: number, minute = 0) => ({ year: 2026, month: 12, day: 7, hour, minute });

  it.each([
    ['FREQ=WEEKLY;BYDAY=MO', today(9), '2026-12-14T01:00:00.000Z'],
    ['FREQ=WEEKLY;BYDAY=MO', today(15), '2026-12-07T07:00:00.000Z'],
    ['FREQ=DAILY', today(7, 30), '2026-12-07T23:30:00.000Z'],
    ['FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR', today(9), '2026-12-08T01:00:00.000Z'],
    ['FREQ=WEEKLY;INTERVAL=2;BYDAY=FR', today(9), '2026-12-11T01:00:00.000Z'],
    ['FREQ=MONTHLY;BYMONTHDAY=1', today(9), '2027-01-01T01:00:00.000Z'],
    ['FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=31', today(9), '2026-12-31T01:00:00.000Z'],
  ])('%s from %j', (rule, start, expected) => {
    expect(iso(firstOccurrence({ rule, start, zone: SH, after: now }))).toBe(expected);
  });

  it('is null when UNTIL has passed', () => {
    expect(firstOccurrence({ rule: 'FREQ=DAILY;UNTIL=20261201', start: today(9), zone: SH })).toBeNull();
  });
});
