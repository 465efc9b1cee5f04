/**
 * The function host: hands invocations to instances. Concurrent calls start more worker processes
 * up to `maxInstances`; beyond that they share the workers, up to the function's concurrency quota
 * (CloudBase's, 1000 by default), past which a call is refused as CloudBase blocks it. One spare
 * worker can be kept booted with wx-server-sdk loaded so a cold start only loads the function's code.
 */
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { baseEnvironment, invocationEnv, mainContext, newApiToken } from './context';
import type { WorkerMessage } from './ipc';
import { describeExit, Instance, type InstanceEvents, type Job } from './instance';
import { joinPool, poolOf, Pools, removeFromPool, type Pool } from './pool';
import { conclude, FUNCTION_ERRORS, InvocationHistory, newRecord } from './records';
import type { CallerContext, FunctionHost, FunctionHostOptions, InvocationRecord, InvokeOutcome } from './types';

/** Loading code is not billed time in CloudBase, but a module that never finishes loading must not hang callers. */
const LOAD_TIMEOUT_MS = 30_000;
/** CloudBase's default concurrency quota of one function. */
const DEFAULT_CONCURRENCY = 1000;

/** The wx-server-sdk the functions folder resolves, for spares to preload (none: spares preload nothing). */
function sdkPath(functionsDir: string): string | undefined {
  // createRequire: the mini-program typings replace the global `require` type with WeChat's.
  try {
    return createRequire(__filename).resolve('wx-server-sdk', { paths: [functionsDir] });
  } catch {
    return undefined;
  }
}

export function createFunctionHost(options: FunctionHostOptions): FunctionHost {
  const functionsDir = resolve(options.functionsDir);
  const maxInstances = Math.max(1, options.maxInstances ?? 4);
  const concurrency = Math.max(1, options.concurrency ?? DEFAULT_CONCURRENCY);
  const idleTimeoutMs = options.idleTimeoutMs ?? 10 * 60_000;
  const prewarm = options.prewarm ?? true;
  const env = baseEnvironment(options.envId, options.serviceUrl, options.env);
  const preload = sdkPath(functionsDir);
  const pools = new Pools(functionsDir, options.settingsFor);
  const history = new InvocationHistory(Math.max(1, options.historySize ?? 200), options.onRecord);
  /** Running invocations by their WX_API_TOKEN, for callerOf(). */
  const tokens = new Map<string, CallerContext>();
  const everyInstance = new Set<Instance>();
  let peakRss = 0;
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

  function noteMemory(instance: Instance, rss: number): void {
    instance.rss = rss;
    let total = 0;
    for (const each of everyInstance) total += each.rss;
    peakRss = Math.max(peakRss, total);
  }

  function onMessage(instance: Instance, message: WorkerMessage): void {
    switch (message.t) {
      case 'log':
        instance.log({ level: message.level, at: new Date(message.at), text: message.text }, message.id || undefined);
        return;
      case 'done':
        noteMemory(instance, message.rss);
        if (message.ok) finish(instance, message.id, 'ok', message.json);
        else finish(instance, message.id, 'error', message.message);
        return;
      case 'fatal':
        if (message.id && instance.running.has(message.id)) {
          // The worker lives on for the others it serves, but takes no more work.
          instance.draining = true;
          finish(instance, message.id, 'crash', message.message);
        } else if (message.id) {
          instance.draining = true;
          instance.log({ level: 'error', at: new Date(), text: message.message }, message.id);
        } else {
          instance.fatal = message.message;
          instance.log({ level: 'error', at: new Date(), text: message.message });
        }
        return;
      case 'loaded': {
        const pool = poolOf(instance);
        if (instance.state !== 'loading' || !pool) return;
        clearTimeout(instance.loadTimer);
        noteMemory(instance, message.rss);
        instance.initMs = performance.now() - instance.loadStartedAt;
        instance.state = 'ready';
        pump(pool);
        return;
      }
      case 'load-failed':
        loadFailed(instance, message.message);
        return;
    }
  }

  function loadFailed(instance: Instance, message: string): void {
    const pool = poolOf(instance);
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
    instance.rss = 0;
    everyInstance.delete(instance);
    clearTimeout(instance.idleTimer);
    clearTimeout(instance.loadTimer);
    if (spare === instance) spare = undefined;
    const reason = instance.fatal ?? `Function instance exited unexpectedly (${describeExit(code, signal)})`;
    for (const id of [...instance.running.keys()]) finish(instance, id, 'crash', reason);
    if (wasLoading && !instance.retired) {
      loadFailed(instance, instance.fatal ?? `Function instance exited while loading (${describeExit(code, signal)})`);
      return;
    }
    const pool = poolOf(instance);
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
    joinPool(instance, pool);
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
    if (!instance.send({ t: 'load', file: pool.file, dir: pool.dir, handler: pool.entry, env })) {
      loadFailed(instance, 'Function instance could not be started');
    }
  }

  /**
   * Hands queued jobs to idle instances and starts instances for the rest up to the cap; a job
   * that no starting instance is meant for, or any job once maxInstances are running, goes to the
   * least busy loaded instance.
   */
  function pump(pool: Pool): void {
    if (closed) return;
    while (pool.queue.length > 0) {
      const idle = pool.instances.find((instance) => instance.idle);
      if (idle) {
        run(idle, pool.queue.shift() as Job);
        continue;
      }
      const live = pool.instances.filter((instance) => !instance.draining);
      const starting = live.filter((instance) => instance.state === 'loading').length;
      if (live.length < maxInstances && starting < pool.queue.length) {
        startInstance(pool);
        continue;
      }
      // While fewer than maxInstances run, a job waits for an instance of its own (a cold start), as
      // on CloudBase; past that, waiting for one would only queue it behind others' cold starts.
      const runningNow = live.reduce((sum, instance) => sum + instance.running.size, 0);
      if (runningNow < maxInstances && starting >= pool.queue.length) return;
      const ready = live.filter((instance) => instance.state === 'ready');
      if (ready.length === 0) return;
      const leastBusy = ready.reduce((a, b) => (b.running.size < a.running.size ? b : a));
      run(leastBusy, pool.queue.shift() as Job);
    }
  }

  function run(instance: Instance, job: Job): void {
    const pool = poolOf(instance) as Pool;
    clearTimeout(instance.idleTimer);
    const coldStart = instance.runs === 0;
    instance.runs += 1;
    const record = newRecord(job, coldStart);
    if (coldStart) {
      if (instance.initMs !== undefined) record.initMs = Math.round(instance.initMs);
      record.logs.push(...instance.loadLogs);
      instance.loadLogs = [];
    }
    const token = newApiToken();
    const invocation = invocationEnv(job.identity, job.options, token);
    const timeoutMs = pool.config.timeout * 1000;
    const timer = setTimeout(
      () => finish(instance, job.requestId, 'timeout', `Invoking task timed out after ${pool.config.timeout} seconds`),
      timeoutMs,
    );
    instance.running.set(job.requestId, { job, record, token, timer, startedAt: performance.now() });
    tokens.set(token, { name: pool.name, requestId: job.requestId, identity: job.identity, config: pool.config });
    const sent = instance.send({
      t: 'invoke',
      id: job.requestId,
      ...(job.eventJson === undefined ? {} : { event: job.eventJson }),
      context: mainContext(options.envId, pool.name, job.requestId, invocation, timeoutMs),
      env: invocation,
    });
    if (!sent) finish(instance, job.requestId, 'crash', 'Function instance is not reachable');
  }

  function finish(instance: Instance, id: string, outcome: InvocationRecord['outcome'], payload: string): void {
    const running = instance.release(id);
    if (!running) return;
    clearTimeout(running.timer);
    tokens.delete(running.token);
    complete(running.record, running.job, outcome, payload, performance.now() - running.startedAt);

    const pool = poolOf(instance) as Pool;
    // A thrown error leaves a CloudBase instance alive; a crash or timeout does not, nor does an
    // instance whose code changed since it loaded. One still serving others ends when they are done.
    if (outcome === 'timeout' || outcome === 'crash' || instance.version !== pool.version || closed) {
      instance.draining = true;
    }
    if (instance.draining) {
      if (instance.running.size === 0) retire(instance);
    } else if (instance.running.size === 0 && idleTimeoutMs > 0) {
      instance.idleTimer = setTimeout(() => retire(instance), idleTimeoutMs);
      instance.idleTimer.unref();
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

  /** Invocations of a pool running or waiting for a worker. */
  const active = (pool: Pool): number =>
    pool.queue.length + pool.instances.reduce((sum, instance) => sum + instance.running.size, 0);

  /** Why `job` cannot run in `pool` now, as the errCode and errMsg CloudBase answers; undefined when it can. */
  function refusal(job: Job, pool: Pool): [number, string] | undefined {
    if (active(pool) < concurrency) return undefined;
    return [
      FUNCTION_ERRORS.concurrencyLimit.errCode,
      `${job.name} is running ${concurrency} invocations, its concurrency quota: this one was not run`,
    ];
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
        const refused = refusal(job, pool);
        if (refused) {
          settle(rejected(job, ...refused));
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

    memory() {
      let rssBytes = 0;
      for (const instance of everyInstance) rssBytes += instance.rss;
      return { processes: everyInstance.size, rssBytes, peakRssBytes: Math.max(peakRss, rssBytes) };
    },

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
        for (const id of [...instance.running.keys()])
          finish(instance, id, 'crash', 'the local cloud is shutting down');
        instance.kill();
      }
      await Promise.all(all.map((instance) => instance.exited));
    },
  };
}
