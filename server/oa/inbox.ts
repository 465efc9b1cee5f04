/**
 * `oa_inbox`: one document per message WeChat delivered (`_id` from its MsgId, or for an event
 * from the sender and CreateTime), shared by every try of it and every function instance. The
 * first try inserts it and answers; later tries find it. Every change of `state` is a
 * conditional update, so exactly one invocation decides how the answer goes out.
 *
 *   answering → ready → passive (a try replied with it) | custom → sent | held | failed
 *   answering → passive (ready within the first try's window)
 */
import { isDuplicateWrite, settle, type Database } from '../db';
import { consoleLog, documentCheck, INVALID_DOCUMENT, type Log } from '../documents';
import { anyString, array, boolean, integer, nullable, object, oneOf, storedDate, type Schema } from '../schema';

export const INBOX = 'oa_inbox';

export type InboxState = 'answering' | 'ready' | 'passive' | 'custom' | 'sent' | 'held' | 'failed';

export interface InboxDoc {
  _id: string;
  /** The follower who wrote. */
  openid: string;
  state: InboxState;
  /** The invocation writing the answer, and when its claim lapses (its time limit). */
  owner: string;
  ownerUntil: Date;
  /** WeChat's tries seen so far (it makes at most 3). */
  tries: number;
  lastTryAt: Date;
  /** A try is waiting to reply with the answer until then. */
  waitingUntil: Date;
  /** The last try told the follower to send any text for the answer. */
  notified: boolean;
  /** The answer, in parts that each fit one message. */
  parts: string[];
  /** How the first part reached the follower. */
  via: 'passive' | 'custom' | 'next-message' | null;
  error: { errcode: number; errmsg: string; code?: typeof INVALID_DOCUMENT } | null;
  createdAt: Date;
  updatedAt: Date;
}

const STATES = [
  'answering',
  'ready',
  'passive',
  'custom',
  'sent',
  'held',
  'failed',
] as const satisfies readonly InboxState[];

function inboxDocSchema(): Schema<InboxDoc> {
  return object(
    {
      _id: anyString({ min: 1 }),
      openid: anyString({ min: 1 }),
      state: oneOf(STATES),
      owner: anyString({ min: 1 }),
      ownerUntil: storedDate(),
      tries: integer({ min: 0 }),
      lastTryAt: storedDate(),
      waitingUntil: storedDate(),
      notified: boolean(),
      parts: array(anyString()),
      via: nullable(oneOf(['passive', 'custom', 'next-message'] as const)),
      error: nullable(object({ errcode: integer(), errmsg: anyString() }, { keepUnknown: true })),
      createdAt: storedDate(),
      updatedAt: storedDate(),
    },
    { keepUnknown: true },
  );
}

/**
 * The inbox key: MsgId for messages; for events, which have none, sender and CreateTime as WeChat
 * advises, plus the event itself, since a follow and an unfollow can share one second.
 */
export function inboxKey(fields: Record<string, string>): string {
  if (fields.MsgId) return `msg-${fields.MsgId}`;
  return `evt-${fields.FromUserName}-${fields.CreateTime}-${fields.Event ?? ''}`;
}

export class Inbox {
  private readonly check;

  constructor(
    private readonly db: Database,
    private readonly log: Log = consoleLog,
  ) {
    this.check = documentCheck(INBOX, inboxDocSchema(), log);
  }

  private get collection() {
    return this.db.collection(INBOX);
  }

  /**
   * The message's document; undefined when there is none, or when it is not one the oa function
   * wrote: that one is marked failed (INVALID_DOCUMENT) and no try answers from it, so WeChat's
   * tries end with an empty reply instead of an error.
   */
  async get(id: string): Promise<InboxDoc | undefined> {
    const { data } = await settle(this.collection.where({ _id: id }).limit(1).get());
    if (data[0] === undefined) return undefined;
    const parsed = this.check.parse(data[0]);
    if (parsed.ok) return parsed.doc;
    if ((data[0] as { state?: unknown }).state !== 'failed') {
      this.log(`oa: ${INVALID_DOCUMENT}: ${INBOX}/${id} is not an inbox document; marked failed: ${parsed.reason}`);
      const error = { errcode: -1, errmsg: parsed.reason.slice(0, 200), code: INVALID_DOCUMENT };
      await settle(this.collection.doc(id).update({ data: { state: 'failed', error: this.db.command.set(error) } }));
    }
    return undefined;
  }

  /** The first try of a message: true when this invocation now owns it, false when another try came first. */
  async claim(
    doc: Pick<InboxDoc, '_id' | 'openid' | 'owner' | 'ownerUntil' | 'waitingUntil'>,
    now: Date,
  ): Promise<boolean> {
    const fresh: InboxDoc = {
      ...doc,
      state: 'answering',
      tries: 1,
      lastTryAt: now,
      notified: false,
      parts: [],
      via: null,
      error: null,
      createdAt: now,
      updatedAt: now,
    };
    try {
      await settle(this.collection.add({ data: fresh }));
      return true;
    } catch (error) {
      if (isDuplicateWrite(error)) return false;
      throw error;
    }
  }

  /** A later try: counted, and waiting until `waitingUntil`. */
  async arrive(id: string, now: Date, waitingUntil: Date): Promise<InboxDoc | undefined> {
    const _ = this.db.command;
    await settle(
      this.collection.doc(id).update({ data: { tries: _.inc(1), lastTryAt: now, waitingUntil, updatedAt: now } }),
    );
    return this.get(id);
  }

  /** Moves the message out of `from`, where `also` holds too; true when this caller made the move. */
  async move(
    id: string,
    from: InboxState,
    patch: Partial<InboxDoc>,
    also: Record<string, unknown> = {},
  ): Promise<boolean> {
    const _ = this.db.command;
    const data: Record<string, unknown> = { ...patch, updatedAt: new Date() };
    for (const key of ['parts', 'error'] as const) if (patch[key]) data[key] = _.set(patch[key]);
    const { stats } = await settle(this.collection.where({ _id: id, state: from, ...also }).update({ data }));
    return stats.updated > 0;
  }

  /** The owner takes a ready answer to send itself, unless a try is waiting to reply with it. */
  async takeForCustom(id: string, now: Date): Promise<boolean> {
    return this.move(id, 'ready', { state: 'custom' }, { waitingUntil: this.db.command.lte(now) });
  }

  async note(id: string, patch: Partial<InboxDoc>): Promise<void> {
    await settle(this.collection.doc(id).update({ data: { ...patch, updatedAt: new Date() } }));
  }
}
