/**
 * `POST /admin`: one request per SDK call, its `action` naming what to do. Database actions go to the
 * store, `functions.invokeFunction` to the function host, `wx.openApi`/`wx.api` to the outbox,
 * `storage.*` to the storage module. Answers are JSON `{ ...body, requestId }`, except wx.openApi
 * whose success answer is a protobuf CommOpenApiResp (wx-server-sdk decodes a Buffer).
 */
import type { DocumentStore } from '../database/store/types';
import { invokeFunctionResponse } from '../functions';
import type { CallerContext, FunctionHost } from '../functions/types';
import type { Outbox } from './outbox';
import type { LocalStorage } from '../storage/types';
import { handleDatabaseAction, isDatabaseAction, type Body, type DatabaseOptions } from '../database/actions';
import { invalidParam, toWireError, WireError } from '../wire/errors';
import { decodeCommApiData, encodeCommOpenApiResp, ProtobufError } from './protobuf';
import { pairsToPayload } from './answers';

export interface AdminDeps {
  store: DocumentStore;
  outbox: Outbox;
  functions?: FunctionHost;
  /** `storage.*` actions are the storage module's; the dispatcher only routes them. */
  storage?: Pick<LocalStorage, 'handleAction'>;
  database: DatabaseOptions;
}

/** A parsed request: JSON fields, or multipart fields where file parts are Buffers. */
export type AdminParams = Record<string, unknown>;

export type AdminReply =
  { kind: 'json'; body: Record<string, unknown> } | { kind: 'binary'; contentType: string; body: Buffer };

/** The open-API answer's error code when the calling function's config.json does not grant the API. */
const WX_FUNCTIONS_SERVER_OPENAPI_NO_PERMISSION = -604101;
const OPEN_API_TYPE = 0;

function callerOf(deps: AdminDeps, params: AdminParams): CallerContext | undefined {
  const token = params.wxCloudApiToken;
  return typeof token === 'string' && token !== '' ? deps.functions?.callerOf(token) : undefined;
}

/** cloud.callFunction inside a function: the callee runs as the caller's user, as on CloudBase. */
async function invokeFunction(deps: AdminDeps, params: AdminParams, requestId: string): Promise<Body> {
  if (!deps.functions) throw new WireError('FUNCTIONS_REQUEST_FAIL', 'this local cloud was started without functions');
  const name = params.function_name;
  if (typeof name !== 'string' || name === '') throw invalidParam('function_name must be a non-empty string');
  const raw = params.request_data ?? '';
  if (typeof raw !== 'string') throw invalidParam('request_data must be a JSON string');
  let event: unknown = {};
  if (raw !== '') {
    try {
      event = JSON.parse(raw);
    } catch (error) {
      throw invalidParam(`request_data is not valid JSON: ${(error as Error).message}`);
    }
  }
  const caller = callerOf(deps, params);
  const outcome = await deps.functions.invoke(name, event, caller?.identity ?? {}, { requestId });
  // The function host owns the answer's shape (FUNCTIONS_EXECUTE_FAIL -> -504002 in the SDK, ...).
  return invokeFunctionResponse(outcome);
}

function openApiPermitted(caller: CallerContext | undefined, apiName: string): boolean {
  // Only calls made from inside a hosted function are checked; tests driving the SDK directly are trusted.
  if (!caller) return true;
  return caller.config.permissions?.openapi?.includes(apiName) ?? false;
}

function wxOpenApi(deps: AdminDeps, params: AdminParams): AdminReply {
  const apiName = params.apiName;
  if (typeof apiName !== 'string' || apiName === '') throw invalidParam('apiName must be a non-empty string');
  const data = params.requestData;
  if (!Buffer.isBuffer(data)) throw invalidParam('requestData must be a protobuf file part');
  let decoded;
  try {
    decoded = decodeCommApiData(data);
  } catch (error) {
    if (error instanceof ProtobufError)
      throw invalidParam(`requestData is not a CommApiData message: ${error.message}`);
    throw error;
  }
  if (decoded.apiType !== OPEN_API_TYPE) {
    throw new WireError('INVALID_PARAM', `${apiName}: only OPEN_API calls are emulated (apiType ${decoded.apiType})`);
  }
  const contentType = 'application/json; charset=utf-8';
  if (!openApiPermitted(callerOf(deps, params), apiName)) {
    const respData = Buffer.from('');
    const body = encodeCommOpenApiResp({ respData, contentType, errorCode: WX_FUNCTIONS_SERVER_OPENAPI_NO_PERMISSION });
    return { kind: 'binary', contentType: 'application/octet-stream', body };
  }
  const answer = deps.outbox.call(apiName, pairsToPayload(decoded.pairs));
  const body = encodeCommOpenApiResp({ respData: Buffer.from(JSON.stringify(answer)), contentType, httpCode: 200 });
  return { kind: 'binary', contentType: 'application/octet-stream', body };
}

/** The deprecated JSON form (`cloud.callOpenAPI`): requestData is the JSON text of the arguments. */
function wxApi(deps: AdminDeps, params: AdminParams): Body {
  const apiName = params.apiName;
  if (typeof apiName !== 'string' || apiName === '') throw invalidParam('apiName must be a non-empty string');
  const raw = params.requestData ?? '';
  if (typeof raw !== 'string') throw invalidParam('requestData must be a JSON string');
  let payload: unknown;
  try {
    payload = raw === '' ? {} : JSON.parse(raw);
  } catch (error) {
    throw invalidParam(`requestData is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload))
    throw invalidParam('requestData must be an object');
  if (!openApiPermitted(callerOf(deps, params), apiName)) {
    throw new WireError('WX_API_PERMISSION_DENIED', `function has no permission to call ${apiName}`);
  }
  const answer = deps.outbox.call(apiName, payload as Record<string, unknown>);
  return { data: { responseData: JSON.stringify(answer) } };
}

async function dispatch(deps: AdminDeps, action: string, params: AdminParams, requestId: string): Promise<AdminReply> {
  const json = (body: Body): AdminReply => ({ kind: 'json', body: { ...body, requestId } });
  if (isDatabaseAction(action)) return json(await handleDatabaseAction(deps.store, action, params, deps.database));
  if (action === 'functions.invokeFunction') return json(await invokeFunction(deps, params, requestId));
  if (action === 'wx.openApi') return wxOpenApi(deps, params);
  if (action === 'wx.api') return json(wxApi(deps, params));
  if (action.startsWith('storage.') && deps.storage) {
    return json(await deps.storage.handleAction(action, params));
  }
  throw new WireError('INVALID_ACTION', `unknown action "${action}"`);
}

/** Never throws: every failure becomes CloudBase's `{ code, message, requestId }`. */
export async function handleAdmin(deps: AdminDeps, params: AdminParams, requestId: string): Promise<AdminReply> {
  try {
    const action = params.action;
    if (typeof action !== 'string' || action === '') throw invalidParam('action must be a non-empty string');
    return await dispatch(deps, action, params, requestId);
  } catch (error) {
    const wire = toWireError(error);
    return { kind: 'json', body: { code: wire.code, message: wire.message, requestId } };
  }
}
