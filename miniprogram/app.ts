import { config } from './config';
import { auth } from './services/auth';
import type { AppError, AppGlobalData, AppOption } from './types';

const MAX_ERRORS = 20;
// Coming back after this long refreshes the login, so a profile edited elsewhere shows up.
const STALE_AFTER_MS = 30 * 60 * 1000;

function describe(error: unknown): string {
  if (error instanceof Error) return error.message;
  return typeof error === 'string' ? error : JSON.stringify(error);
}

App<AppOption>({
  globalData: { theme: 'light', errors: [] } as AppGlobalData,
  themeListeners: new Set(),

  onLaunch(options) {
    wx.cloud.init({ ...(config.cloudEnv ? { env: config.cloudEnv } : {}), traceUser: true });
    this.globalData.launchScene = options.scene;
    this.globalData.theme = wx.getAppBaseInfo().theme === 'dark' ? 'dark' : 'light';
    // Silent: pages that need the user await auth.ensure() and share this same flight.
    auth.ensure().catch((error: unknown) => this.recordError('onUnhandledRejection', error));
  },

  onShow() {
    const { hiddenAt } = this.globalData;
    this.globalData.hiddenAt = undefined;
    if (hiddenAt !== undefined && Date.now() - hiddenAt > STALE_AFTER_MS) {
      auth.refresh().catch((error: unknown) => this.recordError('onUnhandledRejection', error));
    }
  },

  onHide() {
    this.globalData.hiddenAt = Date.now();
  },

  onError(message) {
    this.recordError('onError', message);
  },

  onUnhandledRejection({ reason }) {
    this.recordError('onUnhandledRejection', reason);
  },

  onPageNotFound() {
    // A stale share link or a removed page: land on the home tab rather than a blank screen.
    wx.reLaunch({ url: config.homePage });
  },

  onThemeChange({ theme }) {
    this.globalData.theme = theme;
    for (const listener of this.themeListeners) listener(theme);
  },

  recordError(source: AppError['source'], error: unknown) {
    const entry: AppError = { at: Date.now(), source, message: describe(error) };
    const { errors } = this.globalData;
    errors.push(entry);
    if (errors.length > MAX_ERRORS) errors.splice(0, errors.length - MAX_ERRORS);
    console.error(`[${source}]`, entry.message);
  },

  onThemeChanged(listener) {
    this.themeListeners.add(listener);
    return () => this.themeListeners.delete(listener);
  },
});
