/**
 * End to end: the Me page in the browser preview, in headless Chromium, against a local cloud
 * running the real functions: first login, the privacy agreement, nickname and avatar saved to the
 * users collection, a second dev user, a reload, and pull-down refresh.
 */
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { eventually } from '../helpers/eventually';
import { gotoApp, hash, previewLog, SCREENSHOTS, TINY_PNG } from './helpers/app';
import { appRigForFile } from './helpers/rig';

jest.setTimeout(60_000);

const rig = appRigForFile();

async function userDoc(openid: string): Promise<Record<string, unknown> | undefined> {
  const [doc] = await rig().cloud.docs('users', { _id: openid });
  return doc as Record<string, unknown> | undefined;
}

function waitForDoc(openid: string, done: (doc: Record<string, unknown>) => boolean): Promise<Record<string, unknown>> {
  let last: Record<string, unknown> | undefined;
  return eventually(
    async () => {
      last = await userDoc(openid);
      return last && done(last) ? last : undefined;
    },
    () => `users/${openid} to reach the expected state (last: ${JSON.stringify(last)})`,
    5_000,
  );
}

describe('the Me page against the local cloud', () => {
  let page: Page;
  beforeAll(async () => {
    page = await rig().browser.context.newPage();
  });
  afterAll(() => page.close());

  it('first launch logs in and shows the user', async () => {
    await gotoApp(page, rig().preview, '/pages/me/index', 'e2e_alice');
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
    // No picture yet: the placeholder is a person's outline and says how to set one, whatever the name.
    await page.locator('.me__avatar--empty', { hasText: '设置头像' }).waitFor();
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
    const stored = await fetch(`${rig().cloud.url}/_/api/files?fileID=${encodeURIComponent(fileID)}`);
    expect(Buffer.from(await stored.arrayBuffer()).equals(TINY_PNG)).toBe(true);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'me.png') });
  });

  it('a person who declines the privacy agreement gets no avatar picker, and is told why', async () => {
    await gotoApp(page, rig().preview, '/pages/me/index', 'e2e_declines');
    await page.locator('.me__avatar-button').waitFor();
    let chooserOpened = false;
    page.once('filechooser', () => (chooserOpened = true));
    await page.locator('.me__avatar-button').click();
    const popup = page.getByRole('dialog', { name: '用户隐私保护提示' });
    await popup.getByRole('button', { name: '不同意' }).click();
    await page.getByText('未同意隐私保护指引，无法使用此功能').waitFor();
    expect(chooserOpened).toBe(false);
    expect((await userDoc('e2e_declines'))?.avatarFileId).toBe('');
    await gotoApp(page, rig().preview, '/pages/me/index', 'e2e_alice');
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
    await gotoApp(page, rig().preview, '/pages/me/index', 'e2e_alice');
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
