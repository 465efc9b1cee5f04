/**
 * End to end: the Chat tab in headless Chromium, against a local cloud running the real chat
 * function with a scripted model on loopback. The page watches the reply's document grow through
 * the real realtime client; the scenarios assert on what is shown and on the stored messages.
 */
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { startModelServer, textReply, toolReply, type ModelServer } from '../helpers/model-server';
import { chatScenarios, type ChatDriver } from '../scenarios/chat';
import { gotoApp, SCREENSHOTS } from './helpers/app';
import { previewRigForFile } from './helpers/rig';

jest.setTimeout(60_000);

let model: ModelServer;
beforeAll(async () => {
  model = await startModelServer();
});
afterAll(() => model?.close());
const rig = previewRigForFile(() => ({
  functionEnv: { MODEL_BASE_URL: model.baseUrl, MODEL_NAME: 'scripted-model', CHAT_FLUSH_MS: '100' },
}));

const ALICE = 'e2e_chat_alice';
const reply = (page: Page) => page.locator('.pv-page--active .msg--assistant').last();

async function ask(page: Page, text: string): Promise<void> {
  await page.locator('.pv-phone').getByPlaceholder('输入消息').fill(text);
  await page.locator('.pv-phone').getByRole('button', { name: '发送' }).click();
}

/** The shared chat scenarios' driver: what the person sees and taps, and the local cloud's documents. */
function browserChat(page: Page, openid: string): ChatDriver {
  const newest = () => reply(page);
  return {
    model,
    // The chat function's default allowance.
    dailyLimit: 50,
    ask: (text) => ask(page, text),
    shows: (text) => page.locator('.pv-page--active').getByText(text).first().waitFor(),
    async reply(text) {
      if (text !== undefined) await newest().getByText(text).first().waitFor();
      return (await newest().textContent()) ?? '';
    },
    replies: () => page.locator('.pv-page--active .msg--assistant').count(),
    bold: async () => (await newest().locator('[class*="md__strong"]').textContent()) ?? '',
    stopOffered: (offered) =>
      page.getByRole('button', { name: '停止生成' }).waitFor({ state: offered ? 'visible' : 'detached' }),
    stop: () => page.getByRole('button', { name: '停止生成' }).click(),
    regenerate: () => newest().getByRole('button', { name: '重新生成' }).click(),
    stored: () => rig().cloud.store.find('messages', { _openid: openid, role: 'assistant' }),
    shot: async (name) =>
      void (await page.locator('.pv-phone').screenshot({ path: path.join(SCREENSHOTS, `${name}.png`) })),
  };
}

describe('the Chat tab', () => {
  let page: Page;
  beforeAll(async () => {
    page = await rig().browser.context.newPage();
  });
  afterAll(() => page.close());

  /** Opens the Chat tab as `openid`, once the empty conversation shows. */
  const openChat = async (openid: string): Promise<void> => {
    await gotoApp(page, rig().preview, '/pages/chat/index', openid);
    await page.getByText('试试这样问').waitFor();
  };

  it.each(chatScenarios.map((s, i) => [s.name, s, `e2e_chat_${i}`] as const))('%s', async (_name, scenario, openid) => {
    await openChat(openid);
    await scenario.play(browserChat(page, openid));
  });

  it('a todo created from the chat appears on the Todos tab', async () => {
    await openChat(ALICE);
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
    const [conversation] = await rig().cloud.store.find('conversations', { _openid: ALICE });
    const bob = await rig().browser.context.newPage();
    try {
      await gotoApp(bob, rig().preview, '/pages/chat/index', 'e2e_chat_bob');
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
