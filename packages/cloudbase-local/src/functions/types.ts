/** Runs cloud functions as CloudBase does: one worker process per instance, one invocation at a time. */
export interface CallerIdentity {
  openid?: string;
  appid?: string;
  unionid?: string;
  clientIp?: string;
}

/** How an invocation arrived; CloudBase exposes this to the function through environment variables. */
export interface InvokeOptions {
  /** `TCB_SOURCE` (getWXContext().SOURCE), e.g. 'wx_client' from the mini-program, 'wx_devtools'. */
  source?: string;
  /** 'timer' sets `TRIGGER_SRC=timer`, as CloudBase does for timer-triggered runs. */
  trigger?: 'timer';
  /** Reuse a request id chosen by the caller (the server's requestId) instead of a fresh UUID. */
  requestId?: string;
  /** Which door it came through, for the record only (`http`: the HTTP access service, `delayed`: a deferred task). */
  origin?: 'http' | 'delayed';
}

/** An application error: the function ran and answered `{ ok: false, code, message }`. */
export interface AppError {
  code: string;
  message: string;
}

/**
 * errCode/errMsg follow what CloudBase reports to callers:
 * -504002 "functions execute fail" (throw, crash, load error), -504003 "functions time out error"
 * (`Invoking task timed out after N seconds`), -501000 "FunctionName parameter could not be found.".
 * `resultJson` is the function's return value as CloudBase serialises it (JSON.stringify,
 * `undefined` -> `null`): the exact `response_data` string for `functions.invokeFunction`.
 */
export type InvokeOutcome =
  | { ok: true; result: unknown; resultJson: string; requestId: string }
  | { ok: false; errCode: number; errMsg: string; requestId: string };

export interface InvocationRecord {
  id: string;
  name: string;
  startedAt: Date;
  /** Time spent in main (CloudBase's billed duration); queueing and code loading are not included. */
  durationMs: number;
  coldStart: boolean;
  /** Cold starts only: how long loading the function's code took before main could run. */
  initMs?: number;
  outcome: 'ok' | 'error' | 'timeout' | 'crash';
  errMsg?: string;
  openid?: string;
  logs: Array<{ level: 'log' | 'info' | 'warn' | 'error'; at: Date; text: string }>;
  /**
   * How it arrived: `http` (the HTTP access service), the trigger (`timer`), else the caller's
   * `TCB_SOURCE` (`wx_client` from the mini-program), else `sdk` (cloud.callFunction).
   */
  source: string;
  /** The event, when its JSON is small enough to keep (see `eventOmitted`). */
  event?: unknown;
  /** Why `event` is absent: too large to keep, or not JSON. */
  eventOmitted?: string;
  /** What main returned (outcome `ok`), when small enough to keep (see `resultOmitted`). */
  result?: unknown;
  resultOmitted?: string;
  /** Outcome `ok` with an answer `{ ok: false, code, message }`: the function refused the call. */
  appError?: AppError;
}

/** Which records recent() returns; every given field must match. */
export interface InvocationFilter {
  /** The function's exact name. */
  name?: string;
  source?: string;
  /** Case-insensitive text in the name, openid, error, logs, event or result. */
  text?: string;
  /** A log line starts with this code (`INVALID_DOCUMENT: ...`, see log-codes.ts); `*` for any code. */
  code?: string;
}

export interface FunctionConfig {
  /** seconds, from config.json `timeout`; CloudBase's default is 3 */
  timeout: number;
  triggers: Array<{ name: string; type: 'timer'; config: string }>;
  permissions?: { openapi?: string[] };
  /** `file.export` the platform calls, CloudBase's `handler`; default `index.main`. */
  handler?: string;
}

/** What a project says of a function beyond its config.json (cloudbaserc.json), over it. */
export type FunctionSettings = Partial<FunctionConfig>;

/** Who is making an SDK call, found from the per-invocation `WX_API_TOKEN` the SDK sends as `wxCloudApiToken`. */
export interface CallerContext {
  name: string;
  requestId: string;
  identity: CallerIdentity;
  config: FunctionConfig;
}

export interface FunctionHostOptions {
  /** Folder holding one folder per function, each with a built `index.js` and optional `config.json`. */
  functionsDir: string;
  /** The local cloud's `/admin` URL, handed to workers as `TCB_CONTEXT_CNFG`. */
  serviceUrl: string;
  envId: string;
  /** Extra environment for every function (WX_APP_SECRET, TZ, NODE_EXTRA_CA_CERTS ...); wins over defaults. */
  env?: Record<string, string>;
  /** One function's own variables, set when an instance loads it (over `env`), as CloudBase sets each function's. */
  envFor?: (name: string) => Record<string, string>;
  /**
   * Worker processes per function; default 4. Up to this many concurrent invocations each get a
   * process of their own, as CloudBase instances; beyond it they share the workers (each in its own
   * async context), which bounds memory while I/O-bound invocations still run side by side.
   */
  maxInstances?: number;
  /**
   * Invocations of one function running at once, CloudBase's per-function concurrency quota:
   * beyond it a call is refused (-501004), as CloudBase blocks it. Default 1000, CloudBase's.
   */
  concurrency?: number;
  /** A function's settings from the project (cloudbaserc.json), over its config.json. */
  settingsFor?: (name: string) => FunctionSettings | undefined;
  /** Invocation records kept for recent(); default 200. */
  historySize?: number;
  /** An idle instance is reclaimed after this long, as CloudBase does; default 10 minutes. */
  idleTimeoutMs?: number;
  /**
   * Keep one runner booted with wx-server-sdk already required, so a cold start only loads the
   * function's own code (CloudBase likewise keeps warm runtime containers); default true.
   */
  prewarm?: boolean;
  /** Called after every invocation (the CLI prints logs, the dev page refreshes). */
  onRecord?: (record: InvocationRecord) => void;
}

export interface InstanceCounts {
  /** Worker processes booting or loading the function's code (a cold start in progress). */
  starting: number;
  /** Workers running at least one invocation. */
  busy: number;
  idle: number;
  /** Invocations waiting for a worker. */
  queued: number;
  /** Invocations running now, over all workers. */
  running: number;
  /** Resident memory of the function's workers, in bytes, as they last reported. */
  rssBytes: number;
}

/** Memory of every function worker: now, and the most it has been since the local cloud started. */
export interface WorkerMemory {
  processes: number;
  rssBytes: number;
  peakRssBytes: number;
}

export interface FunctionHost {
  /** Names of the functions found under the functions root (folders with a built index.js). */
  list(): string[];
  /** Throws when the function does not exist or its config.json is malformed. */
  config(name: string): FunctionConfig;
  invoke(name: string, event: unknown, identity?: CallerIdentity, options?: InvokeOptions): Promise<InvokeOutcome>;
  /** The invocation behind an SDK request's `wxCloudApiToken`, while that invocation runs. */
  callerOf(apiToken: string): CallerContext | undefined;
  /** Most recent first. */
  recent(limit?: number, filter?: InvocationFilter): InvocationRecord[];
  /** One remembered record by its id (the request id). */
  record(id: string): InvocationRecord | undefined;
  /** Every finished invocation, as it is remembered; returns the unsubscribe function. */
  onInvocation(listener: (record: InvocationRecord) => void): () => void;
  /** Live instances of a function and invocations waiting for one, for the dev page and tests. */
  instances(name: string): InstanceCounts;
  /** Memory of all function workers. */
  memory(): WorkerMemory;
  close(): Promise<void>;
}
