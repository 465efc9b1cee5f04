import { chat } from '../../../miniprogram/services/chat';
import { replyErrorMessage, userMessage } from '../../../miniprogram/services/errors';
import { textReply, type ModelServer } from '../../helpers/model-server';
import type { RemoteCloud } from '../../helpers/cloud-process';
import { connectToLocalCloud, startChatCloud, type ChatCloud } from '../helpers/local-cloud';

let cloud: RemoteCloud;
let model: ModelServer;

let rig: ChatCloud;

beforeAll(async () => {
  rig = await startChatCloud();
  ({ cloud, model } = rig);
}, 120_000); // the embedded database takes seconds to start on a busy machine
afterAll(() => rig?.close());

// The shared setup resets the wx double before each test.
beforeEach(() => connectToLocalCloud(cloud, { openid: 'o-chat-service' }));

describe('the chat service against the local cloud', () => {
  it('sends, pages, renames, regenerates and removes through the chat function', async () => {
    model.script(textReply('你好，有什么可以帮你？'));
    const sent = await chat.send('你好');
    if (!sent.ok) throw new Error(JSON.stringify(sent));
    const { conversation, reply } = sent.data;
    expect(reply).toMatchObject({ status: 'done', text: '你好，有什么可以帮你？' });
    expect(sent.data.quota).toMatchObject({ limit: 3, remaining: 2 });

    await expect(chat.history(conversation.id)).resolves.toMatchObject({
      ok: true,
      data: { items: [{ text: '你好' }, { text: '你好，有什么可以帮你？' }], nextBefore: null },
    });
    await expect(chat.rename(conversation.id, '问候')).resolves.toMatchObject({
      ok: true,
      data: { conversation: { title: '问候' } },
    });
    await expect(chat.conversations()).resolves.toMatchObject({ ok: true, data: { items: [{ title: '问候' }] } });
    await expect(chat.stop(reply.id)).resolves.toMatchObject({ ok: true, data: { message: { status: 'done' } } });

    model.script(textReply('再说一遍。'));
    await expect(chat.regenerate(reply.id)).resolves.toMatchObject({
      ok: true,
      data: { reply: { id: reply.id, text: '再说一遍。' }, quota: { used: 2, remaining: 1 } },
    });
    await expect(chat.quota()).resolves.toMatchObject({ ok: true, data: { used: 2, remaining: 1 } });
    await expect(chat.remove(conversation.id)).resolves.toEqual({
      ok: true,
      data: { conversationId: conversation.id },
    });
  });

  it('resolves failures in the contract, with words for people', async () => {
    const missing = await chat.history('no-such-conversation');
    expect(missing).toMatchObject({ ok: false, code: 'NOT_FOUND' });
    expect(userMessage({ code: 'QUOTA_EXCEEDED' })).toBe('今天的次数已用完，明天再来吧');

    model.script({ status: 429 });
    const failed = await chat.send('忙吗');
    if (!failed.ok) throw new Error(JSON.stringify(failed));
    expect(failed.data.reply).toMatchObject({ status: 'failed', error: { code: 'MODEL_RATE_LIMITED' } });
    expect(replyErrorMessage('MODEL_RATE_LIMITED')).toBe('模型服务繁忙，请稍后重试');
  });
});
