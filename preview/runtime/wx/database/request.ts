/**
 * How the client libraries reach the local cloud: every `database.*` call of @cloudbase/database
 * and the realtime client's `auth.wsWebSign` is one `POST /web`, as the dev user. Written here
 * because the js-sdk's own request class signs in to CloudBase, which a mini-program never does.
 */
import { WxError } from '../api';

/** What /web answers: the action's result, or CloudBase's `{ code, message }`. */
export interface WebReply {
  code?: string;
  message?: string;
  [key: string]: unknown;
}

export interface WebRequest {
  send(action: string, params: Record<string, unknown>): Promise<WebReply>;
}

/** Posts one /web request as `openid` and answers its JSON. */
export type WebPost = (body: string, openid: string) => Promise<WebReply>;

/** The browser's way: the page's own origin serves /web. */
export const fetchWeb: WebPost = async (body, openid) => {
  const response = await fetch('/web', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-wx-openid': openid },
    body,
  });
  return (await response.json()) as WebReply;
};

/** The class @cloudbase/database instantiates for each query (its `Db.reqClass`). */
export function webRequestClass(openid: () => string, post: WebPost = fetchWeb): new () => WebRequest {
  return class {
    send(action: string, params: Record<string, unknown>): Promise<WebReply> {
      return post(JSON.stringify({ action, ...params }), openid());
    }
  };
}

/** WeChat's errCodes for the database's error codes, as the base library reports them. */
const ERR_CODES: Record<string, number> = {
  DATABASE_PERMISSION_DENIED: -502003,
  DATABASE_COLLECTION_NOT_EXIST: -502005,
  DATABASE_REQUEST_FAILED: -502001,
  INVALID_PARAM: -501007,
  COLLECTION_PERMISSION_DENIED: -502003,
};

export const replyErrorCode = (code: string): number => ERR_CODES[code] ?? -501001;

/** `<api>:fail <errCode> <message>` for a reply carrying a code, as WeChat words a failed call. */
export function replyError(api: string, reply: WebReply): WxError {
  const errCode = replyErrorCode(reply.code ?? '');
  return new WxError(`${api}:fail ${errCode} ${reply.code}: ${reply.message ?? ''}`.trim(), errCode);
}
