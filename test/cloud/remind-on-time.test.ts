/**
 * Reminders on the second: the deferred invocation of `remind` at a reminder's second sends it,
 * with the minute timer switched off (the test cloud does not schedule timers); across a restart
 * of the local cloud; once when the task and the timer race; and not at all from a stale task.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LocalCloud } from 'cloudbase-local';
import type { ApiResult } from '../../typings/contract';
import type { RemindRunSummary, Todo } from '../../typings/todo';
import { eventually } from '../helpers/eventually';
import { invoke, startTestCloud } from '../helpers/local-cloud';

const TEMPLATE = 'tpl-remind-on-time';
const functionEnv = { REMIND_TEMPLATE_ID: TEMPLATE, REMIND_MINIPROGRAM_STATE: 'developer' };

let dataDir: string;
let cloud: LocalCloud;

// Timers are not scheduled: only the deferred tasks (and a test firing the timer) send reminders.
const start = () => startTestCloud({ dataDir, functionEnv });

beforeEach(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'remind-on-time-'));
  cloud = await start();
}, 60_000);
afterEach(async () => {
  await cloud?.close();
  rmSync(dataDir, { recursive: true, force: true });
}, 60_000);

async function reminderIn(openid: string, ms: number): Promise<Todo> {
  await invoke(cloud, 'todo', { action: 'subscribe', templateId: TEMPLATE }, { openid });
  const now = Date.now();
  const result = await invoke<ApiResult<{ todo: Todo }>>(
    cloud,
    'todo',
    {
      action: 'create',
      title: 'Call the dentist',
      quadrant: 'q2',
      dueAt: new Date(now + 3600_000).toISOString(),
      remindAt: new Date(now + ms).toISOString(),
    },
    { openid },
  );
  if (!result.ok) throw new Error(`create failed: ${JSON.stringify(result)}`);
  return result.data.todo;
}

const sends = (openid: string, on = cloud) => on.outbox.list({ apiName: 'subscribeMessage.send', openid });
const todoDoc = async (id: string, on = cloud) => (await on.store.find('todos', { _id: id }))[0];
/** The second a reminder is sent in, as the task for it names it. */
const secondOf = (iso: string) => new Date(Math.ceil(Date.parse(iso) / 1000) * 1000).toISOString();
/** Finished runs of remind's deferred tasks. */
const taskRuns = (on = cloud) => on.functions.recent(200, { name: 'remind', source: 'delayed' });

describe('reminders on the second', () => {
  it('a reminder 10 s ahead is sent within 2 s of its time, with the minute timer off', async () => {
    const todo = await reminderIn('o-ontime', 10_000);
    const remindAt = new Date(todo.remindAt!).getTime();
    const [task, ...others] = cloud.delayed.list();
    expect(others).toEqual([]);
    expect(task).toMatchObject({ functionName: 'remind', env: 'local' });
    expect(JSON.parse(task.data)).toEqual({ task: 'reminders', at: secondOf(todo.remindAt!) });
    expect(await cloud.store.find('reminder_slots', {})).toEqual([
      { _id: `s${Date.parse(secondOf(todo.remindAt!))}`, at: new Date(secondOf(todo.remindAt!)) },
    ]);
    const [asked, ...more] = cloud.outbox.list({ apiName: 'cloudbase.addDelayedFunctionTask' });
    expect(more).toEqual([]);
    expect(asked.payload).toMatchObject({ env: 'local', function_name: 'remind', data: task.data });
    // For the reminder's second, asked 2 s early and rounded down: the run starts early and waits.
    expect(asked.payload.delay_time).toBeGreaterThanOrEqual(6);
    expect(asked.payload.delay_time).toBeLessThanOrEqual(8);

    const sent = await cloud.outbox.waitFor((e) => e.apiName === 'subscribeMessage.send', 20_000);
    const lateness = sent.at.getTime() - remindAt;
    expect(lateness).toBeGreaterThanOrEqual(0);
    expect(lateness).toBeLessThanOrEqual(2000);
    expect(sent.payload).toMatchObject({ touser: 'o-ontime', page: `pages/todos/index?id=${todo.id}` });
    await eventually(async () => (await todoDoc(todo.id)).remindState === 'sent', 'the reminder marked sent');
    expect(await todoDoc(todo.id)).toMatchObject({ remindAttempts: 1, remindClaim: null, remindVia: 'subscription' });
    expect(cloud.delayed.list()).toEqual([]);
    expect(await cloud.store.find('reminder_slots', {})).toEqual([]);
  }, 40_000);

  it('a restart of the local cloud between scheduling and sending still sends it, once', async () => {
    const todo = await reminderIn('o-restart', 7000);
    expect(cloud.delayed.list()).toHaveLength(1);
    await cloud.close();
    // Down past the reminder's time: the task runs as soon as the cloud is back.
    const remindAt = new Date(todo.remindAt!).getTime();
    await eventually(() => Date.now() > remindAt + 500, 'the reminder time to pass while the cloud is down', 20_000);
    cloud = await start();
    await eventually(() => sends('o-restart').length > 0, 'the reminder after the restart', 20_000);
    await eventually(() => taskRuns().length > 0, 'the task run to finish');
    expect(sends('o-restart')).toHaveLength(1);
    expect(await todoDoc(todo.id)).toMatchObject({ remindState: 'sent', remindAttempts: 1 });
    expect(cloud.delayed.list()).toEqual([]);

    // Once run, the task is gone for good: another restart runs nothing.
    await cloud.close();
    cloud = await start();
    expect(cloud.delayed.list()).toEqual([]);
    expect(await todoDoc(todo.id)).toMatchObject({ remindState: 'sent', remindAttempts: 1 });
  }, 60_000);

  it('the task and the minute timer racing for one reminder send it once', async () => {
    const todo = await reminderIn('o-race', 1000);
    const remindAt = new Date(todo.remindAt!).getTime();
    // Under 6 s ahead, the task comes at CloudBase's shortest delay.
    const [task] = cloud.delayed.list();
    expect(Date.parse(task.dueAt) - Date.parse(task.createdAt)).toBe(6000);
    await eventually(() => Date.now() > remindAt, 'the reminder time to pass', 10_000);
    const [run, timer] = await Promise.all([
      cloud.delayed.fire(task.id),
      cloud.timers.fire('remind', 'everyMinute', new Date()),
    ]);
    const summaries = [run, timer].map((outcome) => {
      if (!outcome.ok) throw new Error(outcome.errMsg);
      const result = outcome.result as ApiResult<RemindRunSummary>;
      if (!result.ok) throw new Error(result.message);
      return result.data;
    });
    expect(summaries.map((s) => s.sent).reduce((a, b) => a + b)).toBe(1);
    expect(sends('o-race')).toHaveLength(1);
    expect(await todoDoc(todo.id)).toMatchObject({ remindState: 'sent', remindAttempts: 1 });
  }, 40_000);

  it('a task left from a rescheduled or removed reminder sends nothing at the old time', async () => {
    const moved = await reminderIn('o-stale', 6500);
    const removed = await reminderIn('o-stale-removed', 6500);
    const old = cloud.delayed.list();
    const later = new Date(Date.now() + 3600_000 - 60_000).toISOString();
    const update = await invoke<ApiResult<{ todo: Todo }>>(
      cloud,
      'todo',
      { action: 'update', id: moved.id, remindAt: later },
      { openid: 'o-stale' },
    );
    expect(update).toMatchObject({ ok: true, data: { todo: { remindAt: later } } });
    await invoke(cloud, 'todo', { action: 'remove', id: removed.id }, { openid: 'o-stale-removed' });
    // The old second's task stays (CloudBase cannot cancel one); the new time has its own.
    const tasks = cloud.delayed.list();
    expect(tasks.map((t) => JSON.parse(t.data).at)).toContain(secondOf(later));
    expect(tasks).toEqual(expect.arrayContaining(old));

    await eventually(() => taskRuns().length >= old.length, 'the old tasks to run', 20_000);
    for (const run of taskRuns()) expect(run.result).toMatchObject({ ok: true, data: { claimed: 0, sent: 0 } });
    expect(sends('o-stale')).toEqual([]);
    expect(sends('o-stale-removed')).toEqual([]);
    expect(await todoDoc(moved.id)).toMatchObject({ remindState: 'pending', remindNextAt: new Date(later) });
    expect(cloud.delayed.list().map((t) => JSON.parse(t.data).at)).toEqual([secondOf(later)]);
  }, 40_000);

  it('a reminder whose task cannot be scheduled is still saved, and the minute timer sends it', async () => {
    cloud.outbox.failNext({ apiName: 'cloudbase.addDelayedFunctionTask', errcode: -1 });
    const todo = await reminderIn('o-unscheduled', 20_000);
    expect(cloud.outbox.list({ apiName: 'cloudbase.addDelayedFunctionTask' })).toEqual([
      expect.objectContaining({ result: expect.objectContaining({ errcode: -1 }) }),
    ]);
    expect(cloud.delayed.list()).toEqual([]);
    // The second's mark goes with the failed ask, so the next reminder of that second asks again.
    expect(await cloud.store.find('reminder_slots', {})).toEqual([]);
    expect(await todoDoc(todo.id)).toMatchObject({ remindState: 'pending' });

    const outcome = await cloud.timers.fire('remind', 'everyMinute', new Date(Date.parse(todo.remindAt!) + 1000));
    expect(outcome.ok && outcome.result).toMatchObject({ ok: true, data: { sent: 1 } });
    expect(sends('o-unscheduled')).toHaveLength(1);
  }, 40_000);
});
