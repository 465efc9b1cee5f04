/**
 * WeChat open APIs (cloud.openapi): nothing is sent to WeChat. Each call lands in the outbox with
 * the answer given, WeChat's success shape or a failure a test injected; the seed of a local WeChat
 * server.
 */
import type { AdminParams, InspectorRequest, Service } from '../service';
import type { CallerContext } from '../functions/types';
import { wxApi, wxOpenApi, type OpenApiDeps } from './actions';
import { Outbox, type FailureRule } from './outbox';

export { Outbox } from './outbox';
export type { FailureRule, OutboxChange, OutboxEntry, OutboxOptions } from './outbox';

export interface OpenApiOptions {
  /** Words security.msgSecCheck treats as risky. */
  blocklist?: readonly string[];
  /** The running invocation an SDK request comes from, to check its config.json permissions. */
  callerOf(params: AdminParams): CallerContext | undefined;
}

export interface OpenApiService extends Service {
  readonly outbox: Outbox;
}

function failureRule(body: Record<string, unknown>): FailureRule | string {
  const { apiName, touser, errcode, errmsg } = body;
  if (typeof apiName !== 'string' || apiName === '') return 'apiName must be a non-empty string';
  if (typeof errcode !== 'number' || !Number.isInteger(errcode) || errcode === 0)
    return 'errcode must be a non-zero integer';
  if (touser !== undefined && typeof touser !== 'string') return 'touser must be a string';
  if (errmsg !== undefined && typeof errmsg !== 'string') return 'errmsg must be a string';
  const rule: FailureRule = { apiName, errcode };
  if (touser !== undefined) rule.touser = touser;
  if (errmsg !== undefined) rule.errmsg = errmsg;
  return rule;
}

/**
 * The outbox's part of the inspector's JSON API:
 *   GET    /_/api/outbox        open-API calls, oldest first, and pending failures
 *   POST   /_/api/outbox/fail   {apiName, touser?, errcode, errmsg?}: the next matching call fails
 *   DELETE /_/api/outbox        forget recorded calls and pending failures
 */
async function outboxRoute(outbox: Outbox, request: InspectorRequest): Promise<boolean> {
  const { method, route, json } = request;
  if (method === 'GET' && route.length === 1) {
    json(200, { entries: outbox.list(), pendingFailures: outbox.pendingFailures() });
  } else if (method === 'DELETE' && route.length === 1) {
    outbox.clear();
    json(200, { ok: true });
  } else if (method === 'POST' && route.length === 2 && route[1] === 'fail') {
    const body = await request.object();
    if (!body) return true;
    const rule = failureRule(body);
    if (typeof rule === 'string') {
      json(400, { code: 'INVALID_PARAM', message: rule });
      return true;
    }
    outbox.failNext(rule);
    json(200, { ok: true, pendingFailures: outbox.pendingFailures() });
  } else return false;
  return true;
}

export function createOpenApiService(options: OpenApiOptions): OpenApiService {
  const outbox = new Outbox(options.blocklist ? { blocklist: options.blocklist } : {});
  const deps: OpenApiDeps = { outbox, callerOf: options.callerOf };
  return {
    name: 'openapi',
    outbox,
    actions: ['wx.openApi', 'wx.api'],
    admin: async (action, params) => (action === 'wx.api' ? wxApi(deps, params) : wxOpenApi(deps, params)),
    inspector: { outbox: (request) => outboxRoute(outbox, request) },
    async clear() {
      const calls = outbox.list().length;
      outbox.clear();
      return `${calls} recorded calls forgotten`;
    },
    watch: (emit) => outbox.onChange((change) => emit({ type: 'outbox', data: { ...change } })),
  };
}
