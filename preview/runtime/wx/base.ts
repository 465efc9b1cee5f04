/**
 * The basics every app touches: `canIUse`, `nextTick`, the account and launch options, app-level
 * events (theme changes reach `onThemeChange`; show/hide go to App's own hooks), the update manager.
 */
import type { WxArea } from './context';

export const base: WxArea = (ctx) => ({
  canIUse: (schema: string) => ctx.provides(schema.split('.')[0]),
  nextTick: (callback: () => void) => void setTimeout(callback, 0),
  getAccountInfoSync: () =>
    ({
      miniProgram: { appId: ctx.appid, envVersion: 'develop', version: '' },
      plugin: {},
    }) as unknown as WechatMiniprogram.AccountInfo,
  getLaunchOptionsSync: () => ctx.router().launchOptions as unknown as WechatMiniprogram.LaunchOptionsApp,
  getEnterOptionsSync: () => ctx.router().launchOptions as unknown as WechatMiniprogram.LaunchOptionsApp,
  onThemeChange: (listener) => void ctx.themeListeners.add(listener),
  offThemeChange: (listener) => void (listener && ctx.themeListeners.delete(listener)),
  onAppShow: () => undefined,
  onAppHide: () => undefined,
  getUpdateManager: () =>
    ({
      onCheckForUpdate: (cb: (r: { hasUpdate: boolean }) => void) => cb({ hasUpdate: false }),
      onUpdateReady: () => undefined,
      onUpdateFailed: () => undefined,
      applyUpdate: () => undefined,
    }) as unknown as WechatMiniprogram.UpdateManager,
});
