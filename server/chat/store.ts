/**
 * The `conversations` and `messages` collections. Every read names the owner's `_openid`, so
 * another user's conversation or message is simply not found. A reply is one message document
 * whose `text` grows while `status` is `streaming`; every write to it is conditional on that
 * status, so once a reply has ended (finished, stopped, failed) nothing can write to it again.
 */
import { randomBytes } from 'node:crypto';
import { messageOf } from '../../shared/messages';
import type { ChatMessage, Conversation, MessageDoc, MessageStatus } from '../../typings/chat';
import { cursorCodec } from '../cursor';
import { settle, type Database } from '../db';
import { consoleLog, documentCheck, readChecked, type Log } from '../documents';
import { conversationDocSchema, messageDocSchema, type ConversationDoc } from './documents';
import type { ModelMessage } from './model';

export const CONVERSATIONS = 'conversations';
export const MESSAGES = 'messages';
export const PAGE_SIZE = 20;
/** An unlocked conversation's `activeUntil`: any instant is later. */
export const UNLOCKED = new Date(0);

export type { MessageDoc } from '../../typings/chat';
export type { ConversationDoc } from './documents';

/** A stored reply the store cannot read as a message: its id, why, and the quota hold it names. */
export interface InvalidReply {
  id: string;
  reason: string;
  quotaId: string | null;
}

const iso = (d: Date): string => new Date(d).toISOString();

/** The contract's message: the same mapping the Chat page applies to the documents it watches. */
export const toMessage = (doc: MessageDoc): ChatMessage => messageOf(doc);

/** A new message: the given fields over the defaults of one that has not been answered or checked. */
export function messageDoc(
  fields: Pick<MessageDoc, '_id' | '_openid' | 'conversationId' | 'role' | 'text' | 'status' | 'createdAt'> &
    Partial<MessageDoc>,
): MessageDoc {
  return {
    updatedAt: fields.createdAt,
    finishReason: null,
    usage: null,
    error: null,
    cards: [],
    moderation: 'unchecked',
    expiresAt: null,
    quotaId: null,
    ...fields,
  };
}

/** Stored messages (oldest first) as the model reads them: what the user said and the replies they got. */
export function toContext(docs: MessageDoc[]): ModelMessage[] {
  const out: ModelMessage[] = [];
  for (const doc of docs) {
    if (doc.role === 'user' && doc.status === 'done') out.push({ role: 'user', content: doc.text });
    else if (doc.role === 'assistant' && (doc.status === 'done' || doc.status === 'stopped') && doc.text.trim()) {
      out.push({ role: 'assistant', content: doc.text });
    }
  }
  return out;
}

export function toConversation(doc: ConversationDoc): Conversation {
  return {
    id: doc._id,
    title: doc.title,
    createdAt: iso(doc.createdAt),
    updatedAt: iso(doc.updatedAt),
    lastText: doc.lastText,
  };
}

/** 32 hex characters, the shape CloudBase gives `_id`s. */
export function newId(): string {
  return randomBytes(16).toString('hex');
}

/** Cuts to `max` code points, marking the cut. */
export function clip(text: string, max: number): string {
  const chars = [...text.replace(/\s+/g, ' ').trim()];
  return chars.length <= max ? chars.join('') : `${chars.slice(0, max - 1).join('')}…`;
}

/** A page's position in a newest-first list: the last row's time and id. */
export type Key = [at: number, id: string];

export const keyCursor = cursorCodec<Key>(
  (key) => key.length === 2 && Number.isFinite(key[0]) && typeof key[1] === 'string',
);

export function keyOf(at: Date, id: string): Key {
  return [new Date(at).getTime(), id];
}

export class ChatStore {
  private readonly conversationCheck;
  private readonly messageCheck;

  constructor(
    private readonly db: Database,
    log: Log = consoleLog,
  ) {
    this.conversationCheck = documentCheck(CONVERSATIONS, conversationDocSchema(), log);
    this.messageCheck = documentCheck(MESSAGES, messageDocSchema(), log);
  }

  private get conversations() {
    return this.db.collection(CONVERSATIONS);
  }

  private get messages() {
    return this.db.collection(MESSAGES);
  }

  /** Rows strictly before `key` in descending (`field`, `_id`) order. */
  private before(base: Record<string, unknown>, field: string, key: Key | undefined): Record<string, unknown> {
    if (!key) return base;
    const _ = this.db.command;
    const at = new Date(key[0]);
    return _.and([base, _.or([{ [field]: _.lt(at) }, { [field]: at, _id: _.lt(key[1]) }])]) as unknown as Record<
      string,
      unknown
    >;
  }

  async conversation(openid: string, id: string): Promise<ConversationDoc | undefined> {
    const { data } = await settle(this.conversations.where({ _id: id, _openid: openid }).limit(1).get());
    return this.conversationCheck.read(data[0]);
  }

  async insertConversation(doc: ConversationDoc): Promise<void> {
    await settle(this.conversations.add({ data: doc }));
  }

  /**
   * Takes the conversation for one reply when no other reply holds it (or its hold lapsed). The
   * condition names the holder `doc` was read with, so of two callers only one can take it.
   */
  async lock(doc: ConversationDoc, replyId: string, until: Date, now: Date): Promise<boolean> {
    const _ = this.db.command;
    const { stats } = await settle(
      this.conversations
        .where({ _id: doc._id, _openid: doc._openid, activeReplyId: doc.activeReplyId, activeUntil: _.lte(now) })
        .update({ data: { activeReplyId: replyId, activeUntil: until } }),
    );
    return stats.updated > 0;
  }

  /** Lets the conversation take the next reply, recording its newest text; only by the holder. */
  async unlock(conversationId: string, replyId: string, lastText: string, now: Date): Promise<void> {
    await settle(
      this.conversations
        .where({ _id: conversationId, activeReplyId: replyId })
        .update({ data: { activeReplyId: null, activeUntil: UNLOCKED, lastText: clip(lastText, 60), updatedAt: now } }),
    );
  }

  /** Records a message that needed no lock (an auto-reply) as the conversation's newest. */
  async touch(conversationId: string, lastText: string, now: Date): Promise<void> {
    await settle(
      this.conversations.doc(conversationId).update({ data: { lastText: clip(lastText, 60), updatedAt: now } }),
    );
  }

  /** Renaming is not activity: the list order (by `updatedAt`) stays. */
  async rename(openid: string, id: string, title: string): Promise<boolean> {
    const { stats } = await settle(this.conversations.where({ _id: id, _openid: openid }).update({ data: { title } }));
    return stats.updated > 0;
  }

  /** Messages first, then the conversation: an interrupted remove leaves an empty conversation, never orphans. */
  async removeConversation(openid: string, id: string): Promise<boolean> {
    await settle(this.messages.where({ _openid: openid, conversationId: id }).remove());
    const { stats } = await settle(this.conversations.where({ _id: id, _openid: openid }).remove());
    return stats.removed > 0;
  }

  /** One page, newest activity first; a malformed conversation is logged and skipped. */
  async listConversations(openid: string, after: Key | undefined): Promise<{ docs: ConversationDoc[]; more: boolean }> {
    const docs = await readChecked(
      this.conversations
        .where(this.before({ _openid: openid }, 'updatedAt', after))
        .orderBy('updatedAt', 'desc')
        .orderBy('_id', 'desc'),
      PAGE_SIZE + 1,
      this.conversationCheck,
    );
    return { docs: docs.slice(0, PAGE_SIZE), more: docs.length > PAGE_SIZE };
  }

  async insertMessage(doc: MessageDoc): Promise<void> {
    await settle(this.messages.add({ data: doc }));
  }

  async removeMessage(id: string): Promise<void> {
    await settle(this.messages.doc(id).remove());
  }

  /** Remembers that the person undid the card for `todoId` on reply `id`. */
  async markUndone(openid: string, id: string, todoId: string): Promise<void> {
    const _ = this.db.command;
    await settle(this.messages.where({ _id: id, _openid: openid }).update({ data: { undone: _.addToSet(todoId) } }));
  }

  async message(openid: string, id: string): Promise<MessageDoc | undefined> {
    const { data } = await settle(this.messages.where({ _id: id, _openid: openid }).limit(1).get());
    return this.messageCheck.read(data[0]);
  }

  /** The newest `limit` messages before `before` (all when absent), newest first; malformed ones skipped. */
  async recent(openid: string, conversationId: string, limit: number, before?: Key): Promise<MessageDoc[]> {
    return readChecked(
      this.messages
        .where(this.before({ _openid: openid, conversationId }, 'createdAt', before))
        .orderBy('createdAt', 'desc')
        .orderBy('_id', 'desc'),
      limit,
      this.messageCheck,
    );
  }

  /**
   * Writes to a reply while it is still streaming; false when it no longer is (stopped, removed),
   * which is how the writing invocation learns of a stop made elsewhere.
   */
  async writeStreaming(id: string, patch: Partial<MessageDoc>): Promise<boolean> {
    return this.transition(id, 'streaming', patch);
  }

  /**
   * Moves a reply out of `status` (streaming, or an ended state for regenerate) in one
   * conditional write: whoever succeeds decides its outcome, and the quota follows that decision.
   */
  async transition(id: string, from: MessageStatus, patch: Partial<MessageDoc>): Promise<boolean> {
    const _ = this.db.command;
    // update() merges objects field by field (and cannot merge into null): _.set replaces them whole.
    const data: Record<string, unknown> = { ...patch };
    for (const key of ['usage', 'error', 'cards'] as const) if (patch[key]) data[key] = _.set(patch[key]);
    const { stats } = await settle(this.messages.where({ _id: id, status: from }).update({ data }));
    return stats.updated > 0;
  }

  /**
   * Replies still `streaming` past their deadline (their invocation is over), soonest first: the
   * messages, and apart from them those that are not messages the chat wrote, with why.
   */
  async lapsed(now: Date, limit: number): Promise<{ docs: MessageDoc[]; invalid: InvalidReply[] }> {
    const { data } = await settle(
      this.messages
        .where({ status: 'streaming', expiresAt: this.db.command.lt(now) })
        .orderBy('expiresAt', 'asc')
        .limit(limit)
        .get(),
    );
    const out: { docs: MessageDoc[]; invalid: InvalidReply[] } = { docs: [], invalid: [] };
    for (const raw of data) {
      const parsed = this.messageCheck.parse(raw);
      if (parsed.ok) out.docs.push(parsed.doc);
      else {
        const quotaId = typeof raw.quotaId === 'string' ? raw.quotaId : null;
        out.invalid.push({ id: String(raw._id), reason: parsed.reason, quotaId });
      }
    }
    return out;
  }

  async status(id: string): Promise<MessageStatus | undefined> {
    const { data } = await settle(this.messages.where({ _id: id }).field({ status: true }).limit(1).get());
    return (data[0] as Pick<MessageDoc, 'status'> | undefined)?.status;
  }
}
