/**
 * The `remind` cloud function, run by a deferred task at each reminder's time (schedule.ts) and by
 * a timer every minute for whatever a task missed: finds todos whose reminder is due, claims each
 * one atomically (two overlapping runs, or a task and a timer run, never send the same reminder), spends one of
 * the user's subscription credits and sends the subscription message; a user without credit who
 * follows the Official Account gets its template message instead. Every outcome is written back
 * on the todo, where the app shows it.
 */
import { randomBytes } from 'node:crypto';
import { wallOf, zoneOrDefault } from '../../shared/time';
import type { RemindRunSummary } from '../../typings/todo';
import type { Database } from '../db';
import { defineDeferred, type DeferredCalls } from '../deferred';
import { defineTimer, withTimer, type HandlerDeps } from '../handler';
import { INVALID_DOCUMENT } from '../documents';
import type { OaPush } from '../oa/push';
import { releaseSlot, reminderTaskSchema, type ReminderTask } from './schedule';
import { TodoStore, type Claimed, type ReminderError, type ReminderOutcomePatch, type TodoDoc } from './store';

export interface RemindConfig {
  templateId: string;
  /** Template field keys, e.g. `thing1` for the title and `time2` for the due time. */
  titleField: string;
  timeField: string;
  /** Optional third field for the note (a `thing`, 20 characters). */
  noteField?: string;
  /** The page a tap on the message opens; the todo's id is added as `?id=`. */
  page: string;
  miniprogramState: 'formal' | 'trial' | 'developer';
}

/** Reads the function's environment; undefined when no template is configured. */
export function remindConfigFromEnv(env: Record<string, string | undefined>): RemindConfig | undefined {
  const templateId = env.REMIND_TEMPLATE_ID?.trim();
  if (!templateId) return undefined;
  const state = env.REMIND_MINIPROGRAM_STATE;
  return {
    templateId,
    titleField: env.REMIND_FIELD_TITLE || 'thing1',
    timeField: env.REMIND_FIELD_TIME || 'time2',
    ...(env.REMIND_FIELD_NOTE ? { noteField: env.REMIND_FIELD_NOTE } : {}),
    page: env.REMIND_PAGE || 'pages/todos/index',
    miniprogramState: state === 'trial' || state === 'developer' ? state : 'formal',
  };
}

export interface SubscribeMessage {
  touser: string;
  templateId: string;
  page: string;
  data: Record<string, { value: string }>;
  miniprogramState: RemindConfig['miniprogramState'];
  lang: 'zh_CN';
}

export interface RemindDeps extends Pick<HandlerDeps, 'getWXContext' | 'log'> {
  db: Database;
  config: RemindConfig | undefined;
  /** `cloud.openapi.subscribeMessage.send`; rejects with `{ errCode, errMsg }` as the SDK does. */
  send(message: SubscribeMessage): Promise<unknown>;
  /** The Official Account's template message, for a user without credit who follows it. */
  pushOfficial?: OaPush;
  /** Deferred invocations, to send a retried reminder at its time rather than on the next minute. */
  deferred?: DeferredCalls;
}

/** Sends tried per reminder before a transient error (-1, timeouts) becomes `failed`. */
export const MAX_ATTEMPTS = 3;
/** A `thing` template value holds at most 20 characters. */
export const THING_MAX = 20;
const BATCH = 100;
const PARALLEL_SENDS = 8;
const SEND_TIMEOUT_MS = 5000;
/** A claim older than this belongs to a run that died mid-send. */
const STALE_CLAIM_MS = 10 * 60_000;
const NO_CREDIT = 43101;
/** Claiming stops this long before the platform would end the run, so sends in flight finish. */
const FINISH_MS = 15_000;
/** ...but a run always gets at least this long to claim. */
const MIN_BUDGET_MS = 5000;

/** Cuts to `max` characters (code points, as WeChat counts them), marking the cut. */
export function cut(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

/** "2026年5月1日 09:00" on the wall clock of `zone`: the time the person set, as they set it. */
export function formatIn(date: Date, zone: string): string {
  const t = wallOf(date, zone);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${t.year}年${t.month}月${t.day}日 ${pad(t.hour)}:${pad(t.minute)}`;
}

export function messageFor(doc: TodoDoc, config: RemindConfig): SubscribeMessage {
  const data: SubscribeMessage['data'] = {
    [config.titleField]: { value: cut(doc.title, THING_MAX) },
    [config.timeField]: {
      value: formatIn(new Date(doc.dueAt ?? doc.remindAt ?? doc.createdAt), zoneOrDefault(doc.zone)),
    },
  };
  if (config.noteField) data[config.noteField] = { value: cut(doc.note || '无备注', THING_MAX) };
  return {
    touser: doc._openid,
    templateId: config.templateId,
    page: `${config.page}?id=${doc._id}`,
    data,
    miniprogramState: config.miniprogramState,
    lang: 'zh_CN',
  };
}

type Outcome =
  | { kind: 'sent'; via: 'subscription' | 'oa' }
  | { kind: 'no_credit'; error: ReminderError | null }
  | { kind: 'failed' | 'retry' | 'unfollowed'; error: ReminderError };

function errorOf(error: unknown): ReminderError {
  const e = (typeof error === 'object' && error !== null ? error : {}) as {
    errCode?: unknown;
    errMsg?: unknown;
    message?: unknown;
  };
  const errcode = typeof e.errCode === 'number' ? e.errCode : -1;
  const errmsg = typeof e.errMsg === 'string' ? e.errMsg : typeof e.message === 'string' ? e.message : String(error);
  return { errcode, errmsg: errmsg.slice(0, 200) };
}

/** -1 is WeChat's "system busy"; network failures carry it too. */
const isTransient = (error: ReminderError): boolean => error.errcode === -1;

/** A send WeChat did not answer in time: it may have been delivered, so it is never sent again. */
const NO_ANSWER = Symbol('no answer');

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T | typeof NO_ANSWER> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<typeof NO_ANSWER>((resolve) => {
    timer = setTimeout(() => resolve(NO_ANSWER), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

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

  /** No credit: the Official Account's template message when the user follows it. */
  async function official(
    doc: TodoDoc,
    config: RemindConfig,
    now: Date,
    error: ReminderError | null,
  ): Promise<Outcome> {
    const noCredit: Outcome = { kind: 'no_credit', error };
    if (!deps.pushOfficial) return noCredit;
    const { page, data } = messageFor(doc, config);
    const pushed = await deps.pushOfficial(doc, { page, data }, now);
    if (pushed.kind === 'not_follower') return noCredit;
    if (pushed.kind === 'sent') return { kind: 'sent', via: 'oa' };
    if (pushed.kind === 'retry' && doc.remindAttempts + 1 >= MAX_ATTEMPTS) return { ...pushed, kind: 'failed' };
    return pushed;
  }

  /** One reminder, by itself: whatever goes wrong with it is its outcome, never the batch's. */
  async function attempt(doc: TodoDoc, config: RemindConfig, now: Date): Promise<Outcome> {
    try {
      return await deliver(doc, config, now);
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

  async function deliver(doc: TodoDoc, config: RemindConfig, now: Date): Promise<Outcome> {
    if (!(await store.spendCredit(doc._openid, config.templateId, now))) return official(doc, config, now, null);
    try {
      if ((await withTimeout(deps.send(messageFor(doc, config)), SEND_TIMEOUT_MS)) === NO_ANSWER) {
        // As for a run that died mid-send: a second message is worse than a missing one. The
        // credit stays spent, as WeChat spends it on a delivered message.
        const errmsg = `no answer from WeChat in ${SEND_TIMEOUT_MS} ms; not sent again`;
        return { kind: 'failed', error: { errcode: -1, errmsg, code: 'INTERRUPTED' } };
      }
      return { kind: 'sent', via: 'subscription' };
    } catch (thrown) {
      const error = errorOf(thrown);
      if (error.errcode === NO_CREDIT) {
        // WeChat is the authority on credits: the user has none left (or turned them off).
        await store.clearCredits(doc._openid, config.templateId, now);
        return official(doc, config, now, error);
      }
      // WeChat spends a credit only on a delivered message: give ours back.
      await store.refundCredit(doc._openid, config.templateId, now);
      if (isTransient(error) && doc.remindAttempts + 1 < MAX_ATTEMPTS) return { kind: 'retry', error };
      return { kind: 'failed', error };
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

  /** The minute timer's run: every due reminder, in batches, until the time to claim runs out. */
  async function run(now: Date, claimUntil: number): Promise<RemindRunSummary> {
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

  /**
   * A second's task: sends what is due by now, as the minute run does. A task left from a reminder
   * since moved, removed, completed or already sent (by the timer) finds nothing of it.
   */
  async function runTask(task: ReminderTask, now: Date, claimUntil: number): Promise<RemindRunSummary> {
    await releaseSlot(deps.db, task.at);
    return run(now, claimUntil);
  }

  const timer = defineTimer(
    'remind',
    ({ now, deadline }) => run(now, Math.max(Date.now() + MIN_BUDGET_MS, deadline - FINISH_MS)),
    { getWXContext: deps.getWXContext, log },
  );
  const task = defineDeferred(
    'remind',
    reminderTaskSchema(),
    (t) => t.at,
    (t, { now, deadline }) => runTask(t, now, Math.max(Date.now() + MIN_BUDGET_MS, deadline - FINISH_MS)),
    { getWXContext: deps.getWXContext, log },
  );
  return withTimer(task, timer);
}

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
  };
}
