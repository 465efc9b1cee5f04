/**
 * The assistant plans with the todo function's own code, through the real chat engine against a
 * scripted model: repeating todos, date words left in a title, steps, moves, reschedules,
 * completes that answer the next occurrence, and a plan for today built from the todos.
 */
import { addDays, instantOf, isoInZone, wallOf } from '../../shared/time';
import type { ApiResult } from '../../typings/contract';
import type { Todo } from '../../typings/todo';
import { chatOk, startChatRig, type ChatRig } from '../helpers/chat';
import { invoke } from '../helpers/local-cloud';
import { textReply, toolReply } from '../helpers/model-server';

jest.setTimeout(60_000);

const SHANGHAI = 'Asia/Shanghai';
const HOUR = 3600_000;
let rig: ChatRig;
beforeAll(async () => {
  rig = await startChatRig();
}, 120_000);
afterAll(() => rig?.close());

let n = 0;
const nextUser = () => `o-planner-chat-${++n}`;

async function todoOk<T>(event: object, openid: string): Promise<T> {
  const result = await invoke<ApiResult<T>>(rig.cloud, 'todo', event, { openid });
  if (!result.ok) throw new Error(JSON.stringify(result));
  return result.data;
}
const todosOf = async (openid: string) =>
  (await todoOk<{ items: Todo[] }>({ action: 'list', status: 'all' }, openid)).items;

/** Sends `text` with the model scripted to call `name` with `args`, then to say `reply`; answers the tool's result. */
async function withTool(openid: string, text: string, name: string, args: object, reply = '好的。') {
  rig.model.script(toolReply({ name, arguments: args }), textReply(reply));
  const start = rig.model.requests.length;
  const sent = await chatOk(rig.cloud, 'send', { text }, openid);
  const messages = rig.model.requests[start + 1]?.body.messages ?? [];
  const result = JSON.parse(messages.filter((m) => m.role === 'tool').at(-1)?.content ?? '{}') as Record<
    string,
    unknown
  >;
  return { sent, result };
}

/** The coming Monday (not today) at hh:mm in Shanghai. */
function comingMonday(hour: number): number {
  const today = wallOf(Date.now(), SHANGHAI);
  return instantOf(
    { ...addDays(today, ((8 - today.weekday) % 7) + 7 * Number(today.weekday === 1)), hour, minute: 0 },
    SHANGHAI,
  );
}

it('"每周一提醒我交周报": add_todo with a repeat starts on the coming Monday, and the card shows the rule', async () => {
  const openid = nextUser();
  const { sent, result } = await withTool(openid, '每周一提醒我交周报', 'add_todo', {
    title: '交周报',
    quadrant: 'q2',
    repeat: 'FREQ=WEEKLY;BYDAY=MO',
  });
  const [todo] = await todosOf(openid);
  expect(todo).toMatchObject({ title: '交周报', repeat: 'FREQ=WEEKLY;BYDAY=MO' });
  const due = Date.parse(todo.dueAt!);
  expect(wallOf(due, SHANGHAI)).toMatchObject({ weekday: 1, hour: 9, minute: 0 });
  expect(due).toBeGreaterThan(Date.now());
  expect(due - Date.now()).toBeLessThanOrEqual(7 * 24 * HOUR);
  expect(result).toMatchObject({ ok: true, todo: { repeat: 'FREQ=WEEKLY;BYDAY=MO' } });
  expect(sent.reply.cards).toEqual([expect.objectContaining({ todoId: todo.id, repeat: 'FREQ=WEEKLY;BYDAY=MO' })]);
});

it('add_todo reads date words the model left in the title with the quick-add parser', async () => {
  const openid = nextUser();
  await withTool(openid, '记一下明天下午3点开会', 'add_todo', { title: '明天下午3点开会', quadrant: 'q1' });
  const [todo] = await todosOf(openid);
  const tomorrow = addDays(wallOf(Date.now(), SHANGHAI), 1);
  expect(todo).toMatchObject({
    title: '开会',
    dueAt: new Date(instantOf({ ...tomorrow, hour: 15, minute: 0 }, SHANGHAI)).toISOString(),
  });
});

it('"把准备周会拆成几步": add_steps adds a checklist after the steps it has', async () => {
  const openid = nextUser();
  const { todo } = await todoOk<{ todo: Todo }>(
    { action: 'create', title: '准备周会', quadrant: 'q2', steps: ['订会议室'] },
    openid,
  );
  const { result } = await withTool(openid, '把准备周会拆成几步', 'add_steps', {
    id: todo.id,
    steps: ['整理上周进展', '写议程', '发会议邀请'],
  });
  expect(result).toMatchObject({ ok: true });
  const [after] = await todosOf(openid);
  expect(after.steps.map((s) => [s.title, s.done])).toEqual([
    ['订会议室', false],
    ['整理上周进展', false],
    ['写议程', false],
    ['发会议邀请', false],
  ]);
  expect(after.steps[0].id).toBe(todo.steps[0].id);
});

it('move_todo and reschedule_todo change the quadrant and the times; a bad id is refused back to the model', async () => {
  const openid = nextUser();
  const { todo } = await todoOk<{ todo: Todo }>({ action: 'create', title: '体检', quadrant: 'q4' }, openid);
  await withTool(openid, '体检挺重要的', 'move_todo', { id: todo.id, quadrant: 'q2' });
  const dueAt = isoInZone(comingMonday(10), SHANGHAI);
  await withTool(openid, '改到周一上午10点', 'reschedule_todo', { id: todo.id, dueAt, remindAt: dueAt });
  const [after] = await todosOf(openid);
  expect(after).toMatchObject({ quadrant: 'q2', reminder: { state: 'pending' } });
  expect(Date.parse(after.dueAt!)).toBe(Date.parse(dueAt));
  const { result } = await withTool(openid, '完成它', 'complete_todo', { id: 'no-such-todo' });
  expect(result).toMatchObject({ ok: false, code: 'NOT_FOUND' });
});

it('complete_todo on a repeating todo answers its next occurrence', async () => {
  const openid = nextUser();
  const due = comingMonday(9);
  const { todo } = await todoOk<{ todo: Todo }>(
    {
      action: 'create',
      title: '交周报',
      quadrant: 'q2',
      dueAt: new Date(due).toISOString(),
      repeat: 'FREQ=WEEKLY;BYDAY=MO',
    },
    openid,
  );
  const { result } = await withTool(openid, '周报交了', 'complete_todo', { id: todo.id });
  expect(result).toMatchObject({
    ok: true,
    todo: { id: todo.id },
    next: { title: '交周报', dueAt: isoInZone(due + 7 * 24 * HOUR, SHANGHAI), repeat: 'FREQ=WEEKLY;BYDAY=MO' },
  });
  expect((await todosOf(openid)).filter((t) => !t.done)).toHaveLength(1);
});

it('"今天先做什么？": plan_today answers with an order built from the todos by the matrix rule', async () => {
  const openid = nextUser();
  const now = Date.now();
  const create = (title: string, quadrant: string, dueAt: number | null) =>
    rig.cloud.store.insert('todos', [
      {
        _openid: openid,
        title,
        note: '',
        quadrant,
        done: false,
        dueAt: dueAt === null ? null : new Date(dueAt),
        sortDue: new Date(dueAt ?? Date.UTC(9999, 11, 31)),
        remindAt: null,
        remindState: 'none',
        remindNextAt: null,
        remindAttempts: 0,
        remindError: null,
        remindSentAt: null,
        remindClaim: null,
        remindClaimedAt: null,
        createdAt: new Date(now),
        updatedAt: new Date(now),
        doneAt: null,
      },
    ]);
  const endOfToday = instantOf(addDays(wallOf(now, SHANGHAI), 1), SHANGHAI);
  await create('someday', 'q4', null);
  await create('urgent errand', 'q3', now - HOUR);
  await create('tax return', 'q1', now - 2 * HOUR);
  await create('plan the quarter', 'q2', endOfToday + 48 * HOUR);
  await create('pitch deck', 'q1', endOfToday - 1);
  const { result } = await withTool(openid, '今天先做什么？', 'plan_today', {}, '先做报税。');
  expect(result).toMatchObject({ ok: true, overdue: 2, open: { q1: 2, q2: 1, q3: 1, q4: 1 } });
  expect((result.plan as Array<{ title: string; why: string }>).map((t) => [t.title, t.why])).toEqual([
    ['tax return', 'overdue'],
    ['pitch deck', 'today'],
    ['urgent errand', 'overdue'],
    ['plan the quarter', 'later'],
    ['someday', 'later'],
  ]);
  expect(rig.model.requests.at(-1)?.body.tools?.map((t) => t.function.name)).toContain('plan_today');
});
