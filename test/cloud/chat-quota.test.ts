/** The daily reply allowance: reserved before a reply starts, charged only when it finishes. */
import { quotaId } from '../../server/chat/quota';
import { nextMidnight } from '../../shared/time';
import type { ChatQuota, SendResult } from '../../typings/chat';
import type { ApiResult } from '../../typings/contract';
import { chat, chatOk, startChatRig, storedMessages, type ChatRig } from '../helpers/chat';
import { invoke } from '../helpers/local-cloud';
import { gate, textReply } from '../helpers/model-server';

jest.setTimeout(30_000);

let rig: ChatRig;
beforeAll(async () => {
  rig = await startChatRig({ CHAT_DAILY_LIMIT: '2' });
  await rig.cloud.store.insert('autoreplies', [{ keyword: '菜单', match: 'exact', reply: '这是菜单。' }]);
});
afterAll(() => rig?.close());

let user = 0;
const nextUser = () => `o-quota-${++user}`;

/** The next midnight in Shanghai, as an ISO instant. */
function nextShanghaiMidnight(): string {
  const day = 86_400_000;
  const offset = 8 * 3_600_000;
  return new Date(Math.floor((Date.now() + offset) / day) * day + day - offset).toISOString();
}

describe('the daily limit', () => {
  it('counts finished replies, then refuses with QUOTA_EXCEEDED and stores nothing; auto-replies still answer', async () => {
    const openid = nextUser();
    expect(await chatOk(rig.cloud, 'quota', {}, openid)).toEqual({
      limit: 2,
      used: 0,
      remaining: 2,
      resetsAt: nextShanghaiMidnight(),
    });
    rig.model.script(textReply('一。'), textReply('二。'));
    const first = await chatOk(rig.cloud, 'send', { text: '第一问' }, openid);
    expect(first.quota).toMatchObject({ used: 1, remaining: 1 });
    const second = await chatOk(rig.cloud, 'send', { text: '第二问', conversationId: first.conversation.id }, openid);
    expect(second.quota).toMatchObject({ used: 2, remaining: 0 });

    const requests = rig.model.requests.length;
    const refused = await chat(rig.cloud, 'send', { text: '第三问', conversationId: first.conversation.id }, openid);
    expect(refused).toMatchObject({ ok: false, code: 'QUOTA_EXCEEDED' });
    expect(rig.model.requests.length).toBe(requests);
    expect((await storedMessages(rig.cloud, first.conversation.id)).map((m) => m.text)).toEqual([
      '第一问',
      '一。',
      '第二问',
      '二。',
    ]);
    expect((await chatOk(rig.cloud, 'send', { text: '菜单' }, openid)).reply.text).toBe('这是菜单。');
  });

  it("resets at midnight in the user's zone, and a change of zone never starts a second day early", async () => {
    const openid = nextUser();
    const LA = 'America/Los_Angeles';
    const inZone = <T>(tz: string, event: Record<string, unknown>) =>
      invoke<ApiResult<T>>(rig.cloud, 'chat', { ...event, tz }, { openid });
    const fresh = await inZone<ChatQuota>(LA, { action: 'quota' });
    const laMidnight = new Date(nextMidnight(Date.now(), LA)).toISOString();
    expect(fresh).toMatchObject({ ok: true, data: { remaining: 2, resetsAt: laMidnight } });
    rig.model.script(textReply('一。'), textReply('二。'));
    expect(await inZone<SendResult>(LA, { action: 'send', text: '洛杉矶一' })).toMatchObject({ ok: true });
    expect(await inZone<SendResult>(LA, { action: 'send', text: '洛杉矶二' })).toMatchObject({ ok: true });
    // Kiritimati (UTC+14) is on the next date for most of the day: still the day that began in Los Angeles.
    const abroad = await inZone<ChatQuota>('Pacific/Kiritimati', { action: 'quota' });
    expect(abroad).toMatchObject({ ok: true, data: { used: 2, remaining: 0, resetsAt: laMidnight } });
    const refused = await inZone<SendResult>('Pacific/Kiritimati', { action: 'send', text: '换了时区' });
    expect(refused).toMatchObject({ ok: false, code: 'QUOTA_EXCEEDED' });
    // An unknown zone is no error: the call is read in Asia/Shanghai.
    expect(await inZone<ChatQuota>('Mars/Olympus', { action: 'quota' })).toMatchObject({ ok: true });
  });

  it('lets only as many concurrent sends start as there are slots', async () => {
    const openid = nextUser();
    const held = gate();
    for (let i = 0; i < 2; i++) {
      rig.model.script({ steps: [{ text: '同时' }, { gate: held.wait }, { text: '回答' }, { finish: 'stop' }] });
    }
    const sends = Array.from({ length: 4 }, (_, i) => chat(rig.cloud, 'send', { text: `并发${i}` }, openid));
    // Two replies start (and wait at the gate); the other two are refused at once.
    await rig.model.request(rig.model.requests.length + 2);
    held.open();
    const results = await Promise.all(sends);
    const codes = results.map((r) => (r.ok ? r.data.reply.status : r.code)).sort();
    expect(codes).toEqual(['QUOTA_EXCEEDED', 'QUOTA_EXCEEDED', 'done', 'done']);
    expect(await chatOk(rig.cloud, 'quota', {}, openid)).toMatchObject({ used: 2, remaining: 0 });
  });
});

describe('a reply whose invocation died', () => {
  /** What a killed invocation leaves: a streaming reply past its lapse, its conversation locked, its slot held. */
  async function abandoned(openid: string) {
    const past = new Date(Date.now() - 60_000);
    const now = new Date();
    const conversationId = `c-${openid}`;
    const replyId = `r-${openid}`;
    await rig.cloud.store.insert('conversations', [
      {
        _id: conversationId,
        _openid: openid,
        title: '中断的对话',
        channel: 'miniprogram',
        createdAt: past,
        updatedAt: past,
        lastText: '',
        activeReplyId: replyId,
        activeUntil: past,
      },
    ]);
    const base = { _openid: openid, conversationId, finishReason: null, usage: null, error: null, cards: [] };
    await rig.cloud.store.insert('messages', [
      { ...base, _id: `u-${openid}`, role: 'user', text: '问题', status: 'done', createdAt: past, updatedAt: past },
      {
        ...base,
        _id: replyId,
        role: 'assistant',
        text: '写了一半',
        status: 'streaming',
        createdAt: new Date(past.getTime() + 1),
        updatedAt: past,
        moderation: 'unchecked',
        expiresAt: past,
        quotaId: quotaId(openid, now, 'Asia/Shanghai'),
      },
    ]);
    await rig.cloud.store.insert('chat_quota', [
      {
        _id: quotaId(openid, now, 'Asia/Shanghai'),
        _openid: openid,
        taken: 2,
        used: 1,
        holds: { [replyId]: past },
        updatedAt: past,
      },
    ]);
    return { conversationId, replyId };
  }

  it('gives its slot back and ends it as failed (INTERRUPTED) when the quota is read', async () => {
    const openid = nextUser();
    const { conversationId, replyId } = await abandoned(openid);
    expect(await chatOk(rig.cloud, 'quota', {}, openid)).toMatchObject({ used: 1, remaining: 1 });
    const history = await chatOk(rig.cloud, 'history', { conversationId }, openid);
    expect(history.items.find((m) => m.id === replyId)).toMatchObject({
      status: 'failed',
      text: '写了一半',
      error: { code: 'INTERRUPTED' },
    });
  });

  it('does not keep its conversation locked: the next message ends it and goes through', async () => {
    const openid = nextUser();
    const { conversationId, replyId } = await abandoned(openid);
    rig.model.script(textReply('接着说。'));
    const result = await chatOk(rig.cloud, 'send', { text: '还在吗', conversationId }, openid);
    expect(result.reply).toMatchObject({ status: 'done', text: '接着说。' });
    expect(result.quota).toMatchObject({ used: 2, remaining: 0 });
    const stored = await storedMessages(rig.cloud, conversationId);
    expect(stored.find((m) => m._id === replyId)).toMatchObject({ status: 'failed', error: { code: 'INTERRUPTED' } });
  });
});
