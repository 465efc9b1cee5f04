/**
 * Quick add: a todo's title, due time, repeat and reminder from one line of Chinese or English,
 * without the model, in the user's zone (never the process's).
 *
 * The rules:
 * - A time with no day is the next such time: today while it is still ahead, else tomorrow.
 * - A clock hour with no part of the day: 1-6 are afternoon (3点 is 15:00, "at 5" 17:00), 7-12 and
 *   24-hour times as said. A part of the day alone has its own time (早上 08:00, 上午/morning 09:00,
 *   中午 12:00, 下午/afternoon 15:00, 傍晚 18:00, 晚上/今晚/evening 20:00); 晚上12点 is midnight
 *   ending that day, 今晚1点 is 01:00 after it.
 * - A weekday alone (周三, Friday) is the coming one, today only while its time is still ahead;
 *   下周三 / "next Wednesday" is the Wednesday of next week, 这周三 / "this Wednesday" this week's
 *   (weeks start on Monday); 下下周 two weeks on.
 * - A day with no time is due at 09:00, early in the working day when a reminder for that day is
 *   useful; today once 09:00 has passed, the next whole hour, so a new todo is not born overdue.
 * - A date without a year is this year's unless it has passed; 31号 / "on the 5th" is this month's
 *   unless it has passed, else the next month that has that day.
 * - A repeat starts at its first occurrence not before now, at the time said (09:00 when none),
 *   from the day said (today when none).
 * - 半小时后 / "in 2 hours" count from now to the minute; 3天后 / "in 3 days" are days (09:00).
 * - remindAt is set only when the text asks (提醒我, 提前10分钟提醒, remind me, 10 minutes before):
 *   the due time less the offset; null without a due time or when it would already be past.
 * - Words understood are taken out of the title; words inside 《》, quotes or brackets are never
 *   read as dates (读《1984》), and a bare number is never a time (买3个苹果, 第2章).
 */
import { zoneOrDefault } from '../../../shared/time';
import { englishMentions } from './en';
import type { QuickAddKind, QuickAddResult, QuickAddSpan } from '../../../typings/todo';
import { Scanner, type Mention } from './mentions';
import { resolve } from './resolve';
import { chineseMentions } from './zh';

export type { QuickAddKind, QuickAddSpan };
/** What quick add understood: the contract's answer of `todo.parse`. */
export type QuickAdd = QuickAddResult;

export interface QuickAddOptions {
  now: Date;
  /** The user's IANA zone; Asia/Shanghai when absent or unknown. */
  zone?: string | null;
  /** Kinds to leave unread, for a chip the person removed: their words stay in the title. */
  without?: readonly QuickAddKind[];
}

/** Quoted and bracketed text, which holds titles (《1984》, “Q4 plan”), never dates. */
const QUOTED = /《[^》]*》|“[^”]*”|"[^"]*"|「[^」]*」|『[^』]*』|（[^）]*）|\([^)]*\)|【[^】]*】|\[[^\]]*\]/g;
const BLANK = '\u0001';

/** The text the grammars read: full-width digits and colons made plain, quotes blanked; same length. */
function readable(text: string): string {
  return text
    .replace(/[０-９：]/g, (c) => (c === '：' ? ':' : String.fromCharCode(c.charCodeAt(0) - 0xfee0)))
    .replace(QUOTED, (quoted) => BLANK.repeat(quoted.length));
}

function kindOf(mention: Mention): QuickAddKind {
  if (mention.meanings.some((m) => m.kind === 'repeat')) return 'repeat';
  if (mention.meanings.every((m) => m.kind === 'remind')) return 'remind';
  return 'due';
}

const LATIN = /[A-Za-z0-9]/;

/** The text with the spans taken out, tidied: no doubled spaces, dangling prepositions or punctuation. */
function titleWithout(text: string, spans: QuickAddSpan[]): string {
  let title = '';
  let from = 0;
  for (const span of spans) {
    // 在/于 right before a due time belongs to it (在明天上午开会 → 开会).
    const start = span.kind === 'due' && /[在于]/.test(text[span.start - 1] ?? '') ? span.start - 1 : span.start;
    title += text.slice(from, Math.max(from, start));
    // Keep words apart where the span stood between them.
    if (LATIN.test(title.slice(-1)) && LATIN.test(text[span.end] ?? '')) title += ' ';
    from = Math.max(from, span.end);
  }
  title += text.slice(from);
  return title
    .replace(/\s+/g, ' ')
    .replace(/\s+([,.!?;:，。！？；：、])/g, '$1')
    .replace(/^(?:[\s,.;:!?，。；：、！？\-–—]|(?:on|at|by|in|to|for)\s)+/i, '')
    .replace(/(?:[\s,;:，；：、\-–—]|\s(?:on|at|by|in|to|for))+$/i, '')
    .trim();
}

export function parseQuickAdd(text: string, options: QuickAddOptions): QuickAdd {
  const zone = zoneOrDefault(options.zone);
  const scanner = new Scanner(readable(text));
  chineseMentions(scanner);
  englishMentions(scanner);
  const without = new Set(options.without ?? []);
  const mentions = scanner.mentions.filter((mention) => !without.has(kindOf(mention)));
  const { dueAt, repeat, remindAt, used } = resolve(mentions, options.now, zone);
  const spans = mentions
    .filter((mention) => used.has(mention))
    .sort((a, b) => a.start - b.start)
    .map((m) => ({ kind: kindOf(m), start: m.start, end: m.end, text: text.slice(m.start, m.end) }));
  return {
    title: titleWithout(text, spans),
    dueAt: dueAt?.toISOString() ?? null,
    repeat,
    remindAt: remindAt?.toISOString() ?? null,
    spans,
  };
}
