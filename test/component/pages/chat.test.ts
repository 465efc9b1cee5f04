/**
 * The Chat page against a local cloud running the real chat function and a scripted model on
 * loopback; the page's wx.cloud.database().watch() is the real realtime client on the cloud's
 * socket, so a reply streams into the page as it does in WeChat.
 */
import type { Row } from '../../../miniprogram/pages/chat/rows';
import { textReply, toolReply, type ModelServer } from '../../helpers/model-server';
import { stopThenRegenerate, streaming, type ChatDriver } from '../../scenarios/chat';
import { eventually } from '../../helpers/eventually';
import { tap, textOf, waitForText } from '../helpers/dom';
import type { RemoteCloud } from '../../helpers/cloud-process';
import { connectToLocalCloud, startChatCloud, type ChatCloud } from '../helpers/local-cloud';
import { launchApp, resetMiniProgram, type Rendered } from '../helpers/miniprogram';
import { wxDouble } from '../helpers/wx';

let cloud: RemoteCloud;
let model: ModelServer;

// The realtime client narrates every frame (to the end, when the cloud closes); the tests read the page.
const quiet = (['log', 'warn'] as const).map((method) => {
  const original = console[method].bind(console);
  return jest.spyOn(console, method).mockImplementation((...args: unknown[]) => {
    if (!/realtime|nextevent|wx:key/.test(String(args[0]))) original(...args);
  });
});

let rig: ChatCloud;

beforeAll(async () => {
  rig = await startChatCloud({ CHAT_FLUSH_MS: '50' });
  ({ cloud, model } = rig);
}, 120_000); // the embedded database takes seconds to start on a busy machine
afterAll(async () => {
  await rig?.close();
  quiet.forEach((spy) => spy.mockRestore());
});

// Rendering the page with Vant and a live watch takes a while on a busy machine.
jest.setTimeout(30_000);

interface ChatPage {
  onSend(event: { detail: string }): void;
  setData(data: Record<string, unknown>): void;
}

let users = 0;

/** Opens the Chat tab as a new user, once the empty conversation shows. */
async function openChat(): Promise<{ page: Rendered; openid: string }> {
  resetMiniProgram();
  const openid = `o-chat-page-${++users}-${Date.now()}`;
  connectToLocalCloud(cloud, { openid });
  const { stack } = launchApp('pages/chat/index');
  const page = stack.current!.component;
  await waitForText(page, '试试这样问', 10_000);
  return { page, openid };
}

const instance = (page: Rendered) => page.instance as unknown as ChatPage;
const rows = (page: Rendered) => page.data.rows as Row[];
const reply = (page: Rendered) => rows(page).find((row) => row.role === 'assistant');
/** Every key the page sent with setData, in order. */
function recordSetData(page: Rendered): string[][] {
  const sent: string[][] = [];
  const target = instance(page);
  const original = target.setData.bind(target);
  target.setData = (data) => {
    sent.push(Object.keys(data));
    original(data);
  };
  return sent;
}

/** The shared chat scenarios' driver: the page's own handlers, its rendered text, the cloud's documents. */
function simulatedChat(page: Rendered, openid: string): ChatDriver {
  const replies = () => page.querySelectorAll('.msg--assistant');
  const newest = () => {
    const all = replies();
    return all.length ? textOf({ dom: all[all.length - 1].dom }) : '';
  };
  const action = (name: string) =>
    page.querySelectorAll('.msg__action').find((node) => textOf({ dom: node.dom }) === name);
  return {
    model,
    dailyLimit: 3,
    ask: async (text) => instance(page).onSend({ detail: text }),
    shows: (text) => waitForText(page, text, 10_000),
    reply: (text) =>
      eventually(
        () => (text === undefined || newest().includes(text) ? newest() : undefined),
        () => `a reply showing "${text}" (shown: "${textOf(page)}")`,
        10_000,
      ),
    replies: async () => replies().length,
    bold: async () => page.dom?.querySelector('[class*="md__strong"]')?.textContent ?? '',
    stopOffered: async (offered) =>
      void (await eventually(
        () => Boolean(page.querySelector('#stop')) === offered,
        offered ? 'Stop' : 'Stop to go',
        10_000,
      )),
    stop: async () => page.querySelector('#stop')!.dispatchEvent('tap'),
    regenerate: async () => (await eventually(() => action('重新生成'), 'Regenerate', 10_000)).dispatchEvent('tap'),
    stored: async () => (await cloud.docs('messages')).filter((m) => m._openid === openid && m.role === 'assistant'),
    shot: async () => undefined,
  };
}

describe('Chat page', () => {
  it(streaming.name, async () => {
    const { page, openid } = await openChat();
    const sent = recordSetData(page);
    await streaming.play(simulatedChat(page, openid));
    // Once the conversation was on screen, no update sent the whole list: only the paths that changed.
    const afterFirst = sent.slice(sent.findIndex((keys) => keys.some((k) => k.startsWith('rows[1]'))));
    expect(afterFirst.flat().filter((key) => key === 'rows')).toEqual([]);
    expect(afterFirst.flat().some((key) => key === 'rows[1].text')).toBe(true);
  });

  it(stopThenRegenerate.name, async () => {
    const { page, openid } = await openChat();
    await stopThenRegenerate.play(simulatedChat(page, openid));
    expect(rows(page)).toHaveLength(2);
  });

  it('a failed reply says why in words and retries; HTML from the model stays text', async () => {
    const { page } = await openChat();
    model.script({ status: 503 });
    instance(page).onSend({ detail: '在吗' });
    await waitForText(page, '模型服务暂不可用，请稍后重试', 10_000);
    await eventually(() => page.data.pending === false, 'the send call to return', 10_000);
    model.script(textReply('<b>在</b><script>alert(1)</script>'));
    const retry = page.querySelectorAll('.msg__action').find((node) => textOf({ dom: node.dom }) === '重试');
    retry!.dispatchEvent('tap');
    await waitForText(page, '<b>在</b><script>alert(1)</script>', 10_000);
    expect(page.dom?.querySelector('b, script')).toBeNull();
  });

  it('a question the cloud refuses stays on screen, marked with the reason, and the quota closes the composer', async () => {
    const { page } = await openChat();
    model.script(textReply('一'), textReply('二'), textReply('三'));
    for (const text of ['第一问', '第二问', '第三问']) {
      instance(page).onSend({ detail: text });
      await eventually(() => page.data.pending === false && reply(page)?.status === 'done', `${text} answered`, 10_000);
    }
    await eventually(() => page.data.quotaOut !== '', 'the quota used up', 10_000);
    expect(page.data.quotaOut).toMatch(/^今天的次数已用完，.+恢复$/);
    // Sent anyway (an old client, a second device): refused, marked, nothing lost.
    page.setData({ quotaOut: '' });
    instance(page).onSend({ detail: '第四问' });
    await waitForText(page, '未发送：今天的次数已用完，明天再来吧', 10_000);
    const edit = page.querySelectorAll('.msg__action').find((node) => textOf({ dom: node.dom }) === '修改');
    expect(edit).toBeTruthy();
    edit!.dispatchEvent('tap');
    await eventually(
      () => page.data.draft === '第四问',
      () =>
        `the draft back (${JSON.stringify(page.data.draft)}, rows ${JSON.stringify(rows(page).map((r) => [r.id, r.status]))})`,
    );
    expect(textOf(page)).not.toContain('未发送');
  });

  it('a todo the assistant adds shows as a card with undo, still undone when the chat is opened again', async () => {
    const { page, openid } = await openChat();
    model.script(
      toolReply({ name: 'add_todo', arguments: { title: '交报告', quadrant: 'q1' } }),
      textReply('已添加。'),
    );
    instance(page).onSend({ detail: '记一下交报告' });
    await waitForText(page, '已添加待办', 10_000);
    expect(textOf(page)).toContain('交报告');
    const todoId = reply(page)!.cards[0].todoId;
    expect((await cloud.docs('todos')).some((doc) => doc._id === todoId)).toBe(true);
    const card = page.querySelector('.msg__card')!;
    const undo = card.querySelectorAll('.card__action').find((node) => textOf({ dom: node.dom }) === '撤销');
    undo!.dispatchEvent('tap');
    await waitForText(page, '已撤销', 10_000);
    expect((await cloud.docs('todos')).some((doc) => doc._id === todoId)).toBe(false);

    resetMiniProgram();
    connectToLocalCloud(cloud, { openid });
    const again = launchApp('pages/chat/index').stack.current!.component;
    await waitForText(again, '已添加。', 10_000);
    await waitForText(again, '已撤销', 10_000);
    const actions = again.querySelector('.msg__card')!.querySelectorAll('.card__action');
    expect(actions.map((node) => textOf({ dom: node.dom }))).toEqual([]);
  });

  it('renames and deletes a conversation from the list; a cold start reopens the last one', async () => {
    const { page, openid } = await openChat();
    model.script(textReply('好的。'));
    instance(page).onSend({ detail: '第一个对话' });
    await eventually(() => reply(page)?.status === 'done', 'the reply', 10_000);

    resetMiniProgram();
    connectToLocalCloud(cloud, { openid });
    const again = launchApp('pages/chat/index').stack.current!.component;
    await waitForText(again, '好的。', 10_000);
    expect(textOf(again)).toContain('第一个对话');

    wxDouble.api.showActionSheet.mockResolvedValueOnce({ tapIndex: 0, errMsg: 'showActionSheet:ok' });
    wxDouble.api.showModal.mockResolvedValueOnce({ confirm: true, cancel: false, content: '改过的名字', errMsg: 'ok' });
    again.querySelector('.chat__bar-button')!.dispatchEvent('tap');
    const list = again.querySelector('#conversation-list')!;
    await eventually(() => Boolean(list.querySelector('.list__more')), 'the list', 10_000);
    list.querySelector('.list__more')!.dispatchEvent('tap');
    await eventually(() => again.data.title === '改过的名字', 'the new title', 10_000);

    wxDouble.api.showActionSheet.mockResolvedValueOnce({ tapIndex: 1, errMsg: 'showActionSheet:ok' });
    list.querySelector('.list__more')!.dispatchEvent('tap');
    await eventually(() => again.data.conversationId === '', 'the empty conversation', 10_000);
    await waitForText(again, '试试这样问');
    expect((await cloud.docs('conversations')).filter((doc) => doc._openid === openid)).toEqual([]);
    tap(list, '#list-new');
  });
});
