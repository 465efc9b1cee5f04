/**
 * The page stack, as WeChat keeps it: App and Page lifecycles in the documented order, navigateTo
 * (at most 10 pages), redirectTo, navigateBack, switchTab (tab pages stay alive, hidden),
 * reLaunch; per-page scrolling with onPageScroll / onReachBottom / onPullDownRefresh; the URL hash
 * follows the current route (`#/pages/me/index?x=1`) so a page can be opened directly.
 */
import type { Root } from 'glass-easel-miniprogram-adapter';
import type { Env } from './env';
import type { Chrome } from './chrome';
import type { AppJson, PageInstance, Query, WindowConfig } from './types';

export const MAX_PAGES = 10;

/** The App() instance: its options with `this` = itself. */
export type AppInstance = Record<string, unknown> & { globalData?: unknown };

export interface PageRecord {
  id: number;
  route: string;
  query: Query;
  config: WindowConfig;
  root: Root;
  instance: PageInstance;
  /** Fixed-position children are placed against this (it has a transform), not the window. */
  frame: HTMLElement;
  scroller: HTMLElement;
  reachedBottom: boolean;
  refreshing: boolean;
}

export class RouteError extends Error {}

export function parseUrl(url: string, from?: string): { route: string; query: Query } {
  const [rawPath, search = ''] = url.split('?');
  let route = rawPath.replace(/^\/+/, '');
  if (!rawPath.startsWith('/') && from) {
    const parts = from.split('/').slice(0, -1);
    for (const part of rawPath.split('/')) {
      if (part === '..') parts.pop();
      else if (part !== '.' && part !== '') parts.push(part);
    }
    route = parts.join('/');
  }
  route = route.replace(/\.html$/, '');
  const query: Query = {};
  for (const [k, v] of new URLSearchParams(search)) query[k] = v;
  return { route, query };
}

function urlOf(route: string, query: Query): string {
  const search = new URLSearchParams(query).toString();
  return `/${route}${search ? `?${search}` : ''}`;
}

export class Router {
  stack: PageRecord[] = [];
  /** Tab pages stay alive when another tab is shown. */
  private readonly tabPages = new Map<string, PageRecord>();
  private nextId = 1;
  private appShown = false;
  /** Components attached since the last render, waiting for their `ready`. */
  private readonly pendingReady: Array<{ triggerLifetime(name: string, args: unknown[]): void }> = [];
  readonly log: string[] = [];

  constructor(
    private readonly env: Env,
    private readonly appJson: AppJson,
    private readonly pageConfigs: Map<string, WindowConfig>,
    private readonly chrome: Chrome,
    private readonly app: () => AppInstance | undefined,
  ) {}

  get current(): PageRecord | undefined {
    return this.stack[this.stack.length - 1];
  }

  isPage(route: string): boolean {
    return this.appJson.pages.includes(route);
  }

  isTab(route: string): boolean {
    return (this.appJson.tabBar?.list ?? []).some((item) => item.pagePath.replace(/^\//, '') === route);
  }

  /** Components call this from `attached`; `ready` follows once the frame has rendered. */
  queueReady(comp: { triggerLifetime(name: string, args: unknown[]): void }): void {
    this.pendingReady.push(comp);
    if (this.readyScheduled) return;
    this.readyScheduled = true;
    this.afterRender(() => this.flushReady());
  }

  private readyScheduled = false;

  private flushReady(): void {
    this.readyScheduled = false;
    for (const comp of this.pendingReady.splice(0)) comp.triggerLifetime('ready', []);
  }

  private callApp(hook: string, ...args: unknown[]): unknown {
    const app = this.app();
    const fn = app?.[hook];
    if (typeof fn !== 'function') return undefined;
    this.log.push(`App.${hook}`);
    return this.guard(`App.${hook}`, () => (fn as (...a: unknown[]) => unknown).apply(app, args));
  }

  private callPage(page: PageRecord, hook: string, ...args: unknown[]): unknown {
    const fn = page.instance[hook];
    if (typeof fn !== 'function') return undefined;
    this.log.push(`${page.route}.${hook}`);
    return this.guard(`${page.route} ${hook}`, () => (fn as (...a: unknown[]) => unknown).apply(page.instance, args));
  }

  /** A throwing lifecycle goes to App.onError, as in WeChat, and never stops navigation. */
  private guard(where: string, run: () => unknown): unknown {
    try {
      const result = run();
      if (result instanceof Promise) {
        result.catch((error: unknown) => this.reportRejection(error));
      }
      return result;
    } catch (error) {
      this.reportError(where, error);
      return undefined;
    }
  }

  reportError(where: string, error: unknown): void {
    console.error(`[preview] ${where} threw`, error);
    const message = error instanceof Error ? `${error.message}\n${error.stack ?? ''}` : String(error);
    const onError = this.app()?.onError;
    if (typeof onError === 'function') (onError as (m: string) => void).call(this.app(), message);
  }

  reportRejection(reason: unknown): void {
    const handler = this.app()?.onUnhandledRejection;
    if (typeof handler === 'function') {
      (handler as (r: { reason: unknown; promise: Promise<unknown> }) => void).call(this.app(), {
        reason,
        promise: Promise.reject(reason).catch(() => undefined),
      });
    } else console.error('[preview] unhandled rejection', reason);
  }

  launch(url: string): void {
    const parsed = parseUrl(url);
    const { query } = parsed;
    const route = parsed.route || this.appJson.pages[0];
    const options = { path: route, query, scene: 1001, referrerInfo: {}, apiCategory: 'default' };
    this.launchOptions = options;
    this.callApp('onLaunch', options);
    this.appShown = true;
    this.callApp('onShow', options);
    if (!this.isPage(route)) {
      const handled = this.callApp('onPageNotFound', { path: route, query, isEntryPage: true });
      // The handler usually reLaunches; when it did not, fall back to the home page.
      if (this.stack.length === 0) {
        if (handled === undefined && typeof this.app()?.onPageNotFound !== 'function') {
          console.error(`[preview] page "${route}" is not found; opening ${this.appJson.pages[0]}`);
        }
        this.open(this.appJson.pages[0], {});
      }
      return;
    }
    this.open(route, query);
  }

  launchOptions: { path: string; query: Query; scene: number; referrerInfo: object; apiCategory: string } = {
    path: '',
    query: {},
    scene: 1001,
    referrerInfo: {},
    apiCategory: 'default',
  };

  private create(route: string, query: Query): PageRecord {
    const config = { ...this.appJson.window, ...this.pageConfigs.get(route) };
    const frame = document.createElement('div');
    frame.className = 'pv-page';
    frame.dataset.route = route;
    const scroller = document.createElement('div');
    scroller.className = 'pv-scroll';
    const indicator = document.createElement('div');
    indicator.className = 'pv-refresh';
    indicator.innerHTML = '<i></i><i></i><i></i>';
    scroller.appendChild(indicator);
    const placeholder = document.createElement('span');
    scroller.appendChild(placeholder);
    frame.appendChild(scroller);
    this.chrome.pages.appendChild(frame);
    const root = this.env.associated.createRoot('page', this.env.codeSpace, route);
    root.attach(scroller as never, placeholder as never);
    const instance = root.get() as unknown as PageInstance;
    instance.route = route;
    instance.options = query;
    (instance as unknown as { __route__: string }).__route__ = route;
    const page: PageRecord = {
      id: this.nextId++,
      route,
      query,
      config,
      root,
      instance,
      frame,
      scroller,
      reachedBottom: false,
      refreshing: false,
    };
    this.chrome.bindScroll(page, () => this.onScroll(page));
    this.chrome.bindPullDown(page, () => this.startPullDownRefresh(page));
    return page;
  }

  /** onLoad -> onShow -> (render) -> ready of components -> onReady. */
  private open(route: string, query: Query): PageRecord {
    const page = this.create(route, query);
    this.stack.push(page);
    if (this.isTab(route)) this.tabPages.set(route, page);
    this.callPage(page, 'onLoad', query);
    this.show(page);
    this.afterRender(() => {
      this.flushReady();
      if (!this.stack.includes(page) && !this.tabPages.has(page.route)) return;
      this.callPage(page, 'onReady');
      this.chrome.pageReady(page);
    });
    return page;
  }

  /** After the backend has drawn what setData changed (glass-easel renders in a frame). */
  private afterRender(run: () => void): void {
    this.env.backend.render(() => run());
  }

  private show(page: PageRecord): void {
    for (const p of this.stack) p.frame.classList.toggle('pv-page--active', p === page);
    for (const p of this.tabPages.values()) p.frame.classList.toggle('pv-page--active', p === page);
    this.chrome.showPage(page, this.stack.length, this.isTab(page.route));
    history.replaceState(null, '', `#${urlOf(page.route, page.query)}`);
    this.callPage(page, 'onShow');
    page.root.getComponent().triggerPageLifetime('show', []);
  }

  private hide(page: PageRecord): void {
    this.callPage(page, 'onHide');
    page.root.getComponent().triggerPageLifetime('hide', []);
  }

  private unload(page: PageRecord): void {
    this.callPage(page, 'onUnload');
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
    this.callApp('onHide');
  }

  appShow(): void {
    if (this.appShown) return;
    this.appShown = true;
    this.callApp('onShow', this.launchOptions);
    if (this.current) {
      this.callPage(this.current, 'onShow');
      this.current.root.getComponent().triggerPageLifetime('show', []);
    }
  }

  themeChanged(theme: 'light' | 'dark'): void {
    this.callApp('onThemeChange', { theme });
  }

  private onScroll(page: PageRecord): void {
    const { scrollTop, scrollHeight, clientHeight } = page.scroller;
    if (typeof page.instance.onPageScroll === 'function') this.callPage(page, 'onPageScroll', { scrollTop });
    const distance = page.config.onReachBottomDistance ?? 50;
    const atBottom = scrollHeight - scrollTop - clientHeight <= distance;
    if (atBottom && !page.reachedBottom) {
      page.reachedBottom = true;
      this.callPage(page, 'onReachBottom');
    } else if (!atBottom) page.reachedBottom = false;
  }

  startPullDownRefresh(page = this.current): boolean {
    if (!page || page.refreshing) return false;
    page.refreshing = true;
    page.frame.classList.add('pv-page--refreshing');
    page.scroller.scrollTop = 0;
    this.callPage(page, 'onPullDownRefresh');
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
    const result = this.callPage(page, 'onShareAppMessage', { from, target, webViewUrl: '' }) as
      { title?: string; path?: string; imageUrl?: string } | undefined;
    const defaultTitle = page.config.navigationBarTitleText ?? '';
    return {
      title: result?.title ?? defaultTitle,
      path: result?.path ?? urlOf(page.route, page.query),
      ...(result?.imageUrl ? { imageUrl: result.imageUrl } : {}),
    };
  }
}
