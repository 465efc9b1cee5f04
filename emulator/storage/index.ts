import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { createReadStream, createWriteStream, mkdtempSync } from 'node:fs';
import { copyFile, mkdir, readFile, readdir, rename, rm, rmdir, stat, unlink, writeFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { contentTypeOf } from '../wire/mime';
import { isPlainObject } from '../wire/objects';
import {
  cloudPathProblem,
  defaultBucket,
  encodedUrlPath,
  fileFor,
  fileIdFor,
  parseFileId,
  readableUrlPath,
} from './paths';
import type { LocalStorage, StorageActionResponse, StorageOptions, StoredFile } from './types';

export type * from './types';
export { cloudPathProblem, parseFileId } from './paths';

/** Every upload and download URL the local cloud hands out starts here. */
export const STORAGE_HTTP_PREFIX = '/_storage/';
/** CloudBase refuses more than 50 files in one getTempFileURL or deleteFile call. */
const MAX_BATCH = 50;
/** Upload URLs from getUploadMetadata are used at once by the SDK; COS signs them for minutes. */
const UPLOAD_URL_SECONDS = 15 * 60;

type Method = 'PUT' | 'GET';

function escapeXml(text: string): string {
  return text.replace(/[<>&'"]/g, (char) => `&#${char.charCodeAt(0)};`);
}

/** COS answers failures with this XML; node-sdk's uploadFile reads Code, Message, RequestId and TraceId. */
function sendXmlError(res: ServerResponse, status: number, code: string, message: string, resource: string): void {
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

function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR';
}

/**
 * Cloud storage on local disk, speaking what wx-server-sdk 4.0.2 (node-sdk 3.17.2) sends:
 * uploadFile = `storage.getUploadMetadata` then a PUT of the bytes to the returned URL with the
 * returned `authorization` header (empty body = success, COS XML = failure); getTempFileURL =
 * `storage.batchGetDownloadUrl`; downloadFile = that, then a GET of encodeURI(tempFileURL);
 * deleteFile = `storage.batchDeleteFile`. URLs are signed (HMAC) and expire like COS's.
 */
export function createStorage(options: StorageOptions): LocalStorage {
  const ownsDir = options.dir === undefined;
  const dir = resolve(options.dir ?? mkdtempSync(join(tmpdir(), 'local-cloud-storage-')));
  const bucket = options.bucket ?? defaultBucket(options.envId);
  const root = join(dir, bucket);
  // Bucket names never start with a dot, so partial uploads can never be mistaken for files.
  const partialDir = join(dir, '.partial');
  const defaultMaxAge = options.defaultMaxAge ?? 86_400;
  const secret = randomBytes(32);
  const { envId } = options;

  const baseUrl = (): string =>
    (typeof options.publicUrl === 'function' ? options.publicUrl() : options.publicUrl).replace(/\/+$/, '');
  const now = (): number => Math.floor(Date.now() / 1000);

  function signature(method: Method, cloudPath: string, expires: number): string {
    return createHmac('sha256', secret).update(`${method}\n${bucket}/${cloudPath}\n${expires}`).digest('hex');
  }

  function verify(method: Method, cloudPath: string, expires: number, given: string): boolean {
    const expected = Buffer.from(signature(method, cloudPath, expires), 'hex');
    const actual = Buffer.from(given, 'hex');
    return actual.length === expected.length && timingSafeEqual(actual, expected);
  }

  function signedDownloadUrl(cloudPath: string, maxAge: number): string {
    const expires = now() + maxAge;
    const sign = signature('GET', cloudPath, expires);
    return `${baseUrl()}${STORAGE_HTTP_PREFIX}${bucket}/${readableUrlPath(cloudPath)}?sign=${sign}&t=${expires}`;
  }

  async function isStored(cloudPath: string): Promise<boolean> {
    const file = fileFor(root, cloudPath);
    if (!file) return false;
    try {
      return (await stat(file)).isFile();
    } catch (error) {
      if (isMissing(error)) return false;
      throw error;
    }
  }

  /** Removes now-empty folders up to the bucket root, so a deleted key leaves no trace. */
  async function prune(from: string): Promise<void> {
    let current = from;
    while (current.startsWith(root + sep)) {
      try {
        await rmdir(current);
      } catch {
        return;
      }
      current = dirname(current);
    }
  }

  async function writeStream(cloudPath: string, source: NodeJS.ReadableStream | Buffer): Promise<void> {
    const file = fileFor(root, cloudPath);
    if (!file) throw new Error(`cloudPath escapes the storage folder: ${cloudPath}`);
    await mkdir(dirname(file), { recursive: true });
    await mkdir(partialDir, { recursive: true });
    const partial = join(partialDir, randomUUID());
    try {
      if (Buffer.isBuffer(source)) await writeFile(partial, source);
      else await pipeline(source, createWriteStream(partial));
      await rename(partial, file);
    } catch (error) {
      await rm(partial, { force: true });
      throw error;
    }
  }

  const ok = (data: Record<string, unknown>): StorageActionResponse => ({ requestId: randomUUID(), data });
  const fail = (code: string, message: string): StorageActionResponse => ({ requestId: randomUUID(), code, message });

  function getUploadMetadata(params: Record<string, unknown>): StorageActionResponse {
    const cloudPath = params.path;
    const problem = cloudPathProblem(cloudPath);
    if (problem || typeof cloudPath !== 'string') return fail('INVALID_PARAM', problem ?? 'invalid cloudPath');
    const start = now();
    const expires = start + UPLOAD_URL_SECONDS;
    const sign = signature('PUT', cloudPath, expires);
    return ok({
      url: `${baseUrl()}${STORAGE_HTTP_PREFIX}${bucket}/${encodedUrlPath(cloudPath)}`,
      authorization: `q-sign-algorithm=sha256&q-ak=local-cloud&q-sign-time=${start};${expires}&q-key-time=${start};${expires}&q-signature=${sign}`,
      token: randomBytes(16).toString('hex'),
      fileId: fileIdFor(envId, bucket, cloudPath),
      cosFileId: randomBytes(12).toString('hex'),
      download_url: signedDownloadUrl(cloudPath, defaultMaxAge),
    });
  }

  async function batchGetDownloadUrl(params: Record<string, unknown>): Promise<StorageActionResponse> {
    const list = params.file_list;
    if (!Array.isArray(list) || list.length === 0) return fail('INVALID_PARAM', 'file_list must be a non-empty array');
    if (list.length > MAX_BATCH) return fail('INVALID_PARAM', `at most ${MAX_BATCH} files per request`);
    const downloads = await Promise.all(
      list.map(async (item: unknown) => {
        const fileID = isPlainObject(item) ? item.fileid : undefined;
        const requested = isPlainObject(item) ? Number(item.max_age) : NaN;
        const maxAge = Number.isFinite(requested) && requested > 0 ? Math.floor(requested) : defaultMaxAge;
        const parsed = parseFileId(fileID, envId, bucket);
        if (parsed.kind === 'invalid') {
          return { fileID, tempFileURL: '', code: 'INVALID_PARAM', message: parsed.problem };
        }
        if (parsed.kind === 'elsewhere' || !(await isStored(parsed.cloudPath))) {
          return { fileID, tempFileURL: '', code: 'STORAGE_FILE_NONEXIST', message: 'storage file not exist' };
        }
        return { fileID, tempFileURL: signedDownloadUrl(parsed.cloudPath, maxAge), code: 'SUCCESS', maxAge };
      }),
    );
    return ok({ download_list: downloads });
  }

  async function batchDeleteFile(params: Record<string, unknown>): Promise<StorageActionResponse> {
    const list = params.fileid_list;
    if (!Array.isArray(list) || list.length === 0)
      return fail('INVALID_PARAM', 'fileid_list must be a non-empty array');
    if (list.length > MAX_BATCH) return fail('INVALID_PARAM', `at most ${MAX_BATCH} files per request`);
    const deleted = await Promise.all(
      list.map(async (fileID: unknown) => {
        const parsed = parseFileId(fileID, envId, bucket);
        if (parsed.kind === 'invalid') return { fileID, code: 'INVALID_PARAM', message: parsed.problem };
        const file = parsed.kind === 'ours' ? fileFor(root, parsed.cloudPath) : undefined;
        if (!file) return { fileID, code: 'STORAGE_FILE_NONEXIST', message: 'storage file not exist' };
        try {
          await unlink(file);
        } catch (error) {
          const code = (error as NodeJS.ErrnoException).code;
          // A folder (`a` while `a/b` exists) is not an object key either.
          if (isMissing(error) || code === 'EPERM') {
            return { fileID, code: 'STORAGE_FILE_NONEXIST', message: 'storage file not exist' };
          }
          throw error;
        }
        await prune(dirname(file));
        return { fileID, code: 'SUCCESS' };
      }),
    );
    return ok({ delete_list: deleted });
  }

  /** Copy takes cloud paths or fileIDs (node-sdk passes what the caller gave). */
  function pathOf(value: unknown): string | undefined {
    if (typeof value === 'string' && value.startsWith('cloud://')) {
      const parsed = parseFileId(value, envId, bucket);
      return parsed.kind === 'ours' ? parsed.cloudPath : undefined;
    }
    return cloudPathProblem(value) === undefined ? (value as string) : undefined;
  }

  async function batchCopyFile(params: Record<string, unknown>): Promise<StorageActionResponse> {
    const list = params.file_list;
    if (!Array.isArray(list) || list.length === 0) return fail('INVALID_PARAM', 'file_list must be a non-empty array');
    const copies = [];
    for (const item of list as unknown[]) {
      const source = isPlainObject(item) ? pathOf(item.src_path) : undefined;
      const target = isPlainObject(item) ? pathOf(item.dst_path) : undefined;
      if (!isPlainObject(item) || source === undefined || target === undefined) {
        copies.push({ fileID: isPlainObject(item) ? item.dst_path : undefined, code: 'INVALID_PARAM' });
        continue;
      }
      const fileID = fileIdFor(envId, bucket, target);
      if (!(await isStored(source))) {
        copies.push({ fileID, code: 'STORAGE_FILE_NONEXIST', message: 'storage file not exist' });
        continue;
      }
      if (item.overwrite === false && (await isStored(target))) {
        copies.push({ fileID, code: 'STORAGE_FILE_EXIST', message: 'destination exists and overwrite is false' });
        continue;
      }
      const from = fileFor(root, source) as string;
      const to = fileFor(root, target) as string;
      await mkdir(dirname(to), { recursive: true });
      await copyFile(from, to);
      if (item.remove_original === true) {
        await unlink(from);
        await prune(dirname(from));
      }
      copies.push({ fileID, code: 'SUCCESS' });
    }
    return ok({ copy_list: copies });
  }

  async function serveUpload(req: IncomingMessage, res: ServerResponse, candidates: string[]): Promise<void> {
    const auth = new URLSearchParams(String(req.headers.authorization ?? ''));
    const sign = auth.get('q-signature') ?? '';
    const expires = Number((auth.get('q-key-time') ?? '').split(';')[1]);
    const cloudPath = candidates.find((candidate) => verify('PUT', candidate, expires, sign));
    if (cloudPath === undefined) {
      sendXmlError(res, 403, 'SignatureDoesNotMatch', 'The upload signature does not match this path', req.url ?? '');
      return;
    }
    if (expires < now()) {
      sendXmlError(res, 403, 'AccessDenied', 'Request has expired', req.url ?? '');
      return;
    }
    try {
      await writeStream(cloudPath, req);
    } catch (error) {
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
    req: IncomingMessage,
    res: ServerResponse,
    candidates: string[],
    query: URLSearchParams,
  ): Promise<void> {
    const expires = Number(query.get('t'));
    const sign = query.get('sign') ?? '';
    const cloudPath = candidates.find((candidate) => verify('GET', candidate, expires, sign));
    if (cloudPath === undefined) {
      sendXmlError(res, 403, 'AccessDenied', 'Missing or invalid signature', req.url ?? '');
      return;
    }
    if (expires < now()) {
      sendXmlError(res, 403, 'AccessDenied', 'Request has expired', req.url ?? '');
      return;
    }
    const file = fileFor(root, cloudPath) as string;
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

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // The browser preview shows and fetches these URLs from its own origin.
    res.setHeader('Access-Control-Allow-Origin', '*');
    res.setHeader('Access-Control-Expose-Headers', 'Content-Length, Content-Type, ETag, x-cos-request-id');
    if (req.method === 'OPTIONS') {
      res.writeHead(204, {
        'Access-Control-Allow-Methods': 'GET, HEAD, PUT, OPTIONS',
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
    if (urlBucket !== bucket) {
      sendXmlError(res, 404, 'NoSuchBucket', 'The specified bucket does not exist.', url);
      return;
    }
    const candidates = decodeCandidates(slash === -1 ? '' : pathPart.slice(slash + 1));
    if (candidates.length === 0) {
      sendXmlError(res, 400, 'InvalidURI', 'Invalid object key', url);
      return;
    }
    if (req.method === 'PUT') await serveUpload(req, res, candidates);
    else if (req.method === 'GET' || req.method === 'HEAD') await serveDownload(req, res, candidates, query);
    else sendXmlError(res, 405, 'MethodNotAllowed', `${req.method ?? ''} is not allowed`, url);
  }

  return {
    root,
    bucket,

    async handleAction(action, params) {
      try {
        switch (action) {
          case 'storage.getUploadMetadata':
            return getUploadMetadata(params);
          case 'storage.batchGetDownloadUrl':
            return await batchGetDownloadUrl(params);
          case 'storage.batchDeleteFile':
            return await batchDeleteFile(params);
          case 'storage.batchCopyFile':
            return await batchCopyFile(params);
          default:
            return fail('INVALID_PARAM', `${action} is not supported by the local cloud`);
        }
      } catch (error) {
        return fail('STORAGE_REQUEST_FAIL', (error as Error).message);
      }
    },

    handleHttp(req, res) {
      if (!(req.url ?? '').startsWith(STORAGE_HTTP_PREFIX)) return false;
      serve(req, res).catch((error: unknown) => {
        sendXmlError(res, 500, 'InternalError', (error as Error).message, req.url ?? '');
      });
      return true;
    },

    fileIdFor: (cloudPath) => fileIdFor(envId, bucket, cloudPath),

    async downloadUrl(fileID, maxAgeSeconds = defaultMaxAge) {
      const parsed = parseFileId(fileID, envId, bucket);
      if (parsed.kind !== 'ours' || !(await isStored(parsed.cloudPath))) return undefined;
      return signedDownloadUrl(parsed.cloudPath, maxAgeSeconds);
    },

    async put(cloudPath, content) {
      const problem = cloudPathProblem(cloudPath);
      if (problem) throw new Error(problem);
      await writeStream(cloudPath, Buffer.isBuffer(content) ? content : Buffer.from(content));
      return fileIdFor(envId, bucket, cloudPath);
    },

    async read(fileID) {
      const parsed = parseFileId(fileID, envId, bucket);
      const file = parsed.kind === 'ours' ? fileFor(root, parsed.cloudPath) : undefined;
      if (!file) return undefined;
      try {
        return await readFile(file);
      } catch (error) {
        if (isMissing(error)) return undefined;
        throw error;
      }
    },

    async list() {
      const files: StoredFile[] = [];
      let entries;
      try {
        entries = await readdir(root, { recursive: true, withFileTypes: true });
      } catch (error) {
        if (isMissing(error)) return files;
        throw error;
      }
      for (const entry of entries) {
        if (!entry.isFile()) continue;
        const file = join(entry.parentPath, entry.name);
        const cloudPath = relative(root, file).split(sep).join('/');
        const info = await stat(file);
        files.push({
          fileID: fileIdFor(envId, bucket, cloudPath),
          cloudPath,
          size: info.size,
          contentType: contentTypeOf(cloudPath),
          updatedAt: info.mtime,
        });
      }
      return files.sort((a, b) => a.cloudPath.localeCompare(b.cloudPath));
    },

    async close() {
      if (ownsDir) await rm(dir, { recursive: true, force: true });
      else await rm(partialDir, { recursive: true, force: true });
    },
  };
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
