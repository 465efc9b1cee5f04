/**
 * End to end: the inspector's Delayed tasks tab in headless Chromium. A reminder saved through the
 * `todo` function shows its second's task, live, with its due time; "Run now" runs it early.
 */
import type { Page } from 'playwright-core';
import type { LocalCloud } from 'cloudbase-local';
import type { ApiResult } from '../../typings/contract';
import type { Todo } from '../../typings/todo';
import { eventually } from '../helpers/eventually';
import { invoke, startTestCloud } from '../helpers/local-cloud';
import { launchBrowser, type Browser } from './helpers/browser';

jest.setTimeout(90_000);

let browser: Browser;
let cloud: LocalCloud;
let page: Page;

beforeAll(async () => {
  [browser, cloud] = await Promise.all([
    launchBrowser(),
    startTestCloud({ functionEnv: { REMIND_TEMPLATE_ID: 'tpl-inspector' } }),
  ]);
  page = await browser.context.newPage();
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await cloud?.close();
});

describe('the inspector’s delayed tasks', () => {
  it('lists a reminder’s task as it is asked for, with its due time, and runs it early', async () => {
    await page.goto(`${cloud.url}/_/?tab=delayed`);
    await page.getByRole('status').filter({ hasText: 'Live' }).waitFor();
    await page.getByText('No delayed task is waiting.').waitFor();

    const remindAt = new Date(Date.now() + 3600_000);
    const created = await invoke<ApiResult<{ todo: Todo }>>(
      cloud,
      'todo',
      {
        action: 'create',
        title: 'Water the plants',
        quadrant: 'q2',
        dueAt: new Date(remindAt.getTime() + 600_000).toISOString(),
        remindAt: remindAt.toISOString(),
      },
      { openid: 'o-inspector' },
    );
    expect(created.ok).toBe(true);
    const [task] = cloud.delayed.list();
    const row = page.locator(`tr[data-id="${task.id}"]`);
    await row.waitFor();
    await expect(row.textContent()).resolves.toContain('remind');
    await expect(row.textContent()).resolves.toMatch(/in (59|60) min/);

    await row.getByRole('button', { name: 'Run now' }).click();
    await page.getByText('No delayed task is waiting.').waitFor();
    const runs = await eventually(() => {
      const done = cloud.functions.recent(10, { name: 'remind', source: 'delayed' });
      return done.length > 0 && done;
    }, 'the task’s run');
    expect(runs[0].result).toMatchObject({ ok: true, data: { sent: 0 } });
    expect(cloud.delayed.list()).toEqual([]);
  });
});
