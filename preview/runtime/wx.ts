/**
 * `wx` for the browser preview, behind miniprogram-api-typings' own types: every implementation
 * takes the typings' option type and resolves the typings' success type, promise-style when no
 * callback is given (as the base library does). Anything else the app touches is reported loudly,
 * naming the API, and fails.
 */
import type { Chrome } from './chrome';
import type { Router } from './router';
import { chooseFile } from './builtins';

type Wx = WechatMiniprogram.Wx;
/** The `wx` members that are functions (not `wx.cloud`, `wx.env`). */
type ApiName = { [K in keyof Wx]: Wx[K] extends (...args: never[]) => unknown ? K : never }[keyof Wx];
type Fn<K extends ApiName> = Extract<Wx[K], (...args: never[]) => unknown>;
type OptionOf<K extends ApiName> = NonNullable<Parameters<Fn<K>>[0]>;
type SuccessOf<K extends ApiName> =
  OptionOf<K> extends { success?: (result: infer R) => void } ? Omit<R, 'errMsg'> : Record<string, never>;
type Callbacks = { success?: (r: unknown) => void; fail?: (e: unknown) => void; complete?: (r: unknown) => void };

export class WxError extends Error {
  constructor(
    readonly errMsg: string,
    readonly errCode?: number,
  ) {
    super(errMsg);
  }
}

export interface ShimDeps {
  chrome: Chrome;
  router: () => Router;
  /** The dev user the preview acts as. */
  openid: () => string;
  appid: string;
  /** Temporary files (chooseAvatar, chooseMedia): WeChat-style path -> object URL and bytes. */
  temp: Map<string, { url: string; blob: Blob }>;
  tempFile(blob: Blob, name: string): string;
}

/** The base library's calling convention around an async implementation. */
function asyncApi<K extends ApiName>(
  name: K,
  impl: (option: OptionOf<K>) => Promise<SuccessOf<K>> | SuccessOf<K>,
): Wx[K] {
  const api = (option?: OptionOf<K>): Promise<unknown> | undefined => {
    const o = (option ?? {}) as OptionOf<K> & Callbacks;
    const run = (async () => {
      try {
        return { errMsg: `${String(name)}:ok`, ...(await impl(o)) };
      } catch (error) {
        if (error instanceof WxError)
          throw { errMsg: error.errMsg, ...(error.errCode !== undefined ? { errCode: error.errCode } : {}) };
        throw { errMsg: `${String(name)}:fail ${error instanceof Error ? error.message : String(error)}` };
      }
    })();
    if (o.success || o.fail || o.complete) {
      run.then(
        (r) => {
          o.success?.(r);
          o.complete?.(r);
        },
        (e: unknown) => {
          o.fail?.(e);
          o.complete?.(e);
        },
      );
      return undefined;
    }
    return run;
  };
  return api as unknown as Wx[K];
}

/** Storage is localStorage, one namespace per dev user, values kept as JSON (as WeChat serialises). */
function storage(openid: () => string) {
  const prefix = (): string => `mp:${openid()}:`;
  const keys = (): string[] =>
    Object.keys(localStorage)
      .filter((k) => k.startsWith(prefix()))
      .map((k) => k.slice(prefix().length));
  return {
    get(key: string): unknown {
      const raw = localStorage.getItem(prefix() + key);
      if (raw === null) return undefined;
      try {
        return JSON.parse(raw) as unknown;
      } catch {
        return undefined;
      }
    },
    set(key: string, value: unknown): void {
      localStorage.setItem(prefix() + key, JSON.stringify(value));
    },
    remove(key: string): void {
      localStorage.removeItem(prefix() + key);
    },
    clear(): void {
      for (const key of keys()) localStorage.removeItem(prefix() + key);
    },
    keys,
  };
}

export interface Shim {
  wx: Wx;
  /** Every API the shim provides, for the report of what is not covered. */
  implemented: string[];
  emitTheme(theme: 'light' | 'dark'): void;
}

export function createWx(deps: ShimDeps): Shim {
  const { chrome } = deps;
  const store = storage(deps.openid);
  const themeListeners = new Set<(r: { theme: 'light' | 'dark' }) => void>();
  let clipboard = '';
  let loginCount = 0;

  const windowInfo = (): WechatMiniprogram.WindowInfo => {
    const width = chrome.screen.clientWidth || 375;
    const height = chrome.screen.clientHeight || 667;
    return {
      pixelRatio: window.devicePixelRatio || 2,
      screenWidth: width,
      screenHeight: height,
      windowWidth: width,
      windowHeight: chrome.pages.clientHeight || height,
      statusBarHeight: 0,
      safeArea: { left: 0, right: width, top: 0, bottom: height, width, height },
      screenTop: 0,
    };
  };
  const appBase = (): WechatMiniprogram.AppBaseInfo =>
    ({
      SDKVersion: '3.7.0',
      enableDebug: false,
      host: { env: 'WeChat' },
      language: 'zh_CN',
      version: '8.0.50',
      theme: chrome.theme(),
      fontSizeSetting: 16,
    }) as unknown as WechatMiniprogram.AppBaseInfo;
  const deviceInfo = {
    abi: 'browser',
    benchmarkLevel: 1,
    brand: 'browser',
    model: 'Browser preview',
    platform: 'devtools',
    system: navigator.userAgent,
    memorySize: 4096,
  };

  const callFunction = async (option: ICloud.CallFunctionParam) => {
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'x-wx-openid': deps.openid(),
      'x-wx-appid': deps.appid,
    };
    let response: Response;
    try {
      response = await fetch(`/functions/${encodeURIComponent(option.name)}`, {
        method: 'POST',
        headers,
        body: JSON.stringify(option.data ?? {}),
      });
    } catch (error) {
      throw new WxError(`cloud.callFunction:fail request:fail ${(error as Error).message}`, -1);
    }
    const body = (await response.json().catch(() => ({}))) as { result?: unknown; errCode?: number; errMsg?: string };
    if (!response.ok || body.errCode) {
      throw new WxError(
        `cloud.callFunction:fail ${body.errCode ?? response.status} ${body.errMsg ?? ''}`.trim(),
        body.errCode ?? -1,
      );
    }
    return {
      result: body.result as string | Record<string, unknown>,
      requestID: `preview-${Date.now()}`,
      errMsg: 'cloud.callFunction:ok',
    };
  };

  const uploadFile = async (option: ICloud.UploadFileParam) => {
    const file = deps.temp.get(option.filePath);
    let blob = file?.blob;
    if (!blob) {
      const res = await fetch(option.filePath).catch(() => undefined);
      if (!res?.ok) throw new WxError(`cloud.uploadFile:fail file ${option.filePath} not found`, -1);
      blob = await res.blob();
    }
    const res = await fetch(`/_/api/files?cloudPath=${encodeURIComponent(option.cloudPath)}`, {
      method: 'PUT',
      headers: { 'content-type': blob.type || 'application/octet-stream', 'x-wx-openid': deps.openid() },
      body: blob,
    });
    const body = (await res.json().catch(() => ({}))) as { fileID?: string; message?: string };
    if (!res.ok || !body.fileID) throw new WxError(`cloud.uploadFile:fail ${body.message ?? res.status}`, -1);
    return { fileID: body.fileID, statusCode: 200, errMsg: 'cloud.uploadFile:ok' };
  };

  /** wx.cloud's calling convention is the same as wx's (promise without callbacks). */
  const cloudApi = <O extends object, R>(impl: (o: O) => Promise<R>) =>
    ((option: O & Callbacks) => {
      const run = impl(option).catch((e: unknown) => {
        throw e instanceof WxError ? { errMsg: e.errMsg, errCode: e.errCode } : e;
      });
      if (option.success || option.fail || option.complete) {
        run.then(
          (r) => (option.success?.(r), option.complete?.(r)),
          (e: unknown) => (option.fail?.(e), option.complete?.(e)),
        );
        return undefined;
      }
      return run;
    }) as never;

  const cloud = {
    init: () => undefined,
    callFunction: cloudApi(callFunction),
    uploadFile: cloudApi(uploadFile),
    getTempFileURL: cloudApi(async (o: { fileList: Array<string | { fileID: string }> }) => ({
      fileList: o.fileList.map((f) => {
        const fileID = typeof f === 'string' ? f : f.fileID;
        return {
          fileID,
          tempFileURL: `/_/api/files?fileID=${encodeURIComponent(fileID)}`,
          maxAge: 7200,
          status: 0,
          errMsg: 'ok',
        };
      }),
      errMsg: 'cloud.getTempFileURL:ok',
    })),
  };

  const router = (): Router => deps.router();
  const route = (api: 'navigateTo' | 'redirectTo' | 'switchTab' | 'reLaunch', url: string): void => {
    try {
      router()[api](url);
    } catch (error) {
      throw new WxError((error as Error).message);
    }
  };

  const impl: Partial<Wx> = {
    // ---- login and cloud
    login: asyncApi('login', async () => {
      // A dev code the local WeChat server's jscode2session maps to this user; single-use, as WeChat's
      // codes are, so the time keeps it unique across page reloads (the counter starts over).
      return { code: `dev-${deps.openid()}-${Date.now().toString(36)}${++loginCount}` };
    }),
    checkSession: asyncApi('checkSession', async () => ({})),
    cloud: cloud as unknown as Wx['cloud'],

    // ---- storage
    getStorageSync: ((key: string) => store.get(key) ?? '') as Wx['getStorageSync'],
    setStorageSync: ((key: string, value: unknown) => store.set(key, value)) as Wx['setStorageSync'],
    removeStorageSync: (key: string) => store.remove(key),
    clearStorageSync: () => store.clear(),
    getStorageInfoSync: () => ({ keys: store.keys(), currentSize: 0, limitSize: 10240 }),
    getStorage: asyncApi('getStorage', async (o) => {
      const value = store.get(o.key);
      if (value === undefined) throw new WxError('getStorage:fail data not found');
      return { data: value as never };
    }),
    setStorage: asyncApi('setStorage', async (o) => (store.set(o.key, o.data), {})),
    removeStorage: asyncApi('removeStorage', async (o) => (store.remove(o.key), {})),
    clearStorage: asyncApi('clearStorage', async () => (store.clear(), {})),

    // ---- interaction
    showToast: asyncApi('showToast', async (o) => {
      chrome.showToast(o.title, o.icon ?? 'success', o.duration ?? 1500, o.mask ?? false, o.image);
      return {};
    }),
    hideToast: asyncApi('hideToast', async () => (chrome.hideToast(), {})),
    showLoading: asyncApi('showLoading', async (o) => (chrome.showToast(o.title, 'loading', 0, o.mask ?? false), {})),
    hideLoading: asyncApi('hideLoading', async () => (chrome.hideToast(), {})),
    showModal: asyncApi('showModal', async (o) => {
      const result = await chrome.modal({
        title: o.title ?? '',
        content: o.content ?? '',
        showCancel: o.showCancel ?? true,
        cancelText: o.cancelText ?? '取消',
        confirmText: o.confirmText ?? '确定',
        ...(o.cancelColor ? { cancelColor: o.cancelColor } : {}),
        ...(o.confirmColor ? { confirmColor: o.confirmColor } : {}),
        ...(o.editable ? { editable: true } : {}),
        ...(o.placeholderText ? { placeholderText: o.placeholderText } : {}),
      });
      return { ...result, content: result.content ?? '' };
    }),
    showActionSheet: asyncApi('showActionSheet', async (o) => {
      const index = await chrome.actionSheet(o.itemList, o.alertText, o.itemColor);
      if (index === undefined) throw new WxError('showActionSheet:fail cancel');
      return { tapIndex: index };
    }),
    requestSubscribeMessage: asyncApi('requestSubscribeMessage', async (o) => {
      if (!o.tmplIds?.length) throw new WxError('requestSubscribeMessage:fail tmplIds is empty', 20001);
      const answer = await chrome.subscribe(o.tmplIds);
      return answer as unknown as SuccessOf<'requestSubscribeMessage'>;
    }),

    // ---- navigation
    navigateTo: asyncApi('navigateTo', async (o) => {
      route('navigateTo', o.url);
      return { eventChannel: {} as WechatMiniprogram.EventChannel };
    }),
    redirectTo: asyncApi('redirectTo', async (o) => (route('redirectTo', o.url), {})),
    switchTab: asyncApi('switchTab', async (o) => (route('switchTab', o.url), {})),
    reLaunch: asyncApi('reLaunch', async (o) => (route('reLaunch', o.url), {})),
    navigateBack: asyncApi('navigateBack', async (o) => {
      try {
        router().navigateBack(o.delta ?? 1);
      } catch (error) {
        throw new WxError((error as Error).message);
      }
      return {};
    }),
    setNavigationBarTitle: asyncApi('setNavigationBarTitle', async (o) => (chrome.setTitle(o.title), {})),
    setNavigationBarColor: asyncApi(
      'setNavigationBarColor',
      async (o) => (chrome.setNavColors(o.frontColor, o.backgroundColor), {}),
    ),
    showNavigationBarLoading: asyncApi('showNavigationBarLoading', async () => (chrome.navLoadingShown(true), {})),
    hideNavigationBarLoading: asyncApi('hideNavigationBarLoading', async () => (chrome.navLoadingShown(false), {})),
    showTabBar: asyncApi('showTabBar', async () => (chrome.setTabBarHidden(false), {})),
    hideTabBar: asyncApi('hideTabBar', async () => (chrome.setTabBarHidden(true), {})),
    setTabBarBadge: asyncApi('setTabBarBadge', async (o) => (chrome.setBadge(o.index, { text: o.text }), {})),
    removeTabBarBadge: asyncApi('removeTabBarBadge', async (o) => (chrome.setBadge(o.index, undefined), {})),
    showTabBarRedDot: asyncApi('showTabBarRedDot', async (o) => (chrome.setBadge(o.index, { dot: true }), {})),
    hideTabBarRedDot: asyncApi('hideTabBarRedDot', async (o) => (chrome.setBadge(o.index, undefined), {})),
    startPullDownRefresh: asyncApi('startPullDownRefresh', async () => (router().startPullDownRefresh(), {})),
    stopPullDownRefresh: asyncApi('stopPullDownRefresh', async () => (router().stopPullDownRefresh(), {})),
    pageScrollTo: asyncApi('pageScrollTo', async (o) => {
      const page = router().current;
      page?.scroller.scrollTo({ top: o.scrollTop ?? 0, behavior: o.duration === 0 ? 'auto' : 'smooth' });
      return {};
    }),
    showShareMenu: asyncApi('showShareMenu', async () => ({})),
    hideShareMenu: asyncApi('hideShareMenu', async () => ({})),

    // ---- system
    getSystemInfoSync: () =>
      ({
        ...windowInfo(),
        ...appBase(),
        ...deviceInfo,
        fontSizeSetting: 16,
        benchmarkLevel: 1,
      }) as unknown as WechatMiniprogram.SystemInfo,
    getSystemInfo: asyncApi('getSystemInfo', async () => ({ ...windowInfo(), ...appBase(), ...deviceInfo }) as never),
    getWindowInfo: () => windowInfo(),
    getAppBaseInfo: () => appBase(),
    getDeviceInfo: () => deviceInfo as unknown as WechatMiniprogram.DeviceInfo,
    getSystemSetting: () =>
      ({
        bluetoothEnabled: false,
        locationEnabled: false,
        wifiEnabled: true,
        deviceOrientation: 'portrait',
      }) as WechatMiniprogram.SystemSetting,
    getAccountInfoSync: () =>
      ({
        miniProgram: { appId: deps.appid, envVersion: 'develop', version: '' },
        plugin: {},
      }) as unknown as WechatMiniprogram.AccountInfo,
    getLaunchOptionsSync: () => router().launchOptions as unknown as WechatMiniprogram.LaunchOptionsApp,
    getEnterOptionsSync: () => router().launchOptions as unknown as WechatMiniprogram.LaunchOptionsApp,
    getMenuButtonBoundingClientRect: () => {
      const width = windowInfo().windowWidth;
      return { width: 87, height: 32, top: 6, bottom: 38, left: width - 94, right: width - 7 };
    },
    getNetworkType: asyncApi(
      'getNetworkType',
      async () => ({ networkType: 'wifi', signalStrength: 100, hasSystemProxy: false }) as never,
    ),
    onNetworkStatusChange: () => undefined,
    offNetworkStatusChange: () => undefined,
    canIUse: (schema: string) => typeof (impl as Record<string, unknown>)[schema.split('.')[0]] !== 'undefined',
    nextTick: (callback: () => void) => void setTimeout(callback, 0),
    onThemeChange: (listener) => void themeListeners.add(listener as (r: { theme: 'light' | 'dark' }) => void),
    offThemeChange: (listener) => void themeListeners.delete(listener as (r: { theme: 'light' | 'dark' }) => void),
    onAppShow: () => undefined,
    onAppHide: () => undefined,
    vibrateShort: asyncApi('vibrateShort', async () => ({})),
    vibrateLong: asyncApi('vibrateLong', async () => ({})),
    reportAnalytics: () => undefined,
    reportEvent: () => undefined,
    setClipboardData: asyncApi('setClipboardData', async (o) => {
      clipboard = o.data;
      await navigator.clipboard?.writeText(o.data).catch(() => undefined);
      chrome.showToast('内容已复制', 'none', 1500, false);
      return {};
    }),
    getClipboardData: asyncApi('getClipboardData', async () => {
      const text = await navigator.clipboard?.readText().catch(() => undefined);
      return { data: text ?? clipboard };
    }),
    chooseMedia: asyncApi('chooseMedia', async (o) => {
      const files = await new Promise<File[]>((resolve) =>
        chooseFile(
          o.mediaType?.includes('video') ? 'image/*,video/*' : 'image/*',
          () => undefined,
          (o.count ?? 9) > 1,
          resolve,
        ),
      );
      if (!files.length) throw new WxError('chooseMedia:fail cancel');
      return {
        type: 'image',
        tempFiles: files.map((file) => ({
          tempFilePath: deps.tempFile(file, file.name),
          size: file.size,
          fileType: file.type.startsWith('video') ? 'video' : 'image',
          duration: 0,
          height: 0,
          width: 0,
          thumbTempFilePath: '',
        })),
      } as never;
    }),
    createSelectorQuery: () => selectorQuery(router),
    getUpdateManager: () =>
      ({
        onCheckForUpdate: (cb: (r: { hasUpdate: boolean }) => void) => cb({ hasUpdate: false }),
        onUpdateReady: () => undefined,
        onUpdateFailed: () => undefined,
        applyUpdate: () => undefined,
      }) as unknown as WechatMiniprogram.UpdateManager,
  };

  const implemented = Object.keys(impl).concat(Object.keys(cloud).map((k) => `cloud.${k}`));
  const missing = (path: string) => {
    const fail = (): never => {
      const message = `wx.${path} is not available in the browser preview (preview/runtime/wx.ts)`;
      console.error(`[preview] ${message}`);
      throw new Error(message);
    };
    return fail;
  };
  const cloudProxy = new Proxy(cloud, {
    get: (target, key) =>
      typeof key === 'string' && !(key in target) ? missing(`cloud.${key}`) : Reflect.get(target, key),
  });
  (impl as Record<string, unknown>).cloud = cloudProxy;
  const wx = new Proxy(impl, {
    get(target, key) {
      if (typeof key !== 'string' || key in target) return Reflect.get(target, key);
      return missing(key);
    },
  }) as Wx;
  const emitTheme = (theme: 'light' | 'dark'): void => {
    for (const listener of themeListeners) listener({ theme });
  };
  return { wx, implemented, emitTheme };
}

/** `wx.createSelectorQuery()`: `.in(component)` scopes it; without it, the current page. */
function selectorQuery(router: () => Router): WechatMiniprogram.SelectorQuery {
  let scoped: WechatMiniprogram.SelectorQuery | undefined;
  const calls: Array<(q: WechatMiniprogram.SelectorQuery) => unknown> = [];
  const base = (): WechatMiniprogram.SelectorQuery =>
    scoped ?? (router().current?.instance.createSelectorQuery() as WechatMiniprogram.SelectorQuery);
  const query = {
    in(component: { createSelectorQuery(): WechatMiniprogram.SelectorQuery }) {
      scoped = component.createSelectorQuery();
      return query;
    },
    select: (selector: string) => chain((q) => q.select(selector)),
    selectAll: (selector: string) => chain((q) => q.selectAll(selector)),
    selectViewport: () => chain((q) => q.selectViewport()),
    exec(callback?: (res: unknown[]) => void) {
      let q = base();
      for (const call of calls) q = call(q) as WechatMiniprogram.SelectorQuery;
      return q.exec(callback);
    },
  };
  /** Node-level calls (`boundingClientRect`, `fields`, ...) are replayed on the real query at exec. */
  const chain = (select: (q: WechatMiniprogram.SelectorQuery) => WechatMiniprogram.NodesRef) => {
    const ops: Array<[string, unknown[]]> = [];
    const nodes = new Proxy(
      {},
      {
        get:
          (_t, method: string) =>
          (...args: unknown[]) => {
            ops.push([method, args]);
            return query;
          },
      },
    );
    calls.push((q) => {
      const ref = select(q) as unknown as Record<string, (...a: unknown[]) => WechatMiniprogram.SelectorQuery>;
      let result: WechatMiniprogram.SelectorQuery = q;
      for (const [method, args] of ops) result = ref[method](...args);
      return result;
    });
    return nodes as WechatMiniprogram.NodesRef;
  };
  return query as unknown as WechatMiniprogram.SelectorQuery;
}
