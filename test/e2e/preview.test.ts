/**
 * End to end: the real mini-program in the browser preview, in headless Chromium, against a local
 * cloud running the real cloud functions. One browser for the whole file; each scenario asserts on
 * what is shown and on the local cloud's data.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import type { LocalCloud } from 'cloudbase-local';
import { attachPreview, type Preview } from '../../preview/server';
import { SUBSCRIBE_TEMPLATES } from '../../dev/app';
import { startTestCloud } from '../helpers/local-cloud';
import { launchBrowser, type Browser } from './helpers/browser';
import { databaseScenarios } from './database.scenarios';
import { todoScenarios } from './todos.scenarios';
import { gotoApp, hash, previewLog, SCREENSHOTS, TINY_PNG, type PreviewGlobals } from './helpers/app';

jest.setTimeout(60_000);

let browser: Browser;
let cloud: LocalCloud;
let preview: Preview;
let fixtureCloud: LocalCloud;
let fixturePreview: Preview;
const outDirs: string[] = [];

beforeAll(async () => {
  const tmp = (name: string): string => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `mp-preview-${name}-`));
    outDirs.push(dir);
    return dir;
  };
  [browser, cloud, fixtureCloud] = await Promise.all([
    launchBrowser(),
    // The remind function sends with the template the app subscribes to (miniprogram/config.ts).
    startTestCloud({ functionEnv: { REMIND_TEMPLATE_ID: 'local-remind-template' } }),
    startTestCloud({ databaseDir: false }),
  ]);
  preview = await attachPreview(cloud, { log: () => undefined, subscribeTemplates: SUBSCRIBE_TEMPLATES });
  fixturePreview = await attachPreview(fixtureCloud, {
    root: path.join(__dirname, '../fixtures/lifecycle'),
    outDir: tmp('lifecycle'),
    log: () => undefined,
  });
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  await Promise.all([cloud?.close(), fixtureCloud?.close()]);
  for (const dir of outDirs) fs.rmSync(dir, { recursive: true, force: true });
});

async function userDoc(openid: string): Promise<Record<string, unknown> | undefined> {
  const [doc] = await cloud.store.find('users', { _id: openid }, { limit: 1 });
  return doc as Record<string, unknown> | undefined;
}

async function waitForDoc(
  openid: string,
  done: (doc: Record<string, unknown>) => boolean,
): Promise<Record<string, unknown>> {
  for (let i = 0; i < 100; i++) {
    const doc = await userDoc(openid);
    if (doc && done(doc)) return doc;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`users/${openid} never reached the expected state: ${JSON.stringify(await userDoc(openid))}`);
}

describe('the Me page against the local cloud', () => {
  let page: Page;
  beforeAll(async () => {
    page = await browser.context.newPage();
  });
  afterAll(() => page.close());

  it('first launch logs in and shows the user', async () => {
    await gotoApp(page, preview, '/pages/me/index', 'e2e_alice');
    await page.getByText('ID e2e_alice').waitFor();
    expect(await page.getByRole('banner').getByRole('heading').textContent()).toBe('我的');
    const doc = await userDoc('e2e_alice');
    expect(doc).toMatchObject({ openid: 'e2e_alice', nickname: '', loginCount: 1 });
    await page.screenshot({ path: path.join(SCREENSHOTS, 'me-first-launch.png') });
  });

  it('asks for the privacy agreement before the nickname field, and goes on once agreed', async () => {
    await page.getByPlaceholder('点击设置昵称').click();
    const popup = page.getByRole('dialog', { name: '用户隐私保护提示' });
    await popup.waitFor();
    expect(await popup.textContent()).toContain('《小程序隐私保护指引》');
    await popup.getByRole('button', { name: '同意', exact: true }).click();
    await popup.waitFor({ state: 'hidden' });
    await page.waitForFunction(
      () =>
        (globalThis as unknown as { document: { activeElement: { placeholder?: string } | null } }).document
          .activeElement?.placeholder === '点击设置昵称',
    );
    await page.screenshot({ path: path.join(SCREENSHOTS, 'me-privacy-agreed.png') });
  });

  it('sets a nickname (typed, confirmed with Enter) and saves it to the users collection', async () => {
    const nickname = page.getByPlaceholder('点击设置昵称');
    await nickname.fill('Alice');
    await nickname.press('Enter');
    await waitForDoc('e2e_alice', (doc) => doc.nickname === 'Alice');
    await page.getByRole('status').getByText('昵称已保存').waitFor();
    // The avatar placeholder shows the initial of the saved name.
    await page.locator('.me__avatar--empty', { hasText: 'A' }).waitFor();
    expect(await nickname.inputValue()).toBe('Alice');
  });

  it('picks an avatar with the chooseAvatar button, uploads it, and shows it', async () => {
    const chooser = page.waitForEvent('filechooser');
    await page.locator('.me__avatar-button').click();
    await (await chooser).setFiles({ name: 'me.png', mimeType: 'image/png', buffer: TINY_PNG });
    const doc = await waitForDoc('e2e_alice', (d) => typeof d.avatarFileId === 'string' && d.avatarFileId !== '');
    const fileID = String(doc.avatarFileId);
    expect(fileID).toMatch(/^cloud:\/\/.+\/avatars\/e2e_alice\/\d+\.png$/);
    const image = page.locator(`image[data-src="/_/api/files?fileID=${encodeURIComponent(fileID)}"]`);
    await image.waitFor();
    const stored = await fetch(`${cloud.url}/_/api/files?fileID=${encodeURIComponent(fileID)}`);
    expect(Buffer.from(await stored.arrayBuffer()).equals(TINY_PNG)).toBe(true);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'me.png') });
  });

  it('a person who declines the privacy agreement gets no avatar picker, and is told why', async () => {
    await gotoApp(page, preview, '/pages/me/index', 'e2e_declines');
    await page.locator('.me__avatar-button').waitFor();
    let chooserOpened = false;
    page.once('filechooser', () => (chooserOpened = true));
    await page.locator('.me__avatar-button').click();
    const popup = page.getByRole('dialog', { name: '用户隐私保护提示' });
    await popup.getByRole('button', { name: '不同意' }).click();
    await page.getByText('未同意隐私保护指引，无法使用此功能').waitFor();
    expect(chooserOpened).toBe(false);
    expect((await userDoc('e2e_declines'))?.avatarFileId).toBe('');
    await gotoApp(page, preview, '/pages/me/index', 'e2e_alice');
    await page.getByText('ID e2e_alice').waitFor();
  });

  it('a second dev user, chosen in the switcher, sees their own profile', async () => {
    await Promise.all([page.waitForURL(/user=dev_bob/), page.getByLabel('Dev user').selectOption('dev_bob')]);
    await page.getByText('ID dev_bob').waitFor();
    expect(await page.getByPlaceholder('点击设置昵称').inputValue()).toBe('');
    expect(await page.getByText('ID e2e_alice').count()).toBe(0);
    expect(await userDoc('dev_bob')).toMatchObject({ openid: 'dev_bob', nickname: '' });
    expect((await userDoc('e2e_alice'))?.nickname).toBe('Alice');
  });

  it('a reload keeps everything: the user, the nickname, the avatar', async () => {
    await gotoApp(page, preview, '/pages/me/index', 'e2e_alice');
    await page.getByText('ID e2e_alice').waitFor();
    await page.reload();
    await page.getByText('ID e2e_alice').waitFor();
    expect(await page.getByPlaceholder('点击设置昵称').inputValue()).toBe('Alice');
    await page.locator('image[data-src^="/_/api/files?fileID=cloud"]').waitFor();
    expect(hash(page)).toBe('#/pages/me/index');
  });

  it('pull-down refresh logs in again and stops the indicator', async () => {
    const before = Number((await userDoc('e2e_alice'))?.loginCount);
    await page.getByRole('button', { name: 'Pull-down refresh' }).click();
    await waitForDoc('e2e_alice', (doc) => Number(doc.loginCount) === before + 1);
    await page.locator('.pv-page--refreshing').waitFor({ state: 'detached' });
    expect(await previewLog(page)).toContain('pages/me/index.onPullDownRefresh');
  });
});

describe('navigation and the wx shim', () => {
  let page: Page;
  beforeAll(async () => {
    page = await browser.context.newPage();
  });
  afterAll(() => page.close());

  it('switches between the tabs from the tab bar, and the URL follows', async () => {
    await gotoApp(page, preview, '/pages/todos/index', 'e2e_nav');
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
    await gotoApp(page, preview, '/pages/chat/index', 'e2e_nav');
    await page.getByRole('heading', { name: '助手' }).waitFor();
    await gotoApp(page, preview, '/pages/nowhere/index', 'e2e_nav');
    await page.waitForFunction(() => (globalThis as unknown as PreviewGlobals).location.hash === '#/pages/todos/index');
    expect(await previewLog(page)).toContain('App.onPageNotFound');
  });

  it('asks for subscription messages with a dialog the person answers', async () => {
    await gotoApp(page, preview, '/pages/me/index', 'e2e_nav');
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

describe('lifecycles in a real browser (test/fixtures/lifecycle)', () => {
  let page: Page;
  beforeAll(async () => {
    page = await browser.context.newPage();
  });
  afterAll(() => page.close());

  const until = async (entry: string): Promise<string[]> => {
    await page.waitForFunction(
      (e) => (globalThis as unknown as PreviewGlobals).getApp().globalData.log.includes(e),
      entry,
      {
        polling: 20,
      },
    );
    return page.evaluate(() => (globalThis as unknown as PreviewGlobals).getApp().globalData.log.splice(0));
  };

  it('follows the order the WeChat docs give', async () => {
    await gotoApp(page, fixturePreview, '/pages/a/index', 'e2e_life');
    expect(await until('a.onReady')).toEqual(['App.onLaunch', 'App.onShow', 'a.onLoad', 'a.onShow', 'a.onReady']);

    await page.evaluate(() => (globalThis as unknown as PreviewGlobals).wx.navigateTo({ url: '/pages/b/index?id=7' }));
    expect(await until('b.onReady')).toEqual(['a.onHide', 'b.onLoad', 'b.onShow', 'b.onReady']);
    expect(hash(page)).toBe('#/pages/b/index?id=7');

    await page.getByRole('button', { name: '返回' }).click();
    expect(await until('a.onShow')).toEqual(['b.onUnload', 'a.onShow']);

    await page.getByRole('tab', { name: 'T' }).click();
    expect(await until('tab.onReady')).toEqual(['a.onHide', 'tab.onLoad', 'tab.onShow', 'tab.onReady']);

    await page.getByRole('button', { name: 'App to background' }).click();
    expect(await until('App.onHide')).toEqual(['tab.onHide', 'App.onHide']);
    await page.getByRole('button', { name: 'App to foreground' }).click();
    expect(await until('tab.onShow')).toEqual(['App.onShow', 'tab.onShow']);
  });

  it('keeps at most 10 pages', async () => {
    await gotoApp(page, fixturePreview, '/pages/b/index', 'e2e_life');
    const result = await page.evaluate(async () => {
      const { wx } = globalThis as unknown as PreviewGlobals;
      for (let i = 1; i < 10; i++) await wx.navigateTo({ url: `/pages/b/index?n=${i}` });
      return wx.navigateTo({ url: '/pages/b/index' }).then(
        () => 'ok',
        (e: { errMsg: string }) => e.errMsg,
      );
    });
    expect(result).toBe('navigateTo:fail webview count limit exceed');
    expect(await page.evaluate(() => (globalThis as unknown as PreviewGlobals).getCurrentPages().length)).toBe(10);
  });
});

// The todos page is another engineer's work; its scenarios live next to this file.
todoScenarios(() => ({ browser, cloud, preview }));
databaseScenarios(() => ({ browser, cloud, preview }));
