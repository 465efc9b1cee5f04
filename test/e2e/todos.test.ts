/**
 * End to end: the Todos page in the browser preview, in headless Chromium, against a local cloud
 * running the real functions: quick-add in two quadrants, complete, delete and undo, a reminder
 * accepted in the subscription dialog and sent by the `remind` timer trigger, and a second user
 * seeing none of it.
 */
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { eventually } from '../helpers/eventually';
import { gotoApp, SCREENSHOTS } from './helpers/app';
import { appRigForFile } from './helpers/rig';

jest.setTimeout(60_000);

const rig = appRigForFile();

type Doc = Record<string, unknown>;

describe('todos and reminders', () => {
  let page: Page;
  const todos = (openid: string): Promise<Doc[]> => rig().cloud.docs('todos', { _openid: openid });
  const todo = async (openid: string, title: string): Promise<Doc | undefined> =>
    (await todos(openid)).find((d) => d.title === title);

  beforeAll(async () => {
    page = await rig().browser.context.newPage();
  });
  afterAll(() => page.close());

  const quickAdd = async (title: string): Promise<void> => {
    const field = page.locator('.todos__add input');
    await field.fill(title);
    await field.press('Enter');
    await page.locator('.todo__title', { hasText: title }).waitFor();
  };

  it('adds todos in two quadrants', async () => {
    await gotoApp(page, rig().preview, '/pages/todos/index?view=list', 'e2e_todo');
    // The empty quadrant's words: the first list has arrived and the page is at rest.
    await page.getByText('这里还没有待办').waitFor();
    await quickAdd('写周报');
    await quickAdd('回邮件');
    await page.locator('.switcher__tab', { hasText: '计划做' }).click();
    await page.getByPlaceholder('添加到“计划做”').waitFor();
    await page.getByText('这里还没有待办').waitFor();
    await quickAdd('学英语');
    expect(await eventually(async () => (await todos('e2e_todo')).length === 3, 'three todos')).toBe(true);
    expect((await todo('e2e_todo', '写周报'))?.quadrant).toBe('q1');
    expect((await todo('e2e_todo', '学英语'))?.quadrant).toBe('q2');
  });

  it('completes one', async () => {
    await page.locator('.switcher__tab', { hasText: '马上做' }).click();
    const row = page.locator('.todo', { hasText: '写周报' });
    await row.locator('.van-checkbox__icon').click();
    await eventually(async () => (await todo('e2e_todo', '写周报'))?.done === true, '写周报 done');
    await page.locator('.todo--done', { hasText: '写周报' }).waitFor();
  });

  it('deletes one by swiping it, and undoes the delete', async () => {
    const row = page.locator('.todo', { hasText: '回邮件' });
    const box = await row.boundingBox();
    if (!box) throw new Error('row not visible');
    const y = box.y + box.height / 2;
    await page.mouse.move(box.x + box.width - 20, y);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width - 200, y, { steps: 8 });
    await page.mouse.up();
    await page.locator('van-swipe-cell', { hasText: '回邮件' }).getByText('删除').click();
    await page.getByText('已删除“回邮件”').waitFor();
    await page.getByText('撤销').click();
    await page.locator('.todo__title', { hasText: '回邮件' }).waitFor();
    expect(await todo('e2e_todo', '回邮件')).toBeDefined();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'todos-list.png') });
  });

  it('sets a reminder (accepting the subscription dialog); the remind trigger sends it and the app shows it sent', async () => {
    await page.getByRole('button', { name: '详细' }).click();
    await page.getByPlaceholder('要做什么？').fill('交房租');
    await page.locator('van-switch').click();
    const dialog = page.getByRole('dialog', { name: '订阅消息' });
    // Named as WeChat names the template, not by its id.
    await dialog.getByLabel('待办到期提醒').waitFor();
    await dialog.getByRole('button', { name: '允许' }).click();
    await page.getByText('到时通过微信服务通知提醒你').waitFor();
    await page.getByRole('button', { name: '保存' }).click();
    const saved = await eventually(async () => {
      const doc = await todo('e2e_todo', '交房租');
      return doc?.remindState === 'pending' ? doc : undefined;
    }, 'a pending reminder');
    await page.locator('.todo', { hasText: '交房租' }).getByText('待提醒').waitFor();

    // Time passes: the reminder falls due (the local cloud's clock is the real one).
    const due = new Date(Date.now() - 60_000);
    const dueAt = { $date: due.toISOString() };
    await rig().cloud.replace('todos', String(saved._id), { ...saved, remindAt: dueAt, remindNextAt: dueAt });
    const fired = await fetch(`${rig().cloud.url}/_/api/triggers/remind/everyMinute`, { method: 'POST' });
    expect(fired.ok).toBe(true);
    const outbox = (await (await fetch(`${rig().cloud.url}/_/api/outbox`)).json()) as {
      entries: Array<{ apiName: string; openid?: string; payload: Record<string, unknown> }>;
    };
    const sent = outbox.entries.filter((c) => c.apiName === 'subscribeMessage.send');
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ openid: 'e2e_todo', payload: { template_id: 'local-remind-template' } });
    expect((await todo('e2e_todo', '交房租'))?.remindState).toBe('sent');

    // No refresh: the page watches the todos, so the row turns by itself.
    await page.locator('.todo', { hasText: '交房租' }).getByText('已提醒').waitFor();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'todos-reminder-sent.png') });
  });

  it("a second user sees none of the first user's todos", async () => {
    const other = await rig().browser.context.newPage();
    try {
      await gotoApp(other, rig().preview, '/pages/todos/index?view=list', 'e2e_todo_other');
      await other.getByText('这里还没有待办').waitFor();
      expect(await other.getByText('回邮件').count()).toBe(0);
      expect(await todos('e2e_todo_other')).toEqual([]);
    } finally {
      await other.close();
    }
  });
});
