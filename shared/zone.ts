/**
 * The user's own time zone (an IANA name the mini-program sends): wall-clock fields of an instant,
 * and the instant of wall-clock fields, from Intl alone, so the answer never depends on the zone
 * the process runs in (CloudBase runs functions in UTC). Date's local getters and setters are never
 * used; dates are built with Date.UTC and read with getUTC*.
 *
 * DST rule (the one Temporal calls "compatible" and RFC 5545 gives for DTSTART): a wall time that
 * does not exist (the hour skipped in spring) is moved forward by the length of the gap (02:30 on
 * a spring-forward day in Los Angeles is 03:30 PDT); a wall time that exists twice (the hour
 * repeated in autumn) is the earlier of the two instants (01:30 PDT, not 01:30 PST).
 */

/** The zone used when none is given, or the one given is not a zone this runtime knows. */
export const DEFAULT_ZONE = 'Asia/Shanghai';

const DAY_MS = 24 * 60 * 60 * 1000;

/** A calendar date and a time of day; month 1-12. Fields past their range roll over, as in Date.UTC. */
export interface WallFields {
  year: number;
  month: number;
  day: number;
  hour?: number;
  minute?: number;
  second?: number;
}

/** Wall-clock fields of an instant in a zone; weekday 0 = Sunday. */
export interface WallTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  weekday: number;
}

const formats = new Map<string, Intl.DateTimeFormat>();

function formatFor(zone: string): Intl.DateTimeFormat {
  let format = formats.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formats.set(zone, format);
  }
  return format;
}

/** True when this runtime knows the zone by that IANA name. */
export function isZone(name: unknown): name is string {
  if (typeof name !== 'string' || name.length === 0 || name.length > 64) return false;
  try {
    formatFor(name);
    return true;
  } catch {
    return false;
  }
}

/** The zone to compute in: the one named when it is known, else Asia/Shanghai. */
export function zoneOrDefault(name: unknown): string {
  return isZone(name) ? name : DEFAULT_ZONE;
}

/** The wall-clock fields of an instant (ms or Date) in a zone. */
export function wallOf(instant: number | Date, zone: string): WallTime {
  const ms = typeof instant === 'number' ? instant : instant.getTime();
  const fields: Record<string, number> = {};
  for (const part of formatFor(zone).formatToParts(ms)) {
    if (part.type !== 'literal') fields[part.type] = Number(part.value);
  }
  // Intl counts years of the common era; years before 1 do not occur in this app.
  const { year, month, day, hour, minute, second } = fields;
  return { year, month, day, hour, minute, second, weekday: new Date(Date.UTC(year, month - 1, day)).getUTCDay() };
}

/** Milliseconds the zone's wall clock is ahead of UTC at an instant. */
export function offsetAt(instant: number, zone: string): number {
  const whole = instant - (((instant % 1000) + 1000) % 1000);
  const wall = wallOf(whole, zone);
  return Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second) - whole;
}

/** The instant of wall-clock fields in a zone, by the DST rule above. */
export function instantOf(wall: WallFields, zone: string): number {
  const local = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour ?? 0, wall.minute ?? 0, wall.second ?? 0);
  // The offsets a day either side bracket any transition near this wall time.
  const before = offsetAt(local - DAY_MS, zone);
  const after = offsetAt(local + DAY_MS, zone);
  const fits = [local - before, local - after].filter((candidate) => candidate + offsetAt(candidate, zone) === local);
  // Twice (autumn): the earlier. Never (spring gap): read with the offset before the gap, which lands after it.
  return fits.length > 0 ? Math.min(...fits) : local - before;
}

/** The instant the wall-clock day holding `instant` starts in a zone (midnight, or the first instant after a gap). */
export function startOfDay(instant: number | Date, zone: string): number {
  const wall = wallOf(instant, zone);
  return instantOf({ year: wall.year, month: wall.month, day: wall.day }, zone);
}

/** The date `days` calendar days after a wall date (negative for before), in the calendar alone. */
export function addDays(date: WallFields, days: number): { year: number; month: number; day: number; weekday: number } {
  const shifted = new Date(Date.UTC(date.year, date.month - 1, date.day + days));
  return {
    year: shifted.getUTCFullYear(),
    month: shifted.getUTCMonth() + 1,
    day: shifted.getUTCDate(),
    weekday: shifted.getUTCDay(),
  };
}
