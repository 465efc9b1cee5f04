/**
 * The `wx` double for component tests: a fixed device, storage in memory, UI calls recorded, and
 * `wx.cloud.callFunction` answered by a handler the test gives (or by the local cloud itself).
 * Installed before miniprogram-simulate, which merges its own APIs underneath these.
 */
import type { PageStack, StackPage } from '../../../preview/runtime/page-stack';

export type CloudHandler = (name: string, data: Record<string, unknown>) => unknown;
export type UploadHandler = (cloudPath: string, filePath: string) => Promise<{ fileID: string }>;
type Router = Pick<
  PageStack<StackPage>,
  'navigateTo' | 'redirectTo' | 'navigateBack' | 'switchTab' | 'reLaunch' | 'stopPullDownRefresh'
>;

export interface WxDouble {
  storage: Map<string, unknown>;
  /** Answers wx.cloud.callFunction; throw `{ errCode, errMsg }` to act as a platform failure. */
  cloudHandler: CloudHandler;
  /** Answers wx.cloud.uploadFile; throw `{ errCode, errMsg }` to act as a failed upload. */
  uploadHandler: UploadHandler;
  /** `wx.cloud.database()`: the real client database of a local cloud (connectToLocalCloud), or none. */
  database?: (config?: { env?: string }) => unknown;
  /** Where navigation and pull-down calls go; the page stack installs itself here. */
  router?: Router;
  theme: 'light' | 'dark';
  /** WeChat's language, as `wx.getAppBaseInfo().language` reports it. */
  language: string;
  /** The app's `wx.onNeedPrivacyAuthorization` listener, for a test to trigger as WeChat would. */
  privacyListener?: (
    resolve: (option: { event: string; buttonId?: string }) => void,
    info: { referrer: string },
  ) => void;
  loginCode: () => string;
  api: Record<string, jest.Mock>;
}

let codes = 0;

// Storage and cloud calls both serialise values; JSON is what crosses those boundaries in WeChat.
const copy = <T>(value: T): T => (value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T));

function createDouble(): WxDouble {
  const double: WxDouble = {
    storage: new Map(),
    cloudHandler: (name) => {
      throw { errCode: -501000, errMsg: `cloud.callFunction:fail no handler for ${name} in this test` };
    },
    uploadHandler: async () => {
      throw { errCode: -1, errMsg: 'cloud.uploadFile:fail no upload handler in this test' };
    },
    theme: 'light',
    language: 'zh_CN',
    loginCode: () => `test-code-${++codes}`,
    api: {},
  };
  const fn = <A extends unknown[], R>(impl: (...args: A) => R) => jest.fn(impl);
  const router = (api: string): Router => {
    if (!double.router) throw new Error(`wx.${api} called with no page stack in this test`);
    return double.router;
  };
  const route = (method: 'navigateTo' | 'redirectTo' | 'navigateBack' | 'switchTab' | 'reLaunch') =>
    fn(async (options: { url?: string; delta?: number }) => {
      try {
        if (method === 'navigateBack') router(method).navigateBack(options.delta ?? 1);
        else router(method)[method](options.url ?? '');
      } catch (error) {
        // As WeChat rejects: `{ errMsg: 'navigateTo:fail webview count limit exceed' }`.
        throw { errMsg: (error as Error).message };
      }
      return { errMsg: `${method}:ok` };
    });

  double.api = {
    getStorageSync: fn((key: string) => (double.storage.has(key) ? copy(double.storage.get(key)) : '')),
    setStorageSync: fn((key: string, value: unknown) => void double.storage.set(key, copy(value))),
    removeStorageSync: fn((key: string) => void double.storage.delete(key)),
    login: fn(async () => ({ code: double.loginCode(), errMsg: 'login:ok' })),
    showToast: fn(async () => ({ errMsg: 'showToast:ok' })),
    showModal: fn(async () => ({ confirm: true, cancel: false, errMsg: 'showModal:ok' })),
    showLoading: fn(async () => ({ errMsg: 'showLoading:ok' })),
    hideLoading: fn(async () => ({ errMsg: 'hideLoading:ok' })),
    stopPullDownRefresh: fn(async () => {
      double.router?.stopPullDownRefresh();
      return { errMsg: 'stopPullDownRefresh:ok' };
    }),
    // Answers as a person tapping "allow" would; tests replace the implementation for other answers.
    requestSubscribeMessage: fn(async ({ tmplIds }: { tmplIds: string[] }) => ({
      errMsg: 'requestSubscribeMessage:ok',
      ...Object.fromEntries(tmplIds.map((id) => [id, 'accept'])),
    })),
    getAppBaseInfo: fn(() => ({
      theme: double.theme,
      SDKVersion: '3.7.0',
      language: double.language,
      version: '8.0.50',
    })),
    getAccountInfoSync: fn(() => ({ miniProgram: { appId: 'wx-test', envVersion: 'develop', version: '' } })),
    setNavigationBarTitle: fn(async () => ({ errMsg: 'setNavigationBarTitle:ok' })),
    setTabBarItem: fn(async () => ({ errMsg: 'setTabBarItem:ok' })),
    showActionSheet: fn(async () => ({ tapIndex: 0, errMsg: 'showActionSheet:ok' })),
    onNeedPrivacyAuthorization: fn((listener: WxDouble['privacyListener']) => void (double.privacyListener = listener)),
    getPrivacySetting: fn(async () => ({
      needAuthorization: true,
      privacyContractName: '《测试隐私保护指引》',
      errMsg: 'getPrivacySetting:ok',
    })),
    openPrivacyContract: fn(async () => ({ errMsg: 'openPrivacyContract:ok' })),
    navigateTo: route('navigateTo'),
    redirectTo: route('redirectTo'),
    navigateBack: route('navigateBack'),
    switchTab: route('switchTab'),
    reLaunch: route('reLaunch'),
  };
  return double;
}

export const wxDouble: WxDouble = createDouble();

const cloud = {
  init: jest.fn(),
  callFunction: jest.fn(async ({ name, data }: { name: string; data?: Record<string, unknown> }) => {
    // Like the platform, the handler sees a copy: nothing the page mutates later leaks into it.
    const result = await wxDouble.cloudHandler(name, copy(data ?? {}));
    return { result: copy(result), errMsg: 'cloud.callFunction:ok', requestID: 'test' };
  }),
  uploadFile: jest.fn(async ({ cloudPath, filePath }: { cloudPath: string; filePath: string }) => {
    const { fileID } = await wxDouble.uploadHandler(cloudPath, filePath);
    return { fileID, statusCode: 204, errMsg: 'cloud.uploadFile:ok' };
  }),
  database: jest.fn((config?: { env?: string }) => {
    if (!wxDouble.database) throw new Error('wx.cloud.database() called with no local cloud in this test');
    return wxDouble.database(config);
  }),
};

/** Installs the double as the global `wx`; call before requiring miniprogram-simulate. */
export function installWx(): void {
  const target = (globalThis as { wx?: Record<string, unknown> }).wx ?? {};
  Object.assign(target, wxDouble.api, { cloud });
  (globalThis as { wx?: Record<string, unknown> }).wx = target;
}

/** Fresh storage, handlers and recorded calls for the next test. */
export function resetWx(): void {
  const fresh = createDouble();
  wxDouble.storage = fresh.storage;
  wxDouble.cloudHandler = fresh.cloudHandler;
  wxDouble.uploadHandler = fresh.uploadHandler;
  wxDouble.database = undefined;
  wxDouble.router = undefined;
  wxDouble.theme = 'light';
  wxDouble.language = 'zh_CN';
  wxDouble.privacyListener = undefined;
  for (const mock of [...Object.values(wxDouble.api), cloud.init, cloud.callFunction, cloud.uploadFile, cloud.database])
    mock.mockClear();
}

export const cloudDouble = cloud;
