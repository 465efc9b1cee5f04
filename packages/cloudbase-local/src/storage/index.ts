/**
 * CloudBase cloud storage (云存储) on local disk: the SDK's `storage.*` actions, signed upload and
 * download URLs that expire like COS's, and the files kept under the data folder.
 */
import { mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Service } from '../service';
import { contentTypeOf } from '../wire/mime';
import { handleStorageAction, type StorageParts } from './actions';
import { StorageDisk, type DiskEntry } from './disk';
import { sendXmlError, serveStorage } from './http';
import { storageInspector, storageLive } from './inspector';
import { cloudPathProblem, defaultBucket, fileIdFor, parseFileId } from './paths';
import { STORAGE_HTTP_PREFIX, UrlSigner } from './signing';
import type { LocalStorage, StorageOptions, StoredFile } from './types';

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
    ...(options.callerOf ? { callerOf: options.callerOf } : {}),
    pending: new Map(),
  };
  const ours = (fileID: string): string | undefined => {
    const parsed = parseFileId(fileID, envId, bucket);
    return parsed.kind === 'ours' ? parsed.cloudPath : undefined;
  };
  const described = ({ cloudPath, size, updatedAt, meta }: DiskEntry): StoredFile => {
    const declared = meta?.contentType;
    const file: StoredFile = {
      fileID: fileIdFor(envId, bucket, cloudPath),
      cloudPath,
      size,
      // A generic declared type says less than the file's extension does.
      contentType: declared && declared !== 'application/octet-stream' ? declared : contentTypeOf(cloudPath),
      updatedAt,
    };
    if (meta?.openid || meta?.function) {
      file.uploader = {
        ...(meta.openid ? { openid: meta.openid } : {}),
        ...(meta.function ? { function: meta.function } : {}),
      };
    }
    return file;
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

    async put(cloudPath, content, meta) {
      const problem = cloudPathProblem(cloudPath);
      if (problem) throw new Error(problem);
      await disk.write(cloudPath, Buffer.isBuffer(content) ? content : Buffer.from(content), meta);
      return fileIdFor(envId, bucket, cloudPath);
    },

    async read(fileID) {
      const cloudPath = ours(fileID);
      return cloudPath === undefined ? undefined : disk.read(cloudPath);
    },

    async list() {
      return (await disk.list()).map(described);
    },

    async stat(fileID) {
      const cloudPath = ours(fileID);
      if (cloudPath === undefined) return undefined;
      const entry = await disk.entry(cloudPath);
      return entry && described(entry);
    },

    async remove(fileID) {
      const cloudPath = ours(fileID);
      return cloudPath !== undefined && disk.remove(cloudPath);
    },

    clear: () => disk.clear(),

    onChange: (listener) => disk.onChange(listener),

    async close() {
      if (ownsDir) await rm(dir, { recursive: true, force: true });
      else await rm(disk.partialDir, { recursive: true, force: true });
    },
  };
}

export interface StorageService extends Service {
  readonly storage: LocalStorage;
}

export function createStorageService(options: StorageOptions): StorageService {
  const storage = createStorage(options);
  return {
    name: 'storage',
    storage,
    actions: ['storage.'],
    admin: async (action, params) => ({ kind: 'json', body: await storage.handleAction(action, params) }),
    routes: { [STORAGE_HTTP_PREFIX]: (req, res) => storage.handleHttp(req, res) },
    inspector: storageInspector(storage),
    ...storageLive(storage),
    close: () => storage.close(),
  };
}
