/**
 * The chat engine: one turn of a conversation, from the user's text to the reply's final state,
 * with no knowledge of who asked (the Chat page through the `chat` function, or an Official
 * Account message). Order of a turn: word list and msgSecCheck on the user's text, keyword
 * auto-replies, the context that fits, a quota slot, the conversation's lock, the two messages,
 * then the reply (turn.ts). Nothing is stored when the text is refused or no slot is left.
 */
import { isoInZone } from '../../shared/time';
import type { ChatQuota, Moderation, SendResult } from '../../typings/chat';
import { isDuplicateWrite, type Database } from '../db';
import type { DeferredCalls } from '../deferred';
import { AppError } from '../errors';
import { keyedId } from '../requests';
import { TodoStore } from '../todo/store';
import { findAutoReply } from './autoreply';
import type { ChatConfig, ModelConfig } from './config';
import { createHolds, type Timing } from './holds';
import { createReplyActions } from './manage';
import type { ModelMessage } from './model';
import { Quota } from './quota';
import { checkWithWeChat, WordList, type MsgSecCheck } from './safety';
import {
  ChatStore,
  clip,
  keyOf,
  messageDoc,
  newId,
  toContext,
  toConversation,
  toMessage,
  UNLOCKED,
  type ConversationDoc,
  type MessageDoc,
} from './store';
import { planContext } from './tokens';
import { keptCards, toolHistory, TOOL_SPECS } from './tools';
import { runReply, type ReplyOutcome } from './turn';

export type { Timing } from './holds';

/** Messages read back as context at most; the token budget usually keeps fewer. */
const HISTORY = 40;

export interface EngineDeps {
  db: Database;
  config: ChatConfig;
  /** `cloud.openapi.security.msgSecCheck`; without it only the word list applies. */
  msgSecCheck?: MsgSecCheck;
  /** CloudBase's deferred invocation: a reminder the tools set is sent on its second. */
  deferred?: DeferredCalls;
  log?: (message: string, error?: unknown) => void;
}

export interface TurnRequest extends Timing {
  openid: string;
  /** 1–2000 characters, trimmed. */
  text: string;
  /** An existing conversation of this user; absent starts a new one. */
  conversationId?: string;
  /** With `conversationId`: create it under that id when it does not exist (one per Official Account follower). */
  create?: { channel: ConversationDoc['channel'] };
  /** Write partial text while streaming (the page watches it); false writes only the end. */
  stream: boolean;
  /** Ask WeChat's msgSecCheck (the openid must have used the mini-program in the last 2 hours). */
  wechatCheck: boolean;
  /**
   * The mini-program user the turn acts for: whose todos the tools touch and whom msgSecCheck
   * asks about. Default `openid`; null for none (a follower not linked to a user: no tools).
   */
  actingUser?: string | null;
  /** The idempotent call's key: the two messages get ids derived from it, so a retry finds them. */
  requestKey?: string;
}

export type TurnResult = SendResult & { stats: Omit<ReplyOutcome, 'doc'> };

export function createChatEngine(deps: EngineDeps) {
  const { db, config } = deps;
  const log = deps.log ?? ((message: string, error?: unknown) => console.error(message, error ?? ''));
  const store = new ChatStore(db, log);
  const quota = new Quota(db, config.dailyLimit, log);
  const todos = new TodoStore(db, log, deps.deferred);
  const holds = createHolds(store, quota);
  const { reserve, take } = holds;
  const words = new WordList(db, config.wordsTtlMs);

  function requireModel(): ModelConfig {
    if (config.model) return config.model;
    throw new AppError('UPSTREAM', `The assistant has no model configured (${config.modelMissing}).`);
  }

  /** The user's local time with its offset and zone: how the model reads "明天9点". */
  function systemPrompt(now: Date, zone: string): string {
    return `${config.systemPrompt}\n\n现在是 ${isoInZone(now.getTime(), zone)}（${zone}）。`;
  }

  async function screenInput(openid: string, text: string, wechatCheck: boolean): Promise<[string, Moderation]> {
    const verdict = (await words.filter()).apply(text);
    if (verdict.blocked)
      throw new AppError('CONTENT_BLOCKED', 'The message contains a word this assistant does not accept.');
    if (!wechatCheck || !deps.msgSecCheck) return [verdict.text, 'unchecked'];
    let suggest: Moderation;
    try {
      suggest = (await checkWithWeChat(deps.msgSecCheck, openid, verdict.text)).suggest;
    } catch (error) {
      log('chat: msgSecCheck could not check a message', error);
      throw new AppError('UPSTREAM', 'The content check is unavailable; nothing was sent.');
    }
    // `review` is let through: the model's answer is checked again before it counts as finished.
    if (suggest === 'risky') throw new AppError('CONTENT_BLOCKED', "WeChat's content check refused the message.");
    return [verdict.text, suggest];
  }

  async function conversationFor(request: TurnRequest, locked: string | null): Promise<ConversationDoc> {
    const { openid, now } = request;
    const doc: ConversationDoc = {
      _id: request.conversationId ?? newId(),
      _openid: openid,
      title: clip(request.text, 30),
      channel: request.create?.channel ?? 'miniprogram',
      createdAt: now,
      updatedAt: now,
      lastText: '',
      activeReplyId: locked,
      activeUntil: locked ? new Date(request.lapse) : UNLOCKED,
    };
    try {
      await store.insertConversation(doc);
    } catch (error) {
      // Only a page-chosen id can collide, and only with someone else's conversation.
      if (isDuplicateWrite(error)) throw new AppError('CONFLICT', 'That conversation id is taken; choose another.');
      throw error;
    }
    return doc;
  }

  async function result(
    openid: string,
    conversationId: string,
    message: MessageDoc,
    reply: MessageDoc,
    now: Date,
    zone: string,
  ) {
    const conversation = await store.conversation(openid, conversationId);
    if (!conversation) throw new AppError('NOT_FOUND', 'The conversation was removed.');
    return {
      conversation: toConversation(conversation),
      message: toMessage(message),
      reply: toMessage(reply),
      quota: await quota.status(openid, now, zone),
    };
  }

  /**
   * A retried call whose first invocation died after storing the turn: the turn as it stands, its
   * reply ended as interrupted if that invocation left it streaming (it will write no more).
   */
  async function resume(openid: string, messageId: string, replyId: string, now: Date, zone: string) {
    const message = await store.message(openid, messageId);
    if (!message) return undefined;
    if ((await store.message(openid, replyId))?.status === 'streaming') await holds.interrupt(openid, replyId, now);
    const reply = await store.message(openid, replyId);
    if (!reply) throw new AppError('NOT_FOUND', 'The conversation was removed.');
    return { ...(await result(openid, message.conversationId, message, reply, now, zone)), stats: { writes: 0 } };
  }

  /** One turn: stores the user's text and the reply in its final state, and reports both. */
  async function send(request: TurnRequest): Promise<TurnResult> {
    const { openid, now, requestKey } = request;
    const messageId = requestKey ? keyedId(requestKey, 'message') : newId();
    const replyId = requestKey ? keyedId(requestKey, 'reply') : newId();
    const resumed = requestKey ? await resume(openid, messageId, replyId, now, request.zone) : undefined;
    if (resumed) return resumed;
    const model = requireModel();
    let conversation = request.conversationId ? await store.conversation(openid, request.conversationId) : undefined;
    if (request.conversationId && !conversation && !request.create) {
      throw new AppError('NOT_FOUND', 'No such conversation.');
    }
    const actingUser = request.actingUser === undefined ? openid : request.actingUser;
    const [text, moderation] = await screenInput(actingUser ?? openid, request.text, request.wechatCheck);
    const history = conversation ? (await store.recent(openid, conversation._id, HISTORY)).reverse() : [];
    const user = (conversationId: string) =>
      messageDoc({
        _id: messageId,
        _openid: openid,
        conversationId,
        role: 'user',
        text,
        status: 'done',
        createdAt: now,
        moderation,
      });
    const replyAt = new Date(now.getTime() + 1);

    const rule = await findAutoReply(db, text);
    if (rule) {
      conversation ??= await conversationFor(request, null);
      const message = user(conversation._id);
      const reply = messageDoc({
        _id: replyId,
        _openid: openid,
        conversationId: conversation._id,
        role: 'assistant',
        text: rule.reply,
        status: 'done',
        createdAt: replyAt,
        finishReason: 'autoreply',
      });
      await store.insertMessage(message);
      await store.insertMessage(reply);
      await store.touch(conversation._id, reply.text, now);
      return { ...(await result(openid, conversation._id, message, reply, now, request.zone)), stats: { writes: 0 } };
    }

    const plan = planContext({
      system: systemPrompt(now, request.zone),
      history: toContext(history),
      turn: [{ role: 'user', content: text }],
      tools: model.tools && actingUser !== null ? TOOL_SPECS : [],
      contextTokens: model.contextTokens,
      maxTokens: model.maxTokens,
    });
    if (!plan) {
      throw new AppError('INVALID_ARGUMENT', "The message is too long for the model's context window.", {
        text: 'is too long for the model',
      });
    }
    const held = await reserve(openid, replyId, request);
    try {
      if (conversation) await take(conversation, replyId, request);
      else conversation = await conversationFor(request, replyId);
    } catch (error) {
      await quota.release(held, replyId, now);
      throw error;
    }
    const message = user(conversation._id);
    const reply = messageDoc({
      _id: replyId,
      _openid: openid,
      conversationId: conversation._id,
      role: 'assistant',
      text: '',
      status: 'streaming',
      createdAt: replyAt,
      expiresAt: new Date(request.lapse),
      quotaId: held,
    });
    try {
      await store.insertMessage(message);
      await store.insertMessage(reply);
    } catch (error) {
      // Neither message stays without the other; the slot and the lock go back.
      await store.removeMessage(messageId).catch(() => undefined);
      await quota.release(held, replyId, now);
      await store.unlock(conversation._id, replyId, conversation.lastText, now);
      throw error;
    }
    const outcome = await replyWith(reply, model, plan.messages, { ...request, actingUser });
    const { doc, ...stats } = outcome;
    return { ...(await result(openid, conversation._id, message, doc, new Date(), request.zone)), stats };
  }

  async function replyWith(
    reply: MessageDoc,
    model: ModelConfig,
    messages: ModelMessage[],
    request: Timing & Pick<TurnRequest, 'stream' | 'wechatCheck'> & { actingUser: string | null },
  ) {
    return runReply(
      {
        store,
        quota,
        todos,
        words: await words.filter(),
        config,
        ...(deps.msgSecCheck ? { msgSecCheck: deps.msgSecCheck } : {}),
        log,
      },
      {
        reply,
        model,
        messages,
        deadline: request.deadline,
        stream: request.stream,
        wechatCheck: request.wechatCheck,
        actingUser: request.actingUser,
        zone: request.zone,
      },
    );
  }

  /** Writes the newest reply of its conversation again; also how a failed reply is retried. */
  async function regenerate(
    openid: string,
    messageId: string,
    t: Timing & { requestKey?: string },
  ): Promise<{ reply: MessageDoc; quota: ChatQuota }> {
    const model = requireModel();
    const doc = await store.message(openid, messageId);
    if (!doc || doc.role !== 'assistant') throw new AppError('NOT_FOUND', 'No such reply.');
    const startedBy = t.requestKey ? keyedId(t.requestKey, 'regenerate') : null;
    if (startedBy && doc.regeneratedBy === startedBy) {
      // A retried call whose first invocation died after starting it: the reply as that one left it.
      if (doc.status === 'streaming') await holds.interrupt(openid, doc._id, t.now);
      return { reply: (await store.message(openid, doc._id)) ?? doc, quota: await quota.status(openid, t.now, t.zone) };
    }
    if (doc.status === 'streaming') throw new AppError('CONFLICT', 'The reply is still being written.');
    const conversation = await store.conversation(openid, doc.conversationId);
    if (!conversation) throw new AppError('NOT_FOUND', 'No such reply.');
    const [newest] = await store.recent(openid, doc.conversationId, 1);
    if (newest?._id !== doc._id) throw new AppError('CONFLICT', 'Only the newest reply can be written again.');
    const earlier = toContext(
      (await store.recent(openid, doc.conversationId, HISTORY, keyOf(doc.createdAt, doc._id))).reverse(),
    );
    const last = earlier.at(-1)?.role === 'user' ? earlier.splice(-1) : [];
    // What the reply already did stays done: its todos are kept (unless undone), not created again.
    const kept = await keptCards(todos, openid, doc.cards ?? []);
    const plan = planContext({
      system: systemPrompt(t.now, t.zone),
      history: earlier,
      turn: [...last, ...toolHistory(kept, t.zone)],
      tools: model.tools ? TOOL_SPECS : [],
      contextTokens: model.contextTokens,
      maxTokens: model.maxTokens,
    });
    if (!plan) throw new AppError('INVALID_ARGUMENT', "The conversation is too long for the model's context window.");
    const held = await reserve(openid, doc._id, t);
    const fresh: Partial<MessageDoc> = {
      status: 'streaming',
      text: '',
      error: null,
      usage: null,
      finishReason: null,
      cards: kept,
      moderation: 'unchecked',
      updatedAt: t.now,
      expiresAt: new Date(t.lapse),
      quotaId: held,
      regeneratedBy: startedBy,
    };
    try {
      await take(conversation, doc._id, t);
      if (!(await store.transition(doc._id, doc.status, fresh))) {
        await store.unlock(conversation._id, doc._id, conversation.lastText, t.now);
        throw new AppError('CONFLICT', 'The reply changed meanwhile.');
      }
    } catch (error) {
      await quota.release(held, doc._id, t.now);
      throw error;
    }
    const outcome = await replyWith({ ...doc, ...fresh }, model, plan.messages, {
      ...t,
      stream: true,
      wechatCheck: true,
      actingUser: openid,
    });
    return { reply: outcome.doc, quota: await quota.status(openid, new Date(), t.zone) };
  }

  /** Settles the caller's lapsed holds, then reads today's allowance: the `quota` action's answer. */
  async function settleAndReadQuota(openid: string, now: Date, zone: string): Promise<ChatQuota> {
    await holds.settleLapsed(openid, now, zone);
    return quota.status(openid, now, zone);
  }

  return {
    send,
    regenerate,
    ...createReplyActions(store, todos),
    settleLapsed: holds.settleLapsed,
    settleAndReadQuota,
    store,
    quota,
    holds,
  };
}

export type ChatEngine = ReturnType<typeof createChatEngine>;
