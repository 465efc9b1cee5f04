/** The `login` cloud function: who is calling, recorded in `users`, and their profile. */
import type { LoginResult, UserProfile } from '../../typings/login';
import type { Database } from '../db';
import { AppError } from '../errors';
import { defineFunction, type HandlerDeps } from '../handler';
import { followerFor } from '../oa/followers';
import { object, optional, string } from '../schema';
import { checkAvatar, type ReadFile } from './avatar';
import { dailyPlanSchema, nextPlanAt } from './plan-time';
import { jscode2session, type WechatApiOptions } from './jscode2session';
import { toProfile, Users, type UserDoc } from './store';

export interface LoginConfig {
  /** With both set, a login code is checked with WeChat (jscode2session) as well. */
  appid?: string;
  appSecret?: string;
  wechatApiBase?: string;
}

/** Reads the function's environment variables (set in the CloudBase console, or the local cloud). */
export function loginConfigFromEnv(env: Record<string, string | undefined>): LoginConfig {
  return {
    appid: env.WX_APPID || undefined,
    appSecret: env.WX_APP_SECRET || undefined,
    wechatApiBase: env.WECHAT_API_BASE || undefined,
  };
}

// A storage fileID as CloudBase issues them: cloud://<env>.<bucket>/<path>.
const FILE_ID = /^cloud:\/\/[\w.-]+\/\S+$/;

export function createLogin(
  deps: HandlerDeps & {
    db: Database;
    config: LoginConfig;
    /** Reads a stored file (`cloud.downloadFile`), to judge an avatar by its bytes. */
    readFile: ReadFile;
    fetch?: typeof fetch;
  },
) {
  const users = new Users(deps.db);

  /** The profile with the Official Account follow state, which the oa function keeps by unionid. */
  async function profileOf(user: UserDoc): Promise<UserProfile> {
    const follows = (await followerFor(deps.db, user.unionid)) !== undefined;
    return { ...toProfile(user), followsOfficialAccount: follows };
  }

  async function login(
    code: string | undefined,
    caller: { openid: string; unionid?: string; appid: string },
    now: Date,
    zone: string,
  ): Promise<LoginResult> {
    const { openid } = caller;
    let { unionid } = caller;
    const { appid, appSecret, wechatApiBase } = deps.config;
    if (code && appid && appSecret) {
      const options: WechatApiOptions = { appid, secret: appSecret, baseUrl: wechatApiBase, fetch: deps.fetch };
      const session = await jscode2session(code, options);
      // The platform already vouches for the caller; a code for someone else is a forged call.
      if (session.openid !== openid) {
        throw new AppError('PERMISSION_DENIED', 'The login code belongs to a different user.');
      }
      unionid ??= session.unionid;
    }
    const { user, isNew } = await users.recordLogin({ openid, unionid, appid: caller.appid, zone }, now);
    const profile = await profileOf(user);
    return { openid, ...(user.unionid ? { unionid: user.unionid } : {}), isNewUser: isNew, profile };
  }

  return defineFunction(
    'login',
    {
      login: {
        schema: object({ code: optional(string({ min: 1, max: 128 })) }),
        run: ({ code }, { identity, now, zone }) => login(code, identity, now, zone),
      },
      updateProfile: {
        schema: object({
          nickname: optional(string({ min: 1, max: 32, trim: true })),
          avatarFileId: optional(string({ max: 512, pattern: FILE_ID })),
          dailyPlan: optional(dailyPlanSchema()),
        }),
        async run(patch, { identity, now, zone }): Promise<{ profile: UserProfile }> {
          const { dailyPlan, ...profile } = patch;
          if (patch.nickname === undefined && patch.avatarFileId === undefined && dailyPlan === undefined) {
            throw new AppError('INVALID_ARGUMENT', 'Nothing to update: send nickname, avatarFileId or dailyPlan.', {
              nickname: 'or avatarFileId or dailyPlan is required',
            });
          }
          if (patch.avatarFileId !== undefined) await checkAvatar(patch.avatarFileId, identity.openid, deps.readFile);
          // The plan's time is read in the zone the person sets it from, which is also where the timer reads their day.
          const plan = dailyPlan
            ? { dailyPlan, zone, planNextAt: dailyPlan.enabled ? nextPlanAt(dailyPlan.time, now, zone) : null }
            : {};
          const user = await users.updateProfile(identity.openid, { ...profile, ...plan });
          if (!user) throw new AppError('NOT_FOUND', 'No such user: log in before editing the profile.');
          return { profile: await profileOf(user) };
        },
      },
    },
    deps,
  );
}
