/**
 * Inside a CloudBase function, the SDKs reach the platform at fixed in-network hosts over plain
 * HTTP (`http://tcb-admin.tencentyun.com/admin`, `tcb-open` for open APIs). Newer SDKs read the
 * address from TCB_CONTEXT_CNFG instead; wx-server-sdk 2.0.x keeps its database on the older
 * tcb-admin-node, which does not. So a worker sends requests for those hosts to the local cloud.
 */
import type * as Http from 'node:http';
import { createRequire } from 'node:module';

// The module object itself (an import is a read-only view), so that every user of `http` sees the change.
const http = createRequire(__filename)('node:http') as typeof Http;

const INNER_HOSTS = new Set(['tcb-admin.tencentyun.com', 'tcb-open.tencentyun.com', 'tcb-api.tencentyun.com']);

type Request = typeof Http.request;

function hostOf(options: Http.RequestOptions): string {
  return (options.hostname ?? options.host ?? '').replace(/:\d+$/, '');
}

/** Makes `http.request` and `http.get` answer the in-function hosts from `local` (the /admin URL). */
export function answerInnerHosts(local: URL): void {
  const redirect = (original: Request): Request =>
    ((...args: unknown[]) => {
      const [first] = args;
      const options =
        typeof first === 'string' || first instanceof URL ? undefined : (first as Http.RequestOptions | undefined);
      if (options && INNER_HOSTS.has(hostOf(options))) {
        args[0] = { ...options, host: undefined, hostname: local.hostname, port: Number(local.port) || 80 };
      } else if (typeof first === 'string' || first instanceof URL) {
        const url = new URL(String(first));
        if (url.protocol === 'http:' && INNER_HOSTS.has(url.hostname)) {
          url.hostname = local.hostname;
          url.port = local.port;
          args[0] = url;
        }
      }
      return (original as (...a: unknown[]) => Http.ClientRequest)(...args);
    }) as Request;
  const request = http.request;
  http.request = redirect(request);
  http.get = ((...args: Parameters<typeof Http.get>) => {
    const req = (http.request as (...a: unknown[]) => Http.ClientRequest)(...args);
    req.end();
    return req;
  }) as typeof Http.get;
}
