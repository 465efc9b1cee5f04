import type { Idempotent } from './contract';
import type { Action } from './functions';
import type { Quadrant } from './todo';

export type MessageRole = 'user' | 'assistant';

/**
 * `streaming`: the reply is being written (its `text` grows); `done`: finished; `stopped`: the user
 * stopped it (the text written so far is kept); `failed`: the model or the time limit ended it
 * (text kept, `error` says why); `blocked`: the content check refused it (the text is a notice).
 */
export type MessageStatus = 'streaming' | 'done' | 'stopped' | 'failed' | 'blocked';

/** Why a reply failed, for the page to put in words. */
export type ReplyErrorCode =
  /** The model did not answer (connect, first byte or a silence) within MODEL_TIMEOUT_MS. */
  | 'MODEL_TIMEOUT'
  /** The model refused the API key (401/403). */
  | 'MODEL_AUTH'
  /** The model's own rate limit or quota (429). */
  | 'MODEL_RATE_LIMITED'
  /** The model's server failed (5xx) or could not be reached. */
  | 'MODEL_UNAVAILABLE'
  /** The model refused the request (400/404/422: wrong model name, too long, ...). */
  | 'MODEL_REJECTED'
  /** The stream carried an error event, or something that is not the protocol. */
  | 'MODEL_ERROR'
  /** The connection broke, or the stream ended without `[DONE]`: the reply is incomplete. */
  | 'MODEL_TRUNCATED'
  /** The reply ran into the function's time limit and was ended before the platform would kill it. */
  | 'REPLY_TIMEOUT'
  /**
   * The model went on past the reply's length cap (derived from MODEL_MAX_TOKENS, which it ignored):
   * reading stopped there, the text up to the cap kept, nothing charged.
   */
  | 'REPLY_TOO_LONG'
  /** The growing text could not be saved (the database refused the write): ended with the last text saved. */
  | 'WRITE_FAILED'
  /** The invocation writing the reply stopped without finishing it (found later, past its deadline). */
  | 'INTERRUPTED'
  /** The stored reply was not one the chat function wrote (an old version's, a console edit's): ended by the sweep. */
  | 'INVALID_DOCUMENT';

/**
 * What WeChat's msgSecCheck said of a message's text: `pass`, `review` (shown, kept for a
 * person to look at), `risky` (never shown), or `unchecked` (not asked, or it could not answer).
 */
export type Moderation = 'pass' | 'review' | 'risky' | 'unchecked';

export interface TokenUsage {
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
}

/** A todo the assistant created with its add_todo tool; the page shows it as a card with undo. */
export interface TodoCard {
  type: 'todo';
  todoId: string;
  title: string;
  quadrant: Quadrant;
  dueAt: string | null;
  remindAt: string | null;
  /** The todo's repeat rule, when it repeats (absent on cards made before repeats). */
  repeat?: string | null;
  /** Its checklist's step titles, when it has one. */
  steps?: string[];
  /** Undone from the card: its todo was deleted (the `undo` action). */
  undone?: boolean;
}

export type ChatCard = TodoCard;

/** A message as the client sees it. Dates travel as ISO 8601 strings (UTC). */
export interface ChatMessage {
  id: string;
  conversationId: string;
  role: MessageRole;
  text: string;
  status: MessageStatus;
  createdAt: string;
  updatedAt: string;
  /** Replies: the model's finish_reason (`stop`, `length`, ...), `autoreply`, or null while streaming. */
  finishReason: string | null;
  usage: TokenUsage | null;
  error: { code: ReplyErrorCode; message: string } | null;
  cards: ChatCard[];
  moderation: Moderation;
}

/** How a date arrives in a document: a `Date` in a function; in a watched snapshot, `{ $date: ms }`. */
export type StoredDate = Date | { $date: number | string } | string | number;

/**
 * A message as stored in the `messages` collection: what the chat function writes and the Chat
 * page watches (the collection's read rule lets only its owner do so). A reply is one such
 * document whose `text` grows while `status` is `streaming`. `D` is how its dates arrive.
 */
export interface MessageDoc<D extends StoredDate = Date> {
  _id: string;
  /** The owner; the read rule `doc._openid == auth.openid` lets only them watch it. */
  _openid: string;
  conversationId: string;
  role: MessageRole;
  text: string;
  status: MessageStatus;
  createdAt: D;
  updatedAt: D;
  finishReason: string | null;
  usage: TokenUsage | null;
  error: { code: ReplyErrorCode; message: string } | null;
  cards: ChatCard[];
  /** Todo ids undone from this reply's cards: kept apart from `cards`, which the streaming writes replace. */
  undone?: string[];
  moderation: Moderation;
  /** While streaming: past this instant the reply was abandoned (its invocation died). */
  expiresAt: D | null;
  /** The quota document holding this reply's allowance while it streams (see the chat's quota). */
  quotaId: string | null;
  /** Which idempotent `regenerate` call last started it (a key derived from its requestId). */
  regeneratedBy?: string | null;
}

export interface Conversation {
  id: string;
  title: string;
  createdAt: string;
  updatedAt: string;
  /** The newest message's text, cut short, for the list. */
  lastText: string;
}

/** Replies a user may still get today (Asia/Shanghai days). */
export interface ChatQuota {
  limit: number;
  /** Finished replies today. */
  used: number;
  /** Replies that can still start today; a reply being written holds one. */
  remaining: number;
  /** The next midnight in Asia/Shanghai, when `remaining` returns to `limit`. */
  resetsAt: string;
}

export interface SendRequest extends Idempotent {
  /** 1–2000 characters, trimmed. */
  text: string;
  /** Absent: a new conversation. */
  conversationId?: string;
  /**
   * The conversation is new, under the `conversationId` the page chose, so that the page can watch
   * its messages before the reply ends. Its own existing conversation is used as it is; an id
   * someone else's conversation has is `CONFLICT`.
   */
  create?: boolean;
}

export interface SendResult {
  conversation: Conversation;
  /** The user's message as stored. */
  message: ChatMessage;
  /** The reply in its final state: done, stopped, failed or blocked (see its `status` and `error`). */
  reply: ChatMessage;
  quota: ChatQuota;
}

export interface ConversationPage {
  /** Newest activity first, at most 20. */
  items: Conversation[];
  nextCursor: string | null;
}

export interface HistoryPage {
  conversation: Conversation;
  /** Oldest first, at most 20: the newest messages before `before` (or the newest of all). */
  items: ChatMessage[];
  /** Pass as `before` for the page of older messages; null when there is none. */
  nextBefore: string | null;
}

export interface ChatActions {
  send: Action<SendRequest, SendResult>;
  /** Stops a streaming reply; the text written so far is kept. A reply no longer streaming is answered as it is. */
  stop: Action<{ messageId: string }, { message: ChatMessage }>;
  /** Writes the newest reply of its conversation again (also how a failed reply is retried). */
  regenerate: Action<{ messageId: string } & Idempotent, { reply: ChatMessage; quota: ChatQuota }>;
  /** Undoes a reply's todo card: deletes the todo, and the card reads `undone` from then on. */
  undo: Action<{ messageId: string; todoId: string }, { message: ChatMessage }>;
  conversations: Action<{ cursor?: string }, ConversationPage>;
  history: Action<{ conversationId: string; before?: string }, HistoryPage>;
  rename: Action<{ conversationId: string; title: string }, { conversation: Conversation }>;
  /** Deletes the conversation and its messages (a streaming reply in it is stopped first). */
  remove: Action<{ conversationId: string }, { conversationId: string }>;
  quota: Action<Record<string, never>, ChatQuota>;
}
