/**
 * The SDK's open-API actions: `wx.openApi` (cloud.openapi.*, a protobuf CommApiData in, a protobuf
 * CommOpenApiResp out) and the deprecated JSON `wx.api` (cloud.callOpenAPI). A function may call
 * only the APIs its config.json grants, as on CloudBase.
 */
import type { CallerContext } from '../functions/types';
import type { AdminParams, AdminReply } from '../service';
import { invalidParam, WireError } from '../wire/errors';
import { parseJson } from '../wire/json';
import { IMAGE_APIS, PLACEHOLDER_PNG } from './images';
import { decodeCommApiData, encodeCommOpenApiResp, pairsToPayload, ProtobufError } from './protobuf';

export interface OpenApiDeps {
  /** The local WeChat server's door for cloud.openapi calls: records the call and answers it. */
  answer(apiName: string, payload: Record<string, unknown>): Record<string, unknown>;
  /** The function invocation making the request (from its wxCloudApiToken), if any. */
  callerOf(params: AdminParams): CallerContext | undefined;
}

/** The open-API answer's error code when the calling function's config.json does not grant the API. */
const WX_FUNCTIONS_SERVER_OPENAPI_NO_PERMISSION = -604101;
const OPEN_API_TYPE = 0;

function openApiPermitted(caller: CallerContext | undefined, apiName: string): boolean {
  // Only calls made from inside a hosted function are checked; tests driving the SDK directly are trusted.
  if (!caller) return true;
  return caller.config.permissions?.openapi?.includes(apiName) ?? false;
}

export function wxOpenApi(deps: OpenApiDeps, params: AdminParams): AdminReply {
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
  if (!openApiPermitted(deps.callerOf(params), apiName)) {
    const respData = Buffer.from('');
    const body = encodeCommOpenApiResp({ respData, contentType, errorCode: WX_FUNCTIONS_SERVER_OPENAPI_NO_PERMISSION });
    return { kind: 'binary', contentType: 'application/octet-stream', body };
  }
  const answer = deps.answer(apiName, pairsToPayload(decoded.pairs));
  // A code WeChat draws comes back as the picture's bytes, which the SDK hands over as { contentType, buffer }.
  const picture = IMAGE_APIS.has(apiName) && !answer.errcode;
  const body = encodeCommOpenApiResp({
    respData: picture ? PLACEHOLDER_PNG : Buffer.from(JSON.stringify(answer)),
    contentType: picture ? 'image/png' : contentType,
    httpCode: 200,
  });
  return { kind: 'binary', contentType: 'application/octet-stream', body };
}

/** The deprecated JSON form (`cloud.callOpenAPI`): requestData is the JSON text of the arguments. */
export function wxApi(deps: OpenApiDeps, params: AdminParams): AdminReply {
  const apiName = params.apiName;
  if (typeof apiName !== 'string' || apiName === '') throw invalidParam('apiName must be a non-empty string');
  const raw = params.requestData ?? '';
  if (typeof raw !== 'string') throw invalidParam('requestData must be a JSON string');
  let payload: unknown;
  try {
    payload = raw === '' ? {} : parseJson(raw);
  } catch (error) {
    throw invalidParam(`requestData is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload))
    throw invalidParam('requestData must be an object');
  if (!openApiPermitted(deps.callerOf(params), apiName)) {
    throw new WireError('WX_API_PERMISSION_DENIED', `function has no permission to call ${apiName}`);
  }
  const answer = deps.answer(apiName, payload as Record<string, unknown>);
  return { kind: 'json', body: { data: { responseData: JSON.stringify(answer) } } };
}
