/**
 * The local cloud's clock is Shanghai wall-clock time whatever zone the process runs in. Jest's
 * process.env is a copy, so each zone gets a Node process of its own running the clock module.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { transformSync } from 'esbuild';

const CLOCK = join(__dirname, '../../packages/cloudbase-local/src/clock.ts');

/** What the clock answers for the probes below, computed in a process running in `zone`. */
function answersIn(zone: string): unknown {
  const { code } = transformSync(readFileSync(CLOCK, 'utf8'), { loader: 'ts', format: 'cjs' });
  const probe = `
    const clock = module.exports;
    console.log(JSON.stringify({
      zone: Intl.DateTimeFormat().resolvedOptions().timeZone,
      beforeMidnight: clock.shanghaiDate(Date.parse('2030-03-31T15:59:59.999Z')),
      atMidnight: clock.shanghaiDate(Date.parse('2030-03-31T16:00:00.000Z')),
      wall: clock.shanghaiWall(Date.parse('2030-12-31T17:30:05Z')),
      instant: new Date(clock.shanghaiInstant(2031, 1, 1, 1, 30, 5)).toISOString(),
      rolledOver: clock.shanghaiInstant(2030, 12, 32) === clock.shanghaiInstant(2031, 1, 1),
    }));`;
  return JSON.parse(execFileSync(process.execPath, ['-e', code + probe], { env: { TZ: zone }, encoding: 'utf8' }));
}

it.each(['Asia/Shanghai', 'UTC', 'America/New_York'])('answers in Shanghai time with the process in %s', (zone) => {
  expect(answersIn(zone)).toEqual({
    zone,
    beforeMidnight: '2030-03-31',
    atMidnight: '2030-04-01',
    wall: { year: 2031, month: 1, day: 1, hour: 1, minute: 30, second: 5, weekday: 3 },
    instant: '2030-12-31T17:30:05.000Z',
    rolledOver: true,
  });
});
