/** Small node:http helpers: bounded body reading, JSON answers, CORS, method checks. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseJson } from './json';

export const JSON_TYPE = 'application/json; charset=utf-8';

export class BodyTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`request body exceeds the ${formatBytes(limit)} limit`);
    this.name = 'BodyTooLargeError';
  }
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB`;
  if (bytes >= 1024) return `${Math.round((bytes / 1024) * 10) / 10} KB`;
  return `${bytes} bytes`;
}

/**
 * Reads the whole body, refusing more than `limit` bytes. On overflow the rest is drained (up to a
 * bound) rather than the socket reset, so the client can read our 413 instead of an EPIPE.
 */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    const chunks: Buffer[] = [];
    let size = 0;
    let overflow = Number.isFinite(declared) && declared > limit;
    const drainCap = limit * 4 + 1024 * 1024;
    const finish = (): void => {
      if (overflow) reject(new BodyTooLargeError(limit));
      else resolve(Buffer.concat(chunks, size));
    };
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (!overflow && size > limit) {
        overflow = true;
        chunks.length = 0;
      }
      if (overflow) {
        if (size > drainCap) {
          reject(new BodyTooLargeError(limit));
          req.destroy();
        }
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', finish);
    req.on('error', reject);
  });
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
 * error shape) and closes the connection, resolving undefined.
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
    if (!(error instanceof BodyTooLargeError)) throw error;
    sendJson(req, res, 413, tooLarge(error.message), { connection: 'close' });
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
