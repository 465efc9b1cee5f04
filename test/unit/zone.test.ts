import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import fc from 'fast-check';
import {
  addDays,
  dateKey,
  DEFAULT_ZONE,
  isoInZone,
  instantOf,
  isZone,
  offsetAt,
  startOfDay,
  wallOf,
  zoneOrDefault,
} from '../../shared/time';

const at = (iso: string) => Date.parse(iso);
const LA = 'America/Los_Angeles';

describe('wall-clock fields of an instant', () => {
  it.each([
    ['2026-12-07T02:00:00Z', 'Asia/Shanghai', [2026, 12, 7, 10, 0, 0, 1]],
    ['2026-12-06T16:00:00Z', 'Asia/Shanghai', [2026, 12, 7, 0, 0, 0, 1]],
    ['2026-12-07T02:00:00Z', LA, [2026, 12, 6, 18, 0, 0, 0]],
    ['2026-07-01T07:00:00Z', LA, [2026, 7, 1, 0, 0, 0, 3]],
    ['2026-12-31T23:59:59Z', 'UTC', [2026, 12, 31, 23, 59, 59, 4]],
  ])('%s in %s', (iso, zone, [year, month, day, hour, minute, second, weekday]) => {
    expect(wallOf(at(iso), zone)).toEqual({ year, month, day, hour, minute, second, weekday });
    expect(wallOf(new Date(iso), zone).hour).toBe(hour);
  });

  it('gives the offset in force, summer and winter', () => {
    expect(offsetAt(at('2026-01-15T00:00:00Z'), LA)).toBe(-8 * 3600_000);
    expect(offsetAt(at('2026-07-15T00:00:00Z'), LA)).toBe(-7 * 3600_000);
    expect(offsetAt(at('2026-07-15T00:00:00.999Z'), 'Asia/Shanghai')).toBe(8 * 3600_000);
  });
});

describe('the instant of wall-clock fields', () => {
  it.each([
    [{ year: 2026, month: 12, day: 8, hour: 9 }, 'Asia/Shanghai', '2026-12-08T01:00:00.000Z'],
    [{ year: 2026, month: 12, day: 8 }, 'UTC', '2026-12-08T00:00:00.000Z'],
    [{ year: 2026, month: 7, day: 4, hour: 20, minute: 30 }, LA, '2026-07-05T03:30:00.000Z'],
    // Fields past their range roll over: 32 December is 1 January.
    [{ year: 2026, month: 12, day: 32, hour: 9 }, 'Asia/Shanghai', '2027-01-01T01:00:00.000Z'],
  ])('%j in %s', (wall, zone, iso) => {
    expect(new Date(instantOf(wall, zone)).toISOString()).toBe(iso);
  });

  it('moves a wall time in the spring gap forward by the gap (02:30 is 03:30 PDT)', () => {
    const instant = instantOf({ year: 2026, month: 3, day: 8, hour: 2, minute: 30 }, LA);
    expect(new Date(instant).toISOString()).toBe('2026-03-08T10:30:00.000Z');
    expect(wallOf(instant, LA)).toMatchObject({ hour: 3, minute: 30 });
  });

  it('takes the earlier of a wall time that happens twice in autumn (01:30 PDT)', () => {
    const instant = instantOf({ year: 2026, month: 11, day: 1, hour: 1, minute: 30 }, LA);
    expect(new Date(instant).toISOString()).toBe('2026-11-01T08:30:00.000Z');
  });

  it('keeps 09:00 at 09:00 on both sides of a DST change', () => {
    const before = instantOf({ year: 2026, month: 3, day: 7, hour: 9 }, LA);
    const after = instantOf({ year: 2026, month: 3, day: 9, hour: 9 }, LA);
    expect(after - before).toBe(47 * 3600_000);
  });

  it('gives back the same wall time for any instant, in zones with and without DST', () => {
    const zones = ['Asia/Shanghai', LA, 'UTC', 'Europe/London', 'Australia/Lord_Howe', 'America/Santiago'];
    fc.assert(
      fc.property(
        fc.integer({ min: at('1990-01-01T00:00:00Z') / 1000, max: at('2090-01-01T00:00:00Z') / 1000 }),
        fc.constantFrom(...zones),
        (seconds, zone) => {
          const wall = wallOf(seconds * 1000, zone);
          expect(wallOf(instantOf(wall, zone), zone)).toEqual(wall);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('start of a day', () => {
  it('is midnight in the zone', () => {
    expect(new Date(startOfDay(at('2026-12-07T02:00:00Z'), 'Asia/Shanghai')).toISOString()).toBe(
      '2026-12-06T16:00:00.000Z',
    );
    expect(new Date(startOfDay(at('2026-12-07T02:00:00Z'), LA)).toISOString()).toBe('2026-12-06T08:00:00.000Z');
    expect(new Date(startOfDay(at('2026-03-08T20:00:00Z'), LA)).toISOString()).toBe('2026-03-08T08:00:00.000Z');
  });

  it('is the first instant after the gap where midnight is skipped (Santiago, September)', () => {
    const start = startOfDay(at('2026-09-06T12:00:00Z'), 'America/Santiago');
    expect(new Date(start).toISOString()).toBe('2026-09-06T04:00:00.000Z');
    expect(wallOf(start, 'America/Santiago')).toMatchObject({ day: 6, hour: 1, minute: 0 });
  });
});

describe('zone names', () => {
  it.each(['Asia/Shanghai', 'America/Los_Angeles', 'UTC', 'Europe/Berlin'])('%s is a zone', (name) => {
    expect(isZone(name)).toBe(true);
    expect(zoneOrDefault(name)).toBe(name);
  });

  it.each([undefined, null, '', 'Mars/Olympus_Mons', 'Asia/Shanghai; drop', 42, 'x'.repeat(65)])(
    '%p falls back to Asia/Shanghai',
    (name) => {
      expect(isZone(name)).toBe(false);
      expect(zoneOrDefault(name)).toBe(DEFAULT_ZONE);
    },
  );
});

describe('calendar days', () => {
  it.each([
    [{ year: 2026, month: 12, day: 31 }, 1, { year: 2027, month: 1, day: 1, weekday: 5 }],
    [{ year: 2028, month: 2, day: 28 }, 1, { year: 2028, month: 2, day: 29, weekday: 2 }],
    [{ year: 2026, month: 3, day: 1 }, -1, { year: 2026, month: 2, day: 28, weekday: 6 }],
  ])('%j plus %i days', (date, days, expected) => {
    expect(addDays(date, days)).toEqual(expected);
  });
});

describe('fixed offsets, for a phone that cannot name its zone', () => {
  it('reads and writes wall time at the offset, without Intl', () => {
    expect(isZone('+05:30')).toBe(true);
    expect(isZone('+15:00')).toBe(false);
    expect(wallOf(at('2026-12-07T20:00:00Z'), '+05:30')).toMatchObject({ day: 8, hour: 1, minute: 30 });
    expect(instantOf({ year: 2026, month: 12, day: 8, hour: 1, minute: 30 }, '+05:30')).toBe(
      at('2026-12-07T20:00:00Z'),
    );
    expect(dateKey(at('2026-12-07T20:00:00Z'), '-08:00')).toBe('2026-12-07');
  });

  it('writes an instant as the wall time of a zone with its offset, as the model reads it', () => {
    expect(isoInZone(at('2026-07-01T16:00:00Z'), LA)).toBe('2026-07-01T09:00:00-07:00');
    expect(isoInZone(at('2026-12-07T01:00:00Z'), 'Asia/Shanghai')).toBe('2026-12-07T09:00:00+08:00');
    expect(isoInZone(at('2026-12-07T01:00:00Z'), '+05:30')).toBe('2026-12-07T06:30:00+05:30');
  });
});

describe("the phone's own zone", () => {
  // Date's local-time methods follow the process's TZ, which a running process cannot change: ask a child.
  function inProcess(tz: string, body: string): unknown {
    const code = `import t from ${JSON.stringify(join(__dirname, '../../shared/time.ts'))};\n${body}`;
    const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
      env: { ...process.env, TZ: tz },
      encoding: 'utf8',
    });
    return JSON.parse(out) as unknown;
  }

  it.each([LA, 'UTC', 'Asia/Shanghai'])('in %s, reads and builds wall time as Intl does for that zone', (zone) => {
    const instant = at('2026-12-07T06:00:00Z');
    const wall = { year: 2026, month: 12, day: 8, hour: 9 };
    const [local, built, named] = inProcess(
      zone,
      `console.log(JSON.stringify([t.localWall(${instant}), t.localInstant(${JSON.stringify(wall)}), t.deviceZone()]))`,
    ) as [unknown, number, string];
    expect(local).toEqual(wallOf(instant, zone));
    expect(built).toBe(instantOf(wall, zone));
    expect(named).toBe(zone);
  });

  it('tells the server its offset when Intl cannot name the zone', () => {
    const offsets = inProcess(
      LA,
      `globalThis.Intl = undefined; console.log(JSON.stringify([t.deviceZone(${at('2026-12-07T06:00:00Z')}), t.deviceZone(${at('2026-07-07T06:00:00Z')})]))`,
    );
    expect(offsets).toEqual(['-08:00', '-07:00']);
  });
});
