/**
 * The page stack, as WeChat keeps it: App and Page lifecycles in the documented order, navigateTo
 * (at most 10 pages), redirectTo, navigateBack, switchTab (tab pages stay alive, hidden),
 * reLaunch; onPageScroll / onReachBottom / onPullDownRefresh; the URL hash follows the current route
 * (`#/pages/me/index?x=1`) so a page can be opened directly.
 */
import { isTabRoute } from '../app-json';
import { pageRoutes } from '../pages';
import type { Chrome } from '../chrome';
import type { Env } from '../env';
import type { AppJson, Query, WindowConfig } from '../types';
import { Lifecycle, type AppInstance } from './lifecycle';
import { createPage, markReady, type PageRecord } from './page';
import type { ReadyQueue } from './ready';
import { parseUrl, urlOf } from './url';

export type { AppInstance } from './lifecycle';
export type { PageRecord } from './page';
export { ReadyQueue } from './ready';
export { parseUrl } from './url';

export const MAX_PAGES = 10;

export class RouteError extends Error {}

export type LaunchOptions = { path: string; query: Query; scene: number; referrerInfo: object; apiCategory: string };

export class Router {
  stack: PageRecord[] = [];
  /** Tab pages stay alive when another tab is shown. */
  private readonly tabPages = new Map<string, PageRecord>();
  private nextId = 1;
  private appShown = false;
  readonly lifecycle: Lifecycle;
  launchOptions: LaunchOptions = { path: '', query: {}, scene: 1001, referrerInfo: {}, apiCategory: 'default' };

  constructor(
    private readonly env: Env,
    private readonly appJson: AppJson,
    private readonly pageConfigs: Map<string, WindowConfig>,
    private readonly chrome: Chrome,
    private readonly ready: ReadyQueue,
    app: () => AppInstance | undefined,
  ) {
    this.lifecycle = new Lifecycle(app);
  }

  get current(): PageRecord | undefined {
    return this.stack[this.stack.length - 1];
  }

  isPage(route: string): boolean {
    return pageRoutes(this.appJson).includes(route);
  }

  isTab(route: string): boolean {
    return isTabRoute(this.appJson, route);
  }

  launch(url: string): void {
    const parsed = parseUrl(url);
    const { query } = parsed;
    const route = parsed.route || this.appJson.pages[0];
    const options = { path: route, query, scene: 1001, referrerInfo: {}, apiCategory: 'default' };
    this.launchOptions = options;
    this.lifecycle.callApp('onLaunch', options);
    this.appShown = true;
    this.lifecycle.callApp('onShow', options);
    if (!this.isPage(route)) {
      const handled = this.lifecycle.callApp('onPageNotFound', { path: route, query, isEntryPage: true });
      // The handler usually reLaunches; when it did not, fall back to the home page.
      if (this.stack.length === 0) {
        if (handled === undefined && !this.lifecycle.appHas('onPageNotFound')) {
          console.error(`[preview] page "${route}" is not found; opening ${this.appJson.pages[0]}`);
        }
        this.open(this.appJson.pages[0], {});
      }
      return;
    }
    this.open(route, query);
  }

  /** A route typed into the address bar opens that page, as a fresh start of the app would. */
  openTyped(url: string): void {
    const { route, query } = parseUrl(url);
    const current = this.current;
    if (!route || (current && current.route === route && JSON.stringify(current.query) === JSON.stringify(query)))
      return;
    if (!this.isPage(route)) {
      console.error(`[preview] page "${route}" is not found`);
      return;
    }
    const target = `/${route}?${new URLSearchParams(query).toString()}`;
    if (this.isTab(route)) this.switchTab(target);
    else this.reLaunch(target);
  }

  /** onLoad -> onShow -> (render) -> ready of components -> onReady. */
  private open(route: string, query: Query): PageRecord {
    const config = { ...this.appJson.window, ...this.pageConfigs.get(route) };
    const page = createPage(this.env, this.chrome.frame.pages, this.nextId++, route, query, config, {
      onScroll: (p) => this.onScroll(p),
      onPullDown: (p) => this.startPullDownRefresh(p),
    });
    this.stack.push(page);
    if (this.isTab(route)) this.tabPages.set(route, page);
    this.lifecycle.callPage(page, 'onLoad', query);
    this.show(page);
    this.ready.afterRender(() => {
      this.ready.flush();
      if (!this.stack.includes(page) && !this.tabPages.has(page.route)) return;
      this.lifecycle.callPage(page, 'onReady');
      markReady(page);
    });
    return page;
  }

  private show(page: PageRecord): void {
    for (const p of this.stack) p.frame.classList.toggle('pv-page--active', p === page);
    for (const p of this.tabPages.values()) p.frame.classList.toggle('pv-page--active', p === page);
    this.chrome.showPage(page, this.stack.length, this.isTab(page.route));
    history.replaceState(null, '', `#${urlOf(page.route, page.query)}`);
    this.pageShown(page);
  }

  private pageShown(page: PageRecord): void {
    this.lifecycle.callPage(page, 'onShow');
    page.root.getComponent().triggerPageLifetime('show', []);
  }

  private hide(page: PageRecord): void {
    this.lifecycle.callPage(page, 'onHide');
    page.root.getComponent().triggerPageLifetime('hide', []);
  }

  private unload(page: PageRecord): void {
    this.lifecycle.callPage(page, 'onUnload');
    page.root.release();
    page.frame.remove();
    this.tabPages.delete(page.route);
  }

  private target(url: string, api: string): { route: string; query: Query } {
    const from = this.current?.route;
    const parsed = parseUrl(url, from);
    if (!this.isPage(parsed.route)) throw new RouteError(`${api}:fail page "${parsed.route}" is not found`);
    return parsed;
  }

  navigateTo(url: string): PageRecord {
    const { route, query } = this.target(url, 'navigateTo');
    if (this.isTab(route)) throw new RouteError('navigateTo:fail can not navigateTo a tabbar page');
    if (this.stack.length >= MAX_PAGES) throw new RouteError('navigateTo:fail webview count limit exceed');
    const current = this.current;
    if (current) this.hide(current);
    return this.open(route, query);
  }

  redirectTo(url: string): PageRecord {
    const { route, query } = this.target(url, 'redirectTo');
    if (this.isTab(route)) throw new RouteError('redirectTo:fail can not redirectTo a tabbar page');
    const current = this.stack.pop();
    if (current) this.unload(current);
    return this.open(route, query);
  }

  navigateBack(delta = 1): void {
    if (this.stack.length <= 1) throw new RouteError('navigateBack:fail cannot navigate back at first page.');
    const n = Math.min(Math.max(1, delta), this.stack.length - 1);
    for (let i = 0; i < n; i++) this.unload(this.stack.pop() as PageRecord);
    this.show(this.current as PageRecord);
  }

  switchTab(url: string): PageRecord {
    const { route } = this.target(url.split('?')[0], 'switchTab');
    if (!this.isTab(route)) throw new RouteError('switchTab:fail can not switch to no-tabBar page');
    const current = this.current;
    // Pages above the tab close first (top down), then the tab being left hides.
    while (this.stack.length > 1) this.unload(this.stack.pop() as PageRecord);
    const base = this.stack.pop();
    if (base && base.route === route) {
      this.stack.push(base);
      if (current !== base) this.show(base);
      return base;
    }
    if (base) {
      if (this.isTab(base.route)) {
        if (base === current) this.hide(base);
      } else this.unload(base);
    }
    const kept = this.tabPages.get(route);
    if (kept) {
      this.stack.push(kept);
      this.show(kept);
      return kept;
    }
    return this.open(route, {});
  }

  reLaunch(url: string): PageRecord {
    const { route, query } = this.target(url, 'reLaunch');
    while (this.stack.length) this.unload(this.stack.pop() as PageRecord);
    for (const page of [...this.tabPages.values()]) this.unload(page);
    return this.open(route, query);
  }

  /** Tab pages are hidden but alive; a switch back shows them without a new onLoad. */
  appHide(): void {
    if (!this.appShown) return;
    this.appShown = false;
    if (this.current) this.hide(this.current);
    this.lifecycle.callApp('onHide');
  }

  appShow(): void {
    if (this.appShown) return;
    this.appShown = true;
    this.lifecycle.callApp('onShow', this.launchOptions);
    if (this.current) this.pageShown(this.current);
  }

  themeChanged(theme: 'light' | 'dark'): void {
    this.lifecycle.callApp('onThemeChange', { theme });
  }

  private onScroll(page: PageRecord): void {
    const { scrollTop, scrollHeight, clientHeight } = page.scroller;
    if (typeof page.instance.onPageScroll === 'function') this.lifecycle.callPage(page, 'onPageScroll', { scrollTop });
    const distance = page.config.onReachBottomDistance ?? 50;
    const atBottom = scrollHeight - scrollTop - clientHeight <= distance;
    if (atBottom && !page.reachedBottom) {
      page.reachedBottom = true;
      this.lifecycle.callPage(page, 'onReachBottom');
    } else if (!atBottom) page.reachedBottom = false;
  }

  /** As WeChat: nothing happens on a page whose config does not enable pull-down refresh. */
  startPullDownRefresh(page = this.current): boolean {
    if (!page || page.refreshing || !page.config.enablePullDownRefresh) return false;
    page.refreshing = true;
    page.frame.classList.add('pv-page--refreshing');
    page.scroller.scrollTop = 0;
    this.lifecycle.callPage(page, 'onPullDownRefresh');
    return true;
  }

  stopPullDownRefresh(page = this.current): void {
    if (!page) return;
    page.refreshing = false;
    page.frame.classList.remove('pv-page--refreshing');
  }

  /** `onShareAppMessage` of the current page, as the capsule menu or a share button asks it. */
  share(from: 'menu' | 'button', target?: unknown): { title: string; path: string; imageUrl?: string } | undefined {
    const page = this.current;
    if (!page || typeof page.instance.onShareAppMessage !== 'function') return undefined;
    const result = this.lifecycle.callPage(page, 'onShareAppMessage', { from, target, webViewUrl: '' }) as
      { title?: string; path?: string; imageUrl?: string } | undefined;
    const defaultTitle = page.config.navigationBarTitleText ?? '';
    return {
      title: result?.title ?? defaultTitle,
      path: result?.path ?? urlOf(page.route, page.query),
      ...(result?.imageUrl ? { imageUrl: result.imageUrl } : {}),
    };
  }
}
