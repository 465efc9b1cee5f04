/**
 * What a reply holds while it is written: a slot of the day's quota and its conversation's lock.
 * Both are taken before the reply starts and carry a lapse (the writing invocation's deadline), so
 * a reply whose invocation died holds neither for longer than that: whoever finds it lapsed ends
 * it as INTERRUPTED and settles its slot.
 */
import { AppError } from '../errors';
import { charged, type Quota } from './quota';
import type { ChatStore, ConversationDoc } from './store';

export interface Timing {
  now: Date;
  /** Epoch ms by which the reply must have ended (it ends as failed, text kept, if still streaming). */
  deadline: number;
  /** Epoch ms by which the invocation is surely over: a lock or quota hold it left lapses then. */
  lapse: number;
  /** The user's zone (shared/time.ts): their "today", for the quota, the tools and the prompt. */
  zone: string;
}

export function createHolds(store: ChatStore, quota: Quota) {
  /** Ends a reply whose invocation died (found past its lapse) and gives back its quota hold. */
  async function interrupt(openid: string, replyId: string, now: Date): Promise<void> {
    const doc = await store.message(openid, replyId);
    if (doc?.status !== 'streaming') return;
    const error = { code: 'INTERRUPTED' as const, message: 'The reply stopped before it finished.' };
    if (await store.transition(replyId, 'streaming', { status: 'failed', error, updatedAt: now, expiresAt: null })) {
      if (doc.quotaId) await quota.release(doc.quotaId, replyId, now);
    }
  }

  /**
   * Settles today's holds whose replies lapsed: a reply still streaming is ended as interrupted,
   * an ended one is charged or given back by how it ended. Writes only where something lapsed.
   */
  async function settleLapsed(openid: string, now: Date, zone: string): Promise<void> {
    const id = await quota.dayId(openid, now, zone);
    for (const replyId of quota.staleHolds(await quota.read(id), now)) {
      const doc = await store.message(openid, replyId);
      if (doc?.status === 'streaming') await interrupt(openid, replyId, now);
      else if (doc && charged(doc)) await quota.commit(id, replyId, now);
      else await quota.release(id, replyId, now);
    }
  }

  /** Takes a slot for `replyId`, settling lapsed holds first when none is free; QUOTA_EXCEEDED otherwise. */
  async function reserve(openid: string, replyId: string, t: Timing): Promise<string> {
    const held =
      (await quota.reserve(openid, replyId, new Date(t.lapse), t.now, t.zone)) ??
      (await settleLapsed(openid, t.now, t.zone),
      await quota.reserve(openid, replyId, new Date(t.lapse), t.now, t.zone));
    if (!held) throw new AppError('QUOTA_EXCEEDED', `Today's ${quota.limit} replies are used up.`);
    return held;
  }

  /** Takes the conversation for `replyId`; a lapsed holder's reply is ended as interrupted. */
  async function take(conversation: ConversationDoc, replyId: string, t: Timing): Promise<void> {
    if (!(await store.lock(conversation, replyId, new Date(t.lapse), t.now))) {
      throw new AppError('CONFLICT', 'A reply in this conversation is still being written.');
    }
    if (conversation.activeReplyId) await interrupt(conversation._openid, conversation.activeReplyId, t.now);
  }

  return { interrupt, settleLapsed, reserve, take };
}
