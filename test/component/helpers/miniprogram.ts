/**
 * Runs the mini-program under miniprogram-simulate: App, the page stack the preview runs
 * (preview/runtime/page-stack/) with pages rendered here, and custom components with Vant resolved
 * from miniprogram_npm. miniprogram-simulate defines only Component and Behavior; App, getApp and
 * getCurrentPages are provided here.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import * as simulate from 'miniprogram-simulate';
import {
  PageStack as Stack,
  type PageConfig,
  type PageHost,
  type Query,
  type StackPage,
} from '../../../preview/runtime/page-stack';
import { pageRoutes, type PackagedPages } from '../../../preview/runtime/pages';
import { wxDouble } from './wx';

export const MINIPROGRAM_ROOT = join(__dirname, '../../../miniprogram');

// j-component has triggerPageLifeTime at runtime but not in its typings.
export type Rendered = simulate.RootComponent<
  WechatMiniprogram.Component.DataOption,
  WechatMiniprogram.Component.PropertyOption,
  WechatMiniprogram.Component.MethodOption
> & { triggerPageLifeTime(name: 'show' | 'hide' | 'resize'): void };
type AnyOptions = Record<string, unknown> & ThisType<Record<string, unknown>>;

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
// App and pages: the preview's page stack, with pages rendered by miniprogram-simulate

/** A page on the stack; `component` is the rendered page. */
export interface PageEntry extends StackPage {
  component: Rendered;
}

/** What the test drives: the stack, and the person's pull-down, scroll to the bottom and share. */
export class PageStack extends Stack<PageEntry> {
  /** Pull-down refresh, reach-bottom and share, as the person triggers them; what the page's hook answered. */
  trigger(hook: 'onPullDownRefresh' | 'onReachBottom' | 'onShareAppMessage', ...args: unknown[]): unknown {
    if (!this.current) throw new Error('no page is open');
    if (hook === 'onPullDownRefresh') return this.pullDownRefresh();
    if (hook === 'onReachBottom') return this.reachBottom();
    const { from = 'menu', target } = (args[0] ?? {}) as { from?: 'menu' | 'button'; target?: unknown };
    return this.share(from, target);
  }
}

/** miniprogram-simulate pages for the page stack: rendered at once, so onReady follows without a frame. */
class SimulatedPages implements PageHost<PageEntry> {
  constructor(
    private readonly root: string,
    private readonly window: PageConfig,
  ) {}

  create(route: string, query: Query): PageEntry {
    const component = simulate.render(loadComponent(route, { root: this.root })) as Rendered;
    component.attach(document.createElement('page-wrapper'));
    const own = JSON.parse(readFileSync(join(this.root, `${route}.json`), 'utf8')) as PageConfig;
    return { route, query, component, instance: component.instance, config: { ...this.window, ...own } };
  }

  front(): void {}

  pageLifetime(page: PageEntry, name: 'show' | 'hide'): void {
    page.component.triggerPageLifeTime(name);
  }

  destroy(page: PageEntry): void {
    page.component.detach();
  }

  afterRender(_page: PageEntry, then: () => void): void {
    then();
  }

  refreshing(): void {}
}

export interface AppHandle<T> {
  instance: T;
  stack: PageStack;
  /** The user leaves WeChat: page onHide, then App onHide. */
  background(): void;
  /** The user comes back: App onShow, then page onShow. */
  foreground(): void;
}

let appInstance: Record<string, unknown> | undefined;
let stack: PageStack | undefined;

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
): AppHandle<T> {
  const root = options.root ?? MINIPROGRAM_ROOT;
  appInstance = undefined;
  require(join(root, 'app'));
  const app = appInstance as T | undefined;
  if (!app) throw new Error(`${root}/app did not call App()`);
  const appJson = JSON.parse(readFileSync(join(root, 'app.json'), 'utf8')) as PackagedPages & {
    window?: PageConfig;
    tabBar?: { list: Array<{ pagePath: string }> };
  };
  const tabs = appJson.tabBar?.list.map((t) => t.pagePath.replace(/^\//, '')) ?? [];
  const pages = new PageStack(
    { pages: pageRoutes(appJson), tabs },
    new SimulatedPages(root, appJson.window ?? {}),
    () => appInstance,
  );
  stack = pages;
  wxDouble.router = pages;
  pages.launch(entry, options.scene);
  return {
    instance: app,
    stack: pages,
    background: () => pages.appHide(),
    foreground: () => pages.appShow(),
  };
}

/** A fresh module registry: the next launchApp() is a cold start of the mini-program. */
export function resetMiniProgram(): void {
  jest.resetModules();
  loaded = new Map();
  appInstance = undefined;
  stack = undefined;
}
