/**
 * A WeChat server API on loopback, answering as api.weixin.qq.com does for the calls we make:
 * codes are single-use, unknown codes get 40029, and a test can make the next call fail with a
 * chosen errcode (45011, 40226, -1, ...).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

const ERRMSG: Record<number, string> = {
  [-1]: 'system error',
  40013: 'invalid appid',
  40029: 'invalid code',
  40125: 'invalid appsecret',
  40163: 'code been used',
  40226: 'high risk user',
  45011: 'api minute-quota reach limit  mustslower  retry next minute',
};

export interface FakeWechat {
  baseUrl: string;
  appid: string;
  secret: string;
  /** Issues a one-time login code for this user, as wx.login would. */
  issueCode(openid: string, unionid?: string): string;
  failNext(errcode: number): void;
  /** Every request's path and query, secrets included, for assertions. */
  requests: Array<{ path: string; query: Record<string, string> }>;
  close(): Promise<void>;
}

export async function startFakeWechat(appid = 'wx-test-app', secret = 'test-secret-not-real'): Promise<FakeWechat> {
  const codes = new Map<string, { openid: string; unionid?: string; used: boolean }>();
  const failures: number[] = [];
  const requests: FakeWechat['requests'] = [];
  let issued = 0;

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const query = Object.fromEntries(url.searchParams);
    requests.push({ path: url.pathname, query });
    const reply = (body: object) => {
      // WeChat answers errors with HTTP 200 and an errcode in the body.
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const error = (errcode: number) =>
      reply({ errcode, errmsg: `${ERRMSG[errcode] ?? 'error'}, rid: fake-${requests.length}` });

    if (url.pathname !== '/sns/jscode2session' || req.method !== 'GET') {
      res.writeHead(404).end();
      return;
    }
    const forced = failures.shift();
    if (forced !== undefined) return error(forced);
    if (query.appid !== appid) return error(40013);
    if (query.secret !== secret) return error(40125);
    const entry = codes.get(query.js_code ?? '');
    if (!entry || query.grant_type !== 'authorization_code') return error(40029);
    if (entry.used) return error(40163);
    entry.used = true;
    reply({
      openid: entry.openid,
      session_key: `sk-${entry.openid}-${issued}`,
      ...(entry.unionid ? { unionid: entry.unionid } : {}),
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    baseUrl: `http://127.0.0.1:${port}`,
    appid,
    secret,
    requests,
    issueCode(openid, unionid) {
      const code = `code-${++issued}-${openid}`;
      codes.set(code, { openid, ...(unionid ? { unionid } : {}), used: false });
      return code;
    },
    failNext(errcode) {
      failures.push(errcode);
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
