/**
 * `POST /functions/<name>`: wx.cloud.callFunction for browsers and tests. The body is the event;
 * the caller's identity comes from the x-wx-openid, x-wx-appid and x-wx-unionid headers.
 * Answers `{ result }`, or `{ errCode, errMsg }` with 404 (no such function), 500 (threw or
 * crashed), 504 (timed out), 400/413 (unreadable or oversized body).
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RouteHandler } from '../service';
import { header, parseJsonObject, readBodyOr413, requirePost, sendJson } from '../wire/http';
import { FUNCTION_NAME } from './config';
import { FUNCTION_ERRORS } from './records';
import type { CallerIdentity, FunctionHost } from './types';

export const FUNCTIONS_HTTP_PREFIX = '/functions/';

/** errCode for a request /functions/<name> cannot read (wx-server-sdk's INVALID_PARAM). */
const INVALID_PARAM_ERRCODE = FUNCTION_ERRORS.invalidParam.errCode;

/**
 * HTTP status for the host's errCodes: -501000 not found, -501007 an event it cannot pass on,
 * -501004 past the concurrency quota, -504003 timed out, -504002 threw or crashed.
 */
function httpStatusFor(errCode: number): number {
  if (errCode === FUNCTION_ERRORS.notFound.errCode) return 404;
  if (errCode === FUNCTION_ERRORS.concurrencyLimit.errCode) return 429;
  if (errCode === INVALID_PARAM_ERRCODE) return 400;
  if (errCode === FUNCTION_ERRORS.timeout.errCode) return 504;
  return 500;
}

function identityFrom(req: IncomingMessage): CallerIdentity {
  const identity: CallerIdentity = {};
  const openid = header(req, 'x-wx-openid');
  const appid = header(req, 'x-wx-appid');
  const unionid = header(req, 'x-wx-unionid');
  if (openid) identity.openid = openid;
  if (appid) identity.appid = appid;
  if (unionid) identity.unionid = unionid;
  const ip = req.socket.remoteAddress;
  if (ip) identity.clientIp = ip.replace(/^::ffff:/, '');
  return identity;
}

async function callFunction(
  functions: FunctionHost,
  bodyLimit: number,
  req: IncomingMessage,
  res: ServerResponse,
  name: string,
): Promise<void> {
  const requestId = randomUUID();
  const raw = await readBodyOr413(req, res, bodyLimit, (errMsg) => ({ errCode: INVALID_PARAM_ERRCODE, errMsg }));
  if (!raw) return;
  const reply = (status: number, body: Record<string, unknown>): void =>
    sendJson(req, res, status, { ...body, requestId }, { 'x-request-id': requestId });
  let event: Record<string, unknown>;
  try {
    event = parseJsonObject(raw);
  } catch (error) {
    reply(400, {
      errCode: INVALID_PARAM_ERRCODE,
      errMsg: `request body is not a readable JSON object: ${(error as Error).message}`,
    });
    return;
  }
  if (!FUNCTION_NAME.test(name)) {
    reply(404, { errCode: FUNCTION_ERRORS.notFound.errCode, errMsg: 'FunctionName parameter could not be found.' });
    return;
  }
  const outcome = await functions.invoke(name, event, identityFrom(req), { source: 'wx_client', requestId });
  if (outcome.ok) reply(200, { result: outcome.result ?? null });
  else reply(httpStatusFor(outcome.errCode), { errCode: outcome.errCode, errMsg: outcome.errMsg });
}

export function functionsRoute(functions: FunctionHost, bodyLimit: number): RouteHandler {
  return async (req, res, url) => {
    if (!requirePost(req, res)) return true;
    const name = decodeURIComponent(url.pathname.slice(FUNCTIONS_HTTP_PREFIX.length));
    await callFunction(functions, bodyLimit, req, res, name);
    return true;
  };
}
