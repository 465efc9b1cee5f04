/**
 * A repeating todo's rule in words for its row (每个工作日, every 2 weeks on Friday). The words come
 * in as a parameter, shaped like a section of the app's catalogues (`{name}` placeholders), so this
 * file holds no language of its own beyond the two word sets below, which belong in the catalogues.
 */
import { readRepeat, WEEKDAY_CODES, type RepeatParts, type RepeatUntil } from './repeat-rule';

/** Pairs are [every one, every {n}]; `{on}` is the days, `{n}` the interval. */
export interface RepeatWords {
  daily: readonly [string, string];
  weekly: readonly [string, string];
  weeklyPlain: readonly [string, string];
  monthly: readonly [string, string];
  monthlyPlain: readonly [string, string];
  yearly: readonly [string, string];
  yearlyPlain: readonly [string, string];
  weekdays: string;
  weekends: string;
  /** Sunday first. */
  dayNames: readonly string[];
  /** January first; for `{monthName}`. */
  monthNames: readonly string[];
  /** `{n}` a day of the month, `{th}` its ordinal suffix. */
  monthDay: string;
  lastDay: string;
  /** `{n}` counted from the end (2 = the day before the last). */
  dayFromEnd: string;
  /** `{month}` (number), `{monthName}`, `{day}`, `{year}`. */
  date: string;
  fullDate: string;
  /** Between items, and before the last. */
  separators: readonly [string, string];
  /** Numbers written as words (zh: 2 as 两). */
  numbers: Readonly<Record<number, string>>;
  /** English ordinal suffixes [th, st, nd, rd]; empty where the language has none. */
  ordinals: readonly string[];
  /** `{n}` occurrences left, counting this todo. */
  count: string;
  until: string;
}

export const ZH_REPEAT_WORDS: RepeatWords = {
  daily: ['每天', '每{n}天'],
  weekly: ['每周{on}', '每{n}周周{on}'],
  weeklyPlain: ['每周', '每{n}周'],
  monthly: ['每月{on}', '每{n}个月的{on}'],
  monthlyPlain: ['每月', '每{n}个月'],
  yearly: ['每年{on}', '每{n}年的{on}'],
  yearlyPlain: ['每年', '每{n}年'],
  weekdays: '每个工作日',
  weekends: '每个周末',
  dayNames: ['日', '一', '二', '三', '四', '五', '六'],
  monthNames: ['1月', '2月', '3月', '4月', '5月', '6月', '7月', '8月', '9月', '10月', '11月', '12月'],
  monthDay: '{n}号',
  lastDay: '最后一天',
  dayFromEnd: '倒数第{n}天',
  date: '{month}月{day}日',
  fullDate: '{year}年{month}月{day}日',
  separators: ['、', '、'],
  numbers: { 2: '两' },
  ordinals: [],
  count: '，还剩{n}次',
  until: '，到{date}',
};

export const EN_REPEAT_WORDS: RepeatWords = {
  daily: ['every day', 'every {n} days'],
  weekly: ['every {on}', 'every {n} weeks on {on}'],
  weeklyPlain: ['every week', 'every {n} weeks'],
  monthly: ['monthly on the {on}', 'every {n} months on the {on}'],
  monthlyPlain: ['monthly', 'every {n} months'],
  yearly: ['every year on {on}', 'every {n} years on {on}'],
  yearlyPlain: ['every year', 'every {n} years'],
  weekdays: 'every weekday',
  weekends: 'every weekend',
  dayNames: ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'],
  monthNames: ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'],
  monthDay: '{n}{th}',
  lastDay: 'last day',
  dayFromEnd: '{n}{th}-to-last day',
  date: '{monthName} {day}',
  fullDate: '{monthName} {day}, {year}',
  separators: [', ', ' and '],
  numbers: {},
  ordinals: ['th', 'st', 'nd', 'rd'],
  count: ', {n} left',
  until: ', until {date}',
};

function fill(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole));
}

function list(items: string[], [between, last]: readonly [string, string]): string {
  return items.length < 2 ? items.join('') : `${items.slice(0, -1).join(between)}${last}${items[items.length - 1]}`;
}

function ordinal(n: number, words: RepeatWords): string {
  if (words.ordinals.length < 4) return '';
  const teen = n % 100 >= 11 && n % 100 <= 13;
  return words.ordinals[teen || n % 10 > 3 ? 0 : n % 10];
}

function pick(pair: readonly [string, string], interval: number, words: RepeatWords, on = ''): string {
  return fill(interval === 1 ? pair[0] : pair[1], { n: words.numbers[interval] ?? interval, on });
}

type Day = { year: number; month: number; day: number };

function dateWords(template: string, date: Partial<Day> & { month: number; day: number }, words: RepeatWords) {
  return fill(template, { ...date, monthName: words.monthNames[date.month - 1] ?? String(date.month) });
}

function monthDays(days: number[], words: RepeatWords): string {
  const named = [...days.filter((n) => n > 0), ...days.filter((n) => n < 0).reverse()].map((n) => {
    if (n === -1) return words.lastDay;
    const template = n > 0 ? words.monthDay : words.dayFromEnd;
    const count = n > 0 ? n : -n;
    return fill(template, { n: count, th: ordinal(count, words) });
  });
  return list(named, words.separators);
}

function weekDays(p: RepeatParts, words: RepeatWords): string {
  const codes = p.byDay.join(',');
  if (p.interval === 1 && codes === 'MO,TU,WE,TH,FR') return words.weekdays;
  if (p.interval === 1 && codes === 'SA,SU') return words.weekends;
  const names = p.byDay.map((code) => words.dayNames[(WEEKDAY_CODES.indexOf(code) + 1) % 7]);
  return pick(words.weekly, p.interval, words, list(names, words.separators));
}

function frequency(p: RepeatParts, words: RepeatWords): string {
  switch (p.freq) {
    case 'DAILY':
      return p.byDay.length && p.interval === 1 ? weekDays(p, words) : pick(words.daily, p.interval, words);
    case 'WEEKLY':
      return p.byDay.length ? weekDays(p, words) : pick(words.weeklyPlain, p.interval, words);
    case 'MONTHLY':
      return p.byMonthDay.length
        ? pick(words.monthly, p.interval, words, monthDays(p.byMonthDay, words))
        : pick(words.monthlyPlain, p.interval, words);
    case 'YEARLY': {
      const dates = p.byMonth.flatMap((month) =>
        p.byMonthDay.filter((day) => day > 0).map((day) => dateWords(words.date, { month, day }, words)),
      );
      return dates.length
        ? pick(words.yearly, p.interval, words, list(dates, words.separators))
        : pick(words.yearlyPlain, p.interval, words);
    }
  }
}

function untilDay(until: RepeatUntil, localDate?: (instant: number) => Day): Day {
  if ('date' in until) return until.date;
  if (localDate) return localDate(until.instant);
  const d = new Date(until.instant);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/**
 * The rule in words; an empty string for a rule outside the accepted subset. `localDate` gives the
 * user's calendar date of an UNTIL written as a UTC time (its UTC date when absent).
 */
export function repeatInWords(rule: string, words: RepeatWords, localDate?: (instant: number) => Day): string {
  const read = readRepeat(rule);
  if (!read.ok) return '';
  const p = read.parts;
  let text = frequency(p, words);
  if (p.count !== null) text += fill(words.count, { n: p.count });
  if (p.until !== null)
    text += fill(words.until, { date: dateWords(words.fullDate, untilDay(p.until, localDate), words) });
  return text;
}
