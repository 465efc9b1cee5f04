/**
 * The subset of RFC 5545 RRULE a repeating todo may carry (the text after `RRULE:`), read into
 * parts and written back in one normal form. Both sides read it: the server to validate and to
 * compute occurrences, the todo row to put the rule in words, so it lives here and imports nothing.
 *
 * Accepted: FREQ=DAILY|WEEKLY|MONTHLY|YEARLY (required); INTERVAL=1-99; BYDAY=MO..SU, plain
 * weekdays (DAILY, WEEKLY); BYMONTHDAY=1..31 or -31..-1 (MONTHLY, YEARLY); BYMONTH=1-12 (YEARLY);
 * COUNT=1-999 or UNTIL (a date YYYYMMDD, inclusive through that day in the user's zone, or a UTC
 * time YYYYMMDDTHHMMSSZ), not both; WKST=MO (weeks start on Monday, as in China and ISO 8601).
 * Normal form: FREQ;INTERVAL (when not 1);BYMONTH;BYMONTHDAY;BYDAY;COUNT;UNTIL, values sorted.
 */

export type RepeatFreq = 'DAILY' | 'WEEKLY' | 'MONTHLY' | 'YEARLY';
export type RepeatFrom = 'due' | 'completion';
/** RRULE weekday codes, Monday first. */
export const WEEKDAY_CODES = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'] as const;
export type WeekdayCode = (typeof WEEKDAY_CODES)[number];

/** UNTIL: a calendar date (the whole day counts) or an instant (ms since the epoch, UTC). */
export type RepeatUntil = { date: { year: number; month: number; day: number } } | { instant: number };

export interface RepeatParts {
  freq: RepeatFreq;
  interval: number;
  /** Monday-first order, no repeats; empty when absent. */
  byDay: WeekdayCode[];
  /** Ascending; empty when absent. */
  byMonthDay: number[];
  byMonth: number[];
  /** Occurrences left, counting the todo that carries the rule. */
  count: number | null;
  until: RepeatUntil | null;
}

export type RepeatRead = { ok: true; rule: string; parts: RepeatParts } | { ok: false; reason: string };

const FREQS: readonly RepeatFreq[] = ['DAILY', 'WEEKLY', 'MONTHLY', 'YEARLY'];
const MAX_LENGTH = 200;

function integers(value: string, min: number, max: number, nonzero = false): number[] | undefined {
  const items = value.split(',');
  const numbers = items.map((item) => (/^[+-]?\d{1,3}$/.test(item) ? Number(item) : NaN));
  const fits = (n: number) => Number.isInteger(n) && n >= min && n <= max && !(nonzero && n === 0);
  return numbers.every(fits) ? [...new Set(numbers)].sort((a, b) => a - b) : undefined;
}

function readUntil(value: string): RepeatUntil | undefined {
  const match = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})Z)?$/.exec(value);
  if (!match) return undefined;
  const [year, month, day, hour, minute, second] = match.slice(1).map((part) => (part ? Number(part) : 0));
  const ms = Date.UTC(year, month - 1, day, hour, minute, second);
  const back = new Date(ms);
  // Refuse dates that Date.UTC would roll over (20270230 is not 2 March).
  if (back.getUTCMonth() !== month - 1 || back.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59)
    return undefined;
  return match[4] === undefined ? { date: { year, month, day } } : { instant: ms };
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

function untilText(until: RepeatUntil): string {
  if ('date' in until) return `${pad(until.date.year, 4)}${pad(until.date.month)}${pad(until.date.day)}`;
  const d = new Date(until.instant);
  return (
    `${pad(d.getUTCFullYear(), 4)}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}` +
    `T${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}Z`
  );
}

/** The normal form of parts. */
export function writeRepeat(parts: RepeatParts): string {
  const out = [`FREQ=${parts.freq}`];
  if (parts.interval !== 1) out.push(`INTERVAL=${parts.interval}`);
  if (parts.byMonth.length) out.push(`BYMONTH=${parts.byMonth.join(',')}`);
  if (parts.byMonthDay.length) out.push(`BYMONTHDAY=${parts.byMonthDay.join(',')}`);
  if (parts.byDay.length) out.push(`BYDAY=${parts.byDay.join(',')}`);
  if (parts.count !== null) out.push(`COUNT=${parts.count}`);
  if (parts.until !== null) out.push(`UNTIL=${untilText(parts.until)}`);
  return out.join(';');
}

/** Reads a rule, or says why it is refused (a field message for INVALID_ARGUMENT). */
export function readRepeat(input: unknown): RepeatRead {
  if (typeof input !== 'string') return { ok: false, reason: 'must be an RRULE string' };
  if (input.length > MAX_LENGTH) return { ok: false, reason: `must be at most ${MAX_LENGTH} characters` };
  const text = input.trim().replace(/^RRULE:/i, '');
  if (!text) return { ok: false, reason: 'must not be empty' };
  const seen = new Map<string, string>();
  for (const item of text.split(';')) {
    const match = /^([A-Za-z]+)=([^=;]+)$/.exec(item);
    if (!match) return { ok: false, reason: `"${item}" is not NAME=VALUE` };
    const name = match[1].toUpperCase();
    if (seen.has(name)) return { ok: false, reason: `${name} is given twice` };
    seen.set(name, match[2].toUpperCase());
  }
  const freq = seen.get('FREQ');
  if (freq === undefined) return { ok: false, reason: 'FREQ is required' };
  if (!FREQS.includes(freq as RepeatFreq))
    return { ok: false, reason: 'FREQ must be DAILY, WEEKLY, MONTHLY or YEARLY' };
  const parts: RepeatParts = {
    freq: freq as RepeatFreq,
    interval: 1,
    byDay: [],
    byMonthDay: [],
    byMonth: [],
    count: null,
    until: null,
  };
  for (const [name, value] of seen) {
    const refusal = readPart(parts, name, value);
    if (refusal) return { ok: false, reason: refusal };
  }
  if (parts.count !== null && parts.until !== null) return { ok: false, reason: 'COUNT and UNTIL cannot both be set' };
  return { ok: true, rule: writeRepeat(parts), parts };
}

/** Fills one part in; a reason when it is refused. */
function readPart(parts: RepeatParts, name: string, value: string): string | undefined {
  const only = (freqs: RepeatFreq[]) =>
    freqs.includes(parts.freq) ? undefined : `${name} is only supported with FREQ=${freqs.join(' or ')}`;
  switch (name) {
    case 'FREQ':
      return undefined;
    case 'INTERVAL': {
      const [interval] = integers(value, 1, 99) ?? [];
      if (interval === undefined || value.includes(',')) return 'INTERVAL must be a whole number from 1 to 99';
      parts.interval = interval;
      return undefined;
    }
    case 'BYDAY': {
      const codes = value.split(',');
      if (!codes.every((code): code is WeekdayCode => (WEEKDAY_CODES as readonly string[]).includes(code)))
        return 'BYDAY takes weekdays MO, TU, WE, TH, FR, SA, SU, without a position such as 1MO';
      parts.byDay = WEEKDAY_CODES.filter((code) => codes.includes(code));
      return only(['DAILY', 'WEEKLY']);
    }
    case 'BYMONTHDAY': {
      const days = integers(value, -31, 31, true);
      if (!days) return 'BYMONTHDAY takes days 1 to 31, or -1 to -31 counted from the end of the month';
      parts.byMonthDay = days;
      return only(['MONTHLY', 'YEARLY']);
    }
    case 'BYMONTH': {
      const months = integers(value, 1, 12);
      if (!months) return 'BYMONTH takes months 1 to 12';
      parts.byMonth = months;
      return only(['YEARLY']);
    }
    case 'COUNT': {
      const [count] = integers(value, 1, 999) ?? [];
      if (count === undefined || value.includes(',')) return 'COUNT must be a whole number from 1 to 999';
      parts.count = count;
      return undefined;
    }
    case 'UNTIL': {
      const until = readUntil(value);
      if (!until) return 'UNTIL must be a date YYYYMMDD or a UTC time YYYYMMDDTHHMMSSZ';
      parts.until = until;
      return undefined;
    }
    case 'WKST':
      return value === 'MO' ? undefined : 'WKST must be MO (weeks start on Monday)';
    default:
      return `${name} is not supported`;
  }
}
