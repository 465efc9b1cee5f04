/** The assistant manages todos through tool calls, by the `todo` function's own code and rules. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createDevModel } from '../../dev/model';
import type { LocalCloud } from 'cloudbase-local';
import type { ApiResult } from '../../typings/contract';
import type { Quadrant, Todo, TodoListResult } from '../../typings/todo';
import { chat, chatOk, startChatRig, type ChatRig } from '../helpers/chat';
import { isoInZone } from '../../shared/time';
import { invoke, startTestCloud } from '../helpers/local-cloud';
import { textReply, toolReply } from '../helpers/model-server';
import { TOOL_SPECS } from '../../server/chat/tool-specs';

jest.setTimeout(30_000);

const HOUR = 3600_000;
const OFFSET = 8 * HOUR;
/** "2026-05-01T09:00:00+08:00" for an instant `hours` from now, whole minutes. */
const shanghai = (hours: number) =>
  new Date(Math.floor((Date.now() + hours * HOUR) / 60_000) * 60_000 + OFFSET).toISOString().slice(0, 19) + '+08:00';

let rig: ChatRig;
beforeAll(async () => {
  rig = await startChatRig();
});
afterAll(() => rig?.close());

let user = 0;
const nextUser = () => `o-tools-${++user}`;
const todosOf = (cloud: LocalCloud, openid: string) =>
  invoke<ApiResult<TodoListResult>>(cloud, 'todo', { action: 'list' }, { openid });
/** The tool results the chat function sent back to the model in request `n`. */
const toolResults = (n: number) =>
  (rig.model.requests[n - 1]?.body.messages ?? [])
    .filter((m) => m.role === 'tool')
    .map((m) => JSON.parse(m.content ?? '') as Record<string, unknown>);

/** Asks the assistant to note `title`; it adds the todo to `quadrant` by a tool call. Resolves with its reply. */
async function replyAdding(openid: string, title: string, quadrant: Quadrant) {
  rig.model.script(toolReply({ name: 'add_todo', arguments: { title, quadrant } }), textReply('已添加。'));
  return (await chatOk(rig.cloud, 'send', { text: `记一下${title}` }, openid)).reply;
}

describe('add_todo', () => {
  it('creates the todo with its reminder, feeds the result back, and shows a card on the reply', async () => {
    const openid = nextUser();
    const dueAt = shanghai(24);
    rig.model.script(
      toolReply({ name: 'add_todo', arguments: { title: '交报告', quadrant: 'q1', dueAt, remindAt: dueAt } }),
      textReply('好的，已为你添加待办「交报告」，到时提醒你。'),
    );
    const start = rig.model.requests.length;
    const result = await chatOk(rig.cloud, 'send', { text: '明天这个时候提醒我交报告' }, openid);

    const list = await todosOf(rig.cloud, openid);
    if (!list.ok) throw new Error(JSON.stringify(list));
    expect(list.data.items).toHaveLength(1);
    const todo: Todo = list.data.items[0];
    expect(todo).toMatchObject({ title: '交报告', quadrant: 'q1', reminder: { state: 'pending' } });
    expect(Date.parse(todo.dueAt ?? '')).toBe(Date.parse(dueAt));
    expect(Date.parse(todo.remindAt ?? '')).toBe(Date.parse(dueAt));

    expect(result.reply).toMatchObject({
      status: 'done',
      text: '好的，已为你添加待办「交报告」，到时提醒你。',
      cards: [
        { type: 'todo', todoId: todo.id, title: '交报告', quadrant: 'q1', dueAt: todo.dueAt, remindAt: todo.remindAt },
      ],
    });
    const second = rig.model.requests[start + 1].body.messages ?? [];
    expect(second.at(-2)).toMatchObject({
      role: 'assistant',
      tool_calls: [expect.objectContaining({ type: 'function' })],
    });
    expect(toolResults(start + 2)).toEqual([
      { ok: true, todo: expect.objectContaining({ id: todo.id, title: '交报告' }) },
    ]);
    // Usage adds up across the two model turns.
    expect(result.reply.usage?.totalTokens).toBeGreaterThan(42);
  });

  it('refuses what the todo function refuses, with the same reasons, and creates nothing', async () => {
    const openid = nextUser();
    const draft = { title: '开会', quadrant: 'q2', dueAt: shanghai(5), remindAt: shanghai(6) };
    const direct = await invoke<ApiResult<unknown>>(rig.cloud, 'todo', { action: 'create', ...draft }, { openid });
    expect(direct).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' });

    const start = rig.model.requests.length;
    rig.model.script(
      toolReply(
        { name: 'add_todo', arguments: draft },
        { name: 'add_todo', arguments: { title: '写周报', quadrant: 'q5', priority: 'high' } },
        { name: 'add_todo', arguments: 'not json' },
      ),
      textReply('抱歉，时间不对，请再告诉我一次。'),
    );
    const result = await chatOk(rig.cloud, 'send', { text: '下午开会，晚点提醒我' }, openid);
    expect(result.reply).toMatchObject({ status: 'done', cards: [] });
    expect(toolResults(start + 2)).toEqual([
      {
        ok: false,
        error: expect.any(String),
        fields: (direct as { fields: Record<string, string> }).fields,
        now: expect.any(String),
      },
      {
        ok: false,
        error: 'invalid arguments',
        fields: { quadrant: 'must be one of "q1", "q2", "q3", "q4"', priority: 'is not a known field' },
      },
      { ok: false, error: 'arguments must be a JSON object' },
    ]);
    const list = await todosOf(rig.cloud, openid);
    expect(list.ok && list.data.items).toEqual([]);
  });
});

describe("the user's zone", () => {
  it('gives the model local time with its offset and zone, and offers the next time for one already past', async () => {
    const openid = nextUser();
    const LA = 'America/Los_Angeles';
    const past = Math.floor((Date.now() - 2 * HOUR) / 60_000) * 60_000;
    const at = isoInZone(past, LA);
    const start = rig.model.requests.length;
    rig.model.script(
      toolReply({ name: 'add_todo', arguments: { title: '晨跑', quadrant: 'q2', dueAt: at, remindAt: at } }),
      textReply('这个时间已经过去了。'),
    );
    const sent = await invoke<ApiResult<unknown>>(
      rig.cloud,
      'chat',
      { action: 'send', text: '两小时前提醒我晨跑', tz: LA },
      { openid },
    );
    expect(sent).toMatchObject({ ok: true });
    const system = rig.model.requests[start].body.messages?.[0]?.content ?? '';
    expect(system).toMatch(new RegExp(`现在是 \\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}-0[78]:00（${LA}）`));
    // The same wall-clock time tomorrow in Los Angeles (no DST change falls in December).
    const next = isoInZone(past + 24 * HOUR, LA);
    expect(toolResults(start + 2)).toEqual([
      expect.objectContaining({ ok: false, error: 'past', suggestion: { dueAt: next, remindAt: next } }),
    ]);
    const list = await todosOf(rig.cloud, openid);
    expect(list.ok && list.data.items).toEqual([]);
  });
});

describe('regenerate after add_todo', () => {
  it('keeps the todo and its card, tells the model it exists, and never creates it twice', async () => {
    const openid = nextUser();
    const dueAt = shanghai(24);
    const args = { title: '交报告', quadrant: 'q1', dueAt, remindAt: dueAt };
    rig.model.script(toolReply({ name: 'add_todo', arguments: args }), textReply('已添加「交报告」。'));
    const first = await chatOk(rig.cloud, 'send', { text: '明天这个时候提醒我交报告' }, openid);
    const [card] = first.reply.cards;

    // Written again: the model sees the todo already added, and asks for it again all the same.
    const start = rig.model.requests.length;
    rig.model.script(toolReply({ name: 'add_todo', arguments: args }), textReply('好的，「交报告」已在待办里。'));
    const again = await chatOk(rig.cloud, 'regenerate', { messageId: first.reply.id }, openid);
    expect(again.reply).toMatchObject({ status: 'done', text: '好的，「交报告」已在待办里。', cards: [card] });
    const sent = rig.model.requests[start].body.messages ?? [];
    expect(sent.slice(-3)).toMatchObject([
      { role: 'user', content: '明天这个时候提醒我交报告' },
      { role: 'assistant', tool_calls: [{ function: { name: 'add_todo' } }] },
      { role: 'tool', content: expect.stringContaining(card.todoId) },
    ]);
    expect(toolResults(start + 2).at(-1)).toMatchObject({ ok: true, alreadyAdded: true, todo: { id: card.todoId } });
    const list = await todosOf(rig.cloud, openid);
    expect(list.ok && list.data.items.map((t) => t.id)).toEqual([card.todoId]);
  });

  it('a todo the person undid is not kept on the regenerated reply', async () => {
    const openid = nextUser();
    const first = await replyAdding(openid, '买牛奶', 'q3');
    await invoke(rig.cloud, 'todo', { action: 'remove', id: first.cards[0].todoId }, { openid });
    const start = rig.model.requests.length;
    rig.model.script(textReply('要我重新添加吗？'));
    const again = await chatOk(rig.cloud, 'regenerate', { messageId: first.id }, openid);
    expect(again.reply.cards).toEqual([]);
    expect(rig.model.requests[start].body.messages?.at(-1)).toMatchObject({ role: 'user' });
  });
});

describe('undo from a card', () => {
  it('deletes the todo and the reply remembers it, in its history too; repeating it is harmless', async () => {
    const openid = nextUser();
    const first = await replyAdding(openid, '订机票', 'q2');
    const [card] = first.cards;
    const undone = await chatOk(rig.cloud, 'undo', { messageId: first.id, todoId: card.todoId }, openid);
    expect(undone.message.cards).toEqual([{ ...card, undone: true }]);
    const list = await todosOf(rig.cloud, openid);
    expect(list.ok && list.data.items).toEqual([]);

    const history = await chatOk(rig.cloud, 'history', { conversationId: first.conversationId }, openid);
    expect(history.items.at(-1)?.cards).toEqual([{ ...card, undone: true }]);
    const again = await chatOk(rig.cloud, 'undo', { messageId: first.id, todoId: card.todoId }, openid);
    expect(again.message.cards).toEqual([{ ...card, undone: true }]);
    const [stored] = await rig.cloud.store.find('messages', { _id: first.id }, { limit: 1 });
    expect(stored?.undone).toEqual([card.todoId]);
  });

  it("answers NOT_FOUND for a card the reply does not have, or another person's reply, and deletes nothing", async () => {
    const openid = nextUser();
    const first = await replyAdding(openid, '取快递', 'q3');
    const [card] = first.cards;
    const other = await chat(rig.cloud, 'undo', { messageId: first.id, todoId: card.todoId }, nextUser());
    expect(other).toMatchObject({ ok: false, code: 'NOT_FOUND' });
    const wrong = await chat(rig.cloud, 'undo', { messageId: first.id, todoId: 'not-this-card' }, openid);
    expect(wrong).toMatchObject({ ok: false, code: 'NOT_FOUND' });
    const bad = await chat(rig.cloud, 'undo', { messageId: first.id } as never, openid);
    expect(bad).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' });
    const list = await todosOf(rig.cloud, openid);
    expect(list.ok && list.data.items.map((t) => t.id)).toEqual([card.todoId]);
  });
});

describe('list_todos', () => {
  it("answers with the user's open todos due in the asked scope, soonest first", async () => {
    const openid = nextUser();
    for (const [title, dueAt] of [
      ['今天的事', shanghai(0.5)],
      ['下周的事', shanghai(24 * 5)],
      ['没有期限', null],
    ] as const) {
      await invoke(rig.cloud, 'todo', { action: 'create', title, quadrant: 'q2', dueAt }, { openid });
    }
    await invoke(
      rig.cloud,
      'todo',
      { action: 'create', title: '别人的', quadrant: 'q1', dueAt: shanghai(1) },
      { openid: 'o-someone-else' },
    );
    const start = rig.model.requests.length;
    rig.model.script(
      toolReply({ name: 'list_todos', arguments: { scope: 'week' } }, { name: 'list_todos', arguments: {} }),
      textReply('这周有两件事。'),
    );
    await chatOk(rig.cloud, 'send', { text: '这周有哪些待办？' }, openid);
    const [week, open] = toolResults(start + 2) as Array<{ todos: Array<{ title: string }> }>;
    expect(week.todos.map((t) => t.title)).toEqual(['今天的事', '下周的事']);
    expect(open.todos.map((t) => t.title)).toEqual(['今天的事', '下周的事', '没有期限']);
  });
});

it('stops offering tools after three rounds, so the model must answer in words', async () => {
  const openid = nextUser();
  const start = rig.model.requests.length;
  const call = { name: 'list_todos', arguments: {} };
  rig.model.script(toolReply(call), toolReply(call), toolReply(call), textReply('没有待办。'));
  const result = await chatOk(rig.cloud, 'send', { text: '查一下待办' }, openid);
  expect(result.reply).toMatchObject({ status: 'done', text: '没有待办。' });
  const offered = rig.model.requests.slice(start).map((r) => r.body.tools?.length ?? 0);
  const tools = TOOL_SPECS.length;
  expect(offered).toEqual([tools, tools, tools, 0]);
});

describe('with the local dev model', () => {
  let server: Server;
  let cloud: LocalCloud;

  beforeAll(async () => {
    const model = createDevModel({ firstTokenMs: 10, tokensPerSecond: 1000 });
    server = createServer((req, res) => {
      if (!model(req, res)) res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    cloud = await startTestCloud({
      functionEnv: { MODEL_BASE_URL: `http://127.0.0.1:${port}/v1`, MODEL_NAME: 'local-dev', CHAT_FLUSH_MS: '50' },
    });
  });
  afterAll(async () => {
    await cloud?.close();
    await new Promise((resolve) => server.close(resolve));
  });

  it('"明天上午9点提醒我交报告" becomes a todo due tomorrow 09:00 with a reminder, and a card', async () => {
    const openid = 'o-dev-model';
    const result = await chatOk(cloud, 'send', { text: '明天上午9点提醒我交报告' }, openid);
    const day = 86_400_000;
    const tomorrowNine = Math.floor((Date.now() + OFFSET) / day) * day + day + 9 * HOUR - OFFSET;
    expect(result.reply).toMatchObject({
      status: 'done',
      text: expect.stringContaining('已添加待办「交报告」'),
      // Urgent (q1) when due within a day, which "tomorrow 9:00" is only after 9:00 today.
      cards: [{ type: 'todo', title: '交报告', quadrant: tomorrowNine - Date.now() <= day ? 'q1' : 'q2' }],
    });
    const list = await todosOf(cloud, openid);
    if (!list.ok) throw new Error(JSON.stringify(list));
    expect(list.data.items.map((t) => [t.title, Date.parse(t.remindAt ?? ''), t.reminder.state])).toEqual([
      ['交报告', tomorrowNine, 'pending'],
    ]);
  });

  it('answers anything else in the language it was asked, saying what it is', async () => {
    const zh = await chatOk(cloud, 'send', { text: '你好' }, 'o-dev-model-2');
    expect(zh.reply.text).toContain('本地开发模型');
    const en = await chatOk(cloud, 'send', { text: 'Hello there' }, 'o-dev-model-2');
    expect(en.reply.text).toContain('I am the local dev model');
  });
});
