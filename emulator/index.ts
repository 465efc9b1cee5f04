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
import { createInspector } from './inspector';
import { acquireDataDirLock, type DataDirLock } from './lock';
import { createOpenApiService, type Outbox } from './openapi';
import { CloudServer } from './server';
import { ServiceRegistry, type RouteHandler, type UpgradeHandler } from './service';
import { createStorageService } from './storage';
import type { LocalStorage } from './storage/types';
import { createTimersService, type Scheduler } from './timers';

export type { RouteHandler, UpgradeHandler } from './service';

export interface LocalCloudOptions {
  /** Default 9000; 0 picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Folder for the embedded database (PGlite), storage and the lock file; undefined keeps everything in memory. */
  dataDir?: string;
  /** postgres://... to use a real PostgreSQL server instead of PGlite. */
  databaseUrl?: string;
  /** Postgres schema for the store's tables (lets tests share one real server). */
  databaseSchema?: string;
  /** Folder of cloud functions (one folder each with a built index.js); default ./cloudfunctions. */
  functionsDir?: string;
  /** Extra environment variables for every function. */
  functionEnv?: Record<string, string>;
  /** Keep one spare worker booted with wx-server-sdk loaded, so cold starts are short; default true. */
  functionsPrewarm?: boolean;
  /** The env id functions see as TCB_ENV; default 'local'. */
  envId?: string;
  /** Most documents one get() returns; default 1000 (CloudBase's cloud-function limit). */
  maxLimit?: number;
  /** Largest request body accepted; default 5 MB. */
  bodyLimitBytes?: number;
  /** Folder of `<collection>.jsonl` files loaded into the store before serving (replaces those collections). */
  importDir?: string;
  /** Folder the whole database is exported to on close(), after requests stop and before the store closes. */
  exportOnCloseDir?: string;
  /**
   * Folder with collections.json (collections, indexes, rules) applied at start, as they are
   * created in the CloudBase console; default ./database. `false` applies nothing.
   */
  databaseDir?: string | false;
  /** Words security.msgSecCheck treats as risky. */
  blocklist?: readonly string[];
  /**
   * Fire functions' timer triggers (config.json `triggers`) on their cron schedule; default false,
   * so tests decide when a timer runs (`timers.fire`). The CLI turns it on.
   */
  schedule?: boolean;
  /** No console output (tests). */
  quiet?: boolean;
  /** Where log lines go when not quiet; default console.log. */
  log?: (line: string) => void;
}

export interface LocalCloud {
  /** http://host:port */
  readonly url: string;
  /** The SDK's serviceUrl: http://host:port/admin */
  readonly adminUrl: string;
  readonly port: number;
  readonly store: DocumentStore;
  readonly functions: FunctionHost;
  readonly outbox: Outbox;
  /** Timer triggers: listed, fired on demand, and on schedule when `schedule` is on. */
  readonly timers: Scheduler;
  /** Cloud storage: files under `<dataDir>/storage`, or a temporary folder when in memory. */
  readonly storage: LocalStorage;
  /** Routes WebSocket upgrades on `pathname` (e.g. /ws for watch()). */
  registerUpgrade(pathname: string, handler: UpgradeHandler): void;
  /** Serves requests no service route takes (the browser preview at `/`); answer true when handled. */
  registerRoute(handler: RouteHandler): void;
  /** Stops listening, stops functions, exports if asked, closes the store, releases the lock. Idempotent. */
  close(): Promise<void>;
}

export const DEFAULT_PORT = 9000;
const DEFAULT_BODY_LIMIT = 5 * 1024 * 1024;

export async function startLocalCloud(options: LocalCloudOptions = {}): Promise<LocalCloud> {
  const host = options.host ?? '127.0.0.1';
  const bodyLimit = options.bodyLimitBytes ?? DEFAULT_BODY_LIMIT;
  const envId = options.envId ?? 'local';
  const log = options.quiet ? (): void => undefined : (options.log ?? ((line: string) => console.log(line)));
  const dataDir = options.dataDir && !options.databaseUrl ? path.resolve(options.dataDir) : undefined;
  const exportDir = options.exportOnCloseDir ? path.resolve(options.exportOnCloseDir) : undefined;

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
    const functions = services.add(
      createFunctionsService({
        functionsDir: path.resolve(options.functionsDir ?? 'cloudfunctions'),
        serviceUrl: `${url}/admin`,
        envId,
        bodyLimit,
        ...(options.functionEnv ? { env: options.functionEnv } : {}),
        ...(options.functionsPrewarm === false ? { prewarm: false } : {}),
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
        callerOf: (params) => {
          const caller = callerOf(functions.host, params);
          return (
            caller && { function: caller.name, ...(caller.identity.openid ? { openid: caller.identity.openid } : {}) }
          );
        },
      }),
    );
    const openapi = services.add(
      createOpenApiService({
        ...(options.blocklist ? { blocklist: options.blocklist } : {}),
        callerOf: (params) => callerOf(functions.host, params),
      }),
    );
    const timers = services.add(
      createTimersService({ functions: functions.host, schedule: options.schedule === true, log }),
    );
    services.add(createInspector(services, bodyLimit));
    if (options.importDir) await services.importAll(path.resolve(options.importDir), options.importDir, log);
    server.serve();

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
      outbox: openapi.outbox,
      timers: timers.scheduler,
      storage: storage.storage,
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
