/**
 * WeChat open APIs through the SDK (cloud.openapi): the `wx.openApi` and `wx.api` actions, with
 * the calling function's config.json permissions checked as on CloudBase. The answers come from
 * the local WeChat server, which records every call in its outbox.
 */
import type { AdminParams, Service } from '../service';
import type { CallerContext } from '../functions/types';
import { wxApi, wxOpenApi, type OpenApiDeps } from './actions';

export interface OpenApiOptions {
  answer: OpenApiDeps['answer'];
  /** The running invocation an SDK request comes from, to check its config.json permissions. */
  callerOf(params: AdminParams): CallerContext | undefined;
}

export function createOpenApiService(options: OpenApiOptions): Service {
  const deps: OpenApiDeps = { answer: options.answer, callerOf: options.callerOf };
  return {
    name: 'openapi',
    actions: ['wx.openApi', 'wx.api'],
    admin: async (action, params) => (action === 'wx.api' ? wxApi(deps, params) : wxOpenApi(deps, params)),
  };
}
