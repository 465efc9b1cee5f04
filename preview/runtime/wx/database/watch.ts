/**
 * `.watch()` over the real @cloudbase/realtime client (its RealtimeWebSocketClient, reached through
 * @cloudbase/database), with the snapshot WeChat documents: `{ id, docChanges, docs, type }`, where
 * `type` is 'init' on the first one. The client sets `type` only on an empty first snapshot, and
 * reports a refused watch twice (the server's frame, then its own error); WeChat does each once.
 */
import { replyErrorCode } from './request';

export interface Snapshot {
  id: number;
  docChanges: unknown[];
  docs: unknown[];
  type?: 'init';
}

export interface WatchOptions {
  onChange: (snapshot: Snapshot) => void;
  onError: (error: unknown) => void;
}

export interface Watcher {
  close(): Promise<void>;
}

/** The client's snapshot (its typings call `docs` a record; it is the list). */
interface ClientSnapshot {
  id: number;
  docChanges: unknown;
  docs: unknown;
}

/** What the library's query and document give to watch(). */
interface Watchable {
  watch(options: { onChange(snapshot: ClientSnapshot): void; onError(error: unknown): void }): { close(): void };
}

const listOf = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

/** WeChat's kind of error for a failed watch: an Error carrying errCode and errMsg. */
function watchError(error: unknown): Error & { errCode: number; errMsg: string } {
  const frame = (error as { msgData?: { code?: unknown; message?: unknown } } | null)?.msgData;
  const code = typeof frame?.code === 'string' ? frame.code : undefined;
  const detail = code
    ? `${code}: ${String(frame?.message ?? '')}`
    : error instanceof Error
      ? error.message
      : String(error);
  const errCode = code ? replyErrorCode(code) : -1;
  const errMsg = `watch:fail ${errCode} ${detail}`;
  return Object.assign(new Error(errMsg), { errCode, errMsg });
}

export function watchWith(target: Watchable, options: WatchOptions): Watcher {
  if (typeof options?.onChange !== 'function' || typeof options.onError !== 'function') {
    throw new Error('watch() needs onChange and onError');
  }
  let first = true;
  let failed = false;
  const listener = target.watch({
    onChange(snapshot) {
      const shaped: Snapshot = {
        id: snapshot.id,
        docChanges: listOf(snapshot.docChanges),
        docs: listOf(snapshot.docs),
      };
      if (first) shaped.type = 'init';
      first = false;
      options.onChange(shaped);
    },
    onError(error) {
      if (failed) return;
      failed = true;
      options.onError(watchError(error));
    },
  });
  return { close: async () => listener.close() };
}
