/**
 * What the quick-add grammars find in a text: mentions (a span and what it means), and the small
 * helpers both languages' grammars share. A grammar only recognises words; it never looks at the
 * clock (resolve.ts turns meanings into instants in the user's zone).
 */
import { WEEKDAY_CODES, writeRepeat, type RepeatFreq } from '../../../shared/repeat-rule';

/** A part of the day. `hour` adjusts a clock hour said with it; `defaultHour` is the time when no hour is said. */
export interface Period {
  defaultHour: number;
  hour(h: number): number;
}

const plus12 = (h: number) => (h < 12 ? h + 12 : h);

export const PERIODS = {
  dawn: { defaultHour: 6, hour: (h: number) => (h === 12 ? 0 : h) },
  morning: { defaultHour: 8, hour: (h: number) => h },
  forenoon: { defaultHour: 9, hour: (h: number) => h },
  noon: { defaultHour: 12, hour: (h: number) => (h >= 1 && h <= 5 ? h + 12 : h) },
  afternoon: { defaultHour: 15, hour: plus12 },
  dusk: { defaultHour: 18, hour: plus12 },
  // 晚上12点 and "tonight at 1" are after midnight: hour 24+ rolls over into the next day.
  evening: { defaultHour: 20, hour: (h: number) => (h === 12 ? 24 : h <= 4 ? h + 24 : plus12(h)) },
  am: { defaultHour: 9, hour: (h: number) => (h === 12 ? 0 : h) },
  pm: { defaultHour: 15, hour: plus12 },
} satisfies Record<string, Period>;
export type PeriodName = keyof typeof PERIODS;

export type Meaning =
  /** A day counted from today (今天 0, 明天 1, 3天后 3). */
  | { kind: 'days'; days: number }
  /** 0 = Sunday. `week`: weeks after this one (这周 0, 下周 1), or null for the coming one. */
  | { kind: 'weekday'; weekday: number; week: number | null }
  /** A calendar date; `month` null for a day of whichever month comes next (31号, "on the 5th"). */
  | { kind: 'date'; year: number | null; month: number | null; day: number }
  /** A clock time as said: `period` when one was said with it (下午3点, 8pm). */
  | { kind: 'time'; hour: number; minute: number; period: PeriodName | null }
  /** A part of the day said without an hour (明天上午, tonight). */
  | { kind: 'period'; period: PeriodName }
  /** A time from now (半小时后, in 2 hours). */
  | { kind: 'later'; ms: number }
  /** A repeat rule in the normal form of shared/repeat-rule.ts. */
  | { kind: 'repeat'; rule: string }
  /** A reminder, `beforeMs` before the due time (提醒我 0, 提前10分钟提醒). */
  | { kind: 'remind'; beforeMs: number };

export interface Mention {
  start: number;
  end: number;
  meanings: Meaning[];
}

export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;

/**
 * Runs a pattern (global flag) over the text the earlier patterns left, keeping each match that
 * `meaning` accepts and blanking it so no later pattern reads the same words twice.
 */
export class Scanner {
  readonly mentions: Mention[] = [];

  constructor(public text: string) {}

  scan(pattern: RegExp, meaning: (match: RegExpExecArray) => Meaning[] | undefined): void {
    for (const match of [...this.text.matchAll(pattern)]) {
      const found = meaning(match);
      if (!found || match.index === undefined) continue;
      // Trailing spaces a pattern took to reach an optional part stay in the title.
      const start = match.index + (match[0].length - match[0].trimStart().length);
      const end = match.index + match[0].trimEnd().length;
      if (end <= start) continue;
      this.mentions.push({ start, end, meanings: found });
      this.text = this.text.slice(0, start) + '\u0000'.repeat(end - start) + this.text.slice(end);
    }
  }
}

const CN_DIGITS: Record<string, number> = {
  零: 0,
  〇: 0,
  一: 1,
  二: 2,
  两: 2,
  三: 3,
  四: 4,
  五: 5,
  六: 6,
  七: 7,
  八: 8,
  九: 9,
};

/** 0-99 written in digits or in Chinese numerals (十一, 二十三, 两); NaN otherwise. */
export function readNumber(text: string): number {
  if (/^\d+$/.test(text)) return Number(text);
  const ten = text.indexOf('十');
  if (ten < 0) return text.length === 1 && text in CN_DIGITS ? CN_DIGITS[text] : NaN;
  const tens = ten === 0 ? 1 : text.length > 1 && ten === 1 ? (CN_DIGITS[text[0]] ?? NaN) : NaN;
  const rest = text.slice(ten + 1);
  const ones = rest === '' ? 0 : rest.length === 1 && rest in CN_DIGITS ? CN_DIGITS[rest] : NaN;
  return tens * 10 + ones;
}

/** RRULE weekday codes by weekday number (0 = Sunday). */
export const WEEKDAY_CODE = ['SU', 'MO', 'TU', 'WE', 'TH', 'FR', 'SA'] as const;

/** The RRULE, in normal form, for a frequency, an interval and its days (weekdays 0 = Sunday). */
export function ruleOf(
  freq: RepeatFreq,
  interval: number,
  parts: { byDay?: number[]; byMonthDay?: number[]; byMonth?: number } = {},
): string {
  return writeRepeat({
    freq,
    interval,
    byDay: WEEKDAY_CODES.filter((code) => parts.byDay?.some((day) => WEEKDAY_CODE[day] === code)),
    byMonthDay: [...new Set(parts.byMonthDay ?? [])].sort((a, b) => a - b),
    byMonth: parts.byMonth ? [parts.byMonth] : [],
    count: null,
    until: null,
  });
}

export const WORKDAYS = [1, 2, 3, 4, 5];
export const WEEKEND = [6, 0];
