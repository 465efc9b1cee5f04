/**
 * The inspector's JSON API under /_/api/ (read by the page at /_/ and by tests):
 *   GET    /_/api/collections                         [{name, count}]
 *   GET    /_/api/collections/<name>/docs?page&size   documents newest first, Extended JSON (ISO dates)
 *   GET    /_/api/functions                           functions with config and live instances
 *   GET    /_/api/invocations?limit=50                recent invocations with their logs, newest first
 *   GET    /_/api/outbox                              open-API calls, oldest first, and pending failures
 *   POST   /_/api/outbox/fail                         {apiName, touser?, errcode, errmsg?}: next matching call fails
 *   DELETE /_/api/outbox                              forget recorded calls and pending failures
 *   GET    /_/api/triggers                            timer triggers of every function, with next run
 *   POST   /_/api/triggers/<fn>/<trigger>             runs that timer trigger now: {ok, result | errCode, errMsg}
 *   PUT    /_/api/files?cloudPath=a/b.png             raw body stored as that file: {fileID}
 *   GET    /_/api/files?fileID=cloud://...            the file's bytes
 * The file routes are how the browser preview (and component tests) do wx.cloud.uploadFile.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DocumentStore } from '../database/store/types';
import type { FunctionHost } from '../functions/types';
import type { FailureRule, Outbox } from '../openapi/outbox';
import * as ejson from '../wire/ejson';
import { BodyTooLargeError, parseJsonObject, readBody, sendBytes, sendJson } from '../wire/http';
import type { LocalStorage } from '../storage/types';
import { UnknownTriggerError, type Scheduler } from '../timers';

export interface InspectorDeps {
  store: DocumentStore;
  functions: FunctionHost;
  outbox: Outbox;
  timers: Scheduler;
  storage: LocalStorage;
  bodyLimit: number;
}

const MAX_PAGE_SIZE = 200;

function intParam(url: URL, name: string, fallback: number, max = Number.MAX_SAFE_INTEGER): number {
  const raw = url.searchParams.get(name);
  const value = raw === null ? fallback : Number(raw);
  return Number.isInteger(value) && value >= 0 ? Math.min(value, max) : fallback;
}

async function collections(deps: InspectorDeps): Promise<Array<{ name: string; count: number }>> {
  const names = (await deps.store.listCollections()).sort();
  return Promise.all(names.map(async (name) => ({ name, count: await deps.store.count(name, {}) })));
}

/** Newest first without a creation field: read the page's slice of insertion order, then reverse it. */
async function documents(deps: InspectorDeps, name: string, url: URL): Promise<Record<string, unknown>> {
  const size = Math.max(1, intParam(url, 'size', 20, MAX_PAGE_SIZE));
  const page = intParam(url, 'page', 0);
  const total = await deps.store.count(name, {});
  const end = Math.max(0, total - page * size);
  const start = Math.max(0, end - size);
  const docs = end > start ? await deps.store.find(name, {}, { skip: start, limit: end - start }) : [];
  return {
    collection: name,
    total,
    page,
    size,
    pages: Math.ceil(total / size),
    docs: docs.reverse().map((doc) => ejson.encode(doc, { dates: 'iso' })),
  };
}

function functionsView(deps: InspectorDeps): Array<Record<string, unknown>> {
  return deps.functions.list().map((name) => {
    let config: unknown;
    try {
      config = deps.functions.config(name);
    } catch (error) {
      config = { error: (error as Error).message };
    }
    return { name, config, instances: deps.functions.instances(name) };
  });
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

export async function handleInspector(
  deps: InspectorDeps,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<void> {
  const route = url.pathname.slice('/_/api/'.length).split('/').map(decodeURIComponent);
  const method = req.method ?? 'GET';
  const json = (status: number, body: unknown): void => sendJson(req, res, status, body);

  if (method === 'GET' && route.length === 1 && route[0] === 'collections') {
    json(200, { collections: await collections(deps) });
  } else if (method === 'GET' && route.length === 3 && route[0] === 'collections' && route[2] === 'docs') {
    const known = await deps.store.listCollections();
    if (!known.includes(route[1])) json(404, { code: 'NOT_FOUND', message: `no collection ${route[1]}` });
    else json(200, await documents(deps, route[1], url));
  } else if (method === 'GET' && route.length === 1 && route[0] === 'functions') {
    json(200, { functions: functionsView(deps) });
  } else if (method === 'GET' && route.length === 1 && route[0] === 'invocations') {
    json(200, { invocations: deps.functions.recent(intParam(url, 'limit', 50, 500)) });
  } else if (method === 'GET' && route.length === 1 && route[0] === 'outbox') {
    json(200, { entries: deps.outbox.list(), pendingFailures: deps.outbox.pendingFailures() });
  } else if (method === 'DELETE' && route.length === 1 && route[0] === 'outbox') {
    deps.outbox.clear();
    json(200, { ok: true });
  } else if (method === 'POST' && route.length === 2 && route[0] === 'outbox' && route[1] === 'fail') {
    let body: Record<string, unknown>;
    try {
      body = parseJsonObject(await readBody(req, deps.bodyLimit));
    } catch (error) {
      const status = error instanceof BodyTooLargeError ? 413 : 400;
      json(status, { code: 'INVALID_PARAM', message: (error as Error).message });
      return;
    }
    const rule = failureRule(body);
    if (typeof rule === 'string') {
      json(400, { code: 'INVALID_PARAM', message: rule });
      return;
    }
    deps.outbox.failNext(rule);
    json(200, { ok: true, pendingFailures: deps.outbox.pendingFailures() });
  } else if (method === 'GET' && route.length === 1 && route[0] === 'triggers') {
    json(200, { triggers: deps.timers.list() });
  } else if (method === 'POST' && route.length === 3 && route[0] === 'triggers') {
    try {
      const outcome = await deps.timers.fire(route[1], route[2]);
      json(outcome.ok ? 200 : 500, outcome);
    } catch (error) {
      if (!(error instanceof UnknownTriggerError)) throw error;
      json(404, { code: 'NOT_FOUND', message: error.message });
    }
  } else if (route.length === 1 && route[0] === 'files' && (method === 'PUT' || method === 'GET')) {
    await files(deps, req, res, url, json);
  } else {
    json(404, { code: 'NOT_FOUND', message: `no inspector route for ${method} ${url.pathname}` });
  }
}

async function files(
  deps: InspectorDeps,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  json: (status: number, body: unknown) => void,
): Promise<void> {
  if (req.method === 'GET') {
    const fileID = url.searchParams.get('fileID') ?? '';
    const content = fileID ? await deps.storage.read(fileID).catch(() => undefined) : undefined;
    if (!content) json(404, { code: 'STORAGE_FILE_NONEXIST', message: `no file ${fileID || '(fileID missing)'}` });
    else sendBytes(req, res, 200, 'application/octet-stream', content);
    return;
  }
  const cloudPath = url.searchParams.get('cloudPath') ?? '';
  let body: Buffer;
  try {
    body = await readBody(req, deps.bodyLimit);
  } catch (error) {
    json(error instanceof BodyTooLargeError ? 413 : 400, { code: 'INVALID_PARAM', message: (error as Error).message });
    return;
  }
  try {
    json(200, { fileID: await deps.storage.put(cloudPath, body) });
  } catch (error) {
    // The storage refuses empty, absolute and traversing paths with a message worth showing.
    json(400, { code: 'INVALID_PARAM', message: (error as Error).message });
  }
}
