import type { ChatMessage, SendResult } from '../../typings/chat';
import { chat, chatOk, recordWrites, startChatRig, storedMessages, waitForDoc, type ChatRig } from '../helpers/chat';
import { gate, textReply } from '../helpers/model-server';

jest.setTimeout(30_000);

let rig: ChatRig;
beforeAll(async () => {
  rig = await startChatRig();
});
afterAll(() => rig?.close());
afterEach(() => rig.cloud.outbox.clear());

const send = (text: string, conversationId?: string, openid = 'o-alice') =>
  chatOk(rig.cloud, 'send', { text, ...(conversationId ? { conversationId } : {}) }, openid);

describe('send', () => {
  it('stores the question, streams the reply into one growing document, and returns it finished', async () => {
    const answer = '四象限法把事情按重要和紧急分成四类：先做重要且紧急的，再安排重要不紧急的。';
    rig.model.script(textReply(answer, { size: 3, delayMs: 15, usage: { prompt: 42, completion: 30 } }));
    const recorder = recordWrites(rig.cloud, 'messages');
    const result = await send('  什么是四象限法？  ');
    recorder.stop();

    expect(result.message).toMatchObject({
      role: 'user',
      text: '什么是四象限法？',
      status: 'done',
      moderation: 'pass',
    });
    expect(result.reply).toMatchObject({
      role: 'assistant',
      text: answer,
      status: 'done',
      finishReason: 'stop',
      usage: { promptTokens: 42, completionTokens: 30, totalTokens: 72 },
      error: null,
      cards: [],
      moderation: 'pass',
      conversationId: result.conversation.id,
    });
    expect(result.conversation).toMatchObject({
      title: '什么是四象限法？',
      lastText: expect.stringContaining('四象限法'),
    });
    expect(result.quota).toMatchObject({ limit: 50, used: 1, remaining: 49 });

    // One document grew: its text at every write is a prefix of the next, and it ended once.
    const writes = recorder.of(result.reply.id);
    const texts = writes.map((w) => w.doc.text as string);
    expect(writes[0].type).toBe('insert');
    expect(writes[0].doc).toMatchObject({ status: 'streaming', text: '' });
    expect(texts.filter((t) => t !== '' && t !== answer).length).toBeGreaterThan(0);
    texts.forEach((text, i) => i > 0 && expect(text.startsWith(texts[i - 1])).toBe(true));
    expect(writes.filter((w) => w.doc.status !== 'streaming')).toHaveLength(1);
    expect(writes.length).toBeLessThan(answer.length / 3);

    const stored = await storedMessages(rig.cloud, result.conversation.id);
    expect(stored.map((m) => [m.role, m.status, m._openid])).toEqual([
      ['user', 'done', 'o-alice'],
      ['assistant', 'done', 'o-alice'],
    ]);
  });

  it('sends the system prompt with the time, the history in order and the tools; checks both texts with msgSecCheck v2', async () => {
    rig.model.script(textReply('第一条回答。'), textReply('第二条回答。'));
    const first = await send('第一个问题');
    const second = await send('第二个问题', first.conversation.id);
    expect(second.conversation.id).toBe(first.conversation.id);

    const request = rig.model.requests.at(-1);
    const messages = request?.body.messages ?? [];
    expect(messages[0]).toMatchObject({ role: 'system', content: expect.stringMatching(/\+08:00/) });
    expect(messages.slice(1).map((m) => [m.role, m.content])).toEqual([
      ['user', '第一个问题'],
      ['assistant', '第一条回答。'],
      ['user', '第二个问题'],
    ]);
    expect(request?.body).toMatchObject({ model: 'scripted-model', stream: true });
    expect(request?.body.tools?.map((t) => t.function.name)).toEqual([
      'add_todo',
      'add_steps',
      'move_todo',
      'reschedule_todo',
      'complete_todo',
      'list_todos',
      'plan_today',
    ]);
    expect(request?.headers.authorization).toBe('Bearer sk-test');

    const checks = rig.cloud.outbox.list({ apiName: 'security.msgSecCheck' });
    expect(checks.map((c) => c.payload)).toEqual([
      { openid: 'o-alice', scene: 2, version: 2, content: '第一个问题' },
      { openid: 'o-alice', scene: 2, version: 2, content: '第一条回答。' },
      { openid: 'o-alice', scene: 2, version: 2, content: '第二个问题' },
      { openid: 'o-alice', scene: 2, version: 2, content: '第二条回答。' },
    ]);
  });

  it('refuses a second message while a reply in the same conversation is streaming', async () => {
    const held = gate();
    rig.model.script(textReply('先到先得'));
    rig.model.script({ steps: [{ text: '慢慢' }, { gate: held.wait }, { text: '说完' }, { finish: 'stop' }] });
    const seed = await send('开个头');
    const first = send('第一个', seed.conversation.id);
    await waitForDoc(rig.cloud, 'messages', { conversationId: seed.conversation.id, text: '慢慢' }, () => true);
    const second = await chat(rig.cloud, 'send', { text: '第二个', conversationId: seed.conversation.id });
    expect(second).toMatchObject({ ok: false, code: 'CONFLICT' });
    held.open();
    expect((await first).reply).toMatchObject({ status: 'done', text: '慢慢说完' });
    // Nothing of the refused message was stored, and its slot went back.
    expect((await storedMessages(rig.cloud, seed.conversation.id)).map((m) => m.text)).not.toContain('第二个');
  });
});

describe('stop', () => {
  it('ends the streaming reply in another instance: the model request is aborted and the written text kept', async () => {
    const never = gate();
    rig.model.script({ steps: [{ text: '这是一个很长的回答，' }, { gate: never.wait }, { text: '不会出现' }] });
    const quotaBefore = await chatOk(rig.cloud, 'quota', {});
    const sending = send('讲个长故事');
    const streaming = await waitForDoc(
      rig.cloud,
      'messages',
      { role: 'assistant', status: 'streaming' },
      (doc) => doc.text === '这是一个很长的回答，',
    );
    const stopped = await chatOk(rig.cloud, 'stop', { messageId: String(streaming._id) });
    expect(stopped.message).toMatchObject({ status: 'stopped', text: '这是一个很长的回答，' });

    const result = await sending;
    expect(result.reply).toMatchObject({ id: streaming._id, status: 'stopped', text: '这是一个很长的回答，' });
    await expect(rig.model.requests.at(-1)?.closed).resolves.toEqual({ aborted: true });
    never.open();
    // Text was shown, so the reply is charged like a finished one; the conversation takes the next message.
    expect(result.quota.used).toBe(quotaBefore.used + 1);
    expect(result.quota.remaining).toBe(quotaBefore.remaining - 1);
    rig.model.script(textReply('好的。'));
    expect((await send('继续', result.conversation.id)).reply.status).toBe('done');
  });

  it('charges nothing for a reply stopped before any text was written', async () => {
    const never = gate();
    rig.model.script({ steps: [{ gate: never.wait }, { text: '太迟了' }] });
    const quotaBefore = await chatOk(rig.cloud, 'quota', {});
    const sending = send('算了');
    const streaming = await waitForDoc(rig.cloud, 'messages', { role: 'assistant', status: 'streaming' }, () => true);
    await chatOk(rig.cloud, 'stop', { messageId: String(streaming._id) });
    const result = await sending;
    never.open();
    expect(result.reply).toMatchObject({ status: 'stopped', text: '' });
    expect(result.quota).toMatchObject({ used: quotaBefore.used, remaining: quotaBefore.remaining });
  });

  it('a reply removed with its conversation while streaming is charged for the text it showed', async () => {
    const openid = 'o-remover';
    const never = gate();
    rig.model.script({ steps: [{ text: '看到了一半' }, { gate: never.wait }] });
    const sending = chat(rig.cloud, 'send', { text: '删掉也要算' }, openid);
    const streaming = await waitForDoc(
      rig.cloud,
      'messages',
      { _openid: openid, role: 'assistant', status: 'streaming' },
      (doc) => doc.text === '看到了一半',
    );
    await chatOk(rig.cloud, 'remove', { conversationId: String(streaming.conversationId) }, openid);
    // The reply has nowhere to go: the conversation it belonged to is gone.
    await expect(sending).resolves.toMatchObject({ ok: false, code: 'NOT_FOUND' });
    never.open();
    await waitForDoc(
      rig.cloud,
      'chat_quota',
      { _openid: openid },
      (doc) => Object.keys(doc.holds as object).length === 0,
    );
    expect(await chatOk(rig.cloud, 'quota', {}, openid)).toMatchObject({ used: 1 });
  });

  it('answers a reply that is no longer streaming as it is', async () => {
    rig.model.script(textReply('完成了。'));
    const { reply } = await send('你好');
    await expect(chatOk(rig.cloud, 'stop', { messageId: reply.id })).resolves.toEqual({ message: reply });
  });
});

describe('a conversation the page names', () => {
  it('is created under the chosen id, so its messages can be watched before the reply ends', async () => {
    const id = 'page0chosen0id0000000000000001';
    rig.model.script(textReply('新对话。'));
    const result = await chatOk(rig.cloud, 'send', { text: '开个新对话', conversationId: id, create: true });
    expect(result.conversation).toMatchObject({ id, title: '开个新对话' });
    expect((await storedMessages(rig.cloud, id)).map((m) => m.text)).toEqual(['开个新对话', '新对话。']);
    // Sent again with create (a retry), the same conversation goes on.
    rig.model.script(textReply('还是它。'));
    const again = await chatOk(rig.cloud, 'send', { text: '再来', conversationId: id, create: true });
    expect(again.conversation.id).toBe(id);
    expect(await storedMessages(rig.cloud, id)).toHaveLength(4);
  });

  it("is refused when the id is someone else's, which stays as it was", async () => {
    rig.model.script(textReply('只属于我。'));
    const mine = await send('我的对话');
    const before = await storedMessages(rig.cloud, mine.conversation.id);
    const taken = await chat(
      rig.cloud,
      'send',
      { text: '抢注', conversationId: mine.conversation.id, create: true },
      'o-squatter',
    );
    expect(taken).toMatchObject({ ok: false, code: 'CONFLICT' });
    expect(await storedMessages(rig.cloud, mine.conversation.id)).toEqual(before);
    expect((await chatOk(rig.cloud, 'quota', {}, 'o-squatter')).remaining).toBe(50);
  });
});

describe('regenerate', () => {
  it('writes the newest reply again in the same document, from the same question', async () => {
    rig.model.script(textReply('第一版。'), textReply('第二版。'));
    const { conversation, reply } = await send('写一句话');
    const again = await chatOk(rig.cloud, 'regenerate', { messageId: reply.id });
    expect(again.reply).toMatchObject({ id: reply.id, status: 'done', text: '第二版。' });
    expect(rig.model.requests.at(-1)?.body.messages?.at(-1)).toMatchObject({ role: 'user', content: '写一句话' });
    expect((await storedMessages(rig.cloud, conversation.id)).map((m) => m.text)).toEqual(['写一句话', '第二版。']);
  });

  it('refuses an older reply and a user message', async () => {
    rig.model.script(textReply('一'), textReply('二'));
    const first = await send('问一');
    await send('问二', first.conversation.id);
    await expect(chat(rig.cloud, 'regenerate', { messageId: first.reply.id })).resolves.toMatchObject({
      ok: false,
      code: 'CONFLICT',
    });
    await expect(chat(rig.cloud, 'regenerate', { messageId: first.message.id })).resolves.toMatchObject({
      ok: false,
      code: 'NOT_FOUND',
    });
  });
});

describe('conversations and history', () => {
  it('pages conversations by latest activity and messages from the newest back', async () => {
    const openid = 'o-pager';
    const results: SendResult[] = [];
    for (let i = 0; i < 3; i++) {
      rig.model.script(textReply(`回答${i}`));
      results.push(await send(`对话${i}`, undefined, openid));
    }
    for (let i = 0; i < 11; i++) {
      rig.model.script(textReply(`续${i}`));
      await send(`追问${i}`, results[0].conversation.id, openid);
    }
    const list = await chatOk(rig.cloud, 'conversations', {}, openid);
    expect(list.items.map((c) => c.title)).toEqual(['对话0', '对话2', '对话1']);
    expect(list.nextCursor).toBeNull();

    const page1 = await chatOk(rig.cloud, 'history', { conversationId: results[0].conversation.id }, openid);
    expect(page1.items).toHaveLength(20);
    expect(page1.items.at(-1)).toMatchObject({ role: 'assistant', text: '续10' });
    expect(page1.nextBefore).not.toBeNull();
    const page2 = await chatOk(
      rig.cloud,
      'history',
      { conversationId: results[0].conversation.id, before: page1.nextBefore ?? '' },
      openid,
    );
    expect(page2.nextBefore).toBeNull();
    const all: ChatMessage[] = [...page2.items, ...page1.items];
    expect(all.map((m) => m.text).slice(0, 4)).toEqual(['对话0', '回答0', '追问0', '续0']);
    expect(all).toHaveLength(24);
  });

  it('renames and removes a conversation with its messages', async () => {
    rig.model.script(textReply('嗯。'));
    const { conversation } = await send('要删掉的对话');
    const renamed = await chatOk(rig.cloud, 'rename', { conversationId: conversation.id, title: '  新标题 ' });
    expect(renamed.conversation).toMatchObject({ id: conversation.id, title: '新标题' });
    await expect(chatOk(rig.cloud, 'remove', { conversationId: conversation.id })).resolves.toEqual({
      conversationId: conversation.id,
    });
    expect(await storedMessages(rig.cloud, conversation.id)).toEqual([]);
    await expect(chat(rig.cloud, 'history', { conversationId: conversation.id })).resolves.toMatchObject({
      ok: false,
      code: 'NOT_FOUND',
    });
  });
});

describe('ownership and validation', () => {
  it("another user's conversation and messages are NOT_FOUND everywhere, and nothing of theirs changes", async () => {
    rig.model.script(textReply('私密回答。'));
    const mine = await send('私密问题');
    const before = await storedMessages(rig.cloud, mine.conversation.id);
    const bob = 'o-bob';
    const calls = [
      chat(rig.cloud, 'send', { text: '偷看', conversationId: mine.conversation.id }, bob),
      chat(rig.cloud, 'stop', { messageId: mine.reply.id }, bob),
      chat(rig.cloud, 'regenerate', { messageId: mine.reply.id }, bob),
      chat(rig.cloud, 'history', { conversationId: mine.conversation.id }, bob),
      chat(rig.cloud, 'rename', { conversationId: mine.conversation.id, title: 'x' }, bob),
      chat(rig.cloud, 'remove', { conversationId: mine.conversation.id }, bob),
    ];
    for (const result of await Promise.all(calls)) expect(result).toMatchObject({ ok: false, code: 'NOT_FOUND' });
    expect((await chatOk(rig.cloud, 'conversations', {}, bob)).items).toEqual([]);
    expect(await storedMessages(rig.cloud, mine.conversation.id)).toEqual(before);
  });

  it.each([
    ['empty text', { text: '   ' }, { text: 'must not be empty' }],
    ['long text', { text: '字'.repeat(2001) }, { text: 'must be at most 2000 characters' }],
    ['unknown field', { text: 'hi', model: 'gpt' }, { model: 'is not a known field' }],
    ['bad conversation id', { text: 'hi', conversationId: '$where' }, { conversationId: 'has an invalid format' }],
  ])('send refuses %s and stores nothing', async (_label, request, fields) => {
    const before = await rig.cloud.store.count('messages', {});
    const requests = rig.model.requests.length;
    const result = await rig.cloud.functions.invoke('chat', { action: 'send', ...request }, { openid: 'o-alice' });
    expect(result).toMatchObject({ ok: true, result: { ok: false, code: 'INVALID_ARGUMENT', fields } });
    expect(await rig.cloud.store.count('messages', {})).toBe(before);
    expect(rig.model.requests.length).toBe(requests);
  });

  it('refuses a caller without an openid', async () => {
    const result = await rig.cloud.functions.invoke('chat', { action: 'quota' }, {});
    expect(result).toMatchObject({ ok: true, result: { ok: false, code: 'UNAUTHENTICATED' } });
  });
});
