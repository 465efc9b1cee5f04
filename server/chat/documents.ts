/**
 * The chat's stored documents as the chat function writes them: a conversation and a message (the
 * `MessageDoc` contract the page watches). The store checks every one it reads against these, so
 * a malformed one is skipped (a list, the model's context) or not found (a single read), never an
 * INTERNAL. Text fields are checked for their type only: an Official Account follower's text
 * reaches them without the mini-program's input rules. Fields an earlier version did not write
 * (`undone`) may be absent.
 */
import { QUADRANT_KEYS } from '../../shared/quadrants';
import type { MessageDoc, MessageStatus, Moderation, ReplyErrorCode } from '../../typings/chat';
import {
  anyString,
  array,
  boolean,
  docId,
  integer,
  nullable,
  object,
  oneOf,
  optional,
  storedDate,
  type Schema,
} from '../schema';

/** A user's replies for one day: taken (held or used) and used, with the holds of replies in progress. */
export interface QuotaDoc {
  _id: string;
  _openid: string;
  day: string;
  taken: number;
  used: number;
  /** Reply id → the instant its hold lapses (the reply's deadline). */
  holds: Record<string, Date>;
  /** Midnight after the day, in the zone it started in; absent on days kept before zones. */
  resetsAt?: Date;
  updatedAt: Date;
}

/** A conversation: its title, channel and the lock of the reply being written. */
export interface ConversationDoc {
  _id: string;
  _openid: string;
  title: string;
  /** Where it is used: the mini-program's Chat page, or an Official Account follower. */
  channel: 'miniprogram' | 'oa';
  createdAt: Date;
  updatedAt: Date;
  lastText: string;
  /** The reply being written; one at a time per conversation. */
  activeReplyId: string | null;
  /** The lock on `activeReplyId` lapses at this instant (the writing invocation's deadline). */
  activeUntil: Date;
}

export const MESSAGE_STATUSES = [
  'streaming',
  'done',
  'stopped',
  'failed',
  'blocked',
] as const satisfies readonly MessageStatus[];

export const REPLY_ERROR_CODES = [
  'MODEL_TIMEOUT',
  'MODEL_AUTH',
  'MODEL_RATE_LIMITED',
  'MODEL_UNAVAILABLE',
  'MODEL_REJECTED',
  'MODEL_ERROR',
  'MODEL_TRUNCATED',
  'REPLY_TIMEOUT',
  'REPLY_TOO_LONG',
  'WRITE_FAILED',
  'INTERRUPTED',
  'INVALID_DOCUMENT',
] as const satisfies readonly ReplyErrorCode[];

const MODERATIONS = ['pass', 'review', 'risky', 'unchecked'] as const satisfies readonly Moderation[];

const isoText = () => nullable(anyString({ max: 40 }));

const card = () =>
  object(
    {
      type: oneOf(['todo'] as const),
      todoId: docId(),
      title: anyString(),
      quadrant: oneOf(QUADRANT_KEYS),
      dueAt: isoText(),
      remindAt: isoText(),
      undone: optional(boolean()),
    },
    { keepUnknown: true },
  );

export function messageDocSchema(): Schema<MessageDoc> {
  const count = () => integer({ min: 0 });
  return object(
    {
      _id: docId(),
      _openid: anyString({ min: 1, max: 128 }),
      conversationId: anyString({ min: 1, max: 200 }),
      role: oneOf(['user', 'assistant'] as const),
      text: anyString(),
      status: oneOf(MESSAGE_STATUSES),
      createdAt: storedDate(),
      updatedAt: storedDate(),
      finishReason: nullable(anyString({ max: 100 })),
      usage: nullable(
        object({ promptTokens: count(), completionTokens: count(), totalTokens: count() }, { keepUnknown: true }),
      ),
      error: nullable(object({ code: oneOf(REPLY_ERROR_CODES), message: anyString() }, { keepUnknown: true })),
      cards: array(card()),
      undone: optional(array(anyString())),
      moderation: oneOf(MODERATIONS),
      expiresAt: nullable(storedDate()),
      quotaId: nullable(anyString({ min: 1, max: 200 })),
      regeneratedBy: optional(nullable(anyString({ max: 64 }))),
    },
    { keepUnknown: true },
  );
}

export function conversationDocSchema(): Schema<ConversationDoc> {
  return object(
    {
      _id: anyString({ min: 1, max: 200 }),
      _openid: anyString({ min: 1, max: 128 }),
      title: anyString(),
      channel: oneOf(['miniprogram', 'oa'] as const),
      createdAt: storedDate(),
      updatedAt: storedDate(),
      lastText: anyString(),
      activeReplyId: nullable(anyString({ min: 1, max: 64 })),
      activeUntil: storedDate(),
    },
    { keepUnknown: true },
  );
}

/** A quota document's holds: reply ids to the date each hold lapses. */
const holdsSchema = (): Schema<Record<string, Date>> => ({
  parse(value, path, issues) {
    const held = typeof value === 'object' && value !== null && !Array.isArray(value) ? Object.entries(value) : null;
    if (held?.every(([, until]) => until instanceof Date)) return Object.fromEntries(held) as Record<string, Date>;
    issues[path] = 'must map reply ids to dates';
    return undefined;
  },
});

export function quotaDocSchema(): Schema<QuotaDoc> {
  return object(
    {
      _id: anyString({ min: 1 }),
      _openid: anyString({ min: 1 }),
      day: anyString(),
      taken: integer({ min: 0 }),
      used: integer({ min: 0 }),
      holds: holdsSchema(),
      updatedAt: storedDate(),
    },
    { keepUnknown: true },
  );
}

/**
 * A quota document rebuilt from a malformed one (`openid:day` in its id): `used` if it is still a
 * count, the holds whose lapse is still a date, and `taken` as their sum, which it always is.
 */
export function rebuiltQuota(id: string, raw: Record<string, unknown>, now: Date): QuotaDoc {
  const used = typeof raw.used === 'number' && Number.isInteger(raw.used) && raw.used >= 0 ? raw.used : 0;
  const stored = typeof raw.holds === 'object' && raw.holds !== null ? Object.entries(raw.holds) : [];
  const holds = Object.fromEntries(stored.filter(([, until]) => until instanceof Date)) as Record<string, Date>;
  const at = id.lastIndexOf(':');
  return {
    _id: id,
    _openid: id.slice(0, at),
    day: id.slice(at + 1),
    taken: used + Object.keys(holds).length,
    used,
    holds,
    updatedAt: now,
  };
}
