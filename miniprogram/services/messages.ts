/**
 * A conversation's messages as they change, from `db.collection('messages').watch()`: how a reply
 * streams into the page (the chat function rewrites one document as the reply grows). The query
 * names the owner (`_openid: '{openid}'`) because the collection's read rule does, and a watch that
 * is not within the rule is refused. It follows the newest messages only; older ones come from the
 * `history` action.
 */
import type { ChatMessage, MessageDoc } from '../../typings/chat';
import type { StoredDate } from '../../typings/contract';
import { messageOf } from '../shared/messages';
import { snapshotChanges } from './snapshot';

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

type Doc = MessageDoc<StoredDate>;

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
        const { docs, removed, init } = snapshotChanges<Doc>(snapshot);
        handlers.onChange({ messages: docs.map(messageOf), removed, init });
      },
      onError: handlers.onError,
    });
  return {
    close() {
      listener.close().catch(() => undefined);
    },
  };
}
