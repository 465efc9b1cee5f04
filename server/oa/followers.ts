/**
 * `oa_followers`: one document per Official Account follower (`_id` = their openid on the
 * account): whether they follow, their unionid, the mini-program user that unionid links them to,
 * and answers waiting for their next message (when WeChat let no other way deliver them).
 */
import { isDuplicateWrite, settle, type Database } from '../db';
import { consoleLog, documentCheck, type Log } from '../documents';
import { Users } from '../login/store';
import { anyString, array, boolean, integer, nullable, object, storedDate, type Schema } from '../schema';
import type { FollowerInfo, OaApi } from './api';

export const FOLLOWERS = 'oa_followers';

export interface FollowerDoc {
  _id: string;
  subscribed: boolean;
  unionid: string | null;
  /** The mini-program user with the same unionid, once one is found. */
  userOpenid: string | null;
  /** When WeChat was last asked for the unionid (an account not bound to Open Platform has none). */
  checkedAt: Date | null;
  subscribedAt: Date | null;
  unsubscribedAt: Date | null;
  lastMessageAt: Date | null;
  /** Answer parts waiting for the follower's next message, oldest first. */
  pending: string[];
  /** Bumped by every change to `pending`, so taking from it is a compare-and-set. */
  pendingVersion: number;
  updatedAt: Date;
}

function followerDocSchema(): Schema<FollowerDoc> {
  const when = () => nullable(storedDate());
  return object(
    {
      _id: anyString({ min: 1 }),
      subscribed: boolean(),
      unionid: nullable(anyString({ min: 1 })),
      userOpenid: nullable(anyString({ min: 1 })),
      checkedAt: when(),
      subscribedAt: when(),
      unsubscribedAt: when(),
      lastMessageAt: when(),
      pending: array(anyString()),
      pendingVersion: integer({ min: 0 }),
      updatedAt: storedDate(),
    },
    { keepUnknown: true },
  );
}

export class Followers {
  private readonly check;

  constructor(
    private readonly db: Database,
    log: Log = consoleLog,
  ) {
    this.check = documentCheck(FOLLOWERS, followerDocSchema(), log);
  }

  private get collection() {
    return this.db.collection(FOLLOWERS);
  }

  /** The follower; one whose document is not what this class writes is logged and treated as unknown. */
  async get(openid: string): Promise<FollowerDoc | undefined> {
    const { data } = await settle(this.collection.where({ _id: openid }).limit(1).get());
    return this.check.read(data[0]);
  }

  /** Applies `patch`, creating the follower first when unknown (two first sights end in one document). */
  async upsert(openid: string, patch: Partial<FollowerDoc>, now: Date): Promise<void> {
    const data = { ...patch, updatedAt: now };
    const { stats } = await settle(this.collection.doc(openid).update({ data }));
    if (stats.updated > 0) return;
    const fresh: FollowerDoc = {
      _id: openid,
      subscribed: true,
      unionid: null,
      userOpenid: null,
      checkedAt: null,
      subscribedAt: null,
      unsubscribedAt: null,
      lastMessageAt: null,
      pending: [],
      pendingVersion: 0,
      ...data,
    };
    try {
      await settle(this.collection.add({ data: fresh }));
    } catch (error) {
      if (!isDuplicateWrite(error)) throw error;
      await settle(this.collection.doc(openid).update({ data }));
    }
  }

  /**
   * Links followers to mini-program users by unionid: the given followers (and any others still
   * without a unionid, to fill a batch) are looked up with user/info/batchget, 100 per call.
   */
  async link(api: OaApi, openids: readonly string[], now: Date): Promise<FollowerInfo[]> {
    const _ = this.db.command;
    const { data } = await settle(
      this.collection
        .where({ unionid: null, checkedAt: null, subscribed: true, _id: _.nin([...openids]) })
        .limit(Math.max(0, 100 - openids.length))
        .get(),
    );
    const batch = [...openids, ...(data as FollowerDoc[]).map((doc) => doc._id)];
    const infos = batch.length ? await api.usersInfo(batch) : [];
    for (const info of infos) {
      const user = info.unionid ? await this.userWith(info.unionid) : undefined;
      await this.upsert(
        info.openid,
        { subscribed: info.subscribed, unionid: info.unionid ?? null, userOpenid: user ?? null, checkedAt: now },
        now,
      );
    }
    return infos;
  }

  /** A follower with a unionid but no user yet: links them if that user has logged in since. */
  async relink(openid: string, unionid: string, now: Date): Promise<string | null> {
    const user = await this.userWith(unionid);
    if (user) await this.upsert(openid, { userOpenid: user }, now);
    return user ?? null;
  }

  private userWith(unionid: string): Promise<string | undefined> {
    return new Users(this.db).openidWithUnionid(unionid);
  }

  /** Adds answer parts for the follower's next message. */
  async hold(openid: string, parts: readonly string[], now: Date): Promise<void> {
    const _ = this.db.command;
    await this.upsert(openid, {}, now);
    await settle(
      this.collection
        .doc(openid)
        .update({ data: { pending: _.push([...parts]), pendingVersion: _.inc(1), updatedAt: now } }),
    );
  }

  /** Takes the oldest waiting part (one caller wins it), and how many remain. */
  async takePending(openid: string, now: Date): Promise<{ part: string; left: number } | undefined> {
    for (;;) {
      const doc = await this.get(openid);
      if (!doc || doc.pending.length === 0) return undefined;
      const [part, ...rest] = doc.pending;
      const _ = this.db.command;
      const { stats } = await settle(
        this.collection
          .where({ _id: openid, pendingVersion: doc.pendingVersion })
          .update({ data: { pending: _.set(rest), pendingVersion: doc.pendingVersion + 1, updatedAt: now } }),
      );
      if (stats.updated > 0) return { part, left: rest.length };
    }
  }
}

/** The Official Account openid of the follower linked to this unionid, while they follow. */
export async function followerFor(db: Database, unionid: string | undefined): Promise<string | undefined> {
  if (!unionid) return undefined;
  const { data } = await settle(
    db.collection(FOLLOWERS).where({ unionid, subscribed: true }).field({ _id: true }).limit(1).get(),
  );
  return (data[0] as { _id?: string } | undefined)?._id;
}
