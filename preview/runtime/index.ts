/**
 * The preview's entry in the browser: installs `wx`, `App`, `getApp`, `getCurrentPages` and
 * `Behavior`, registers the built-ins and every page and component the build found, runs app.ts,
 * then launches the route in the URL hash (or the first page) as the dev user of `?user=`.
 */
import { glassEasel } from 'glass-easel-miniprogram-adapter';
import { registerBuiltins, type BuiltinHost } from './builtins';
import { homeRoute } from './app-json';
import { pageRoutes } from './pages';
import { Chrome } from './chrome';
import { devUsers, switchUser } from './dev-users';
import { createEnv, elementOf } from './env';
import { chromeWords, fillWords } from './chrome/words';
import { AppFiles } from './files';
import { Privacy } from './privacy';
import type { AppInstance } from './page-stack';
import { ReadyQueue, Router } from './router';
import { installStyles } from './styles';
import type { PreviewSettings } from '../server';
import type { BootOptions, ComponentLike, PageInstance, WindowConfig } from './types';
import { createWx } from './wx';

/** The route in the URL hash (`#/pages/me/index?x=1`), which follows the current page. */
const hashUrl = (): string => decodeURIComponent(location.hash.replace(/^#/, ''));

/** What tests (and a curious person in the console) can read: `window.__mpPreview`. */
export interface PreviewHandle {
  router: Router;
  user: string;
  /** Calls into the app's lifecycle hooks, in order (`App.onLaunch`, `pages/me/index.onShow`, ...). */
  log: string[];
  /** wx APIs the shim provides. */
  implemented: string[];
  builtins: string[];
  bootMs: number;
}

declare global {
  interface Window {
    __mpPreview?: PreviewHandle;
    /** Written by the preview server into the page (server.ts). */
    __mpPreviewSettings?: PreviewSettings;
  }
}

export function boot(options: BootOptions): void {
  const started = performance.now();
  const params = new URLSearchParams(location.search);
  const users = devUsers(params.get('user'));
  const phoneWidth = Math.min(600, Math.max(240, Number(params.get('width')) || 375));
  const { appJson } = options;
  // Set once the pages are registered; the closures below run only after that.
  let router: Router | undefined = undefined;
  const getRouter = (): Router => {
    if (!router) throw new Error('the page stack is not ready yet');
    return router;
  };
  let appInstance: AppInstance | undefined;

  const files = new AppFiles();
  const privacy = new Privacy(() => users.current);
  const settings = window.__mpPreviewSettings ?? { subscribeTemplates: {} };

  installStyles();
  const chrome = new Chrome(
    appJson,
    options.theme,
    {
      switchUser,
      pullDown: () => void getRouter().pullDownRefresh(),
      share: () => chrome.dialogs.shareCard(getRouter().share('menu')),
      background: () => getRouter().appHide(),
      foreground: () => getRouter().appShow(),
      back: () => getRouter().navigateBack(1),
      home: () => void getRouter().reLaunch(`/${homeRoute(appJson)}`),
      switchTab: (route) => void getRouter().switchTab(`/${route}`),
    },
    users,
    phoneWidth,
    settings,
  );

  const shim = createWx({
    chrome,
    router: getRouter,
    openid: () => users.current,
    appid: 'wx-preview',
    files,
    privacy,
  });
  const global = globalThis as unknown as Record<string, unknown>;
  global.wx = shim.wx;
  global.App = (definition: AppInstance) => {
    if (appInstance) throw new Error('App() called twice');
    appInstance = definition;
  };
  global.getApp = () => appInstance;
  global.getCurrentPages = (): PageInstance[] => (router ? router.pages.map((p) => p.instance) : []);

  const env = createEnv(options.templates, options.components);
  global.Behavior = env.behaviorConstructor;

  // `ready` is not fired by glass-easel: every component queues itself when attached, and the
  // queue fires it after the frame that shows it (router/ready.ts; the router then calls onReady).
  const ready = new ReadyQueue(env.backend);
  const readyBehavior = env.codeSpace
    .behavior()
    .definition({
      lifetimes: {
        attached(this: ComponentLike) {
          ready.queue(elementOf(this));
        },
      },
    })
    .register() as unknown as { _$: glassEasel.GeneralBehavior };
  env.codeSpace.setOverallBehavior(readyBehavior._$);

  const host: BuiltinHost = {
    resolveSrc: (src, comp) => files.url(src, comp.ownerShadowRoot?.getHostNode()?.is),
    tempFile: (blob, name) => files.add(blob, name),
    navigate(openType, url, delta) {
      const r = getRouter();
      if (openType === 'navigateBack') r.navigateBack(delta);
      else if (openType === 'redirect') r.redirectTo(url);
      else if (openType === 'switchTab') r.switchTab(url);
      else if (openType === 'reLaunch') r.reLaunch(url);
      else if (openType === 'exit') r.appHide();
      else r.navigateTo(url);
    },
    share: (target) => chrome.dialogs.shareCard(getRouter().share('button', target)),
    pickerSheet: (label, field) => chrome.dialogs.pickerSheet(label, field),
    chooseFiles: (accept, multiple) => chrome.dialogs.chooseFiles(accept, multiple),
    privacy,
    feedback() {
      const words = chromeWords();
      void chrome.dialogs.notice(words.feedbackTitle, words.feedbackBody);
    },
    unsupported(what) {
      console.error(`[preview] ${what} is not available in the browser preview`);
      chrome.dialogs.showToast(fillWords(chromeWords().unsupported, { what }), 'none', 2000, false);
    },
  };
  const builtins = registerBuiltins(env.codeSpace, host);

  // WeChat runs app.js first, then registers pages and components.
  try {
    options.app();
  } catch (error) {
    console.error('[preview] app.ts threw while loading', error);
  }
  for (const c of options.components) {
    try {
      env.evaluate(c.is, c.load);
    } catch (error) {
      console.error(`[preview] ${c.is} threw while registering`, error);
    }
  }

  const pageConfigs = new Map<string, WindowConfig>();
  const routes = pageRoutes(appJson);
  for (const c of options.components) if (routes.includes(c.is)) pageConfigs.set(c.is, c.config as WindowConfig);
  const r = new Router(env, appJson, pageConfigs, chrome, ready, () => appInstance);
  router = r;

  window.addEventListener('error', (event) => r.lifecycle.reportError('script', event.error ?? event.message));
  window.addEventListener('unhandledrejection', (event) => r.lifecycle.reportRejection(event.reason));
  window.addEventListener('hashchange', () => r.openTyped(hashUrl()));
  document.addEventListener('visibilitychange', () => (document.hidden ? r.appHide() : r.appShow()));
  window.matchMedia('(prefers-color-scheme: dark)').addEventListener('change', () => {
    const theme = chrome.theme.current();
    chrome.themeChanged();
    r.themeChanged(theme);
    shim.emitTheme(theme);
  });

  window.__mpPreview = {
    router: r,
    user: users.current,
    log: r.lifecycle.log,
    implemented: shim.implemented,
    builtins,
    bootMs: 0,
  };
  r.launch(hashUrl());
  window.__mpPreview.bootMs = performance.now() - started;
}
