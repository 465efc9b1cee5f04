/**
 * Timer triggers, as CloudBase runs them from a function's config.json:
 *   { "name": "everyMinute", "type": "timer", "config": "0 * * * * * *" }
 * The cron has 7 fields — second minute hour day-of-month month day-of-week year — evaluated in
 * China Standard Time (the zone CloudBase's console documents). Each field takes `*`, numbers,
 * `a-b` ranges, `,` lists and `/n` steps; months and weekdays also take JAN–DEC and SUN–SAT
 * (0 = Sunday). As in classic cron, when both day-of-month and day-of-week are restricted a day
 * matching either fires.
 */
import type { FunctionHost, InvokeOutcome } from '../functions/types';

const OFFSET_MS = 8 * 3600_000;
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

/** Shanghai wall-clock fields of an instant (the zone has no daylight saving). */
function wall(ms: number): {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  weekday: number;
} {
  const d = new Date(ms + OFFSET_MS);
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
    weekday: d.getUTCDay(),
  };
}

/** The instant of a Shanghai wall-clock time. */
function instant(year: number, month: number, day: number, hour = 0, minute = 0, second = 0): number {
  return Date.UTC(year, month - 1, day, hour, minute, second) - OFFSET_MS;
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
    const t = wall(ms);
    if (t.year > 2099) return undefined;
    if (!years.has(t.year)) {
      ms = instant(t.year + 1, 1, 1);
    } else if (!months.has(t.month)) {
      ms = t.month === 12 ? instant(t.year + 1, 1, 1) : instant(t.year, t.month + 1, 1);
    } else if (!dayMatches(cron, t.day, t.weekday)) {
      ms = instant(t.year, t.month, t.day + 1);
    } else if (!hours.has(t.hour)) {
      ms = instant(t.year, t.month, t.day, t.hour + 1);
    } else if (!minutes.has(t.minute)) {
      ms = instant(t.year, t.month, t.day, t.hour, t.minute + 1);
    } else if (!seconds.has(t.second)) {
      ms += 1000;
    } else {
      return new Date(ms);
    }
  }
  return undefined;
}

/** The event CloudBase hands a timer-triggered function. */
export interface TimerEvent {
  Type: 'Timer';
  TriggerName: string;
  /** The scheduled time, ISO 8601 UTC. */
  Time: string;
  Message: string;
}

export function timerEvent(trigger: string, at: Date): TimerEvent {
  return { Type: 'Timer', TriggerName: trigger, Time: at.toISOString(), Message: '' };
}

export interface TriggerInfo {
  function: string;
  trigger: string;
  config: string;
  /** Next scheduled run (when the schedule runs), or the config's error. */
  next?: string;
  error?: string;
}

export interface Scheduler {
  /** Every timer trigger of every function, with its next run. */
  list(): TriggerInfo[];
  /** Runs one trigger now, as the schedule would; rejects when there is no such trigger. */
  fire(fn: string, trigger?: string, at?: Date): Promise<InvokeOutcome>;
  close(): void;
}

export class UnknownTriggerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnknownTriggerError';
  }
}

export interface SchedulerOptions {
  functions: FunctionHost;
  /** Fire on schedule; false leaves only fire() (tests). */
  schedule: boolean;
  now?: () => number;
  log?: (line: string) => void;
  /** How often the function folder is re-read for new or changed triggers; default 10 s. */
  rescanMs?: number;
}

interface Armed {
  key: string;
  cron: Cron;
  timer: NodeJS.Timeout;
}

/** setTimeout holds at most ~24.8 days; longer waits re-arm on the way. */
const MAX_WAIT_MS = 2 ** 31 - 1;

export function createScheduler(options: SchedulerOptions): Scheduler {
  const { functions } = options;
  const now = options.now ?? Date.now;
  const log = options.log ?? (() => undefined);
  const armed = new Map<string, Armed>();
  let closed = false;

  function triggersOf(fn: string): Array<{ name: string; config: string }> {
    try {
      return functions.config(fn).triggers.filter((t) => t.type === 'timer');
    } catch {
      return [];
    }
  }

  function fire(fn: string, trigger?: string, at: Date = new Date(now())): Promise<InvokeOutcome> {
    const triggers = triggersOf(fn);
    const chosen = trigger === undefined ? triggers[0] : triggers.find((t) => t.name === trigger);
    if (!chosen) {
      const have = triggers.map((t) => t.name).join(', ') || 'none';
      return Promise.reject(
        new UnknownTriggerError(`${fn} has no timer trigger ${trigger ?? ''} (has: ${have})`.replace('  ', ' ')),
      );
    }
    return functions.invoke(fn, timerEvent(chosen.name, at), {}, { trigger: 'timer' });
  }

  function arm(fn: string, trigger: string, cron: Cron, key: string): void {
    const next = nextFire(cron, new Date(now()));
    if (!next || closed) return;
    const wait = Math.min(MAX_WAIT_MS, next.getTime() - now());
    const timer = setTimeout(() => {
      if (closed) return;
      if (now() + 5 < next.getTime()) {
        arm(fn, trigger, cron, key); // woke early (a long wait was split): wait for the rest
        return;
      }
      // CloudBase fires on time even when the previous run is still going; so does this.
      fire(fn, trigger, next).then(
        (outcome) => {
          if (!outcome.ok) log(`[timer] ${fn}/${trigger} failed: ${outcome.errMsg}`);
        },
        (error: unknown) => log(`[timer] ${fn}/${trigger} could not run: ${(error as Error).message}`),
      );
      arm(fn, trigger, cron, key);
    }, wait);
    timer.unref();
    armed.set(`${fn}/${trigger}`, { key, cron, timer });
  }

  /** Arms new or changed triggers and disarms removed ones. */
  function rescan(): void {
    const seen = new Set<string>();
    for (const fn of functions.list()) {
      for (const t of triggersOf(fn)) {
        const id = `${fn}/${t.name}`;
        seen.add(id);
        if (armed.get(id)?.key === t.config) continue;
        const previous = armed.get(id);
        if (previous) clearTimeout(previous.timer);
        armed.delete(id);
        try {
          arm(fn, t.name, parseCron(t.config), t.config);
        } catch (error) {
          log(`[timer] ${id}: ${(error as Error).message}`);
        }
      }
    }
    for (const [id, entry] of armed) {
      if (!seen.has(id)) {
        clearTimeout(entry.timer);
        armed.delete(id);
      }
    }
  }

  let rescanTimer: NodeJS.Timeout | undefined;
  if (options.schedule) {
    rescan();
    rescanTimer = setInterval(rescan, options.rescanMs ?? 10_000);
    rescanTimer.unref();
  }

  return {
    list() {
      const out: TriggerInfo[] = [];
      for (const fn of functions.list()) {
        for (const t of triggersOf(fn)) {
          const info: TriggerInfo = { function: fn, trigger: t.name, config: t.config };
          try {
            const next = options.schedule ? nextFire(parseCron(t.config), new Date(now())) : undefined;
            if (next) info.next = next.toISOString();
          } catch (error) {
            info.error = (error as Error).message;
          }
          out.push(info);
        }
      }
      return out;
    },
    fire,
    close() {
      closed = true;
      if (rescanTimer) clearInterval(rescanTimer);
      for (const entry of armed.values()) clearTimeout(entry.timer);
      armed.clear();
    },
  };
}
