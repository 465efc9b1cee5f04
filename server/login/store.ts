/** The `users` collection: one document per mini-program user, `_id` = openid. */
import type { DailyPlan, UserProfile } from '../../typings/login';
import { isDuplicateWrite, settle, type Database } from '../db';
import { consoleLog, documentCheck, INVALID_DOCUMENT, type Log } from '../documents';
import { anyString, integer, nullable, object, optional, storedDate, type Schema } from '../schema';
import { dailyPlanSchema } from './plan-time';

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
  /** Absent until the user first sets a morning plan. */
  dailyPlan?: DailyPlan | null;
  /** When the plan is next due (null when it is off): what the minute timer looks for. */
  planNextAt?: Date | null;
  /** The local date ("2026-05-01") of the last plan claimed: one plan per user per day. */
  planDay?: string;
  /** How the last plan went. */
  planLast?: PlanOutcome;
}

/** How a morning plan went: sent (and by what), or why not. */
export interface PlanOutcome {
  day: string;
  state: 'sent' | 'no_credit' | 'failed' | 'unfollowed';
  via?: 'subscription' | 'oa';
  error?: { errcode: number; errmsg: string } | null;
  at: Date;
}

function userDocSchema(): Schema<UserDoc> {
  return object(
    {
      _id: anyString({ min: 1 }),
      openid: anyString({ min: 1 }),
      unionid: optional(anyString({ min: 1 })),
      appid: anyString(),
      nickname: anyString(),
      avatarFileId: anyString(),
      createdAt: storedDate(),
      lastLoginAt: storedDate(),
      loginCount: integer({ min: 0 }),
      dailyPlan: optional(nullable(dailyPlanSchema())),
      planNextAt: optional(nullable(storedDate())),
      planDay: optional(anyString()),
    },
    { keepUnknown: true },
  );
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
    dailyPlan: doc.dailyPlan ?? null,
  };
}

export class Users {
  private readonly check;

  constructor(
    private readonly db: Database,
    private readonly log: Log = consoleLog,
  ) {
    this.check = documentCheck(USERS, userDocSchema(), log);
  }

  /** The user; one whose document is not what login writes is logged and treated as unknown. */
  async get(openid: string): Promise<UserDoc | undefined> {
    const { data } = await settle(this.db.collection(USERS).where({ _id: openid }).limit(1).get());
    return this.check.read(data[0]);
  }

  private async exists(openid: string): Promise<boolean> {
    const { total } = await settle(this.db.collection(USERS).where({ _id: openid }).count());
    return total > 0;
  }

  /**
   * A user document that is not what login writes would fail every login of its user: rebuilt from
   * the fields that still have their type (the rest as for a new user), and marked.
   */
  private async repair(login: { openid: string; unionid?: string; appid: string }, now: Date): Promise<UserDoc> {
    const { data } = await settle(this.db.collection(USERS).where({ _id: login.openid }).limit(1).get());
    const raw = (data[0] ?? {}) as Record<string, unknown>;
    const text = (key: string) => (typeof raw[key] === 'string' ? (raw[key] as string) : '');
    const date = (key: string) => (raw[key] instanceof Date && !Number.isNaN(raw[key].getTime()) ? raw[key] : now);
    const count = raw.loginCount;
    const unionid = login.unionid ?? (text('unionid') || undefined);
    const user: UserDoc = {
      _id: login.openid,
      openid: login.openid,
      appid: text('appid') || login.appid,
      nickname: text('nickname'),
      avatarFileId: text('avatarFileId'),
      createdAt: date('createdAt'),
      lastLoginAt: now,
      loginCount: typeof count === 'number' && Number.isInteger(count) && count >= 0 ? count : 0,
      ...(unionid ? { unionid } : {}),
    };
    this.log(`login: ${INVALID_DOCUMENT}: ${USERS}/${login.openid} rebuilt from its valid fields`);
    const { _id, ...fields } = user;
    await settle(
      this.db
        .collection(USERS)
        .doc(_id)
        .set({ data: { ...fields, repairedAt: now } }),
    );
    return user;
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
    let stats: { updated: number };
    try {
      ({ stats } = await settle(doc.update({ data: seen })));
    } catch (error) {
      // A malformed user document ($inc on a count that is not a number): rebuilt, then counted.
      if (!(await this.exists(login.openid))) throw error;
      await this.repair(login, now);
      ({ stats } = await settle(doc.update({ data: seen })));
    }
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
    const user = (await this.get(login.openid)) ?? (await this.repair(login, now));
    return { user, isNew: false };
  }

  /** The mini-program user with this unionid (the Official Account links its followers by it). */
  async openidWithUnionid(unionid: string): Promise<string | undefined> {
    const { data } = await settle(this.db.collection(USERS).where({ unionid }).field({ _id: true }).limit(1).get());
    return (data[0] as { _id?: string } | undefined)?._id;
  }

  async updateProfile(
    openid: string,
    patch: Partial<Pick<UserDoc, 'nickname' | 'avatarFileId' | 'dailyPlan' | 'planNextAt' | 'zone'>>,
  ): Promise<UserDoc | undefined> {
    // update() merges a plain object field by field: _.set replaces the plan whole.
    const data = patch.dailyPlan ? { ...patch, dailyPlan: this.db.command.set(patch.dailyPlan) } : patch;
    // Updating a missing document changes nothing; the read after it tells the caller.
    await settle(this.db.collection(USERS).doc(openid).update({ data }));
    return this.get(openid);
  }

  // ---- morning plans, as the minute timer finds and claims them ----

  /** Up to `limit` users whose plan is due at `now`. */
  async duePlans(now: Date, limit: number): Promise<UserDoc[]> {
    const { data } = await settle(
      this.db
        .collection(USERS)
        .where({ planNextAt: this.db.command.lte(now), 'dailyPlan.enabled': true })
        .orderBy('planNextAt', 'asc')
        .limit(limit)
        .get(),
    );
    return this.check.readAll(data);
  }

  /**
   * Claims the user's plan for the local date `day` and moves the next one to `next`; false when
   * this day's plan was claimed already (by an overlapping run, or before): one plan per day.
   */
  async claimPlan(openid: string, day: string, next: Date): Promise<boolean> {
    const _ = this.db.command;
    const { stats } = await settle(
      this.db
        .collection(USERS)
        .where({ _id: openid, planDay: _.neq(day) })
        .update({ data: { planDay: day, planNextAt: next } }),
    );
    return stats.updated > 0;
  }

  async setPlanNext(openid: string, next: Date): Promise<void> {
    await settle(
      this.db
        .collection(USERS)
        .doc(openid)
        .update({ data: { planNextAt: next } }),
    );
  }

  async recordPlan(openid: string, outcome: PlanOutcome): Promise<void> {
    await settle(
      this.db
        .collection(USERS)
        .doc(openid)
        .update({ data: { planLast: this.db.command.set(outcome) } }),
    );
  }
}
