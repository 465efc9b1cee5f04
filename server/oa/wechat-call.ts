/**
 * One call to the WeChat server API with our own access_token handling: JSON in and out, a time
 * budget, and an errcode other than 0 turned into a WechatCallError (WeChat answers errors with
 * HTTP 200). Network failures and timeouts count as -1, WeChat's "system busy".
 */
import { wechatApiUrl } from '../wechat';

export type WechatFetch = typeof fetch;

export class WechatCallError extends Error {
  constructor(
    readonly errcode: number,
    readonly errmsg: string,
  ) {
    super(`WeChat answered ${errcode}: ${errmsg}`);
    this.name = 'WechatCallError';
  }
}

export interface CallOptions {
  query?: Record<string, string>;
  /** Sent as JSON with POST; without it the call is a GET. */
  body?: Record<string, unknown>;
  timeoutMs?: number;
  fetch?: WechatFetch;
}

export type WechatAnswer = Record<string, unknown> & { errcode?: number; errmsg?: string };

export async function wechatCall(apiBase: string, path: string, options: CallOptions = {}): Promise<WechatAnswer> {
  const url = wechatApiUrl(path, apiBase);
  for (const [key, value] of Object.entries(options.query ?? {})) url.searchParams.set(key, value);
  let answer: WechatAnswer;
  try {
    const response = await (options.fetch ?? fetch)(url, {
      method: options.body ? 'POST' : 'GET',
      ...(options.body ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(options.body) } : {}),
      signal: AbortSignal.timeout(options.timeoutMs ?? 5000),
    });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    answer = (await response.json()) as WechatAnswer;
  } catch (error) {
    throw new WechatCallError(
      -1,
      `${path} could not be reached (${error instanceof Error ? error.message : String(error)})`,
    );
  }
  if (typeof answer !== 'object' || answer === null) throw new WechatCallError(-1, `${path} answered no object`);
  if (typeof answer.errcode === 'number' && answer.errcode !== 0) {
    throw new WechatCallError(answer.errcode, typeof answer.errmsg === 'string' ? answer.errmsg : '');
  }
  return answer;
}
