/**
 * End to end: the inspector shows faults a developer must see, against a local cloud running the
 * app's real functions. A todo planted as a hostile client would write it is failed by `remind`
 * with INVALID_DOCUMENT; it shows in Problems beside a swept reply and an Official Account inbox
 * failure, each linking to its document; the functions list filters by the logged code and reads
 * the run's counts; a wide document says how to see all its fields; a bad filter is not re-sent on
 * every live change; times name their zone; text, buttons included, keeps WCAG AA contrast in
 * light and dark.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page, Request } from 'playwright-core';
import type { LocalCloud } from 'cloudbase-local';
import { startTestCloud } from '../helpers/local-cloud';
import { SCREENSHOTS } from './helpers/app';
import { launchBrowser, type Browser } from './helpers/browser';

jest.setTimeout(90_000);

let browser: Browser;
let cloud: LocalCloud;
let page: Page;

const past = new Date(Date.now() - 60_000);

beforeAll(async () => {
  [browser, cloud] = await Promise.all([
    launchBrowser(),
    startTestCloud({ functionEnv: { REMIND_TEMPLATE_ID: 'local-remind-template' } }),
  ]);
  await browser.context.addInitScript({ path: path.join(__dirname, 'in-page', 'look.js') });
  page = await browser.context.newPage();
  await page.setViewportSize({ width: 1280, height: 860 });
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  await cloud.store.insert('todos', [
    // What a modified client could write: not a todo, but due.
    {
      _id: 'evil-todo',
      _openid: 'e2e_mallory',
      title: { evil: 1 },
      quadrant: 'zz',
      remindState: 'pending',
      remindNextAt: past,
      done: false,
    },
  ]);
  await cloud.store.insert('messages', [
    {
      _id: 'swept-reply',
      _openid: 'e2e_alice',
      role: 'assistant',
      status: 'failed',
      error: { code: 'INTERRUPTED', message: 'The reply stopped before it finished.' },
      updatedAt: new Date('2026-12-07T01:02:03Z'),
    },
  ]);
  await cloud.store.insert('oa_inbox', [
    { _id: 'inbox-1', error: { errcode: -1, errmsg: 'content must be a string', code: 'INVALID_DOCUMENT' } },
  ]);
  const wide: Record<string, unknown> = {
    _id: 'wide-doc',
    _openid: 'e2e_alice',
    createdAt: new Date('2026-12-07T00:00:00Z'),
  };
  for (let i = 1; i <= 10; i += 1) wide[`field${i}`] = `value ${i}`;
  await cloud.store.insert('wide', [wide]);
});

afterAll(async () => {
  await browser?.close();
  await cloud?.close();
});

async function shoot(name: string): Promise<void> {
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.screenshot({ path: path.join(SCREENSHOTS, `inspector-${name}-${scheme}.png`) });
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

interface Look {
  lowContrast(selector: string, minimum: number): Array<{ text: string; ratio: number }>;
}

/** Visible, enabled text in the page below WCAG AA (4.5:1) against what is behind it (in-page/look.js). */
function lowContrast(target: Page): Promise<Array<{ text: string; ratio: number }>> {
  return target.evaluate(() => (globalThis as unknown as { __look: Look }).__look.lowContrast('body', 4.5));
}

describe('the inspector shows faults', () => {
  it('remind fails the planted todo with INVALID_DOCUMENT and goes on', async () => {
    const fired = await fetch(`${cloud.url}/_/api/triggers/remind/everyMinute`, { method: 'POST' });
    const outcome = (await fired.json()) as { ok: boolean };
    expect(outcome.ok).toBe(true);
    const [todo] = await cloud.store.find('todos', { _id: 'evil-todo' });
    expect(todo.remindError).toMatchObject({ code: 'INVALID_DOCUMENT' });
  });

  it('lists every recorded fault by collection and code, each linking to its document', async () => {
    await page.goto(`${cloud.url}/_/?tab=problems`);
    await page.getByRole('status').filter({ hasText: 'Live' }).waitFor();
    const group = (collection: string, code: string) =>
      page.locator(`.problem[data-collection="${collection}"][data-code="${code}"]`);
    await group('todos', 'INVALID_DOCUMENT').waitFor();
    await group('messages', 'INTERRUPTED').waitFor();
    await group('oa_inbox', 'INVALID_DOCUMENT').waitFor();
    expect(await group('messages', 'INTERRUPTED').textContent()).toContain('The reply stopped before it finished.');
    expect(await group('messages', 'INTERRUPTED').textContent()).toContain('2026-12-07 09:02:03 UTC+8');
    await shoot('problems');

    await group('todos', 'INVALID_DOCUMENT').getByRole('link', { name: 'evil-todo' }).click();
    await page.getByRole('heading', { name: 'evil-todo' }).waitFor();
    expect(new URL(page.url()).searchParams.get('tab')).toBe('database');
    expect(await page.getByLabel('Document JSON').textContent()).toContain('"INVALID_DOCUMENT"');
  });

  it('shows a fault written while it is open, without a reload', async () => {
    await page.goto(`${cloud.url}/_/?tab=problems`);
    await page.locator('.problem[data-collection="messages"]').first().waitFor();
    await cloud.store.insert('messages', [
      {
        _id: 'late-reply',
        status: 'failed',
        error: { code: 'WRITE_FAILED', message: 'The reply could not be saved.' },
      },
    ]);
    await page
      .locator('.problem[data-collection="messages"][data-code="WRITE_FAILED"]')
      .getByText('late-reply')
      .waitFor();
  });

  it('Show in Database lists a whole group through its filter', async () => {
    await page.goto(`${cloud.url}/_/?tab=problems`);
    await page
      .locator('.problem[data-collection="messages"][data-code="INTERRUPTED"]')
      .getByRole('link', { name: 'Show in Database' })
      .click();
    await page.locator('tr[data-id="swept-reply"]').waitFor();
    expect(JSON.parse(new URL(page.url()).searchParams.get('where') ?? '')).toEqual({ 'error.code': 'INTERRUPTED' });
  });

  it("filters invocations by a logged code and reads the timer run's counts", async () => {
    await page.goto(`${cloud.url}/_/?tab=functions&code=INVALID_DOCUMENT`);
    const row = page.locator('tbody tr').filter({ hasText: 'remind' });
    await row.waitFor();
    expect(await page.locator('tbody tr').count()).toBe(1);
    const text = await row.textContent();
    expect(text).toContain('INVALID_DOCUMENT');
    expect(text).toMatch(/claimed 1 · .*invalid 1/);
    await row.click();
    await page.locator('pre.logs .coded').filter({ hasText: 'INVALID_DOCUMENT: todos/evil-todo' }).waitFor();
    expect(
      await page.getByText(/busy\/alive: instances running a call \/ instances alive; 0\/0: none loaded/).count(),
    ).toBe(1);
    expect(await page.locator('th').filter({ hasText: 'time UTC+8' }).count()).toBe(1);
    await shoot('functions-faults');
  });
});

describe('documents', () => {
  it('says how many fields a wide document has beyond the columns shown, and shows them all on request', async () => {
    await page.goto(`${cloud.url}/_/?tab=database&collection=wide`);
    await page.locator('tr[data-id="wide-doc"]').waitFor();
    await page.getByText('8 of 13 fields shown: choose more under Columns').waitFor();
    expect(await page.locator('th').filter({ hasText: 'createdAt UTC+8' }).count()).toBe(1);
    await page.locator('details.columns summary').click();
    await shoot('columns');
    await page.getByRole('button', { name: 'All', exact: true }).click();
    await page.locator('th').filter({ hasText: 'field10' }).waitFor();
    expect(await page.locator('thead th').count()).toBe(13);
    expect(await page.getByText(/fields shown: choose more/).count()).toBe(0);
  });

  it('shows a refused filter once and does not send it again on live changes', async () => {
    const sent: string[] = [];
    const record = (request: Request): void => {
      const url = new URL(request.url());
      if (url.pathname.endsWith('/docs') && url.searchParams.has('where'))
        sent.push(url.searchParams.get('where') ?? '');
    };
    page.on('request', record);
    try {
      await page.goto(`${cloud.url}/_/?tab=database&collection=wide`);
      await page.locator('tr[data-id="wide-doc"]').waitFor();
      const filter = page.getByLabel('Filter documents (a JSON where)');
      await filter.fill('{"field1":');
      await filter.press('Enter');
      await page.getByText(/Filter refused: not valid JSON/).waitFor();
      await filter.fill('{"field1":{"$nope":1}}');
      await filter.press('Enter');
      await page.getByText(/Filter refused: .*\$nope/).waitFor();
      expect(sent).toEqual(['{"field1":{"$nope":1}}']);
      expect(await filter.getAttribute('aria-invalid')).toBe('true');

      // Live changes refresh the page (the side's count moves) without sending the filter again.
      const count = page.locator('.side li').filter({ hasText: 'wide' }).locator('.count');
      await cloud.store.insert('wide', [{ _id: 'wide-2' }, { _id: 'wide-3' }]);
      await page.locator('.side li button[aria-current="true"] .count').filter({ hasText: /^3$/ }).waitFor();
      expect(await count.textContent()).toBe('3');
      await page.getByText(/Filter refused: .*\$nope/).waitFor();
      expect(sent).toEqual(['{"field1":{"$nope":1}}']);
      await shoot('refused-filter');

      await filter.fill('{"field1":"value 1"}');
      await filter.press('Enter');
      await page.locator('tr[data-id="wide-doc"]').waitFor();
      expect(await page.getByText(/Filter refused/).count()).toBe(0);
    } finally {
      page.off('request', record);
    }
  });

  it('labels times with their zone and keeps every text and button readable in light and dark', async () => {
    await page.goto(`${cloud.url}/_/?tab=database&collection=wide&doc=wide-doc`);
    await page.getByRole('heading', { name: 'wide-doc' }).waitFor();
    expect(await page.locator('#zone').textContent()).toBe('Times in UTC+8 (Asia/Shanghai)');
    expect(await page.getByLabel('Document JSON').textContent()).toContain('2026-12-07 08:00:00 UTC+8');
    await shoot('document');
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      for (const tab of ['database', 'problems', 'functions']) {
        await page.getByRole('tab', { name: new RegExp(tab, 'i') }).click();
        await page.locator('main .panel').first().waitFor();
        expect({ scheme, tab, low: await lowContrast(page) }).toEqual({ scheme, tab, low: [] });
      }
    }
    await page.emulateMedia({ colorScheme: 'light' });
  });
});
