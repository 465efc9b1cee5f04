/**
 * The preview's pages: the page stack (../page-stack/) drawn with glass-easel pages in phone frames
 * (page.ts). The navigation and tab bars follow the page on screen, the URL hash follows its route
 * (`#/pages/me/index?x=1`) so a page can be opened directly, and scrolling a page gives
 * onPageScroll / onReachBottom, dragging it down pull-down refresh.
 */
import { tabRoutes } from '../app-json';
import { pageRoutes } from '../pages';
import type { Chrome } from '../chrome';
import type { Env } from '../env';
import { PageStack, parseUrl, urlOf, type AppInstance, type PageHost, type Query } from '../page-stack';
import type { AppJson, WindowConfig } from '../types';
import { createPage, markReady, type PageRecord } from './page';
import type { ReadyQueue } from './ready';

export type { PageRecord } from './page';
export { ReadyQueue } from './ready';

/** glass-easel pages for the page stack, each in its frame on the phone. */
class PhonePages implements PageHost<PageRecord> {
  private readonly live = new Set<PageRecord>();
  private nextId = 1;
  /** Set once the stack these pages belong to exists. */
  stack!: PageStack<PageRecord>;

  constructor(
    private readonly env: Env,
    private readonly appJson: AppJson,
    private readonly pageConfigs: Map<string, WindowConfig>,
    private readonly chrome: Chrome,
    private readonly ready: ReadyQueue,
  ) {}

  create(route: string, query: Query): PageRecord {
    const config = { ...this.appJson.window, ...this.pageConfigs.get(route) };
    const page = createPage(this.env, this.chrome.frame.pages, this.nextId++, route, query, config, {
      onScroll: (p) => this.scrolled(p),
      onPullDown: (p) => void this.stack.pullDownRefresh(p),
    });
    this.live.add(page);
    return page;
  }

  front(page: PageRecord, depth: number): void {
    for (const p of this.live) p.frame.classList.toggle('pv-page--active', p === page);
    this.chrome.showPage(page, depth, this.stack.isTab(page.route));
    history.replaceState(null, '', `#${urlOf(page.route, page.query)}`);
  }

  pageLifetime(page: PageRecord, name: 'show' | 'hide'): void {
    page.root.getComponent().triggerPageLifetime(name, []);
  }

  destroy(page: PageRecord): void {
    page.root.release();
    page.frame.remove();
    this.live.delete(page);
  }

  /** Components' `ready` first (router/ready.ts), then the page's onReady; tests wait for the mark. */
  afterRender(page: PageRecord, then: () => void): void {
    this.ready.afterRender(() => {
      this.ready.flush();
      then();
      markReady(page);
    });
  }

  refreshing(page: PageRecord, on: boolean): void {
    page.frame.classList.toggle('pv-page--refreshing', on);
    if (on) page.scroller.scrollTop = 0;
  }

  /** onReachBottom once per arrival within `onReachBottomDistance` (50 px unless the page says). */
  private scrolled(page: PageRecord): void {
    const { scrollTop, scrollHeight, clientHeight } = page.scroller;
    this.stack.pageScroll(page, scrollTop);
    const atBottom = scrollHeight - scrollTop - clientHeight <= (page.config.onReachBottomDistance ?? 50);
    if (atBottom && !page.reachedBottom) {
      page.reachedBottom = true;
      this.stack.reachBottom(page);
    } else if (!atBottom) page.reachedBottom = false;
  }
}

export class Router extends PageStack<PageRecord> {
  constructor(
    env: Env,
    appJson: AppJson,
    pageConfigs: Map<string, WindowConfig>,
    chrome: Chrome,
    ready: ReadyQueue,
    app: () => AppInstance | undefined,
  ) {
    const pages = new PhonePages(env, appJson, pageConfigs, chrome, ready);
    super({ pages: pageRoutes(appJson), tabs: tabRoutes(appJson) }, pages, app);
    pages.stack = this;
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
    const target = urlOf(route, query);
    if (this.isTab(route)) this.switchTab(target);
    else this.reLaunch(target);
  }
}
