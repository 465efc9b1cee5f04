/**
 * End to end: the Official Account panel beside the phone, wired as `npm start` wires it (the
 * local WeChat server pushing to the oa function at /http/oa in safe mode), with a scripted model.
 * A dev user follows, the Me page shows it, a passive reply and a customer-service message arrive
 * in the conversation, and a reminder without subscription credit comes as a template message
 * that opens the todo.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { REPO_ROOT } from '../../dev/app';
import { readDeclaredEnv } from '../../dev/project';
import { devWiring, documentedKeys } from '../../dev/wiring';
import { parseEnvFile, type LocalCloud } from 'cloudbase-local';
import { attachPreview, type Preview } from '../../preview/server';
import type { ApiResult } from '../../typings/contract';
import type { Todo } from '../../typings/todo';
import { invoke, startTestCloud } from '../helpers/local-cloud';
import { startModelServer, textReply, type ModelServer } from '../helpers/model-server';
import { gotoApp, SCREENSHOTS } from './helpers/app';
import { launchBrowser, type Browser } from './helpers/browser';

jest.setTimeout(90_000);

const USER = 'e2e_fan';
let browser: Browser;
let cloud: LocalCloud;
let preview: Preview;
let model: ModelServer;
let page: Page;

beforeAll(async () => {
  model = await startModelServer();
  const example = fs.readFileSync(path.join(REPO_ROOT, '.env.example'), 'utf8');
  const wiring = devWiring(
    { ...parseEnvFile(example), MODEL_BASE_URL: model.baseUrl, MODEL_NAME: 'scripted-model' },
    {},
    documentedKeys(example),
    { oaPath: '/oa', declared: readDeclaredEnv() },
  );
  [browser, cloud] = await Promise.all([
    launchBrowser(),
    startTestCloud({
      httpRoutes: [{ path: '/oa', function: 'oa' }],
      wechat: wiring.wechat,
      functionEnv: {},
      functionEnvFor: wiring.envFor,
    }),
  ]);
  preview = await attachPreview(cloud, { log: () => undefined });
  page = await browser.context.newPage();
  // Wide enough for the panel to sit beside the phone.
  await page.setViewportSize({ width: 1280, height: 860 });
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
});

afterAll(async () => {
  await page?.close();
  await browser?.close();
  await cloud?.close();
  await model?.close();
});

const panel = () => page.locator('.pv-oa');
const followCell = () => page.locator('.van-cell', { hasText: '关注公众号' });
const bubbles = (kind: string) => panel().locator(`.pv-oa__msg--${kind}`);

it('follows the account from the panel; the welcome arrives and the Me page says so', async () => {
  await gotoApp(page, preview, '/pages/me/index', USER);
  await page.getByText(`ID ${USER}`).waitFor();
  await followCell().filter({ hasText: '未关注' }).waitFor();
  await panel().getByRole('button', { name: 'Follow' }).click();
  await bubbles('passive').filter({ hasText: '感谢关注' }).waitFor();
  await panel().getByRole('button', { name: 'Unfollow' }).waitFor();
  await page.getByRole('button', { name: 'Pull-down refresh' }).click();
  await followCell().filter({ hasText: '已关注' }).waitFor();
  const [follower] = await cloud.store.find('oa_followers', { _id: `oa_${USER}` });
  expect(follower).toMatchObject({ subscribed: true, userOpenid: USER, unionid: `un_${USER}` });
});

it('a message gets a passive reply; a long answer continues as a customer-service message', async () => {
  model.script(textReply('你好，我是四象限助手。'));
  await panel().getByLabel('Message to the Official Account').fill('你好');
  await panel().getByRole('button', { name: 'Send' }).click();
  await bubbles('passive').filter({ hasText: '你好，我是四象限助手。' }).waitFor();
  await panel().locator('.pv-oa__tries', { hasText: '1 try: 200' }).last().waitFor();

  model.script(textReply('安排时间：先做重要的事。'.repeat(120), { size: 400 }));
  await panel().getByLabel('Message to the Official Account').fill('讲讲四象限');
  await panel().getByRole('button', { name: 'Send' }).click();
  await bubbles('custom').first().waitFor({ timeout: 20_000 });
  expect(await bubbles('custom').first().locator('.pv-oa__tag').textContent()).toBe('客服消息');
  await page.screenshot({ path: path.join(SCREENSHOTS, 'oa-conversation.png') });
});

it('a reminder without subscription credit comes as a template message that opens the todo', async () => {
  const now = Date.now();
  const created = await invoke<ApiResult<{ todo: Todo }>>(
    cloud,
    'todo',
    {
      action: 'create',
      title: '交季度报告',
      quadrant: 'q1',
      dueAt: new Date(now + 60 * 60_000).toISOString(),
      remindAt: new Date(now + 2 * 60_000).toISOString(),
    },
    { openid: USER },
  );
  if (!created.ok) throw new Error(JSON.stringify(created));
  const fired = await cloud.timers.fire('remind', 'everyMinute', new Date(now + 3 * 60_000));
  expect(fired).toMatchObject({ ok: true, result: { ok: true, data: { sentByOfficialAccount: 1 } } });
  const card = panel().locator('.pv-oa__msg--template');
  await card.filter({ hasText: '交季度报告' }).waitFor();
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.screenshot({ path: path.join(SCREENSHOTS, 'oa-template-dark.png') });
  await page.emulateMedia({ colorScheme: 'light' });
  await card.getByText('进入小程序查看').click();
  await page.waitForURL(new RegExp(`pages/todos/index\\?id=${created.data.todo.id}`));
  await page.locator('.todo__reminder', { hasText: '已通过公众号提醒' }).waitFor();
});
