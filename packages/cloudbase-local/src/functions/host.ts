/**
 * The function host: hands invocations to instances. Concurrent calls start more instances up to
 * `maxInstances`, then wait in their function's queue; one spare worker can be kept booted with
 * wx-server-sdk loaded so a cold start only loads the function's own code.
 */
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { baseEnvironment, invocationEnv, mainContext, newApiToken } from './context';
import type { WorkerMessage } from './ipc';
import { describeExit, Instance, type InstanceEvents, type Job } from './instance';
import { Pools, removeFromPool, type Pool } from './pool';
import { conclude, FUNCTION_ERRORS, InvocationHistory, newRecord } from './records';
import type { CallerContext, FunctionHost, FunctionHostOptions, InvocationRecord, InvokeOutcome } from './types';

/** Loading code is not billed time in CloudBase, but a module that never finishes loading must not hang callers. */
const LOAD_TIMEOUT_MS = 30_000;

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

/**
 * Serves cloud functions from `functionsDir` the way CloudBase runs them: each instance is a
 * separate Node process serving one invocation at a time and staying warm between invocations.
 */
export function createFunctionHost(options: FunctionHostOptions): FunctionHost {
  const functionsDir = resolve(options.functionsDir);
  const maxInstances = Math.max(1, options.maxInstances ?? 4);
  const idleTimeoutMs = options.idleTimeoutMs ?? 10 * 60_000;
  const prewarm = options.prewarm ?? true;
  const env = baseEnvironment(options.envId, options.serviceUrl, options.env);
  const preload = sdkPath(functionsDir);
  const pools = new Pools(functionsDir);
  const history = new InvocationHistory(Math.max(1, options.historySize ?? 200), options.onRecord);
  /** Running invocations by their WX_API_TOKEN, for callerOf(). */
  const tokens = new Map<string, CallerContext>();
  const everyInstance = new Set<Instance>();
  let spare: Instance | undefined;
  let closed = false;

  const events: InstanceEvents = { message: onMessage, exit: onExit };

  function forkInstance(withPreload: boolean): Instance {
    const instance = new Instance({ cwd: functionsDir, env, ...(withPreload && preload ? { preload } : {}) }, events);
    everyInstance.add(instance);
    return instance;
  }

  function ensureSpare(): void {
    if (!prewarm || closed || spare) return;
    spare = forkInstance(true);
  }

  function retire(instance: Instance): void {
    instance.kill();
    removeFromPool(instance);
  }

  function onMessage(instance: Instance, message: WorkerMessage): void {
    switch (message.t) {
      case 'log':
        instance.log({ level: message.level, at: new Date(message.at), text: message.text }, message.id || undefined);
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
        else instance.log({ level: 'error', at: new Date(), text: message.message });
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
    retire(instance);
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

  function startInstance(pool: Pool): void {
    let instance = spare;
    if (instance && instance.state === 'booting' && instance.connected) {
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
    const env = { ...options.envFor?.(pool.name), SCF_FUNCTIONNAME: pool.name };
    if (!instance.send({ t: 'load', file: pool.file, dir: pool.dir, env })) {
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
    const token = newApiToken();
    const invocation = invocationEnv(job.identity, job.options, token);
    const timeoutMs = pool.config.timeout * 1000;
    const timer = setTimeout(() => {
      if (instance.running?.record.id !== job.requestId) return;
      finish(instance, 'timeout', `Invoking task timed out after ${pool.config.timeout} seconds`);
    }, timeoutMs);
    instance.running = { job, record, token, timer, startedAt: performance.now() };
    tokens.set(token, { name: pool.name, requestId: job.requestId, identity: job.identity, config: pool.config });
    const sent = instance.send({
      t: 'invoke',
      id: job.requestId,
      ...(job.eventJson === undefined ? {} : { event: job.eventJson }),
      context: mainContext(options.envId, pool.name, job.requestId, invocation, timeoutMs),
      env: invocation,
    });
    if (!sent) finish(instance, 'crash', 'Function instance is not reachable');
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
        instance.idleTimer = setTimeout(() => retire(instance), idleTimeoutMs);
        instance.idleTimer.unref();
      }
    } else {
      retire(instance);
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
    const result = conclude(record, outcome, payload, durationMs);
    history.remember(record);
    job.resolve(result);
  }

  function rejected(job: Job, errCode: number, errMsg: string): InvokeOutcome {
    const record = newRecord(job, false);
    record.outcome = 'error';
    record.errMsg = errMsg;
    history.remember(record);
    return { ok: false, errCode, errMsg, requestId: job.requestId };
  }

  ensureSpare();

  return {
    list: () => pools.names(),

    config(name) {
      const pool = pools.poolFor(name);
      if (!pool) throw new Error(`no cloud function named "${name}" in ${functionsDir}`);
      return pool.config;
    },

    invoke(name, event, identity = {}, invokeOptions = {}) {
      return new Promise<InvokeOutcome>((settle) => {
        const job: Job = {
          name,
          requestId: invokeOptions.requestId ?? randomUUID(),
          eventJson: undefined,
          identity,
          options: invokeOptions,
          resolve: settle,
        };
        // Serialised here, not by the IPC channel: an event the channel cannot carry (nested too
        // deep for JSON.stringify's stack, circular, a BigInt) is the caller's error, and no worker
        // is touched by it.
        try {
          job.eventJson = JSON.stringify(event);
        } catch (error) {
          const message = `the event cannot be passed to the function as JSON: ${(error as Error).message}`;
          settle(rejected(job, FUNCTION_ERRORS.invalidParam.errCode, message));
          return;
        }
        if (closed) {
          settle(rejected(job, FUNCTION_ERRORS.executeFail.errCode, 'the local cloud is shutting down'));
          return;
        }
        let pool: Pool | undefined;
        try {
          pool = pools.poolFor(name);
        } catch (error) {
          settle(rejected(job, FUNCTION_ERRORS.executeFail.errCode, (error as Error).message));
          return;
        }
        if (!pool) {
          settle(rejected(job, FUNCTION_ERRORS.notFound.errCode, pools.notFoundMessage(name)));
          return;
        }
        pool.queue.push(job);
        pump(pool);
      });
    },

    callerOf: (apiToken) => tokens.get(apiToken),

    recent: (limit, filter) => history.recent(limit, filter),

    record: (id) => history.find(id),

    onInvocation: (listener) => history.subscribe(listener),

    instances: (name) => pools.counts(name),

    async close() {
      if (closed) return;
      closed = true;
      for (const pool of pools.all()) {
        for (const job of pool.queue.splice(0)) {
          job.resolve(rejected(job, FUNCTION_ERRORS.executeFail.errCode, 'the local cloud is shutting down'));
        }
      }
      const all = [...everyInstance];
      for (const instance of all) {
        if (instance.running) finish(instance, 'crash', 'the local cloud is shutting down');
        instance.kill();
      }
      await Promise.all(all.map((instance) => instance.exited));
    },
  };
}
