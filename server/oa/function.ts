/**
 * The `oa` cloud function: the Official Account's server URL (服务器地址), reached through the
 * HTTP access service. Its caller is WeChat, proven by the signature, not a mini-program user, so
 * the identity is the verified message's FromUserName rather than getWXContext(). In order:
 * the event's shape; GET answers the URL check; POST is refused unless it is at most 64 KB, signed
 * with our token, timestamped within 5 minutes, well-formed XML without DTD or entities, and (when
 * encrypted) signed and sealed for our appid. Nothing is written and no model is called before all
 * of that holds. The answer goes back as a passive reply, encrypted when the message was.
 */
import { randomBytes } from 'node:crypto';
import type { ChatConfig } from '../chat/config';
import { DEFAULT_ZONE } from '../../shared/time';
import { createChatEngine } from '../chat/engine';
import type { MsgSecCheck } from '../chat/safety';
import type { Database } from '../db';
import type { DeferredCalls } from '../deferred';
import { OaApi } from './api';
import { createAnswers } from './answers';
import type { OaConfig } from './config';
import { CryptoError, MessageCipher, sameSignature, sign } from './crypto';
import { Followers } from './followers';
import { Inbox, inboxKey } from './inbox';
import { createWindow, type WindowTimings } from './window';
import type { WechatFetch } from './wechat-call';
import { buildXml, parseMessage, XmlError } from './xml';

/** The largest message accepted; WeChat's are a few KB. */
export const BODY_LIMIT = 64 * 1024;
/** A request timestamped further than this from our clock is refused (a replay, or a wrong clock). */
export const SKEW_MS = 5 * 60_000;
/** When the platform does not say (cloudbaserc.json gives oa 60 s). */
const DEFAULT_LIMIT_MS = 60_000;
/** Kept back from the time limit for sending the answer after the model is done. */
const SEND_MARGIN_MS = 8000;

/** The integration request the HTTP access service hands the function (the fields read here). */
export interface HttpEvent {
  httpMethod: string;
  queryStringParameters: Record<string, string>;
  headers: Record<string, string>;
  body: string;
  isBase64Encoded: boolean;
}

export interface HttpResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

export interface OaDeps {
  db: Database;
  config: OaConfig;
  chat: ChatConfig;
  msgSecCheck?: MsgSecCheck;
  /** CloudBase's deferred invocation, for reminders a follower's assistant sets. */
  deferred?: DeferredCalls;
  fetch?: WechatFetch;
  timings?: WindowTimings;
  now?: () => number;
  log?: (message: string, error?: unknown) => void;
}

const text = (statusCode: number, body: string): HttpResponse => ({
  statusCode,
  headers: { 'content-type': 'text/plain; charset=utf-8' },
  body,
});

class Refused extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const isStringMap = (value: unknown): value is Record<string, string> =>
  typeof value === 'object' &&
  value !== null &&
  !Array.isArray(value) &&
  Object.values(value).every((v) => typeof v === 'string');

/** The event's shape, checked before anything reads it. */
export function readEvent(event: unknown): HttpEvent {
  const e = (typeof event === 'object' && event !== null ? event : {}) as Record<string, unknown>;
  const query = e.queryStringParameters ?? {};
  const headers = e.headers ?? {};
  if (typeof e.httpMethod !== 'string' || !isStringMap(query) || !isStringMap(headers)) {
    throw new Refused(400, 'not an HTTP access request');
  }
  if (e.body !== undefined && e.body !== null && typeof e.body !== 'string') throw new Refused(400, 'bad body');
  return {
    httpMethod: e.httpMethod.toUpperCase(),
    queryStringParameters: query,
    headers,
    body: typeof e.body === 'string' ? e.body : '',
    isBase64Encoded: e.isBase64Encoded === true,
  };
}

export function createOa(deps: OaDeps) {
  const { db, config } = deps;
  const now = deps.now ?? Date.now;
  const log = deps.log ?? ((message: string, error?: unknown) => console.error(message, error ?? ''));
  const cipher = config.encodingAesKey ? new MessageCipher(config.encodingAesKey, config.appid) : undefined;
  const api = new OaApi(db, config, deps.fetch);
  const followers = new Followers(db);
  const engine = createChatEngine({
    db,
    config: deps.chat,
    ...(deps.msgSecCheck ? { msgSecCheck: deps.msgSecCheck } : {}),
    ...(deps.deferred ? { deferred: deps.deferred } : {}),
    log,
  });
  const answers = createAnswers({ engine, followers, api, config, log });
  const window = createWindow({
    inbox: new Inbox(db),
    followers,
    sender: {
      sendText: (openid, content) => api.sendText(openid, content),
      customDenied: () => api.tokens.customDenied(),
      setCustomDenied: (denied) => api.tokens.setCustomDenied(denied),
    },
    ...(deps.timings ? { timings: deps.timings } : {}),
    log,
  });

  function checkSignature(query: Record<string, string>): void {
    const { timestamp = '', nonce = '' } = query;
    if (!sameSignature(sign(config.token, timestamp, nonce), query.signature)) {
      throw new Refused(403, 'signature does not match');
    }
    const at = Number(timestamp) * 1000;
    if (!/^\d{1,12}$/.test(timestamp) || Math.abs(now() - at) > SKEW_MS) {
      throw new Refused(403, 'timestamp is more than 5 minutes off');
    }
  }

  /** The message's fields, decrypted when WeChat encrypted it. */
  function open(event: HttpEvent): { fields: Record<string, string>; encrypted: boolean } {
    const query = event.queryStringParameters;
    const body = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
    if (Buffer.byteLength(body, 'utf8') > BODY_LIMIT) throw new Refused(413, 'body over 64 KB');
    checkSignature(query);
    const outer = parseMessage(body);
    if (query.encrypt_type !== 'aes') {
      if (query.encrypt_type && query.encrypt_type !== 'raw') throw new Refused(400, 'unknown encrypt_type');
      return { fields: outer, encrypted: false };
    }
    if (!cipher) throw new Refused(400, 'an encrypted message, but no EncodingAESKey is configured');
    const encrypted = outer.Encrypt ?? '';
    const { timestamp = '', nonce = '' } = query;
    if (!sameSignature(sign(config.token, timestamp, nonce, encrypted), query.msg_signature)) {
      throw new Refused(403, 'msg_signature does not match');
    }
    const { message, appid } = cipher.decrypt(encrypted);
    if (appid !== config.appid) throw new Refused(403, 'the message is sealed for another appid');
    return { fields: parseMessage(message), encrypted: true };
  }

  function reply(fields: Record<string, string>, content: string, encrypted: boolean): HttpResponse {
    const created = Math.floor(now() / 1000);
    const xml = buildXml([
      ['ToUserName', fields.FromUserName],
      ['FromUserName', fields.ToUserName],
      ['CreateTime', created],
      ['MsgType', 'text'],
      ['Content', content],
    ]);
    if (!cipher || !encrypted) return { statusCode: 200, headers: { 'content-type': 'application/xml' }, body: xml };
    const sealed = cipher.encrypt(xml);
    const timestamp = String(created);
    const nonce = randomBytes(5).toString('hex');
    const body = buildXml([
      ['Encrypt', sealed],
      ['MsgSignature', sign(config.token, timestamp, nonce, sealed)],
      ['TimeStamp', created],
      ['Nonce', nonce],
    ]);
    return { statusCode: 200, headers: { 'content-type': 'application/xml' }, body };
  }

  async function post(event: HttpEvent, limitMs: number): Promise<HttpResponse> {
    const start = now();
    const { fields, encrypted } = open(event);
    const openid = fields.FromUserName;
    if (!openid || !fields.ToUserName || !fields.MsgType || !/^\d+$/.test(fields.CreateTime ?? '')) {
      throw new Refused(400, 'not a WeChat message');
    }
    const lapse = start + limitMs;
    const deadline = Math.min(start + deps.chat.replyMaxMs, lapse - SEND_MARGIN_MS);
    // A follower's messages are read in China's zone: WeChat does not say where the sender is.
    const timing = { now: new Date(start), deadline, lapse: lapse + 1000, zone: DEFAULT_ZONE };
    const sentAt = Number(event.queryStringParameters.timestamp) * 1000;
    const passive = await window.respond({ key: inboxKey(fields), openid, at: start, sentAt, lapse }, () =>
      answers.answer({ openid, fields, now: new Date(start), timing }),
    );
    return passive === undefined ? text(200, 'success') : reply(fields, passive, encrypted);
  }

  return async (event: unknown, context?: { time_limit_in_ms?: number }): Promise<HttpResponse> => {
    try {
      const request = readEvent(event);
      if (request.httpMethod === 'GET') {
        checkSignature(request.queryStringParameters);
        return text(200, request.queryStringParameters.echostr ?? '');
      }
      if (request.httpMethod !== 'POST') return text(405, 'only GET (URL check) and POST (messages)');
      return await post(request, context?.time_limit_in_ms ?? DEFAULT_LIMIT_MS);
    } catch (error) {
      if (error instanceof Refused) return text(error.status, error.message);
      if (error instanceof XmlError || error instanceof CryptoError) return text(400, error.message);
      log('oa: a request failed', error);
      return text(500, 'internal error');
    }
  };
}
