/**
 * `GET /_/api/events`: every service's live events as server-sent events, so the inspector page
 * (or any tool) updates as data, invocations, files and the outbox change. Each message is
 * `event: <type>` with `data: <JSON>`; `ready` opens every stream, so a client that reconnects
 * knows to reload what it shows (events are not replayed).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { LiveEvent, ServiceRegistry } from '../service';
import { corsHeaders } from '../wire/http';

/** Comment lines keep proxies and idle timers from closing a quiet stream. */
const KEEPALIVE_MS = 15_000;
/** A client that stops reading is cut off past this much unsent data; it reconnects and reloads. */
const MAX_BACKLOG_BYTES = 1024 * 1024;

export class LiveStreams {
  private readonly open = new Set<ServerResponse>();
  private closed = false;

  constructor(private readonly services: ServiceRegistry) {}

  serve(req: IncomingMessage, res: ServerResponse): void {
    if (this.closed) {
      res.writeHead(503, corsHeaders(req));
      res.end();
      return;
    }
    res.writeHead(200, {
      ...corsHeaders(req),
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
    });
    this.open.add(res);
    let id = 0;
    const send = (event: LiveEvent): void => {
      if (res.writableEnded) return;
      if (res.writableLength > MAX_BACKLOG_BYTES) {
        res.end();
        return;
      }
      id += 1;
      res.write(`id: ${id}\nevent: ${event.type}\ndata: ${JSON.stringify(event.data)}\n\n`);
    };
    res.write('retry: 2000\n\n');
    send({ type: 'ready', data: { at: new Date().toISOString() } });
    const stop = this.services.watch(send);
    const keepalive = setInterval(() => res.write(': keep-alive\n\n'), KEEPALIVE_MS);
    keepalive.unref();
    res.on('close', () => {
      stop();
      clearInterval(keepalive);
      this.open.delete(res);
    });
  }

  /** Ends every stream: the server waits for open requests when it shuts down. */
  close(): void {
    this.closed = true;
    for (const res of this.open) res.end();
    this.open.clear();
  }
}
