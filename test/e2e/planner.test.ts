/**
 * End to end: the planner on the Todos tab in the browser preview, against the local cloud running
 * the real functions: the tab opens on the 2×2 matrix; quick add reads "明天9点" into a chip and
 * saves the todo due then; a removed chip leaves its words in the title; the matrix counts what was
 * added and a cell opens its list. Screenshots of the matrix in light and dark, Chinese and
 * English, 375 and 414 px wide go to artifacts/screenshots/.
 */
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { eventually } from '../helpers/eventually';
import { SCREENSHOTS } from './helpers/app';
import { findChromium, LAUNCH_ARGS } from './helpers/browser';
import { appRigForFile } from './helpers/rig';
import { chromium } from 'playwright-core';

jest.setTimeout(90_000);

const rig = appRigForFile();
const USER = 'e2e_planner';

type Doc = Record<string, unknown>;

describe('the planner on the Todos tab', () => {
  let page: Page;
  const todos = (): Promise<Doc[]> => rig().cloud.docs('todos', { _openid: USER });

  const errors: string[] = [];
  beforeAll(async () => {
    page = await rig().browser.context.newPage();
    page.on('pageerror', (error) => errors.push(error.message));
  });
  afterAll(() => page.close());

  const open = async (target: Page, query = ''): Promise<void> => {
    await target.goto('about:blank');
    await target.goto(`${rig().preview.url}?user=${USER}${query}#/pages/todos/index`);
    await target
      .locator('.pv-page--active .matrix__cell--q1')
      .waitFor()
      .catch(async (error: Error) => {
        await target.screenshot({ path: path.join(SCREENSHOTS, 'matrix-failed.png') });
        const html = await target
          .locator('.pv-page--active')
          .first()
          .innerHTML()
          .catch(() => '');
        throw new Error(`${error.message}\npage errors: ${errors.join('\n')}\n${html.slice(0, 1500)}`);
      });
  };

  it('opens on the matrix, and quick add saves what its chips show', async () => {
    await open(page);
    const field = page.locator('.todos__add input');
    await field.fill('明天9点 交报告');
    const chip = page.locator('quick-chips [role=button]').first();
    await chip.waitFor();
    expect(await chip.textContent()).toContain('09:00');
    await field.press('Enter');
    const saved = await eventually(async () => (await todos()).find((d) => d.title === '交报告'), 'the todo saved');
    expect(saved.dueAt).toBeTruthy();
    await page.locator('.matrix__cell--q1', { hasText: '交报告' }).waitFor();
  });

  it('a tapped chip leaves its words in the title', async () => {
    const field = page.locator('.todos__add input');
    await field.fill('后天晚上8点 看电影');
    await page.locator('quick-chips [role=button]').first().waitFor();
    await page.locator('quick-chips [role=button]').first().click();
    await page.locator('quick-chips [role=button]').first().waitFor({ state: 'detached' });
    await field.press('Enter');
    const saved = await eventually(
      async () => (await todos()).find((d) => String(d.title).includes('看电影')),
      'the second todo',
    );
    expect(saved.title).toBe('后天晚上8点 看电影');
    expect(saved.dueAt ?? null).toBeNull();
  });

  it('counts them on the matrix, and a cell opens its list and goes back', async () => {
    await page.locator('.matrix__cell--q1 .matrix__count', { hasText: '2' }).waitFor();
    await page.locator('.matrix__cell--q1').click();
    await page.locator('.todo__title', { hasText: '交报告' }).waitFor();
    await page.locator('.switcher__back').click();
    await page.locator('.matrix__cell--q2').waitFor();
  });

  it('looks right in light and dark, Chinese and English, 375 and 414 px wide', async () => {
    const browser = await chromium.launch({ executablePath: findChromium(), args: LAUNCH_ARGS, headless: true });
    try {
      for (const theme of ['light', 'dark'] as const)
        for (const locale of ['zh-CN', 'en-US'])
          for (const width of [375, 414]) {
            const context = await browser.newContext({
              viewport: { width: 800, height: 900 },
              colorScheme: theme,
              locale,
              timezoneId: 'Asia/Shanghai',
            });
            const shot = await context.newPage();
            await open(shot, `&width=${width}`);
            await shot.locator('.matrix__cell--q1 .matrix__item').first().waitFor();
            const name = `matrix-${theme}-${locale.slice(0, 2)}-${width}.png`;
            await shot.screenshot({ path: path.join(SCREENSHOTS, name) });
            await context.close();
          }
    } finally {
      await browser.close();
    }
  });
});
