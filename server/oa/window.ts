/**
 * WeChat's 5-second window, answered exactly once. WeChat posts a message, waits 5 s for the
 * reply, and tries twice more with the same MsgId. The first try to arrive owns the message and
 * asks for the answer once; it replies passively when the answer is ready within about 4.5 s.
 * Otherwise it stays silent (so WeChat tries again) and keeps running until the answer is
 * written, never relying on work after its reply. A later try waits for that answer and replies
 * passively if it arrives within its own window. When no try can, the owner sends it as
 * customer-service messages; if the account may not (48001, or 45015 outside the 48 hours), the
 * last try says the answer is coming and the follower's next message receives it.
 */
import { randomBytes } from 'node:crypto';
import type { Followers } from './followers';
import { Inbox, type InboxDoc } from './inbox';
import { WechatCallError } from './wechat-call';

export interface WindowTimings {
  /** A passive reply must be on its way by then (WeChat gives up at 5 s). */
  passiveMs: number;
  /** A try that will not answer holds its reply past WeChat's 5 s, so WeChat tries again. */
  silentMs: number;
  /** How long after a try the next one is expected, and how long to wait for it beyond that. */
  retryGapMs: number;
  retryGraceMs: number;
  pollMs: number;
  /** The gap between a passive first part and the customer-service messages that follow it. */
  followMs: number;
}

export const WINDOW: WindowTimings = {
  passiveMs: 4500,
  silentMs: 5500,
  retryGapMs: 5000,
  retryGraceMs: 1500,
  pollMs: 100,
  followMs: 300,
};

/** WeChat tries a message at most this often. */
export const TRIES = 3;
/** Customer-service messages allowed per message of the follower (45047 after). */
const CUSTOM_PER_MESSAGE = 5;
/** How far WeChat's clock may be behind ours for a cutoff taken from its timestamp to stay safe. */
const CLOCK_SLACK_MS = 200;
/** What the last try answers when the account cannot send the answer later. */
export const STILL_WRITING = '回复还在生成中，稍后发送任意文字即可收到。';

export interface Sender {
  /** Sends one text as a customer-service message; throws WechatCallError as WeChat answers. */
  sendText(openid: string, text: string): Promise<unknown>;
  customDenied(): Promise<boolean>;
  setCustomDenied(denied: boolean): Promise<void>;
}

export interface WindowDeps {
  inbox: Inbox;
  followers: Followers;
  sender: Sender;
  timings?: WindowTimings;
  log: (message: string, error?: unknown) => void;
}

export interface Arrival {
  key: string;
  openid: string;
  /** Epoch ms when this try reached the function. */
  at: number;
  /** Epoch ms of the try's signed `timestamp` (whole seconds: WeChat sent it within the second after). */
  sentAt: number;
  /** Epoch ms when this invocation must have ended (its time limit). */
  lapse: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

/** Resolves with the work's value, or undefined if `until` comes first (the work goes on). */
async function before<T>(work: Promise<T>, until: number): Promise<T | undefined> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), Math.max(0, until - Date.now()));
  });
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}

export function createWindow(deps: WindowDeps) {
  const t = deps.timings ?? WINDOW;
  const { inbox, followers, sender, log } = deps;

  /**
   * When a passive reply must be on its way: 4.5 s after the try was sent, which is no later than
   * it reached us (a cold start can sit between), nor than its timestamp allows.
   */
  const cutoffOf = (arrival: Arrival): number => Math.min(arrival.at, arrival.sentAt + CLOCK_SLACK_MS) + t.passiveMs;

  /**
   * One try of a message. Resolves with the passive reply's text, or undefined for none (an
   * empty reply, which also stops WeChat's tries). `answer` runs at most once per message.
   */
  async function respond(arrival: Arrival, answer: () => Promise<string[]>): Promise<string | undefined> {
    const owner = randomBytes(8).toString('hex');
    const cutoff = cutoffOf(arrival);
    const claim = { _id: arrival.key, openid: arrival.openid, owner, ownerUntil: new Date(arrival.lapse) };
    if (await inbox.claim({ ...claim, waitingUntil: new Date(cutoff) }, new Date())) {
      return own(arrival, owner, answer);
    }
    return retry(arrival, owner, answer);
  }

  async function own(arrival: Arrival, owner: string, answer: () => Promise<string[]>): Promise<string | undefined> {
    const work = answer();
    const early = await before(work, cutoffOf(arrival));
    if (early?.length === 0) {
      await inbox.move(arrival.key, 'answering', { state: 'sent' }, { owner });
      return undefined;
    }
    // One part goes back at once; several wait for a later try, so the rest can follow it in order.
    if (
      early?.length === 1 &&
      (await inbox.move(arrival.key, 'answering', { state: 'passive', parts: early, via: 'passive' }, { owner }))
    ) {
      return early[0];
    }
    const parts = early ?? (await work);
    if (!(await inbox.move(arrival.key, 'answering', { state: 'ready', parts }, { owner }))) return undefined;
    await deliverLate(arrival, parts);
    return undefined;
  }

  async function retry(arrival: Arrival, me: string, answer: () => Promise<string[]>): Promise<string | undefined> {
    const cutoff = cutoffOf(arrival);
    let doc = await inbox.arrive(arrival.key, new Date(), new Date(cutoff));
    if (!doc) return undefined;
    // The owner's invocation is gone (its time ran out): this try answers instead.
    if (doc.state === 'answering' && new Date(doc.ownerUntil).getTime() < Date.now()) {
      const taken = { owner: me, ownerUntil: new Date(arrival.lapse) };
      if (await inbox.move(arrival.key, 'answering', taken, { owner: doc.owner })) {
        return own(arrival, me, answer);
      }
    }
    while (Date.now() < cutoff) {
      if (doc.state === 'ready' && (await inbox.move(arrival.key, 'ready', { state: 'passive', via: 'passive' }))) {
        return doc.parts[0];
      }
      if (doc.state !== 'answering' && doc.state !== 'ready') return undefined;
      await sleep(Math.min(t.pollMs, cutoff - Date.now()));
      doc = (await inbox.get(arrival.key)) ?? doc;
    }
    if (doc.tries >= TRIES) {
      if (!(await sender.customDenied())) return undefined;
      await inbox.note(arrival.key, { notified: true });
      return STILL_WRITING;
    }
    await sleep(arrival.at + t.silentMs - Date.now());
    return undefined;
  }

  /** The owner, once the answer is written and no try took it in its own window. */
  async function deliverLate(arrival: Arrival, parts: string[]): Promise<void> {
    for (;;) {
      const doc = await inbox.get(arrival.key);
      if (!doc) return;
      const now = Date.now();
      if (doc.state === 'passive') {
        if (parts.length > 1) {
          await sleep(t.followMs);
          await sendCustom(doc, parts.slice(1), false);
        }
        return;
      }
      if (doc.state !== 'ready') return;
      if (doc.notified) {
        await hold(doc, parts, null);
        return;
      }
      const waiting = new Date(doc.waitingUntil).getTime() > now;
      const expected = doc.tries < TRIES && new Date(doc.lastTryAt).getTime() + t.retryGapMs + t.retryGraceMs > now;
      if (!waiting && !expected && (await inbox.takeForCustom(arrival.key, new Date(now)))) {
        await sendCustom(doc, parts, true);
        return;
      }
      await sleep(t.pollMs);
    }
  }

  /** Sends parts in order; what WeChat will not take now waits for the follower's next message. */
  async function sendCustom(doc: InboxDoc, parts: string[], first: boolean): Promise<void> {
    const allowed = parts.slice(0, CUSTOM_PER_MESSAGE);
    if (parts.length > allowed.length) await followers.hold(doc.openid, parts.slice(allowed.length), new Date());
    for (let i = 0; i < allowed.length; i++) {
      try {
        await sender.sendText(doc.openid, allowed[i]);
      } catch (error) {
        const code = error instanceof WechatCallError ? error.errcode : -1;
        if (code === 48001) await sender.setCustomDenied(true);
        if (code === 48001 || code === 45015 || code === 45047) {
          await hold(doc, allowed.slice(i), { errcode: code, errmsg: (error as WechatCallError).errmsg });
        } else {
          log(`oa: customer-service message to ${doc.openid} failed`, error);
          if (first) {
            await inbox.move(doc._id, 'custom', { state: 'failed', error: { errcode: code, errmsg: String(error) } });
          }
        }
        return;
      }
    }
    if (first) {
      await inbox.move(doc._id, 'custom', { state: 'sent', via: 'custom' });
      await sender.setCustomDenied(false);
    }
  }

  async function hold(doc: InboxDoc, parts: string[], error: InboxDoc['error']): Promise<void> {
    await followers.hold(doc.openid, parts, new Date());
    const patch = { via: doc.via ?? ('next-message' as const), ...(error ? { error } : {}) };
    if (!(await inbox.move(doc._id, 'custom', { state: 'held', ...patch }))) {
      await inbox.move(doc._id, 'ready', { state: 'held', ...patch });
    }
  }

  return { respond };
}
