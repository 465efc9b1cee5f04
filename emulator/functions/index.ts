import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { FUNCTION_NAME, readFunctionConfig } from './config';
import type { HostMessage, LogLevel, WorkerMessage } from './ipc';
import { runnerPath } from './runner-path';
import type {
  CallerContext,
  CallerIdentity,
  FunctionConfig,
  FunctionHost,
  FunctionHostOptions,
  InstanceCounts,
  InvocationRecord,
  InvokeOptions,
  InvokeOutcome,
} from './types';

export type * from './types';
export { readFunctionConfig } from './config';

/** The codes CloudBase reports for failed invocations (what a mini-program sees in errCode). */
export const FUNCTION_ERRORS = {
  notFound: { errCode: -501000, label: '' },
  executeFail: { errCode: -504002, label: 'functions execute fail' },
  timeout: { errCode: -504003, label: 'functions time out error' },
} as const;

/** Every key an invocation may set, so the runner clears the ones a caller does not have. */
const WX_CONTEXT_KEYS = 'WX_OPENID,WX_APPID,WX_UNIONID,WX_CLIENTIP,WX_API_TOKEN';
const MEMORY_LIMIT_MB = 256;
const REGION = 'ap-shanghai';
const TENCENTCLOUD_APPID = '1250000000';
const TENCENTCLOUD_UIN = '100000000001';
/** Loading code is not billed time in CloudBase, but a module that never finishes loading must not hang callers. */
const LOAD_TIMEOUT_MS = 30_000;
/** Inherited from the host's environment; everything else a function sees is set on purpose. */
const INHERITED_ENV = ['PATH', 'HOME', 'LANG', 'TMPDIR', 'SYSTEMROOT'];
const MAX_LOG_LINES = 1000;

type LogEntry = InvocationRecord['logs'][number];

interface Job {
  name: string;
  requestId: string;
  event: unknown;
  identity: CallerIdentity;
  options: InvokeOptions;
  resolve: (outcome: InvokeOutcome) => void;
}

interface Running {
  job: Job;
  record: InvocationRecord;
  token: string;
  timer: NodeJS.Timeout;
  startedAt: number;
}

type InstanceState = 'booting' | 'loading' | 'idle' | 'busy' | 'dead';

interface Instance {
  child: ChildProcess;
  state: InstanceState;
  pool?: Pool;
  /** Code version (index.js/config.json stamps) this instance loaded. */
  version: string;
  runs: number;
  loadStartedAt: number;
  initMs?: number;
  loadTimer?: NodeJS.Timeout;
  idleTimer?: NodeJS.Timeout;
  running?: Running;
  lastRecord?: InvocationRecord;
  /** Output printed while loading (module top level) is shown with the first invocation. */
  loadLogs: LogEntry[];
  fatal?: string;
  /** Killed by the host on purpose (reload, idle, close): its exit is not a failure. */
  retired: boolean;
  exited: Promise<void>;
}

interface Pool {
  name: string;
  dir: string;
  file: string;
  version: string;
  config: FunctionConfig;
  instances: Instance[];
  queue: Job[];
}

/** The wx-server-sdk the functions will require (or the emulator's own), for spares to preload. */
function sdkPath(functionsDir: string): string | undefined {
  // createRequire: the mini-program typings replace the global `require` type with WeChat's.
  const local = createRequire(__filename);
  for (const paths of [[functionsDir], [__dirname]]) {
    try {
      return local.resolve('wx-server-sdk', { paths });
    } catch {
      // try the next place
    }
  }
  return undefined;
}

/** A function logging in a loop must not grow the host's memory without bound. */
function append(logs: LogEntry[], entry: LogEntry): void {
  if (logs.length < MAX_LOG_LINES) logs.push(entry);
  else if (logs.length === MAX_LOG_LINES) {
    logs.push({ level: 'warn', at: entry.at, text: `(more than ${MAX_LOG_LINES} log lines: the rest are dropped)` });
  }
}

function describeExit(code: number | null, signal: NodeJS.Signals | null): string {
  return signal ? `signal ${signal}` : `code ${code ?? 'unknown'}`;
}

/**
 * Serves cloud functions from `functionsDir` the way CloudBase runs them: each instance is a
 * separate Node process serving one invocation at a time and staying warm between invocations;
 * concurrent calls start more instances up to `maxInstances`, then wait in a queue.
 */
export function createFunctionHost(options: FunctionHostOptions): FunctionHost {
  const functionsDir = resolve(options.functionsDir);
  const maxInstances = Math.max(1, options.maxInstances ?? 4);
  const historySize = Math.max(1, options.historySize ?? 200);
  const idleTimeoutMs = options.idleTimeoutMs ?? 10 * 60_000;
  const prewarm = options.prewarm ?? true;

  const baseEnv: Record<string, string> = {};
  for (const key of INHERITED_ENV) {
    const value = process.env[key];
    if (value !== undefined) baseEnv[key] = value;
  }
  Object.assign(baseEnv, {
    // CloudBase functions run in UTC unless the function sets TZ itself.
    TZ: 'UTC',
    // With TENCENTCLOUD_RUNENV=SCF node-sdk takes the env from TCB_ENV and skips its probe of
    // Tencent's metadata server (a DNS lookup with a 30 ms timeout on every request elsewhere).
    TENCENTCLOUD_RUNENV: 'SCF',
    TENCENTCLOUD_REGION: REGION,
    TENCENTCLOUD_APPID,
    TENCENTCLOUD_UIN,
    TENCENTCLOUD_SECRETID: 'local-cloud-secret-id',
    TENCENTCLOUD_SECRETKEY: 'local-cloud-secret-key',
    SCF_NAMESPACE: options.envId,
    SCF_FUNCTIONVERSION: '$LATEST',
    SCF_RUNTIME: 'Nodejs20',
    TCB_ENV: options.envId,
    TCB_CONTEXT_CNFG: JSON.stringify({ URL: options.serviceUrl }),
    WX_CONTEXT_KEYS,
  });
  Object.assign(baseEnv, options.env ?? {});

  const preload = sdkPath(functionsDir);

  const pools = new Map<string, Pool>();
  const tokens = new Map<string, CallerContext>();
  const records: InvocationRecord[] = [];
  const everyInstance = new Set<Instance>();
  let spare: Instance | undefined;
  let closed = false;

  function send(instance: Instance, message: HostMessage): boolean {
    if (!instance.child.connected) return false;
    try {
      instance.child.send(message);
      return true;
    } catch {
      return false;
    }
  }

  function kill(instance: Instance): void {
    instance.retired = true;
    clearTimeout(instance.idleTimer);
    clearTimeout(instance.loadTimer);
    if (instance.state !== 'dead') instance.child.kill('SIGKILL');
  }

  function forkInstance(withPreload: boolean): Instance {
    const child = fork(runnerPath(), withPreload && preload ? [preload] : [], {
      cwd: functionsDir,
      env: baseEnv,
      execArgv: [],
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      serialization: 'json',
    });
    const instance: Instance = {
      child,
      state: 'booting',
      version: '',
      runs: 0,
      loadStartedAt: 0,
      loadLogs: [],
      retired: false,
      exited: new Promise((done) => child.once('exit', () => done())),
    };
    everyInstance.add(instance);
    child.on('message', (message: WorkerMessage) => onMessage(instance, message));
    child.stdout?.setEncoding('utf8').on('data', (text: string) => onOutput(instance, 'log', text));
    child.stderr?.setEncoding('utf8').on('data', (text: string) => onOutput(instance, 'error', text));
    child.on('error', () => {
      // Spawn or IPC failure: 'exit' may never come, so treat the instance as gone now.
      if (instance.state !== 'dead') onExit(instance, null, null);
    });
    child.once('exit', (code, signal) => onExit(instance, code, signal));
    return instance;
  }

  function ensureSpare(): void {
    if (!prewarm || closed || spare) return;
    spare = forkInstance(true);
  }

  function log(instance: Instance, entry: LogEntry, id?: string): void {
    const running = instance.running;
    if (running && (id === undefined || id === running.record.id)) append(running.record.logs, entry);
    else if (instance.runs === 0 && !running) append(instance.loadLogs, entry);
    // Output from async work a previous run left behind belongs to that run.
    else if (instance.lastRecord) append(instance.lastRecord.logs, entry);
  }

  function onOutput(instance: Instance, level: LogLevel, text: string): void {
    const at = new Date();
    for (const line of text.replace(/\n$/, '').split('\n')) log(instance, { level, at, text: line });
  }

  function onMessage(instance: Instance, message: WorkerMessage): void {
    switch (message.t) {
      case 'log':
        log(instance, { level: message.level, at: new Date(message.at), text: message.text }, message.id || undefined);
        return;
      case 'done': {
        if (!instance.running || instance.running.record.id !== message.id) return;
        if (message.ok) finish(instance, 'ok', message.json);
        else finish(instance, 'error', message.message);
        return;
      }
      case 'fatal':
        instance.fatal = message.message;
        if (instance.running) finish(instance, 'crash', message.message);
        else log(instance, { level: 'error', at: new Date(), text: message.message });
        return;
      case 'loaded': {
        if (instance.state !== 'loading' || !instance.pool) return;
        clearTimeout(instance.loadTimer);
        instance.initMs = performance.now() - instance.loadStartedAt;
        instance.state = 'idle';
        pump(instance.pool);
        return;
      }
      case 'load-failed':
        loadFailed(instance, message.message);
        return;
    }
  }

  function loadFailed(instance: Instance, message: string): void {
    const pool = instance.pool;
    kill(instance);
    removeFromPool(instance);
    if (!pool) return;
    // Each invocation tries its own cold start, as in CloudBase: the job this instance was
    // started for fails with the load error, later ones try again (the code may have been fixed).
    const job = pool.queue.shift();
    if (job) {
      const record = newRecord(job, true);
      record.logs.push(...instance.loadLogs);
      complete(record, job, 'error', message, 0);
    }
    pump(pool);
    ensureSpare();
  }

  function onExit(instance: Instance, code: number | null, signal: NodeJS.Signals | null): void {
    const wasLoading = instance.state === 'loading';
    instance.state = 'dead';
    everyInstance.delete(instance);
    clearTimeout(instance.idleTimer);
    clearTimeout(instance.loadTimer);
    if (spare === instance) spare = undefined;
    if (instance.running) {
      finish(
        instance,
        'crash',
        instance.fatal ?? `Function instance exited unexpectedly (${describeExit(code, signal)})`,
      );
    } else if (wasLoading && !instance.retired) {
      loadFailed(instance, instance.fatal ?? `Function instance exited while loading (${describeExit(code, signal)})`);
      return;
    }
    const pool = instance.pool;
    removeFromPool(instance);
    if (pool && !closed) pump(pool);
  }

  function removeFromPool(instance: Instance): void {
    const pool = instance.pool;
    if (!pool) return;
    const index = pool.instances.indexOf(instance);
    if (index >= 0) pool.instances.splice(index, 1);
  }

  function startInstance(pool: Pool): void {
    let instance = spare;
    if (instance && instance.state === 'booting' && instance.child.connected) {
      spare = undefined;
    } else {
      instance = forkInstance(false);
    }
    instance.pool = pool;
    instance.state = 'loading';
    instance.version = pool.version;
    instance.loadStartedAt = performance.now();
    pool.instances.push(instance);
    const loading = instance;
    instance.loadTimer = setTimeout(
      () => loadFailed(loading, `Function initialization timed out after ${LOAD_TIMEOUT_MS / 1000} seconds`),
      LOAD_TIMEOUT_MS,
    );
    if (!send(instance, { t: 'load', file: pool.file, dir: pool.dir, env: { SCF_FUNCTIONNAME: pool.name } })) {
      loadFailed(instance, 'Function instance could not be started');
    }
  }

  /** Hands queued jobs to idle instances and starts instances for the rest, up to the cap. */
  function pump(pool: Pool): void {
    if (closed) return;
    while (pool.queue.length > 0) {
      const idle = pool.instances.find((instance) => instance.state === 'idle');
      if (idle) {
        run(idle, pool.queue.shift() as Job);
        continue;
      }
      const starting = pool.instances.filter((instance) => instance.state === 'loading').length;
      if (starting >= pool.queue.length || pool.instances.length >= maxInstances) return;
      startInstance(pool);
    }
  }

  function newRecord(job: Job, coldStart: boolean): InvocationRecord {
    const record: InvocationRecord = {
      id: job.requestId,
      name: job.name,
      startedAt: new Date(),
      durationMs: 0,
      coldStart,
      outcome: 'ok',
      logs: [],
    };
    if (job.identity.openid !== undefined) record.openid = job.identity.openid;
    return record;
  }

  function run(instance: Instance, job: Job): void {
    const pool = instance.pool as Pool;
    clearTimeout(instance.idleTimer);
    const coldStart = instance.runs === 0;
    instance.runs += 1;
    instance.state = 'busy';
    const record = newRecord(job, coldStart);
    if (coldStart) {
      if (instance.initMs !== undefined) record.initMs = Math.round(instance.initMs);
      record.logs.push(...instance.loadLogs);
      instance.loadLogs = [];
    }
    const token = randomBytes(16).toString('hex');
    const { identity, options: invokeOptions } = job;
    const env: Record<string, string | null> = {
      WX_OPENID: identity.openid ?? null,
      WX_APPID: identity.appid ?? null,
      WX_UNIONID: identity.unionid ?? null,
      WX_CLIENTIP: identity.clientIp ?? null,
      WX_API_TOKEN: token,
      TCB_SOURCE: invokeOptions.source ?? null,
      TRIGGER_SRC: invokeOptions.trigger ?? null,
      WX_TRIGGER_API_TOKEN_V0: invokeOptions.trigger === 'timer' ? token : null,
    };
    const timeoutMs = pool.config.timeout * 1000;
    const timer = setTimeout(() => {
      if (instance.running?.record.id !== job.requestId) return;
      finish(instance, 'timeout', `Invoking task timed out after ${pool.config.timeout} seconds`);
    }, timeoutMs);
    instance.running = { job, record, token, timer, startedAt: performance.now() };
    tokens.set(token, { name: pool.name, requestId: job.requestId, identity, config: pool.config });
    const sent = send(instance, {
      t: 'invoke',
      id: job.requestId,
      event: job.event,
      context: makeContext(pool, job, env, timeoutMs),
      env,
    });
    if (!sent) finish(instance, 'crash', 'Function instance is not reachable');
  }

  /** The second argument of main, shaped like CloudBase's (node-sdk's parseContext reads `environment`). */
  function makeContext(
    pool: Pool,
    job: Job,
    env: Record<string, string | null>,
    timeoutMs: number,
  ): Record<string, unknown> {
    const environment: Record<string, string> = {
      SCF_NAMESPACE: options.envId,
      TCB_ENV: options.envId,
      WX_CONTEXT_KEYS,
    };
    for (const [key, value] of Object.entries(env)) {
      if (value !== null && key !== 'WX_API_TOKEN' && key !== 'WX_TRIGGER_API_TOKEN_V0') environment[key] = value;
    }
    return {
      request_id: job.requestId,
      function_name: pool.name,
      function_version: '$LATEST',
      namespace: options.envId,
      memory_limit_in_mb: MEMORY_LIMIT_MB,
      time_limit_in_ms: timeoutMs,
      tencentcloud_region: REGION,
      tencentcloud_appid: TENCENTCLOUD_APPID,
      tencentcloud_uin: TENCENTCLOUD_UIN,
      environment: JSON.stringify(environment),
      environ: Object.entries(environment)
        .map(([key, value]) => `${key}=${value}`)
        .join(';'),
    };
  }

  function finish(instance: Instance, outcome: InvocationRecord['outcome'], payload: string): void {
    const running = instance.running;
    if (!running) return;
    instance.running = undefined;
    clearTimeout(running.timer);
    tokens.delete(running.token);
    instance.lastRecord = running.record;
    complete(running.record, running.job, outcome, payload, performance.now() - running.startedAt);

    const pool = instance.pool as Pool;
    // A thrown error leaves a CloudBase instance alive; a crash or timeout does not, nor does
    // an instance whose code has changed since it loaded.
    const keep = (outcome === 'ok' || outcome === 'error') && instance.state === 'busy' && !closed;
    if (keep && instance.version === pool.version) {
      instance.state = 'idle';
      if (idleTimeoutMs > 0) {
        instance.idleTimer = setTimeout(() => {
          kill(instance);
          removeFromPool(instance);
        }, idleTimeoutMs);
        instance.idleTimer.unref();
      }
    } else {
      kill(instance);
      removeFromPool(instance);
    }
    pump(pool);
    // Refill the spare only now: booting it alongside a cold start would slow that very start.
    ensureSpare();
  }

  function complete(
    record: InvocationRecord,
    job: Job,
    outcome: InvocationRecord['outcome'],
    payload: string,
    durationMs: number,
  ): void {
    record.durationMs = Math.round(durationMs * 100) / 100;
    record.outcome = outcome;
    let result: InvokeOutcome;
    if (outcome === 'ok') {
      result = { ok: true, result: JSON.parse(payload) as unknown, resultJson: payload, requestId: job.requestId };
    } else {
      record.errMsg = payload;
      const { errCode } = outcome === 'timeout' ? FUNCTION_ERRORS.timeout : FUNCTION_ERRORS.executeFail;
      result = { ok: false, errCode, errMsg: payload, requestId: job.requestId };
    }
    remember(record);
    job.resolve(result);
  }

  function remember(record: InvocationRecord): void {
    records.push(record);
    if (records.length > historySize) records.splice(0, records.length - historySize);
    try {
      options.onRecord?.(record);
    } catch {
      // A listener's bug must not break invocations.
    }
  }

  /** Stamps of index.js and config.json: any change means new code to load. */
  function versionOf(dir: string): string | undefined {
    const code = statSync(join(dir, 'index.js'), { throwIfNoEntry: false });
    if (!code?.isFile()) return undefined;
    const config = statSync(join(dir, 'config.json'), { throwIfNoEntry: false });
    return `${code.mtimeMs}:${code.size}:${config?.mtimeMs ?? 0}:${config?.size ?? 0}`;
  }

  /** The pool for `name`, reloaded if its files changed; undefined when there is no such function. */
  function poolFor(name: string): Pool | undefined {
    if (!FUNCTION_NAME.test(name)) return undefined;
    const dir = join(functionsDir, name);
    const version = versionOf(dir);
    if (version === undefined) return undefined;
    let pool = pools.get(name);
    if (pool && pool.version === version) return pool;
    const config = readFunctionConfig(join(dir, 'config.json'));
    if (!pool) {
      pool = { name, dir, file: join(dir, 'index.js'), version, config, instances: [], queue: [] };
      pools.set(name, pool);
      return pool;
    }
    pool.version = version;
    pool.config = config;
    for (const instance of [...pool.instances]) {
      // Busy instances finish their run on the old code and are retired in finish().
      if (instance.state !== 'busy') {
        kill(instance);
        removeFromPool(instance);
      }
    }
    return pool;
  }

  function rejected(job: Job, errCode: number, errMsg: string): InvokeOutcome {
    const record = newRecord(job, false);
    record.outcome = 'error';
    record.errMsg = errMsg;
    remember(record);
    return { ok: false, errCode, errMsg, requestId: job.requestId };
  }

  ensureSpare();

  return {
    list() {
      if (!existsSync(functionsDir)) return [];
      return readdirSync(functionsDir, { withFileTypes: true })
        .filter((entry) => entry.isDirectory() && FUNCTION_NAME.test(entry.name))
        .filter((entry) => statSync(join(functionsDir, entry.name, 'index.js'), { throwIfNoEntry: false })?.isFile())
        .map((entry) => entry.name)
        .sort();
    },

    config(name) {
      const pool = poolFor(name);
      if (!pool) throw new Error(`no cloud function named "${name}" in ${functionsDir}`);
      return pool.config;
    },

    invoke(name, event, identity = {}, invokeOptions = {}) {
      return new Promise<InvokeOutcome>((settle) => {
        const job: Job = {
          name,
          requestId: invokeOptions.requestId ?? randomUUID(),
          event,
          identity,
          options: invokeOptions,
          resolve: settle,
        };
        if (closed) {
          settle(rejected(job, FUNCTION_ERRORS.executeFail.errCode, 'the local cloud is shutting down'));
          return;
        }
        let pool: Pool | undefined;
        try {
          pool = poolFor(name);
        } catch (error) {
          settle(rejected(job, FUNCTION_ERRORS.executeFail.errCode, (error as Error).message));
          return;
        }
        if (!pool) {
          let errMsg = 'FunctionName parameter could not be found.';
          // A source folder without its build is the usual local mistake: say so.
          if (FUNCTION_NAME.test(name) && existsSync(join(functionsDir, name))) {
            errMsg += ` (${join(functionsDir, name)} has no built index.js: run npm run build)`;
          }
          settle(rejected(job, FUNCTION_ERRORS.notFound.errCode, errMsg));
          return;
        }
        pool.queue.push(job);
        pump(pool);
      });
    },

    callerOf(apiToken) {
      return tokens.get(apiToken);
    },

    recent(limit = historySize) {
      return records.slice(-limit).reverse();
    },

    instances(name) {
      const pool = pools.get(name);
      const counts: InstanceCounts = { starting: 0, busy: 0, idle: 0, queued: pool?.queue.length ?? 0 };
      for (const instance of pool?.instances ?? []) {
        if (instance.state === 'loading') counts.starting += 1;
        else if (instance.state === 'busy') counts.busy += 1;
        else if (instance.state === 'idle') counts.idle += 1;
      }
      return counts;
    },

    async close() {
      if (closed) return;
      closed = true;
      for (const pool of pools.values()) {
        for (const job of pool.queue.splice(0)) {
          job.resolve(rejected(job, FUNCTION_ERRORS.executeFail.errCode, 'the local cloud is shutting down'));
        }
      }
      const all = [...everyInstance];
      for (const instance of all) {
        if (instance.running) finish(instance, 'crash', 'the local cloud is shutting down');
        kill(instance);
      }
      await Promise.all(all.map((instance) => instance.exited));
    },
  };
}

/**
 * The `functions.invokeFunction` answer node-sdk parses: `data.response_data` is the function's
 * JSON text; a failure carries a TCB code that wx-server-sdk turns into errCode (-504002 for
 * FUNCTIONS_EXECUTE_FAIL) with the message callers of CloudBase see.
 */
export function invokeFunctionResponse(
  outcome: InvokeOutcome,
): { requestId: string; data: { response_data: string } } | { requestId: string; code: string; message: string } {
  if (outcome.ok) return { requestId: outcome.requestId, data: { response_data: outcome.resultJson } };
  if (outcome.errCode === FUNCTION_ERRORS.notFound.errCode) {
    return {
      requestId: outcome.requestId,
      code: 'FUNCTIONS_REQUEST_FAIL',
      message: `errCode: ${outcome.errCode}  | errMsg: ${outcome.errMsg}`,
    };
  }
  const label =
    outcome.errCode === FUNCTION_ERRORS.timeout.errCode
      ? FUNCTION_ERRORS.timeout.label
      : FUNCTION_ERRORS.executeFail.label;
  return {
    requestId: outcome.requestId,
    code: 'FUNCTIONS_EXECUTE_FAIL',
    message: `errCode: ${outcome.errCode} ${label} | errMsg: ${outcome.errMsg}`,
  };
}
