/**
 * A conversation's messages as they change, from `db.collection('messages').watch()`: how a reply
 * streams into the page (the chat function rewrites one document as the reply grows). The query
 * names the owner (`_openid: '{openid}'`) because the collection's read rule does, and a watch that
 * is not within the rule is refused. It follows the newest messages only; older ones come from the
 * `history` action.
 */
import type { ChatCard, ChatMessage, MessageRole, MessageStatus, Moderation } from '../../typings/chat';
import { cardsOf } from '../shared/cards';

/** Messages the watch follows: enough for the reply being written and the question before it. */
export const WATCH_WINDOW = 10;

export interface MessageChanges {
  /** Messages added or changed, in their current state. */
  messages: ChatMessage[];
  /** Ids of messages deleted (their conversation was removed). */
  removed: string[];
  /** True for the first snapshot, which lists what is there. */
  init: boolean;
}

export interface MessageWatch {
  close(): void;
}

type Doc = Record<string, unknown>;

/** A date as a watched document carries it: a Date, `{ $date: ms }` (the realtime client's JSON), or a string. */
function isoOf(value: unknown): string {
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object' && value !== null && '$date' in value) {
    const ms = (value as { $date: unknown }).$date;
    if (typeof ms === 'number' || typeof ms === 'string') return new Date(ms).toISOString();
  }
  if (typeof value === 'string' || typeof value === 'number') return new Date(value).toISOString();
  return new Date(0).toISOString();
}

const text = (value: unknown): string => (typeof value === 'string' ? value : '');

/** A message document (as the chat function stores it) in the contract's shape. */
export function messageOf(doc: Doc): ChatMessage {
  return {
    id: text(doc._id),
    conversationId: text(doc.conversationId),
    role: doc.role as MessageRole,
    text: text(doc.text),
    status: doc.status as MessageStatus,
    createdAt: isoOf(doc.createdAt),
    updatedAt: isoOf(doc.updatedAt),
    finishReason: typeof doc.finishReason === 'string' ? doc.finishReason : null,
    usage: (doc.usage as ChatMessage['usage']) ?? null,
    error: (doc.error as ChatMessage['error']) ?? null,
    cards: cardsOf(
      Array.isArray(doc.cards) ? (doc.cards as ChatCard[]) : [],
      Array.isArray(doc.undone) ? (doc.undone as string[]) : [],
    ),
    moderation: (doc.moderation as Moderation) ?? 'unchecked',
  };
}

export function watchMessages(
  conversationId: string,
  handlers: { onChange(changes: MessageChanges): void; onError(error: unknown): void },
): MessageWatch {
  const listener = wx.cloud
    .database()
    .collection('messages')
    .where({ _openid: '{openid}', conversationId })
    .orderBy('createdAt', 'desc')
    .limit(WATCH_WINDOW)
    .watch({
      onChange(snapshot) {
        const removed: string[] = [];
        const changed = new Map<string, Doc>();
        // The first snapshot's documents are the state to start from; later ones carry changes.
        if (snapshot.type === 'init' && Array.isArray(snapshot.docs)) {
          for (const doc of snapshot.docs as Doc[]) changed.set(text(doc._id), doc);
        }
        for (const change of snapshot.docChanges) {
          if (change.dataType === 'remove') removed.push(change.docId);
          // A document leaving the window (dequeue) still exists: it is older, not gone.
          else if (change.doc && change.queueType !== 'dequeue') changed.set(change.docId, change.doc);
        }
        handlers.onChange({ messages: [...changed.values()].map(messageOf), removed, init: snapshot.type === 'init' });
      },
      onError: handlers.onError,
    });
  return {
    close() {
      listener.close().catch(() => undefined);
    },
  };
}
