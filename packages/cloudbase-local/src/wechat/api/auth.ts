/**
 * Credentials: `sns/jscode2session` (a wx.login code for the mini-program user's openid, unionid
 * and session_key), `cgi-bin/token` and `cgi-bin/stable_token` (access_token for either app).
 * Login codes are the preview's dev codes, `dev-<openid>-<nonce>`, each usable once.
 */
import { randomBytes } from 'node:crypto';
import { WxFailure, type WxAnswer } from '../errors';
import type { ApiCall, ApiSpec, WechatApp, WechatState } from './types';

const DEV_CODE = /^dev-(.+)-([A-Za-z0-9]+)$/;

function appFor(state: WechatState, appid: unknown, secret: unknown, only?: WechatApp): WechatApp {
  if (typeof appid !== 'string' || appid === '') throw new WxFailure(41002);
  const app = [only ?? state.miniProgram, ...(only ? [] : [state.officialAccount])].find((a) => a.appid === appid);
  if (!app) throw new WxFailure(40013);
  if (typeof secret !== 'string' || secret === '') throw new WxFailure(41004);
  if (secret !== app.secret) throw new WxFailure(40125);
  return app;
}

function grantType(value: unknown, expected: string): void {
  if (value !== expected) throw new WxFailure(40002);
}

export function createAuthApis(): Record<string, ApiSpec> {
  const usedCodes = new Set<string>();
  return {
    'sns/jscode2session': {
      method: 'GET',
      run({ state, query }: ApiCall): WxAnswer {
        appFor(state, query.appid, query.secret, state.miniProgram);
        grantType(query.grant_type, 'authorization_code');
        const code = query.js_code;
        if (code === undefined || code === '') throw new WxFailure(41008);
        const person = state.people.miniProgram(DEV_CODE.exec(code)?.[1] ?? '');
        if (!person) throw new WxFailure(40029);
        if (usedCodes.has(code)) throw new WxFailure(40163);
        usedCodes.add(code);
        // jscode2session answers without errcode on success.
        return {
          openid: person.miniProgramOpenid,
          session_key: randomBytes(16).toString('base64'),
          unionid: person.unionid,
        };
      },
    },
    'cgi-bin/token': {
      method: 'GET',
      run({ state, query }) {
        grantType(query.grant_type, 'client_credential');
        const app = appFor(state, query.appid, query.secret);
        return { ...state.tokens.basicToken(app.appid) };
      },
    },
    'cgi-bin/stable_token': {
      method: 'POST',
      run({ state, body }) {
        grantType(body.grant_type, 'client_credential');
        const app = appFor(state, body.appid, body.secret);
        if (body.force_refresh !== undefined && typeof body.force_refresh !== 'boolean') throw new WxFailure(47001);
        return { ...state.tokens.stableToken(app.appid, body.force_refresh === true) };
      },
    },
  };
}
