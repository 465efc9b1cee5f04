/**
 * The English quick-add grammar: repeats (every day, every weekday, every Monday and Friday, every
 * 2 weeks on Friday, monthly on the 1st, on the 1st of every month, every year on Dec 31), days
 * (today, tonight, tomorrow, the day after tomorrow, in 3 days, [next|this] Friday, Dec 31, 31 Dec,
 * 12/31, 2026-12-31, on the 5th), times (8pm, 8:30 am, at 9, 17:30, noon, midnight, morning),
 * times from now (in 2 hours, in half an hour) and reminders (remind me, 10 minutes before).
 * Abbreviated weekdays (fri, sat) count only after on/next/this, so "sat exam" stays a title.
 */
import {
  DAY_MS,
  HOUR_MS,
  MINUTE_MS,
  ruleOf,
  WEEKEND,
  WORKDAYS,
  type Meaning,
  type PeriodName,
  type Scanner,
} from './mentions';

const DAY_NAMES = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
const DAY_FULL = '(?:sun|mon|tues|wednes|thurs|fri|satur)day';
const DAY_SHORT = '(?:sun|mon|tue|tues|wed|thu|thur|thurs|fri|sat)';
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const MONTH =
  '(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\\.?';
const ORD = '(\\d{1,2})(?:st|nd|rd|th)';
const WORD_NUMBERS: Record<string, number> = { a: 1, an: 1, one: 1, two: 2, three: 3, four: 4, five: 5, other: 2 };
const COUNT = '(\\d{1,3}|an?|one|two|three|four|five|other)';

const weekdayOf = (name: string) => DAY_NAMES.findIndex((day) => day.startsWith(name.toLowerCase().slice(0, 3)));
const monthOf = (name: string) => MONTHS.indexOf(name.toLowerCase().slice(0, 3)) + 1;
const countOf = (word: string) => WORD_NUMBERS[word.toLowerCase()] ?? Number(word);
const fits = (n: number, min: number, max: number) => Number.isInteger(n) && n >= min && n <= max;
const repeat = (rule: string): Meaning[] => [{ kind: 'repeat', rule }];

function weekdays(list: string): number[] {
  return [...list.matchAll(new RegExp(`${DAY_FULL}|${DAY_SHORT}`, 'gi'))].map((m) => weekdayOf(m[0]));
}

function ordinals(list: string): number[] {
  return [...list.matchAll(/(\d{1,2})(?:st|nd|rd|th)|(last)/gi)].map((m) => (m[2] ? -1 : Number(m[1])));
}

function monthly(interval: number, days: number[]): Meaning[] | undefined {
  if (!fits(interval, 1, 99) || !days.every((d) => d === -1 || fits(d, 1, 31))) return undefined;
  return repeat(ruleOf('MONTHLY', interval, { byMonthDay: days }));
}

function repeats(s: Scanner): void {
  const days = `(${DAY_FULL}s?|${DAY_SHORT})(?:\\s*(?:,|and|&)\\s*(?:${DAY_FULL}s?|${DAY_SHORT}))*`;
  const monthDays = `(?:the\\s+)?(?:${ORD}|last day)(?:\\s*(?:,|and)\\s*(?:the\\s+)?(?:${ORD}|last day))*`;
  s.scan(/\b(?:every\s+weekday|weekdays)\b/gi, () => repeat(ruleOf('WEEKLY', 1, { byDay: WORKDAYS })));
  s.scan(/\b(?:every\s+weekend|weekends)\b/gi, () => repeat(ruleOf('WEEKLY', 1, { byDay: WEEKEND })));
  s.scan(/\bevery\s+(morning|afternoon|evening)\b/gi, (m) => [
    ...repeat(ruleOf('DAILY', 1)),
    { kind: 'period', period: PERIOD_WORDS[m[1].toLowerCase()] },
  ]);
  s.scan(new RegExp(`\\bevery\\s+${days}\\b`, 'gi'), (m) =>
    repeat(ruleOf('WEEKLY', 1, { byDay: weekdays(m[0].slice(5)) })),
  );
  s.scan(new RegExp(`\\b(?:on\\s+)?(${monthDays})\\s+of\\s+(?:every|each)\\s+month\\b`, 'gi'), (m) =>
    monthly(1, ordinals(m[1])),
  );
  s.scan(
    new RegExp(
      `\\b(?:every\\s+${COUNT}\\s+(day|week|month|year)s?|every\\s+(day|week|month|year)|(daily|everyday|weekly|monthly|yearly|annually)(?=\\s*$|\\s*[,.;!?]|\\s+(?:on|at|in|from|until|starting|by|for)\\b|\\s+\\d))\\b` +
        `(?:\\s+on\\s+(?:(${days})|(${monthDays})|${MONTH}\\s+(\\d{1,2})(?:st|nd|rd|th)?))?`,
      'gi',
    ),
    (m) => {
      const interval = m[1] ? countOf(m[1]) : 1;
      const unit = (m[2] ?? m[3] ?? m[4]).toLowerCase();
      if (!fits(interval, 1, 99)) return undefined;
      if (unit.startsWith('da') || unit === 'everyday') return repeat(ruleOf('DAILY', interval));
      if (unit.startsWith('week')) return repeat(ruleOf('WEEKLY', interval, { byDay: m[5] ? weekdays(m[5]) : [] }));
      if (unit.startsWith('month')) return monthly(interval, m[7] ? ordinals(m[7]) : []);
      const [month, day] = m[10] ? [monthOf(m[10]), Number(m[11])] : [0, 0];
      if (m[10] && !fits(day, 1, 31)) return undefined;
      return repeat(ruleOf('YEARLY', interval, m[10] ? { byMonth: month, byMonthDay: [day] } : {}));
    },
  );
}

const UNIT_MS: Record<string, number> = { m: MINUTE_MS, h: HOUR_MS, d: DAY_MS };
const unitMs = (unit: string) => UNIT_MS[unit.toLowerCase()[0]];

function reminders(s: Scanner): void {
  s.scan(/\bremind\s+me(?:\s+to\b)?/gi, () => [{ kind: 'remind', beforeMs: 0 }]);
  s.scan(
    /\b(\d{1,3}|an?|one|half\s+an)\s*(minutes?|mins?|hours?|hrs?|h|days?)\s+(?:before|early|earlier|ahead)\b/gi,
    (m) => {
      const n = /^half/i.test(m[1]) ? 0.5 : countOf(m[1]);
      return [{ kind: 'remind', beforeMs: n * unitMs(m[2]) }];
    },
  );
}

function later(s: Scanner): void {
  s.scan(/\bin\s+(\d{1,3}|an?|one|two|three|half\s+an)\s*(minutes?|mins?|hours?|hrs?|h)\b/gi, (m) => {
    const n = /^half/i.test(m[1]) ? 0.5 : countOf(m[1]);
    return [{ kind: 'later', ms: n * unitMs(m[2]) }];
  });
}

function days(s: Scanner): void {
  s.scan(/\b(?:the\s+)?day\s+after\s+tomorrow\b/gi, () => [{ kind: 'days', days: 2 }]);
  s.scan(/\b(today|tonight|tomorrow|tmrw?)\b/gi, (m) => {
    const word = m[1].toLowerCase();
    const meanings: Meaning[] = [{ kind: 'days', days: word.startsWith('to') && word !== 'tomorrow' ? 0 : 1 }];
    if (word === 'tonight') meanings.push({ kind: 'period', period: 'evening' });
    return meanings;
  });
  s.scan(
    /\b(?:in\s+(\d{1,3}|an?|one|two|three)\s+(days?|weeks?)|(\d{1,3})\s+(days?|weeks?)\s+(?:later|from\s+now))\b/gi,
    (m) => {
      const n = countOf(m[1] ?? m[3]) * (/^w/i.test(m[2] ?? m[4]) ? 7 : 1);
      return fits(n, 1, 999) ? [{ kind: 'days', days: n }] : undefined;
    },
  );
  s.scan(new RegExp(`\\b(?:on\\s+)?(?:(next|this|coming)\\s+)?(${DAY_FULL}|${DAY_SHORT})\\b`, 'gi'), (m) => {
    const long = new RegExp(`^${DAY_FULL}$`, 'i').test(m[2]);
    if (!long && !/^(on|next|this|coming)\b/i.test(m[0])) return undefined;
    const which = m[1]?.toLowerCase();
    return [{ kind: 'weekday', weekday: weekdayOf(m[2]), week: which === 'next' ? 1 : which === 'this' ? 0 : null }];
  });
  const date = (year: string | undefined, month: number, day: number): Meaning[] | undefined =>
    fits(month, 1, 12) && fits(day, 1, 31)
      ? [{ kind: 'date', year: year ? Number(year) : null, month, day }]
      : undefined;
  s.scan(/\b(\d{4})-(\d{1,2})-(\d{1,2})\b/g, (m) => date(m[1], Number(m[2]), Number(m[3])));
  s.scan(new RegExp(`\\b(?:on\\s+)?${MONTH}\\s+(\\d{1,2})(?:st|nd|rd|th)?(?:,?\\s+(\\d{4}))?\\b`, 'gi'), (m) =>
    date(m[3], monthOf(m[1]), Number(m[2])),
  );
  s.scan(
    new RegExp(
      `\\b(?:on\\s+)?(?:the\\s+)?(\\d{1,2})(?:st|nd|rd|th)?\\s+(?:of\\s+)?${MONTH}(?:,?\\s+(\\d{4}))?\\b`,
      'gi',
    ),
    (m) => date(m[3], monthOf(m[2]), Number(m[1])),
  );
  // Month/day, US order; only after "on" or with a year, since 1/2 is as often half a cup.
  s.scan(/\b(?:on\s+(\d{1,2})\/(\d{1,2})(?:\/(\d{4}))?|(\d{1,2})\/(\d{1,2})\/(\d{4}))(?![\d/])/gi, (m) =>
    m[1] ? date(m[3], Number(m[1]), Number(m[2])) : date(m[6], Number(m[4]), Number(m[5])),
  );
  s.scan(new RegExp(`\\bon\\s+the\\s+${ORD}\\b`, 'gi'), (m) =>
    fits(Number(m[1]), 1, 31) ? [{ kind: 'date', year: null, month: null, day: Number(m[1]) }] : undefined,
  );
}

const PERIOD_WORDS: Record<string, PeriodName> = {
  morning: 'forenoon',
  afternoon: 'afternoon',
  evening: 'evening',
  night: 'evening',
};

function times(s: Scanner): void {
  const time = (hour: number, minute: number, period: PeriodName | null): Meaning[] | undefined =>
    fits(hour, 0, 24) && fits(minute, 0, 59) ? [{ kind: 'time', hour, minute, period }] : undefined;
  s.scan(/(?:\bat\s+|@\s*|\b)(\d{1,2})(?:[:.](\d{2}))?\s*([ap])\.?m\.?(?![a-z])/gi, (m) =>
    fits(Number(m[1]), 1, 12)
      ? time(Number(m[1]), Number(m[2] ?? 0), m[3].toLowerCase() === 'a' ? 'am' : 'pm')
      : undefined,
  );
  s.scan(/(?:\bat\s+|@\s*|\b)(\d{1,2}):(\d{2})\b/gi, (m) => time(Number(m[1]), Number(m[2]), null));
  s.scan(/(?:\bat\s+|@\s*)(\d{1,2})\b(?![:.\d%])/gi, (m) => time(Number(m[1]), 0, null));
  s.scan(/\b(?:at\s+)?(noon|midday|midnight)\b/gi, (m) => time(m[1].toLowerCase() === 'midnight' ? 24 : 12, 0, null));
  // "night" alone is as often a title (game night) as a time.
  s.scan(/\b(?:(this)\s+|in\s+the\s+)?(morning|afternoon|evening)\b|\bat\s+(night)\b/gi, (m) => {
    const meanings: Meaning[] = [{ kind: 'period', period: PERIOD_WORDS[(m[2] ?? m[3]).toLowerCase()] }];
    if (m[1]) meanings.unshift({ kind: 'days', days: 0 });
    return meanings;
  });
}

/** Every English mention in the text, in the order the patterns claim them. */
export function englishMentions(s: Scanner): void {
  reminders(s);
  repeats(s);
  later(s);
  days(s);
  times(s);
}
