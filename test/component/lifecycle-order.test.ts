import { join } from 'node:path';
import { launchApp, resetMiniProgram } from './helpers/miniprogram';

const root = join(__dirname, '../fixtures/lifecycle');
const logOf = (app: { globalData: { log: string[] } }) => app.globalData.log.splice(0);

type LogApp = { globalData: { log: string[] } };

describe('lifecycle order (as the WeChat docs give it)', () => {
  beforeEach(() => resetMiniProgram());

  it('launch: App onLaunch -> App onShow -> Page onLoad -> onShow -> onReady', () => {
    const { instance } = launchApp<LogApp>('pages/a/index', { root });
    expect(logOf(instance)).toEqual(['App.onLaunch', 'App.onShow', 'a.onLoad', 'a.onShow', 'a.onReady']);
  });

  it('navigating on: onHide -> next onLoad -> onShow -> onReady; back: onUnload -> previous onShow', () => {
    const { instance, stack } = launchApp<LogApp>('pages/a/index', { root });
    logOf(instance);

    stack.navigateTo('/pages/b/index?id=7');
    expect(logOf(instance)).toEqual(['a.onHide', 'b.onLoad', 'b.onShow', 'b.onReady']);
    expect(stack.current?.query).toEqual({ id: '7' });

    stack.navigateBack();
    expect(logOf(instance)).toEqual(['b.onUnload', 'a.onShow']);
    expect(stack.pages.map((p) => p.route)).toEqual(['pages/a/index']);
  });

  it('app to background and back: page onHide -> App onHide; App onShow -> page onShow', () => {
    const app = launchApp<LogApp>('pages/a/index', { root });
    logOf(app.instance);
    app.background();
    app.foreground();
    expect(logOf(app.instance)).toEqual(['a.onHide', 'App.onHide', 'App.onShow', 'a.onShow']);
  });

  it('switchTab closes pages above the tabs and hides (does not unload) the tab it leaves', () => {
    const { instance, stack } = launchApp<LogApp>('pages/a/index', { root });
    stack.navigateTo('/pages/b/index');
    logOf(instance);

    stack.switchTab('/pages/tab/index');
    expect(logOf(instance)).toEqual(['b.onUnload', 'a.onHide', 'tab.onLoad', 'tab.onShow', 'tab.onReady']);
    expect(() => stack.switchTab('/pages/b/index')).toThrow('can not switch to no-tabBar page');
  });

  it('keeps at most 10 pages, as WeChat does', () => {
    const { stack } = launchApp<LogApp>('pages/a/index', { root });
    for (let i = 1; i < 10; i++) stack.navigateTo(`/pages/b/index?n=${i}`);
    expect(() => stack.navigateTo('/pages/b/index')).toThrow('webview count limit exceed');
    expect(getCurrentPages()).toHaveLength(10);
  });
});
