/**
 * The real client libraries a web page uses, pointed at a local cloud: @cloudbase/realtime's
 * RealtimeWebSocketClient (over the `ws` package, as the js-sdk's Node adapter supplies a socket
 * class) and @cloudbase/database 0.x, both talking to `/web` as one user.
 */
import { Db } from '@cloudbase/database';
import { setWsClass } from '@cloudbase/realtime/dist/cjs/common';
import { RealtimeWebSocketClient, type IWSWatchOptions } from '@cloudbase/realtime/dist/cjs/websocket-client';
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';
import WebSocket from 'ws';
import type { LocalCloud } from '../../../packages/cloudbase-local/src';

setWsClass(WebSocket);
const run = promisify(execFile);

export interface WebRequest {
  send(action: string, params: Record<string, unknown>): Promise<Record<string, unknown>>;
}

/** The request class the client libraries call: one POST to /web per action, as the configured user. */
export function webRequestClass(
  cloud: LocalCloud,
  beforeSend?: (action: string) => Promise<void>,
): new (config?: { openid?: string }) => WebRequest {
  return class {
    constructor(private readonly config: { openid?: string } = {}) {}

    async send(action: string, params: Record<string, unknown>): Promise<Record<string, unknown>> {
      await beforeSend?.(action);
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (this.config.openid) headers['x-wx-openid'] = this.config.openid;
      const response = await fetch(`${cloud.url}/web`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ action, ...params }),
      });
      return (await response.json()) as Record<string, unknown>;
    }
  };
}

/**
 * A realtime client for one user; close its watches when done so it releases the socket.
 * `beforeSend` runs before each of its requests (a test can hold a reconnection there).
 */
export function realtimeClient(
  cloud: LocalCloud,
  openid?: string,
  beforeSend?: (action: string) => Promise<void>,
): RealtimeWebSocketClient {
  const Request = webRequestClass(cloud, beforeSend);
  return new RealtimeWebSocketClient({
    context: {
      appConfig: {
        docSizeLimit: 1000,
        realtimePingInterval: 10_000,
        realtimePongWaitTimeout: 5000,
        request: new Request(openid ? { openid } : {}),
      },
    },
  });
}

/**
 * The database a web client has, as one user: the library builds its requests from Db.reqClass with
 * the Db's config, so the user travels in the config.
 */
let databases = 0;
export function clientDb(cloud: LocalCloud, openid: string | undefined): Db {
  Db.reqClass = webRequestClass(cloud);
  Db.wsClientClass = RealtimeWebSocketClient;
  // The library keeps one realtime client per env: a fresh env gives this user and cloud their own.
  databases += 1;
  return new Db({ env: `local-${databases}`, ...(openid ? { openid } : {}) });
}

export interface ChangeEvent {
  id: number;
  dataType: string;
  queueType: string;
  docId: string;
  doc?: Record<string, unknown>;
  updatedFields?: Record<string, unknown>;
  removedFields?: string[];
}

export interface Snapshot {
  id: number;
  type?: string;
  docChanges: ChangeEvent[];
  docs: Array<Record<string, unknown>>;
}

/** Everything one watch delivered, in order. */
export interface Recording {
  snapshots: Snapshot[];
  errors: unknown[];
  close(): void;
  /** The last snapshot's documents, by a field. */
  last(field?: string): unknown[];
}

/** The listener's debug handle on its watch (the client defines it when `debug` is on, as watch() sets it). */
interface ClientInternals {
  virtualClient?: { clearACKSchedule(): void };
}

/** Closes a watch; the client keeps rescheduling its 10 s CHECK_LAST timer after close(), so stop that too. */
export function closeListener(listener: { close(): void }): void {
  listener.close();
  (listener as unknown as ClientInternals).virtualClient?.clearACKSchedule();
}

/** What the client hands onChange (its typings call `docs` a record; it is the list). */
interface DeliveredSnapshot {
  id: number;
  type?: string;
  docChanges: unknown;
  docs: unknown;
}

export function record(
  client: RealtimeWebSocketClient,
  options: Omit<IWSWatchOptions, 'onChange' | 'onError'>,
): Recording {
  const snapshots: Snapshot[] = [];
  const errors: unknown[] = [];
  const listener = client.watch({
    // The client logs in per env and cannot complete a login without one.
    envId: 'local',
    ...options,
    onChange: (snapshot: DeliveredSnapshot) => {
      snapshots.push({
        id: snapshot.id,
        type: snapshot.type,
        docChanges: snapshot.docChanges as ChangeEvent[],
        docs: snapshot.docs as Array<Record<string, unknown>>,
      });
    },
    onError: (error: unknown) => errors.push(error),
  });
  return {
    snapshots,
    errors,
    close: () => closeListener(listener),
    last: (field = '_id') => snapshots[snapshots.length - 1]?.docs.map((doc) => doc[field]) ?? [],
  };
}

/** The realtime client writes every step to the console; tests keep their output for failures. */
export function quietClientLogs(): void {
  jest.spyOn(console, 'log').mockImplementation(() => undefined);
  jest.spyOn(console, 'warn').mockImplementation(() => undefined);
}

const WATCHER = path.join(__dirname, '../../fixtures/emulator/realtime-watcher.js');

export interface RefusedWatch {
  snapshots: Array<{ id: number; docs: unknown[] }>;
  errors: string[];
  /** Rejections the client left without a handler. */
  unhandled: string[];
}

/** One watch by the real client in a child process (see realtime-watcher.js for why). */
export async function watchApart(
  cloud: LocalCloud,
  openid: string,
  collection: string,
  query: string,
): Promise<RefusedWatch> {
  const { stdout } = await run(process.execPath, [WATCHER, cloud.url, openid, collection, query], { timeout: 30_000 });
  return JSON.parse(stdout) as RefusedWatch;
}
