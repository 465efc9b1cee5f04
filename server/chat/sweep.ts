/**
 * The chat's sweep, run every minute by the `chat` function's own timer trigger: every reply left
 * `streaming` past its deadline (`expiresAt`, the writing invocation's end: it was killed, crashed,
 * or its instance went away) is ended as failed/INTERRUPTED and its quota hold given back, with no
 * action from its user; the page watching it sees the end. A reply that is not a message the chat
 * wrote is ended as failed/INVALID_DOCUMENT. Each reply is handled by itself, so one that cannot
 * be ended never keeps the others streaming. Idempotency records past their 24 hours go too.
 *
 * It runs in `chat` rather than as a step of `remind`: the messages, quota and requests are the
 * chat's to write (one owner per collection), and neither timer's trouble can hold up the other.
 */
import type { MessageDoc } from '../../typings/chat';
import { INVALID_DOCUMENT, type Log } from '../documents';
import type { Requests } from '../requests';
import type { createHolds } from './holds';
import type { Quota } from './quota';
import type { ChatStore, InvalidReply } from './store';

/** Replies read per query. */
const BATCH = 50;
/** Expired idempotency records removed per run (more wait for the next one). */
const REQUESTS_PER_RUN = 500;
/** The sweep stops taking new replies this long before the platform would end the run. */
const FINISH_MS = 10_000;

/** What one sweep did, as its answer (and so in the function's logs). */
export interface SweepSummary {
  /** Replies found streaming past their deadline. */
  lapsed: number;
  /** Of those, ended as failed/INTERRUPTED by this run (another may have ended the rest first). */
  interrupted: number;
  /** Ended as failed/INVALID_DOCUMENT: not a message the chat wrote. */
  invalid: number;
  /** That could not be ended this time (logged; the next run tries again). */
  errors: number;
  /** Idempotency records removed after their 24 hours. */
  requestsRemoved: number;
  /** Replies left for the next run because this one ran out of time. */
  deferred: boolean;
}

export interface SweepDeps {
  store: ChatStore;
  quota: Quota;
  holds: ReturnType<typeof createHolds>;
  requests: Requests;
  log: Log;
}

export function createSweep(deps: SweepDeps) {
  const { store, quota, holds, requests, log } = deps;

  async function endInvalid(reply: InvalidReply, now: Date): Promise<boolean> {
    log(
      `chat sweep: ${INVALID_DOCUMENT}: messages/${reply.id} is not a reply the chat wrote; it ends failed: ${reply.reason}`,
    );
    const error = { code: INVALID_DOCUMENT, message: reply.reason.slice(0, 200) } as const;
    const ended = await store.transition(reply.id, 'streaming', {
      status: 'failed',
      error,
      updatedAt: now,
      expiresAt: null,
    });
    if (ended && reply.quotaId) await quota.release(reply.quotaId, reply.id, now);
    return ended;
  }

  async function endInterrupted(doc: MessageDoc, now: Date): Promise<boolean> {
    await holds.interrupt(doc._openid, doc._id, now);
    return (await store.status(doc._id)) !== 'streaming';
  }

  /** One reply by itself: true when this run ended it, undefined when it could not. */
  async function settle(work: () => Promise<boolean>, id: string): Promise<boolean | undefined> {
    try {
      return await work();
    } catch (error) {
      log(`chat sweep: reply ${id} could not be ended`, error);
      return undefined;
    }
  }

  async function run(now: Date, deadline: number): Promise<SweepSummary> {
    const summary: SweepSummary = {
      lapsed: 0,
      interrupted: 0,
      invalid: 0,
      errors: 0,
      requestsRemoved: 0,
      deferred: false,
    };
    const tried = new Set<string>();
    for (;;) {
      if (Date.now() > deadline - FINISH_MS) {
        summary.deferred = true;
        break;
      }
      const { docs, invalid } = await store.lapsed(now, BATCH);
      const fresh = [
        ...docs
          .filter((doc) => !tried.has(doc._id))
          .map((doc) => ({ id: doc._id, end: () => endInterrupted(doc, now), invalid: false })),
        ...invalid
          .filter((r) => !tried.has(r.id))
          .map((r) => ({ id: r.id, end: () => endInvalid(r, now), invalid: true })),
      ];
      // Only replies that could not be ended are left: they wait for the next run.
      if (fresh.length === 0) break;
      for (const reply of fresh) {
        tried.add(reply.id);
        summary.lapsed++;
        const ended = await settle(reply.end, reply.id);
        if (ended === undefined) summary.errors++;
        else if (ended && reply.invalid) summary.invalid++;
        else if (ended) summary.interrupted++;
      }
      if (docs.length + invalid.length < BATCH) break;
    }
    try {
      summary.requestsRemoved = await requests.removeExpired(now, REQUESTS_PER_RUN);
    } catch (error) {
      log('chat sweep: expired requests could not be removed', error);
    }
    return summary;
  }

  return { run };
}
