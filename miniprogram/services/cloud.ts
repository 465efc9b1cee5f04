/**
 * The one way the mini-program calls a cloud function: typed by the shared contract, and every
 * failure, including the platform's own, resolves to the contract's error shape.
 */
import type { ApiError, CallResult, ErrorCode } from '../../typings/contract';
import type { ActionName, FunctionName, RequestOf, ResponseOf } from '../../typings/functions';
import { deviceZone } from '../shared/time';

/** Platform error codes of wx.cloud.callFunction and what they mean for the caller. */
const PLATFORM_CODES: Record<number, ErrorCode> = {
  // The function does not exist in this environment (not deployed, or the wrong env id).
  [-501000]: 'UNAVAILABLE',
  [-404011]: 'UNAVAILABLE',
  // The cloud's own system error: the request arrived, the service failed.
  [-501001]: 'UNAVAILABLE',
  // The function ran and crashed, or exceeded its configured timeout.
  [-504002]: 'INTERNAL',
  [-504003]: 'TIMEOUT',
  // The request never reached the cloud.
  [-404012]: 'NETWORK',
  [-1]: 'NETWORK',
};

function isApiResult(value: unknown): value is CallResult<unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as { ok?: unknown; code?: unknown; data?: unknown };
  return v.ok === true ? 'data' in v : v.ok === false && typeof v.code === 'string';
}

/** Maps whatever wx.cloud.callFunction rejected with to the contract. */
export function platformError(error: unknown): ApiError {
  const { errCode, errMsg } = (typeof error === 'object' && error !== null ? error : {}) as {
    errCode?: unknown;
    errMsg?: unknown;
  };
  const message = typeof errMsg === 'string' ? errMsg : error instanceof Error ? error.message : String(error);
  let code: ErrorCode = (typeof errCode === 'number' && PLATFORM_CODES[errCode]) || 'INTERNAL';
  // Timeouts and offline failures arrive without a distinct errCode; only the text tells them apart.
  if (/time ?out|timed out/i.test(message)) code = 'TIMEOUT';
  else if (/request:fail|network|offline|ERR_/i.test(message) && code === 'INTERNAL') code = 'NETWORK';
  return { ok: false, code, message };
}

export async function callCloud<F extends FunctionName, A extends ActionName<F>>(
  name: F,
  action: A,
  request: RequestOf<F, A>,
): Promise<CallResult<ResponseOf<F, A>>> {
  try {
    // Every call says where the phone is, so the server reads "today" and "9 o'clock" as the person does.
    const data = Object.assign({ action, tz: deviceZone() }, request);
    const { result } = await wx.cloud.callFunction({ name, data });
    if (isApiResult(result)) return result as CallResult<ResponseOf<F, A>>;
    return { ok: false, code: 'INTERNAL', message: `${name}.${action} answered outside the contract` };
  } catch (error) {
    return platformError(error);
  }
}

/** Errors worth another attempt: the same call may succeed a moment later. */
export function isTransient(error: ApiError): boolean {
  return error.code === 'NETWORK' || error.code === 'TIMEOUT' || error.code === 'UNAVAILABLE';
}

/** A new requestId: time and randomness, 32 characters, so no two actions of a person share one. */
export function newRequestId(): string {
  let id = Date.now().toString(36);
  while (id.length < 32) id += Math.floor(Math.random() * 36).toString(36);
  return id.slice(0, 32);
}

/** The call may have reached the cloud and done its work, and only its answer was lost. */
const answerLost = (error: ApiError): boolean => error.code === 'NETWORK' || error.code === 'TIMEOUT';

/**
 * A write the person asked for once: sent with a new requestId and, if its answer was lost (a
 * network error or a timeout), sent once more with the same one, so the cloud answers the second
 * try with the first one's answer instead of doing it again. Never repeated after an answer.
 */
export async function callOnce<F extends FunctionName, A extends ActionName<F>>(
  name: F,
  action: A,
  request: RequestOf<F, A> & { requestId?: string },
): Promise<CallResult<ResponseOf<F, A>>> {
  const sent = { ...request, requestId: newRequestId() };
  const first = await callCloud(name, action, sent);
  return !first.ok && answerLost(first) ? callCloud(name, action, sent) : first;
}
