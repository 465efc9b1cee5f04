/** The Official Account's settings, read once from the function's environment variables. */
import { WECHAT_API_BASE } from '../wechat';
import { isEncodingAesKey } from './crypto';

export interface OaAccount {
  appid: string;
  secret: string;
  /** The WeChat server API root (the local cloud serves one at /wxapi). */
  apiBase: string;
}

export interface OaConfig extends OaAccount {
  /** 令牌 (Token) from 基本配置 → 服务器配置: signs every request WeChat sends. */
  token: string;
  /** 消息加解密密钥 (EncodingAESKey); without it only plaintext mode is accepted. */
  encodingAesKey?: string;
  /** The mini-program the welcome message links to (WX_APPID). */
  miniProgramAppid?: string;
}

/** Reads OA_APPID, OA_APP_SECRET and WECHAT_API_BASE; undefined when the account is not configured. */
export function oaAccountFromEnv(env: Record<string, string | undefined>): OaAccount | undefined {
  const appid = env.OA_APPID?.trim();
  const secret = env.OA_APP_SECRET?.trim();
  if (!appid || !secret) return undefined;
  return { appid, secret, apiBase: env.WECHAT_API_BASE?.trim() || WECHAT_API_BASE };
}

/** Reads the oa function's environment; a malformed key is an error at load, never a silent plaintext mode. */
export function oaConfigFromEnv(env: Record<string, string | undefined>): OaConfig {
  const account = oaAccountFromEnv(env);
  if (!account) throw new Error('OA_APPID and OA_APP_SECRET must be set for the Official Account');
  const token = env.OA_TOKEN?.trim();
  if (!token || !/^[A-Za-z0-9]{3,32}$/.test(token)) throw new Error('OA_TOKEN must be 3-32 letters or digits');
  const key = env.OA_ENCODING_AES_KEY?.trim();
  if (key && !isEncodingAesKey(key)) throw new Error('OA_ENCODING_AES_KEY must be 43 letters and digits');
  const miniProgramAppid = env.WX_APPID?.trim();
  return {
    ...account,
    token,
    ...(key ? { encodingAesKey: key } : {}),
    ...(miniProgramAppid ? { miniProgramAppid } : {}),
  };
}
