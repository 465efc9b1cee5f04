/**
 * What a client or a bad document can do to other users, and what a retried call does, against
 * the real functions in one local cloud: no collection takes a client's write; documents planted
 * through the server SDK (as an old version or a console edit would write them) are skipped or
 * marked by every list and timer, never stopping anyone else; a write repeated with its requestId
 * is done once and answered with the first answer.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DB } from 'wx-server-sdk';
import type { Database } from '../../server/db';
import { Inbox } from '../../server/oa/inbox';
import { keyedId } from '../../server/requests';
import type { ChatQuota, SendResult } from '../../typings/chat';
import type { ApiResult } from '../../typings/contract';
import type { LoginResult } from '../../typings/login';
import type { RemindRunSummary, Todo, TodoListResult } from '../../typings/todo';
import { clientDb } from '../emulator/helpers/realtime';
import { loadSdk, settle } from '../fixtures/emulator/harness';
import { chat, chatOk, startChatRig, waitForDoc, type ChatRig } from '../helpers/chat';
import { invoke } from '../helpers/local-cloud';
import { gate, textReply } from '../helpers/model-server';

jest.setTimeout(60_000);

const TEMPLATE = 'tpl-trust';
const MINUTE = 60_000;
let rig: ChatRig;
let db: DB.Database;

beforeAll(async () => {
  // The Official Account configured, as `npm start` has it: a reminder without credit goes that way.
  rig = await startChatRig((url) => ({
    REMIND_TEMPLATE_ID: TEMPLATE,
    OA_APPID: 'wx-oa-trust',
    OA_APP_SECRET: 'oa-secret',
    OA_REMIND_TEMPLATE_ID: 'tpl-oa-trust',
    WECHAT_API_BASE: `${url}/wxapi`,
  }));
  db = loadSdk(rig.cloud).database();
}, 120_000);
afterAll(() => rig?.close());

const todoCall = <T>(event: object, openid: string) => invoke<ApiResult<T>>(rig.cloud, 'todo', event, { openid });

async function todoOk<T>(event: object, openid: string): Promise<T> {
  const result = await todoCall<T>(event, openid);
  if (!result.ok) throw new Error(`todo failed: ${JSON.stringify(result)}`);
  return result.data;
}

/** Plants documents as the server SDK writes them: nothing checks what they hold. */
async function plant(collection: string, docs: Array<Record<string, unknown>>): Promise<void> {
  for (const data of docs) await settle(db.collection(collection).add({ data }));
}

describe('client writes', () => {
  const collections = Object.keys(
    (JSON.parse(readFileSync(join(__dirname, '../../database/collections.json'), 'utf8')) as { collections: object })
      .collections,
  );

  it('every collection refuses add, update, remove and set from a signed-in client, and nothing changes', async () => {
    const alice = clientDb(rig.cloud, 'o-client-alice');
    for (const name of collections)
      await rig.cloud.store.insert(name, [{ _id: `own-${name}`, _openid: 'o-client-alice' }]);
    const before = await rig.cloud.store.exportAll();
    const refused: string[] = [];
    for (const name of collections) {
      const own = alice.collection(name).doc(`own-${name}`);
      const attempts: Array<[string, Promise<unknown>]> = [
        ['add', alice.collection(name).add({ title: { evil: 1 }, quadrant: 'zz', remindState: 'pending' })],
        ['update', own.update({ title: 'changed' })],
        ['remove', own.remove()],
        ['set', own.set({ title: 'replaced' })],
        ['set new', alice.collection(name).doc(`new-${name}`).set({ title: 'made' })],
        ['where update', alice.collection(name).where({ _openid: '{openid}' }).update({ title: 'changed' })],
        ['where remove', alice.collection(name).where({ _openid: '{openid}' }).remove()],
      ];
      for (const [what, attempt] of attempts) {
        const { code } = (await attempt) as { code?: string };
        if (code === 'DATABASE_PERMISSION_DENIED') refused.push(`${name} ${what}`);
        else throw new Error(`${name}: a client's ${what} was not refused (${code ?? 'allowed'})`);
      }
    }
    expect(refused).toHaveLength(collections.length * 7);
    expect(await rig.cloud.store.exportAll()).toEqual(before);
    // The pages' own reads stay: the owner reads, nobody else does.
    const own = (await alice.collection('todos').where({ _openid: '{openid}' }).get()) as { data: unknown[] };
    expect(own.data).toHaveLength(1);
    const bob = clientDb(rig.cloud, 'o-client-bob');
    expect(await bob.collection('todos').where({ _openid: '{openid}' }).get()).toMatchObject({ data: [] });
    const others = (await bob.collection('todos').where({ _openid: 'o-client-alice' }).get()) as { code?: string };
    expect(others.code).toBe('DATABASE_PERMISSION_DENIED');
  });
});

describe('malformed documents', () => {
  const t0 = Date.now();
  const at = (minutes: number) => new Date(t0 + minutes * MINUTE);
  const planter = 'o-planter';
  const victim = 'o-victim';
  /** As the issue found them: written by a client before the rule changed, or by a console edit. */
  const poisoned = (i: number) => ({
    _openid: planter,
    title: { evil: i },
    quadrant: 'zz',
    done: false,
    remindState: 'pending',
    remindNextAt: at(-5),
  });

  it('a remind run sends everyone else’s due reminders and fails each bad one with INVALID_DOCUMENT', async () => {
    const due = { quadrant: 'q1', dueAt: at(60).toISOString(), remindAt: at(2).toISOString() };
    const { todo } = await todoOk<{ todo: Todo }>({ action: 'create', title: 'Pay the rent', ...due }, victim);
    await todoOk({ action: 'subscribe', templateId: TEMPLATE }, victim);
    await plant(
      'todos',
      Array.from({ length: 30 }, (_, i) => poisoned(i)),
    );

    const run = async (minutes: number) => {
      const outcome = await rig.cloud.timers.fire('remind', 'everyMinute', at(minutes));
      return (outcome as { result: ApiResult<RemindRunSummary> }).result;
    };
    const first = await run(3);
    expect(first).toMatchObject({ ok: true, data: { sent: 1, invalid: 30 } });
    expect(rig.cloud.outbox.list({ apiName: 'subscribeMessage.send', openid: victim })).toHaveLength(1);
    expect((await rig.cloud.store.find('todos', { _id: todo.id }))[0]).toMatchObject({ remindState: 'sent' });
    const marked = await rig.cloud.store.find('todos', { _openid: planter, quadrant: 'zz' });
    expect(marked).toHaveLength(30);
    for (const doc of marked) {
      expect(doc).toMatchObject({
        remindState: 'failed',
        remindClaim: null,
        remindError: { code: 'INVALID_DOCUMENT', errmsg: expect.stringContaining('title must be a string') },
      });
    }
    // Marked, so never claimed (or logged) again.
    expect(await run(4)).toMatchObject({ ok: true, data: { claimed: 0, invalid: 0 } });
  });

  it("the planter's own list still answers: bad todos skipped, every real one listed, pages by cursor", async () => {
    const mine: Todo[] = [];
    for (let i = 0; i < 22; i++) {
      mine.push((await todoOk<{ todo: Todo }>({ action: 'create', title: `real ${i}`, quadrant: 'q1' }, planter)).todo);
    }
    // Without sortDue, created or done they sort first: a page of them, and more.
    await plant('todos', [
      ...Array.from({ length: 25 }, (_, i) => ({ _openid: planter, quadrant: 'q1', title: `no keys ${i}` })),
      { _openid: planter, quadrant: 'q1', done: false, title: 'bad date', sortDue: 'soon', createdAt: 'today' },
    ]);
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await todoOk<TodoListResult>(
        { action: 'list', quadrant: 'q1', ...(cursor ? { cursor } : {}) },
        planter,
      );
      seen.push(...page.items.map((item) => item.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen.sort()).toEqual(mine.map((t) => t.id).sort());
    const [bad] = await rig.cloud.store.find('todos', { _openid: planter, title: 'bad date' });
    expect(await todoCall({ action: 'get', id: bad._id }, planter)).toMatchObject({ ok: false, code: 'NOT_FOUND' });
    expect(await todoCall({ action: 'list' }, planter)).toMatchObject({ ok: true });
  });

  it('history, conversations, quota and login answer around bad chat and user documents', async () => {
    const openid = 'o-chat-planter';
    rig.model.script(textReply('第一个回答。'));
    const first = await chatOk(rig.cloud, 'send', { text: '你好' }, openid);
    const conversationId = first.conversation.id;
    await plant('messages', [
      { _openid: openid, conversationId, role: 'assistant', text: { evil: 1 }, status: 'zz', createdAt: new Date() },
      { _openid: openid, conversationId, role: 'user', text: 'no dates', status: 'done', cards: 'x' },
    ]);
    await plant('conversations', [
      { _openid: openid, title: 5, createdAt: 'yesterday', updatedAt: new Date(), activeUntil: null },
    ]);
    const history = await chatOk(rig.cloud, 'history', { conversationId }, openid);
    expect(history.items.map((m) => m.text)).toEqual(['你好', '第一个回答。']);
    const conversations = await chatOk(rig.cloud, 'conversations', {}, openid);
    expect(conversations.items.map((c) => c.id)).toEqual([conversationId]);
    // The model's context skips them too, and the conversation goes on.
    rig.model.script(textReply('第二个回答。'));
    const next = await chatOk(rig.cloud, 'send', { text: '再说一句', conversationId }, openid);
    expect(next.reply).toMatchObject({ status: 'done', text: '第二个回答。' });
    expect(
      rig.model.requests
        .at(-1)
        ?.body.messages?.slice(1)
        .map((m) => m.content),
    ).toEqual(['你好', '第一个回答。', '再说一句']);

    // A day's quota and a user document broken by hand are rebuilt, not answered with INTERNAL.
    const other = 'o-quota-planter';
    const day = (await rig.cloud.store.find('chat_quota', { _openid: openid }))[0]._id as string;
    await plant('chat_quota', [{ _id: `${other}:${day.split(':')[1]}`, _openid: other, taken: 'x', holds: 5 }]);
    await expect(chat(rig.cloud, 'quota', {}, other)).resolves.toEqual<ApiResult<ChatQuota>>({
      ok: true,
      data: expect.objectContaining({ used: 0, remaining: 50 }),
    });
    await plant('users', [{ _id: other, openid: other, nickname: { evil: 1 }, loginCount: 'many' }]);
    const login = await invoke<ApiResult<LoginResult>>(rig.cloud, 'login', { action: 'login' }, { openid: other });
    expect(login).toMatchObject({ ok: true, data: { openid: other, profile: { nickname: '', loginCount: 1 } } });
  });
});

describe('an Official Account inbox document broken by hand', () => {
  it('is marked failed with INVALID_DOCUMENT, logged once, and read as none, so no try answers from it', async () => {
    await rig.cloud.store.insert('oa_inbox', [
      { _id: 'msg-planted', openid: 'oa_x', state: 'ready', parts: 'not a list' },
    ]);
    const logged: string[] = [];
    const inbox = new Inbox(db as unknown as Database, (message) => void logged.push(message));
    expect(await inbox.get('msg-planted')).toBeUndefined();
    expect(await inbox.get('msg-planted')).toBeUndefined();
    expect((await rig.cloud.store.find('oa_inbox', { _id: 'msg-planted' }))[0]).toMatchObject({
      state: 'failed',
      error: { code: 'INVALID_DOCUMENT', errmsg: expect.stringContaining('parts must be an array') },
    });
    expect(logged).toHaveLength(1);
  });
});

describe('a write repeated with its requestId', () => {
  const send = (openid: string, event: object, signal: AbortSignal) =>
    fetch(`${rig.cloud.url}/functions/todo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-wx-openid': openid, 'x-wx-appid': 'wx-test-app' },
      body: JSON.stringify(event),
      signal,
    });

  it('two creates at once, in two instances, make one todo and both get its answer', async () => {
    const openid = 'o-twice';
    const create = { action: 'create', title: 'Only once', quadrant: 'q2', requestId: 'req-concurrent-0001' };
    const [a, b] = await Promise.all([
      todoCall<{ todo: Todo }>(create, openid),
      todoCall<{ todo: Todo }>(create, openid),
    ]);
    expect(a).toMatchObject({ ok: true });
    expect(b).toEqual(a);
    expect(await rig.cloud.store.count('todos', { _openid: openid })).toBe(1);
    // A third, later, is answered from the record: the first answer exactly.
    expect(await todoCall(create, openid)).toEqual(a);
    expect(await rig.cloud.store.count('todos', { _openid: openid })).toBe(1);
  });

  it('a retry after the answer was cut off returns the same todo, and nothing is made twice', async () => {
    const openid = 'o-cut';
    const create = { action: 'create', title: 'Answer lost', quadrant: 'q3', requestId: 'req-cut-answer-01' };
    const cut = new AbortController();
    const stored = waitForDoc(rig.cloud, 'todos', { _openid: openid }, () => true);
    const lost = send(openid, create, cut.signal).then(
      () => 'answered',
      () => 'cut',
    );
    // The todo is in the database: cut the connection before the answer comes back.
    await stored.then(() => cut.abort());
    const retried = await todoCall<{ todo: Todo }>(create, openid);
    expect(retried).toMatchObject({ ok: true, data: { todo: { title: 'Answer lost' } } });
    await lost;
    expect(await rig.cloud.store.count('todos', { _openid: openid })).toBe(1);
    const [doc] = await rig.cloud.store.find('todos', { _openid: openid });
    expect(retried.ok && retried.data.todo.id).toBe(doc._id);
  });

  it('a retry after the first invocation died finds the todo it had made; the id is refused for another request', async () => {
    const openid = 'o-died';
    const create = { action: 'create', title: 'Landed', quadrant: 'q1', requestId: 'req-died-000001' };
    const key = `${openid}:${create.requestId}`;
    const first = await todoOk<{ todo: Todo }>(create, openid);
    expect(first.todo.id).toBe(keyedId(key, 'todo'));
    // As an invocation killed after its insert leaves it: the claim still running, lapsed, no answer.
    await rig.cloud.store.update(
      'requests',
      { _id: key },
      { $set: { state: 'running', owner: 'killed', until: new Date(Date.now() - 1000), answer: null } },
    );
    expect(await todoOk<{ todo: Todo }>(create, openid)).toEqual(first);
    expect(await rig.cloud.store.count('todos', { _openid: openid })).toBe(1);
    expect((await rig.cloud.store.find('requests', { _id: key }))[0]).toMatchObject({ state: 'done', takeovers: 1 });

    const other = await todoCall({ ...create, title: 'Something else' }, openid);
    expect(other).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT', fields: { requestId: expect.any(String) } });
  });

  it('chat.send twice at once with one requestId: one question, one reply, one charge, one answer', async () => {
    const openid = 'o-send-twice';
    const hold = gate();
    rig.model.script({
      ...textReply('只回答一次。'),
      steps: [{ gate: hold.wait }, ...(textReply('只回答一次。').steps ?? [])],
    });
    const request = { text: '问一次', requestId: 'req-send-twice-1' };
    const asked = rig.model.request(rig.model.requests.length + 1);
    const both = Promise.all([chat(rig.cloud, 'send', request, openid), chat(rig.cloud, 'send', request, openid)]);
    await asked;
    hold.open();
    const [a, b] = await both;
    expect(a).toMatchObject({ ok: true, data: { reply: { status: 'done', text: '只回答一次。' } } });
    expect(b).toEqual(a);
    expect(await rig.cloud.store.count('messages', { _openid: openid })).toBe(2);
    expect((a as { data: SendResult }).data.quota).toMatchObject({ used: 1, remaining: 49 });
    const history = await chatOk(
      rig.cloud,
      'history',
      { conversationId: (a as { data: SendResult }).data.conversation.id },
      openid,
    );
    expect(history.items).toHaveLength(2);
  });

  it('chat.send retried after its invocation died answers with the turn it had stored, asking the model nothing', async () => {
    const openid = 'o-send-died';
    rig.model.script(textReply('已经答过了。'));
    const request = { text: '问过一次', requestId: 'req-send-died-01' };
    const first = await chatOk(rig.cloud, 'send', request, openid);
    await rig.cloud.store.update(
      'requests',
      { _id: `${openid}:${request.requestId}` },
      { $set: { state: 'running', owner: 'killed', until: new Date(Date.now() - 1000), answer: null } },
    );
    const calls = rig.model.requests.length;
    const again = await chatOk(rig.cloud, 'send', request, openid);
    expect(again.message.id).toBe(first.message.id);
    expect(again.reply).toMatchObject({ id: first.reply.id, status: 'done', text: '已经答过了。' });
    expect(rig.model.requests.length).toBe(calls);
    expect(await rig.cloud.store.count('messages', { _openid: openid })).toBe(2);
  });

  it('chat.regenerate twice at once with one requestId writes the reply once', async () => {
    const openid = 'o-regenerate-twice';
    rig.model.script(textReply('第一版。'));
    const sent = await chatOk(rig.cloud, 'send', { text: '写一版' }, openid);
    const hold = gate();
    rig.model.script({ steps: [{ gate: hold.wait }, ...(textReply('第二版。').steps ?? [])] });
    const calls = rig.model.requests.length;
    const asked = rig.model.request(calls + 1);
    const request = { messageId: sent.reply.id, requestId: 'req-regenerate-01' };
    const both = Promise.all([
      chat(rig.cloud, 'regenerate', request, openid),
      chat(rig.cloud, 'regenerate', request, openid),
    ]);
    await asked;
    hold.open();
    const [a, b] = await both;
    expect(a).toMatchObject({ ok: true, data: { reply: { id: sent.reply.id, status: 'done', text: '第二版。' } } });
    expect(b).toEqual(a);
    expect(rig.model.requests.length - calls).toBe(1);
    expect((await chatOk(rig.cloud, 'quota', {}, openid)).used).toBe(2);
  });

  it('is forgotten after 24 hours: the sweep removes the record, and the id may be used again', async () => {
    const openid = 'o-expired';
    const create = { action: 'create', title: 'Yesterday', quadrant: 'q4', requestId: 'req-expired-0001' };
    const first = await todoOk<{ todo: Todo }>(create, openid);
    const id = `${openid}:${create.requestId}`;
    await rig.cloud.store.update('requests', { _id: id }, { $set: { expiresAt: new Date(Date.now() - 1000) } });
    const swept = await rig.cloud.timers.fire('chat', 'sweep', new Date());
    expect(swept).toMatchObject({ ok: true, result: { ok: true, data: { requestsRemoved: 1 } } });
    expect(await rig.cloud.store.count('requests', { _id: id })).toBe(0);
    // The same id a day later is a new call; the todo it names was made already, so it answers with it.
    expect(await todoOk<{ todo: Todo }>(create, openid)).toEqual(first);
  });
});
