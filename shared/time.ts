/**
 * China Standard Time (Asia/Shanghai), the zone the product displays and CloudBase's timer
 * triggers run in. China has no daylight saving, so a fixed +8 h offset is exact and no time-zone
 * database is needed (WeChat's JavaScript engine may not have one).
 */
export const SHANGHAI_OFFSET_MS = 8 * 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

/** Shanghai wall-clock fields of an instant; month 1-12, weekday 0 = Sunday. */
export interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  weekday: number;
}

export function shanghaiWall(ms: number): WallClock {
  const d = new Date(ms + SHANGHAI_OFFSET_MS);
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

/** The instant of a Shanghai wall-clock time (fields past their range roll over, as in Date.UTC). */
export function shanghaiInstant(year: number, month: number, day: number, hour = 0, minute = 0, second = 0): number {
  return Date.UTC(year, month - 1, day, hour, minute, second) - SHANGHAI_OFFSET_MS;
}

/** The Shanghai calendar day of an instant, as a day count: equal for instants on the same date. */
export function shanghaiDayNumber(ms: number): number {
  return Math.floor((ms + SHANGHAI_OFFSET_MS) / DAY_MS);
}

const pad2 = (n: number): string => String(n).padStart(2, '0');

/** "2026-05-01": the Shanghai calendar date of an instant (a day's key, e.g. for a daily quota). */
export function shanghaiDate(ms: number): string {
  const t = shanghaiWall(ms);
  return `${t.year}-${pad2(t.month)}-${pad2(t.day)}`;
}

/** The first instant of the Shanghai day after the one `ms` falls on. */
export function nextShanghaiMidnight(ms: number): number {
  return (shanghaiDayNumber(ms) + 1) * DAY_MS - SHANGHAI_OFFSET_MS;
}

/** "2026-05-01T09:00:00+08:00": an instant as Shanghai wall time with its offset, as the model reads and writes times. */
export function shanghaiIso(ms: number): string {
  const t = shanghaiWall(ms);
  return `${shanghaiDate(ms)}T${pad2(t.hour)}:${pad2(t.minute)}:${pad2(t.second)}+08:00`;
}
