/**
 * What WeChat would answer to an open-API call, for the calls the product makes. Nothing is sent
 * anywhere; the outbox records the call and this module shapes the reply.
 */
import { randomBytes } from 'node:crypto';
import { invalidParam } from '../wire/errors';
import { JsonDepthError, parseJson } from '../wire/json';
import type { KeyValuePair } from './protobuf';

export type WxAnswer = { errcode: number; errmsg: string } & Record<string, unknown>;

/** Words that make security.msgSecCheck answer `risky` unless the caller configures its own list. */
export const DEFAULT_BLOCKLIST: readonly string[] = ['违禁词', 'blocked-word'];

/** Human text WeChat sends with the errcodes tests inject most. */
export const KNOWN_ERRMSG: Readonly<Record<number, string>> = {
  [-1]: 'system error',
  40001: 'invalid credential, access_token is invalid or not latest',
  40003: 'invalid openid',
  40037: 'invalid template_id',
  41030: 'invalid page',
  43101: 'user refuse to accept the msg',
  45009: 'reach max api daily quota limit',
  47003: 'argument invalid!',
  61007: 'api is unauthorized to component',
  87014: 'risky content',
};

const traceId = (): string => randomBytes(12).toString('hex');

/**
 * Each pair's value is `JSONBigInt.stringify(value)` of the snake_cased argument; media arguments
 * (`{contentType, value: Buffer}`) arrive as raw bytes with a content type and file name instead.
 */
export function pairsToPayload(pairs: KeyValuePair[]): Record<string, unknown> {
  const entries = pairs.map(({ key, value, contentType, filename }): [string, unknown] => {
    if (contentType) return [key, { contentType, filename, size: value.length }];
    const text = value.toString('utf8');
    try {
      return [key, parseJson(text)];
    } catch (error) {
      if (error instanceof JsonDepthError) throw invalidParam(`${key}: ${error.message}`);
      return [key, text];
    }
  });
  return Object.fromEntries(entries);
}

function contentText(payload: Record<string, unknown>): string {
  return typeof payload.content === 'string' ? payload.content : '';
}

function msgSecCheck(payload: Record<string, unknown>, blocklist: readonly string[]): WxAnswer {
  const content = contentText(payload);
  const hit = blocklist.find((word) => word !== '' && content.includes(word));
  if (payload.version !== 2) {
    // v1 answers with an errcode instead of a verdict.
    return hit ? { errcode: 87014, errmsg: KNOWN_ERRMSG[87014] } : { errcode: 0, errmsg: 'ok' };
  }
  const suggest = hit ? 'risky' : 'pass';
  const label = hit ? 20001 : 100;
  return {
    errcode: 0,
    errmsg: 'ok',
    result: { suggest, label },
    detail: [
      { strategy: 'content_model', errcode: 0, suggest, label, prob: hit ? 90 : 0 },
      hit
        ? { strategy: 'keyword', errcode: 0, suggest, label, level: 20, keyword: hit }
        : { strategy: 'keyword', errcode: 0, suggest, label },
    ],
    trace_id: traceId(),
  };
}

/** The success answer for `apiName`; unknown APIs answer `{errcode:0, errmsg:'ok'}`. */
export function answerOpenApi(
  apiName: string,
  payload: Record<string, unknown>,
  blocklist: readonly string[],
): WxAnswer {
  switch (apiName) {
    case 'security.msgSecCheck':
      return msgSecCheck(payload, blocklist);
    case 'security.imgSecCheck':
      return { errcode: 0, errmsg: 'ok' };
    case 'security.mediaCheckAsync':
      return { errcode: 0, errmsg: 'ok', trace_id: traceId() };
    case 'subscribeMessage.send':
    case 'customerServiceMessage.send':
    case 'uniformMessage.send':
      return { errcode: 0, errmsg: 'ok' };
    case 'urlscheme.generate':
      return { errcode: 0, errmsg: 'ok', openlink: `weixin://dl/business/?t=${traceId().slice(0, 11)}` };
    case 'urllink.generate':
      return { errcode: 0, errmsg: 'ok', url_link: `https://wxaurl.cn/${traceId().slice(0, 12)}` };
    default:
      return { errcode: 0, errmsg: 'ok' };
  }
}
