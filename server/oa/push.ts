/**
 * A push (a reminder, the morning plan) as an Official Account template message (模板消息), for a
 * user who follows the account: linked by unionid (the follower's
 * `oa_followers` record carries it), it opens the page given in the mini-program. 43004 means they no
 * longer follow (recorded on the follower too); 40037 that the template is gone.
 */
import type { Database } from '../db';
import { Users } from '../login/store';
import type { TodoDoc } from '../todo/store';
import { OaApi } from './api';
import { oaAccountFromEnv, type OaAccount } from './config';
import { followerFor, Followers } from './followers';
import { WechatCallError, type WechatFetch } from './wechat-call';

export interface OaPushConfig {
  account: OaAccount;
  templateId: string;
  /** The mini-program a tap opens (WX_APPID); without it the message opens nothing. */
  miniProgramAppid?: string;
}

export function oaPushConfigFromEnv(env: Record<string, string | undefined>): OaPushConfig | undefined {
  const account = oaAccountFromEnv(env);
  const templateId = env.OA_REMIND_TEMPLATE_ID?.trim();
  if (!account || !templateId) return undefined;
  const miniProgramAppid = env.WX_APPID?.trim();
  return { account, templateId, ...(miniProgramAppid ? { miniProgramAppid } : {}) };
}

export type PushOutcome =
  | { kind: 'not_follower' }
  | { kind: 'sent' }
  | { kind: 'unfollowed' | 'failed' | 'retry'; error: { errcode: number; errmsg: string } };

export interface PushMessage {
  page: string;
  data: Record<string, { value: string }>;
}

export function createOaPush(db: Database, config: OaPushConfig, fetch?: WechatFetch) {
  const api = new OaApi(db, config.account, fetch);
  const users = new Users(db);
  const followers = new Followers(db);

  return async (doc: Pick<TodoDoc, '_openid'>, message: PushMessage, now: Date): Promise<PushOutcome> => {
    const user = await users.get(doc._openid);
    const touser = await followerFor(db, user?.unionid);
    if (!touser) return { kind: 'not_follower' };
    try {
      await api.sendTemplate({
        touser,
        template_id: config.templateId,
        ...(config.miniProgramAppid ? { miniprogram: { appid: config.miniProgramAppid, pagepath: message.page } } : {}),
        data: message.data,
      });
      return { kind: 'sent' };
    } catch (thrown) {
      if (!(thrown instanceof WechatCallError)) throw thrown;
      const error = { errcode: thrown.errcode, errmsg: thrown.errmsg.slice(0, 200) };
      if (thrown.errcode === 43004) {
        await followers.upsert(touser, { subscribed: false, unsubscribedAt: now }, now);
        return { kind: 'unfollowed', error };
      }
      return { kind: thrown.errcode === -1 ? 'retry' : 'failed', error };
    }
  };
}

export type OaPush = ReturnType<typeof createOaPush>;
