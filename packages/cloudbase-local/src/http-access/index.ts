/**
 * CloudBase's HTTP access service (HTTP 访问服务): functions reached over plain HTTP at
 * `/http/<path>`, by routes given as an option (`httpRoutes`, what a project declares as each
 * function's `path` in cloudbaserc.json). The function receives the integration request and its
 * return value becomes the HTTP answer. Failures answer CloudBase's gateway codes as JSON
 * `{ code, message, requestId }`: INVALID_PATH (404) no route, FUNCTION_NOT_FOUND (404),
 * EXCEED_MAX_PAYLOAD_SIZE (413; text bodies over 100 KB, others over the body limit),
 * FUNCTION_INVOCATION_FAILED (500: threw, crashed, or an invalid integration response),
 * FUNCTION_TIME_LIMIT_EXCEEDED (504: past the function's config.json timeout). An invocation runs
 * on when its caller hangs up, as on CloudBase.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { TENCENTCLOUD_APPID, TENCENTCLOUD_UIN } from '../functions/context';
import { FUNCTION_ERRORS } from '../functions/records';
import type { FunctionHost } from '../functions/types';
import type { InspectorRequest, RouteHandler, Service } from '../service';
import { BodyTooLargeError, corsHeaders, formatBytes, header, readBody, sendJson } from '../wire/http';
import { buildEvent, isTextBody } from './event';
import { BadIntegrationResponse, toHttpAnswer } from './response';
import { matchRoute, normalizeRoutes, type HttpRoute } from './routes';

export { normalizeRoutes, type HttpRoute } from './routes';
export type { HttpAccessEvent } from './event';

export const HTTP_ACCESS_PREFIX = '/http';
/** CloudBase's gateway takes text bodies up to 100 KB (binary ones are bounded by the body limit). */
export const TEXT_BODY_LIMIT = 100 * 1024;

export interface HttpAccessOptions {
  functions: FunctionHost;
  routes: readonly HttpRoute[];
  envId: string;
  /** Largest body of any type (the local cloud's body limit). */
  bodyLimit: number;
  /** Largest text body; default 100 KB. */
  textBodyLimit?: number;
}

function statusFor(errCode: number): [number, string] {
  if (errCode === FUNCTION_ERRORS.notFound.errCode) return [404, 'FUNCTION_NOT_FOUND'];
  if (errCode === FUNCTION_ERRORS.timeout.errCode) return [504, 'FUNCTION_TIME_LIMIT_EXCEEDED'];
  if (errCode === FUNCTION_ERRORS.concurrencyLimit.errCode) return [429, 'EXCEED_CONCURRENT_REQUEST_LIMIT'];
  return [500, 'FUNCTION_INVOCATION_FAILED'];
}

function fail(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  code: string,
  message: string,
  requestId: string,
): void {
  sendJson(req, res, status, { code, message, requestId }, { 'x-request-id': requestId });
}

async function serve(
  options: HttpAccessOptions,
  routes: readonly HttpRoute[],
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<void> {
  const requestId = randomUUID();
  const match = matchRoute(routes, url.pathname.slice(HTTP_ACCESS_PREFIX.length) || '/');
  if (!match) {
    fail(req, res, 404, 'INVALID_PATH', `no HTTP access route for ${url.pathname}`, requestId);
    return;
  }
  const textLimit = Math.min(options.textBodyLimit ?? TEXT_BODY_LIMIT, options.bodyLimit);
  const tooLarge = (limit: number): void => {
    res.setHeader('connection', 'close');
    fail(req, res, 413, 'EXCEED_MAX_PAYLOAD_SIZE', `request body exceeds the ${formatBytes(limit)} limit`, requestId);
  };
  let body: Buffer;
  try {
    body = await readBody(req, options.bodyLimit);
  } catch (error) {
    if (!(error instanceof BodyTooLargeError)) throw error;
    tooLarge(options.bodyLimit);
    return;
  }
  if (body.length > textLimit && isTextBody(header(req, 'content-type'), body)) {
    tooLarge(textLimit);
    return;
  }
  const ip = req.socket.remoteAddress?.replace(/^::ffff:/, '');
  const event = buildEvent(req, url, match.subpath, body, {
    requestId,
    envId: options.envId,
    appId: Number(TENCENTCLOUD_APPID),
    uin: Number(TENCENTCLOUD_UIN),
  });
  const outcome = await options.functions.invoke(match.route.function, event, ip ? { clientIp: ip } : {}, {
    requestId,
    origin: 'http',
  });
  if (!outcome.ok) {
    const [status, code] = statusFor(outcome.errCode);
    fail(req, res, status, code, outcome.errMsg, requestId);
    return;
  }
  let answer;
  try {
    answer = toHttpAnswer(outcome.result);
  } catch (error) {
    if (!(error instanceof BadIntegrationResponse)) throw error;
    fail(req, res, 500, 'FUNCTION_INVOCATION_FAILED', error.message, requestId);
    return;
  }
  const own = Object.keys(answer.headers).some((name) => name.startsWith('access-control-'));
  res.writeHead(answer.status, {
    ...(own ? {} : corsHeaders(req)),
    ...answer.headers,
    'content-length': String(answer.body.length),
    'x-request-id': requestId,
  });
  res.end(answer.body);
}

export function createHttpAccessService(options: HttpAccessOptions): Service {
  const routes = normalizeRoutes(options.routes);
  const handler: RouteHandler = async (req, res, url) => {
    if (url.pathname !== HTTP_ACCESS_PREFIX && !url.pathname.startsWith(`${HTTP_ACCESS_PREFIX}/`)) return false;
    await serve(options, routes, req, res, url);
    return true;
  };
  return {
    name: 'http-access',
    routes: { [HTTP_ACCESS_PREFIX]: handler, [`${HTTP_ACCESS_PREFIX}/`]: handler },
    inspector: {
      //   GET /_/api/http-routes   the HTTP access routes: [{path, function, url}]
      'http-routes'({ method, route, json }: InspectorRequest) {
        if (method !== 'GET' || route.length !== 1) return false;
        json(200, { routes: routes.map((r) => ({ ...r, url: `${HTTP_ACCESS_PREFIX}${r.path}` })) });
        return true;
      },
    },
  };
}
