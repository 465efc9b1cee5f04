/**
 * `functions.invokeFunction`, the SDK's cloud.callFunction from inside a function (or from any SDK
 * client): the callee runs as the caller's user, as on CloudBase.
 */
import type { AdminParams, AdminReply } from '../service';
import { invalidParam } from '../wire/errors';
import { parseJson } from '../wire/json';
import { FUNCTION_ERRORS } from './records';
import type { FunctionHost, InvokeOutcome } from './types';

/**
 * The `functions.invokeFunction` answer node-sdk parses: `data.response_data` is the function's
 * JSON text; a failure carries a TCB code that wx-server-sdk turns into errCode (-504002 for
 * FUNCTIONS_EXECUTE_FAIL) with the message callers of CloudBase see.
 */
export function invokeFunctionResponse(
  outcome: InvokeOutcome,
): { requestId: string; data: { response_data: string } } | { requestId: string; code: string; message: string } {
  if (outcome.ok) return { requestId: outcome.requestId, data: { response_data: outcome.resultJson } };
  if (outcome.errCode === FUNCTION_ERRORS.invalidParam.errCode) {
    return { requestId: outcome.requestId, code: 'INVALID_PARAM', message: outcome.errMsg };
  }
  if (outcome.errCode === FUNCTION_ERRORS.notFound.errCode) {
    // The code @cloudbase/node-sdk's own tests expect from CloudBase; the words are the platform's.
    return {
      requestId: outcome.requestId,
      code: 'FUNCTION_NOT_FOUND',
      message: `errCode: ${outcome.errCode}  | errMsg: ${outcome.errMsg}`,
    };
  }
  if (outcome.errCode === FUNCTION_ERRORS.concurrencyLimit.errCode) {
    return { requestId: outcome.requestId, code: 'EXCEED_CONCURRENT_REQUEST_LIMIT', message: outcome.errMsg };
  }
  const label =
    outcome.errCode === FUNCTION_ERRORS.timeout.errCode
      ? FUNCTION_ERRORS.timeout.label
      : FUNCTION_ERRORS.executeFail.label;
  return {
    requestId: outcome.requestId,
    code: 'FUNCTIONS_EXECUTE_FAIL',
    message: `errCode: ${outcome.errCode} ${label} | errMsg: ${outcome.errMsg}`,
  };
}

/** The invocation behind an SDK request, from the `wxCloudApiToken` the SDK sends inside a function. */
export function callerOf(functions: FunctionHost, params: AdminParams): ReturnType<FunctionHost['callerOf']> {
  const token = params.wxCloudApiToken;
  return typeof token === 'string' && token !== '' ? functions.callerOf(token) : undefined;
}

export async function invokeFunction(
  functions: FunctionHost,
  params: AdminParams,
  requestId: string,
): Promise<AdminReply> {
  const name = params.function_name;
  if (typeof name !== 'string' || name === '') throw invalidParam('function_name must be a non-empty string');
  const raw = params.request_data ?? '';
  if (typeof raw !== 'string') throw invalidParam('request_data must be a JSON string');
  let event: unknown = {};
  if (raw !== '') {
    try {
      event = parseJson(raw);
    } catch (error) {
      throw invalidParam(`request_data is not valid JSON: ${(error as Error).message}`);
    }
  }
  const caller = callerOf(functions, params);
  const outcome = await functions.invoke(name, event, caller?.identity ?? {}, { requestId });
  // The function host owns the answer's shape (FUNCTIONS_EXECUTE_FAIL -> -504002 in the SDK, ...).
  return { kind: 'json', body: invokeFunctionResponse(outcome) };
}
