/**
 * The local cloud's HTTP server (node:http, no framework). It only routes:
 *   GET  /healthz           200 {ok:true} once every service is ready
 *   POST /admin?env=...     the CloudBase admin protocol wx-server-sdk speaks, by `action` to the
 *                           service that owns it
 *   POST /web               the client SDKs' protocol (database.*, auth.wsWebSign), by `action`,
 *                           as the caller named by x-wx-openid
 *   the services' routes    /functions/<name>, /_storage/..., the inspector at /_/ and /_/api/...
 *   registered routes       what the host adds (the browser preview at /)
 *   upgrades                WebSocket paths of the services or the host
 */
import { randomUUID } from 'node:crypto';
import * as http from 'node:http';
import type { Duplex } from 'node:stream';
import type { AdminParams, AdminReply, ClientCaller, RouteHandler, ServiceRegistry, UpgradeHandler } from './service';
import { invalidParam, toWireError, WireError } from './wire/errors';
import {
  corsHeaders,
  header,
  parseJsonObject,
  parseMultipart,
  readBodyOr413,
  requirePost,
  sendBytes,
  sendJson,
} from './wire/http';

/** Where `/` leads when nothing else serves it. */
const HOME = '/_/';
/** How long close() waits for requests in flight (a function may be stuck). */
const DRAIN_MS = 5000;

export class CloudServer {
  private readonly http = http.createServer();
  private readonly sockets = new Set<Duplex>();
  private readonly routes: RouteHandler[] = [];
  private readonly upgrades = new Map<string, UpgradeHandler>();
  private state: 'starting' | 'serving' | 'closing' = 'starting';
  private inflight = 0;
  private idleWaiters: Array<() => void> = [];

  constructor(
    private readonly services: ServiceRegistry,
    private readonly bodyLimit: number,
  ) {
    this.http.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    this.http.on('request', (req, res) => {
      this.inflight++;
      res.on('close', () => {
        this.inflight--;
        if (this.inflight === 0) for (const wake of this.idleWaiters.splice(0)) wake();
      });
      this.route(req, res).catch((error: unknown) => this.fail(req, res, error));
    });
    this.http.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
      const pathname = new URL(req.url ?? '/', 'http://local').pathname;
      const handler = this.services.upgrade(pathname) ?? this.upgrades.get(pathname);
      if (handler) handler(req, socket, head);
      else socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
    });
  }

  /** Resolves with the port bound (0 picks a free one). */
  listen(port: number, host: string): Promise<number> {
    const server = this.http;
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

  /** Every service has started: requests are served from now on (until then they get 503). */
  serve(): void {
    if (this.state === 'starting') this.state = 'serving';
  }

  registerRoute(handler: RouteHandler): void {
    this.routes.push(handler);
  }

  registerUpgrade(pathname: string, handler: UpgradeHandler): void {
    this.upgrades.set(pathname, handler);
  }

  /** Refuses new requests, waits for those in flight (up to DRAIN_MS), then closes every socket. */
  async close(): Promise<void> {
    this.state = 'closing';
    const stopped = new Promise<void>((resolve) => this.http.close(() => resolve()));
    this.http.closeIdleConnections();
    await this.drained(DRAIN_MS);
    // Keep-alive sockets (the SDK pools them) would hold close() open.
    for (const socket of this.sockets) socket.destroy();
    await stopped;
  }

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
    if (this.state !== 'serving') {
      const message = this.state === 'closing' ? 'the local cloud is shutting down' : 'the local cloud is starting';
      sendJson(req, res, 503, { code: 'SYS_ERR', message }, { connection: 'close' });
      return;
    }
    const { pathname } = url;
    if (pathname === '/healthz') {
      sendJson(req, res, 200, { ok: true });
      return;
    }
    if (pathname === '/admin') {
      if (requirePost(req, res)) await this.admin(req, res);
      return;
    }
    if (pathname === '/web') {
      if (requirePost(req, res)) await this.web(req, res);
      return;
    }
    const owned = this.services.route(pathname);
    if (owned && (await owned(req, res, url))) return;
    for (const handler of this.routes) if (await handler(req, res, url)) return;
    if (pathname === '/') {
      res.writeHead(302, { ...corsHeaders(req), location: HOME });
      res.end();
      return;
    }
    sendJson(req, res, 404, { code: 'NOT_FOUND', message: `no route for ${method} ${pathname}` });
  }

  private async admin(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const requestId = randomUUID();
    const raw = await readBodyOr413(req, res, this.bodyLimit, (message) => ({
      code: 'INVALID_PARAM',
      message,
      requestId: randomUUID(),
    }));
    if (!raw) return;
    const contentType = header(req, 'content-type') ?? 'application/json';
    let params: AdminParams;
    try {
      params = contentType.startsWith('multipart/form-data') ? parseMultipart(raw, contentType) : parseJsonObject(raw);
    } catch (error) {
      const message = `malformed request body: ${(error as Error).message}`;
      sendJson(req, res, 400, { code: 'INVALID_PARAM', message, requestId });
      return;
    }
    const reply = await this.dispatch(params, requestId);
    const extra = { 'x-request-id': requestId };
    if (reply.kind === 'json') sendJson(req, res, 200, { ...reply.body, requestId }, extra);
    else sendBytes(req, res, 200, reply.contentType, reply.body, extra);
  }

  /** A client SDK's call: one JSON object naming its `action`, answered like /admin. */
  private async web(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const requestId = randomUUID();
    const raw = await readBodyOr413(req, res, this.bodyLimit, (message) => ({
      code: 'INVALID_PARAM',
      message,
      requestId,
    }));
    if (!raw) return;
    let body: Record<string, unknown>;
    try {
      const params = parseJsonObject(raw);
      const action = params.action;
      if (typeof action !== 'string' || action === '') throw invalidParam('action must be a non-empty string');
      const service = this.services.forWebAction(action);
      if (!service?.web) throw new WireError('INVALID_ACTION', `unknown action "${action}"`);
      const openid = header(req, 'x-wx-openid');
      const caller: ClientCaller = openid ? { openid } : {};
      body = await service.web(action, params, caller);
    } catch (error) {
      const wire =
        error instanceof SyntaxError ? invalidParam(`malformed request body: ${error.message}`) : toWireError(error);
      body = { code: wire.code, message: wire.message };
    }
    sendJson(req, res, 200, { ...body, requestId }, { 'x-request-id': requestId });
  }

  /** Never throws: every failure becomes CloudBase's `{ code, message }`, answered with HTTP 200. */
  private async dispatch(params: AdminParams, requestId: string): Promise<AdminReply> {
    try {
      const action = params.action;
      if (typeof action !== 'string' || action === '') throw invalidParam('action must be a non-empty string');
      const service = this.services.forAction(action);
      if (!service?.admin) throw new WireError('INVALID_ACTION', `unknown action "${action}"`);
      return await service.admin(action, params, requestId);
    } catch (error) {
      const wire = toWireError(error);
      return { kind: 'json', body: { code: wire.code, message: wire.message } };
    }
  }
}
