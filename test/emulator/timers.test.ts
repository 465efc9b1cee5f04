import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs, runningUrl } from '../../packages/cloudbase-local/src/cli';
import { startLocalCloud, type LocalCloud } from '../../packages/cloudbase-local/src';
import { CronError, nextFire, parseCron, timerEvent } from '../../packages/cloudbase-local/src/timers';
import { eventually } from '../helpers/eventually';

/** A Shanghai wall-clock time as an instant. */
const cst = (text: string) => new Date(`${text}+08:00`);
const next = (cron: string, after: string) => nextFire(parseCron(cron), cst(after))?.toISOString();

describe('parseCron (7 fields: second minute hour day month week year)', () => {
  it('expands *, numbers, ranges, lists and steps', () => {
    const cron = parseCron('*/15 0,30 9-11 1 JAN-MAR MON-FRI 2026');
    expect([...cron.sets[0]]).toEqual([0, 15, 30, 45]);
    expect([...cron.sets[1]]).toEqual([0, 30]);
    expect([...cron.sets[2]]).toEqual([9, 10, 11]);
    expect([...cron.sets[4]]).toEqual([1, 2, 3]);
    expect([...cron.sets[5]]).toEqual([1, 2, 3, 4, 5]);
    expect([...cron.sets[6]]).toEqual([2026]);
    expect([...parseCron('5/20 * * * * * *').sets[0]]).toEqual([5, 25, 45]);
  });

  it.each([
    ['* * * * *', /7 fields/],
    ['60 * * * * * *', /second value "60" is outside 0-59/],
    ['0 * 24 * * * *', /hour value "24"/],
    ['0 * * 0 * * *', /day-of-month value "0"/],
    ['0 * * * 13 * *', /month value "13"/],
    ['0 * * * * 7 *', /day-of-week value "7"/],
    ['0 * * * * * 1969', /year value "1969"/],
    ['0 5-1 * * * * *', /runs backwards/],
    ['*/0 * * * * * *', /bad step/],
    ['0 ,5 * * * * *', /bad minute/],
    ['0 x * * * * *', /minute value "x"/],
  ])('refuses %s', (cron, message) => {
    expect(() => parseCron(cron)).toThrow(CronError);
    expect(() => parseCron(cron)).toThrow(message);
  });
});

describe('nextFire, in China Standard Time', () => {
  it('every minute fires at second 0 of the next minute', () => {
    expect(next('0 * * * * * *', '2026-05-01T09:00:00')).toBe(cst('2026-05-01T09:01:00').toISOString());
    expect(next('0 * * * * * *', '2026-05-01T09:00:59.5')).toBe(cst('2026-05-01T09:01:00').toISOString());
  });

  it('a daily time is Shanghai wall-clock time, rolling over months and years', () => {
    expect(next('0 0 9 * * * *', '2026-05-01T08:59:59')).toBe(cst('2026-05-01T09:00:00').toISOString());
    expect(next('0 0 9 * * * *', '2026-05-01T09:00:00')).toBe(cst('2026-05-02T09:00:00').toISOString());
    expect(next('0 30 23 31 12 * *', '2026-12-31T23:30:00')).toBe(cst('2027-12-31T23:30:00').toISOString());
    // 09:00 in Shanghai is 01:00 UTC.
    expect(next('0 0 9 * * * *', '2026-05-01T00:00:00')).toBe('2026-05-01T01:00:00.000Z');
  });

  it('weekdays: 0 is Sunday; day-of-month and day-of-week restricted together mean either', () => {
    // 2026-05-01 is a Friday.
    expect(next('0 0 8 * * MON *', '2026-05-01T12:00:00')).toBe(cst('2026-05-04T08:00:00').toISOString());
    expect(next('0 0 8 * * 0 *', '2026-05-01T12:00:00')).toBe(cst('2026-05-03T08:00:00').toISOString());
    expect(next('0 0 8 15 * 6 *', '2026-05-01T12:00:00')).toBe(cst('2026-05-02T08:00:00').toISOString());
  });

  it('skips months without the day, and ends when the years run out', () => {
    expect(next('0 0 0 31 * * *', '2026-04-01T00:00:00')).toBe(cst('2026-05-31T00:00:00').toISOString());
    expect(next('0 0 0 29 2 * *', '2026-03-01T00:00:00')).toBe(cst('2028-02-29T00:00:00').toISOString());
    expect(next('0 0 0 1 1 * 2026', '2026-06-01T00:00:00')).toBeUndefined();
  });

  it('builds the event CloudBase gives a timer-triggered function', () => {
    expect(timerEvent('everyMinute', new Date('2026-05-01T01:00:00Z'))).toEqual({
      Type: 'Timer',
      TriggerName: 'everyMinute',
      Time: '2026-05-01T01:00:00.000Z',
      Message: '',
    });
  });
});

describe('timer triggers in the local cloud', () => {
  let cloud: LocalCloud;
  const dir = mkdtempSync(join(tmpdir(), 'timers-'));
  beforeAll(async () => {
    // A function that reports how it was called; its trigger fires every second.
    mkdirSync(join(dir, 'tick'));
    writeFileSync(
      join(dir, 'tick', 'index.js'),
      `exports.main = async (event) => ({ event, trigger: process.env.TRIGGER_SRC || null, openid: process.env.WX_OPENID || null });`,
    );
    writeFileSync(
      join(dir, 'tick', 'config.json'),
      JSON.stringify({ triggers: [{ name: 'everySecond', type: 'timer', config: '* * * * * * *' }] }),
    );
    cloud = await startLocalCloud({ port: 0, quiet: true, functionsDir: dir, databaseDir: false, schedule: true });
  }, 120_000);
  afterAll(() => cloud?.close());

  it('fires on schedule as a timer, without a user', async () => {
    await eventually(() => cloud.functions.recent().some((r) => r.name === 'tick'), 'the trigger to fire');
    const [trigger] = cloud.timers.list();
    expect(trigger).toMatchObject({ function: 'tick', trigger: 'everySecond', config: '* * * * * * *' });
    expect(Date.parse(trigger.next ?? '')).toBeGreaterThan(Date.now() - 1000);
  });

  it('fires one on demand over HTTP, and says so when the trigger does not exist', async () => {
    const response = await fetch(`${cloud.url}/_/api/triggers/tick/everySecond`, { method: 'POST' });
    const body = (await response.json()) as { ok: boolean; result: { event: { Type: string }; trigger: string } };
    expect(response.status).toBe(200);
    expect(body).toMatchObject({
      ok: true,
      result: { event: { Type: 'Timer', TriggerName: 'everySecond' }, trigger: 'timer', openid: null },
    });
    const missing = await fetch(`${cloud.url}/_/api/triggers/tick/nightly`, { method: 'POST' });
    expect(missing.status).toBe(404);
    const listed = (await (await fetch(`${cloud.url}/_/api/triggers`)).json()) as { triggers: unknown[] };
    expect(listed.triggers).toHaveLength(1);
  });
});

describe('npm start flags for timers', () => {
  it('schedules by default, --no-schedule turns it off, --fire names a trigger on the running cloud', () => {
    expect(parseArgs([], {})).toMatchObject({ schedule: true });
    expect(parseArgs(['--no-schedule'], {})).toMatchObject({ schedule: false });
    const fire = parseArgs(['--fire', 'remind/everyMinute', '--port', '9100', '--in-memory'], {});
    expect(fire).toMatchObject({ fire: 'remind/everyMinute' });
    expect(runningUrl(fire)).toBe('http://127.0.0.1:9100');
    expect(() => parseArgs(['--fire'], {})).toThrow('--fire expects a value');
  });
});
