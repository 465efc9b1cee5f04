/**
 * Occurrences of a repeating todo, computed by rrule in the user's wall clock.
 *
 * The app's clock: rrule is given "floating" times, the user's wall-clock fields written as UTC
 * (09:00 in Los Angeles is 09:00Z), and never a TZID. It then does all its arithmetic in UTC, where
 * there is no DST and no dependence on the process's zone (its TZID path has open DST bugs and reads
 * the process's zone). Each occurrence it returns is read back as wall-clock fields and turned into
 * an instant in the user's zone by shared/time.ts, so a daily 09:00 todo stays at 09:00 across a DST
 * change, and a wall time in a spring gap moves forward by the gap.
 *
 * COUNT travels with the series: a todo's rule holds the occurrences left counting that todo, and
 * the next todo's rule holds one fewer (COUNT=1 is the last; its next is null). The rule is then
 * enough on its own whichever way the series repeats (from due or from completion, which has no
 * fixed series start), however often it is edited, skipped or regenerated.
 */
import { RRule } from 'rrule';
import { readRepeat, writeRepeat, type RepeatFreq, type RepeatFrom, type RepeatParts } from '../../shared/repeat-rule';
import { instantOf, wallOf, type WallFields } from '../../shared/time';

const FREQ: Record<RepeatFreq, number> = {
  DAILY: RRule.DAILY,
  WEEKLY: RRule.WEEKLY,
  MONTHLY: RRule.MONTHLY,
  YEARLY: RRule.YEARLY,
};
/** Occurrences looked at before giving up on a rule that no longer reaches the time asked for. */
const MAX_STEPS = 5000;

export interface NextOccurrenceInput {
  /** A rule readRepeat accepts. */
  rule: string;
  /** `due` (default): from this todo's due time; `completion`: from the day it was completed, at the due time of day. */
  repeatFrom?: RepeatFrom;
  dueAt: Date;
  completedAt?: Date | null;
  /** Carried over at the same distance before the new due time. */
  remindAt?: Date | null;
  /** The user's IANA zone, already checked (zoneOrDefault). */
  zone: string;
  /** Occurrences at or before this instant are passed over (and use up COUNT), e.g. `now` to catch up. */
  after?: Date;
  /** Further occurrences to pass over after the next (skip this many more); default 0. */
  skip?: number;
}

export interface Occurrence {
  dueAt: Date;
  remindAt: Date | null;
  /** The rule the new todo carries: COUNT lowered by the occurrences used up. */
  rule: string;
  /** Occurrences passed over between this todo and the new one. */
  skipped: number;
}

function parts(rule: string): RepeatParts {
  const read = readRepeat(rule);
  if (!read.ok) throw new Error(`repeat rule ${JSON.stringify(rule)}: ${read.reason}`);
  return read.parts;
}

/** Wall-clock fields as a floating Date (the fields written as UTC). */
function floating(wall: WallFields): Date {
  return new Date(Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour ?? 0, wall.minute ?? 0, wall.second ?? 0));
}

function floatingOf(instant: Date | number, zone: string): Date {
  return floating(wallOf(instant, zone));
}

/** The instant of a floating Date in the zone. */
function instantIn(date: Date, zone: string): number {
  return instantOf(
    {
      year: date.getUTCFullYear(),
      month: date.getUTCMonth() + 1,
      day: date.getUTCDate(),
      hour: date.getUTCHours(),
      minute: date.getUTCMinutes(),
      second: date.getUTCSeconds(),
    },
    zone,
  );
}

/** The rule as rrule sees it, without COUNT (carried by the todos) and with UNTIL made floating. */
function engine(p: RepeatParts, dtstart: Date, zone: string): RRule {
  let until: Date | null = null;
  if (p.until && 'date' in p.until) until = floating({ ...p.until.date, hour: 23, minute: 59, second: 59 });
  else if (p.until) until = floatingOf(p.until.instant, zone);
  return new RRule({
    freq: FREQ[p.freq],
    interval: p.interval,
    byweekday: p.byDay.length ? p.byDay : null,
    bymonthday: p.byMonthDay.length ? p.byMonthDay : null,
    bymonth: p.byMonth.length ? p.byMonth : null,
    wkst: RRule.MO,
    dtstart,
    until,
  });
}

/**
 * The todo that follows this one when it is completed (or skipped): its due time, its reminder and
 * its rule; null when the series has ended (COUNT used up, or past UNTIL).
 */
export function nextOccurrence(input: NextOccurrenceInput): Occurrence | null {
  const p = parts(input.rule);
  const due = wallOf(input.dueAt, input.zone);
  const from = input.repeatFrom === 'completion' ? wallOf(input.completedAt ?? input.dueAt, input.zone) : due;
  const anchor = floating({ ...from, hour: due.hour, minute: due.minute, second: due.second });
  const rule = engine(p, anchor, input.zone);
  const passOver = Math.max(0, Math.floor(input.skip ?? 0));
  const after = input.after?.getTime() ?? -Infinity;

  let skipped = 0;
  let cursor: Date | null = anchor;
  for (let step = 0; step < MAX_STEPS; step++) {
    cursor = rule.after(cursor, false);
    if (!cursor) return null;
    const instant = instantIn(cursor, input.zone);
    if (instant <= after || skipped < passOver) {
      skipped++;
      continue;
    }
    const left = p.count === null ? null : p.count - 1 - skipped;
    if (left !== null && left < 1) return null;
    const offset = input.remindAt ? input.dueAt.getTime() - input.remindAt.getTime() : null;
    return {
      dueAt: new Date(instant),
      remindAt: offset === null ? null : new Date(instant - offset),
      rule: writeRepeat({ ...p, count: left }),
      skipped,
    };
  }
  return null;
}

/**
 * The first occurrence of a new series: the first at or after `start` (wall-clock date and time in
 * the zone; it sets the time of day and, for a rule without BYDAY/BYMONTHDAY, the day it keeps)
 * that is after `after` (typically now). Null when the rule has none (UNTIL already past).
 */
export function firstOccurrence(input: { rule: string; start: WallFields; zone: string; after?: Date }): Date | null {
  const p = parts(input.rule);
  const rule = engine(p, floating(input.start), input.zone);
  const after = input.after?.getTime() ?? -Infinity;
  let cursor = rule.after(floating(input.start), true);
  for (let step = 0; cursor && step < MAX_STEPS; step++) {
    const instant = instantIn(cursor, input.zone);
    if (instant > after) return new Date(instant);
    cursor = rule.after(cursor, false);
  }
  return null;
}
