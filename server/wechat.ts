/**
 * The WeChat server API's address. The base URL is configuration so tests (and the local cloud)
 * point it at a local server that answers as api.weixin.qq.com does.
 */
export const WECHAT_API_BASE = 'https://api.weixin.qq.com';

/** `path` under the base URL, keeping any path the base has (the local cloud serves the API at /wxapi). */
export function wechatApiUrl(path: string, baseUrl = WECHAT_API_BASE): URL {
  return new URL(path, baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`);
}
