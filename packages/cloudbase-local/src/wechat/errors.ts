/**
 * WeChat's error answers: HTTP 200 with `{ errcode, errmsg }`, the errmsg ending in a request id
 * (`rid: ...`) as api.weixin.qq.com sends it. The texts are WeChat's own for the codes emulated.
 */
import { randomBytes } from 'node:crypto';

/** An answer: `{ errcode, errmsg, ... }`; the credential APIs answer success without errcode. */
export type WxAnswer = { errcode?: number; errmsg?: string } & Record<string, unknown>;

export const WX_ERRMSG: Readonly<Record<number, string>> = {
  [-1]: 'system error',
  40001: 'invalid credential, access_token is invalid or not latest',
  40002: 'invalid grant_type',
  40003: 'invalid openid',
  40008: 'invalid message type',
  40013: 'invalid appid',
  40014: 'invalid access_token',
  40029: 'invalid code',
  40032: 'invalid openid list size',
  40037: 'invalid template_id',
  40066: 'invalid url',
  40125: 'invalid appsecret',
  40129: 'invalid scene',
  40163: 'code been used',
  40226: 'high risk user',
  41001: 'access_token missing',
  41002: 'appid missing',
  41004: 'appsecret missing',
  41008: 'missing code',
  41030: 'invalid page',
  42001: 'access_token expired',
  43001: 'require GET method',
  43002: 'require POST method',
  43004: 'require subscribe',
  43101: 'user refuse to accept the msg',
  44002: 'empty post data',
  44004: 'empty content',
  45009: 'reach max api daily quota limit',
  45011: 'api minute-quota reach limit  mustslower  retry next minute',
  45015: 'response out of time limit or subscription is canceled',
  45047: 'out of response count limit',
  47001: 'data format error',
  47003: 'argument invalid!',
  48001: 'api unauthorized',
  61007: 'api is unauthorized to component',
  87014: 'risky content',
};

/** A request id as WeChat appends it to errmsg. */
export const rid = (): string =>
  `${randomBytes(4).toString('hex')}-${randomBytes(4).toString('hex')}-${randomBytes(4).toString('hex')}`;

export function wxError(errcode: number, detail?: string): WxAnswer {
  const text = detail ?? WX_ERRMSG[errcode] ?? 'error';
  return { errcode, errmsg: `${text} rid: ${rid()}` };
}

export const wxOk = (extra: Record<string, unknown> = {}): WxAnswer => ({ errcode: 0, errmsg: 'ok', ...extra });

/** Thrown inside an API handler to answer with an errcode. */
export class WxFailure extends Error {
  constructor(
    readonly errcode: number,
    detail?: string,
  ) {
    super(detail ?? WX_ERRMSG[errcode] ?? 'error');
    this.name = 'WxFailure';
  }
}
