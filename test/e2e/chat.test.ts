/**
 * End to end: the Chat tab in headless Chromium, against a local cloud running the real chat
 * function with a scripted model on loopback. The page watches the reply's document grow through
 * the real realtime client; the scenarios assert on what is shown and on the stored messages.
 */
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import type { LocalCloud } from 'cloudbase-local';
import { attachPreview, type Preview } from '../../preview/server';
import { SUBSCRIBE_TEMPLATES } from '../../dev/app';
import { waitForDoc } from '../helpers/chat';
import { startTestCloud } from '../helpers/local-cloud';
import { gate, startModelServer, textReply, toolReply, type ModelServer } from '../helpers/model-server';
import { gotoApp, SCREENSHOTS } from './helpers/app';
import { launchBrowser, type Browser } from './helpers/browser';

jest.setTimeout(60_000);

let browser: Browser;
let model: ModelServer;
let cloud: LocalCloud;
let preview: Preview;

beforeAll(async () => {
  model = await startModelServer();
  [browser, cloud] = await Promise.all([
    launchBrowser(),
    startTestCloud({
      functionEnv: {
        MODEL_BASE_URL: model.baseUrl,
        MODEL_NAME: 'scripted-model',
        CHAT_FLUSH_MS: '100',
        REMIND_TEMPLATE_ID: 'local-remind-template',
      },
    }),
  ]);
  preview = await attachPreview(cloud, { log: () => undefined, subscribeTemplates: SUBSCRIBE_TEMPLATES });
});

afterAll(async () => {
  await browser?.close();
  await cloud?.close();
  await model?.close();
});

const ALICE = 'e2e_chat_alice';
const reply = (page: Page) => page.locator('.pv-page--active .msg--assistant').last();

async function ask(page: Page, text: string): Promise<void> {
  await page.locator('.pv-phone').getByPlaceholder('输入消息').fill(text);
  await page.locator('.pv-phone').getByRole('button', { name: '发送' }).click();
}

describe('the Chat tab', () => {
  let page: Page;
  beforeAll(async () => {
    page = await browser.context.newPage();
    await gotoApp(page, preview, '/pages/chat/index', ALICE);
    await page.getByText('试试这样问').waitFor();
  });
  afterAll(() => page.close());

  it('shows the reply while it is written, before it finishes', async () => {
    const held = gate();
    model.script({
      steps: [
        { text: '先列出待办：\n\n1. **重要且紧急**的马上做\n' },
        { gate: held.wait },
        { text: '2. 其余的排进日程\n\n```\nq1 > q2\n```' },
        { finish: 'stop' },
      ],
    });
    await ask(page, '怎么用四象限？');
    await reply(page).getByText('重要且紧急').waitFor();
    // Still streaming: the second part has not been written, and Stop is offered.
    const [streaming] = await cloud.store.find('messages', { _openid: ALICE, role: 'assistant' });
    expect(streaming).toMatchObject({ status: 'streaming' });
    expect(await reply(page).textContent()).not.toContain('其余的');
    await page.getByRole('button', { name: '停止生成' }).waitFor();
    await page.locator('.pv-phone').screenshot({ path: path.join(SCREENSHOTS, 'chat-streaming.png') });

    held.open();
    await reply(page).getByText('其余的排进日程').waitFor();
    await reply(page).getByText('q1 > q2').waitFor();
    await page.getByRole('button', { name: '停止生成' }).waitFor({ state: 'detached' });
    expect(await reply(page).locator('[class*="md__strong"]').textContent()).toBe('重要且紧急');
    await page.getByText('今日剩余 49/50 次').waitFor();
  });

  it('Stop ends the reply where it is and keeps the text', async () => {
    const never = gate();
    model.script({ steps: [{ text: '这会是一个很长的回答' }, { gate: never.wait }, { text: '不会出现' }] });
    await ask(page, '写一篇长文');
    await reply(page).getByText('这会是一个很长的回答').waitFor();
    await page.getByRole('button', { name: '停止生成' }).click();
    await reply(page).getByText('已停止').waitFor();
    never.open();
    const doc = await waitForDoc(cloud, 'messages', { _openid: ALICE, status: 'stopped' }, () => true);
    expect(doc.text).toBe('这会是一个很长的回答');
    expect(await reply(page).textContent()).not.toContain('不会出现');
  });

  it('Regenerate writes the newest reply again in its place', async () => {
    model.script(textReply('换一种写法的回答。', { delayMs: 20 }));
    await reply(page).getByRole('button', { name: '重新生成' }).click();
    await reply(page).getByText('换一种写法的回答。').waitFor();
    expect(await reply(page).textContent()).not.toContain('这会是一个很长的回答');
    expect(await page.locator('.pv-page--active .msg--assistant').count()).toBe(2);
  });

  it('a todo created from the chat appears on the Todos tab', async () => {
    model.script(
      toolReply({ name: 'add_todo', arguments: { title: '交周报', quadrant: 'q1' } }),
      textReply('已为你添加「交周报」。'),
    );
    await ask(page, '记一下交周报');
    const card = reply(page).locator('todo-card');
    await card.getByText('交周报').waitFor();
    await card.getByRole('button', { name: '查看' }).click();
    await page.getByRole('tab', { name: '待办', selected: true }).waitFor();
    await page.locator('.pv-page--active .todo__title', { hasText: '交周报' }).waitFor();
  });

  it("a second user's watch on the first user's conversation is refused", async () => {
    const [conversation] = await cloud.store.find('conversations', { _openid: ALICE });
    const bob = await browser.context.newPage();
    try {
      await gotoApp(bob, preview, '/pages/chat/index', 'e2e_chat_bob');
      await bob.getByText('试试这样问').waitFor();
      const outcome = await bob.evaluate(
        ({ conversationId, owner }) => {
          type Snapshot = { docs: unknown[] };
          type Watchable = {
            where(q: object): Watchable;
            watch(o: { onChange(s: Snapshot): void; onError(e: { errCode?: number; errMsg?: string }): void }): {
              close(): Promise<void>;
            };
          };
          const { wx } = globalThis as unknown as {
            wx: { cloud: { database(): { collection(name: string): Watchable } } };
          };
          const watchOnce = (query: object) =>
            new Promise<string>((resolve) => {
              const watcher = wx.cloud
                .database()
                .collection('messages')
                .where(query)
                .watch({
                  onChange: (s) => (resolve(`docs ${s.docs.length}`), void watcher.close()),
                  onError: (e) => resolve(`${e.errCode} ${e.errMsg}`),
                });
            });
          return Promise.all([
            watchOnce({ conversationId }),
            watchOnce({ _openid: owner, conversationId }),
            watchOnce({ _openid: '{openid}', conversationId }),
          ]);
        },
        { conversationId: String(conversation._id), owner: ALICE },
      );
      expect(outcome[0]).toMatch(/^-502003 watch:fail .*PERMISSION_DENIED/);
      expect(outcome[1]).toMatch(/^-502003 watch:fail .*PERMISSION_DENIED/);
      // Within the rule, Bob's own view of that conversation is empty.
      expect(outcome[2]).toBe('docs 0');
    } finally {
      await bob.close();
    }
  });
});
