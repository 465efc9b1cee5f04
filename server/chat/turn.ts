/**
 * Writes one reply, from `streaming` to its end: streams the model into the message document,
 * notices a stop made elsewhere, ends by the deadline, checks what the model said, and settles
 * the quota hold by the outcome (a finished reply is charged, and a stopped one that showed text).
 */
import type { ChatCard, Moderation, ReplyErrorCode } from '../../typings/chat';
import type { TodoStore } from '../todo/store';
import { replyCharLimit, type ChatConfig, type ModelConfig } from './config';
import { generate } from './generate';
import { ModelError, type ModelFault, type ModelMessage } from './model';
import { charged, type Quota } from './quota';
import { checkWithWeChat, type MsgSecCheck, type WordFilter } from './safety';
import type { ChatStore, MessageDoc } from './store';
import { runTool, TOOL_SPECS } from './tools';
import { ThrottledWriter } from './writer';

/** With nothing written for this long, the writer reads the reply's status to notice a stop. */
const CHECK_MS = 500;

/** What a blocked reply shows instead of its text. */
export const BLOCKED_NOTICE = '这条回复可能包含不当内容，已隐藏。';

const REPLY_ERRORS: Record<Exclude<ModelFault, 'ABORTED'>, [ReplyErrorCode, string]> = {
  TIMEOUT: ['MODEL_TIMEOUT', 'The model did not answer in time.'],
  AUTH: ['MODEL_AUTH', 'The model refused the API key.'],
  RATE_LIMITED: ['MODEL_RATE_LIMITED', 'The model is rate limited.'],
  UNAVAILABLE: ['MODEL_UNAVAILABLE', 'The model service is unavailable.'],
  REJECTED: ['MODEL_REJECTED', 'The model refused the request.'],
  ERROR: ['MODEL_ERROR', 'The model reported an error.'],
  TRUNCATED: ['MODEL_TRUNCATED', 'The reply was cut off before it finished.'],
};

export interface ReplyDeps {
  store: ChatStore;
  quota: Quota;
  todos: TodoStore;
  words: WordFilter;
  config: ChatConfig;
  msgSecCheck?: MsgSecCheck;
  log: (message: string, error?: unknown) => void;
}

export interface ReplyJob {
  reply: MessageDoc;
  model: ModelConfig;
  messages: ModelMessage[];
  /** Epoch ms: the reply ends (as failed, text kept) if it is still streaming then. */
  deadline: number;
  /** Write partial text while streaming; false writes only the end (no one watches). */
  stream: boolean;
  /** Ask WeChat's msgSecCheck about the reply (it needs an openid active in the mini-program). */
  wechatCheck: boolean;
  /** The mini-program user whose todos the tools touch and whom msgSecCheck asks about; null: no tools. */
  actingUser: string | null;
  /** The user's zone, in which the tools read "today" and write times. */
  zone: string;
}

export interface ReplyOutcome {
  doc: MessageDoc;
  /** Writes to the reply while it streamed, and when its first text was handed in and written. */
  writes: number;
  firstTextAt?: number;
  firstWriteAt?: number;
}

type Ending = 'deadline' | 'blocked' | 'gone' | 'broken' | 'too_long';

/** `text` cut to at most `max` UTF-16 units, never through the middle of a surrogate pair. */
function cutAt(text: string, max: number): string {
  const end = /[\uD800-\uDBFF]/.test(text.charAt(max - 1)) ? max - 1 : max;
  return text.slice(0, end);
}

interface Screened {
  blocked: boolean;
  text: string;
  moderation: Moderation;
}

export async function runReply(deps: ReplyDeps, job: ReplyJob): Promise<ReplyOutcome> {
  const { store } = deps;
  const id = job.reply._id;
  const user = job.actingUser;
  const controller = new AbortController();
  const end = (why: Ending): void => {
    if (!controller.signal.aborted) controller.abort(why);
  };
  const timer = setTimeout(() => end('deadline'), Math.max(0, job.deadline - Date.now()));
  // A regenerated reply keeps the todos its earlier version created.
  const cards: ChatCard[] = [...job.reply.cards];
  const limit = replyCharLimit(job.model.maxTokens);
  let visible = '';
  let tooLong = false;

  const writer = job.stream
    ? new ThrottledWriter(
        {
          write: async (text) => {
            const verdict = deps.words.apply(text);
            if (verdict.blocked) {
              end('blocked');
              return true;
            }
            return store.writeStreaming(id, { text: verdict.text, cards: [...cards], updatedAt: new Date() });
          },
          alive: async () => (await store.status(id)) === 'streaming',
        },
        {
          intervalMs: deps.config.flushMs,
          checkMs: CHECK_MS,
          onGone: (error) => {
            if (error) deps.log(`chat: writing reply ${id} failed`, error);
            end(error ? 'broken' : 'gone');
          },
        },
      )
    : undefined;

  let patch: Partial<MessageDoc>;
  try {
    const result = await generate({
      model: job.model,
      messages: job.messages,
      tools: job.model.tools && user !== null ? TOOL_SPECS : [],
      signal: controller.signal,
      onText: (text) => {
        if (tooLong) return;
        if (text.length > limit) {
          // A model that ignores max_tokens (streaming megabytes) is cut off here, not by the database.
          tooLong = true;
          visible = cutAt(text, limit);
          end('too_long');
          return;
        }
        visible = text;
        writer?.update(text);
      },
      runTool: (call) =>
        user === null
          ? Promise.reject(new Error('no tools for this turn'))
          : runTool(call, deps.todos, { openid: user, now: new Date(), zone: job.zone }, cards),
      onCard: (card) => cards.push(card),
    });
    if (tooLong) throw new ModelError('ABORTED', 'the reply passed its length cap');
    visible = result.text;
    if (result.finishReason === 'content_filter') {
      patch = { status: 'blocked', text: BLOCKED_NOTICE, moderation: 'unchecked', finishReason: result.finishReason };
    } else if (!result.text.trim() && cards.length === 0) {
      patch = failed('MODEL_ERROR', 'The model answered with no text.', '');
    } else {
      const screened = await screen(deps, job, result.text);
      patch = screened.blocked
        ? { status: 'blocked', text: screened.text, moderation: screened.moderation }
        : { status: 'done', text: screened.text, moderation: screened.moderation };
      patch.finishReason = result.finishReason ?? 'stop';
      patch.usage = result.usage;
    }
  } catch (error) {
    const why = controller.signal.reason as Ending | undefined;
    if (error instanceof ModelError && error.fault === 'ABORTED' && why === 'gone') {
      clearTimeout(timer);
      await writer?.close();
      return { doc: await afterStop(deps, job, shown(writer)), ...statsOf(writer) };
    }
    if (why === 'blocked') {
      patch = { status: 'blocked', text: BLOCKED_NOTICE, moderation: 'unchecked' };
    } else if (tooLong) {
      deps.log(`chat: reply ${id} passed its cap of ${limit} characters; the model ignored max_tokens`);
      patch = failed('REPLY_TOO_LONG', 'The model went on past the reply length cap.', visible);
    } else if (why === 'broken') {
      // The database refused the growing text: end with what it last saved, which it did take.
      patch = failed('WRITE_FAILED', 'The reply could not be saved.', writer?.saved ?? '');
    } else if (why === 'deadline') {
      patch = failed('REPLY_TIMEOUT', 'The reply ran into its time limit.', visible);
    } else if (error instanceof ModelError && error.fault !== 'ABORTED') {
      deps.log(`chat: reply ${id} failed: ${error.message}`);
      patch = failed(...REPLY_ERRORS[error.fault], visible);
    } else {
      deps.log(`chat: reply ${id} broke`, error);
      patch = failed('INTERRUPTED', 'The reply could not be written.', visible);
    }
    if (patch.status === 'failed' && patch.text) {
      const screened = await screen(deps, job, patch.text);
      patch = screened.blocked
        ? { status: 'blocked', text: screened.text, moderation: screened.moderation }
        : { ...patch, text: screened.text, moderation: screened.moderation };
    }
  }
  clearTimeout(timer);
  await writer?.close();

  const now = new Date();
  let final: Partial<MessageDoc> = { ...patch, cards, updatedAt: now, expiresAt: null };
  let ended: boolean;
  try {
    ended = await store.transition(id, 'streaming', final);
  } catch (error) {
    // The end itself was refused (too large, most likely): the reply still ends, with the text
    // last saved. Should this fail too, the sweep ends it after its deadline.
    deps.log(`chat: ending reply ${id} failed; ending it without its text`, error);
    final = { ...failed('WRITE_FAILED', 'The reply could not be saved.', writer?.saved ?? ''), cards, updatedAt: now };
    final.expiresAt = null;
    ended = await store.transition(id, 'streaming', final);
  }
  if (!ended) {
    // A stop (or a remove) ended it first; that decision stands.
    return { doc: await afterStop(deps, job, shown(writer)), ...statsOf(writer) };
  }
  if (job.reply.quotaId) {
    if (final.status === 'done') await deps.quota.commit(job.reply.quotaId, id, now);
    else await deps.quota.release(job.reply.quotaId, id, now);
  }
  await store.unlock(job.reply.conversationId, id, final.text ?? '', now);
  return { doc: { ...job.reply, ...final }, ...statsOf(writer) };
}

/** Whether any text of the reply reached the database, where the page could show it. */
const shown = (writer: ThrottledWriter | undefined): boolean => writer?.stats.firstWriteAt !== undefined;

function statsOf(writer: ThrottledWriter | undefined): Omit<ReplyOutcome, 'doc'> {
  const stats = writer?.stats;
  return {
    writes: stats?.writes ?? 0,
    ...(stats?.firstTextAt !== undefined ? { firstTextAt: stats.firstTextAt } : {}),
    ...(stats?.firstWriteAt !== undefined ? { firstWriteAt: stats.firstWriteAt } : {}),
  };
}

function failed(code: ReplyErrorCode, message: string, text: string): Partial<MessageDoc> {
  return { status: 'failed', text, error: { code, message }, moderation: 'unchecked', finishReason: null };
}

/** The word list, then WeChat; a check WeChat could not make leaves the text shown and marked unchecked. */
async function screen(deps: ReplyDeps, job: ReplyJob, text: string): Promise<Screened> {
  const words = deps.words.apply(text);
  if (words.blocked) return { blocked: true, text: BLOCKED_NOTICE, moderation: 'unchecked' };
  if (!job.wechatCheck || !deps.msgSecCheck || job.actingUser === null) {
    return { blocked: false, text: words.text, moderation: 'unchecked' };
  }
  try {
    const result = await checkWithWeChat(deps.msgSecCheck, job.actingUser, words.text);
    if (result.suggest === 'risky') {
      deps.log(`chat: reply ${job.reply._id} is risky (label ${result.label}, trace ${result.traceId})`);
      return { blocked: true, text: BLOCKED_NOTICE, moderation: 'risky' };
    }
    return { blocked: false, text: words.text, moderation: result.suggest };
  } catch (error) {
    deps.log(`chat: msgSecCheck could not check reply ${job.reply._id}`, error);
    return { blocked: false, text: words.text, moderation: 'unchecked' };
  }
}

/**
 * The reply was ended elsewhere (a stop keeps the text written so far). The kept text was shown
 * while streaming, so it is still checked, and hidden if risky; then the quota hold is settled:
 * charged when text was shown (see `charged`), given back otherwise.
 */
async function afterStop(deps: ReplyDeps, job: ReplyJob, wasShown: boolean): Promise<MessageDoc> {
  const { quotaId } = job.reply;
  const settleHold = (charge: boolean) =>
    quotaId
      ? charge
        ? deps.quota.commit(quotaId, job.reply._id, new Date())
        : deps.quota.release(quotaId, job.reply._id, new Date())
      : undefined;
  const doc = await deps.store.message(job.reply._openid, job.reply._id);
  if (!doc) {
    // Removed with its conversation while streaming: what was shown counts.
    await settleHold(wasShown);
    return { ...job.reply, status: 'stopped', expiresAt: null };
  }
  if (doc.status === 'stopped' && doc.text) {
    const screened = await screen(deps, job, doc.text);
    if (screened.blocked || screened.moderation !== doc.moderation || screened.text !== doc.text) {
      const patch: Partial<MessageDoc> = screened.blocked
        ? { status: 'blocked', text: screened.text, moderation: screened.moderation }
        : { text: screened.text, moderation: screened.moderation };
      if (await deps.store.transition(doc._id, 'stopped', patch)) Object.assign(doc, patch);
    }
  }
  await settleHold(charged(doc));
  await deps.store.unlock(doc.conversationId, doc._id, doc.text, new Date());
  return doc;
}
