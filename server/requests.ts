/**
 * Idempotent calls. A write the mini-program may retry (its answer lost to the network) carries a
 * client-made `requestId`; the first call with it claims `requests/<openid>:<requestId>` with an
 * insert (one of two racing instances wins it), runs, and stores its answer there. A repeat within
 * 24 hours gets that answer, exactly; one that arrives while the first still runs waits for it.
 * A claim whose invocation died (past its lapse) is taken over, and what the call creates has ids
 * derived from the key (`keyedId`), so running it again finds the work already done instead of
 * doing it twice. CloudBase has no TTL index: a document older than 24 hours counts as absent
 * when read, and the chat function's sweep removes expired ones.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { ApiResult } from '../typings/contract';
import { isDuplicateWrite, settle, type Database } from './db';
import { consoleLog, documentCheck, type Log } from './documents';
import { fail } from './errors';
import { anyString, integer, nullable, object, oneOf, storedDate, string, type Schema } from './schema';

export const REQUESTS = 'requests';
/** How long a call's answer is kept for its repeats. */
export const REQUEST_TTL_MS = 24 * 3600_000;
/** What a requestId may be: made by the client, 8–64 characters that can be part of a document id. */
export const requestIdSchema = (): Schema<string> => string({ min: 8, max: 64, pattern: /^[A-Za-z0-9_-]+$/ });

export interface RequestDoc {
  _id: string;
  _openid: string;
  /** sha256 of the function, the action and the request: a requestId names one request only. */
  fingerprint: string;
  state: 'running' | 'done';
  /** The invocation running it, and when that invocation is surely over. */
  owner: string;
  until: Date;
  /** The answer as JSON, once done: replayed byte for byte. */
  answer: string | null;
  /** Tries that took the call over from an invocation that died. */
  takeovers: number;
  createdAt: Date;
  expiresAt: Date;
}

const requestDocSchema = (): Schema<RequestDoc> =>
  object(
    {
      _id: anyString({ min: 1 }),
      _openid: anyString({ min: 1 }),
      fingerprint: anyString({ min: 1 }),
      state: oneOf(['running', 'done'] as const),
      owner: anyString({ min: 1 }),
      until: storedDate(),
      answer: nullable(anyString()),
      takeovers: integer({ min: 0 }),
      createdAt: storedDate(),
      expiresAt: storedDate(),
    },
    { keepUnknown: true },
  );

/** An id for what a call creates, the same on every try of it: 32 hex characters, like CloudBase's. */
export function keyedId(requestKey: string, label: string): string {
  return createHash('sha256').update(`${requestKey}\u0000${label}`).digest('hex').slice(0, 32);
}

/** JSON with object keys sorted, so equal requests print alike. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export interface IdempotentCall {
  openid: string;
  fn: string;
  action: string;
  requestId: string;
  /** The request without its requestId. */
  request: unknown;
}

export interface CallTiming {
  now: Date;
  /** Epoch ms when this invocation is surely over: its claim lapses then. */
  lapse: number;
  /** Epoch ms after which a repeat stops waiting for a first call still running. */
  giveUpAt: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class Requests {
  private readonly check;

  constructor(
    private readonly db: Database,
    private readonly log: Log = consoleLog,
  ) {
    this.check = documentCheck(REQUESTS, requestDocSchema(), log);
  }

  private get collection() {
    return this.db.collection(REQUESTS);
  }

  /** Runs `work` once for this user and requestId; every repeat gets the first answer. */
  async once<T>(call: IdempotentCall, timing: CallTiming, work: () => Promise<ApiResult<T>>): Promise<ApiResult<T>> {
    const id = `${call.openid}:${call.requestId}`;
    const fingerprint = createHash('sha256')
      .update(canonical([call.fn, call.action, call.request]))
      .digest('hex');
    const owner = randomBytes(8).toString('hex');
    const claim = { owner, until: new Date(timing.lapse), state: 'running' as const, answer: null };
    let pause = 100;
    for (;;) {
      const fresh: RequestDoc = {
        _id: id,
        _openid: call.openid,
        fingerprint,
        ...claim,
        takeovers: 0,
        createdAt: timing.now,
        expiresAt: new Date(timing.now.getTime() + REQUEST_TTL_MS),
      };
      try {
        await settle(this.collection.add({ data: fresh }));
        return this.run(id, owner, work);
      } catch (error) {
        if (!isDuplicateWrite(error)) throw error;
      }
      const { data } = await settle(this.collection.where({ _id: id }).limit(1).get());
      const raw = data[0];
      if (raw === undefined) continue; // removed meanwhile (expired): claim it afresh
      const doc = this.check.read(raw);
      const now = Date.now();
      if (!doc || doc.expiresAt.getTime() <= now) {
        // Expired, or not a request document: replaced by this call's claim.
        const previous = (raw as { owner?: unknown }).owner;
        const where = typeof previous === 'string' ? { _id: id, owner: previous } : { _id: id };
        if (await this.replace(where, { ...fresh, _id: undefined })) return this.run(id, owner, work);
        continue;
      }
      if (doc.fingerprint !== fingerprint) {
        return fail('INVALID_ARGUMENT', 'This requestId was already used for a different request.', {
          requestId: 'was used for a different request',
        });
      }
      if (doc.state === 'done' && doc.answer !== null) return JSON.parse(doc.answer) as ApiResult<T>;
      if (doc.until.getTime() <= now) {
        // The invocation that claimed it died: this one runs it, and finds done what it had done.
        const taken = { ...claim, takeovers: doc.takeovers + 1 };
        if (await this.replace({ _id: id, owner: doc.owner, state: 'running' }, taken)) {
          this.log(`requests: ${id} taken over from ${doc.owner}, which died before answering`);
          return this.run(id, owner, work);
        }
        continue;
      }
      if (now + pause > timing.giveUpAt) {
        return fail('CONFLICT', 'The first call with this requestId is still running; repeat it to get its answer.');
      }
      await sleep(pause);
      pause = Math.min(1000, Math.round(pause * 1.5));
    }
  }

  private async replace(where: Record<string, unknown>, patch: Record<string, unknown>): Promise<boolean> {
    const data = Object.fromEntries(Object.entries(patch).filter(([key, v]) => v !== undefined && key !== '_id'));
    const { stats } = await settle(this.collection.where(where).update({ data }));
    return stats.updated > 0;
  }

  private async run<T>(id: string, owner: string, work: () => Promise<ApiResult<T>>): Promise<ApiResult<T>> {
    const answer = await work();
    try {
      await this.replace({ _id: id, owner }, { state: 'done', answer: JSON.stringify(answer) });
    } catch (error) {
      // The work is done; a repeat after the claim lapses runs again and finds it done (keyedId).
      this.log(`requests: the answer to ${id} could not be stored`, error);
    }
    return answer;
  }

  /** Removes up to `limit` requests past their 24 hours; how many went. */
  async removeExpired(now: Date, limit: number): Promise<number> {
    const { data } = await settle(
      this.collection
        .where({ expiresAt: this.db.command.lte(now) })
        .field({ _id: true })
        .limit(limit)
        .get(),
    );
    if (data.length === 0) return 0;
    const ids = data.map((doc) => String(doc._id));
    const { stats } = await settle(
      this.collection.where({ _id: this.db.command.in(ids), expiresAt: this.db.command.lte(now) }).remove(),
    );
    return stats.removed;
  }
}
