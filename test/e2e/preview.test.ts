/**
 * End to end: the preview's own parts in headless Chromium, against a local cloud running the real
 * functions: the tab bar and the URL, App.onPageNotFound, the subscription dialog, a wx API the shim
 * lacks, and the client database (`wx.cloud.database()`: a page's watch() sees the todo a function
 * writes, and get/add/remove obey the collection's security rules).
 */
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { gotoApp, hash, previewLog, SCREENSHOTS, type PreviewGlobals } from './helpers/app';
import { appRigForFile } from './helpers/rig';

jest.setTimeout(60_000);

const rig = appRigForFile();

describe('navigation and the wx shim', () => {
  let page: Page;
  beforeAll(async () => {
    page = await rig().browser.context.newPage();
  });
  afterAll(() => page.close());

  it('switches between the tabs from the tab bar, and the URL follows', async () => {
    await gotoApp(page, rig().preview, '/pages/todos/index', 'e2e_nav');
    await page.getByRole('heading', { name: '待办' }).waitFor();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'todos.png') });

    await page.getByRole('tab', { name: '助手' }).click();
    await page.getByRole('heading', { name: '助手' }).waitFor();
    expect(hash(page)).toBe('#/pages/chat/index');
    expect(await page.getByRole('tab', { name: '助手' }).getAttribute('aria-selected')).toBe('true');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'chat.png') });
    // The chat page does not enable pull-down refresh: the button does nothing there, as in WeChat.
    await page.getByRole('button', { name: 'Pull-down refresh' }).click();
    expect(await page.locator('.pv-page--refreshing').count()).toBe(0);
    expect(await previewLog(page)).not.toContain('pages/chat/index.onPullDownRefresh');

    await page.getByRole('tab', { name: '我的' }).click();
    await page.getByText('ID e2e_nav').waitFor();
    expect(hash(page)).toBe('#/pages/me/index');
    // Tab pages stay alive: going back to the first tab does not load it again.
    await page.getByRole('tab', { name: '待办' }).click();
    await page.getByRole('heading', { name: '待办' }).waitFor();
    const log = await previewLog(page);
    expect(log.filter((l) => l === 'pages/todos/index.onLoad')).toHaveLength(1);
    expect(await page.evaluate(() => (globalThis as unknown as PreviewGlobals).getCurrentPages().length)).toBe(1);
  });

  it('opens a page directly from the URL, and an unknown page lands on the home tab (App.onPageNotFound)', async () => {
    await gotoApp(page, rig().preview, '/pages/chat/index', 'e2e_nav');
    await page.getByRole('heading', { name: '助手' }).waitFor();
    await gotoApp(page, rig().preview, '/pages/nowhere/index', 'e2e_nav');
    await page.waitForFunction(() => (globalThis as unknown as PreviewGlobals).location.hash === '#/pages/todos/index');
    expect(await previewLog(page)).toContain('App.onPageNotFound');
  });

  it('asks for subscription messages with a dialog the person answers', async () => {
    await gotoApp(page, rig().preview, '/pages/me/index', 'e2e_nav');
    await page.getByText('ID e2e_nav').waitFor();
    const answer = page.evaluate(() =>
      (globalThis as unknown as PreviewGlobals).wx.requestSubscribeMessage({ tmplIds: ['TMPL_A', 'TMPL_B'] }),
    );
    const dialog = page.getByRole('dialog', { name: '订阅消息' });
    // Templates the preview was not given a title for read as numbered subscription messages.
    await dialog.getByLabel('订阅消息 2').uncheck();
    await dialog.getByRole('button', { name: '允许' }).click();
    expect(await answer).toMatchObject({ errMsg: 'requestSubscribeMessage:ok', TMPL_A: 'accept', TMPL_B: 'reject' });
  });

  it('an API the shim lacks fails loudly, naming it', async () => {
    const errors: string[] = [];
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    const thrown = await page.evaluate(() => {
      try {
        (globalThis as unknown as PreviewGlobals).wx.getLocation({});
        return '';
      } catch (error) {
        return (error as Error).message;
      }
    });
    expect(thrown).toContain('wx.getLocation is not available in the browser preview');
    expect(errors.join('\n')).toContain('wx.getLocation');
  });
});

type Doc = Record<string, unknown>;

/** What the scenario uses of `wx.cloud.database()` in the page (typed here, run there). */
interface Query {
  where(condition: Doc): Query;
  get(): Promise<{ data: Doc[]; errMsg: string }>;
  watch(options: { onChange(snapshot: Snapshot): void; onError(error: unknown): void }): { close(): Promise<void> };
}
interface Snapshot {
  id: number;
  type?: string;
  docs: Doc[];
  docChanges: Array<{ dataType: string; queueType: string; doc: Doc }>;
}
interface Globals {
  wx: {
    cloud: {
      database(): {
        collection(name: string): Query & {
          add(o: { data: Doc }): Promise<{ _id: string; errMsg: string }>;
          doc(id: string): { remove(): Promise<{ stats: { removed: number }; errMsg: string }> };
        };
      };
    };
  };
  __watched?: { snapshots: Snapshot[]; errors: unknown[]; close(): Promise<void> };
}

describe('the client database in the preview', () => {
  const user = 'e2e_watcher';
  let page: Page;

  beforeAll(async () => {
    page = await rig().browser.context.newPage();
    await gotoApp(page, rig().preview, '/pages/todos/index?view=list', user);
    await page.getByText('这里还没有待办').waitFor();
  });
  afterAll(() => page.close());

  it("a page's watch() sees the todo the todo function writes", async () => {
    await page.evaluate(() => {
      const g = globalThis as unknown as Globals;
      const snapshots: Snapshot[] = [];
      const errors: unknown[] = [];
      const watcher = g.wx.cloud
        .database()
        .collection('todos')
        .where({ _openid: '{openid}' })
        .watch({ onChange: (s) => snapshots.push(s), onError: (e) => errors.push(e) });
      g.__watched = { snapshots, errors, close: () => watcher.close() };
    });
    await page.waitForFunction(() => ((globalThis as unknown as Globals).__watched?.snapshots.length ?? 0) > 0);

    const field = page.locator('.todos__add input');
    await field.fill('看实时推送');
    await field.press('Enter');
    const added = await page.waitForFunction(() => {
      const watched = (globalThis as unknown as Globals).__watched;
      const last = watched?.snapshots[watched.snapshots.length - 1];
      return last?.docChanges.some((change) => change.doc?.title === '看实时推送') ? last : undefined;
    });
    const snapshot = (await added.jsonValue()) as Snapshot;
    expect(snapshot.docChanges[0]).toMatchObject({ dataType: 'add', queueType: 'enqueue' });
    expect(snapshot.docs.map((doc) => doc.title)).toEqual(['看实时推送']);
    const first = await page.evaluate(() => (globalThis as unknown as Globals).__watched?.snapshots[0]);
    expect(first).toMatchObject({ type: 'init', docs: [], docChanges: [] });
    expect(await page.evaluate(() => (globalThis as unknown as Globals).__watched?.errors.length)).toBe(0);
    await page.evaluate(() => (globalThis as unknown as Globals).__watched?.close());
  });

  it('get() reads own documents only; add() and remove() of a todo are refused: only functions write', async () => {
    const outcome = await page.evaluate(async () => {
      const todos = (globalThis as unknown as Globals).wx.cloud.database().collection('todos');
      const describe = (error: { errCode?: number; errMsg?: string }) => `${error.errCode} ${error.errMsg}`;
      const mine = await todos.where({ _openid: '{openid}' }).get();
      const refused = await todos.get().then(() => 'allowed', describe);
      const added = await todos.add({ data: { title: 'from the client' } }).then(() => 'allowed', describe);
      const removed = await todos
        .doc(String(mine.data[0]?._id))
        .remove()
        .then(() => 'allowed', describe);
      return { titles: mine.data.map((doc) => doc.title), errMsg: mine.errMsg, refused, added, removed };
    });
    expect(outcome.titles).toEqual(['看实时推送']);
    expect(outcome.errMsg).toBe('collection.get:ok');
    expect(outcome.refused).toMatch(/^-502003 collection\.get:fail -502003 DATABASE_PERMISSION_DENIED/);
    expect(outcome.added).toMatch(/^-502003 collection\.add:fail -502003 DATABASE_PERMISSION_DENIED/);
    expect(outcome.removed).toMatch(/^-502003 .*DATABASE_PERMISSION_DENIED/);
    expect(await rig().cloud.docs('todos', { title: 'from the client' })).toHaveLength(0);
    expect(await rig().cloud.docs('todos', { _openid: user, title: '看实时推送' })).toHaveLength(1);
  });
});
