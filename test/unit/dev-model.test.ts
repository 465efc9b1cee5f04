import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createDevModel, DEV_MODEL_NAME, tokenize } from '../../dev/model';
import { parseTitle, parseWhen, plan } from '../../dev/model/reply';
import type { ModelConfig } from '../../server/chat/config';
import { ModelError, streamChat } from '../../server/chat/model';
import { TOOL_SPECS } from '../../server/chat/tools';

// 2026-05-01 10:00 in Shanghai.
const NOW = Date.parse('2026-05-01T10:00:00+08:00');
const at = (iso: string) => Date.parse(iso);

describe('the dev model understands times and titles in both languages', () => {
  it.each([
    ['明天上午9点提醒我交报告', '2026-05-02T09:00:00+08:00'],
    ['提醒我明天下午3点半开会', '2026-05-02T15:30:00+08:00'],
    ['后天晚上八点提醒我给妈妈打电话', '2026-05-03T20:00:00+08:00'],
    ['10分钟后提醒我喝水', '2026-05-01T10:10:00+08:00'],
    ['提醒我9点吃药', '2026-05-02T09:00:00+08:00'],
    ['提醒我下午2点交作业', '2026-05-01T14:00:00+08:00'],
    ['提醒我买牛奶', '2026-05-02T09:00:00+08:00'],
    ['remind me to send the report tomorrow at 9am', '2026-05-02T09:00:00+08:00'],
    ['remind me to call Bob at 4:15 pm', '2026-05-01T16:15:00+08:00'],
    ['remind me to stretch in 2 hours', '2026-05-01T12:00:00+08:00'],
  ])('"%s" is %s', (text, iso) => {
    expect(parseWhen(text, NOW)).toBe(at(iso));
  });

  it.each([
    ['明天上午9点提醒我交报告', '交报告'],
    ['提醒我明天下午3点半开会。', '开会'],
    ['10分钟后提醒我喝水', '喝水'],
    ['remind me to send the report tomorrow at 9am', 'send the report'],
    ['Remind me to call Bob at 4:15 pm!', 'call Bob'],
  ])('"%s" is about "%s"', (text, title) => {
    expect(parseTitle(text)).toBe(title);
  });

  it('asks for add_todo with an urgent quadrant when it is due within a day, else an important one', () => {
    const tools = ['add_todo', 'list_todos'];
    expect(plan([{ role: 'user', content: '明天上午9点提醒我交报告' }], tools, NOW)).toEqual({
      kind: 'tool',
      name: 'add_todo',
      arguments: {
        title: '交报告',
        quadrant: 'q1',
        dueAt: '2026-05-02T09:00:00+08:00',
        remindAt: '2026-05-02T09:00:00+08:00',
      },
    });
    const later = plan([{ role: 'user', content: '后天晚上八点提醒我给妈妈打电话' }], tools, NOW);
    expect(later).toMatchObject({ kind: 'tool', arguments: { quadrant: 'q2' } });
    expect(plan([{ role: 'user', content: '我今天有哪些待办？' }], tools, NOW)).toEqual({
      kind: 'tool',
      name: 'list_todos',
      arguments: { scope: 'today' },
    });
  });

  it('without the tools offered, or for anything else, says what it is and how to configure a real model', () => {
    const zh = plan([{ role: 'user', content: '明天上午9点提醒我交报告' }], [], NOW);
    expect(zh).toMatchObject({ kind: 'text', text: expect.stringContaining('本地开发模型') });
    expect(zh.kind === 'text' && zh.text).toContain('MODEL_BASE_URL');
    const en = plan([{ role: 'user', content: 'What can you do?' }], ['add_todo'], NOW);
    expect(en).toMatchObject({ kind: 'text', text: expect.stringContaining('local dev model') });
    expect(en.kind === 'text' && en.text).toContain('You said: "What can you do?"');
  });

  it("turns a tool's result into a sentence in the user's language", () => {
    const result = JSON.stringify({
      ok: true,
      todo: { title: '交报告', dueAt: '2026-05-02T09:00:00+08:00', remindAt: '2026-05-02T09:00:00+08:00' },
    });
    const messages = [
      { role: 'user', content: '明天上午9点提醒我交报告' },
      { role: 'assistant', content: null, tool_calls: [{ function: { name: 'add_todo' } }] },
      { role: 'tool', content: result },
    ];
    expect(plan(messages, ['add_todo'], NOW)).toEqual({
      kind: 'text',
      text: '好的，已添加待办「交报告」，5月2日 09:00 提醒你。（本地开发模型）',
    });
    // A refusal never shows the tool's own English: a time already past is said, with the next one offered.
    const refusedWith = (content: object) => [
      ...messages.slice(0, 2),
      { role: 'tool', content: JSON.stringify(content) },
    ];
    const past = refusedWith({
      ok: false,
      error: 'past',
      fields: { remindAt: 'is in the past' },
      suggestion: { dueAt: '2026-05-02T08:00:00+08:00', remindAt: '2026-05-02T08:00:00+08:00' },
    });
    expect(plan(past, ['add_todo'], NOW)).toEqual({
      kind: 'text',
      text: '这个时间已经过去了，没有添加。要改到 5月2日 08:00 吗？说「明天8点提醒我…」就好。（本地开发模型）',
    });
    const other = plan(refusedWith({ ok: false, error: 'dueAt must be before 2100' }), ['add_todo'], NOW);
    expect(other).toEqual({ kind: 'text', text: '抱歉，没能完成，请换个说法再试。（本地开发模型）' });
    expect(other.kind === 'text' && other.text).not.toMatch(/[A-Za-z]{3}/);
  });

  it('reads repeats as quick add does, and asks plan_today what to do first', () => {
    expect(plan([{ role: 'user', content: '每周一提醒我交周报' }], ['add_todo', 'plan_today'], NOW)).toEqual({
      kind: 'tool',
      name: 'add_todo',
      arguments: {
        title: '交周报',
        quadrant: 'q2',
        dueAt: '2026-05-04T09:00:00+08:00',
        remindAt: '2026-05-04T09:00:00+08:00',
        repeat: 'FREQ=WEEKLY;BYDAY=MO',
      },
    });
    expect(plan([{ role: 'user', content: '今天先做什么？' }], ['add_todo', 'plan_today'], NOW)).toEqual({
      kind: 'tool',
      name: 'plan_today',
      arguments: {},
    });
    const planned = JSON.stringify({
      ok: true,
      plan: [
        { title: '交报告', dueAt: '2026-04-30T18:00:00+08:00', why: 'overdue' },
        { title: '开会', dueAt: '2026-05-01T15:00:00+08:00', why: 'today' },
        { title: '读书', dueAt: null, why: 'later' },
      ],
    });
    const asked = [
      { role: 'user', content: 'What should I do first today?' },
      { role: 'assistant', content: null, tool_calls: [{ function: { name: 'plan_today' } }] },
      { role: 'tool', content: planned },
    ];
    expect(plan(asked, ['plan_today'], NOW)).toEqual({
      kind: 'text',
      text: 'Today, in this order:\n1. 交报告, overdue\n2. 开会, due today at 15:00\n3. 读书\n(local dev model)',
    });
    const added = JSON.stringify({
      ok: true,
      todo: { title: '交周报', dueAt: '2026-05-04T09:00:00+08:00', repeat: 'FREQ=WEEKLY;BYDAY=MO' },
    });
    const weekly = [{ role: 'user', content: '每周一提醒我交周报' }, asked[1], { role: 'tool', content: added }];
    expect(plan(weekly, ['add_todo'], NOW)).toMatchObject({ kind: 'text', text: expect.stringContaining('每周一') });
  });

  it('reads times in the zone the system prompt names', () => {
    const system = {
      role: 'system',
      content: '你是助手。\n\n现在是 2026-04-30T19:00:00-07:00（America/Los_Angeles）。',
    };
    // 19:00 on 30 April in Los Angeles is 10:00 on 1 May in Shanghai: "明天" is 1 May there.
    expect(plan([system, { role: 'user', content: '明天上午9点提醒我交报告' }], ['add_todo'], NOW)).toMatchObject({
      arguments: { dueAt: '2026-05-01T09:00:00-07:00', remindAt: '2026-05-01T09:00:00-07:00' },
    });
    expect(parseWhen('提醒我9点吃药', NOW, 'UTC')).toBe(at('2026-05-01T09:00:00Z'));
  });

  it('streams in tokens a reader would see', () => {
    const text = '你好！I am the dev model.\n\n试试';
    expect(tokenize(text).join('')).toBe(text);
    expect(tokenize('你好 world')).toEqual(['你', '好', ' ', 'world']);
  });
});

describe('the dev model over HTTP, read by the chat function’s own client', () => {
  let server: Server;
  let base: string;
  let config: ModelConfig;

  beforeAll(async () => {
    const model = createDevModel({ firstTokenMs: 5, tokensPerSecond: 2000, now: () => NOW });
    server = createServer((req, res) => {
      if (!model(req, res)) res.writeHead(404, { 'content-type': 'text/plain' }).end('not the model');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    config = {
      baseUrl: `${base}/v1`,
      apiKey: '',
      model: DEV_MODEL_NAME,
      timeoutMs: 2000,
      maxTokens: 512,
      contextTokens: 8192,
      tools: true,
    };
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it('streams a reply with [DONE] and usage', async () => {
    const deltas: string[] = [];
    const turn = await streamChat(
      config,
      { messages: [{ role: 'user', content: '你好' }], maxTokens: 512 },
      { onText: (d) => deltas.push(d) },
    );
    expect(turn.finishReason).toBe('stop');
    expect(turn.text).toContain('本地开发模型');
    expect(deltas.length).toBeGreaterThan(20);
    expect(turn.usage).toMatchObject({ promptTokens: expect.any(Number), completionTokens: deltas.length });
  });

  it('calls add_todo for a reminder when the tools are offered', async () => {
    const turn = await streamChat(config, {
      messages: [{ role: 'user', content: '明天上午9点提醒我交报告' }],
      tools: TOOL_SPECS,
      maxTokens: 512,
    });
    expect(turn.finishReason).toBe('tool_calls');
    expect(turn.toolCalls).toHaveLength(1);
    expect(turn.toolCalls[0].name).toBe('add_todo');
    expect(JSON.parse(turn.toolCalls[0].arguments)).toMatchObject({
      title: '交报告',
      remindAt: '2026-05-02T09:00:00+08:00',
    });
  });

  it('answers one JSON completion without stream, lists its model, and refuses what it does not serve', async () => {
    const json = await fetch(`${base}/v1/chat/completions`, {
      method: 'POST',
      body: JSON.stringify({ model: 'any', messages: [{ role: 'user', content: 'hi' }] }),
    }).then((r) => r.json() as Promise<{ choices: Array<{ message: { content: string } }> }>);
    expect(json.choices[0].message.content).toContain('local dev model');
    await expect(fetch(`${base}/v1/models`).then((r) => r.json())).resolves.toMatchObject({
      data: [{ id: DEV_MODEL_NAME }],
    });
    const bad = await fetch(`${base}/v1/chat/completions`, { method: 'POST', body: '{"model":"x"}' });
    expect(bad.status).toBe(400);
    expect((await fetch(`${base}/v1/embeddings`, { method: 'POST' })).status).toBe(404);
    const other = await fetch(`${base}/healthz`);
    expect([other.status, await other.text()]).toEqual([404, 'not the model']);
  });

  it('stops streaming when the client goes away', async () => {
    const controller = new AbortController();
    const error = await streamChat(
      { ...config, timeoutMs: 5000 },
      { messages: [{ role: 'user', content: 'tell me everything' }], maxTokens: 512 },
      { signal: controller.signal, onText: () => controller.abort() },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelError);
    expect((error as ModelError).fault).toBe('ABORTED');
  });

  it('paces itself like a real model by default: the first token after 400 ms, then at most 30 a second', async () => {
    const paced = createDevModel({ now: () => NOW });
    const slow = createServer((req, res) => void paced(req, res));
    await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', resolve));
    try {
      const started = performance.now();
      const times: number[] = [];
      const controller = new AbortController();
      await streamChat(
        { ...config, baseUrl: `http://127.0.0.1:${(slow.address() as AddressInfo).port}/v1` },
        { messages: [{ role: 'user', content: 'hi' }], maxTokens: 512 },
        {
          signal: controller.signal,
          onText: () => times.push(performance.now()) >= 10 && controller.abort(),
        },
      ).catch(() => undefined);
      // Timers never fire early, so these lower bounds hold on any machine (a little slack for clock reads).
      expect(times).toHaveLength(10);
      expect(times[0] - started).toBeGreaterThanOrEqual(395);
      expect((times.at(-1) ?? 0) - times[0]).toBeGreaterThanOrEqual((9 * 1000) / 30 - 20);
    } finally {
      slow.closeAllConnections();
      await new Promise((resolve) => slow.close(resolve));
    }
  });
});
