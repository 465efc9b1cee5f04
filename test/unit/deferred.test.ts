import { defer, LEAD_MS, MAX_DELAY_S, type DelayedFunctionTask } from '../../server/deferred';
import { slotOf } from '../../server/todo/schedule';

const NOW = Date.parse('2026-05-01T01:00:00.000Z');

async function asked(atMs: number): Promise<DelayedFunctionTask | undefined> {
  const tasks: DelayedFunctionTask[] = [];
  const calls = { env: () => 'env-1', add: async (task: DelayedFunctionTask) => void tasks.push(task) };
  const sent = await defer(
    calls,
    'remind',
    { task: 'reminders', at: new Date(atMs).toISOString() },
    new Date(atMs),
    NOW,
  );
  expect(sent).toBe(tasks.length === 1);
  return tasks[0];
}

describe('defer', () => {
  it('asks for the task LEAD_MS early, rounded down to the second, with the event as JSON text', async () => {
    expect(LEAD_MS).toBe(2000);
    expect(await asked(NOW + 10_000)).toEqual({
      env: 'env-1',
      functionName: 'remind',
      delayTime: 8,
      data: JSON.stringify({ task: 'reminders', at: new Date(NOW + 10_000).toISOString() }),
    });
    expect((await asked(NOW + 10_999))?.delayTime).toBe(8);
    expect((await asked(NOW + 3600_000))?.delayTime).toBe(3598);
  });

  it('never asks for less than CloudBase’s 6 s: a time closer than that, or past, comes 6 s from now', async () => {
    expect((await asked(NOW + 7999))?.delayTime).toBe(6);
    expect((await asked(NOW + 1000))?.delayTime).toBe(6);
    expect((await asked(NOW - 30_000))?.delayTime).toBe(6);
  });

  it('asks nothing for a time past CloudBase’s 30 days (the minute run sends it)', async () => {
    expect((await asked(NOW + LEAD_MS + MAX_DELAY_S * 1000))?.delayTime).toBe(MAX_DELAY_S);
    expect(await asked(NOW + LEAD_MS + (MAX_DELAY_S + 1) * 1000)).toBeUndefined();
  });
});

describe('slotOf', () => {
  it('is the reminder’s own second, or the next when it is not on a whole second', () => {
    expect(slotOf(new Date('2026-05-01T01:00:00.000Z')).toISOString()).toBe('2026-05-01T01:00:00.000Z');
    expect(slotOf(new Date('2026-05-01T01:00:00.001Z')).toISOString()).toBe('2026-05-01T01:00:01.000Z');
    expect(slotOf(new Date('2026-05-01T01:00:59.999Z')).toISOString()).toBe('2026-05-01T01:01:00.000Z');
  });
});
