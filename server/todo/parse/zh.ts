/**
 * The Chinese quick-add grammar: repeats (每天, 每周一、三, 工作日, 每两周周五, 每月1号, 每年12月31日),
 * days (今天 明天 后天 大后天, N天后, 周X/星期X/礼拜X with 这/本/下/下下, 12月31日, 31号), clock times
 * with their part of the day (凌晨 早上 上午 中午 下午 傍晚 晚上 今晚; 点 点半 一刻 三刻 N分, 9:30),
 * times from now (半小时后, 2小时后) and reminders (提醒我, 提前10分钟提醒). Numbers may be digits or
 * Chinese numerals (十一, 两).
 */
import {
  DAY_MS,
  HOUR_MS,
  MINUTE_MS,
  readNumber,
  ruleOf,
  WEEKEND,
  WORKDAYS,
  type Meaning,
  type PeriodName,
  type Scanner,
} from './mentions';

const NUM = '(?:\\d{1,2}|[零〇一二两三四五六七八九十]{1,3})';
const WEEK = '(?:周|星期|礼拜)';
const DAY_CHAR = '[一二三四五六日天七1-7]';
const AFTER = '(?:后|之后|以后)';

const PERIOD_WORDS: Record<string, { period: PeriodName; days?: number }> = {
  凌晨: { period: 'dawn' },
  早上: { period: 'morning' },
  早晨: { period: 'morning' },
  清晨: { period: 'morning' },
  早: { period: 'morning' },
  上午: { period: 'forenoon' },
  中午: { period: 'noon' },
  下午: { period: 'afternoon' },
  午后: { period: 'afternoon' },
  傍晚: { period: 'dusk' },
  晚上: { period: 'evening' },
  夜里: { period: 'evening' },
  晚: { period: 'evening' },
  今早: { period: 'morning', days: 0 },
  今晚: { period: 'evening', days: 0 },
  明早: { period: 'morning', days: 1 },
  明晚: { period: 'evening', days: 1 },
};
const PERIOD = '(今早|今晚|明早|明晚|凌晨|早上|早晨|清晨|上午|中午|下午|午后|傍晚|晚上|夜里|早|晚)';

function weekdayOf(char: string): number {
  const at = '日一二三四五六'.indexOf(char);
  if (at >= 0) return at;
  if (char === '天' || char === '七' || char === '7') return 0;
  return Number(char);
}

/** 一、三 / 一到五 / 周一和周三: the weekdays of a list. */
function weekdayList(text: string): number[] {
  const days = new Set<number>();
  for (const [, from, to] of text.matchAll(new RegExp(`(${DAY_CHAR})(?:(?:到|至|-)${WEEK}?(${DAY_CHAR}))?`, 'g'))) {
    const first = weekdayOf(from);
    const last = to === undefined ? first : weekdayOf(to);
    // Monday-first order, so 一到日 runs through the weekend.
    const span = (((last + 6) % 7) - ((first + 6) % 7) + 7) % 7;
    for (let i = 0; i <= span; i++) days.add((first + i) % 7);
  }
  return [...days];
}

/** 每两周 2, 每隔一周 2, 每周 1. */
function interval(every: string | undefined, count: string | undefined): number {
  const n = count === undefined ? 1 : readNumber(count);
  return every ? n + 1 : n;
}

const fits = (n: number, min: number, max: number) => Number.isInteger(n) && n >= min && n <= max;
const repeat = (rule: string): Meaning[] => [{ kind: 'repeat', rule }];

function repeats(s: Scanner): void {
  s.scan(/(?:每个?)?工作日(?:每天)?/g, () => repeat(ruleOf('WEEKLY', 1, { byDay: WORKDAYS })));
  s.scan(/每个?周末/g, () => repeat(ruleOf('WEEKLY', 1, { byDay: WEEKEND })));
  const days = `((?:${WEEK}?${DAY_CHAR}(?![次遍回趟个])(?:(?:到|至|-)${WEEK}?${DAY_CHAR})?[、,，和及]?)*)`;
  s.scan(new RegExp(`每(隔)?(${NUM})?个?${WEEK}的?${days}(?:一次)?`, 'g'), (m) => {
    const n = interval(m[1], m[2]);
    return fits(n, 1, 99) ? repeat(ruleOf('WEEKLY', n, { byDay: weekdayList(m[3]) })) : undefined;
  });
  s.scan(new RegExp(`每(隔)?(${NUM})?个?月的?(最后一天|(?:${NUM}[号日][、,，和及]?)*)`, 'g'), (m) => {
    const n = interval(m[1], m[2]);
    const monthDays =
      m[3] === '最后一天' ? [-1] : [...m[3].matchAll(new RegExp(`(${NUM})[号日]`, 'g'))].map((d) => readNumber(d[1]));
    if (!fits(n, 1, 99) || !monthDays.every((d) => d === -1 || fits(d, 1, 31))) return undefined;
    return repeat(ruleOf('MONTHLY', n, { byMonthDay: monthDays }));
  });
  s.scan(new RegExp(`每(隔)?(${NUM})?年的?(?:(${NUM})月(${NUM})[日号]?)?`, 'g'), (m) => {
    const n = interval(m[1], m[2]);
    if (m[3] === undefined) return fits(n, 1, 99) ? repeat(ruleOf('YEARLY', n)) : undefined;
    const [month, day] = [readNumber(m[3]), readNumber(m[4])];
    if (!fits(n, 1, 99) || !fits(month, 1, 12) || !fits(day, 1, 31)) return undefined;
    return repeat(ruleOf('YEARLY', n, { byMonth: month, byMonthDay: [day] }));
  });
  s.scan(new RegExp(`(?:每(隔)?(${NUM})?[天日]|天天)(?:一次)?`, 'g'), (m) => {
    const n = interval(m[1], m[2]);
    return fits(n, 1, 99) ? repeat(ruleOf('DAILY', n)) : undefined;
  });
}

const UNIT_MS: Record<string, number> = { 分钟: MINUTE_MS, 分: MINUTE_MS, 小时: HOUR_MS, 钟头: HOUR_MS, 天: DAY_MS };

/** N分钟 / 半小时 / 一个半小时 / 1天, in ms. */
function duration(count: string, half: string | undefined, unit: string): number {
  const n = count === '半' ? 0.5 : readNumber(count) + (half ? 0.5 : 0);
  return n * UNIT_MS[unit];
}

function reminders(s: Scanner): void {
  const amount = `(${NUM}|半)个?(半)?(分钟|分|小时|钟头|天)`;
  s.scan(new RegExp(`提前${amount}(?:提醒(?:我|一下)?)?|${amount}前提醒(?:我|一下)?`, 'g'), (m) => {
    const ms = m[1] ? duration(m[1], m[2], m[3]) : duration(m[4], m[5], m[6]);
    return Number.isFinite(ms) ? [{ kind: 'remind', beforeMs: ms }] : undefined;
  });
  s.scan(/提醒(?:我|一下)|^提醒|提醒$/g, () => [{ kind: 'remind', beforeMs: 0 }]);
}

function later(s: Scanner): void {
  s.scan(new RegExp(`(${NUM}|半)个?(半)?(小时|钟头|分钟)${AFTER}`, 'g'), (m) => {
    const ms = duration(m[1], m[2], m[3]);
    return Number.isFinite(ms) && ms > 0 ? [{ kind: 'later', ms }] : undefined;
  });
}

const RELATIVE_DAYS: Record<string, number> = { 今天: 0, 今日: 0, 明天: 1, 明日: 1, 后天: 2, 大后天: 3, 大大后天: 4 };

function days(s: Scanner): void {
  s.scan(/大大后天|大后天|后天|明天|明日|今天|今日/g, (m) => [{ kind: 'days', days: RELATIVE_DAYS[m[0]] }]);
  s.scan(new RegExp(`(${NUM})(天|日|个?${WEEK})${AFTER}`, 'g'), (m) => {
    const n = readNumber(m[1]) * (m[2] === '天' || m[2] === '日' ? 1 : 7);
    return fits(n, 1, 999) ? [{ kind: 'days', days: n }] : undefined;
  });
  s.scan(new RegExp(`(下下个?|下个?|这个?|本)?(?:${WEEK}(${DAY_CHAR})(?![次遍回趟个])|(周末))`, 'g'), (m) => {
    const week = m[1] === undefined ? null : m[1].startsWith('下下') ? 2 : m[1].startsWith('下') ? 1 : 0;
    return [{ kind: 'weekday', weekday: m[3] ? 6 : weekdayOf(m[2]), week }];
  });
  s.scan(new RegExp(`(?:(\\d{4})年)?(${NUM})月(${NUM})[日号]?`, 'g'), (m) => {
    const [month, day] = [readNumber(m[2]), readNumber(m[3])];
    if (!fits(month, 1, 12) || !fits(day, 1, 31)) return undefined;
    return [{ kind: 'date', year: m[1] ? Number(m[1]) : null, month, day }];
  });
  // 号 after a number names a building, a line or a seat as often as a day.
  s.scan(new RegExp(`(${NUM})号(?![楼线门床房院口机车厅馆位店球码桌柜箱座])`, 'g'), (m) => {
    const day = readNumber(m[1]);
    return fits(day, 1, 31) ? [{ kind: 'date', year: null, month: null, day }] : undefined;
  });
}

function withPeriod(word: string | undefined, meanings: Meaning[]): Meaning[] {
  const said = word === undefined ? undefined : PERIOD_WORDS[word];
  if (said?.days !== undefined) meanings.unshift({ kind: 'days', days: said.days });
  return meanings;
}

function times(s: Scanner): void {
  const minutes = `(?:(半)|([一1]刻)|([三3]刻)|(${NUM})分?|整)?钟?`;
  s.scan(new RegExp(`${PERIOD}?(?<![第\\d])(${NUM})[点時时]${minutes}(?:前|之前|以前)?`, 'g'), (m) => {
    // 一点 alone is as often "a little" (快一点) as one o'clock.
    if (m[2] === '一' && !m[1] && m[0].length === 2) return undefined;
    const hour = readNumber(m[2]);
    const minute = m[3] ? 30 : m[4] ? 15 : m[5] ? 45 : m[6] ? readNumber(m[6]) : 0;
    if (!fits(hour, 0, 24) || !fits(minute, 0, 59)) return undefined;
    const period = m[1] === undefined ? null : PERIOD_WORDS[m[1]].period;
    return withPeriod(m[1], [{ kind: 'time', hour, minute, period }]);
  });
  s.scan(new RegExp(`${PERIOD}?(\\d{1,2})[:：](\\d{2})(?!\\s*[ap]\\.?m)(?:前|之前|以前)?`, 'gi'), (m) => {
    const [hour, minute] = [Number(m[2]), Number(m[3])];
    if (!fits(hour, 0, 24) || !fits(minute, 0, 59)) return undefined;
    const period = m[1] === undefined ? null : PERIOD_WORDS[m[1]].period;
    return withPeriod(m[1], [{ kind: 'time', hour, minute, period }]);
  });
  // A part of the day alone; the one-character 早 and 晚 only with a clock time (早点, 晚饭).
  s.scan(/今早|今晚|明早|明晚|凌晨|早上|早晨|清晨|上午|中午|下午|午后|傍晚|晚上|夜里/g, (m) =>
    withPeriod(m[0], [{ kind: 'period', period: PERIOD_WORDS[m[0]].period }]),
  );
}

/** Every Chinese mention in the text, in the order the patterns claim them. */
export function chineseMentions(s: Scanner): void {
  reminders(s);
  repeats(s);
  later(s);
  days(s);
  times(s);
}
