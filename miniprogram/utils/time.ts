/**
 * Times are stored as UTC instants and shown in China Standard Time whatever the phone's zone
 * (style.md, guideline 9).
 */
import { shanghaiDayNumber, shanghaiWall } from '../shared/time';

const MINUTE = 60 * 1000;
const HOUR = 60 * MINUTE;

const pad = (n: number): string => String(n).padStart(2, '0');

/** Days between the Shanghai calendar dates of two instants (b - a). */
function calendarDays(a: number, b: number): number {
  return shanghaiDayNumber(b) - shanghaiDayNumber(a);
}

export function formatClock(ms: number): string {
  const p = shanghaiWall(ms);
  return `${pad(p.hour)}:${pad(p.minute)}`;
}

export function formatDate(ms: number, now: number): string {
  const p = shanghaiWall(ms);
  return p.year === shanghaiWall(now).year ? `${p.month}月${p.day}日` : `${p.year}年${p.month}月${p.day}日`;
}

/** "刚刚", "5 分钟前", "3 小时后", "明天 09:00", "5月1日 09:00" — as a person reads a time. */
export function formatRelative(ms: number, now: number): string {
  const delta = ms - now;
  const abs = Math.abs(delta);
  if (abs < MINUTE) return '刚刚';
  if (abs < HOUR) return `${Math.floor(abs / MINUTE)} 分钟${delta < 0 ? '前' : '后'}`;
  const days = calendarDays(now, ms);
  if (days === 0) return `${Math.floor(abs / HOUR)} 小时${delta < 0 ? '前' : '后'}`;
  if (days === -1) return `昨天 ${formatClock(ms)}`;
  if (days === 1) return `明天 ${formatClock(ms)}`;
  return `${formatDate(ms, now)} ${formatClock(ms)}`;
}

/** Milliseconds until the text of `formatRelative` can next change: the next whole minute. */
export function msToNextMinute(now: number): number {
  return MINUTE - (now % MINUTE);
}
