/**
 * Timer triggers, as CloudBase runs them from a function's config.json:
 *   { "name": "everyMinute", "type": "timer", "config": "0 * * * * * *" }
 * The cron has 7 fields — second minute hour day-of-month month day-of-week year — evaluated in
 * China Standard Time (the zone CloudBase's console documents). Each field takes `*`, numbers,
 * `a-b` ranges, `,` lists and `/n` steps; months and weekdays also take JAN–DEC and SUN–SAT
 * (0 = Sunday). As in classic cron, when both day-of-month and day-of-week are restricted a day
 * matching either fires.
 */
import { shanghaiInstant, shanghaiWall } from '../clock';

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const WEEKDAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

interface FieldSpec {
  name: string;
  min: number;
  max: number;
  names?: string[];
  /** Index in `names` that is the value `min`. */
  namesFrom?: number;
}

const FIELDS: FieldSpec[] = [
  { name: 'second', min: 0, max: 59 },
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day-of-month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: MONTHS, namesFrom: 1 },
  { name: 'day-of-week', min: 0, max: 6, names: WEEKDAYS, namesFrom: 0 },
  { name: 'year', min: 1970, max: 2099 },
];

export interface Cron {
  readonly source: string;
  /** Allowed values per field, in FIELDS order. */
  readonly sets: ReadonlyArray<ReadonlySet<number>>;
  readonly anyDayOfMonth: boolean;
  readonly anyDayOfWeek: boolean;
}

export class CronError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CronError';
  }
}

function value(text: string, spec: FieldSpec, source: string): number {
  const upper = text.toUpperCase();
  const named = spec.names?.indexOf(upper) ?? -1;
  const n = named >= 0 ? named + (spec.namesFrom ?? 0) : /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isInteger(n) || n < spec.min || n > spec.max) {
    throw new CronError(`"${source}": ${spec.name} value "${text}" is outside ${spec.min}-${spec.max}`);
  }
  return n;
}

function parseField(text: string, spec: FieldSpec, source: string): { set: Set<number>; any: boolean } {
  const set = new Set<number>();
  let any = false;
  for (const part of text.split(',')) {
    const [range, stepText, extra] = part.split('/');
    if (extra !== undefined || range === '') throw new CronError(`"${source}": bad ${spec.name} "${part}"`);
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1) throw new CronError(`"${source}": bad step in ${spec.name} "${part}"`);
    let from: number;
    let to: number;
    if (range === '*' || range === '?') {
      [from, to] = [spec.min, spec.max];
      if (step === 1) any = true;
    } else if (range.includes('-')) {
      const [a, b] = range.split('-');
      [from, to] = [value(a, spec, source), value(b, spec, source)];
      if (from > to) throw new CronError(`"${source}": ${spec.name} range "${range}" runs backwards`);
    } else {
      from = value(range, spec, source);
      // "5/15" means from 5 on, every 15.
      to = stepText === undefined ? from : spec.max;
    }
    for (let v = from; v <= to; v += step) set.add(v);
  }
  return { set, any };
}

/** Parses a 7-field CloudBase cron; throws CronError saying which field is wrong. */
export function parseCron(source: string): Cron {
  const parts = source.trim().split(/\s+/);
  if (parts.length !== 7) {
    throw new CronError(`"${source}": a CloudBase timer needs 7 fields (second minute hour day month week year)`);
  }
  const parsed = parts.map((part, i) => parseField(part, FIELDS[i], source));
  return {
    source,
    sets: parsed.map((p) => p.set),
    anyDayOfMonth: parsed[3].any,
    anyDayOfWeek: parsed[5].any,
  };
}

function dayMatches(cron: Cron, day: number, weekday: number): boolean {
  const byMonth = cron.sets[3].has(day);
  const byWeek = cron.sets[5].has(weekday);
  if (cron.anyDayOfMonth) return byWeek;
  if (cron.anyDayOfWeek) return byMonth;
  return byMonth || byWeek;
}

/** The first instant strictly after `after` (whole seconds) that the cron matches, or undefined. */
export function nextFire(cron: Cron, after: Date): Date | undefined {
  const [seconds, minutes, hours, , months, , years] = cron.sets;
  let ms = Math.floor(after.getTime() / 1000) * 1000 + 1000;
  // Each step jumps to the start of the next candidate unit, so this ends in a few hundred steps.
  for (let guard = 0; guard < 100_000; guard++) {
    const t = shanghaiWall(ms);
    if (t.year > 2099) return undefined;
    if (!years.has(t.year)) {
      ms = shanghaiInstant(t.year + 1, 1, 1);
    } else if (!months.has(t.month)) {
      ms = t.month === 12 ? shanghaiInstant(t.year + 1, 1, 1) : shanghaiInstant(t.year, t.month + 1, 1);
    } else if (!dayMatches(cron, t.day, t.weekday)) {
      ms = shanghaiInstant(t.year, t.month, t.day + 1);
    } else if (!hours.has(t.hour)) {
      ms = shanghaiInstant(t.year, t.month, t.day, t.hour + 1);
    } else if (!minutes.has(t.minute)) {
      ms = shanghaiInstant(t.year, t.month, t.day, t.hour, t.minute + 1);
    } else if (!seconds.has(t.second)) {
      ms += 1000;
    } else {
      return new Date(ms);
    }
  }
  return undefined;
}
