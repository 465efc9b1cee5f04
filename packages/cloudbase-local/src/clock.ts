/**
 * The local cloud's one clock: China Standard Time (Asia/Shanghai), the zone CloudBase evaluates
 * timer triggers in and WeChat resets its daily quotas by. China has no daylight saving, so a fixed
 * +8 h offset is exact and needs no time-zone database. Every zone offset in this package lives
 * here; nothing depends on the zone of the process running it.
 */
const SHANGHAI_OFFSET_MS = 8 * 60 * 60 * 1000;

/** How the clock's zone is named where times are shown (the inspector labels its times with it). */
export const CLOCK_ZONE = { name: 'Asia/Shanghai', offset: 'UTC+8' } as const;

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

/** The Shanghai calendar date of an instant, `YYYY-MM-DD`: WeChat's daily counters reset when it changes. */
export function shanghaiDate(ms: number): string {
  return new Date(ms + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);
}
