/**
 * The local cloud's HTTP server (node:http, no framework):
 *   GET  /healthz              200 {ok:true} once the store and functions are ready
 *   POST /admin?env=...        the CloudBase admin protocol wx-server-sdk speaks
 *   POST /functions/<name>     wx.cloud.callFunction for browsers and tests (identity in x-wx-* headers)
 *   GET  /_/                   the inspector page; its JSON API under /_/api/
 *   POST /_/api/triggers/<fn>/<trigger>  fires a timer trigger now (see web/api.ts)
 *   upgrade /ws                reserved for client watch() (registerUpgrade)
 */
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { Duplex } from 'node:stream';
import * as path from 'node:path';
import { openStore } from './database/store';
import type { DocumentStore } from './database/store/types';
import { createFunctionHost, FUNCTION_ERRORS } from './functions';
import { FUNCTION_NAME } from './functions/config';
import type { CallerIdentity, FunctionHost, InvocationRecord } from './functions/types';
import { applyDatabaseConfig, readDatabaseConfig } from './database/config';
import { exportToDir, importFromDir } from './database/jsonl';
import { acquireDataDirLock, type DataDirLock } from './lock';
import { Outbox } from './openapi/outbox';
import { handleAdmin } from './openapi/actions';
import {
  BodyTooLargeError,
  corsHeaders,
  formatBytes,
  parseJsonObject,
  parseMultipart,
  readBody,
  sendBytes,
  sendJson,
} from './wire/http';
import { createStorage, STORAGE_HTTP_PREFIX } from './storage';
import type { LocalStorage } from './storage/types';
import { createScheduler, type Scheduler } from './timers';
import { handleInspector } from './inspector/api';

export interface LocalCloudOptions {
  /** Default 9000; 0 picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Folder for the embedded database (PGlite) and the lock file; undefined keeps everything in memory. */
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
   * so tests decide when a timer runs (`timers.fire`). `npm start` turns it on.
   */
  schedule?: boolean;
  /** No console output (tests). */
  quiet?: boolean;
  /** Where log lines go when not quiet; default console.log. */
  log?: (line: string) => void;
}

export type UpgradeHandler = (req: http.IncomingMessage, socket: Duplex, head: Buffer) => void;
export type RouteHandler = (
  req: http.IncomingMessage,
  res: http.ServerResponse,
  url: URL,
) => Promise<boolean> | boolean;

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
  /** Serves requests no built-in route takes (the browser preview at `/`); answer true when handled. */
  registerRoute(handler: RouteHandler): void;
  /** Stops listening, stops functions, closes the store, releases the lock. Idempotent. */
  close(): Promise<void>;
}

export const DEFAULT_PORT = 9000;
const DEFAULT_BODY_LIMIT = 5 * 1024 * 1024;

/** errCode for a request /functions/<name> cannot read (wx-server-sdk's INVALID_PARAM). */
const INVALID_PARAM_ERRCODE = -501007;

/** HTTP status for the host's errCodes: -501000 not found, -504003 timed out, -504002 threw or crashed. */
function httpStatusFor(errCode: number): number {
  if (errCode === FUNCTION_ERRORS.notFound.errCode) return 404;
  if (errCode === FUNCTION_ERRORS.timeout.errCode) return 504;
  return 500;
}

function header(req: http.IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  const text = Array.isArray(value) ? value[0] : value;
  return text === undefined || text === '' ? undefined : text;
}

function identityFrom(req: http.IncomingMessage): CallerIdentity {
  const identity: CallerIdentity = {};
  const openid = header(req, 'x-wx-openid');
  const appid = header(req, 'x-wx-appid');
  const unionid = header(req, 'x-wx-unionid');
  if (openid) identity.openid = openid;
  if (appid) identity.appid = appid;
  if (unionid) identity.unionid = unionid;
  const ip = req.socket.remoteAddress;
  if (ip) identity.clientIp = ip.replace(/^::ffff:/, '');
  return identity;
}

function listen(server: http.Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      server.off('listening', onListening);
      if (error.code === 'EADDRINUSE') {
        reject(
          new Error(
            `Port ${port} on ${host} is already in use (another local cloud?). Set PORT or --port to another one.`,
          ),
        );
      } else reject(error);
    };
    const onListening = (): void => {
      server.off('error', onError);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}

export async function startLocalCloud(options: LocalCloudOptions = {}): Promise<LocalCloud> {
  const host = options.host ?? '127.0.0.1';
  const requestedPort = options.port ?? DEFAULT_PORT;
  const bodyLimit = options.bodyLimitBytes ?? DEFAULT_BODY_LIMIT;
  const maxLimit = options.maxLimit ?? 1000;
  const envId = options.envId ?? 'local';
  const log = options.quiet ? (): void => undefined : (options.log ?? ((line: string) => console.log(line)));
  const dataDir = options.dataDir && !options.databaseUrl ? path.resolve(options.dataDir) : undefined;

  // The lock comes first: a second local cloud must stop before it touches the database files.
  const lock: DataDirLock | undefined = dataDir ? acquireDataDirLock(dataDir) : undefined;
  let store: DocumentStore | undefined;
  let functions: FunctionHost | undefined;
  let storage: LocalStorage | undefined;
  const server = http.createServer();
  const sockets = new Set<Duplex>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  try {
    const opened = await openStore({
      ...(dataDir && lock ? { dataDir, lock } : {}),
      ...(options.databaseUrl ? { databaseUrl: options.databaseUrl } : {}),
      ...(options.databaseSchema ? { schema: options.databaseSchema } : {}),
    });
    store = opened;
    if (options.databaseDir !== false) {
      const created = await applyDatabaseConfig(
        opened,
        readDatabaseConfig(path.resolve(options.databaseDir ?? 'database')),
      );
      if (created.length) log(`created collections: ${created.join(', ')}`);
    }
    if (options.importDir) {
      const counts = await importFromDir(opened, path.resolve(options.importDir));
      const summary = Object.entries(counts).map(([name, n]) => `${name} ${n}`);
      log(`imported from ${options.importDir}: ${summary.join(', ') || 'no .jsonl files'}`);
    }
    const port = await listen(server, requestedPort, host);
    const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
    lock?.setUrl(url);
    storage = createStorage({ envId, publicUrl: url, ...(dataDir ? { dir: path.join(dataDir, 'storage') } : {}) });
    const functionsDir = path.resolve(options.functionsDir ?? 'cloudfunctions');
    functions = createFunctionHost({
      functionsDir,
      serviceUrl: `${url}/admin`,
      envId,
      ...(options.functionEnv ? { env: options.functionEnv } : {}),
      ...(options.functionsPrewarm === false ? { prewarm: false } : {}),
      onRecord: (record: InvocationRecord) => {
        const status = record.outcome === 'ok' ? 'ok' : `${record.outcome}: ${record.errMsg ?? ''}`;
        log(`[fn] ${record.name} ${record.durationMs} ms${record.coldStart ? ' (cold)' : ''} ${status}`);
      },
    });
    const timers = createScheduler({ functions, schedule: options.schedule === true, log });
    return new Server(server, sockets, {
      url,
      port,
      store: opened,
      functions,
      timers,
      outbox: new Outbox(options.blocklist ? { blocklist: options.blocklist } : {}),
      storage,
      bodyLimit,
      maxLimit,
      lock,
      log,
      ...(options.exportOnCloseDir ? { exportDir: path.resolve(options.exportOnCloseDir) } : {}),
    });
  } catch (error) {
    server.close();
    await functions?.close().catch(() => undefined);
    await storage?.close().catch(() => undefined);
    await store?.close().catch(() => undefined);
    lock?.release();
    throw error;
  }
}

interface ServerParts {
  url: string;
  port: number;
  store: DocumentStore;
  functions: FunctionHost;
  timers: Scheduler;
  outbox: Outbox;
  storage: LocalStorage;
  bodyLimit: number;
  maxLimit: number;
  lock: DataDirLock | undefined;
  log: (line: string) => void;
  exportDir?: string;
}

class Server implements LocalCloud {
  readonly url: string;
  readonly adminUrl: string;
  readonly port: number;
  readonly store: DocumentStore;
  readonly functions: FunctionHost;
  readonly outbox: Outbox;
  readonly timers: Scheduler;
  readonly storage: LocalStorage;
  private readonly upgrades = new Map<string, UpgradeHandler>();
  private readonly routes: RouteHandler[] = [];
  private closing: Promise<void> | undefined;
  private readonly pageHtml: string;
  private inflight = 0;
  private idleWaiters: Array<() => void> = [];

  constructor(
    private readonly http: http.Server,
    private readonly sockets: Set<Duplex>,
    private readonly parts: ServerParts,
  ) {
    this.url = parts.url;
    this.adminUrl = `${parts.url}/admin`;
    this.port = parts.port;
    this.store = parts.store;
    this.functions = parts.functions;
    this.outbox = parts.outbox;
    this.timers = parts.timers;
    this.storage = parts.storage;
    this.pageHtml = fs.readFileSync(path.join(__dirname, 'inspector', 'index.html'), 'utf8');
    http.on('request', (req, res) => {
      this.inflight++;
      res.on('close', () => {
        this.inflight--;
        if (this.inflight === 0) for (const wake of this.idleWaiters.splice(0)) wake();
      });
      this.route(req, res).catch((error: unknown) => this.fail(req, res, error));
    });
    http.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
      const pathname = new URL(req.url ?? '/', 'http://local').pathname;
      const handler = this.upgrades.get(pathname);
      if (handler) handler(req, socket, head);
      else socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
    });
  }

  registerRoute(handler: RouteHandler): void {
    this.routes.push(handler);
  }

  registerUpgrade(pathname: string, handler: UpgradeHandler): void {
    this.upgrades.set(pathname, handler);
  }

  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  /** Resolves when no request is in flight, or after `ms` (a function may be stuck). */
  private drained(ms: number): Promise<void> {
    if (this.inflight === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      timer.unref();
      this.idleWaiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  private async shutdown(): Promise<void> {
    this.timers.close();
    const stopped = new Promise<void>((resolve) => this.http.close(() => resolve()));
    this.http.closeIdleConnections();
    await this.drained(5000);
    // Keep-alive sockets (the SDK pools them) would hold close() open.
    for (const socket of this.sockets) socket.destroy();
    await stopped;
    try {
      await this.functions.close();
      await this.storage.close();
      if (this.parts.exportDir) {
        const { collections } = await exportToDir(this.store, this.parts.exportDir);
        const summary = Object.entries(collections).map(([name, n]) => `${name} ${n}`);
        this.parts.log(`exported to ${this.parts.exportDir}: ${summary.join(', ') || 'no collections'}`);
      }
    } finally {
      try {
        await this.store.close();
      } finally {
        this.parts.lock?.release();
      }
    }
  }

  private fail(req: http.IncomingMessage, res: http.ServerResponse, error: unknown): void {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const message = error instanceof Error ? error.message : String(error);
    sendJson(req, res, 500, { code: 'SYS_ERR', message, errCode: -501001, errMsg: message });
  }

  private async route(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://local');
    const method = req.method ?? 'GET';
    if (method === 'OPTIONS') {
      res.writeHead(204, corsHeaders(req));
      res.end();
      return;
    }
    if (this.closing) {
      sendJson(
        req,
        res,
        503,
        { code: 'SYS_ERR', message: 'the local cloud is shutting down' },
        { connection: 'close' },
      );
      return;
    }
    const { pathname } = url;
    // Storage streams upload bodies itself, so it must see the request before anything reads it.
    if (pathname.startsWith(STORAGE_HTTP_PREFIX) && this.storage.handleHttp(req, res)) return;
    if (pathname === '/healthz') {
      sendJson(req, res, 200, { ok: true });
      return;
    }
    if (pathname === '/admin') {
      await this.requirePost(req, res, () => this.admin(req, res));
      return;
    }
    if (pathname.startsWith('/functions/')) {
      await this.requirePost(req, res, () => this.callFunction(req, res, decodeURIComponent(pathname.slice(11))));
      return;
    }
    for (const handler of this.routes) if (await handler(req, res, url)) return;
    if (pathname === '/') {
      res.writeHead(302, { ...corsHeaders(req), location: '/_/' });
      res.end();
      return;
    }
    if (pathname === '/_' || pathname === '/_/') {
      sendBytes(req, res, 200, 'text/html; charset=utf-8', this.pageHtml);
      return;
    }
    if (pathname.startsWith('/_/api/')) {
      await handleInspector(
        {
          store: this.store,
          functions: this.functions,
          outbox: this.outbox,
          timers: this.timers,
          storage: this.storage,
          bodyLimit: this.parts.bodyLimit,
        },
        req,
        res,
        url,
      );
      return;
    }
    sendJson(req, res, 404, { code: 'NOT_FOUND', message: `no route for ${method} ${pathname}` });
  }

  private async requirePost(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    run: () => Promise<void>,
  ): Promise<void> {
    if (req.method !== 'POST') {
      sendJson(req, res, 405, { code: 'METHOD_NOT_ALLOWED', message: 'use POST' }, { allow: 'POST, OPTIONS' });
      return;
    }
    await run();
  }

  /** Reads the body; on overflow answers 413 itself and returns undefined. */
  private async body(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    shape: 'admin' | 'function',
  ): Promise<Buffer | undefined> {
    try {
      return await readBody(req, this.parts.bodyLimit);
    } catch (error) {
      if (!(error instanceof BodyTooLargeError)) throw error;
      const message = `request body exceeds the ${formatBytes(error.limit)} limit`;
      const body =
        shape === 'admin'
          ? { code: 'INVALID_PARAM', message, requestId: randomUUID() }
          : { errCode: INVALID_PARAM_ERRCODE, errMsg: message };
      sendJson(req, res, 413, body, { connection: 'close' });
      return undefined;
    }
  }

  private async admin(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const requestId = randomUUID();
    const raw = await this.body(req, res, 'admin');
    if (!raw) return;
    const contentType = header(req, 'content-type') ?? 'application/json';
    let params: Record<string, unknown>;
    try {
      params = contentType.startsWith('multipart/form-data') ? parseMultipart(raw, contentType) : parseJsonObject(raw);
    } catch (error) {
      const message = `malformed request body: ${(error as Error).message}`;
      sendJson(req, res, 400, { code: 'INVALID_PARAM', message, requestId });
      return;
    }
    const reply = await handleAdmin(
      {
        store: this.store,
        outbox: this.outbox,
        functions: this.functions,
        database: { maxLimit: this.parts.maxLimit },
        storage: this.storage,
      },
      params,
      requestId,
    );
    if (reply.kind === 'json') sendJson(req, res, 200, reply.body, { 'x-request-id': requestId });
    else sendBytes(req, res, 200, reply.contentType, reply.body, { 'x-request-id': requestId });
  }

  private async callFunction(req: http.IncomingMessage, res: http.ServerResponse, name: string): Promise<void> {
    const requestId = randomUUID();
    const raw = await this.body(req, res, 'function');
    if (!raw) return;
    const reply = (status: number, body: Record<string, unknown>): void =>
      sendJson(req, res, status, { ...body, requestId }, { 'x-request-id': requestId });
    let event: Record<string, unknown>;
    try {
      event = parseJsonObject(raw);
    } catch (error) {
      reply(400, {
        errCode: INVALID_PARAM_ERRCODE,
        errMsg: `request body is not a JSON object: ${(error as Error).message}`,
      });
      return;
    }
    if (!FUNCTION_NAME.test(name)) {
      reply(404, { errCode: FUNCTION_ERRORS.notFound.errCode, errMsg: 'FunctionName parameter could not be found.' });
      return;
    }
    const outcome = await this.functions.invoke(name, event, identityFrom(req), { source: 'wx_client', requestId });
    if (outcome.ok) reply(200, { result: outcome.result ?? null });
    else reply(httpStatusFor(outcome.errCode), { errCode: outcome.errCode, errMsg: outcome.errMsg });
  }
}
