/**
 * Every way the model can fail ends the reply in a clear state: `failed` with a code, the text
 * received so far kept, history consistent (the question and its failed reply), no quota charged,
 * and the conversation open for the next message.
 */
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { quotaId as quotaIdOf } from '../../server/chat/quota';
import type { ReplyErrorCode } from '../../typings/chat';
import { chat, chatOk, startChatRig, storedMessages, waitForDoc, type ChatRig } from '../helpers/chat';
import { gate, textReply, type ScriptedReply } from '../helpers/model-server';
import { FUNCTIONS_DIR, startTestCloud } from '../helpers/local-cloud';

jest.setTimeout(30_000);

let rig: ChatRig;
beforeAll(async () => {
  // A short model timeout keeps the timeout cases quick; a reply may stream for 3 s at most.
  rig = await startChatRig({ MODEL_TIMEOUT_MS: '400', CHAT_REPLY_MAX_MS: '3000' });
});
afterAll(() => rig?.close());

let user = 0;
/** A fresh user per case, so quota figures start from zero. */
const nextUser = () => `o-fault-${++user}`;

/** Sends one message, opening `received` once the reply's first text is in the database. */
async function sendThrough(reply: ScriptedReply, openid: string, received?: { open: () => void }) {
  rig.model.script(reply);
  const sending = chatOk(rig.cloud, 'send', { text: '请回答', conversationId: undefined }, openid);
  if (received) {
    await waitForDoc(rig.cloud, 'messages', { _openid: openid, role: 'assistant' }, (d) => d.text !== '');
    received.open();
  }
  return sending;
}

const cases: Array<[string, ReplyErrorCode, ScriptedReply, string, boolean]> = [
  ['no answer at all (connect timeout)', 'MODEL_TIMEOUT', { hang: true }, '', false],
  ['401', 'MODEL_AUTH', { status: 401, message: 'Incorrect API key provided: sk-te***' }, '', false],
  ['429', 'MODEL_RATE_LIMITED', { status: 429, message: 'Rate limit reached' }, '', false],
  ['500', 'MODEL_UNAVAILABLE', { status: 500, message: 'internal error' }, '', false],
  ['503', 'MODEL_UNAVAILABLE', { status: 503, message: 'overloaded' }, '', false],
  [
    'an error event mid-stream',
    'MODEL_ERROR',
    { steps: [{ text: '前半句，' }, { error: 'overloaded' }] },
    '前半句，',
    false,
  ],
  [
    'a connection reset mid-stream',
    'MODEL_TRUNCATED',
    { steps: [{ text: '前半句，' }], ending: 'reset' },
    '前半句，',
    true,
  ],
  [
    'a close without [DONE]',
    'MODEL_TRUNCATED',
    { ...textReply('看似完整的回答。'), ending: 'close' },
    '看似完整的回答。',
    false,
  ],
  [
    'a silence mid-stream',
    'MODEL_TIMEOUT',
    { steps: [{ text: '说到一半' }, { gate: new Promise(() => undefined) }] },
    '说到一半',
    false,
  ],
];

describe.each(cases)('a model that fails with %s', (_label, code, reply, kept, waitForText) => {
  it(`ends the reply as failed (${code}), keeps "${kept}", charges nothing`, async () => {
    const openid = nextUser();
    const received = waitForText ? gate() : undefined;
    const steps = received && reply.steps ? [...reply.steps, { gate: received.wait }] : reply.steps;
    const result = await sendThrough({ ...reply, ...(steps ? { steps } : {}) }, openid, received);

    expect(result.reply).toMatchObject({ status: 'failed', text: kept, error: { code } });
    // The user sees a plain sentence; the provider's own words (which may echo a key) stay in the logs.
    expect(result.reply.error?.message).not.toMatch(/sk-/);
    expect(result.quota).toMatchObject({ used: 0, remaining: 50 });
    const stored = await storedMessages(rig.cloud, result.conversation.id);
    expect(stored.map((m) => [m.role, m.status, m.text])).toEqual([
      ['user', 'done', '请回答'],
      ['assistant', 'failed', kept],
    ]);

    // History stays usable: the next message goes through, and the failed reply is not context.
    rig.model.script(textReply('这次好了。'));
    const next = await chatOk(rig.cloud, 'send', { text: '再试一次', conversationId: result.conversation.id }, openid);
    expect(next.reply).toMatchObject({ status: 'done', text: '这次好了。' });
    expect(next.quota).toMatchObject({ used: 1, remaining: 49 });
    const context = rig.model.requests
      .at(-1)
      ?.body.messages?.slice(1)
      .map((m) => m.content);
    expect(context).toEqual(['请回答', '再试一次']);
  });
});

describe('the time limit', () => {
  it('ends a reply still streaming at its deadline as failed (REPLY_TIMEOUT) with its text, before the platform would', async () => {
    const openid = nextUser();
    // A reply that would take 6 s, streamed steadily so the model timeout never fires.
    const steps = Array.from({ length: 60 }, (_, i) => ({ text: `${i % 10}`, delayMs: 100 }));
    const result = await sendThrough({ steps }, openid);
    expect(result.reply).toMatchObject({ status: 'failed', error: { code: 'REPLY_TIMEOUT' } });
    expect(result.reply.text.length).toBeGreaterThan(5);
    expect('0123456789'.repeat(6).startsWith(result.reply.text)).toBe(true);
    expect(result.quota.used).toBe(0);
    await expect(rig.model.requests.at(-1)?.closed).resolves.toEqual({ aborted: true });
  });

  it("ends it 5 s before the function's own timeout when that comes first", async () => {
    // The built chat function with a 7 s timeout: its reply must end by 2 s, and the invocation by 7.
    const dir = mkdtempSync(join(FUNCTIONS_DIR, '..', '.cloud-chat-limit-'));
    mkdirSync(join(dir, 'chat'));
    for (const file of ['index.js', 'package.json'])
      copyFileSync(join(FUNCTIONS_DIR, 'chat', file), join(dir, 'chat', file));
    writeFileSync(
      join(dir, 'chat', 'config.json'),
      JSON.stringify({ timeout: 7, permissions: { openapi: ['security.msgSecCheck'] } }),
    );
    const cloud = await startTestCloud({
      functionsDir: dir,
      functionEnv: { MODEL_BASE_URL: rig.model.baseUrl, MODEL_NAME: 'scripted-model', MODEL_TIMEOUT_MS: '1000' },
    });
    try {
      rig.model.script({ steps: Array.from({ length: 100 }, () => ({ text: '字', delayMs: 100 })) });
      const outcome = await cloud.functions.invoke('chat', { action: 'send', text: '长话' }, { openid: nextUser() });
      expect(outcome).toMatchObject({ ok: true, result: { ok: true, data: { reply: { status: 'failed' } } } });
      const reply = (outcome as { result: { data: { reply: { text: string; error: { code: string } } } } }).result.data
        .reply;
      expect(reply.error.code).toBe('REPLY_TIMEOUT');
      expect(reply.text).toMatch(/^字+$/);
    } finally {
      await cloud.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('regenerate after a failure', () => {
  it('retries the failed reply in place and charges only the finished one', async () => {
    const openid = nextUser();
    const failed = await sendThrough({ status: 500 }, openid);
    rig.model.script(textReply('重试成功。'));
    const again = await chatOk(rig.cloud, 'regenerate', { messageId: failed.reply.id }, openid);
    expect(again.reply).toMatchObject({ id: failed.reply.id, status: 'done', text: '重试成功。', error: null });
    expect(again.quota).toMatchObject({ used: 1, remaining: 49 });
  });
});

describe('without a model', () => {
  it('answers UPSTREAM naming the missing setting, and stores nothing', async () => {
    const cloud = await startTestCloud({ functionEnv: { MODEL_BASE_URL: '', MODEL_NAME: '' } });
    try {
      const result = await chat(cloud, 'send', { text: '你好' });
      expect(result).toMatchObject({ ok: false, code: 'UPSTREAM', message: expect.stringContaining('MODEL_BASE_URL') });
      expect(await cloud.store.count('messages', {})).toBe(0);
      expect(await cloud.store.count('conversations', {})).toBe(0);
    } finally {
      await cloud.close();
    }
  });
});

describe('a reply the database cannot hold', () => {
  it('a model that ignores max_tokens is cut off at the cap: failed REPLY_TOO_LONG, not charged, the rest never read', async () => {
    const openid = nextUser();
    // About 5 MB of text, streamed as fast as the socket takes it; the default MODEL_MAX_TOKENS is 1024.
    const piece = '字'.repeat(21_845);
    const result = await sendThrough(
      { steps: Array.from({ length: 80 }, () => ({ text: piece, delayMs: 5 })) },
      openid,
    );
    expect(result.reply).toMatchObject({ status: 'failed', error: { code: 'REPLY_TOO_LONG' } });
    expect(result.reply.text).toBe('字'.repeat(1024 * 8));
    expect(result.quota).toMatchObject({ used: 0, remaining: 50 });
    const request = rig.model.requests.at(-1);
    expect(request?.body.max_tokens).toBe(1024);
    await expect(request?.closed).resolves.toEqual({ aborted: true });
    // Nothing is left holding the conversation.
    rig.model.script(textReply('短的。'));
    const next = await chatOk(rig.cloud, 'send', { text: '短一点', conversationId: result.conversation.id }, openid);
    expect(next.reply).toMatchObject({ status: 'done', text: '短的。' });
  });

  it('a growing text the database refuses ends the reply failed WRITE_FAILED with what it saved, its hold given back', async () => {
    // A database that takes requests of 256 KB at most, and a cap (200,000 characters) above that.
    const cloud = await startTestCloud({
      bodyLimitBytes: 256 * 1024,
      functionEnv: {
        MODEL_BASE_URL: rig.model.baseUrl,
        MODEL_NAME: 'scripted-model',
        MODEL_MAX_TOKENS: '100000',
        MODEL_CONTEXT_TOKENS: '200000',
        CHAT_FLUSH_MS: '50',
      },
    });
    try {
      const openid = nextUser();
      const steps = Array.from({ length: 30 }, () => ({ text: '长'.repeat(5000), delayMs: 60 }));
      rig.model.script({ steps });
      const result = await chatOk(cloud, 'send', { text: '写很长' }, openid);
      expect(result.reply).toMatchObject({ status: 'failed', error: { code: 'WRITE_FAILED' } });
      expect(result.reply.text).toMatch(/^长+$/);
      expect(result.quota).toMatchObject({ used: 0, remaining: 50 });
      const [stored] = await cloud.store.find('messages', { _id: result.reply.id });
      expect(stored).toMatchObject({ status: 'failed', text: result.reply.text, expiresAt: null });
      expect(await cloud.store.find('chat_quota', { _openid: openid })).toMatchObject([{ taken: 0, holds: {} }]);
      rig.model.script(textReply('好了。'));
      const next = await chatOk(cloud, 'send', { text: '再来', conversationId: result.conversation.id }, openid);
      expect(next.reply).toMatchObject({ status: 'done', text: '好了。' });
    } finally {
      await cloud.close();
    }
  });
});

describe('the sweep', () => {
  it('ends every reply left streaming past its deadline, gives back its hold, and leaves live ones alone', async () => {
    const { cloud } = rig;
    const openid = nextUser();
    const now = Date.now();
    const past = new Date(now - 5000);
    const later = new Date(now + 60_000);
    const quotaId = quotaIdOf(openid, new Date(now), 'Asia/Shanghai');
    const reply = (id: string, fields: Record<string, unknown>) => ({
      _id: id,
      _openid: openid,
      conversationId: 'c-swept',
      role: 'assistant',
      text: '写到一半',
      status: 'streaming',
      createdAt: new Date(now - 70_000),
      updatedAt: new Date(now - 65_000),
      finishReason: null,
      usage: null,
      error: null,
      cards: [],
      moderation: 'unchecked',
      expiresAt: past,
      quotaId,
      ...fields,
    });
    await cloud.store.insert('messages', [
      reply('r-dead', {}),
      reply('r-bad', { text: { evil: 1 }, cards: 'none' }),
      reply('r-live', { expiresAt: later }),
    ]);
    await cloud.store.insert('chat_quota', [
      {
        _id: quotaId,
        _openid: openid,
        day: quotaId.slice(openid.length + 1),
        taken: 3,
        used: 0,
        holds: { 'r-dead': past, 'r-bad': past, 'r-live': later },
        updatedAt: new Date(now),
      },
    ]);
    const outcome = await cloud.timers.fire('chat', 'sweep', new Date(now));
    expect(outcome).toMatchObject({ ok: true, result: { ok: true, data: { lapsed: 2, interrupted: 1, invalid: 1 } } });
    const stored = await cloud.store.find('messages', { conversationId: 'c-swept' }, { sort: [['_id', 1]] });
    expect(stored.map((m) => [m._id, m.status, (m.error as { code?: string } | null)?.code ?? null])).toEqual([
      ['r-bad', 'failed', 'INVALID_DOCUMENT'],
      ['r-dead', 'failed', 'INTERRUPTED'],
      ['r-live', 'streaming', null],
    ]);
    expect(stored[1]).toMatchObject({ text: '写到一半', expiresAt: null });
    expect(await cloud.store.find('chat_quota', { _id: quotaId })).toMatchObject([
      { taken: 1, used: 0, holds: { 'r-live': later } },
    ]);
  });
});
