/**
 * Typed calls to the `chat` cloud function; the page never knows how they travel. A reply streams
 * through the database, not through these calls: `send` and `regenerate` resolve when the reply
 * has ended, while the page watches `messages` where `{ _openid, conversationId }` (ordered by
 * `createdAt`) and renders each document's growing `text`. `send` and `regenerate` go through
 * callOnce: retried after a lost answer, they never write a turn twice.
 */
import type {
  ChatMessage,
  ChatQuota,
  Conversation,
  ConversationPage,
  HistoryPage,
  SendResult,
} from '../../typings/chat';
import type { CallResult } from '../../typings/contract';
import { callCloud, callOnce } from './cloud';

export const chat = {
  /**
   * Stores the text and resolves with the reply in its final state (up to a minute later). With
   * `create`, `conversationId` names a new conversation (the page picks it to watch it at once).
   */
  send: (text: string, conversationId?: string, create = false): Promise<CallResult<SendResult>> =>
    callOnce('chat', 'send', conversationId ? { text, conversationId, ...(create ? { create } : {}) } : { text }),
  stop: (messageId: string): Promise<CallResult<{ message: ChatMessage }>> => callCloud('chat', 'stop', { messageId }),
  /** Writes the newest reply again; also how a failed reply is retried. */
  regenerate: (messageId: string): Promise<CallResult<{ reply: ChatMessage; quota: ChatQuota }>> =>
    callOnce('chat', 'regenerate', { messageId }),
  /** Undoes a reply's todo card: the todo is deleted and the card reads `undone` from then on. */
  undo: (messageId: string, todoId: string): Promise<CallResult<{ message: ChatMessage }>> =>
    callCloud('chat', 'undo', { messageId, todoId }),
  conversations: (cursor?: string): Promise<CallResult<ConversationPage>> =>
    callCloud('chat', 'conversations', cursor ? { cursor } : {}),
  /** The newest messages, or those before `before` (a previous page's `nextBefore`), oldest first. */
  history: (conversationId: string, before?: string): Promise<CallResult<HistoryPage>> =>
    callCloud('chat', 'history', before ? { conversationId, before } : { conversationId }),
  rename: (conversationId: string, title: string): Promise<CallResult<{ conversation: Conversation }>> =>
    callCloud('chat', 'rename', { conversationId, title }),
  remove: (conversationId: string): Promise<CallResult<{ conversationId: string }>> =>
    callCloud('chat', 'remove', { conversationId }),
  quota: (): Promise<CallResult<ChatQuota>> => callCloud('chat', 'quota', {}),
};
