/** The `users` collection: one document per mini-program user, `_id` = openid. */
import type { UserProfile } from '../../typings/login';
import { isDuplicateWrite, settle, type Database } from '../db';

export const USERS = 'users';

export interface UserDoc {
  _id: string;
  openid: string;
  unionid?: string;
  appid: string;
  nickname: string;
  avatarFileId: string;
  createdAt: Date;
  lastLoginAt: Date;
  loginCount: number;
  /** The zone the user last logged in from: where work done without them at hand (the Official Account) reads their day. */
  zone?: string;
}

export function toProfile(doc: UserDoc): UserProfile {
  return {
    openid: doc.openid,
    ...(doc.unionid ? { unionid: doc.unionid } : {}),
    nickname: doc.nickname,
    avatarFileId: doc.avatarFileId,
    createdAt: new Date(doc.createdAt).toISOString(),
    lastLoginAt: new Date(doc.lastLoginAt).toISOString(),
    loginCount: doc.loginCount,
  };
}

export class Users {
  constructor(private readonly db: Database) {}

  async get(openid: string): Promise<UserDoc | undefined> {
    const { data } = await settle(this.db.collection(USERS).where({ _id: openid }).limit(1).get());
    return data[0] as UserDoc | undefined;
  }

  /**
   * Counts a login, creating the user on the first one. Update first, then insert: two first
   * logins racing each other end with one document and both logins counted, never a reset.
   */
  async recordLogin(
    login: { openid: string; unionid?: string; appid: string; zone: string },
    now: Date,
  ): Promise<{ user: UserDoc; isNew: boolean }> {
    const _ = this.db.command;
    const seen = {
      lastLoginAt: now,
      loginCount: _.inc(1),
      zone: login.zone,
      ...(login.unionid ? { unionid: login.unionid } : {}),
    };
    const doc = this.db.collection(USERS).doc(login.openid);
    const { stats } = await settle(doc.update({ data: seen }));
    if (stats.updated === 0) {
      const fresh: UserDoc = {
        _id: login.openid,
        openid: login.openid,
        appid: login.appid,
        nickname: '',
        avatarFileId: '',
        createdAt: now,
        lastLoginAt: now,
        loginCount: 1,
        zone: login.zone,
        ...(login.unionid ? { unionid: login.unionid } : {}),
      };
      try {
        await settle(this.db.collection(USERS).add({ data: fresh }));
        return { user: fresh, isNew: true };
      } catch (error) {
        if (!isDuplicateWrite(error)) throw error;
        // Another first login won the insert a moment ago: count this one on its document.
        await settle(doc.update({ data: seen }));
      }
    }
    const user = await this.get(login.openid);
    if (!user) throw new Error(`user ${login.openid} vanished during login`);
    return { user, isNew: false };
  }

  /** The mini-program user with this unionid (the Official Account links its followers by it). */
  async openidWithUnionid(unionid: string): Promise<string | undefined> {
    const { data } = await settle(this.db.collection(USERS).where({ unionid }).field({ _id: true }).limit(1).get());
    return (data[0] as { _id?: string } | undefined)?._id;
  }

  async updateProfile(
    openid: string,
    patch: { nickname?: string; avatarFileId?: string },
  ): Promise<UserDoc | undefined> {
    // Updating a missing document changes nothing; the read after it tells the caller.
    await settle(this.db.collection(USERS).doc(openid).update({ data: patch }));
    return this.get(openid);
  }
}
