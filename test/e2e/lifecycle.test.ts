/**
 * The page stack's lifecycle scenarios (test/scenarios/lifecycle.ts) in the preview, in a real
 * browser: the person taps the back button, the tab bar and the desk's background buttons; the app's
 * wx calls run in the page. Also the preview's own part: the URL hash follows the page on screen.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { lifecycleScenarios, play, type Act, type StackDriver } from '../scenarios/lifecycle';
import { gotoApp, hash, type PreviewGlobals } from './helpers/app';
import { fixtureRigForFile } from './helpers/rig';

jest.setTimeout(60_000);

const root = path.join(__dirname, '../fixtures/lifecycle');
const tabs = (
  JSON.parse(fs.readFileSync(path.join(root, 'app.json'), 'utf8')) as {
    tabBar: { list: Array<{ pagePath: string; text: string }> };
  }
).tabBar.list;
// The fixture calls no cloud: a plain loopback server serves its preview.
const rig = fixtureRigForFile(root);

type Api = 'navigateTo' | 'redirectTo' | 'switchTab' | 'reLaunch' | 'navigateBack';

function browserDriver(page: Page): StackDriver {
  /** Calls `wx[api](option)` in the page; WeChat's errMsg when it fails. */
  const api = (name: Api, option: { url: string } | { delta: number }): Promise<string | undefined> =>
    page.evaluate(
      ([n, o]) =>
        ((globalThis as unknown as PreviewGlobals).wx[n] as (o: object) => Promise<unknown>)(o).then(
          () => undefined,
          (e: { errMsg: string }) => e.errMsg,
        ),
      [name, option] as const,
    );
  const tap = async (name: string): Promise<undefined> => void (await page.getByRole('button', { name }).click());
  const act = async (act: Act): Promise<string | undefined> => {
    switch (act[0]) {
      case 'launch':
        return void (await gotoApp(page, rig().preview, act[1], 'e2e_life'));
      case 'back':
        return tap('返回');
      case 'background':
        return tap('App to background');
      case 'foreground':
        return tap('App to foreground');
      case 'tab': {
        const tab = tabs.find((t) => `/${t.pagePath}` === act[1]);
        if (!tab) throw new Error(`${act[1]} is no tab of the fixture app`);
        return void (await page.getByRole('tab', { name: tab.text }).click());
      }
      case 'navigateBack':
        return api('navigateBack', { delta: act[1] });
      default:
        return api(act[0], { url: act[1] });
    }
  };
  return {
    do: act,
    async log(last) {
      if (last !== undefined) {
        await page.waitForFunction(
          (e) => (globalThis as unknown as PreviewGlobals).getApp().globalData.log.includes(e),
          last,
          { polling: 20 },
        );
      }
      return page.evaluate(() => (globalThis as unknown as PreviewGlobals).getApp().globalData.log.splice(0));
    },
    pages: () =>
      page.evaluate(() =>
        (globalThis as unknown as PreviewGlobals)
          .getCurrentPages()
          .map((p) => ({ route: p.route, options: p.options })),
      ),
  };
}

describe('lifecycles in a real browser (test/fixtures/lifecycle)', () => {
  let page: Page;
  beforeAll(async () => {
    page = await rig().browser.context.newPage();
  });
  afterAll(() => page.close());

  it.each(lifecycleScenarios.map((s) => [s.name, s] as const))('%s', async (_name, scenario) => {
    await play(scenario, browserDriver(page));
  });

  it('the URL hash follows the page on screen', async () => {
    await gotoApp(page, rig().preview, '/pages/a/index', 'e2e_life');
    await page.evaluate(() => (globalThis as unknown as PreviewGlobals).wx.navigateTo({ url: '/pages/b/index?id=7' }));
    expect(hash(page)).toBe('#/pages/b/index?id=7');
    await page.getByRole('button', { name: '返回' }).click();
    expect(hash(page)).toBe('#/pages/a/index');
  });
});
