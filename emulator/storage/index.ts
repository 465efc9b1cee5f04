/**
 * CloudBase cloud storage (云存储) on local disk: the SDK's `storage.*` actions, signed upload and
 * download URLs that expire like COS's, and the files kept under the data folder.
 */
import { mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { InspectorRequest, Service } from '../service';
import { sendBytes } from '../wire/http';
import { contentTypeOf } from '../wire/mime';
import { handleStorageAction, type StorageParts } from './actions';
import { StorageDisk } from './disk';
import { sendXmlError, serveStorage } from './http';
import { cloudPathProblem, defaultBucket, fileIdFor, parseFileId } from './paths';
import { STORAGE_HTTP_PREFIX, UrlSigner } from './signing';
import type { LocalStorage, StorageOptions } from './types';

export type * from './types';
export { cloudPathProblem, parseFileId } from './paths';
export { STORAGE_HTTP_PREFIX } from './signing';

/** COS takes at most 5 GB in one PUT (larger files go in parts, which the SDK never uses). */
const COS_PUT_LIMIT = 5 * 1024 ** 3;

export function createStorage(options: StorageOptions): LocalStorage {
  const ownsDir = options.dir === undefined;
  const dir = resolve(options.dir ?? mkdtempSync(join(tmpdir(), 'local-cloud-storage-')));
  const bucket = options.bucket ?? defaultBucket(options.envId);
  const { envId } = options;
  const disk = new StorageDisk(dir, join(dir, bucket));
  const baseUrl = (): string =>
    (typeof options.publicUrl === 'function' ? options.publicUrl() : options.publicUrl).replace(/\/+$/, '');
  const parts: StorageParts = {
    envId,
    bucket,
    disk,
    signer: new UrlSigner(bucket, baseUrl),
    defaultMaxAge: options.defaultMaxAge ?? 86_400,
    uploadLimit: options.uploadLimitBytes ?? COS_PUT_LIMIT,
  };
  const ours = (fileID: string): string | undefined => {
    const parsed = parseFileId(fileID, envId, bucket);
    return parsed.kind === 'ours' ? parsed.cloudPath : undefined;
  };

  return {
    root: disk.root,
    bucket,
    handleAction: (action, params) => handleStorageAction(parts, action, params),

    handleHttp(req, res) {
      if (!(req.url ?? '').startsWith(STORAGE_HTTP_PREFIX)) return false;
      serveStorage(parts, req, res).catch((error: unknown) => {
        sendXmlError(res, 500, 'InternalError', (error as Error).message, req.url ?? '');
      });
      return true;
    },

    fileIdFor: (cloudPath) => fileIdFor(envId, bucket, cloudPath),

    async downloadUrl(fileID, maxAgeSeconds = parts.defaultMaxAge) {
      const cloudPath = ours(fileID);
      if (cloudPath === undefined || !(await disk.isStored(cloudPath))) return undefined;
      return parts.signer.downloadUrl(cloudPath, maxAgeSeconds);
    },

    async put(cloudPath, content) {
      const problem = cloudPathProblem(cloudPath);
      if (problem) throw new Error(problem);
      await disk.write(cloudPath, Buffer.isBuffer(content) ? content : Buffer.from(content));
      return fileIdFor(envId, bucket, cloudPath);
    },

    async read(fileID) {
      const cloudPath = ours(fileID);
      return cloudPath === undefined ? undefined : disk.read(cloudPath);
    },

    async list() {
      return (await disk.list()).map(({ cloudPath, size, updatedAt }) => ({
        fileID: fileIdFor(envId, bucket, cloudPath),
        cloudPath,
        size,
        contentType: contentTypeOf(cloudPath),
        updatedAt,
      }));
    },

    async close() {
      if (ownsDir) await rm(dir, { recursive: true, force: true });
      else await rm(disk.partialDir, { recursive: true, force: true });
    },
  };
}

export interface StorageService extends Service {
  readonly storage: LocalStorage;
}

/**
 * The inspector's file routes, how the browser preview (and component tests) do wx.cloud.uploadFile:
 *   PUT /_/api/files?cloudPath=a/b.png   raw body stored as that file: {fileID}
 *   GET /_/api/files?fileID=cloud://...  the file's bytes
 */
async function files(storage: LocalStorage, request: InspectorRequest): Promise<boolean> {
  const { req, res, url, method, route, json } = request;
  if (route.length !== 1 || (method !== 'PUT' && method !== 'GET')) return false;
  if (method === 'GET') {
    const fileID = url.searchParams.get('fileID') ?? '';
    const content = fileID ? await storage.read(fileID).catch(() => undefined) : undefined;
    if (!content) json(404, { code: 'STORAGE_FILE_NONEXIST', message: `no file ${fileID || '(fileID missing)'}` });
    else sendBytes(req, res, 200, 'application/octet-stream', content);
    return true;
  }
  const cloudPath = url.searchParams.get('cloudPath') ?? '';
  const body = await request.bytes();
  if (!body) return true;
  try {
    json(200, { fileID: await storage.put(cloudPath, body) });
  } catch (error) {
    // The storage refuses empty, absolute and traversing paths with a message worth showing.
    json(400, { code: 'INVALID_PARAM', message: (error as Error).message });
  }
  return true;
}

export function createStorageService(options: StorageOptions): StorageService {
  const storage = createStorage(options);
  return {
    name: 'storage',
    storage,
    actions: ['storage.'],
    admin: async (action, params) => ({ kind: 'json', body: await storage.handleAction(action, params) }),
    routes: { [STORAGE_HTTP_PREFIX]: (req, res) => storage.handleHttp(req, res) },
    inspector: { files: (request) => files(storage, request) },
    close: () => storage.close(),
  };
}
