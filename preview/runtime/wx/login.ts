/** `wx.login` and `wx.checkSession`, as the dev user of the preview. */
import { asyncApi } from './api';
import type { WxArea } from './context';

export const login: WxArea = (ctx) => {
  let count = 0;
  return {
    // A dev code the local WeChat server's jscode2session maps to this user; single-use, as WeChat's
    // codes are, so the time keeps it unique across page reloads (the counter starts over).
    login: asyncApi('login', async () => ({ code: `dev-${ctx.openid()}-${Date.now().toString(36)}${++count}` })),
    checkSession: asyncApi('checkSession', async () => ({})),
  };
};
