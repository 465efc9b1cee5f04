/**
 * `/wxapi/<path>`: the WeChat server API as a function calls it over HTTPS, at the same paths as
 * api.weixin.qq.com (point `WECHAT_API_BASE` here). Arguments come in the query and, for POST, a
 * JSON body; the answer is WeChat's JSON, errors included, with HTTP 200.
 */
import type { RouteHandler } from '../service';
import { readBodyOr413, sendJson } from '../wire/http';
import { parseJson } from '../wire/json';
import { wxError } from './errors';
import type { WechatServer } from './server';

export const WXAPI_PREFIX = '/wxapi/';

export function wxapiRoute(server: WechatServer, bodyLimit: number): RouteHandler {
  return async (req, res, url) => {
    const path = url.pathname.slice(WXAPI_PREFIX.length).replace(/\/+$/, '');
    const method = req.method ?? 'GET';
    const query = Object.fromEntries(url.searchParams);
    let body: Record<string, unknown> = {};
    if (method === 'POST') {
      const raw = await readBodyOr413(req, res, bodyLimit, () => wxError(47001, 'post data too large'));
      if (!raw) return true;
      const text = raw.toString('utf8').trim();
      if (text === '') {
        sendJson(req, res, 200, wxError(44002));
        return true;
      }
      try {
        const parsed = parseJson(text);
        if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
          throw new SyntaxError('not an object');
        body = parsed as Record<string, unknown>;
      } catch {
        sendJson(req, res, 200, wxError(47001));
        return true;
      }
    }
    const answer = server.http(path, method, query, body);
    sendJson(req, res, answer.status, answer.body);
    return true;
  };
}
