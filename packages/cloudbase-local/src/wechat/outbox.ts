/**
 * Every call to the local WeChat server lands here: `cloud.openapi.*` from functions (named like
 * `subscribeMessage.send`) and plain HTTPS-style calls to `/wxapi/...` (named by their path, like
 * `cgi-bin/message/custom/send`). Tests read it (`localCloud.outbox`, or `GET /_/api/outbox`) and
 * can make the next matching call fail with a chosen errcode, once, before anything else happens.
 */
import { randomUUID } from 'node:crypto';
import { Listeners } from '../listeners';
import { WX_ERRMSG, WxFailure, wxError, type WxAnswer } from './errors';

export type { WxAnswer } from './errors';

export interface OutboxEntry {
  id: string;
  at: Date;
  /** `subscribeMessage.send` (cloud.openapi) or `cgi-bin/user/info` (HTTP). */
  apiName: string;
  via: 'openapi' | 'http';
  /** The addressed user: `touser`, else `openid`, of the payload (or the openid a login answered). */
  openid?: string;
  /** The arguments as WeChat receives them (snake_case keys; an AppSecret is shown as `***`). */
  payload: Record<string, unknown>;
  /** What was answered: `{ errcode, errmsg, ... }`. */
  result: WxAnswer;
}

export interface FailureRule {
  apiName: string;
  /** Only a call to this user fails; any user when absent. */
  touser?: string;
  errcode: number;
  errmsg?: string;
}

export interface OutboxOptions {
  /** Answers a `cloud.openapi` call that no failure preempts. */
  answer(apiName: string, payload: Record<string, unknown>): WxAnswer;
  /** Entries kept, oldest dropped first. */
  capacity?: number;
}

/** What changed in the outbox: a call recorded, a failure queued, or everything forgotten. */
export interface OutboxChange {
  action: 'call' | 'fail' | 'clear';
  apiName?: string;
  id?: string;
}

function addressee(payload: Record<string, unknown>): string | undefined {
  if (typeof payload.touser === 'string') return payload.touser;
  return typeof payload.openid === 'string' ? payload.openid : undefined;
}

export class Outbox {
  private readonly entries: OutboxEntry[] = [];
  private readonly failures: FailureRule[] = [];
  private readonly recorded = new Listeners<OutboxEntry>('wechat');
  private readonly watchers = new Listeners<OutboxChange>('wechat');
  private readonly capacity: number;

  constructor(private readonly options: OutboxOptions) {
    this.capacity = options.capacity ?? 1000;
  }

  /** Oldest first. */
  list(filter: { apiName?: string; openid?: string } = {}): OutboxEntry[] {
    return this.entries.filter(
      (e) =>
        (filter.apiName === undefined || e.apiName === filter.apiName) &&
        (filter.openid === undefined || e.openid === filter.openid),
    );
  }

  clear(): void {
    this.entries.length = 0;
    this.failures.length = 0;
    this.watchers.emit({ action: 'clear' });
  }

  /** Every change, until the returned function is called. */
  onChange(watcher: (change: OutboxChange) => void): () => void {
    return this.watchers.add(watcher);
  }

  /** The next call to `apiName` (for `touser`, if given) answers this errcode; later calls succeed again. */
  failNext(rule: FailureRule): void {
    if (typeof rule.apiName !== 'string' || rule.apiName === '')
      throw new TypeError('apiName must be a non-empty string');
    if (!Number.isInteger(rule.errcode) || rule.errcode === 0)
      throw new TypeError('errcode must be a non-zero integer');
    this.failures.push({ ...rule });
    this.watchers.emit({ action: 'fail', apiName: rule.apiName });
  }

  pendingFailures(): FailureRule[] {
    return this.failures.map((rule) => ({ ...rule }));
  }

  /** Resolves with the first entry (already recorded or future) that satisfies `predicate`. */
  waitFor(predicate: (entry: OutboxEntry) => boolean, timeoutMs = 5000): Promise<OutboxEntry> {
    const existing = this.entries.find(predicate);
    if (existing) return Promise.resolve(existing);
    return new Promise((resolve, reject) => {
      const stop = this.recorded.add((entry) => {
        if (!predicate(entry)) return;
        clearTimeout(timer);
        stop();
        resolve(entry);
      });
      const timer = setTimeout(() => {
        stop();
        reject(new Error(`no outbox entry matched within ${timeoutMs} ms`));
      }, timeoutMs);
    });
  }

  /** Records one `cloud.openapi` call and returns WeChat's answer. */
  call(apiName: string, payload: Record<string, unknown>): WxAnswer {
    return this.handle(apiName, 'openapi', payload, () => this.options.answer(apiName, payload));
  }

  /**
   * Records one call and returns its answer: an injected failure, else what `answer` gives (a
   * thrown WxFailure becomes its errcode). `answer` does not run when a failure preempts it, so
   * the call changes nothing, as a failed call to WeChat does not.
   */
  handle(apiName: string, via: OutboxEntry['via'], payload: Record<string, unknown>, answer: () => WxAnswer): WxAnswer {
    const openid = addressee(payload);
    const index = this.failures.findIndex(
      (rule) => rule.apiName === apiName && (rule.touser === undefined || rule.touser === openid),
    );
    let result: WxAnswer;
    if (index >= 0) {
      const [rule] = this.failures.splice(index, 1);
      result = { errcode: rule.errcode, errmsg: rule.errmsg ?? WX_ERRMSG[rule.errcode] ?? 'injected failure' };
    } else {
      try {
        result = answer();
      } catch (error) {
        if (!(error instanceof WxFailure)) throw error;
        result = wxError(error.errcode, error.message);
      }
    }
    const shown = 'secret' in payload ? { ...payload, secret: '***' } : payload;
    const entry: OutboxEntry = { id: randomUUID(), at: new Date(), apiName, via, payload: shown, result };
    const to = openid ?? (typeof result.openid === 'string' ? result.openid : undefined);
    if (to !== undefined) entry.openid = to;
    this.entries.push(entry);
    if (this.entries.length > this.capacity) this.entries.splice(0, this.entries.length - this.capacity);
    this.recorded.emit(entry);
    this.watchers.emit({ action: 'call', apiName: entry.apiName, id: entry.id });
    return result;
  }
}
