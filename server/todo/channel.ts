/**
 * The one choice of how a push reaches a user: a subscription message (spending one of their
 * credits) or the Official Account's template message (free, to a follower). Reminders try the
 * subscription first, since the user asked for that reminder; the morning plan tries the Official
 * Account first, so a daily push does not use up credits the reminders need.
 */
import type { ReminderChannel, ReminderError } from '../../typings/todo';
import type { OaPush } from '../oa/push';
import type { Credits } from './credits';

/** A subscription message as `cloud.openapi.subscribeMessage.send` takes it. */
export interface SubscribeMessage {
  touser: string;
  templateId: string;
  page: string;
  data: Record<string, { value: string }>;
  miniprogramState: 'formal' | 'trial' | 'developer';
  lang: 'zh_CN';
}

export type Outcome =
  | { kind: 'sent'; via: ReminderChannel }
  | { kind: 'no_credit'; error: ReminderError | null }
  | { kind: 'failed' | 'retry' | 'unfollowed'; error: ReminderError };

export interface ChannelDeps {
  credits: Credits;
  /** `cloud.openapi.subscribeMessage.send`; rejects with `{ errCode, errMsg }` as the SDK does. */
  send(message: SubscribeMessage): Promise<unknown>;
  /** The Official Account's template message, for a follower. */
  pushOfficial?: OaPush;
}

/** Sends tried per push before a transient error (-1, timeouts) becomes `failed`. */
export const MAX_ATTEMPTS = 3;
const SEND_TIMEOUT_MS = 5000;
const NO_CREDIT = 43101;

export function errorOf(error: unknown): ReminderError {
  const e = (typeof error === 'object' && error !== null ? error : {}) as {
    errCode?: unknown;
    errMsg?: unknown;
    message?: unknown;
  };
  const errcode = typeof e.errCode === 'number' ? e.errCode : -1;
  const errmsg = typeof e.errMsg === 'string' ? e.errMsg : typeof e.message === 'string' ? e.message : String(error);
  return { errcode, errmsg: errmsg.slice(0, 200) };
}

/** -1 is WeChat's "system busy"; our own timeouts and network failures carry it too. */
const isTransient = (error: ReminderError): boolean => error.errcode === -1;

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject({ errCode: -1, errMsg: `send timed out after ${ms} ms` }), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

export interface Push {
  message: SubscribeMessage;
  /** Sends tried before this one. */
  attempts: number;
  prefer: ReminderChannel;
}

export function createChannel(deps: ChannelDeps) {
  const { credits } = deps;

  async function official(push: Push, now: Date, error: ReminderError | null): Promise<Outcome> {
    const noCredit: Outcome = { kind: 'no_credit', error };
    if (!deps.pushOfficial) return noCredit;
    const { touser, page, data } = push.message;
    const pushed = await deps.pushOfficial({ _openid: touser }, { page, data }, now);
    if (pushed.kind === 'not_follower') return noCredit;
    if (pushed.kind === 'sent') return { kind: 'sent', via: 'oa' };
    if (pushed.kind === 'retry' && push.attempts + 1 >= MAX_ATTEMPTS) return { ...pushed, kind: 'failed' };
    return pushed;
  }

  async function subscription(push: Push, now: Date): Promise<Outcome> {
    const { touser, templateId } = push.message;
    if (!(await credits.spend(touser, templateId, now))) return { kind: 'no_credit', error: null };
    try {
      await withTimeout(deps.send(push.message), SEND_TIMEOUT_MS);
      return { kind: 'sent', via: 'subscription' };
    } catch (thrown) {
      const error = errorOf(thrown);
      if (error.errcode === NO_CREDIT) {
        // WeChat is the authority on credits: the user has none left (or turned them off).
        await credits.clear(touser, templateId, now);
        return { kind: 'no_credit', error };
      }
      // WeChat spends a credit only on a delivered message: give ours back.
      await credits.refund(touser, templateId, now);
      if (isTransient(error) && push.attempts + 1 < MAX_ATTEMPTS) return { kind: 'retry', error };
      return { kind: 'failed', error };
    }
  }

  /** One push by the channel preferred, else the other. */
  return async function deliver(push: Push, now: Date): Promise<Outcome> {
    if (push.prefer === 'subscription') {
      const sent = await subscription(push, now);
      return sent.kind === 'no_credit' ? official(push, now, sent.error) : sent;
    }
    const pushed = await official(push, now, null);
    if (pushed.kind === 'sent' || pushed.kind === 'retry') return pushed;
    const sent = await subscription(push, now);
    // Neither carried it: the Official Account's reason, when it had one, says more than "no credit".
    return sent.kind === 'no_credit' && pushed.kind !== 'no_credit' ? pushed : sent;
  };
}

export type Deliver = ReturnType<typeof createChannel>;
