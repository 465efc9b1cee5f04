/** Reads the inspector's server-sent events (`GET /_/api/events`) the way a browser's EventSource would. */
import { createParser } from 'eventsource-parser';

export interface LiveEvent {
  type: string;
  data: Record<string, unknown>;
}

export interface EventStream {
  /** Resolves with the first event (already received or to come) that satisfies `match`. */
  next(match: (event: LiveEvent) => boolean, timeoutMs?: number): Promise<LiveEvent>;
  /** Resolves when the stream stops: `ended` when the server ended it, `reset` when the connection broke. */
  readonly ended: Promise<'ended' | 'reset'>;
  close(): void;
}

export async function openEvents(url: string): Promise<EventStream> {
  const abort = new AbortController();
  const response = await fetch(`${url}/_/api/events`, { signal: abort.signal });
  if (!response.ok || !response.body) throw new Error(`events: HTTP ${response.status}`);
  expect(response.headers.get('content-type')).toContain('text/event-stream');
  const received: LiveEvent[] = [];
  const waiters = new Set<() => void>();
  const parser = createParser({
    onEvent(message) {
      received.push({ type: message.event ?? 'message', data: JSON.parse(message.data) as Record<string, unknown> });
      for (const wake of [...waiters]) wake();
    },
  });
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  const ended = (async (): Promise<'ended' | 'reset'> => {
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return 'ended';
        parser.feed(decoder.decode(value, { stream: true }));
      }
    } catch {
      return 'reset'; // the connection broke, or close() aborted it
    }
  })();
  return {
    ended,
    next(match, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        let seen = 0;
        const check = (): void => {
          for (; seen < received.length; seen += 1) {
            if (match(received[seen])) {
              waiters.delete(check);
              clearTimeout(timer);
              resolve(received[seen]);
              return;
            }
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no matching event within ${timeoutMs} ms; got ${JSON.stringify(received)}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    close: () => abort.abort(),
  };
}
