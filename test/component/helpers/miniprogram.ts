/**
 * Runs the mini-program under miniprogram-simulate: App, a page stack that fires page lifecycles
 * in the order WeChat documents, and custom components with Vant resolved from miniprogram_npm.
 * miniprogram-simulate defines only Component and Behavior; App, getApp and getCurrentPages are
 * provided here.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import * as simulate from 'miniprogram-simulate';
import { wxDouble } from './wx';

export const MINIPROGRAM_ROOT = join(__dirname, '../../../miniprogram');

// j-component has triggerPageLifeTime at runtime but not in its typings.
export type Rendered = simulate.RootComponent<
  WechatMiniprogram.Component.DataOption,
  WechatMiniprogram.Component.PropertyOption,
  WechatMiniprogram.Component.MethodOption
> & { triggerPageLifeTime(name: 'show' | 'hide' | 'resize'): void };
type AnyOptions = Record<string, unknown> & ThisType<Record<string, unknown>>;
type Hook = (this: unknown, ...args: unknown[]) => unknown;

/**
 * miniprogram-simulate resolves `usingComponents` by file path only; DevTools also looks in
 * miniprogram_npm. Map every Vant tag (`van-button`) to its copied folder instead: the main
 * package's, or a subpackage's for the components only that subpackage uses.
 */
function vantComponents(): Record<string, string> {
  const app = JSON.parse(readFileSync(join(MINIPROGRAM_ROOT, 'app.json'), 'utf8')) as {
    subPackages?: Array<{ root: string }>;
  };
  const map: Record<string, string> = {};
  for (const root of ['', ...(app.subPackages ?? []).map((p) => `${p.root}/`)]) {
    const dir = `${root}miniprogram_npm/@vant/weapp`;
    if (!existsSync(join(MINIPROGRAM_ROOT, dir))) continue;
    for (const name of readdirSync(join(MINIPROGRAM_ROOT, dir))) {
      // common/, mixins/ and wxs/ are not components
      if (!map[`van-${name}`] && existsSync(join(MINIPROGRAM_ROOT, dir, name, 'index.json'))) {
        map[`van-${name}`] = `/${dir}/${name}/index`;
      }
    }
  }
  return map;
}

const usingComponents = vantComponents();
let loaded = new Map<string, string>();

export interface LoadOptions {
  /** Another mini-program root (fixtures); defaults to miniprogram/. */
  root?: string;
}

/** Registers a component or page once per module registry and returns its id for render(). */
export function loadComponent(path: string, options: LoadOptions = {}): string {
  const root = options.root ?? MINIPROGRAM_ROOT;
  const key = join(root, path);
  let id = loaded.get(key);
  if (!id) {
    id = simulate.load(key, { rootPath: root, compiler: 'official', usingComponents: { ...usingComponents } });
    loaded.set(key, id);
  }
  return id;
}

/** Renders and attaches a component, so `attached` and `ready` have run when this returns. */
export function renderComponent(
  path: string,
  props: Record<string, unknown> = {},
  options: LoadOptions = {},
): Rendered {
  const component = simulate.render(loadComponent(path, options), props) as Rendered;
  component.attach(document.createElement('parent-wrapper'));
  return component;
}

// ---------------------------------------------------------------------------------------------
// App

export interface AppHandle<T> {
  instance: T;
  /** The user leaves WeChat: page onHide, then App onHide. */
  background(): void;
  /** The user comes back: App onShow, then page onShow. */
  foreground(): void;
}

let appInstance: AppOptions | undefined;
type AppOptions = Record<string, unknown>;
let stack: PageStack | undefined;

function call(target: Record<string, unknown>, name: string, ...args: unknown[]): unknown {
  const hook = target[name];
  return typeof hook === 'function' ? (hook as Hook).apply(target, args) : undefined;
}

const globals = globalThis as unknown as Record<string, unknown>;
globals.App = (options: AnyOptions) => {
  // WeChat's getApp() returns the very object passed to App(), its methods bound to it.
  appInstance = options;
};
globals.getApp = () => {
  if (!appInstance) throw new Error('getApp() called before App() in this test');
  return appInstance;
};
globals.getCurrentPages = () => stack?.pages.map((p) => p.component.instance) ?? [];

/**
 * Requires app.ts afresh and launches it: onLaunch then onShow, as WeChat does, and opens the
 * entry page when one is given (its onLoad, onShow, onReady follow).
 */
export function launchApp<T extends object>(
  entry?: string,
  options: { root?: string; scene?: number } = {},
): AppHandle<T> & { stack: PageStack } {
  const root = options.root ?? MINIPROGRAM_ROOT;
  appInstance = undefined;
  require(join(root, 'app'));
  const app = appInstance as (T & AppOptions) | undefined;
  if (!app) throw new Error(`${root}/app did not call App()`);
  const launch = { path: entry?.replace(/^\//, '').split('?')[0] ?? '', query: {}, scene: options.scene ?? 1001 };
  call(app, 'onLaunch', launch);
  call(app, 'onShow', launch);
  const pages = new PageStack(root, readTabs(root));
  stack = pages;
  if (entry) pages.reLaunch(entry, { silent: true });
  return {
    instance: app,
    stack: pages,
    background() {
      if (pages.current) pages.fire(pages.current, 'onHide');
      call(app, 'onHide');
    },
    foreground() {
      call(app, 'onShow', launch);
      if (pages.current) pages.fire(pages.current, 'onShow');
    },
  };
}

/** A fresh module registry: the next launchApp() is a cold start of the mini-program. */
export function resetMiniProgram(): void {
  jest.resetModules();
  loaded = new Map();
  appInstance = undefined;
  stack = undefined;
}

function readTabs(root: string): string[] {
  const appJson = JSON.parse(readFileSync(join(root, 'app.json'), 'utf8')) as {
    pages: string[];
    tabBar?: { list: Array<{ pagePath: string }> };
  };
  return appJson.tabBar?.list.map((t) => t.pagePath) ?? [];
}

// ---------------------------------------------------------------------------------------------
// Pages

export interface PageEntry {
  route: string;
  query: Record<string, string>;
  component: Rendered;
}

function parseUrl(url: string): { route: string; query: Record<string, string> } {
  const [path, search = ''] = url.replace(/^\//, '').split('?');
  const query: Record<string, string> = {};
  for (const pair of search.split('&').filter(Boolean)) {
    const [k, v = ''] = pair.split('=');
    query[decodeURIComponent(k)] = decodeURIComponent(v);
  }
  return { route: path, query };
}

const MAX_STACK = 10;

/** The page stack, firing lifecycles in the documented order (framework/app-service/page-life-cycle). */
export class PageStack {
  pages: PageEntry[] = [];
  private parent = document.createElement('page-wrapper');

  constructor(
    private readonly root: string,
    private readonly tabs: string[],
  ) {
    wxDouble.router = {
      navigateTo: (url) => this.navigateTo(url),
      redirectTo: (url) => this.redirectTo(url),
      navigateBack: (delta) => this.navigateBack(delta),
      switchTab: (url) => this.switchTab(url),
      reLaunch: (url) => this.reLaunch(url),
    };
  }

  get current(): PageEntry | undefined {
    return this.pages[this.pages.length - 1];
  }

  fire(page: PageEntry, hook: string, ...args: unknown[]): unknown {
    const result = call(page.component.instance as unknown as Record<string, unknown>, hook, ...args);
    // Components inside the page get pageLifetimes.show/hide with their page.
    if (hook === 'onShow') page.component.triggerPageLifeTime('show');
    if (hook === 'onHide') page.component.triggerPageLifeTime('hide');
    return result;
  }

  /** Pull-down refresh, reach-bottom and share, as the user triggers them. */
  trigger(hook: 'onPullDownRefresh' | 'onReachBottom' | 'onShareAppMessage', ...args: unknown[]): unknown {
    if (!this.current) throw new Error('no page is open');
    return this.fire(this.current, hook, ...args);
  }

  navigateTo(url: string): PageEntry {
    if (this.pages.length >= MAX_STACK) throw new Error('navigateTo:fail webview count limit exceed');
    if (this.current) this.fire(this.current, 'onHide');
    return this.open(url);
  }

  redirectTo(url: string): PageEntry {
    const leaving = this.pages.pop();
    if (leaving) this.close(leaving);
    return this.open(url);
  }

  navigateBack(delta = 1): PageEntry | undefined {
    const count = Math.min(delta, this.pages.length - 1);
    for (let i = 0; i < count; i++) this.close(this.pages.pop() as PageEntry);
    if (this.current) this.fire(this.current, 'onShow');
    return this.current;
  }

  switchTab(url: string): PageEntry {
    const { route } = parseUrl(url);
    if (!this.tabs.includes(route)) throw new Error(`switchTab:fail can not switch to no-tabBar page ${route}`);
    // Non-tab pages above the tabs are closed; the tab being left is only hidden.
    while (this.current && !this.tabs.includes(this.current.route)) this.close(this.pages.pop() as PageEntry);
    if (this.current?.route === route) return this.current;
    if (this.current) this.fire(this.current, 'onHide');
    // A tab page stays alive once opened: switching back shows the same instance again.
    const opened = this.pages.find((p) => p.route === route);
    if (!opened) return this.open(url);
    this.pages = [...this.pages.filter((p) => p !== opened), opened];
    this.fire(opened, 'onShow');
    return opened;
  }

  reLaunch(url: string, opts: { silent?: boolean } = {}): PageEntry {
    while (this.pages.length) this.close(this.pages.pop() as PageEntry);
    if (!opts.silent) this.parent = document.createElement('page-wrapper');
    return this.open(url);
  }

  private open(url: string): PageEntry {
    const { route, query } = parseUrl(url);
    const component = simulate.render(loadComponent(route, { root: this.root })) as Rendered;
    const page: PageEntry = { route, query, component };
    this.pages.push(page);
    this.fire(page, 'onLoad', query);
    this.fire(page, 'onShow');
    component.attach(this.parent);
    this.fire(page, 'onReady');
    return page;
  }

  private close(page: PageEntry): void {
    this.fire(page, 'onUnload');
    page.component.detach();
  }
}
