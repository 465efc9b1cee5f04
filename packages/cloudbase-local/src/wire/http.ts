/** Small node:http helpers: bounded body reading, JSON answers, CORS, method checks. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { PassThrough, type Readable } from 'node:stream';
import { parseJson } from './json';

export const JSON_TYPE = 'application/json; charset=utf-8';

export class BodyTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`request body exceeds the ${formatBytes(limit)} limit`);
    this.name = 'BodyTooLargeError';
  }
}

/** The client went away before its body ended: there is no one left to answer. */
export class BodyAbortedError extends Error {
  constructor() {
    super('the client closed the connection before the request body ended');
    this.name = 'BodyAbortedError';
  }
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB`;
  if (bytes >= 1024) return `${Math.round((bytes / 1024) * 10) / 10} KB`;
  return `${bytes} bytes`;
}

/**
 * How long the rest of a refused body is read and thrown away. Closing a socket the client is still
 * writing to makes the kernel answer with a reset, which can destroy our 413 before the client
 * reads it; so the connection stays open (and reusable) while the body drains, in constant memory,
 * as nginx's lingering close does. A client still sending after this is cut off.
 */
export const LINGER_MS = 30_000;

/** The declared Content-Length, when there is a valid one. */
function declaredLength(req: IncomingMessage): number | undefined {
  const raw = req.headers['content-length'];
  if (raw === undefined || !/^\d+$/.test(raw)) return undefined;
  return Number(raw);
}

/** Reads and drops what is left of a body the server has already answered. */
export function discardBody(req: IncomingMessage): void {
  if (req.complete || req.destroyed) return;
  const timer = setTimeout(() => req.socket.destroy(), LINGER_MS);
  timer.unref();
  const stop = (): void => clearTimeout(timer);
  req.once('end', stop);
  req.once('close', stop);
  req.resume();
}

/**
 * Checks the declared size, then watches a body's bytes: `onChunk` sees each one until the body
 * ends (`onEnd`), grows past `limit` (`onFail` with BodyTooLargeError; the rest is discarded) or
 * breaks off (`onFail` with BodyAbortedError). A body over the limit is refused on its
 * Content-Length before a byte is read; a chunked one as soon as it crosses the limit. Returns a
 * function that stops watching and discards the rest (the reader gave up).
 */
function watchBody(
  req: IncomingMessage,
  limit: number,
  onChunk: (chunk: Buffer) => void,
  onEnd: () => void,
  onFail: (error: Error) => void,
): () => void {
  const declared = declaredLength(req);
  if (declared !== undefined && declared > limit) {
    discardBody(req);
    onFail(new BodyTooLargeError(limit));
    return () => undefined;
  }
  let size = 0;
  let watching = true;
  const cleanup = (): void => {
    watching = false;
    req.off('data', onData);
    req.off('end', onEndOnce);
    req.off('error', onAbort);
    req.off('close', onClose);
  };
  function onData(chunk: Buffer): void {
    size += chunk.length;
    if (size > limit) {
      cleanup();
      discardBody(req);
      onFail(new BodyTooLargeError(limit));
      return;
    }
    onChunk(chunk);
  }
  function onEndOnce(): void {
    cleanup();
    onEnd();
  }
  function onAbort(): void {
    cleanup();
    onFail(new BodyAbortedError());
  }
  function onClose(): void {
    if (!req.complete) onAbort();
  }
  req.on('data', onData);
  req.once('end', onEndOnce);
  req.once('error', onAbort);
  req.once('close', onClose);
  return () => {
    if (!watching) return;
    cleanup();
    discardBody(req);
  };
}

/** Reads the whole body into memory, refusing (BodyTooLargeError) more than `limit` bytes. */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    watchBody(
      req,
      limit,
      (chunk) => chunks.push(chunk),
      () => resolve(Buffer.concat(chunks)),
      (error) => {
        chunks.length = 0;
        reject(error);
      },
    );
  });
}

/**
 * The body as a stream for writing elsewhere (storage uploads to disk), with the same limit: the
 * stream fails with BodyTooLargeError past it, while the request itself is drained, not destroyed,
 * so the caller can still answer.
 */
export function boundedBody(req: IncomingMessage, limit: number): Readable {
  const out = new PassThrough();
  // A refusal can come before the consumer listens (on Content-Length, at once); it stays readable
  // as `out.errored` and fails the consumer's pipeline, so an early 'error' needs no listener.
  out.on('error', () => undefined);
  const abandon = watchBody(
    req,
    limit,
    (chunk) => {
      if (!out.write(chunk)) {
        req.pause();
        out.once('drain', () => req.resume());
      }
    },
    () => out.end(),
    (error) => out.destroy(error),
  );
  // The consumer failed (a disk error, a path taken by a folder): drop the rest, keep the connection.
  out.once('close', abandon);
  return out;
}

export function corsHeaders(req: IncomingMessage): Record<string, string> {
  const origin = req.headers.origin;
  return {
    'access-control-allow-origin': typeof origin === 'string' && origin !== '' ? origin : '*',
    'access-control-allow-methods': 'GET, POST, PUT, DELETE, OPTIONS',
    'access-control-allow-headers':
      req.headers['access-control-request-headers']?.toString() ??
      'content-type, x-wx-openid, x-wx-appid, x-wx-unionid, x-request-id',
    'access-control-expose-headers': 'x-request-id',
    'access-control-max-age': '600',
    vary: 'Origin',
  };
}

export function sendJson(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  body: unknown,
  extra: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...corsHeaders(req),
    'content-type': JSON_TYPE,
    'content-length': String(Buffer.byteLength(text)),
    ...extra,
  });
  res.end(text);
}

export function sendBytes(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  contentType: string,
  body: Buffer | string,
  extra: Record<string, string> = {},
): void {
  res.writeHead(status, {
    ...corsHeaders(req),
    'content-type': contentType,
    'content-length': String(Buffer.byteLength(body)),
    ...extra,
  });
  res.end(body);
}

/**
 * multipart/form-data -> fields; parts with a content type other than text/plain become Buffers.
 * Node's own parser (undici's Request.formData) cannot be used: form-data sends the protobuf part
 * without a filename, and undici then decodes it as UTF-8 text, corrupting the bytes.
 */
export function parseMultipart(body: Buffer, contentType: string): Record<string, unknown> {
  const match = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType);
  const boundary = match?.[1] ?? match?.[2];
  if (!boundary) throw new SyntaxError('multipart body without a boundary');
  const delimiter = Buffer.from(`--${boundary}`);
  const out: Record<string, unknown> = {};
  let pos = body.indexOf(delimiter);
  if (pos < 0) throw new SyntaxError('multipart boundary not found');
  for (;;) {
    pos += delimiter.length;
    if (body.subarray(pos, pos + 2).toString() === '--') return out;
    pos += 2; // CRLF after the delimiter
    const headerEnd = body.indexOf('\r\n\r\n', pos);
    if (headerEnd < 0) throw new SyntaxError('multipart part without headers');
    const headers = body.subarray(pos, headerEnd).toString('utf8');
    const next = body.indexOf(Buffer.from(`\r\n--${boundary}`), headerEnd + 4);
    if (next < 0) throw new SyntaxError('multipart part is not terminated');
    const content = body.subarray(headerEnd + 4, next);
    const name = /content-disposition:[^\r\n]*\bname="([^"]*)"/i.exec(headers)?.[1];
    if (name === undefined) throw new SyntaxError('multipart part without a name');
    const partType = /content-type:\s*([^\r\n;]+)/i.exec(headers)?.[1]?.trim().toLowerCase();
    const value = partType && partType !== 'text/plain' ? Buffer.from(content) : content.toString('utf8');
    Object.defineProperty(out, name, { value, enumerable: true, writable: true, configurable: true });
    pos = next + 2;
  }
}

/** JSON.parse, with the nesting limit, that only accepts an object at the top level. */
export function parseJsonObject(body: Buffer): Record<string, unknown> {
  const text = body.toString('utf8');
  const value: unknown = text.trim() === '' ? {} : parseJson(text);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new SyntaxError('the body must be a JSON object');
  }
  return value as Record<string, unknown>;
}

/**
 * Reads the body within `limit`; on overflow answers 413 with `tooLarge(message)` (in the caller's
 * error shape) at once, while the rest of the body drains; resolves undefined when it answered, or
 * when the client went away.
 */
export async function readBodyOr413(
  req: IncomingMessage,
  res: ServerResponse,
  limit: number,
  tooLarge: (message: string) => Record<string, unknown>,
): Promise<Buffer | undefined> {
  try {
    return await readBody(req, limit);
  } catch (error) {
    if (error instanceof BodyTooLargeError) sendJson(req, res, 413, tooLarge(error.message));
    else if (error instanceof BodyAbortedError) res.destroy();
    else throw error;
    return undefined;
  }
}

/** Answers 405 unless the request is a POST. */
export function requirePost(req: IncomingMessage, res: ServerResponse): boolean {
  if (req.method === 'POST') return true;
  sendJson(req, res, 405, { code: 'METHOD_NOT_ALLOWED', message: 'use POST' }, { allow: 'POST, OPTIONS' });
  return false;
}

/** A request header's first value, or undefined when absent or empty. */
export function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  const text = Array.isArray(value) ? value[0] : value;
  return text === undefined || text === '' ? undefined : text;
}

/** A non-negative integer query parameter, capped at `max`; `fallback` when absent or invalid. */
export function intQuery(url: URL, name: string, fallback: number, max = Number.MAX_SAFE_INTEGER): number {
  const raw = url.searchParams.get(name);
  const value = raw === null ? fallback : Number(raw);
  return Number.isInteger(value) && value >= 0 ? Math.min(value, max) : fallback;
}
