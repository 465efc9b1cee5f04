/**
 * Deferred invocations: a function asks CloudBase to invoke a function once, later, with an event
 * of its choosing. The open API is `cloud.openapi.cloudbase.addDelayedFunctionTask({ env,
 * functionName, delayTime, data })` (WeChat's server API reference, "延时调用云函数",
 * /tcb/adddelayedfunctiontask): `delayTime` in whole seconds from 6 s to 30 days, `data` a JSON
 * string that the invoked function receives as its event. The caller's config.json must grant
 * `cloudbase.addDelayedFunctionTask`. There is no API to cancel a task, so what a task does must
 * be checked again when it runs.
 */
import type * as sdk from 'wx-server-sdk';
import type { ApiResult } from '../typings/contract';
import { fail, ok } from './errors';
import type { HandlerDeps, InvocationContext } from './handler';
import { check, describeIssues, type Schema } from './schema';

export const DEFERRED_PERMISSION = 'cloudbase.addDelayedFunctionTask';
/** The shortest and longest delay CloudBase accepts, in seconds. */
export const MIN_DELAY_S = 6;
export const MAX_DELAY_S = 30 * 24 * 3600;

export interface DelayedFunctionTask {
  env: string;
  functionName: string;
  delayTime: number;
  data: string;
}

/** The open API as a function reaches it: `cloud.openapi.cloudbase.addDelayedFunctionTask`, in the env it runs in. */
export interface DeferredCalls {
  add(task: DelayedFunctionTask): Promise<unknown>;
  /** The env id the function runs in (`getWXContext().ENV`): tasks run there. */
  env(): string;
}

/** The open API through wx-server-sdk, for a function entry to hand its logic. */
export function deferredCalls(cloud: typeof sdk): DeferredCalls {
  return {
    add: (task) => cloud.openapi.cloudbase.addDelayedFunctionTask(task) as Promise<unknown>,
    env: () => cloud.getWXContext().ENV ?? '',
  };
}

/**
 * How long before its time a task is asked to arrive: the invocation's start (a queue, a cold
 * start) happens in this lead, and the run then waits for the time itself (defineDeferred).
 */
export const LEAD_MS = 2000;

/**
 * Asks for `event` to reach `functionName` at `at`: LEAD_MS early, the delay rounded down to the
 * second (the receiver waits out the rest, see defineDeferred) and raised to CloudBase's minimum,
 * so a time closer than that arrives 6 s from now rather than not at all. False, without a call,
 * when `at` is further than CloudBase can defer.
 */
export async function defer(
  calls: DeferredCalls,
  functionName: string,
  event: Record<string, unknown>,
  at: Date,
  nowMs = Date.now(),
): Promise<boolean> {
  const delayTime = Math.max(MIN_DELAY_S, Math.floor((at.getTime() - LEAD_MS - nowMs) / 1000));
  if (delayTime > MAX_DELAY_S) return false;
  await calls.add({ env: calls.env(), functionName, delayTime, data: JSON.stringify(event) });
  return true;
}

export interface DeferredContext {
  /** When the run starts (after any wait for the event's time). */
  now: Date;
  /** Epoch ms at which the platform ends this invocation. */
  deadline: number;
}

/** A task that arrives this much early (its lead, the delay rounded down, clocks drifting) waits for its time. */
export const EARLY_WAIT_MS = LEAD_MS + 2000;

/**
 * The one shape of a function's deferred entry, beside defineTimer: only the platform may run it
 * (a caller with an openid is refused, as for a timer), its event is checked by `schema`, and a run
 * that arrives up to EARLY_WAIT_MS before `timeOf(event)` first waits for that time.
 */
export function defineDeferred<E, R>(
  name: string,
  schema: Schema<E>,
  timeOf: (event: E) => Date,
  run: (event: E, ctx: DeferredContext) => Promise<R>,
  deps: Pick<HandlerDeps, 'getWXContext' | 'log'>,
): (event: unknown, context?: InvocationContext) => Promise<ApiResult<R>> {
  const log = deps.log ?? ((message, error) => console.error(message, error));
  return async (event, context) => {
    const start = Date.now();
    if (deps.getWXContext().OPENID) return fail('PERMISSION_DENIED', `${name} runs on its own tasks only.`);
    const parsed = check(schema, event);
    if (!parsed.ok) {
      return fail('INVALID_ARGUMENT', `not a task of ${name}: ${describeIssues(parsed.issues)}`, parsed.issues);
    }
    const limit = context?.time_limit_in_ms;
    const deadline = start + (typeof limit === 'number' && limit > 0 ? limit : 60_000);
    const early = timeOf(parsed.value).getTime() - Date.now();
    if (early > 0 && early <= EARLY_WAIT_MS) await new Promise((resolve) => setTimeout(resolve, early));
    try {
      return ok(await run(parsed.value, { now: new Date(), deadline }));
    } catch (error) {
      log(`${name} task failed`, error);
      return fail('INTERNAL', error instanceof Error ? error.message : `${name} task failed`);
    }
  };
}
