/** The inspector's JSON API as the page uses it: one fetch helper, and the shapes it answers. */
import type { InstanceCounts, InvocationRecord, WorkerMemory } from '../../functions/types';

/** A value as it arrives in JSON: Dates are ISO strings, everything else as it was. */
export type Json<T> = T extends Date
  ? string
  : T extends ReadonlyArray<infer U>
    ? Array<Json<U>>
    : T extends object
      ? { [K in keyof T]: Json<T[K]> }
      : T;

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Calls `/_/api/<path>`; a JSON body is sent as JSON. Non-2xx answers throw an ApiError with the server's message. */
export async function api<T>(
  path: string,
  init: { method?: string; json?: unknown; body?: BodyInit } = {},
): Promise<T> {
  const request: RequestInit = { method: init.method ?? 'GET' };
  if (init.json !== undefined) {
    request.headers = { 'content-type': 'application/json' };
    request.body = JSON.stringify(init.json);
  } else if (init.body !== undefined) {
    request.body = init.body;
  }
  const res = await fetch(`/_/api/${path}`, request);
  const text = await res.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : {};
  } catch {
    body = { message: text };
  }
  if (!res.ok) {
    const { code, message, errMsg } = (body ?? {}) as { code?: string; message?: string; errMsg?: string };
    throw new ApiError(res.status, code ?? String(res.status), message ?? errMsg ?? `${res.status} ${res.statusText}`);
  }
  return body as T;
}

export const enc = encodeURIComponent;

/** A query string from the values given (empty ones left out). */
export function query(params: Record<string, string | number | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params))
    if (value !== undefined && value !== '') search.set(key, String(value));
  const text = search.toString();
  return text ? `?${text}` : '';
}

/** A document in Extended JSON: dates are `{"$date": "<ISO>"}`. */
export type Doc = Record<string, unknown> & { _id?: unknown };

export interface DocsPage {
  collection: string;
  total: number;
  page: number;
  size: number;
  pages: number;
  docs: Doc[];
}

/** One invocation as the functions service records it. */
export type Invocation = Json<InvocationRecord>;

export interface FunctionInfo {
  name: string;
  config: { timeout?: number; triggers?: unknown[]; error?: string };
  instances: InstanceCounts;
}

export interface FunctionsPage {
  functions: FunctionInfo[];
  memory: WorkerMemory;
}

export interface Trigger {
  function: string;
  trigger: string;
  config: string;
  next?: string;
  error?: string;
}

export type FireOutcome =
  { ok: true; result: unknown; requestId: string } | { ok: false; errCode: number; errMsg: string; requestId: string };

export interface StoredFile {
  fileID: string;
  cloudPath: string;
  size: number;
  contentType: string;
  updatedAt: string;
  uploader?: { openid?: string; function?: string };
}

export interface OutboxEntry {
  id: string;
  at: string;
  apiName: string;
  openid?: string;
  payload: Record<string, unknown>;
  /** How the call came (an SDK open-API call, an HTTP call to the WeChat server ...), when the service says. */
  via?: string;
  /** WeChat's answer; a success may leave `errcode` out, as WeChat does. */
  result: { errcode?: number; errmsg?: string } & Record<string, unknown>;
}

export interface FailureRule {
  apiName: string;
  touser?: string;
  errcode: number;
  errmsg?: string;
}

/** One server-sent event from `/_/api/events`. */
export interface LiveMessage {
  type: string;
  data: Record<string, unknown>;
}
