/**
 * The one shape of a cloud function entry (style.md, guideline 5): validate the event, take the
 * caller's identity from the platform (never from the event), run the action, return the contract.
 */
import type { ApiResult } from '../typings/contract';
import type { ActionName, FunctionName, RequestOf, ResponseOf } from '../typings/functions';
import { zoneOrDefault } from '../shared/time';
import { AppError, fail, ok } from './errors';
import { requestIdSchema, type Requests } from './requests';
import { check, describeIssues, isoDate, object, oneOf, optional, string, type Issues, type Schema } from './schema';

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
  /**
   * For an idempotent action called with a requestId: the same on every try of that call, so what
   * it creates can have ids derived from it (`keyedId`) and a retry finds them instead of making more.
   */
  requestKey?: string;
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

/**
 * An action whose request has a `requestId` is idempotent: the handler takes the requestId out
 * (the action's schema and run never see it) and runs the action once per user and requestId.
 */
type SpecFor<Request, Response> = string extends keyof Request // an empty request: Record<string, never>
  ? ActionSpec<Request, Response>
  : 'requestId' extends keyof Request
    ? ActionSpec<Omit<Request, 'requestId'>, Response> & { idempotent: true }
    : ActionSpec<Request, Response>;

export type ActionTable<F extends FunctionName> = {
  [A in ActionName<F>]: SpecFor<RequestOf<F, A>, ResponseOf<F, A>>;
};

export interface HandlerDeps {
  getWXContext(): WXContext;
  now?: () => Date;
  /** Where unexpected errors are reported; CloudBase keeps console output in the function's logs. */
  log?: (message: string, error: unknown) => void;
  /** Where idempotent actions claim their requestIds; without it they simply run. */
  requests?: Requests;
}

/** When the platform does not say how long an invocation may run. */
const UNKNOWN_LIMIT_MS = 60_000;
/** A repeat waiting for the first call stops this long before its own invocation would end. */
const WAIT_MARGIN_MS = 1000;
/** Past the platform's limit, when a dead invocation's claim lapses. */
const LAPSE_MARGIN_MS = 1000;

// CloudBase adds `userInfo` to every event sent by a client; it is the platform's, not the caller's.
// `tz`: the caller's zone, which the mini-program adds to every call (services/cloud.ts).
const PLATFORM_KEYS = new Set(['action', 'userInfo', 'tz']);

export function defineFunction<F extends FunctionName>(
  name: F,
  actions: ActionTable<F>,
  deps: HandlerDeps,
): (event: unknown, context?: InvocationContext) => Promise<ApiResult<ResponseOf<F, ActionName<F>>>> {
  const table = actions as Record<string, (ActionSpec<unknown, unknown> & { idempotent?: true }) | undefined>;
  const log = deps.log ?? ((message, error) => console.error(message, error));

  return async (event, context) => {
    const start = Date.now();
    const limit = context?.time_limit_in_ms;
    const deadline = typeof limit === 'number' && limit > 0 ? start + limit : undefined;
    if (typeof event !== 'object' || event === null || Array.isArray(event)) {
      return fail('INVALID_ARGUMENT', 'The event must be an object with an "action" field.');
    }
    const { action, tz } = event as { action?: unknown; tz?: unknown };
    const spec = typeof action === 'string' && Object.hasOwn(table, action) ? table[action] : undefined;
    if (!spec) {
      return fail('UNKNOWN_ACTION', `${name} has no action ${JSON.stringify(action ?? null)}.`);
    }

    const payload = Object.fromEntries(Object.entries(event).filter(([key]) => !PLATFORM_KEYS.has(key)));
    const { requestId, issues: idIssues, rest } = takeRequestId(payload, spec.idempotent === true);
    const parsed = check(spec.schema, rest);
    if (!parsed.ok || idIssues) {
      const issues = { ...(parsed.ok ? {} : parsed.issues), ...idIssues };
      return fail('INVALID_ARGUMENT', describeIssues(issues), issues);
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

    const now = deps.now?.() ?? new Date();
    // An unknown or missing zone is no error: the call is read in Asia/Shanghai, as before zones.
    const zone = zoneOrDefault(tz);
    const requestKey = requestId === undefined ? undefined : `${identity.openid}:${requestId}`;
    const execute = async (): Promise<ApiResult<unknown>> => {
      try {
        const ctx = { identity, now, zone, ...(deadline ? { deadline } : {}), ...(requestKey ? { requestKey } : {}) };
        return ok(await spec.run(parsed.value, ctx));
      } catch (error) {
        if (error instanceof AppError) return fail(error.code, error.message, error.fields);
        log(`${name}.${action} failed`, error);
        return fail('INTERNAL', 'The service hit an unexpected error.');
      }
    };
    if (requestId === undefined || !deps.requests) {
      return (await execute()) as ApiResult<ResponseOf<F, ActionName<F>>>;
    }
    const end = deadline ?? start + UNKNOWN_LIMIT_MS;
    const answer = await deps.requests.once(
      { openid: identity.openid, fn: name, action: String(action), requestId, request: parsed.value },
      { now, lapse: end + LAPSE_MARGIN_MS, giveUpAt: end - WAIT_MARGIN_MS },
      execute,
    );
    return answer as ApiResult<ResponseOf<F, ActionName<F>>>;
  };
}

/** Takes an idempotent action's requestId out of its payload, checked; the rest goes to the action's schema. */
function takeRequestId(
  payload: Record<string, unknown>,
  idempotent: boolean,
): { requestId?: string; issues?: Issues; rest: Record<string, unknown> } {
  if (!idempotent || !Object.hasOwn(payload, 'requestId')) return { rest: payload };
  const { requestId: raw, ...rest } = payload;
  const parsed = check(requestIdSchema(), raw);
  if (!parsed.ok) return { issues: { requestId: parsed.issues[''] ?? 'is not a valid requestId' }, rest };
  return { requestId: parsed.value, rest };
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

type Entry<R> = (event: unknown, context?: InvocationContext) => Promise<ApiResult<R>>;

/** A timer's event: a `Type` and no `action` (what a client sends always names its action). */
function isTimerEvent(event: unknown): boolean {
  return (
    typeof event === 'object' &&
    event !== null &&
    !Array.isArray(event) &&
    Object.hasOwn(event, 'Type') &&
    !Object.hasOwn(event, 'action')
  );
}

/**
 * One entry for a function that users call and a timer triggers too (CloudBase gives a function
 * one `main`): the timer's event goes to `timer` (defineTimer, which refuses any user), every other
 * event to `called`.
 */
export function withTimer<A, T>(called: Entry<A>, timer: Entry<T>): Entry<A | T> {
  return (event, context) => (isTimerEvent(event) ? timer(event, context) : called(event, context));
}
