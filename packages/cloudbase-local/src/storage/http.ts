/**
 * The upload (PUT, or a POST form) and download (GET/HEAD) URLs storage hands out, all under
 * `/_storage/`, answering as COS does: an empty 200 for an upload (204 for a form), the bytes for a
 * download, COS's XML on failure.
 */
import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { BodyAbortedError, BodyTooLargeError, boundedBody, formatBytes, parseMultipart, readBody } from '../wire/http';
import { contentTypeOf } from '../wire/mime';
import { takePendingUpload, type StorageParts } from './actions';
import { isMissing } from './disk';
import { cloudPathProblem } from './paths';
import { nowSeconds, STORAGE_HTTP_PREFIX } from './signing';

function escapeXml(text: string): string {
  return text.replace(/[<>&'"]/g, (char) => `&#${char.charCodeAt(0)};`);
}

/** COS answers failures with this XML; node-sdk's uploadFile reads Code, Message, RequestId and TraceId. */
export function sendXmlError(
  res: ServerResponse,
  status: number,
  code: string,
  message: string,
  resource: string,
): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const requestId = randomUUID();
  const body =
    `<?xml version='1.0' encoding='utf-8' ?>\n<Error><Code>${code}</Code><Message>${escapeXml(message)}</Message>` +
    `<Resource>${escapeXml(resource)}</Resource><RequestId>${requestId}</RequestId>` +
    `<TraceId>${requestId}</TraceId></Error>`;
  res.writeHead(status, {
    'Content-Type': 'application/xml',
    'Content-Length': Buffer.byteLength(body),
    'x-cos-request-id': requestId,
  });
  res.end(body);
}

function tooLarge(res: ServerResponse, error: BodyTooLargeError, resource: string): void {
  sendXmlError(
    res,
    413,
    'EntityTooLarge',
    `Your proposed upload exceeds the ${formatBytes(error.limit)} limit`,
    resource,
  );
}

/**
 * The cloud paths a URL path may stand for: decoded once (browsers, our upload URLs) and, when that
 * still holds escapes, twice (node-sdk runs encodeURI over a tempFileURL that already has `%23`).
 * The URL's signature then picks the one it was issued for.
 */
function decodeCandidates(raw: string): string[] {
  const candidates: string[] = [];
  let current = raw;
  for (let round = 0; round < 2; round += 1) {
    try {
      current = decodeURIComponent(current);
    } catch {
      break;
    }
    if (cloudPathProblem(current) === undefined) candidates.push(current);
    if (!current.includes('%')) break;
  }
  return candidates;
}

/** The cloud path an upload's COS-style authorization was signed for, or undefined once it has answered. */
function signedUploadPath(
  parts: StorageParts,
  req: IncomingMessage,
  res: ServerResponse,
  candidates: string[],
  authorization: string,
): string | undefined {
  const auth = new URLSearchParams(authorization);
  const sign = auth.get('q-signature') ?? '';
  const expires = Number((auth.get('q-key-time') ?? '').split(';')[1]);
  const cloudPath = candidates.find((candidate) => parts.signer.verify('PUT', candidate, expires, sign));
  if (cloudPath === undefined) {
    sendXmlError(res, 403, 'SignatureDoesNotMatch', 'The upload signature does not match this path', req.url ?? '');
    return undefined;
  }
  if (expires < nowSeconds()) {
    sendXmlError(res, 403, 'AccessDenied', 'Request has expired', req.url ?? '');
    return undefined;
  }
  return cloudPath;
}

/**
 * COS's PostObject, which @cloudbase/node-sdk 2.x (wx-server-sdk 2.x and 3.x) uploads with: a form
 * whose `Signature` is the authorization getUploadMetadata gave and whose `file` is the bytes. The
 * form is read whole, so it is held in memory up to the upload limit.
 */
async function serveFormUpload(
  parts: StorageParts,
  req: IncomingMessage,
  res: ServerResponse,
  candidates: string[],
): Promise<void> {
  let fields: Record<string, unknown>;
  try {
    fields = parseMultipart(await readBody(req, parts.uploadLimit), String(req.headers['content-type'] ?? ''));
  } catch (error) {
    if (error instanceof BodyTooLargeError) tooLarge(res, error, '');
    else if (error instanceof SyntaxError) {
      sendXmlError(res, 400, 'MalformedPOSTRequest', error.message, req.url ?? '');
    } else res.destroy();
    return;
  }
  const cloudPath = signedUploadPath(parts, req, res, candidates, String(fields.Signature ?? ''));
  if (cloudPath === undefined) return;
  const file = fields.file;
  if (file === undefined) {
    sendXmlError(res, 400, 'MalformedPOSTRequest', 'The form has no file field', cloudPath);
    return;
  }
  await parts.disk.write(
    cloudPath,
    Buffer.isBuffer(file) ? file : Buffer.from(String(file)),
    takePendingUpload(parts, cloudPath),
  );
  res.writeHead(204, { 'x-cos-request-id': randomUUID() });
  res.end();
}

async function serveUpload(
  parts: StorageParts,
  req: IncomingMessage,
  res: ServerResponse,
  candidates: string[],
): Promise<void> {
  const cloudPath = signedUploadPath(parts, req, res, candidates, String(req.headers.authorization ?? ''));
  if (cloudPath === undefined) return;
  const body = boundedBody(req, parts.uploadLimit);
  try {
    const meta = takePendingUpload(parts, cloudPath);
    const contentType = req.headers['content-type'];
    if (contentType) meta.contentType = contentType;
    await parts.disk.write(cloudPath, body, meta);
  } catch (error) {
    // Whatever failed, the rest of the body is dropped, not left paused on a connection.
    body.destroy();
    // The body's own failure, when there is one, says why (the pipeline may only see it end early).
    const cause = body.errored ?? error;
    if (cause instanceof BodyTooLargeError) {
      tooLarge(res, cause, cloudPath);
      return;
    }
    if (cause instanceof BodyAbortedError) {
      res.destroy();
      return;
    }
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EISDIR' || code === 'ENOTDIR' || code === 'EEXIST') {
      // COS keys `a` and `a/b` can coexist; folders on disk cannot.
      sendXmlError(
        res,
        409,
        'KeyConflict',
        `"${cloudPath}" collides with a folder or file of the same name`,
        cloudPath,
      );
      return;
    }
    throw error;
  }
  res.writeHead(200, { 'Content-Length': 0, 'x-cos-request-id': randomUUID() });
  res.end();
}

async function serveDownload(
  parts: StorageParts,
  req: IncomingMessage,
  res: ServerResponse,
  candidates: string[],
  query: URLSearchParams,
): Promise<void> {
  const expires = Number(query.get('t'));
  const sign = query.get('sign') ?? '';
  const cloudPath = candidates.find((candidate) => parts.signer.verify('GET', candidate, expires, sign));
  if (cloudPath === undefined) {
    sendXmlError(res, 403, 'AccessDenied', 'Missing or invalid signature', req.url ?? '');
    return;
  }
  if (expires < nowSeconds()) {
    sendXmlError(res, 403, 'AccessDenied', 'Request has expired', req.url ?? '');
    return;
  }
  const file = parts.disk.fileOf(cloudPath) as string;
  let size: number;
  let modified: Date;
  try {
    const info = await stat(file);
    if (!info.isFile()) throw Object.assign(new Error('not a file'), { code: 'EISDIR' });
    size = info.size;
    modified = info.mtime;
  } catch (error) {
    if (!isMissing(error)) throw error;
    sendXmlError(res, 404, 'NoSuchKey', 'The specified key does not exist.', cloudPath);
    return;
  }
  res.writeHead(200, {
    'Content-Type': contentTypeOf(cloudPath),
    'Content-Length': size,
    'Last-Modified': modified.toUTCString(),
    ETag: `"${size.toString(16)}-${modified.getTime().toString(16)}"`,
    'Cache-Control': 'private, max-age=0',
  });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  await pipeline(createReadStream(file), res);
}

export async function serveStorage(parts: StorageParts, req: IncomingMessage, res: ServerResponse): Promise<void> {
  // The browser preview shows and fetches these URLs from its own origin.
  res.setHeader('Access-Control-Allow-Origin', '*');
  res.setHeader('Access-Control-Expose-Headers', 'Content-Length, Content-Type, ETag, x-cos-request-id');
  if (req.method === 'OPTIONS') {
    res.writeHead(204, {
      'Access-Control-Allow-Methods': 'GET, HEAD, PUT, POST, OPTIONS',
      'Access-Control-Allow-Headers': 'Authorization, Content-Type, x-cos-security-token, x-cos-meta-fileid, key',
    });
    res.end();
    return;
  }
  const url = req.url ?? '';
  const queryAt = url.indexOf('?');
  const pathPart = url.slice(STORAGE_HTTP_PREFIX.length, queryAt === -1 ? undefined : queryAt);
  const query = new URLSearchParams(queryAt === -1 ? '' : url.slice(queryAt + 1));
  const slash = pathPart.indexOf('/');
  const urlBucket = slash === -1 ? pathPart : pathPart.slice(0, slash);
  if (urlBucket !== parts.bucket) {
    sendXmlError(res, 404, 'NoSuchBucket', 'The specified bucket does not exist.', url);
    return;
  }
  const candidates = decodeCandidates(slash === -1 ? '' : pathPart.slice(slash + 1));
  if (candidates.length === 0) {
    sendXmlError(res, 400, 'InvalidURI', 'Invalid object key', url);
    return;
  }
  if (req.method === 'PUT') await serveUpload(parts, req, res, candidates);
  else if (req.method === 'POST') await serveFormUpload(parts, req, res, candidates);
  else if (req.method === 'GET' || req.method === 'HEAD') await serveDownload(parts, req, res, candidates, query);
  else sendXmlError(res, 405, 'MethodNotAllowed', `${req.method ?? ''} is not allowed`, url);
}
