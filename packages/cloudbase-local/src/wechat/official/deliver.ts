/**
 * Pushing a follower's message to the Official Account's server URL as WeChat does: a POST of the
 * message XML with `signature`, `timestamp`, `nonce` and `openid` in the query (plus
 * `encrypt_type=aes` and `msg_signature` in compatible and safe mode, where the message travels
 * encrypted: beside the plaintext fields in compatible mode, alone in safe mode). WeChat waits
 * 5 s for each try and makes 3 tries with the same MsgId; a 200 answer ends them. An empty body
 * or `success` means no reply; anything else must be a reply WeChat can read (decrypted and its
 * signature checked when the message was encrypted).
 */
import { randomInt } from 'node:crypto';
import { seal, signature, unseal } from './cipher';
import { readXml, toXml, type XmlFields } from './xml';

export type MessageMode = 'plaintext' | 'compatible' | 'safe';

/** The account's 服务器配置 (server settings), as set in the admin console. */
export interface ServerSettings {
  url: string;
  token: string;
  encodingAESKey?: string;
  mode: MessageMode;
}

export interface TryRecord {
  try: number;
  startedAt: string;
  /** HTTP status, or null when the try timed out or could not connect. */
  status: number | null;
  ms: number;
  body: string;
  error?: string;
}

export interface PassiveReply {
  /** The reply's fields as WeChat read them (decrypted when encrypted). */
  fields: Record<string, string>;
  msgType: string;
  content?: string;
}

export interface Delivery {
  message: Record<string, string>;
  tries: TryRecord[];
  /** The decoded passive reply; null for none (an empty answer, `success`, or no answer in 3 tries). */
  reply: PassiveReply | null;
  /** A 200 ended the tries; false when all 3 failed (the follower sees WeChat's "service unavailable"). */
  answered: boolean;
  /** Why a 200 answer could not be read as a reply, when it could not. */
  replyError?: string;
}

export const TRY_TIMEOUT_MS = 5000;
export const TRIES = 3;

function request(
  settings: ServerSettings,
  account: { appid: string; originalId: string },
  fields: XmlFields,
  at: number,
) {
  const timestamp = String(Math.floor(at / 1000));
  const nonce = String(randomInt(1e8, 1e10));
  const query = new URLSearchParams({ signature: signature([settings.token, timestamp, nonce]), timestamp, nonce });
  const openid = fields.find(([name]) => name === 'FromUserName')?.[1];
  if (typeof openid === 'string') query.set('openid', openid);
  if (settings.mode === 'plaintext' || !settings.encodingAESKey) return { query, body: toXml(fields) };
  const encrypt = seal(toXml(fields), settings.encodingAESKey, account.appid);
  query.set('encrypt_type', 'aes');
  query.set('msg_signature', signature([settings.token, timestamp, nonce, encrypt]));
  const envelope: XmlFields =
    settings.mode === 'safe'
      ? [
          ['ToUserName', account.originalId],
          ['Encrypt', encrypt],
        ]
      : [...fields, ['Encrypt', encrypt]];
  return { query, body: toXml(envelope) };
}

/** Reads a 200 answer's body as WeChat would: nothing, or a reply (opened when encrypted). */
export function readReply(
  settings: ServerSettings,
  appid: string,
  body: string,
  encrypted: boolean,
): PassiveReply | null {
  const text = body.trim();
  if (text === '' || text === 'success') return null;
  let fields = readXml(text);
  if (encrypted) {
    const { Encrypt: sealed = '', MsgSignature: given, TimeStamp: timestamp = '', Nonce: nonce = '' } = fields;
    if (given !== signature([settings.token, timestamp, nonce, sealed]))
      throw new Error('the reply MsgSignature does not match');
    const opened = unseal(sealed, settings.encodingAESKey ?? '');
    if (opened.appid !== appid) throw new Error(`the reply is sealed for ${opened.appid}, not ${appid}`);
    fields = readXml(opened.message);
  }
  if (!fields.MsgType) throw new Error('the reply has no MsgType');
  return { fields, msgType: fields.MsgType, ...(fields.Content !== undefined ? { content: fields.Content } : {}) };
}

/** Makes WeChat's tries; `now` is the WeChat server's clock (ms). */
export async function deliver(
  settings: ServerSettings,
  account: { appid: string; originalId: string },
  fields: XmlFields,
  now: () => number,
): Promise<Delivery> {
  const message = Object.fromEntries(fields.map(([name, value]) => [name, String(value)]));
  const tries: TryRecord[] = [];
  for (let n = 1; n <= TRIES; n++) {
    const { query, body } = request(settings, account, fields, now());
    const startedAt = new Date().toISOString();
    const started = performance.now();
    const record: TryRecord = { try: n, startedAt, status: null, ms: 0, body: '' };
    tries.push(record);
    try {
      const response = await fetch(`${settings.url}${settings.url.includes('?') ? '&' : '?'}${query}`, {
        method: 'POST',
        headers: { 'content-type': 'text/xml' },
        body,
        signal: AbortSignal.timeout(TRY_TIMEOUT_MS),
      });
      record.body = await response.text();
      record.status = response.status;
    } catch (error) {
      // AbortSignal.timeout() rejects with a DOMException named TimeoutError.
      const timedOut = (error as { name?: unknown } | null)?.name === 'TimeoutError';
      record.error = timedOut ? 'timed out after 5 s' : String(error);
    }
    record.ms = Math.round(performance.now() - started);
    if (record.status !== 200) continue;
    try {
      return {
        message,
        tries,
        reply: readReply(settings, account.appid, record.body, query.has('encrypt_type')),
        answered: true,
      };
    } catch (error) {
      return { message, tries, reply: null, answered: true, replyError: (error as Error).message };
    }
  }
  return { message, tries, reply: null, answered: false };
}
