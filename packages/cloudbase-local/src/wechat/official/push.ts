/**
 * The Official Account's followers writing to it: each message (or follow and unfollow) is
 * recorded on the person, changes their follower state and 48-hour window as WeChat's would, and
 * is pushed to the account's server URL (deliver.ts). The passive reply, when there is one, is
 * recorded as received, beside the customer-service and template messages the account sends.
 */
import { randomInt } from 'node:crypto';
import type { People, Person } from '../people';
import { deliver, type Delivery, type MessageMode, type ServerSettings } from './deliver';
import type { XmlFields } from './xml';

export type { Delivery, MessageMode, ServerSettings } from './deliver';

/** The account's server settings as options: `url` may be a path on the local cloud (`/http/oa`). */
export interface ServerOptions {
  url?: string;
  token?: string;
  encodingAESKey?: string;
  /** Default `safe` when an EncodingAESKey is set, else `plaintext`. */
  mode?: MessageMode;
}

export type FollowerInput =
  { openid: string; content: string } | { openid: string; event: 'subscribe' | 'unsubscribe' };

export class PushError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'PushError';
  }
}

const RECENT = 50;

export class ServerPush {
  private options: ServerOptions;
  // WeChat's MsgIds are 64-bit integers: start well inside that range.
  private nextMsgId = BigInt(randomInt(1, 2 ** 40)) * 100_000n;
  private readonly recent: Array<Delivery & { at: string }> = [];

  constructor(
    private readonly account: { appid: string; originalId: string; people: People; now: () => number },
    options: ServerOptions,
    private readonly publicUrl: string,
  ) {
    this.options = { ...options };
  }

  /** The settings in force; undefined until a URL and token are set. */
  settings(): ServerSettings | undefined {
    const { url, token, encodingAESKey, mode } = this.options;
    if (!url || !token) return undefined;
    return {
      url: url.startsWith('/') ? `${this.publicUrl}${url}` : url,
      token,
      ...(encodingAESKey ? { encodingAESKey } : {}),
      mode: encodingAESKey ? (mode ?? 'safe') : 'plaintext',
    };
  }

  /** Changes the server settings, as saving 服务器配置 in the admin console does. */
  configure(patch: ServerOptions): ServerSettings | undefined {
    this.options = { ...this.options, ...patch };
    return this.settings();
  }

  deliveries(): ReadonlyArray<Delivery & { at: string }> {
    return this.recent;
  }

  async push(input: FollowerInput): Promise<Delivery & { person: Person }> {
    const settings = this.settings();
    if (!settings) throw new PushError(409, 'the Official Account has no server URL and token configured');
    const person = this.account.people.any(input.openid);
    if (!person) throw new PushError(404, `${input.openid} is not an openid of this local WeChat server`);
    const at = this.account.now();
    const fields: XmlFields = [
      ['ToUserName', this.account.originalId],
      ['FromUserName', person.officialAccountOpenid],
      ['CreateTime', Math.floor(at / 1000)],
    ];
    if ('content' in input) {
      if (!person.follower.subscribed) throw new PushError(409, `${input.openid} does not follow the Official Account`);
      const msgId = String(this.nextMsgId++);
      fields.push(['MsgType', 'text'], ['Content', input.content], ['MsgId', msgId]);
      this.account.people.message(person, at);
      this.account.people.wrote(person, { at, msgId, content: input.content });
    } else {
      if (person.follower.subscribed === (input.event === 'subscribe')) {
        throw new PushError(
          409,
          `${input.openid} ${person.follower.subscribed ? 'already follows' : 'does not follow'}`,
        );
      }
      fields.push(['MsgType', 'event'], ['Event', input.event]);
      if (input.event === 'subscribe') {
        fields.push(['EventKey', '']);
        this.account.people.follow(person, at);
      } else this.account.people.unfollow(person, at);
      this.account.people.wrote(person, { at, event: input.event });
    }
    const delivery = await deliver(settings, this.account, fields, this.account.now);
    if (delivery.reply) {
      const { msgType, content } = delivery.reply;
      const payload = msgType === 'text' ? { msgtype: 'text', text: { content } } : { msgtype: msgType };
      this.account.people.deliver(person, { at: this.account.now(), kind: 'passive', payload });
    }
    this.recent.push({ ...delivery, at: new Date(at).toISOString() });
    if (this.recent.length > RECENT) this.recent.shift();
    return { ...delivery, person };
  }
}
