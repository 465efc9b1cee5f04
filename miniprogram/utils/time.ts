/**
 * Times are stored as UTC instants and shown on the phone's own wall clock (the app lives in the
 * user's zone: shared/time.ts), in the words of the app's language (the catalogue's `time` section).
 */
import { fill } from '../i18n/fill';
import type { Catalogue } from '../i18n/zh';
import { localDayNumber, localWall } from '../shared/time';

export type TimeWords = Catalogue['time'];

const MINUTE = 60 * 1000;
const HOUR = 60 * MINUTE;

const pad = (n: number): string => String(n).padStart(2, '0');

/** Days between the phone's calendar dates of two instants (b - a). */
function calendarDays(a: number, b: number): number {
  return localDayNumber(b) - localDayNumber(a);
}

export function formatClock(ms: number): string {
  const p = localWall(ms);
  return `${pad(p.hour)}:${pad(p.minute)}`;
}

/** "5月1日" / "May 1", with the year when it is not this year's. */
export function formatDate(ms: number, now: number, words: TimeWords): string {
  const p = localWall(ms);
  const values = { year: p.year, month: words.months[p.month - 1], day: p.day };
  return fill(p.year === localWall(now).year ? words.date : words.dateWithYear, values);
}

/** "5月1日 09:00" / "May 1, 09:00". */
export function formatDateTime(ms: number, now: number, words: TimeWords): string {
  return fill(words.dateTime, { date: formatDate(ms, now, words), time: formatClock(ms) });
}

/** "刚刚", "5 分钟前", "3 小时后", "明天 09:00", "5月1日 09:00" — as a person reads a time. */
export function formatRelative(ms: number, now: number, words: TimeWords): string {
  const delta = ms - now;
  const abs = Math.abs(delta);
  if (abs < MINUTE) return words.justNow;
  if (abs < HOUR) return fill(delta < 0 ? words.minutesAgo : words.minutesLater, { n: Math.floor(abs / MINUTE) });
  const days = calendarDays(now, ms);
  if (days === 0) return fill(delta < 0 ? words.hoursAgo : words.hoursLater, { n: Math.floor(abs / HOUR) });
  if (days === -1) return fill(words.yesterday, { time: formatClock(ms) });
  if (days === 1) return fill(words.tomorrow, { time: formatClock(ms) });
  return formatDateTime(ms, now, words);
}

/** Milliseconds until the text of `formatRelative` can next change: the next whole minute. */
export function msToNextMinute(now: number): number {
  return MINUTE - (now % MINUTE);
}
