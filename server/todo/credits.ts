/**
 * The `subscriptions` collection: subscription-message credits, one per accepted prompt, spent by a
 * sent message (a reminder, a morning plan). WeChat offers no way to read what is left, so the
 * app counts; WeChat's 43101 sets ours to 0.
 */
import { isDuplicateWrite, settle, type Database } from '../db';

export const SUBSCRIPTIONS = 'subscriptions';

export interface SubscriptionDoc {
  _id: string;
  _openid: string;
  templateId: string;
  credits: number;
  acceptedAt: Date;
  updatedAt: Date;
}

export function subscriptionId(openid: string, templateId: string): string {
  return `${openid}:${templateId}`;
}

export class Credits {
  constructor(private readonly db: Database) {}

  private get subscriptions() {
    return this.db.collection(SUBSCRIPTIONS);
  }

  /** One more send allowed for this user and template; credits accumulate across accepts. */
  async add(openid: string, templateId: string, now: Date): Promise<number> {
    const _ = this.db.command;
    const id = subscriptionId(openid, templateId);
    // Update first, then insert (as the users store does): two racing accepts both count.
    for (let attempt = 0; attempt < 2; attempt++) {
      const { stats } = await settle(
        this.subscriptions.doc(id).update({ data: { credits: _.inc(1), acceptedAt: now, updatedAt: now } }),
      );
      if (stats.updated === 0) {
        const fresh: SubscriptionDoc = {
          _id: id,
          _openid: openid,
          templateId,
          credits: 1,
          acceptedAt: now,
          updatedAt: now,
        };
        try {
          await settle(this.subscriptions.add({ data: fresh }));
          return 1;
        } catch (error) {
          if (!isDuplicateWrite(error)) throw error;
          continue;
        }
      }
      const { data } = await settle(this.subscriptions.doc(id).get());
      return (data as unknown as SubscriptionDoc).credits;
    }
    throw new Error(`subscription ${id} could not be written`);
  }

  /** True when one credit was taken; the condition makes it atomic, so credits never go negative. */
  async spend(openid: string, templateId: string, now: Date): Promise<boolean> {
    const _ = this.db.command;
    const { stats } = await settle(
      this.subscriptions
        .where({ _id: subscriptionId(openid, templateId), credits: _.gt(0) })
        .update({ data: { credits: _.inc(-1), updatedAt: now } }),
    );
    return stats.updated > 0;
  }

  /** Gives back a credit spent on a message WeChat did not deliver. */
  async refund(openid: string, templateId: string, now: Date): Promise<void> {
    const _ = this.db.command;
    await settle(
      this.subscriptions
        .doc(subscriptionId(openid, templateId))
        .update({ data: { credits: _.inc(1), updatedAt: now } }),
    );
  }

  /** WeChat said the user has no credit left (43101): it is the authority, so ours goes to 0. */
  async clear(openid: string, templateId: string, now: Date): Promise<void> {
    await settle(
      this.subscriptions.doc(subscriptionId(openid, templateId)).update({ data: { credits: 0, updatedAt: now } }),
    );
  }
}
