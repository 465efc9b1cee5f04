/** The App instance's own fields, typed once for every `getApp<AppInstance>()`. */
export interface AppError {
  at: number;
  source: 'onError' | 'onUnhandledRejection' | 'component';
  message: string;
}

export interface AppGlobalData {
  theme: 'light' | 'dark';
  /** The latest failures, newest last, kept for the Me page's diagnostics and bug reports. */
  errors: AppError[];
  /** When the app last went to the background (ms), to refresh stale data on return. */
  hiddenAt?: number;
  launchScene?: number;
}

export interface AppOption {
  globalData: AppGlobalData;
  recordError(source: AppError['source'], error: unknown): void;
  onThemeChanged(listener: (theme: AppGlobalData['theme']) => void): () => void;
  themeListeners: Set<(theme: AppGlobalData['theme']) => void>;
}
