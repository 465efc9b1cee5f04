/**
 * `wx` for the browser preview: one module per API area, each typed by miniprogram-api-typings
 * (api.ts), merged here into one object. Anything else the app touches is reported loudly, naming the
 * API, and fails. A new API goes in its area's module; a new area is a module and a line in AREAS.
 */
import type { Theme } from '../chrome/theme';
import { analytics } from './analytics';
import type { Wx } from './api';
import { base } from './base';
import { clipboard } from './clipboard';
import { cloud } from './cloud';
import type { ShimContext, ShimDeps, WxArea } from './context';
import { device } from './device';
import { feedback } from './feedback';
import { login } from './login';
import { media } from './media';
import { navigationBar } from './navigation-bar';
import { network } from './network';
import { page } from './page';
import { route } from './route';
import { selectorQuery } from './selector-query';
import { share } from './share';
import { storage } from './storage';
import { subscribe } from './subscribe';
import { system } from './system';
import { tabBar } from './tab-bar';

export type { ShimDeps } from './context';

const AREAS: Record<string, WxArea> = {
  login,
  cloud,
  storage,
  feedback,
  subscribe,
  route,
  navigationBar,
  tabBar,
  page,
  share,
  system,
  base,
  network,
  device,
  analytics,
  clipboard,
  media,
  selectorQuery,
};

export interface Shim {
  wx: Wx;
  /** Every API the shim provides (`cloud.callFunction` for the members of `wx.cloud`). */
  implemented: string[];
  emitTheme(theme: Theme): void;
}

const missing = (path: string) => (): never => {
  const message = `wx.${path} is not available in the browser preview (preview/runtime/wx/)`;
  console.error(`[preview] ${message}`);
  throw new Error(message);
};

/** `target`, with a loud failure for any member it lacks (`prefix` names where it hangs off `wx`). */
const loud = <T extends object>(target: T, prefix: string): T =>
  new Proxy(target, {
    get: (t, key) => (typeof key === 'string' && !(key in t) ? missing(`${prefix}${key}`) : Reflect.get(t, key)),
  });

export function createWx(deps: ShimDeps): Shim {
  const table: Record<string, unknown> = {};
  const ctx: ShimContext = {
    ...deps,
    themeListeners: new Set(),
    provides: (name) => typeof table[name] !== 'undefined',
  };
  for (const [area, make] of Object.entries(AREAS)) {
    for (const [name, api] of Object.entries(make(ctx))) {
      if (name in table) throw new Error(`wx.${name} is provided twice (again by the ${area} area)`);
      table[name] = api;
    }
  }

  const implemented = Object.keys(table);
  // Namespaces (`wx.cloud`) fail loudly for their own missing members too.
  for (const [name, value] of Object.entries(table)) {
    if (typeof value !== 'object' || value === null) continue;
    implemented.push(...Object.keys(value).map((member) => `${name}.${member}`));
    table[name] = loud(value, `${name}.`);
  }
  return {
    wx: loud(table, '') as unknown as Wx,
    implemented,
    emitTheme(theme) {
      for (const listener of ctx.themeListeners) listener({ theme });
    },
  };
}
