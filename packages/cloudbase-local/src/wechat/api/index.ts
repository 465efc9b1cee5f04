/**
 * The WeChat server APIs the local WeChat server answers, by their path on api.weixin.qq.com, and
 * the checks every call passes first: the method (43001/43002) and the caller's access_token
 * (41001, 40014, 40001, 42001; 48001 when it is the other app's).
 */
import { WxFailure, type WxAnswer } from '../errors';
import { msgSecCheck } from '../security';
import { createAuthApis } from './auth';
import { messageApis } from './messages';
import type { ApiCall, ApiSpec } from './types';
import { userApis } from './users';

export type * from './types';

export function createApis(): ReadonlyMap<string, ApiSpec> {
  return new Map(
    Object.entries({
      ...createAuthApis(),
      ...userApis,
      ...messageApis,
      'wxa/msg_sec_check': {
        method: 'POST',
        app: 'miniProgram',
        run: ({ state, body }: ApiCall) => msgSecCheck(body, state.words, state.people),
      } satisfies ApiSpec,
    }),
  );
}

/** Runs one call after WeChat's common checks; a WxFailure thrown anywhere becomes its errcode. */
export function runApi(spec: ApiSpec, method: string, call: ApiCall): WxAnswer {
  if (method !== spec.method) throw new WxFailure(spec.method === 'GET' ? 43001 : 43002);
  if (spec.app) {
    const appid = call.state.tokens.check(call.query.access_token);
    if (appid !== call.state[spec.app].appid) throw new WxFailure(48001);
  }
  return spec.run(call);
}
