/**
 * The daily reply allowance, reserve-then-commit, in one document per user and day
 * (`chat_quota`, `_id` = `openid:YYYY-MM-DD`, the date in the user's zone when the day started).
 * A day lasts until midnight in the zone it started in (`resetsAt`): a user who changes zone
 * keeps the day they are in until it ends, so flying east never starts a second day early, and a
 * new day starts only once the last one has ended (flying west makes that day longer, never shorter). `taken` counts finished replies
 * plus replies being written; a reply takes a slot before it starts with one conditional update
 * (`taken < limit`), so two concurrent sends can never overspend. Each slot is held under
 * `holds.<replyId>` until the reply ends: a finished reply, or one stopped after text was written,
 * commits it (`used` + 1); any other end gives it back (`taken` − 1). Both steps are conditional on the hold, so doing either twice
 * changes nothing.
 */
import type { ChatQuota, MessageStatus } from '../../typings/chat';
import { dateKey, nextMidnight } from '../../shared/time';
import { isDuplicateWrite, settle, type Database } from '../db';
import { consoleLog, documentCheck, INVALID_DOCUMENT, type Log } from '../documents';
import { quotaDocSchema, rebuiltQuota, type QuotaDoc } from './documents';

export type { QuotaDoc } from './documents';

export const QUOTA = 'chat_quota';

/**
 * Whether a reply's slot counts as used: it finished, or it was stopped after some of its text was
 * written (and so seen), which would otherwise be a way to read answers without being charged.
 */
export function charged(reply: { status: MessageStatus; text: string }): boolean {
  return reply.status === 'done' || (reply.status === 'stopped' && reply.text.trim() !== '');
}

export function quotaId(openid: string, now: Date, zone: string): string {
  return `${openid}:${dateKey(now.getTime(), zone)}`;
}

export class Quota {
  private readonly check;

  constructor(
    private readonly db: Database,
    readonly limit: number,
    private readonly log: Log = consoleLog,
  ) {
    this.check = documentCheck(QUOTA, quotaDocSchema(), log);
  }

  private get collection() {
    return this.db.collection(QUOTA);
  }

  /**
   * The day's document. One that is not what this class writes would make every reserve fail (its
   * conditions never match): it is rebuilt from what still has its type (see rebuiltQuota) and marked.
   */
  async read(id: string): Promise<QuotaDoc | undefined> {
    const { data } = await settle(this.collection.where({ _id: id }).limit(1).get());
    if (data[0] === undefined) return undefined;
    const parsed = this.check.parse(data[0]);
    if (parsed.ok) return parsed.doc;
    this.log(`chat: ${INVALID_DOCUMENT}: ${QUOTA}/${id} rebuilt from its valid fields: ${parsed.reason}`);
    const { _id, ...fields } = rebuiltQuota(id, data[0], new Date());
    await settle(this.collection.doc(_id).set({ data: { ...fields, repairedAt: fields.updatedAt } }));
    return { _id, ...fields };
  }

  /**
   * The id of the user's day at `now`: the date in their zone, unless the last day they started
   * has not reached its own midnight yet (they changed zone since), which is still their day.
   */
  async dayId(openid: string, now: Date, zone: string): Promise<string> {
    const id = quotaId(openid, now, zone);
    if (await this.read(id)) return id;
    const { data } = await settle(
      this.collection
        .where({ _openid: openid, resetsAt: this.db.command.gt(now) })
        .limit(1)
        .get(),
    );
    const open = data[0] as QuotaDoc | undefined;
    return open ? open._id : id;
  }

  summary(doc: Pick<QuotaDoc, 'taken' | 'used' | 'resetsAt'> | undefined, now: Date, zone: string): ChatQuota {
    const taken = doc?.taken ?? 0;
    const resetsAt = doc?.resetsAt ? new Date(doc.resetsAt) : new Date(nextMidnight(now, zone));
    return {
      limit: this.limit,
      used: doc?.used ?? 0,
      remaining: Math.max(0, this.limit - taken),
      resetsAt: resetsAt.toISOString(),
    };
  }

  /** Today's allowance as it stands. */
  async status(openid: string, now: Date, zone: string): Promise<ChatQuota> {
    return this.summary(await this.read(await this.dayId(openid, now, zone)), now, zone);
  }

  /** Holds replies that lapsed without being committed or given back (their invocation died). */
  staleHolds(doc: QuotaDoc | undefined, now: Date): string[] {
    return Object.entries(doc?.holds ?? {})
      .filter(([, until]) => new Date(until).getTime() < now.getTime())
      .map(([replyId]) => replyId);
  }

  /** Takes one slot for `replyId` until `until`; the quota's id, or undefined when none is left. */
  async reserve(openid: string, replyId: string, until: Date, now: Date, zone: string): Promise<string | undefined> {
    if (this.limit <= 0) return undefined;
    const _ = this.db.command;
    const id = await this.dayId(openid, now, zone);
    for (let attempt = 0; attempt < 2; attempt++) {
      const { stats } = await settle(
        this.collection
          .where({ _id: id, taken: _.lt(this.limit) })
          .update({ data: { taken: _.inc(1), [`holds.${replyId}`]: until, updatedAt: now } }),
      );
      if (stats.updated > 0) return id;
      if (await this.read(id)) return undefined;
      // The day's first reply creates the document; a racing first reply retries the update.
      const doc: QuotaDoc = {
        _id: id,
        _openid: openid,
        day: dateKey(now.getTime(), zone),
        taken: 1,
        used: 0,
        holds: { [replyId]: until },
        resetsAt: new Date(nextMidnight(now, zone)),
        updatedAt: now,
      };
      try {
        await settle(this.collection.add({ data: doc }));
        return id;
      } catch (error) {
        if (!isDuplicateWrite(error)) throw error;
      }
    }
    return undefined;
  }

  /** The reply finished: its slot stays taken and counts as used. */
  async commit(id: string, replyId: string, now: Date): Promise<void> {
    const _ = this.db.command;
    await settle(
      this.collection
        .where({ _id: id, [`holds.${replyId}`]: _.exists(true) })
        .update({ data: { used: _.inc(1), [`holds.${replyId}`]: _.remove(), updatedAt: now } }),
    );
  }

  /** The reply did not finish: its slot is free again. */
  async release(id: string, replyId: string, now: Date): Promise<void> {
    const _ = this.db.command;
    await settle(
      this.collection
        .where({ _id: id, [`holds.${replyId}`]: _.exists(true) })
        .update({ data: { taken: _.inc(-1), [`holds.${replyId}`]: _.remove(), updatedAt: now } }),
    );
  }
}
