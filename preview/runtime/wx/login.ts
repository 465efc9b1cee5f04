/** `wx.login` and `wx.checkSession`, as the dev user of the preview. */
import { asyncApi } from './api';
import type { WxArea } from './context';

export const login: WxArea = (ctx) => {
  let count = 0;
  return {
    // A dev code: the local login function ignores it without an AppSecret and reads the openid header.
    login: asyncApi('login', async () => ({ code: `dev-${ctx.openid()}-${++count}` })),
    checkSession: asyncApi('checkSession', async () => ({})),
  };
};
