/**
 * CloudBase realtime push (实时数据推送): `watch()` over a WebSocket at `/realtime`, in the protocol
 * of `@cloudbase/realtime` 3.x, fed by the store's change feed and bound by the collections' read
 * rules. The client finds the socket through `auth.wsWebSign` at `/web`, which answers this
 * server's URL with the caller's openid in it (`/realtime?openid=...`).
 *
 * A watch outlives its connection for a while, so a client that reconnects can REBUILD_WATCH and
 * receive what it missed.
 *
 * Inspector API:
 *   GET  /_/api/realtime                          connections, watches and the frames sent
 *   POST /_/api/realtime/disconnect[?openid=...]  drops connections as a network failure would
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { clientQuery } from '../database/client';
import { allowsDoc, allowsQuery, type Auth, type SecurityRules } from '../database/rules';
import { compileQuery } from '../database/store/engine';
import type { Change, DocumentStore, SortSpec } from '../database/store/types';
import type { InspectorRequest, Service } from '../service';
import { parseJson } from '../wire/json';
import { RealtimeConnection, type WatchHub } from './connection';
import { ProtocolError, type EventsData, type InitWatch } from './protocol';
import { MAX_WATCH_DOCS, Watch } from './watch';

export const REALTIME_PATH = '/realtime';
/** How long a watch whose connection dropped waits for its client to rebuild it. */
const DETACHED_TTL_MS = 5 * 60 * 1000;
/** Largest client frame accepted; a watch request is a query, not data. */
const MAX_FRAME_BYTES = 1024 * 1024;

export interface RealtimeOptions {
  store: DocumentStore;
  rules: SecurityRules;
  envId: string;
  /** http://host:port of this local cloud; the socket is the same address in ws://. */
  publicUrl: string;
}

export interface RealtimeStats {
  connections: number;
  watches: number;
  /** INIT_EVENT and NEXT_EVENT frames sent since start. */
  eventFrames: number;
  /** Committed changes seen on watched collections. */
  changes: number;
  /** REBUILD_WATCH requests answered (a client catching up after a gap or a reconnection). */
  rebuilds: number;
}

export interface RealtimeService extends Service {
  stats(): RealtimeStats;
  /** Drops every connection (or one user's), as a network failure would. */
  disconnect(openid?: string): number;
}

/** The client's orderBy, then `_id` (CloudBase's default order is `_id` descending). */
function sortOf(orderBy: Record<string, string> | undefined): SortSpec {
  const sort: SortSpec = Object.entries(orderBy ?? {}).map(([field, dir]) => [field, dir === 'desc' ? -1 : 1]);
  if (!sort.some(([field]) => field === '_id')) sort.push(['_id', sort.length ? 1 : -1]);
  return sort;
}

class Hub implements WatchHub {
  readonly connections = new Set<RealtimeConnection>();
  private readonly byCollection = new Map<string, Set<Watch>>();
  private readonly watches = new Map<string, Watch>();
  private readonly expiry = new Map<Watch, NodeJS.Timeout>();
  eventFrames = 0;
  changes = 0;
  rebuilds = 0;

  constructor(private readonly options: RealtimeOptions) {}

  get envId(): string {
    return this.options.envId;
  }

  get watchCount(): number {
    return this.watches.size;
  }

  listWatches(): Array<Record<string, unknown>> {
    return [...this.watches.values()].map((watch) => ({
      queryID: watch.queryID,
      collection: watch.spec.collection,
      openid: watch.spec.owner?.openid ?? null,
      query: watch.spec.query,
      limit: watch.spec.limit ?? null,
      documents: watch.size,
      currEvent: watch.currEvent,
      connected: !this.expiry.has(watch),
    }));
  }

  feed(change: Change): void {
    const watching = this.byCollection.get(change.collection);
    if (!watching) return;
    this.changes++;
    for (const watch of watching) watch.push(change);
  }

  async open(init: InitWatch, owner: Auth | null): Promise<Watch> {
    const { store, rules } = this.options;
    const collection = init.collName;
    if (!(await store.listCollections()).includes(collection)) {
      throw new ProtocolError('DATABASE_COLLECTION_NOT_EXIST', `collection ${collection} does not exist`);
    }
    if (init.limit !== undefined && init.limit > MAX_WATCH_DOCS) {
      throw new ProtocolError('INVALID_PARAM', `a watch's limit is at most ${MAX_WATCH_DOCS}`);
    }
    let raw: unknown;
    try {
      raw = parseJson(init.query);
    } catch (error) {
      throw new ProtocolError('INVALID_PARAM', `msgData.query is not JSON: ${(error as Error).message}`);
    }
    const readRule = rules.of(collection).read;
    const spec = (() => {
      try {
        const query = clientQuery(raw, owner, new Date());
        return { query, matcher: compileQuery(query) };
      } catch (error) {
        throw new ProtocolError('INVALID_PARAM', `invalid query: ${(error as Error).message}`);
      }
    })();
    const watch = new Watch(store, {
      collection,
      ...spec,
      sort: sortOf(init.orderBy),
      ...(init.limit !== undefined ? { limit: init.limit } : {}),
      owner,
      readRule,
    });
    if (!allowsQuery(readRule, spec.query, owner) && !(await this.ownsPinned(watch))) {
      throw new ProtocolError(
        'COLLECTION_PERMISSION_DENIED',
        `the query is not a subset of the read rule of "${collection}" (${rules.of(collection).source.read})`,
      );
    }
    this.add(watch);
    try {
      await watch.start();
    } catch (error) {
      this.close(watch);
      throw error instanceof ProtocolError ? error : new ProtocolError('SYS_ERR', String(error));
    }
    return watch;
  }

  /** A watch of one document by `_id` (doc(id).watch()) is judged by that document, as doc(id).get() is. */
  private async ownsPinned(watch: Watch): Promise<boolean> {
    const id = watch.spec.query._id;
    if (typeof id !== 'string' && typeof id !== 'number') return false;
    const [doc] = await this.options.store.find(watch.spec.collection, { _id: id }, { limit: 1 });
    return doc !== undefined && allowsDoc(watch.spec.readRule, doc, watch.spec.owner);
  }

  byQueryId(queryID: string): Watch | undefined {
    return this.watches.get(queryID);
  }

  route(watch: Watch, sink: ((data: EventsData) => void) | undefined): void {
    if (!this.watches.has(watch.queryID)) return;
    clearTimeout(this.expiry.get(watch));
    this.expiry.delete(watch);
    watch.attach(sink);
    if (!sink) {
      const timer = setTimeout(() => this.close(watch), DETACHED_TTL_MS);
      timer.unref();
      this.expiry.set(watch, timer);
    }
  }

  close(watch: Watch): void {
    watch.close();
    clearTimeout(this.expiry.get(watch));
    this.expiry.delete(watch);
    this.watches.delete(watch.queryID);
    const set = this.byCollection.get(watch.spec.collection);
    set?.delete(watch);
    if (set?.size === 0) this.byCollection.delete(watch.spec.collection);
  }

  closeAll(): void {
    for (const watch of [...this.watches.values()]) this.close(watch);
  }

  countFrame(rebuild: boolean): void {
    this.eventFrames++;
    if (rebuild) this.rebuilds++;
  }

  private add(watch: Watch): void {
    this.watches.set(watch.queryID, watch);
    const set = this.byCollection.get(watch.spec.collection) ?? new Set<Watch>();
    set.add(watch);
    this.byCollection.set(watch.spec.collection, set);
  }
}

export function createRealtimeService(options: RealtimeOptions): RealtimeService {
  const hub = new Hub(options);
  const unsubscribe = options.store.onChange((change) => hub.feed(change));
  const sockets = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });
  let accepting = true;
  const socketUrl = `${options.publicUrl.replace(/^http/, 'ws')}${REALTIME_PATH}`;

  const upgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    if (!accepting) {
      socket.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\n\r\n');
      return;
    }
    const openid = new URL(req.url ?? '/', 'http://local').searchParams.get('openid');
    sockets.handleUpgrade(req, socket, head, (ws) => {
      const connection = new RealtimeConnection(ws, openid ? { openid } : null, hub);
      hub.connections.add(connection);
      ws.on('close', () => hub.connections.delete(connection));
    });
  };

  const disconnect = (openid?: string): number => {
    let dropped = 0;
    for (const connection of hub.connections) {
      if (openid === undefined || connection.auth?.openid === openid) {
        connection.drop();
        dropped++;
      }
    }
    return dropped;
  };

  const stats = (): RealtimeStats => ({
    connections: hub.connections.size,
    watches: hub.watchCount,
    eventFrames: hub.eventFrames,
    changes: hub.changes,
    rebuilds: hub.rebuilds,
  });

  return {
    name: 'realtime',
    upgrades: { [REALTIME_PATH]: upgrade },
    webActions: ['auth.wsWebSign'],
    // The sign is not checked: the local cloud trusts the openid it is given, as /functions does.
    web: async (_action, _params, caller) => ({
      data: {
        signStr: randomUUID(),
        secretVersion: 1,
        envId: options.envId,
        wsUrl: caller.openid ? `${socketUrl}?openid=${encodeURIComponent(caller.openid)}` : socketUrl,
      },
    }),
    inspector: {
      realtime: ({ method, route, url, json }: InspectorRequest): boolean => {
        if (method === 'GET' && route.length === 1) {
          json(200, { ...stats(), watchList: hub.listWatches() });
          return true;
        }
        if (method === 'POST' && route.length === 2 && route[1] === 'disconnect') {
          json(200, { disconnected: disconnect(url.searchParams.get('openid') ?? undefined) });
          return true;
        }
        return false;
      },
    },
    stats,
    disconnect,
    quiesce() {
      accepting = false;
    },
    async stop() {
      unsubscribe();
      for (const connection of hub.connections) connection.end();
      hub.closeAll();
      await new Promise<void>((resolve) => sockets.close(() => resolve()));
    },
  };
}
