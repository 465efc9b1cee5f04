/** What every API area gets: the rest of the runtime, and the little state areas share. */
import type { Chrome } from '../chrome';
import type { Theme } from '../chrome/theme';
import type { AppFiles } from '../files';
import type { Router } from '../router';
import type { Wx } from './api';

export interface ShimDeps {
  chrome: Chrome;
  router: () => Router;
  /** The dev user the preview acts as. */
  openid: () => string;
  appid: string;
  /** Temporary files (chooseAvatar, chooseMedia) by their WeChat-style paths. */
  files: AppFiles;
}

export interface ShimContext extends ShimDeps {
  /** `wx.onThemeChange` listeners; the runtime calls them when the browser's colour scheme changes. */
  themeListeners: Set<(result: { theme: Theme }) => void>;
  /** Whether the shim provides `wx.<name>` (for `wx.canIUse`). */
  provides(name: string): boolean;
}

/** One API area: the `wx` members it provides, made once per preview. */
export type WxArea = (ctx: ShimContext) => Partial<Wx>;
