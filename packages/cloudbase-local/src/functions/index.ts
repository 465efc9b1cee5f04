/**
 * CloudBase cloud functions (云函数): each function runs in worker processes as CloudBase runs it
 * (one invocation at a time per instance, identity from getWXContext, config.json timeouts), called
 * by the SDK's `functions.invokeFunction` or by `POST /functions/<name>`.
 */
import type { InspectorRequest, Service } from '../service';
import { intQuery } from '../wire/http';
import { invokeFunction } from './admin';
import { createFunctionHost } from './host';
import { FUNCTIONS_HTTP_PREFIX, functionsRoute } from './http';
import type { FunctionHost, FunctionHostOptions, InvocationFilter, InvocationRecord } from './types';

export type * from './types';
export { FUNCTION_NAME, readFunctionConfig } from './config';
export { createFunctionHost } from './host';
export { callerOf, invokeFunctionResponse } from './admin';
export { FUNCTION_ERRORS } from './records';

export interface FunctionsService extends Service {
  readonly host: FunctionHost;
}

function functionsView(host: FunctionHost): Array<Record<string, unknown>> {
  return host.list().map((name) => {
    let config: unknown;
    try {
      config = host.config(name);
    } catch (error) {
      config = { error: (error as Error).message };
    }
    return { name, config, instances: host.instances(name) };
  });
}

function filterOf(url: URL): InvocationFilter {
  const filter: InvocationFilter = {};
  const name = url.searchParams.get('function');
  const source = url.searchParams.get('source');
  const text = url.searchParams.get('q');
  const code = url.searchParams.get('code');
  if (name) filter.name = name;
  if (code) filter.code = code;
  if (source) filter.source = source;
  if (text) filter.text = text;
  return filter;
}

/** What a live `invocation` event says: enough for a list row; the rest is one GET away. */
function summary(record: InvocationRecord): Record<string, unknown> {
  const { id, name, source, outcome, durationMs, coldStart, appError } = record;
  return { id, name, source, outcome, durationMs, coldStart, ...(appError ? { appError } : {}) };
}

export function createFunctionsService(options: FunctionHostOptions & { bodyLimit: number }): FunctionsService {
  const { bodyLimit, ...hostOptions } = options;
  const host = createFunctionHost(hostOptions);
  return {
    name: 'functions',
    host,
    actions: ['functions.invokeFunction'],
    admin: (_action, params, requestId) => invokeFunction(host, params, requestId),
    routes: { [FUNCTIONS_HTTP_PREFIX]: functionsRoute(host, bodyLimit) },
    inspector: {
      //   GET /_/api/functions             functions with config and live instances, and the workers' memory
      functions({ method, route, json }: InspectorRequest) {
        if (method !== 'GET' || route.length !== 1) return false;
        json(200, { functions: functionsView(host), memory: host.memory() });
        return true;
      },
      //   GET /_/api/invocations?limit=50&function=&source=&q=&code=   recent invocations, newest
      //                                    first, with event, result and logs; optionally filtered
      //                                    (`code`: a log line starts with that code, `*` any code)
      //   GET /_/api/invocations/<id>      one of them
      invocations({ method, route, url, json }: InspectorRequest) {
        if (method !== 'GET' || route.length > 2) return false;
        if (route.length === 1) {
          json(200, { invocations: host.recent(intQuery(url, 'limit', 50, 500), filterOf(url)) });
          return true;
        }
        const record = host.record(route[1]);
        if (record) json(200, { invocation: record });
        else json(404, { code: 'NOT_FOUND', message: `no remembered invocation ${route[1]}` });
        return true;
      },
    },
    watch: (emit) => host.onInvocation((record) => emit({ type: 'invocation', data: summary(record) })),
    stop: () => host.close(),
  };
}
