/**
 * Every open-API call lands here instead of WeChat. Tests read it (`localCloud.outbox`, or HTTP
 * `GET /_/api/outbox`) and can make the next matching call fail with a chosen errcode, once.
 */
import { randomUUID } from 'node:crypto';
import { Listeners } from '../listeners';
import { answerOpenApi, DEFAULT_BLOCKLIST, KNOWN_ERRMSG, type WxAnswer } from './answers';

export interface OutboxEntry {
  id: string;
  at: Date;
  /** e.g. `subscribeMessage.send`, `security.msgSecCheck` */
  apiName: string;
  /** The addressed user: `touser`, else `openid`, of the payload. */
  openid?: string;
  /** The arguments as WeChat receives them (snake_case keys, as the SDK converts them). */
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
  /** Words that make security.msgSecCheck answer `risky`. */
  blocklist?: readonly string[];
  /** Entries kept, oldest dropped first. */
  capacity?: number;
}

type Listener = (entry: OutboxEntry) => void;

/** What changed in the outbox: a call recorded, a failure queued, or everything forgotten. */
export interface OutboxChange {
  action: 'call' | 'fail' | 'clear';
  apiName?: string;
  id?: string;
}

export class Outbox {
  private readonly entries: OutboxEntry[] = [];
  private readonly failures: FailureRule[] = [];
  private readonly listeners = new Set<Listener>();
  private readonly watchers = new Listeners<OutboxChange>('openapi');
  private readonly blocklist: readonly string[];
  private readonly capacity: number;

  constructor(options: OutboxOptions = {}) {
    this.blocklist = options.blocklist ?? DEFAULT_BLOCKLIST;
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
      const timer = setTimeout(() => {
        this.listeners.delete(listener);
        reject(new Error(`no outbox entry matched within ${timeoutMs} ms`));
      }, timeoutMs);
      const listener: Listener = (entry) => {
        if (!predicate(entry)) return;
        clearTimeout(timer);
        this.listeners.delete(listener);
        resolve(entry);
      };
      this.listeners.add(listener);
    });
  }

  /** Records one call and returns WeChat's answer (an injected failure, or the API's success shape). */
  call(apiName: string, payload: Record<string, unknown>): WxAnswer {
    const openid =
      typeof payload.touser === 'string'
        ? payload.touser
        : typeof payload.openid === 'string'
          ? payload.openid
          : undefined;
    const index = this.failures.findIndex(
      (rule) => rule.apiName === apiName && (rule.touser === undefined || rule.touser === openid),
    );
    let result: WxAnswer;
    if (index >= 0) {
      const [rule] = this.failures.splice(index, 1);
      result = { errcode: rule.errcode, errmsg: rule.errmsg ?? KNOWN_ERRMSG[rule.errcode] ?? 'injected failure' };
    } else {
      result = answerOpenApi(apiName, payload, this.blocklist);
    }
    const entry: OutboxEntry = { id: randomUUID(), at: new Date(), apiName, payload, result };
    if (openid !== undefined) entry.openid = openid;
    this.entries.push(entry);
    if (this.entries.length > this.capacity) this.entries.splice(0, this.entries.length - this.capacity);
    for (const listener of [...this.listeners]) listener(entry);
    this.watchers.emit({ action: 'call', apiName, id: entry.id });
    return result;
  }
}
