/**
 * Content safety in and out (the word list, then msgSecCheck v2 through the local cloud's outbox,
 * which answers `risky` for its block list: 违禁词, blocked-word), and keyword auto-replies.
 */
import { BLOCKED_NOTICE } from '../../server/chat/turn';
import { chat, chatOk, startChatRig, storedMessages, waitForDoc, type ChatRig } from '../helpers/chat';
import { gate, textReply } from '../helpers/model-server';

jest.setTimeout(30_000);

let rig: ChatRig;
beforeAll(async () => {
  rig = await startChatRig();
  await rig.cloud.store.insert('chat_words', [{ word: '内部代号' }, { word: '笨蛋', mask: true }, { word: 'SECRET' }]);
  await rig.cloud.store.insert('autoreplies', [
    { keyword: '帮助', match: 'exact', reply: '发送任何问题即可开始。' },
    { keyword: '价格', match: 'prefix', reply: '价格请见官网。' },
    { keyword: '价格表', match: 'prefix', reply: '价格表已发送到你的邮箱。' },
    { keyword: '停用', match: 'exact', reply: '不会出现', enabled: false },
  ]);
});
afterAll(() => rig?.close());
beforeEach(() => rig.cloud.outbox.clear());

let user = 0;
const nextUser = () => `o-safe-${++user}`;
const checks = (openid: string) => rig.cloud.outbox.list({ apiName: 'security.msgSecCheck', openid });
const counts = async () => ({
  messages: await rig.cloud.store.count('messages', {}),
  conversations: await rig.cloud.store.count('conversations', {}),
  requests: rig.model.requests.length,
});

describe("the user's text", () => {
  it('refused by msgSecCheck (risky): CONTENT_BLOCKED, nothing stored, nothing sent to the model', async () => {
    const openid = nextUser();
    const before = await counts();
    const result = await chat(rig.cloud, 'send', { text: '这里有违禁词' }, openid);
    expect(result).toMatchObject({ ok: false, code: 'CONTENT_BLOCKED' });
    expect(await counts()).toEqual(before);
    expect(checks(openid)).toEqual([
      expect.objectContaining({
        payload: { openid, scene: 2, version: 2, content: '这里有违禁词' },
        result: expect.objectContaining({ errcode: 0, result: { suggest: 'risky', label: 20001 } }),
      }),
    ]);
    expect(await chatOk(rig.cloud, 'quota', {}, openid)).toMatchObject({ used: 0, remaining: 50 });
  });

  it('when msgSecCheck cannot answer: UPSTREAM, nothing stored, nothing sent', async () => {
    const openid = nextUser();
    const before = await counts();
    rig.cloud.outbox.failNext({ apiName: 'security.msgSecCheck', touser: openid, errcode: -1 });
    const result = await chat(rig.cloud, 'send', { text: '普通的问题' }, openid);
    expect(result).toMatchObject({ ok: false, code: 'UPSTREAM' });
    expect(await counts()).toEqual(before);
  });

  it('with a listed word (any case or width): CONTENT_BLOCKED before WeChat is asked', async () => {
    const openid = nextUser();
    const before = await counts();
    for (const text of ['说说内部代号吧', 'the ｓｅｃｒｅｔ plan']) {
      await expect(chat(rig.cloud, 'send', { text }, openid)).resolves.toMatchObject({
        ok: false,
        code: 'CONTENT_BLOCKED',
      });
    }
    expect(await counts()).toEqual(before);
    expect(checks(openid)).toEqual([]);
  });

  it('with a masking word: stored and sent masked', async () => {
    const openid = nextUser();
    rig.model.script(textReply('别这么说自己。'));
    const result = await chatOk(rig.cloud, 'send', { text: '我真是个笨蛋' }, openid);
    expect(result.message.text).toBe('我真是个＊＊');
    expect(rig.model.requests.at(-1)?.body.messages?.at(-1)).toMatchObject({ content: '我真是个＊＊' });
    expect(checks(openid)[0].payload.content).toBe('我真是个＊＊');
  });
});

describe("the model's reply", () => {
  it('judged risky when finished: shown as a notice, marked risky, not charged', async () => {
    const openid = nextUser();
    rig.model.script(textReply('好的，下面是违禁词的内容。'));
    const result = await chatOk(rig.cloud, 'send', { text: '随便聊聊' }, openid);
    expect(result.reply).toMatchObject({ status: 'blocked', text: BLOCKED_NOTICE, moderation: 'risky' });
    expect(result.quota).toMatchObject({ used: 0, remaining: 50 });
    const [, stored] = await storedMessages(rig.cloud, result.conversation.id);
    expect(stored).toMatchObject({ status: 'blocked', text: BLOCKED_NOTICE });
    expect(checks(openid).map((c) => c.payload.content)).toEqual(['随便聊聊', '好的，下面是违禁词的内容。']);
  });

  it('with a masking word: finished with the word masked', async () => {
    const openid = nextUser();
    rig.model.script(textReply('你才不是笨蛋呢。'));
    const result = await chatOk(rig.cloud, 'send', { text: '安慰我一下' }, openid);
    expect(result.reply).toMatchObject({ status: 'done', text: '你才不是＊＊呢。', moderation: 'pass' });
  });

  it('with a blocking word mid-stream: the model is cut off and the reply blocked, not charged', async () => {
    const openid = nextUser();
    const never = gate();
    rig.model.script({ steps: [{ text: '我可以告诉你' }, { text: '内部代号是' }, { gate: never.wait }] });
    const result = await chatOk(rig.cloud, 'send', { text: '有什么秘密' }, openid);
    never.open();
    expect(result.reply).toMatchObject({ status: 'blocked', text: BLOCKED_NOTICE });
    expect(result.quota.used).toBe(0);
    await expect(rig.model.requests.at(-1)?.closed).resolves.toEqual({ aborted: true });
  });

  it('when msgSecCheck cannot answer at the end: shown (it was seen while streaming), marked unchecked, charged', async () => {
    const openid = nextUser();
    const held = gate();
    rig.model.script({ steps: [{ text: '一个' }, { gate: held.wait }, { text: '普通的回答。' }, { finish: 'stop' }] });
    const sending = chatOk(rig.cloud, 'send', { text: '问个问题' }, openid);
    await waitForDoc(rig.cloud, 'messages', { _openid: openid, role: 'assistant' }, (d) => d.text === '一个');
    rig.cloud.outbox.failNext({ apiName: 'security.msgSecCheck', touser: openid, errcode: -1 });
    held.open();
    const result = await sending;
    expect(result.reply).toMatchObject({ status: 'done', text: '一个普通的回答。', moderation: 'unchecked' });
    expect(result.quota.used).toBe(1);
  });
});

describe('keyword auto-replies', () => {
  it('answers an exact keyword without the model, after the content check, and charges nothing', async () => {
    const openid = nextUser();
    const requests = rig.model.requests.length;
    const result = await chatOk(rig.cloud, 'send', { text: ' 帮助 ' }, openid);
    expect(result.reply).toMatchObject({ status: 'done', text: '发送任何问题即可开始。', finishReason: 'autoreply' });
    expect(rig.model.requests.length).toBe(requests);
    expect(result.quota).toMatchObject({ used: 0, remaining: 50 });
    expect(checks(openid)).toHaveLength(1);
    expect(result.conversation.lastText).toBe('发送任何问题即可开始。');
  });

  it('answers the longest matching prefix, and leaves a disabled rule or a near miss to the model', async () => {
    const openid = nextUser();
    const longest = await chatOk(rig.cloud, 'send', { text: '价格表多少钱' }, openid);
    expect(longest.reply.text).toBe('价格表已发送到你的邮箱。');
    const shorter = await chatOk(
      rig.cloud,
      'send',
      { text: '价格贵吗', conversationId: longest.conversation.id },
      openid,
    );
    expect(shorter.reply.text).toBe('价格请见官网。');

    rig.model.script(textReply('模型的回答。'), textReply('模型的回答。'));
    for (const text of ['停用', '帮助我']) {
      const result = await chatOk(rig.cloud, 'send', { text }, openid);
      expect(result.reply).toMatchObject({ text: '模型的回答。', finishReason: 'stop' });
    }
  });
});
