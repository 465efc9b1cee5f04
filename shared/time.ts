/**
 * The app's one clock. The app lives in the user's own time zone: what a person picks and what they
 * see is their phone's wall clock, wherever they are, and the server computes in the zone the phone
 * names (every call carries it). Instants are stored in UTC; this module alone turns an instant into
 * wall-clock fields and back (scripts/eslint-clock.mjs keeps it so).
 *
 * Two paths, one rule:
 * - A named zone (the server): an IANA name, through Intl, so the answer never depends on the zone
 *   the process runs in (CloudBase runs functions in UTC); or a fixed offset ("+05:30"), by
 *   arithmetic, for a phone whose engine could not name its zone.
 * - The phone's own zone (the mini-program): Date's local-time methods, called here and nowhere
 *   else. WeChat's engines may ship Intl without time-zone data, and the date picker (Vant's)
 *   computes with these same methods, so the picker, the editor and the list agree by construction.
 *
 * DST rule (the one Temporal calls "compatible" and RFC 5545 gives for DTSTART): a wall time that
 * does not exist (the hour skipped in spring) is moved forward by the length of the gap (02:30 on
 * a spring-forward day in Los Angeles is 03:30 PDT); a wall time that exists twice (the hour
 * repeated in autumn) is the earlier of the two instants (01:30 PDT, not 01:30 PST).
 */

/** The zone used when none is given, or the one given is not a zone this runtime knows. */
export const DEFAULT_ZONE = 'Asia/Shanghai';

const MINUTE_MS = 60 * 1000;
const DAY_MS = 24 * 60 * MINUTE_MS;

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

const pad2 = (n: number): string => String(n).padStart(2, '0');

/** The fields of a Date read in UTC: what every path below ends with. */
function utcFields(d: Date): WallTime {
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

const utcOf = (wall: WallFields): number =>
  Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour ?? 0, wall.minute ?? 0, wall.second ?? 0);

// ---- offsets written as text ----

const FIXED = /^([+-])(\d{2}):(\d{2})$/;

/** The offset of a fixed-offset zone ("+05:30", "-08:00"), or undefined for a named zone. */
function fixedOffset(zone: string): number | undefined {
  const m = FIXED.exec(zone);
  if (!m) return undefined;
  const minutes = Number(m[2]) * 60 + Number(m[3]);
  // Real offsets run from -12:00 to +14:00.
  if (minutes > 14 * 60 || Number(m[3]) > 59) return undefined;
  return (m[1] === '-' ? -minutes : minutes) * MINUTE_MS;
}

/** "+08:00", "-07:00", "+05:30": an offset as ISO 8601 writes it. */
export function offsetText(offsetMs: number): string {
  const minutes = Math.round(Math.abs(offsetMs) / MINUTE_MS);
  return `${offsetMs < 0 ? '-' : '+'}${pad2(Math.floor(minutes / 60))}:${pad2(minutes % 60)}`;
}

// ---- a named zone ----

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

/** True when this runtime knows the zone: an IANA name, or a fixed offset such as "+05:30". */
export function isZone(name: unknown): name is string {
  if (typeof name !== 'string' || name.length === 0 || name.length > 64) return false;
  if (FIXED.test(name)) return fixedOffset(name) !== undefined;
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
  const fixed = fixedOffset(zone);
  if (fixed !== undefined) return utcFields(new Date(ms + fixed));
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
  const fixed = fixedOffset(zone);
  if (fixed !== undefined) return fixed;
  const whole = instant - (((instant % 1000) + 1000) % 1000);
  return utcOf(wallOf(whole, zone)) - whole;
}

/** The instant of wall-clock fields in a zone, by the DST rule above. */
export function instantOf(wall: WallFields, zone: string): number {
  const local = utcOf(wall);
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

/** The first instant of the day after the one `instant` falls on, in a zone: when "today" ends. */
export function nextMidnight(instant: number | Date, zone: string): number {
  const wall = wallOf(instant, zone);
  return instantOf(addDays(wall, 1), zone);
}

/** The date `days` calendar days after a wall date (negative for before), in the calendar alone. */
export function addDays(date: WallFields, days: number): { year: number; month: number; day: number; weekday: number } {
  const { year, month, day, weekday } = utcFields(new Date(Date.UTC(date.year, date.month - 1, date.day + days)));
  return { year, month, day, weekday };
}

/** "2026-05-01": the calendar date of an instant in a zone (a day's key, e.g. for a daily quota). */
export function dateKey(instant: number, zone: string): string {
  const t = wallOf(instant, zone);
  return `${t.year}-${pad2(t.month)}-${pad2(t.day)}`;
}

/** "2026-05-01T09:00:00-07:00": an instant as wall time in a zone with its offset, as the model reads and writes times. */
export function isoInZone(instant: number, zone: string): string {
  const t = wallOf(instant, zone);
  const time = `${pad2(t.hour)}:${pad2(t.minute)}:${pad2(t.second)}`;
  return `${dateKey(instant, zone)}T${time}${offsetText(offsetAt(instant, zone))}`;
}

// ---- the phone's own zone (the mini-program) ----

/** The wall-clock fields of an instant in the phone's zone. */
export function localWall(ms: number): WallTime {
  const d = new Date(ms);
  return {
    year: d.getFullYear(),
    month: d.getMonth() + 1,
    day: d.getDate(),
    hour: d.getHours(),
    minute: d.getMinutes(),
    second: d.getSeconds(),
    weekday: d.getDay(),
  };
}

/** The instant of wall-clock fields in the phone's zone (the engine applies its own DST rule). */
export function localInstant(wall: WallFields): number {
  return new Date(wall.year, wall.month - 1, wall.day, wall.hour ?? 0, wall.minute ?? 0, wall.second ?? 0).getTime();
}

/** The phone's calendar day of an instant, as a day count: equal for instants on the same date. */
export function localDayNumber(ms: number): number {
  const t = localWall(ms);
  return Date.UTC(t.year, t.month - 1, t.day) / DAY_MS;
}

/**
 * The zone to tell the server: the phone's IANA name when Intl knows it and its rules agree with
 * the phone's clock now (an engine without zone data may answer "UTC" whatever the phone says),
 * else the phone's present offset ("+05:30"); Asia/Shanghai when neither can be read.
 */
export function deviceZone(now = Date.now()): string {
  const offset = -new Date(now).getTimezoneOffset() * MINUTE_MS;
  try {
    const name = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (isZone(name) && offsetAt(now, name) === offset) return name;
  } catch {
    // No Intl at all: the offset below still says where the phone is.
  }
  return Number.isFinite(offset) && isZone(offsetText(offset)) ? offsetText(offset) : DEFAULT_ZONE;
}

// ---- China Standard Time: WeChat's own days and CloudBase's timer triggers ----

/** Asia/Shanghai has had no DST since 1991: a fixed offset, no zone database needed. */
const CHINA = '+08:00';

/** Shanghai wall-clock fields of an instant. */
export const shanghaiWall = (ms: number): WallTime => wallOf(ms, CHINA);

/** The instant of a Shanghai wall-clock time (fields past their range roll over, as in Date.UTC). */
export function shanghaiInstant(year: number, month: number, day: number, hour = 0, minute = 0, second = 0): number {
  return instantOf({ year, month, day, hour, minute, second }, CHINA);
}

/** "2026-05-01": the Shanghai calendar date of an instant (WeChat's daily limits reset on it). */
export const shanghaiDate = (ms: number): string => dateKey(ms, CHINA);
