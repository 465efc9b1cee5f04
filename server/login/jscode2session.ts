/** `sns/jscode2session`: what WeChat says of a login code. */
import { AppError } from '../errors';
import { wechatApiUrl } from '../wechat';

export interface CodeSession {
  openid: string;
  unionid?: string;
  /** Stays on the server: never returned to the client, never logged. */
  sessionKey: string;
}

interface Jscode2SessionReply {
  openid?: string;
  unionid?: string;
  session_key?: string;
  errcode?: number;
  errmsg?: string;
}

/** What a jscode2session errcode means for the caller (documented codes). */
function mapErrcode(errcode: number, errmsg: string): AppError {
  switch (errcode) {
    case 40029:
      return new AppError('INVALID_ARGUMENT', `The login code is invalid or already used (40029 ${errmsg}).`, {
        code: 'is invalid or already used',
      });
    case 40163:
      return new AppError('INVALID_ARGUMENT', `The login code was already used (40163 ${errmsg}).`, {
        code: 'was already used',
      });
    case 45011:
      return new AppError('RATE_LIMITED', `WeChat limits logins for this user right now (45011 ${errmsg}).`);
    case 40226:
      return new AppError('PERMISSION_DENIED', `WeChat blocked this login as high-risk (40226 ${errmsg}).`);
    default:
      // -1 is "system busy"; anything else is WeChat's side too.
      return new AppError('UPSTREAM', `jscode2session failed (${errcode} ${errmsg}).`);
  }
}

export interface WechatApiOptions {
  appid: string;
  secret: string;
  baseUrl?: string;
  /** Our budget for one call; the whole login function has 3 s by default. */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

export async function jscode2session(code: string, options: WechatApiOptions): Promise<CodeSession> {
  const url = wechatApiUrl('sns/jscode2session', options.baseUrl);
  url.search = new URLSearchParams({
    appid: options.appid,
    secret: options.secret,
    js_code: code,
    grant_type: 'authorization_code',
  }).toString();

  let reply: Jscode2SessionReply;
  try {
    const response = await (options.fetch ?? fetch)(url, { signal: AbortSignal.timeout(options.timeoutMs ?? 2000) });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    reply = (await response.json()) as Jscode2SessionReply;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new AppError('UPSTREAM', `jscode2session could not be reached (${reason}).`);
  }

  if (reply.errcode) throw mapErrcode(reply.errcode, reply.errmsg ?? '');
  if (!reply.openid || !reply.session_key) throw new AppError('UPSTREAM', 'jscode2session answered without an openid.');
  return {
    openid: reply.openid,
    sessionKey: reply.session_key,
    ...(reply.unionid ? { unionid: reply.unionid } : {}),
  };
}
