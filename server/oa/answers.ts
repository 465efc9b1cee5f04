/**
 * What the Official Account answers each message with, as text parts that each fit one message:
 * a follower's text goes to the same chat engine as the mini-program's Chat page (one
 * conversation per follower); a follow gets a welcome linking to the mini-program; an unfollow is
 * recorded; other kinds get a polite note. A follower is linked to a mini-program user by unionid
 * on follow and on their first message; a linked follower is checked with msgSecCheck and may use
 * the todo tools as that user, others get the word list only.
 */
import { MESSAGE_MAX } from '../../shared/limits';
import type { ServerErrorCode } from '../../typings/contract';
import type { ChatEngine, Timing } from '../chat/engine';
import { BLOCKED_NOTICE } from '../chat/turn';
import { AppError } from '../errors';
import type { OaApi } from './api';
import type { OaConfig } from './config';
import type { Followers } from './followers';

/** A text message (passive or customer-service) holds at most 2048 bytes of UTF-8. */
export const TEXT_BYTES = 2048;
const MORE = '\n【未完待续，回复任意文字继续】';

export const WELCOME = '感谢关注四象限助手！直接发消息就能和助手聊天；';
export const ONLY_TEXT = '目前只能回答文字消息，请把问题打出来发给我。';
/** A follower without a unionid is asked about again after this long (the account may get bound). */
const RECHECK_MS = 24 * 3600_000;
const FAILED_REPLY = '抱歉，这次没能回答，请稍后再试。';

const ERROR_TEXT: Partial<Record<ServerErrorCode, string>> = {
  QUOTA_EXCEEDED: '今天的提问次数已用完，明天再来吧。',
  CONTENT_BLOCKED: '这条消息包含不支持的内容，换个说法试试。',
  CONFLICT: '上一个问题还在回答中，请稍候再发。',
  UPSTREAM: '助手暂时不可用，请稍后再试。',
  INVALID_ARGUMENT: '消息太长了，请缩短后再发。',
};

const utf8 = (text: string): number => Buffer.byteLength(text, 'utf8');

/** Splits `text` into parts of at most `max` UTF-8 bytes, at a line break when one is near. */
export function splitText(text: string, max = TEXT_BYTES): string[] {
  const parts: string[] = [];
  let rest = text;
  while (utf8(rest) > max) {
    const chars = [...rest];
    let bytes = 0;
    let end = 0;
    while (end < chars.length && bytes + utf8(chars[end]) <= max) bytes += utf8(chars[end++]);
    const head = chars.slice(0, end).join('');
    const newline = head.lastIndexOf('\n');
    const cut = newline > head.length / 2 ? newline + 1 : head.length;
    parts.push(head.slice(0, cut).trimEnd());
    rest = rest.slice(cut).trimStart();
  }
  if (rest.trim() || parts.length === 0) parts.push(rest);
  return parts;
}

export interface AnswerDeps {
  engine: ChatEngine;
  followers: Followers;
  api: OaApi;
  config: OaConfig;
  log: (message: string, error?: unknown) => void;
}

export interface Incoming {
  openid: string;
  fields: Record<string, string>;
  now: Date;
  timing: Timing;
}

export function createAnswers(deps: AnswerDeps) {
  const { engine, followers, api, config, log } = deps;

  /** Links the follower by unionid if not yet linked; a failure only costs the link this time. */
  async function linked(openid: string, now: Date): Promise<string | null> {
    const doc = await followers.get(openid);
    const recent = doc?.checkedAt && now.getTime() - new Date(doc.checkedAt).getTime() < RECHECK_MS;
    if (doc?.unionid) return doc.userOpenid ?? (await followers.relink(openid, doc.unionid, now));
    if (recent) return null;
    try {
      await followers.link(api, [openid], now);
    } catch (error) {
      log(`oa: could not look up follower ${openid}`, error);
      return null;
    }
    return (await followers.get(openid))?.userOpenid ?? null;
  }

  function welcome(): string {
    const app = config.miniProgramAppid;
    const link = app
      ? `<a data-miniprogram-appid="${app}" data-miniprogram-path="pages/todos/index" href="https://mp.weixin.qq.com">打开小程序</a>管理待办，关注后到点的提醒也会发到这里。`
      : '在小程序里管理待办，关注后到点的提醒也会发到这里。';
    return WELCOME + link;
  }

  async function chat(incoming: Incoming, text: string): Promise<string[]> {
    const { openid, now, timing } = incoming;
    await followers.upsert(openid, { subscribed: true, lastMessageAt: now }, now);
    const waiting = await followers.takePending(openid, now);
    // An answer that could not be sent earlier goes first; this message fetched it, as promised.
    if (waiting) return [waiting.left > 0 ? `${waiting.part}${MORE}` : waiting.part];
    if (!text) return [ONLY_TEXT];
    const user = await linked(openid, now);
    try {
      const result = await engine.send({
        ...timing,
        openid,
        text: [...text].slice(0, MESSAGE_MAX).join(''),
        conversationId: `oa-${openid}`,
        create: { channel: 'oa' },
        stream: false,
        wechatCheck: user !== null,
        actingUser: user,
      });
      const reply = result.reply;
      if (reply.status === 'blocked') return [BLOCKED_NOTICE];
      if (reply.status !== 'done' || !reply.text.trim()) return [FAILED_REPLY];
      return splitText(reply.text);
    } catch (error) {
      if (error instanceof AppError) return [ERROR_TEXT[error.code] ?? FAILED_REPLY];
      log(`oa: answering ${openid} failed`, error);
      return [FAILED_REPLY];
    }
  }

  /** The answer's parts; none for a message that needs no answer. Never throws. */
  async function answer(incoming: Incoming): Promise<string[]> {
    const { fields, openid, now } = incoming;
    try {
      if (fields.MsgType === 'text') return await chat(incoming, fields.Content ?? '');
      if (fields.MsgType !== 'event') return await chat(incoming, '');
      const event = (fields.Event ?? '').toLowerCase();
      if (event === 'subscribe') {
        await followers.upsert(openid, { subscribed: true, subscribedAt: now, lastMessageAt: now }, now);
        await linked(openid, now);
        return [welcome()];
      }
      if (event === 'unsubscribe') {
        await followers.upsert(openid, { subscribed: false, unsubscribedAt: now }, now);
      }
      return [];
    } catch (error) {
      log(`oa: handling a ${fields.MsgType} from ${openid} failed`, error);
      return [FAILED_REPLY];
    }
  }

  return { answer };
}
