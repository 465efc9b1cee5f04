/**
 * End to end: the inspector at /_/ in headless Chromium, against a local cloud running the app's
 * real functions. A todo written by the `todo` function appears without a reload, is edited in
 * the inspector (its dates stay dates), and a reload comes back to the same tab and selection.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import type { LocalCloud } from 'cloudbase-local';
import { invoke, startTestCloud } from '../helpers/local-cloud';
import { SCREENSHOTS } from './helpers/app';
import { launchBrowser, type Browser } from './helpers/browser';

jest.setTimeout(60_000);

let browser: Browser;
let cloud: LocalCloud;
let page: Page;

beforeAll(async () => {
  [browser, cloud] = await Promise.all([launchBrowser(), startTestCloud()]);
  page = await browser.context.newPage();
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  await cloud?.close();
});

const search = (): URLSearchParams => new URL(page.url()).searchParams;

describe('the inspector', () => {
  let id = '';

  it('shows a document a function writes, live', async () => {
    await page.goto(`${cloud.url}/_/?tab=database&collection=todos`);
    await page.getByRole('status').filter({ hasText: 'Live' }).waitFor();
    await page.getByText('No documents yet.').waitFor();

    const created = await invoke<{ ok: true; data: { todo: { id: string } } }>(
      cloud,
      'todo',
      { action: 'create', title: '写周报', quadrant: 'q1' },
      { openid: 'e2e_inspector' },
    );
    id = created.data.todo.id;
    const row = page.locator(`tr[data-id="${id}"]`);
    await row.waitFor();
    expect(await row.textContent()).toContain('写周报');
    expect(await row.textContent()).toContain('e2e_inspector');

    await row.click();
    await page.getByRole('heading', { name: id }).waitFor();
    expect(search().get('doc')).toBe(id);
    expect(await page.getByLabel('Document JSON').textContent()).toContain('"createdAt": { "$date"');
  });

  it('edits it; the change is saved with its dates still dates', async () => {
    await page.getByRole('button', { name: 'Edit' }).click();
    const editor = page.getByLabel('Document JSON');
    const doc = JSON.parse(await editor.inputValue()) as Record<string, unknown>;
    expect(doc._id).toBeUndefined();
    await editor.fill(JSON.stringify({ ...doc, title: '写周报（已改）' }, null, 2));
    await page.getByRole('button', { name: 'Save' }).click();
    await page.locator('pre.json').filter({ hasText: '写周报（已改）' }).waitFor();

    const [stored] = await cloud.store.find('todos', { _id: id });
    expect(stored.title).toBe('写周报（已改）');
    expect(stored._openid).toBe('e2e_inspector');
    expect(stored.createdAt).toBeInstanceOf(Date);
    expect(stored.createdAt).toEqual(new Date(String((doc.createdAt as { $date: string }).$date)));
    await page.screenshot({ path: path.join(SCREENSHOTS, 'inspector-documents.png') });
  });

  it('a reload comes back to the same tab and selection', async () => {
    await page.reload();
    await page.getByRole('heading', { name: id }).waitFor();
    expect(await page.getByRole('tab', { name: 'Database' }).getAttribute('aria-selected')).toBe('true');
    expect(await page.locator(`tr[data-id="${id}"]`).getAttribute('aria-selected')).toBe('true');
    expect(await page.locator('pre.json').textContent()).toContain('写周报（已改）');
  });

  it('lists the invocation with its event, and flags a refusal as an application error', async () => {
    await invoke(cloud, 'todo', { action: 'create', title: '', quadrant: 'q1' }, { openid: 'e2e_inspector' });
    await page.getByRole('tab', { name: 'Functions' }).click();
    expect(search().get('tab')).toBe('functions');
    const refused = page.locator('tbody tr').filter({ hasText: 'app error INVALID_ARGUMENT' });
    await refused.waitFor();
    await page.getByLabel('Search invocations').fill('写周报');
    await page.waitForURL(/q=/);
    await page.locator('tbody tr').filter({ hasText: 'app error' }).waitFor({ state: 'detached' });
    await page.locator('tbody tr').first().click();
    await page.getByLabel('Event').filter({ hasText: '"写周报"' }).waitFor();
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: path.join(SCREENSHOTS, 'inspector-functions-dark.png') });
    await page.emulateMedia({ colorScheme: 'light' });
  });
});
