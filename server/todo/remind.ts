/**
 * The `remind` cloud function, run by a deferred task at each reminder's second (schedule.ts) and
 * by a timer every minute for whatever a task missed: finds todos whose reminder is due, claims
 * each one atomically (two overlapping runs, or a task and a timer run, never send the same
 * reminder), spends one of
 * the user's subscription credits and sends the subscription message; a user without credit who
 * follows the Official Account gets its template message instead. Every outcome is written back
 * on the todo, where the app shows it. The same run sends the morning plans that are due (morning.ts).
 */
import { randomBytes } from 'node:crypto';
import type { RemindRunSummary } from '../../typings/todo';
import type { Database } from '../db';
import { defineDeferred, type DeferredCalls } from '../deferred';
import { defineTimer, withTimer, type HandlerDeps } from '../handler';
import { INVALID_DOCUMENT } from '../documents';
import { createChannel, MAX_ATTEMPTS, errorOf, type ChannelDeps, type Outcome, type SubscribeMessage } from './channel';
import { Credits } from './credits';
import { createMorning } from './morning';
import { cut, formatIn, messageFor, remindConfigFromEnv, THING_MAX, type RemindConfig } from './remind-text';
import { releaseSlot, reminderTaskSchema, type ReminderTask } from './schedule';
import { TodoStore, type Claimed, type ReminderError, type ReminderOutcomePatch, type TodoDoc } from './store';

export interface RemindDeps extends Pick<HandlerDeps, 'getWXContext' | 'log'>, Omit<ChannelDeps, 'credits'> {
  db: Database;
  config: RemindConfig | undefined;
  /** Deferred invocations, to send a retried reminder at its time rather than on the next minute. */
  deferred?: DeferredCalls;
}

export { MAX_ATTEMPTS, type SubscribeMessage };
export { cut, formatIn, messageFor, remindConfigFromEnv, THING_MAX, type RemindConfig };
const BATCH = 100;
const PARALLEL_SENDS = 8;
/** A claim older than this belongs to a run that died mid-send. */
const STALE_CLAIM_MS = 10 * 60_000;
/** Claiming stops this long before the platform would end the run, so sends in flight finish. */
const FINISH_MS = 15_000;
/** ...but a run always gets at least this long to claim. */
const MIN_BUDGET_MS = 5000;

/** Runs `work` over `items`, at most `limit` at a time. */
async function pool<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]);
    }
  });
  await Promise.all(lanes);
  return results;
}

export function createRemind(deps: RemindDeps) {
  const log = deps.log ?? ((message: string, error?: unknown) => console.error(message, error ?? ''));
  const store = new TodoStore(deps.db, log, deps.deferred);
  const deliver = createChannel({ ...deps, credits: new Credits(deps.db) });
  const sendPlans = createMorning({ db: deps.db, deliver, log });

  /** One reminder, by itself: whatever goes wrong with it is its outcome, never the batch's. */
  async function attempt(doc: TodoDoc, config: RemindConfig, now: Date): Promise<Outcome> {
    try {
      return await deliver(
        { message: messageFor(doc, config), attempts: doc.remindAttempts, prefer: 'subscription' },
        now,
      );
    } catch (thrown) {
      log(`remind: reminder for todo ${doc._id} broke`, thrown);
      const error = { ...errorOf(thrown), errcode: -1 };
      return doc.remindAttempts + 1 < MAX_ATTEMPTS ? { kind: 'retry', error } : { kind: 'failed', error };
    }
  }

  /** Todos it claimed but cannot read as todos: failed with INVALID_DOCUMENT, each logged once. */
  async function settleInvalid(runId: string, invalid: Claimed['invalid']): Promise<void> {
    for (const { id, reason } of invalid) {
      log(`remind: ${INVALID_DOCUMENT}: todos/${id} is not a todo, its reminder fails: ${reason}`);
      const remindError: ReminderError = { errcode: -1, errmsg: reason.slice(0, 200), code: 'INVALID_DOCUMENT' };
      await store.settleReminders([id], runId, { remindState: 'failed', remindError });
    }
  }

  function patchFor(doc: TodoDoc, outcome: Outcome, now: Date): ReminderOutcomePatch {
    const attempted =
      outcome.kind === 'no_credit' && outcome.error === null ? doc.remindAttempts : doc.remindAttempts + 1;
    switch (outcome.kind) {
      case 'sent':
        return {
          remindState: 'sent',
          remindSentAt: now,
          remindVia: outcome.via,
          remindAttempts: attempted,
          remindError: null,
        };
      case 'unfollowed':
        return { remindState: 'unfollowed', remindAttempts: attempted, remindError: outcome.error };
      case 'no_credit':
        return { remindState: 'no_credit', remindAttempts: attempted, remindError: outcome.error };
      case 'failed':
        return { remindState: 'failed', remindAttempts: attempted, remindError: outcome.error };
      case 'retry':
        // Back off a minute per attempt, so the retry lands on a later run, never this one.
        return {
          remindState: 'pending',
          remindNextAt: new Date(now.getTime() + attempted * 60_000),
          remindAttempts: attempted,
          remindError: outcome.error,
        };
    }
  }

  /** Writes outcomes, one update per distinct patch; only where this run still holds the claim. */
  async function record(runId: string, results: Array<{ doc: TodoDoc; outcome: Outcome }>, now: Date): Promise<void> {
    const groups = new Map<string, { patch: ReminderOutcomePatch; ids: string[] }>();
    for (const { doc, outcome } of results) {
      const patch = patchFor(doc, outcome, now);
      const key = JSON.stringify(patch);
      const group = groups.get(key) ?? { patch, ids: [] };
      group.ids.push(doc._id);
      groups.set(key, group);
    }
    for (const { patch, ids } of groups.values()) await store.settleReminders(ids, runId, patch);
  }

  /** Sends what this run claimed and counts the outcomes into `summary`. */
  async function sendClaimed(
    runId: string,
    claimed: Claimed,
    config: RemindConfig,
    now: Date,
    summary: RemindRunSummary,
  ): Promise<void> {
    summary.claimed += claimed.docs.length + claimed.invalid.length;
    summary.invalid += claimed.invalid.length;
    await settleInvalid(runId, claimed.invalid);
    const results = await pool(claimed.docs, PARALLEL_SENDS, async (doc) => ({
      doc,
      outcome: await attempt(doc, config, now),
    }));
    await record(runId, results, now);
    for (const { doc, outcome } of results) {
      if (outcome.kind === 'sent') {
        summary.sent++;
        if (outcome.via === 'oa') summary.sentByOfficialAccount++;
      } else if (outcome.kind === 'no_credit') summary.noCredit++;
      else if (outcome.kind === 'unfollowed') summary.unfollowed++;
      else if (outcome.kind === 'failed') summary.failed++;
      else {
        summary.retrying++;
        const retry = patchFor(doc, outcome, now);
        await store.reminders?.schedule({ _id: doc._id, done: false, ...retry });
      }
    }
  }

  function configured(): RemindConfig {
    if (!deps.config) throw new Error('REMIND_TEMPLATE_ID is not set: no reminder can be sent');
    return deps.config;
  }

  /** Every due reminder, in batches, until the time to claim runs out. */
  async function sendDue(now: Date, claimUntil: number): Promise<RemindRunSummary> {
    const summary = emptySummary();
    const config = configured();
    const runId = randomBytes(8).toString('hex');

    // A run that died mid-send leaves its claims behind; whether WeChat got the message is
    // unknown, so they end as failed rather than risk a second message.
    await store.failStaleClaims(new Date(now.getTime() - STALE_CLAIM_MS));

    for (;;) {
      if (Date.now() > claimUntil) {
        summary.deferred = await store.countDue(now);
        break;
      }
      const ids = await store.dueIds(now, BATCH);
      if (ids.length === 0) break;
      summary.due += ids.length;
      await sendClaimed(runId, await store.claim(ids, runId, now), config, now, summary);
    }
    return summary;
  }

  /** The minute timer's run: the due reminders, then the morning plans in the time left (a reminder is due at its minute). */
  async function run(now: Date, claimUntil: number): Promise<RemindRunSummary> {
    const summary = await sendDue(now, claimUntil);
    summary.plans = await sendPlans(configured(), now, claimUntil);
    return summary;
  }

  /**
   * A second's task: sends what is due by now, as the minute run does (the morning plans are the
   * minute run's). A task left from a reminder since moved, removed, completed or already sent (by
   * the timer) finds nothing of it.
   */
  async function runTask(task: ReminderTask, now: Date, claimUntil: number): Promise<RemindRunSummary> {
    await releaseSlot(deps.db, task.at);
    return sendDue(now, claimUntil);
  }

  const timer = defineTimer('remind', ({ now, deadline }) => run(now, claimUntil(deadline)), {
    getWXContext: deps.getWXContext,
    log,
  });
  const task = defineDeferred(
    'remind',
    reminderTaskSchema(),
    (t) => t.at,
    (t, { now, deadline }) => runTask(t, now, claimUntil(deadline)),
    { getWXContext: deps.getWXContext, log },
  );
  return withTimer(task, timer);
}

/** When a run stops claiming: before the platform would end it, but never sooner than a minimum. */
const claimUntil = (deadline: number): number => Math.max(Date.now() + MIN_BUDGET_MS, deadline - FINISH_MS);

function emptySummary(): RemindRunSummary {
  return {
    due: 0,
    claimed: 0,
    sent: 0,
    sentByOfficialAccount: 0,
    noCredit: 0,
    failed: 0,
    retrying: 0,
    unfollowed: 0,
    invalid: 0,
    deferred: 0,
    plans: { due: 0, sent: 0, sentByOfficialAccount: 0, unsent: 0, retrying: 0 },
  };
}
