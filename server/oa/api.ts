/**
 * The Official Account's server APIs the bridge uses, each called with the central access_token:
 * a token WeChat refuses is expired (only if still current) and the call made once more.
 */
import type { Database } from '../db';
import type { OaAccount } from './config';
import { TOKEN_ERRORS, TokenCenter } from './token';
import { WechatCallError, wechatCall, type WechatAnswer, type WechatFetch } from './wechat-call';

/** user/info/batchget takes at most this many openids per call (40032 otherwise). */
export const BATCH_MAX = 100;

export interface FollowerInfo {
  openid: string;
  subscribed: boolean;
  unionid?: string;
}

export interface TemplateMessage {
  touser: string;
  template_id: string;
  miniprogram?: { appid: string; pagepath: string };
  url?: string;
  data: Record<string, { value: string }>;
}

function toFollower(raw: unknown): FollowerInfo | undefined {
  const info = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  if (typeof info.openid !== 'string') return undefined;
  return {
    openid: info.openid,
    subscribed: info.subscribe === 1,
    ...(typeof info.unionid === 'string' && info.unionid ? { unionid: info.unionid } : {}),
  };
}

export class OaApi {
  readonly tokens: TokenCenter;

  constructor(
    db: Database,
    private readonly account: OaAccount,
    private readonly fetch?: WechatFetch,
  ) {
    this.tokens = new TokenCenter(db, account, fetch ? { fetch } : {});
  }

  /** One call with the current token; a refused token is expired and the call retried once. */
  async call(path: string, options: { body?: Record<string, unknown>; query?: Record<string, string> } = {}) {
    for (let attempt = 0; ; attempt++) {
      const token = await this.tokens.token();
      try {
        return await wechatCall(this.account.apiBase, path, {
          ...options,
          query: { ...options.query, access_token: token },
          ...(this.fetch ? { fetch: this.fetch } : {}),
        });
      } catch (error) {
        if (attempt > 0 || !(error instanceof WechatCallError) || !TOKEN_ERRORS.has(error.errcode)) throw error;
        await this.tokens.expire(token);
      }
    }
  }

  sendText(openid: string, content: string): Promise<WechatAnswer> {
    return this.call('cgi-bin/message/custom/send', {
      body: { touser: openid, msgtype: 'text', text: { content } },
    });
  }

  async sendTemplate(message: TemplateMessage): Promise<number | undefined> {
    const answer = await this.call('cgi-bin/message/template/send', { body: { ...message } });
    return typeof answer.msgid === 'number' ? answer.msgid : undefined;
  }

  async userInfo(openid: string): Promise<FollowerInfo | undefined> {
    return toFollower(await this.call('cgi-bin/user/info', { query: { openid, lang: 'zh_CN' } }));
  }

  /** Follower records for any number of openids, 100 per call. */
  async usersInfo(openids: readonly string[]): Promise<FollowerInfo[]> {
    const out: FollowerInfo[] = [];
    for (let i = 0; i < openids.length; i += BATCH_MAX) {
      const user_list = openids.slice(i, i + BATCH_MAX).map((openid) => ({ openid, lang: 'zh_CN' }));
      const answer = await this.call('cgi-bin/user/info/batchget', { body: { user_list } });
      const list = Array.isArray(answer.user_info_list) ? answer.user_info_list : [];
      for (const raw of list) {
        const info = toFollower(raw);
        if (info) out.push(info);
      }
    }
    return out;
  }
}
