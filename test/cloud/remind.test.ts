import type { LocalCloud } from 'cloudbase-local';
import type { ApiResult } from '../../typings/contract';
import type { RemindRunSummary, Todo } from '../../typings/todo';
import { invoke, startTestCloud } from '../helpers/local-cloud';

const TEMPLATE = 'tpl-remind-test';
const MINUTE = 60_000;
// Starting the cloud takes longer than Jest's 5 s default on a busy machine.
jest.setTimeout(60_000);

let cloud: LocalCloud;

beforeAll(async () => {
  cloud = await startTestCloud({
    functionEnv: {
      REMIND_TEMPLATE_ID: TEMPLATE,
      REMIND_FIELD_TITLE: 'thing1',
      REMIND_FIELD_TIME: 'time2',
      REMIND_MINIPROGRAM_STATE: 'developer',
    },
  });
});
afterAll(() => cloud?.close());

/** Reminders are set two minutes ahead; a run "at" +3 minutes finds them due. */
const t0 = Date.now();
const at = (minutes: number) => new Date(t0 + minutes * MINUTE);

async function dueTodo(openid: string, title = 'Pay the rent'): Promise<Todo> {
  const result = await invoke<ApiResult<{ todo: Todo }>>(
    cloud,
    'todo',
    { action: 'create', title, quadrant: 'q1', dueAt: at(60).toISOString(), remindAt: at(2).toISOString() },
    { openid },
  );
  if (!result.ok) throw new Error(`create failed: ${JSON.stringify(result)}`);
  return result.data.todo;
}

async function accept(openid: string, times = 1): Promise<void> {
  for (let i = 0; i < times; i++)
    await invoke(cloud, 'todo', { action: 'subscribe', templateId: TEMPLATE }, { openid });
}

async function runAt(minutes: number): Promise<RemindRunSummary> {
  const outcome = await cloud.timers.fire('remind', 'everyMinute', at(minutes));
  if (!outcome.ok) throw new Error(`remind crashed: ${outcome.errMsg}`);
  const result = outcome.result as ApiResult<RemindRunSummary>;
  if (!result.ok) throw new Error(`remind failed: ${JSON.stringify(result)}`);
  return result.data;
}

const sends = (openid: string) => cloud.outbox.list({ apiName: 'subscribeMessage.send', openid });
const todoDoc = async (id: string) => (await cloud.store.find('todos', { _id: id }))[0];
const credits = async (openid: string) =>
  (await cloud.store.find('subscriptions', { _id: `${openid}:${TEMPLATE}` }))[0]?.credits;

describe('remind', () => {
  it('sends a due reminder once, with the title cut to 20 characters, the Shanghai due time and the page', async () => {
    const todo = await dueTodo('o-r1', '提交季度报告并抄送给财务部门和项目组全体成员以及主管');
    await accept('o-r1');
    const summary = await runAt(3);
    expect(summary).toMatchObject({ claimed: expect.any(Number), sent: expect.any(Number) });

    const [message, ...more] = sends('o-r1');
    expect(more).toEqual([]);
    const due = new Date(todo.dueAt!);
    const shanghai = new Date(due.getTime() + 8 * 3600_000);
    const hh = String(shanghai.getUTCHours()).padStart(2, '0');
    const mm = String(shanghai.getUTCMinutes()).padStart(2, '0');
    expect(message.payload).toEqual({
      touser: 'o-r1',
      template_id: TEMPLATE,
      page: `pages/todos/index?id=${todo.id}`,
      data: {
        thing1: { value: '提交季度报告并抄送给财务部门和项目组全…' },
        time2: {
          value: `${shanghai.getUTCFullYear()}年${shanghai.getUTCMonth() + 1}月${shanghai.getUTCDate()}日 ${hh}:${mm}`,
        },
      },
      miniprogram_state: 'developer',
      lang: 'zh_CN',
    });
    expect([...(message.payload.data as { thing1: { value: string } }).thing1.value]).toHaveLength(20);
    expect(await todoDoc(todo.id)).toMatchObject({
      remindState: 'sent',
      remindSentAt: at(3),
      remindAttempts: 1,
      remindError: null,
      remindClaim: null,
    });
    expect(await credits('o-r1')).toBe(0);

    // A later run finds nothing more to send.
    await runAt(4);
    expect(sends('o-r1')).toHaveLength(1);
  });

  it('never sends twice when two runs overlap', async () => {
    // Two warm instances first, so the two runs below start together instead of one cold start apart.
    await Promise.all([runAt(4.5), runAt(4.5)]);
    const users = Array.from({ length: 12 }, (_, i) => `o-overlap-${i}`);
    const todos: Todo[] = [];
    for (const openid of users) {
      await accept(openid, 2);
      todos.push(await dueTodo(openid), await dueTodo(openid, 'Second one'));
    }
    const [a, b] = await Promise.all([runAt(5), runAt(5)]);
    expect(a.claimed + b.claimed).toBeGreaterThanOrEqual(todos.length);
    for (const openid of users) expect(sends(openid)).toHaveLength(2);
    const messagePages = users.flatMap((openid) => sends(openid).map((m) => m.payload.page));
    expect(new Set(messagePages).size).toBe(todos.length);
    for (const todo of todos) expect(await todoDoc(todo.id)).toMatchObject({ remindState: 'sent', remindAttempts: 1 });
  }, 30_000);

  it('without a credit sends nothing and marks the reminder no_credit', async () => {
    const todo = await dueTodo('o-r-nocredit');
    await runAt(6);
    expect(sends('o-r-nocredit')).toEqual([]);
    expect(await todoDoc(todo.id)).toMatchObject({ remindState: 'no_credit', remindAttempts: 0, remindError: null });
  });

  it('43101 from WeChat: no_credit, and the credits reset to 0', async () => {
    const todo = await dueTodo('o-r-43101');
    await accept('o-r-43101', 3);
    cloud.outbox.failNext({ apiName: 'subscribeMessage.send', touser: 'o-r-43101', errcode: 43101 });
    await runAt(7);
    expect(sends('o-r-43101')).toHaveLength(1);
    expect(await todoDoc(todo.id)).toMatchObject({
      remindState: 'no_credit',
      remindAttempts: 1,
      remindError: { errcode: 43101, errmsg: expect.any(String) },
    });
    expect(await credits('o-r-43101')).toBe(0);
  });

  it('40003 from WeChat: failed for good, the error kept, the unused credit given back', async () => {
    const todo = await dueTodo('o-r-40003');
    await accept('o-r-40003');
    cloud.outbox.failNext({ apiName: 'subscribeMessage.send', touser: 'o-r-40003', errcode: 40003 });
    await runAt(8);
    await runAt(9);
    expect(sends('o-r-40003')).toHaveLength(1);
    expect(await todoDoc(todo.id)).toMatchObject({
      remindState: 'failed',
      remindAttempts: 1,
      remindError: { errcode: 40003, errmsg: expect.stringContaining('invalid openid') },
    });
    expect(await credits('o-r-40003')).toBe(1);
  });

  it('-1 from WeChat: retried on later runs, a bounded number of times', async () => {
    const todo = await dueTodo('o-r-busy');
    await accept('o-r-busy', 5);
    for (let i = 0; i < 3; i++)
      cloud.outbox.failNext({ apiName: 'subscribeMessage.send', touser: 'o-r-busy', errcode: -1 });

    await runAt(10);
    expect(await todoDoc(todo.id)).toMatchObject({ remindState: 'pending', remindAttempts: 1, remindNextAt: at(11) });
    // Not due again until its back-off has passed.
    await runAt(10.5);
    expect(sends('o-r-busy')).toHaveLength(1);
    await runAt(11);
    expect(await todoDoc(todo.id)).toMatchObject({ remindState: 'pending', remindAttempts: 2, remindNextAt: at(13) });
    await runAt(13);
    expect(await todoDoc(todo.id)).toMatchObject({
      remindState: 'failed',
      remindAttempts: 3,
      remindError: { errcode: -1, errmsg: expect.stringContaining('system error') },
    });
    await runAt(20);
    expect(sends('o-r-busy')).toHaveLength(3);
    // Every failed attempt gave its credit back.
    expect(await credits('o-r-busy')).toBe(5);
  });

  it('-1 once, then delivered on the next run', async () => {
    const todo = await dueTodo('o-r-flaky');
    await accept('o-r-flaky');
    cloud.outbox.failNext({ apiName: 'subscribeMessage.send', touser: 'o-r-flaky', errcode: -1 });
    await runAt(21);
    await runAt(22);
    expect(sends('o-r-flaky').map((m) => m.result.errcode)).toEqual([-1, 0]);
    expect(await todoDoc(todo.id)).toMatchObject({ remindState: 'sent', remindAttempts: 2, remindError: null });
    expect(await credits('o-r-flaky')).toBe(0);
  });

  it('credits accumulate across accepts: three accepts, three sends, then no_credit', async () => {
    await accept('o-r-acc', 3);
    const todos = [await dueTodo('o-r-acc', 'a'), await dueTodo('o-r-acc', 'b'), await dueTodo('o-r-acc', 'c')];
    const fourth = await dueTodo('o-r-acc', 'd');
    await runAt(23);
    expect(sends('o-r-acc')).toHaveLength(3);
    const states = await Promise.all([...todos, fourth].map(async (t) => (await todoDoc(t.id)).remindState));
    expect(states.sort()).toEqual(['no_credit', 'sent', 'sent', 'sent']);
    expect(await credits('o-r-acc')).toBe(0);
  });

  it('skips done todos, and refuses to run for a user', async () => {
    const todo = await dueTodo('o-r-done');
    await accept('o-r-done');
    await invoke(cloud, 'todo', { action: 'complete', id: todo.id }, { openid: 'o-r-done' });
    await runAt(24);
    expect(sends('o-r-done')).toEqual([]);
    await expect(invoke(cloud, 'remind', {}, { openid: 'o-r-done' })).resolves.toMatchObject({
      ok: false,
      code: 'PERMISSION_DENIED',
    });
  });

  it('refuses anything but a timer event or a reminder task, claiming and sending nothing', async () => {
    const todo = await dueTodo('o-r-bad-event');
    await accept('o-r-bad-event');
    const before = await todoDoc(todo.id);
    const timer = { Type: 'Timer', TriggerName: 'everyMinute', Time: at(24).toISOString() };
    for (const [event, fields] of [
      [{}, { task: 'is required', at: 'is required' }],
      [{ task: 'reminders', at: 'soon' }, { at: expect.stringContaining('ISO 8601') }],
      [{ task: 'reminders', at: at(24).toISOString(), todoId: todo.id }, { todoId: 'is not a known field' }],
      [{ Type: 'Timer' }, { TriggerName: 'is required', Time: 'is required' }],
      [{ ...timer, Time: 'soon' }, { Time: expect.stringContaining('ISO 8601') }],
      [{ ...timer, Type: 'Http' }, { Type: 'must be one of "Timer"' }],
      [{ ...timer, TriggerName: 'every\u0000Minute' }, { TriggerName: expect.stringContaining('control') }],
      [{ ...timer, openid: 'o-r-bad-event' }, { openid: 'is not a known field' }],
    ] as Array<[object, object]>) {
      await expect(invoke(cloud, 'remind', event)).resolves.toMatchObject({
        ok: false,
        code: 'INVALID_ARGUMENT',
        fields,
      });
    }
    expect(await todoDoc(todo.id)).toEqual(before);
    expect(sends('o-r-bad-event')).toEqual([]);
  });
});
