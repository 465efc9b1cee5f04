/** The `chat` cloud function: the Chat page's actions over the chat engine and its collections. */
import { MESSAGE_MAX } from '../../shared/limits';
import type { ConversationPage, HistoryPage } from '../../typings/chat';
import type { Database } from '../db';
import type { DeferredCalls } from '../deferred';
import { AppError } from '../errors';
import { defineFunction, defineTimer, withTimer, type ActionContext, type HandlerDeps } from '../handler';
import { cursorField } from '../cursor';
import { Requests } from '../requests';
import { boolean, docId, object, optional, string } from '../schema';
import type { ChatConfig } from './config';
import { createChatEngine, type Timing } from './engine';
import type { MsgSecCheck } from './safety';
import { keyCursor, keyOf, PAGE_SIZE, toConversation, toMessage } from './store';
import { createSweep } from './sweep';

/** Time kept after a reply's deadline for checking it and the last writes, before the platform's limit. */
export const FINISH_MARGIN_MS = 5000;
/** When the platform does not say (the function's config.json sets 60 s). */
const DEFAULT_LIMIT_MS = 60_000;

export interface ChatDeps extends HandlerDeps {
  db: Database;
  config: ChatConfig;
  msgSecCheck?: MsgSecCheck;
  deferred?: DeferredCalls;
}

export function createChat(deps: ChatDeps) {
  const log = deps.log ?? ((message: string, error?: unknown) => console.error(message, error ?? ''));
  const engine = createChatEngine({
    db: deps.db,
    config: deps.config,
    ...(deps.msgSecCheck ? { msgSecCheck: deps.msgSecCheck } : {}),
    ...(deps.deferred ? { deferred: deps.deferred } : {}),
    log,
  });
  const { store } = engine;
  const requests = new Requests(deps.db, log);
  const sweep = createSweep({ store, quota: engine.quota, holds: engine.holds, requests, log });

  /** The reply ends FINISH_MARGIN_MS before the platform would end the invocation. */
  function timing(ctx: ActionContext): Timing {
    const start = Date.now();
    const end = ctx.deadline ?? start + DEFAULT_LIMIT_MS;
    return {
      now: ctx.now,
      zone: ctx.zone,
      deadline: Math.min(start + deps.config.replyMaxMs, end - FINISH_MARGIN_MS),
      lapse: end + 1000,
    };
  }

  async function owned(openid: string, conversationId: string) {
    const conversation = await store.conversation(openid, conversationId);
    if (!conversation) throw new AppError('NOT_FOUND', 'No such conversation.');
    return conversation;
  }

  const called = defineFunction(
    'chat',
    {
      send: {
        schema: object({
          text: string({ min: 1, max: MESSAGE_MAX, trim: true, multiline: true }),
          conversationId: optional(docId()),
          create: optional(boolean()),
        }),
        idempotent: true,
        async run({ text, conversationId, create }, ctx) {
          const { stats: _stats, ...result } = await engine.send({
            ...timing(ctx),
            ...(ctx.requestKey ? { requestKey: ctx.requestKey } : {}),
            openid: ctx.identity.openid,
            text,
            ...(conversationId ? { conversationId } : {}),
            ...(conversationId && create ? { create: { channel: 'miniprogram' as const } } : {}),
            stream: true,
            wechatCheck: true,
          });
          return result;
        },
      },

      stop: {
        schema: object({ messageId: docId() }),
        async run({ messageId }, { identity, now }) {
          return { message: toMessage(await engine.stop(identity.openid, messageId, now)) };
        },
      },

      undo: {
        schema: object({ messageId: docId(), todoId: docId() }),
        async run({ messageId, todoId }, { identity }) {
          return { message: toMessage(await engine.undoCard(identity.openid, messageId, todoId)) };
        },
      },

      regenerate: {
        schema: object({ messageId: docId() }),
        idempotent: true,
        async run({ messageId }, ctx) {
          const t = { ...timing(ctx), ...(ctx.requestKey ? { requestKey: ctx.requestKey } : {}) };
          const { reply, quota } = await engine.regenerate(ctx.identity.openid, messageId, t);
          return { reply: toMessage(reply), quota };
        },
      },

      conversations: {
        schema: object({ cursor: cursorField() }),
        async run(request, { identity }): Promise<ConversationPage> {
          const { docs, more } = await store.listConversations(
            identity.openid,
            keyCursor.decode(request.cursor, 'cursor'),
          );
          const last = docs.at(-1);
          return {
            items: docs.map(toConversation),
            nextCursor: more && last ? keyCursor.encode(keyOf(last.updatedAt, last._id)) : null,
          };
        },
      },

      history: {
        schema: object({ conversationId: docId(), before: cursorField() }),
        async run({ conversationId, before }, { identity, now, zone }): Promise<HistoryPage> {
          const conversation = await owned(identity.openid, conversationId);
          const after = keyCursor.decode(before, 'before');
          let docs = await store.recent(identity.openid, conversationId, PAGE_SIZE + 1, after);
          // A reply still "streaming" past its lapse lost its invocation: end it before showing it.
          if (docs.some((d) => d.status === 'streaming' && d.expiresAt && new Date(d.expiresAt) < now)) {
            await engine.settleLapsed(identity.openid, now, zone);
            docs = await store.recent(identity.openid, conversationId, PAGE_SIZE + 1, after);
          }
          const page = docs.slice(0, PAGE_SIZE);
          const oldest = page.at(-1);
          return {
            conversation: toConversation(conversation),
            items: page.reverse().map(toMessage),
            nextBefore:
              docs.length > PAGE_SIZE && oldest ? keyCursor.encode(keyOf(oldest.createdAt, oldest._id)) : null,
          };
        },
      },

      rename: {
        schema: object({ conversationId: docId(), title: string({ min: 1, max: 50, trim: true }) }),
        async run({ conversationId, title }, { identity }) {
          const doc = await owned(identity.openid, conversationId);
          // Renaming to the same title changes nothing, which is no error.
          if (doc.title !== title && !(await store.rename(identity.openid, conversationId, title))) {
            throw new AppError('NOT_FOUND', 'No such conversation.');
          }
          return { conversation: toConversation({ ...doc, title }) };
        },
      },

      remove: {
        schema: object({ conversationId: docId() }),
        async run({ conversationId }, { identity, now }) {
          await engine.removeConversation(identity.openid, conversationId, now);
          return { conversationId };
        },
      },

      quota: {
        schema: object({}),
        // Settles lapsed holds first, so the answer counts what is really left.
        run: (_request, { identity, now, zone }) => engine.settleAndReadQuota(identity.openid, now, zone),
      },
    },
    { ...deps, log, requests },
  );
  // Every minute (cloudbaserc.json): replies whose invocation died end without their user calling.
  const timer = defineTimer('chat', ({ now, deadline }) => sweep.run(now, deadline), { ...deps, log });
  return withTimer(called, timer);
}
