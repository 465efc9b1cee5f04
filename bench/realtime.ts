/**
 * Realtime push figures with the real @cloudbase/realtime client: the time from a committed write
 * to the client's onChange, with 1 and with 100 watchers of the same messages (each its own
 * client and socket, as 100 open pages would be), and the event frames the local cloud sends per
 * change.
 */
import { setWsClass } from '@cloudbase/realtime/dist/cjs/common';
import { RealtimeWebSocketClient } from '@cloudbase/realtime/dist/cjs/websocket-client';
import WebSocket from 'ws';
import { DATABASE_DIR } from '../dev/app';
import { startLocalCloud, type LocalCloud } from 'cloudbase-local';
import type { Reporter } from './report';

const USER = 'o-bench-realtime';
const WRITES = 200;
const WARMUP = 20;

interface Watcher {
  /** Resolves at the next onChange after the call. */
  nextChange(): Promise<number>;
  close(): void;
}

/** The listener's handle on its watch, whose CHECK_LAST timer the client leaves running after close(). */
interface ClientInternals {
  virtualClient?: { clearACKSchedule(): void };
}

function request(cloud: LocalCloud): { send(action: string, params: object): Promise<Record<string, unknown>> } {
  return {
    async send(action, params) {
      const response = await fetch(`${cloud.url}/web`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-wx-openid': USER },
        body: JSON.stringify({ action, ...params }),
      });
      return (await response.json()) as Record<string, unknown>;
    },
  };
}

async function watcher(cloud: LocalCloud): Promise<Watcher> {
  const client = new RealtimeWebSocketClient({
    context: {
      appConfig: {
        docSizeLimit: 1000,
        realtimePingInterval: 10_000,
        realtimePongWaitTimeout: 5000,
        request: request(cloud),
      },
    },
  });
  let waiting: ((at: number) => void) | undefined;
  let ready: () => void = () => undefined;
  const initialised = new Promise<void>((resolve) => (ready = resolve));
  const listener = client.watch({
    envId: 'local',
    collectionName: 'messages',
    query: JSON.stringify({ _openid: '{openid}', conversationId: 'bench' }),
    orderBy: { createdAt: 'asc' },
    onChange: () => {
      ready();
      waiting?.(performance.now());
      waiting = undefined;
    },
    onError: (error: unknown) => {
      throw new Error(`watch failed: ${String(error)}`);
    },
  });
  await initialised;
  return {
    nextChange: () => new Promise((resolve) => (waiting = resolve)),
    close: () => {
      listener.close();
      (listener as unknown as ClientInternals).virtualClient?.clearACKSchedule();
    },
  };
}

interface Samples {
  /** From the write call to each watcher's onChange. */
  write: number[];
  /** From the commit (the change feed's publish) to each watcher's onChange. */
  commit: number[];
}

/** Per-delivery latencies of `WRITES` sequential updates, each waited for by every watcher. */
async function measure(cloud: LocalCloud, watchers: Watcher[]): Promise<Samples> {
  const samples: Samples = { write: [], commit: [] };
  let committed = 0;
  const unsubscribe = cloud.store.onChange(() => (committed = performance.now()));
  for (let i = 0; i < WARMUP + WRITES; i++) {
    const delivered = watchers.map((w) => w.nextChange());
    const start = performance.now();
    await cloud.store.update('messages', { _id: 'reply' }, { $set: { text: `token ${i}` } });
    const times = await Promise.all(delivered);
    if (i < WARMUP) continue;
    samples.write.push(...times.map((at) => at - start));
    samples.commit.push(...times.map((at) => at - committed));
  }
  unsubscribe();
  return samples;
}

export async function run(report: Reporter): Promise<void> {
  setWsClass(WebSocket);
  const cloud = await startLocalCloud({ port: 0, quiet: true, databaseDir: DATABASE_DIR, functionsPrewarm: false });
  // The client narrates every frame on the console.
  const { log, warn, error } = console;
  const silence = (): void => {
    console.log = () => undefined;
    console.warn = () => undefined;
    console.error = () => undefined;
  };
  const restore = (): void => {
    console.log = log;
    console.warn = warn;
    console.error = error;
  };
  try {
    await cloud.store.insert('messages', [
      { _id: 'reply', _openid: USER, conversationId: 'bench', text: '', createdAt: new Date() },
    ]);
    for (const count of [1, 100]) {
      silence();
      const watchers = await Promise.all(Array.from({ length: count }, () => watcher(cloud)));
      const before = cloud.realtime.stats();
      const samples = await measure(cloud, watchers);
      const after = cloud.realtime.stats();
      for (const w of watchers) w.close();
      // Each client lets its socket go once its watch has closed.
      while (cloud.realtime.stats().connections > 0) await new Promise((resolve) => setTimeout(resolve, 10));
      restore();
      const label = `${count} watcher${count > 1 ? 's' : ''}`;
      report.latencies(`write -> onChange, ${label} on one collection`, samples.write);
      report.latencies(`commit -> onChange, ${label}`, samples.commit);
      report.figure(
        `event frames sent per change, ${label}`,
        (after.eventFrames - before.eventFrames) / (WARMUP + WRITES),
        'frames',
      );
    }
  } finally {
    restore();
    await cloud.close();
  }
}
