/**
 * The local cloud: a CloudBase emulator for any project. It knows nothing of the app it serves:
 * the functions folder, the collections file, the functions' environment and where data lives all
 * reach it as options. `startLocalCloud()` starts every service and the server that routes to them.
 */
import * as path from 'node:path';
import { startDatabase } from './database';
import type { DocumentStore } from './database/store/types';
import { callerOf, createFunctionsService } from './functions';
import type { FunctionHost, InvocationRecord } from './functions/types';
import { ADD_DELAYED_TASK, createDelayedService, type DelayedTasks } from './delayed';
import { createHttpAccessService, normalizeRoutes, type HttpRoute } from './http-access';
import { createInspector } from './inspector';
import { acquireDataDirLock, type DataDirLock } from './lock';
import { createOpenApiService } from './openapi';
import type { LocalCloudOptions } from './options';
import { withProject } from './project/options';
import { createRealtimeService, type RealtimeService } from './realtime';
import { CloudServer } from './server';
import { ServiceRegistry, type RouteHandler, type UpgradeHandler } from './service';
import { createStorageService } from './storage';
import type { LocalStorage } from './storage/types';
import { createTimersService, type Scheduler } from './timers';
import { createWechatService, type Outbox, type WechatOptions, type WechatServer } from './wechat';

export type { RouteHandler, UpgradeHandler } from './service';
export type { HttpRoute } from './http-access';
export type { Delivery, MessageMode, WechatOptions } from './wechat';
export type { LocalCloudOptions } from './options';

export interface LocalCloud {
  /** http://host:port */
  readonly url: string;
  /** The SDK's serviceUrl: http://host:port/admin */
  readonly adminUrl: string;
  readonly port: number;
  readonly store: DocumentStore;
  readonly functions: FunctionHost;
  /** Every call to the local WeChat server (open APIs and `/wxapi/`), with failure injection. */
  readonly outbox: Outbox;
  /** The local WeChat server: apps, people and follower state, the word list. */
  readonly wechat: WechatServer;
  /** The folder the functions are served from. */
  readonly functionsDir: string;
  /** The HTTP access routes served at `/http<path>`. */
  readonly httpRoutes: readonly HttpRoute[];
  /** Timer triggers: listed, fired on demand, and on schedule when `schedule` is on. */
  readonly timers: Scheduler;
  /** Deferred invocations (`cloudbase.addDelayedFunctionTask`): pending, run on their second or early. */
  readonly delayed: DelayedTasks;
  /** Cloud storage: files under `<dataDir>/storage`, or a temporary folder when in memory. */
  readonly storage: LocalStorage;
  /** Realtime push: watch() over the WebSocket at /realtime; its figures, and dropping connections. */
  readonly realtime: Pick<RealtimeService, 'stats' | 'disconnect'>;
  /** Routes WebSocket upgrades on `pathname` for what the host adds (the services' own, /realtime, come first). */
  registerUpgrade(pathname: string, handler: UpgradeHandler): void;
  /** Serves requests no service route takes (the browser preview at `/`); answer true when handled. */
  registerRoute(handler: RouteHandler): void;
  /** Stops listening, stops functions, exports if asked, closes the store, releases the lock. Idempotent. */
  close(): Promise<void>;
}

export const DEFAULT_PORT = 9000;
const DEFAULT_BODY_LIMIT = 5 * 1024 * 1024;

function wechatOptions(options: LocalCloudOptions): WechatOptions {
  const wechat = options.wechat ?? {};
  if (wechat.words || !options.blocklist) return wechat;
  return { ...wechat, words: { risky: [...options.blocklist] } };
}

export async function startLocalCloud(given: LocalCloudOptions = {}): Promise<LocalCloud> {
  const log = given.quiet ? (): void => undefined : (given.log ?? ((line: string) => console.log(line)));
  const options = await withProject(given, log);
  const host = options.host ?? '127.0.0.1';
  const bodyLimit = options.bodyLimitBytes ?? DEFAULT_BODY_LIMIT;
  const envId = options.envId ?? 'local';
  const dataDir = options.dataDir && !options.databaseUrl ? path.resolve(options.dataDir) : undefined;
  const exportDir = options.exportOnCloseDir ? path.resolve(options.exportOnCloseDir) : undefined;

  const functionsDir = path.resolve(options.functionsDir ?? 'cloudfunctions');
  // A bad route is the caller's mistake: refuse it before anything starts.
  const httpRoutes = normalizeRoutes(options.httpRoutes ?? []);
  // The lock comes first: a second local cloud must stop before it touches the database files.
  const lock: DataDirLock | undefined = dataDir ? acquireDataDirLock(dataDir) : undefined;
  const services = new ServiceRegistry();
  const server = new CloudServer(services, bodyLimit);
  try {
    const database = services.add(
      await startDatabase({
        ...(dataDir && lock ? { dataDir, lock } : {}),
        ...(options.databaseUrl ? { databaseUrl: options.databaseUrl } : {}),
        ...(options.databaseSchema ? { schema: options.databaseSchema } : {}),
        configDir: options.databaseDir ?? 'database',
        maxLimit: options.maxLimit ?? 1000,
        log,
      }),
    );
    const port = await server.listen(options.port ?? DEFAULT_PORT, host);
    const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
    lock?.setUrl(url);
    const realtime = services.add(
      createRealtimeService({ store: database.store, rules: database.rules, envId, publicUrl: url }),
    );
    const functions = services.add(
      createFunctionsService({
        functionsDir,
        serviceUrl: `${url}/admin`,
        envId,
        bodyLimit,
        ...(options.functionEnv
          ? { env: typeof options.functionEnv === 'function' ? options.functionEnv(url) : options.functionEnv }
          : {}),
        ...(options.functionEnvFor ? { envFor: (name: string) => options.functionEnvFor?.(name, url) ?? {} } : {}),
        ...(options.functionSettings ? { settingsFor: options.functionSettings } : {}),
        ...(options.functionsPrewarm === false ? { prewarm: false } : {}),
        ...(options.functionWorkers ? { maxInstances: options.functionWorkers } : {}),
        ...(options.functionConcurrency ? { concurrency: options.functionConcurrency } : {}),
        onRecord: (record: InvocationRecord) => {
          const status = record.outcome === 'ok' ? 'ok' : `${record.outcome}: ${record.errMsg ?? ''}`;
          log(`[fn] ${record.name} ${record.durationMs} ms${record.coldStart ? ' (cold)' : ''} ${status}`);
        },
      }),
    );
    const storage = services.add(
      createStorageService({
        envId,
        publicUrl: url,
        ...(dataDir ? { dir: path.join(dataDir, 'storage') } : {}),
        ...(options.uploadLimitBytes === undefined ? {} : { uploadLimitBytes: options.uploadLimitBytes }),
        callerOf: (params) => {
          const caller = callerOf(functions.host, params);
          return (
            caller && { function: caller.name, ...(caller.identity.openid ? { openid: caller.identity.openid } : {}) }
          );
        },
      }),
    );
    const wechat = services.add(createWechatService({ publicUrl: url, ...wechatOptions(options), bodyLimit }));
    // Delayed tasks run on their own second whether or not timers are scheduled.
    const delayed = services.add(
      createDelayedService({ functions: functions.host, envId, log, ...(dataDir ? { dataDir } : {}) }),
    );
    const outbox = wechat.server.outbox;
    services.add(
      createOpenApiService({
        answer: (apiName, payload) =>
          apiName === ADD_DELAYED_TASK
            ? outbox.handle(apiName, 'openapi', payload, () => delayed.tasks.add(payload))
            : wechat.server.openApi(apiName, payload),
        callerOf: (params) => callerOf(functions.host, params),
      }),
    );
    services.add(createHttpAccessService({ functions: functions.host, routes: httpRoutes, envId, bodyLimit }));
    const timers = services.add(
      createTimersService({ functions: functions.host, schedule: options.schedule === true, log }),
    );
    services.add(createInspector(services, bodyLimit));
    if (options.importDir) await services.importAll(path.resolve(options.importDir), options.importDir, log);
    server.serve();
    services.start();

    let closing: Promise<void> | undefined;
    const shutdown = async (): Promise<void> => {
      services.quiesce();
      await server.close();
      try {
        await services.stop();
        if (exportDir) await services.exportAll(exportDir, log);
      } finally {
        try {
          await services.close();
        } finally {
          lock?.release();
        }
      }
    };
    return {
      url,
      adminUrl: `${url}/admin`,
      port,
      store: database.store,
      functions: functions.host,
      outbox: wechat.server.outbox,
      wechat: wechat.server,
      functionsDir,
      httpRoutes,
      timers: timers.scheduler,
      delayed: delayed.tasks,
      storage: storage.storage,
      realtime,
      registerUpgrade: (pathname, handler) => server.registerUpgrade(pathname, handler),
      registerRoute: (handler) => server.registerRoute(handler),
      close: () => (closing ??= shutdown()),
    };
  } catch (error) {
    await server.close().catch(() => undefined);
    services.quiesce();
    await services.stop().catch(() => undefined);
    await services.close().catch(() => undefined);
    lock?.release();
    throw error;
  }
}
