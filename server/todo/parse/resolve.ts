/**
 * Turns what the grammars understood into instants, in the user's wall clock (shared/time.ts), by
 * the rules a person expects (README of parse/index.ts). Each kind of meaning is taken once, the
 * first said; a mention none of whose meanings was taken stays in the title.
 */
import { addDays, instantOf, wallOf, type WallTime } from '../../../shared/time';
import { firstOccurrence } from '../repeat';
import { PERIODS, type Meaning, type Mention } from './mentions';

/** The time of a todo given a day and no time: early in the working day, when a reminder for that day helps. */
export const DEFAULT_TIME = { hour: 9, minute: 0 };

type Of<K extends Meaning['kind']> = Extract<Meaning, { kind: K }>;
type Clock = { hour: number; minute: number };
type Day = { year: number; month: number; day: number };

export interface Resolved {
  dueAt: Date | null;
  repeat: string | null;
  remindAt: Date | null;
  /** The mentions whose meaning was taken. */
  used: Set<Mention>;
}

/** A clock hour said with no part of the day: 1-6 are afternoon (15:00 for 3点), 7-12 and 13-24 as said. */
const bareHour = (h: number) => (h >= 1 && h <= 6 ? h + 12 : h);

function validDay(year: number, month: number, day: number): Day | undefined {
  const d = new Date(Date.UTC(year, month - 1, day));
  return d.getUTCMonth() === month - 1 && d.getUTCDate() === day ? { year, month, day } : undefined;
}

class Resolver {
  readonly used = new Set<Mention>();
  private readonly today: WallTime;

  constructor(
    private readonly mentions: Mention[],
    private readonly now: number,
    private readonly zone: string,
  ) {
    this.today = wallOf(now, zone);
  }

  /** The first meaning of a kind, marked as used. */
  take<K extends Meaning['kind']>(kind: K): Of<K> | undefined {
    for (const mention of this.mentions) {
      const meaning = mention.meanings.find((m): m is Of<K> => m.kind === kind);
      if (meaning) {
        this.used.add(mention);
        return meaning;
      }
    }
    return undefined;
  }

  private at(day: Day, clock: Clock): number {
    return instantOf({ ...day, ...clock }, this.zone);
  }

  /** The date a day mention names, given the time it goes with. */
  day(meaning: Of<'days' | 'weekday' | 'date'>, clock: Clock): Day | undefined {
    const today = this.today;
    if (meaning.kind === 'days') return addDays(today, meaning.days);
    if (meaning.kind === 'weekday') {
      if (meaning.week !== null) {
        // Weeks start on Monday: 下周三 is the Wednesday of next week, 这周日 the coming Sunday.
        const monday = addDays(today, -((today.weekday + 6) % 7));
        return addDays(monday, 7 * meaning.week + ((meaning.weekday + 6) % 7));
      }
      // The coming one: today only while its time is still ahead.
      for (let k = 0; k <= 7; k++) {
        const date = addDays(today, k);
        if (date.weekday === meaning.weekday && (k > 0 || this.at(date, clock) > this.now)) return date;
      }
      return undefined;
    }
    if (meaning.month === null) {
      // A day of the month: this month's unless it has passed, else the next month that has it.
      for (let k = meaning.day >= today.day ? 0 : 1; k <= 12; k++) {
        const month = addDays({ year: today.year, month: today.month + k, day: 1 }, 0);
        const date = validDay(month.year, month.month, meaning.day);
        if (date) return date;
      }
      return undefined;
    }
    if (meaning.year !== null) return validDay(meaning.year, meaning.month, meaning.day);
    // A date without a year: this year's unless that day has passed, else the next year that has it.
    const passed = meaning.month < today.month || (meaning.month === today.month && meaning.day < today.day);
    for (let year = today.year + (passed ? 1 : 0); year <= today.year + 8; year++) {
      const date = validDay(year, meaning.month, meaning.day);
      if (date) return date;
    }
    return undefined;
  }

  /** The clock time said, with its part of the day applied (下午3点 15:00, 今晚10点 22:00). */
  clock(): Clock | undefined {
    const time = this.take('time');
    if (time) {
      const period = time.period ?? this.take('period')?.period;
      return { hour: period ? PERIODS[period].hour(time.hour) : bareHour(time.hour), minute: time.minute };
    }
    const period = this.take('period');
    return period && { hour: PERIODS[period.period].defaultHour, minute: 0 };
  }

  due(repeat: string | undefined): number | null {
    const later = this.take('later');
    if (later && !repeat) return this.now + later.ms;
    const clock = this.clock();
    const said = this.take('date') ?? this.take('weekday') ?? this.take('days');
    if (repeat) {
      const day = (said && this.day(said, clock ?? DEFAULT_TIME)) ?? this.today;
      const start = { year: day.year, month: day.month, day: day.day, ...(clock ?? DEFAULT_TIME) };
      return firstOccurrence({ rule: repeat, start, zone: this.zone, after: new Date(this.now) })?.getTime() ?? null;
    }
    if (said) {
      const day = this.day(said, clock ?? DEFAULT_TIME);
      if (!day) return null;
      if (clock) return this.at(day, clock);
      const early = this.at(day, DEFAULT_TIME);
      // Today with no time once 09:00 has passed: the next whole hour, so the todo is not born overdue.
      if (early > this.now) return early;
      const hour = this.today.hour + 1;
      return this.at(day, hour < 24 ? { hour, minute: 0 } : { hour: 23, minute: 59 });
    }
    if (!clock) return null;
    // A time with no day: the next such time, today while it is still ahead, else tomorrow.
    const today = this.at(this.today, clock);
    return today > this.now ? today : this.at(addDays(this.today, 1), clock);
  }
}

export function resolve(mentions: Mention[], now: Date, zone: string): Resolved {
  const ordered = [...mentions].sort((a, b) => a.start - b.start);
  const resolver = new Resolver(ordered, now.getTime(), zone);
  const repeat = resolver.take('repeat')?.rule;
  const due = resolver.due(repeat);
  // Every reminder word counts (提醒我 … 提前10分钟): the earliest wins.
  const reminders = ordered.filter((m) => m.meanings.some((meaning) => meaning.kind === 'remind'));
  for (const mention of reminders) resolver.used.add(mention);
  const offsets = reminders.flatMap((m) => m.meanings.flatMap((x) => (x.kind === 'remind' ? [x.beforeMs] : [])));
  const before = offsets.length ? Math.max(...offsets) : undefined;
  // A reminder needs a due time, and one that would already be past is dropped.
  const remindAt =
    due !== null && before !== undefined && due - before >= now.getTime() ? new Date(due - before) : null;
  return { dueAt: due === null ? null : new Date(due), repeat: repeat ?? null, remindAt, used: resolver.used };
}
