/**
 * The one shape of a cloud function entry (style.md, guideline 5): validate the event, take the
 * caller's identity from the platform (never from the event), run the action, return the contract.
 */
import type { ApiResult } from '../typings/contract';
import type { ActionName, FunctionName, RequestOf, ResponseOf } from '../typings/functions';
import { zoneOrDefault } from '../shared/time';
import { AppError, fail, ok } from './errors';
import { check, describeIssues, isoDate, object, oneOf, optional, string, type Schema } from './schema';

/** The part of `cloud.getWXContext()` a handler reads. */
export interface WXContext {
  OPENID?: string;
  APPID?: string;
  UNIONID?: string;
  ENV?: string;
  CLIENTIP?: string;
}

export interface Identity {
  openid: string;
  appid: string;
  unionid?: string;
  env: string;
}

export interface ActionContext {
  /** The caller; empty openid only for actions declared `anonymous` (timers, other functions). */
  identity: Identity;
  /** One clock reading per call, so every timestamp a call writes agrees (guideline 9). */
  now: Date;
  /** Epoch ms at which the platform ends this invocation (its configured timeout), when it says. */
  deadline?: number;
  /** The caller's time zone (the event's `tz`, checked): "today", "9 o'clock" and days are read in it. */
  zone: string;
}

/** The part of the platform's second argument to `main` a handler reads. */
export interface InvocationContext {
  time_limit_in_ms?: number;
}

export interface ActionSpec<Request, Response> {
  schema: Schema<Request>;
  run(request: Request, ctx: ActionContext): Promise<Response>;
  /** True for actions a timer or another function may call without a WeChat user. */
  anonymous?: boolean;
}

export type ActionTable<F extends FunctionName> = {
  [A in ActionName<F>]: ActionSpec<RequestOf<F, A>, ResponseOf<F, A>>;
};

export interface HandlerDeps {
  getWXContext(): WXContext;
  now?: () => Date;
  /** Where unexpected errors are reported; CloudBase keeps console output in the function's logs. */
  log?: (message: string, error: unknown) => void;
}

// CloudBase adds `userInfo` to every event sent by a client; it is the platform's, not the caller's.
// `tz`: the caller's zone, which the mini-program adds to every call (services/cloud.ts).
const PLATFORM_KEYS = new Set(['action', 'userInfo', 'tz']);

export function defineFunction<F extends FunctionName>(
  name: F,
  actions: ActionTable<F>,
  deps: HandlerDeps,
): (event: unknown, context?: InvocationContext) => Promise<ApiResult<ResponseOf<F, ActionName<F>>>> {
  const table = actions as Record<string, ActionSpec<unknown, unknown> | undefined>;
  const log = deps.log ?? ((message, error) => console.error(message, error));

  return async (event, context) => {
    const limit = context?.time_limit_in_ms;
    const deadline = typeof limit === 'number' && limit > 0 ? Date.now() + limit : undefined;
    if (typeof event !== 'object' || event === null || Array.isArray(event)) {
      return fail('INVALID_ARGUMENT', 'The event must be an object with an "action" field.');
    }
    const { action, tz } = event as { action?: unknown; tz?: unknown };
    const spec = typeof action === 'string' && Object.hasOwn(table, action) ? table[action] : undefined;
    if (!spec) {
      return fail('UNKNOWN_ACTION', `${name} has no action ${JSON.stringify(action ?? null)}.`);
    }

    const payload = Object.fromEntries(Object.entries(event).filter(([key]) => !PLATFORM_KEYS.has(key)));
    const parsed = check(spec.schema, payload);
    if (!parsed.ok) {
      return fail('INVALID_ARGUMENT', describeIssues(parsed.issues), parsed.issues);
    }

    const wx = deps.getWXContext();
    if (!wx.OPENID && !spec.anonymous) {
      return fail('UNAUTHENTICATED', 'This action needs a signed-in WeChat user.');
    }
    const identity: Identity = {
      openid: wx.OPENID ?? '',
      appid: wx.APPID ?? '',
      env: wx.ENV ?? '',
      ...(wx.UNIONID ? { unionid: wx.UNIONID } : {}),
    };

    try {
      const now = deps.now?.() ?? new Date();
      // An unknown or missing zone is no error: the call is read in Asia/Shanghai, as before zones.
      const zone = zoneOrDefault(tz);
      const data = await spec.run(parsed.value, { identity, now, zone, ...(deadline ? { deadline } : {}) });
      return ok(data) as ApiResult<ResponseOf<F, ActionName<F>>>;
    } catch (error) {
      if (error instanceof AppError) return fail(error.code, error.message, error.fields);
      log(`${name}.${action} failed`, error);
      return fail('INTERNAL', 'The service hit an unexpected error.');
    }
  };
}

/** A timer trigger's event as CloudBase sends it; its `Time` is the run's "now". */
const TIMER_EVENT = object({
  Type: oneOf(['Timer']),
  TriggerName: string({ min: 1, max: 100 }),
  Time: isoDate(),
  Message: optional(string({ max: 4096, multiline: true })),
});

export interface TimerContext {
  /** The trigger's `Time`: the instant this run is for. */
  now: Date;
  /** Epoch ms at which the platform ends this invocation (its configured timeout; 60 s when it does not say). */
  deadline: number;
  trigger: string;
}

/**
 * The one shape of a timer-triggered function, beside defineFunction: only the platform's timer may
 * run it (a caller with an openid could make everyone's timed work happen early), its event is the
 * timer's, and it answers the same contract, so a run's summary shows in the function's logs.
 */
export function defineTimer<R>(
  name: string,
  run: (ctx: TimerContext) => Promise<R>,
  deps: Pick<HandlerDeps, 'getWXContext' | 'log'>,
): (event: unknown, context?: InvocationContext) => Promise<ApiResult<R>> {
  const log = deps.log ?? ((message, error) => console.error(message, error));
  return async (event, context) => {
    const start = Date.now();
    if (deps.getWXContext().OPENID) return fail('PERMISSION_DENIED', `${name} runs on its timer only.`);
    const parsed = check(TIMER_EVENT, event);
    if (!parsed.ok) {
      return fail('INVALID_ARGUMENT', `not a timer event: ${describeIssues(parsed.issues)}`, parsed.issues);
    }
    const limit = context?.time_limit_in_ms;
    const deadline = start + (typeof limit === 'number' && limit > 0 ? limit : 60_000);
    try {
      return ok(await run({ now: parsed.value.Time, deadline, trigger: parsed.value.TriggerName }));
    } catch (error) {
      log(`${name} run failed`, error);
      return fail('INTERNAL', error instanceof Error ? error.message : `${name} run failed`);
    }
  };
}
