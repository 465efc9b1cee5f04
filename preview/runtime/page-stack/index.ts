/**
 * The page stack as WeChat keeps it, for any renderer: the routes and their rules (navigateTo at
 * most 10 pages deep and never to a tab, redirectTo, navigateBack, switchTab keeping tab pages
 * alive, reLaunch) with WeChat's own failure messages, and App and Page lifecycles in the order the
 * route and page-life-cycle docs give. A host draws the pages: the browser preview with glass-easel
 * (../router/), the component tests with miniprogram-simulate (test/component/helpers/). Nothing
 * here touches the DOM.
 */
import { Lifecycle, type AppInstance } from './lifecycle';
import { parseUrl, urlOf, type Query } from './url';

export { Lifecycle, type AppInstance } from './lifecycle';
export { parseUrl, urlOf, type Query } from './url';

export const MAX_PAGES = 10;

/** A route WeChat refuses; the message is its errMsg (`navigateTo:fail ...`). */
export class RouteError extends Error {}

/** The page's window settings that the stack applies (app.json's `window` under the page's json). */
export interface PageConfig {
  navigationBarTitleText?: string;
  enablePullDownRefresh?: boolean;
}

/** What the stack needs of a page its host built. */
export interface StackPage {
  readonly route: string;
  readonly query: Query;
  /** The page instance, whose methods are its lifecycle hooks. */
  readonly instance: object;
  readonly config: PageConfig;
}

/** What a renderer does for the stack. */
export interface PageHost<P extends StackPage> {
  /** Builds page `route` and attaches it: its components are attached before onLoad, as in WeChat. */
  create(route: string, query: Query): P;
  /** `page` is now the one on screen, `depth` pages deep. */
  front(page: P, depth: number): void;
  /** `pageLifetimes.show` / `hide` for the components in the page. */
  pageLifetime(page: P, name: 'show' | 'hide'): void;
  /** The page is unloaded: release what it rendered. */
  destroy(page: P): void;
  /** Runs `then` once the page's first render is on screen (when onReady is due). */
  afterRender(page: P, then: () => void): void;
  /** The pull-down refresh indicator, on or off. */
  refreshing(page: P, on: boolean): void;
}

/** app.json's routes: `pages` (the first opens when the launch names none) and the tab bar's. */
export interface AppRoutes {
  pages: string[];
  tabs: string[];
}

export type LaunchOptions = { path: string; query: Query; scene: number; referrerInfo: object; apiCategory: string };

export type ShareCard = { title: string; path: string; imageUrl?: string };

export class PageStack<P extends StackPage> {
  /** `getCurrentPages()`: the first page first, the current page last. */
  readonly pages: P[] = [];
  /** Tab pages once opened stay alive, hidden, while another tab shows. */
  private readonly tabPages = new Map<string, P>();
  private readonly refreshingPages = new Set<P>();
  private appShown = false;
  readonly lifecycle: Lifecycle;
  launchOptions: LaunchOptions = { path: '', query: {}, scene: 1001, referrerInfo: {}, apiCategory: 'default' };

  constructor(
    private readonly routes: AppRoutes,
    private readonly host: PageHost<P>,
    app: () => AppInstance | undefined,
  ) {
    this.lifecycle = new Lifecycle(app);
  }

  get current(): P | undefined {
    return this.pages[this.pages.length - 1];
  }

  isPage(route: string): boolean {
    return this.routes.pages.includes(route);
  }

  isTab(route: string): boolean {
    return this.routes.tabs.includes(route);
  }

  /**
   * App onLaunch, App onShow, then the page `url` names (the first page when it names none; an
   * unknown one goes to App.onPageNotFound). With no `url` at all only the App starts, for tests of
   * the App alone.
   */
  launch(url: string | undefined, scene = 1001): void {
    const { route: named, query } = parseUrl(url ?? '');
    const route = named || (url === undefined ? '' : this.routes.pages[0]);
    this.launchOptions = { path: route, query, scene, referrerInfo: {}, apiCategory: 'default' };
    this.lifecycle.callApp('onLaunch', this.launchOptions);
    this.appShown = true;
    this.lifecycle.callApp('onShow', this.launchOptions);
    if (url === undefined) return;
    if (this.isPage(route)) {
      this.open(route, query);
      return;
    }
    this.lifecycle.callApp('onPageNotFound', { path: route, query, isEntryPage: true });
    // The handler usually reLaunches; when it did not, the first page opens.
    if (this.pages.length > 0) return;
    if (!this.lifecycle.appHas('onPageNotFound')) console.error(`page "${route}" is not found`);
    this.open(this.routes.pages[0], {});
  }

  navigateTo(url: string): P {
    const { route, query } = this.target(url, 'navigateTo');
    if (this.isTab(route)) throw new RouteError('navigateTo:fail can not navigateTo a tabbar page');
    if (this.pages.length >= MAX_PAGES) throw new RouteError('navigateTo:fail webview count limit exceed');
    if (this.current) this.hide(this.current);
    return this.open(route, query);
  }

  redirectTo(url: string): P {
    const { route, query } = this.target(url, 'redirectTo');
    if (this.isTab(route)) throw new RouteError('redirectTo:fail can not redirectTo a tabbar page');
    const leaving = this.pages.pop();
    if (leaving) this.unload(leaving);
    return this.open(route, query);
  }

  /** Closes `delta` pages, top first (at most down to the first page), and shows the one below. */
  navigateBack(delta = 1): P {
    if (this.pages.length <= 1) throw new RouteError('navigateBack:fail cannot navigate back at first page.');
    const n = Math.min(Math.max(1, delta), this.pages.length - 1);
    for (let i = 0; i < n; i++) this.unload(this.pages.pop() as P);
    const shown = this.current as P;
    this.show(shown);
    return shown;
  }

  /**
   * The route docs' table: pages above the tab close (top first); the tab left behind hides only
   * if it was on screen; the new tab loads the first time and is shown again after that.
   */
  switchTab(url: string): P {
    // A tab opens without a query: WeChat drops what follows `?`.
    const { route } = this.target(url.split('?')[0], 'switchTab');
    if (!this.isTab(route)) throw new RouteError('switchTab:fail can not switch to no-tabBar page');
    const current = this.current;
    while (this.pages.length > 1) this.unload(this.pages.pop() as P);
    const base = this.pages.pop();
    if (base && base.route === route) {
      this.pages.push(base);
      if (current !== base) this.show(base);
      return base;
    }
    if (base && !this.isTab(base.route)) this.unload(base);
    else if (base && base === current) this.hide(base);
    const kept = this.tabPages.get(route);
    if (!kept) return this.open(route, {});
    this.pages.push(kept);
    this.show(kept);
    return kept;
  }

  /** Every page unloads, the tab pages kept alive too, and `url` opens alone. */
  reLaunch(url: string): P {
    const { route, query } = this.target(url, 'reLaunch');
    while (this.pages.length) this.unload(this.pages.pop() as P);
    for (const page of [...this.tabPages.values()]) this.unload(page);
    return this.open(route, query);
  }

  /** The person leaves WeChat: page onHide, then App onHide. */
  appHide(): void {
    if (!this.appShown) return;
    this.appShown = false;
    if (this.current) this.hide(this.current);
    this.lifecycle.callApp('onHide');
  }

  /** The person comes back: App onShow, then page onShow. */
  appShow(): void {
    if (this.appShown) return;
    this.appShown = true;
    this.lifecycle.callApp('onShow', this.launchOptions);
    if (this.current) this.pageShown(this.current);
  }

  themeChanged(theme: 'light' | 'dark'): void {
    this.lifecycle.callApp('onThemeChange', { theme });
  }

  /**
   * Pull-down refresh, as the person's drag or `wx.startPullDownRefresh` starts it: nothing on a
   * page whose config does not enable it, or that is refreshing already. Answers what
   * onPullDownRefresh returned.
   */
  pullDownRefresh(page: P | undefined = this.current): unknown {
    if (!page || this.refreshingPages.has(page) || !page.config.enablePullDownRefresh) return undefined;
    this.refreshingPages.add(page);
    this.host.refreshing(page, true);
    return this.lifecycle.callPage(page, 'onPullDownRefresh');
  }

  stopPullDownRefresh(page: P | undefined = this.current): void {
    if (!page || !this.refreshingPages.delete(page)) return;
    this.host.refreshing(page, false);
  }

  /** The page was scrolled to its bottom (the host measures how close counts). */
  reachBottom(page: P | undefined = this.current): unknown {
    return page && this.lifecycle.callPage(page, 'onReachBottom');
  }

  pageScroll(page: P, scrollTop: number): void {
    this.lifecycle.callPage(page, 'onPageScroll', { scrollTop });
  }

  /** `onShareAppMessage` of the current page, as the capsule menu or a share button asks it. */
  share(from: 'menu' | 'button', target?: unknown): ShareCard | undefined {
    const page = this.current;
    if (!page || typeof (page.instance as Record<string, unknown>).onShareAppMessage !== 'function') return undefined;
    const result = this.lifecycle.callPage(page, 'onShareAppMessage', { from, target, webViewUrl: '' }) as
      Partial<ShareCard> | undefined;
    return {
      title: result?.title ?? page.config.navigationBarTitleText ?? '',
      path: result?.path ?? urlOf(page.route, page.query),
      ...(result?.imageUrl ? { imageUrl: result.imageUrl } : {}),
    };
  }

  /** onLoad -> onShow -> (first render) -> onReady. */
  private open(route: string, query: Query): P {
    const page = this.host.create(route, query);
    // WeChat's own fields on every page instance.
    Object.assign(page.instance, { route, options: query });
    this.pages.push(page);
    if (this.isTab(route)) this.tabPages.set(route, page);
    this.lifecycle.callPage(page, 'onLoad', query);
    this.show(page);
    this.host.afterRender(page, () => {
      if (this.pages.includes(page) || this.tabPages.get(route) === page) this.lifecycle.callPage(page, 'onReady');
    });
    return page;
  }

  private show(page: P): void {
    this.host.front(page, this.pages.length);
    this.pageShown(page);
  }

  private pageShown(page: P): void {
    this.lifecycle.callPage(page, 'onShow');
    this.host.pageLifetime(page, 'show');
  }

  private hide(page: P): void {
    this.lifecycle.callPage(page, 'onHide');
    this.host.pageLifetime(page, 'hide');
  }

  private unload(page: P): void {
    this.lifecycle.callPage(page, 'onUnload');
    this.refreshingPages.delete(page);
    if (this.tabPages.get(page.route) === page) this.tabPages.delete(page.route);
    this.host.destroy(page);
  }

  private target(url: string, api: string): { route: string; query: Query } {
    const parsed = parseUrl(url, this.current?.route);
    if (!this.isPage(parsed.route)) throw new RouteError(`${api}:fail page "${parsed.route}" is not found`);
    return parsed;
  }
}
