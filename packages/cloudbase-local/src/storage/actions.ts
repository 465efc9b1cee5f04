/**
 * The SDK's `storage.*` actions, as wx-server-sdk 4.0.2 (node-sdk 3.17.2) sends them:
 * uploadFile = `storage.getUploadMetadata` then a PUT of the bytes to the returned URL;
 * getTempFileURL = `storage.batchGetDownloadUrl`; downloadFile = that, then a GET;
 * deleteFile = `storage.batchDeleteFile`; copyFile = `storage.batchCopyFile`; getFileAuthority =
 * `storage.getFileAuthority`.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { isPlainObject } from '../wire/objects';
import type { StorageDisk } from './disk';
import type { FileMeta } from './meta';
import { cloudPathProblem, fileIdFor, parseFileId } from './paths';
import { nowSeconds, type UrlSigner } from './signing';
import type { StorageActionResponse, UploadCaller } from './types';

/** CloudBase refuses more than 50 files in one getTempFileURL or deleteFile call. */
const MAX_BATCH = 50;
/** Upload URLs from getUploadMetadata are used at once by the SDK; COS signs them for minutes. */
const UPLOAD_URL_SECONDS = 15 * 60;

export interface StorageParts {
  envId: string;
  bucket: string;
  disk: StorageDisk;
  signer: UrlSigner;
  /** Seconds a download URL stays valid when the caller gives no maxAge. */
  defaultMaxAge: number;
  /** Largest file one upload may carry. */
  uploadLimit: number;
  callerOf?: UploadCaller;
  /** Uploads signed but not yet sent, by cloud path: who asked, until the URL expires. */
  pending: Map<string, { meta: FileMeta; expires: number }>;
}

/** Who asked for the upload URL of `cloudPath`, once its bytes arrive (then forgotten). */
export function takePendingUpload(parts: StorageParts, cloudPath: string): FileMeta {
  const entry = parts.pending.get(cloudPath);
  parts.pending.delete(cloudPath);
  return entry && entry.expires >= nowSeconds() ? entry.meta : {};
}

function rememberUploader(parts: StorageParts, cloudPath: string, params: Record<string, unknown>): void {
  const now = nowSeconds();
  for (const [path, entry] of parts.pending) if (entry.expires < now) parts.pending.delete(path);
  const caller = parts.callerOf?.(params);
  if (!caller) return;
  const meta: FileMeta = { function: caller.function };
  if (caller.openid) meta.openid = caller.openid;
  parts.pending.set(cloudPath, { meta, expires: now + UPLOAD_URL_SECONDS });
}

const ok = (data: Record<string, unknown> | unknown[]): StorageActionResponse => ({ requestId: randomUUID(), data });
const fail = (code: string, message: string): StorageActionResponse => ({ requestId: randomUUID(), code, message });
const NONEXIST = { code: 'STORAGE_FILE_NONEXIST', message: 'storage file not exist' } as const;

function getUploadMetadata(parts: StorageParts, params: Record<string, unknown>): StorageActionResponse {
  const cloudPath = params.path;
  const problem = cloudPathProblem(cloudPath);
  if (problem || typeof cloudPath !== 'string') return fail('INVALID_PARAM', problem ?? 'invalid cloudPath');
  rememberUploader(parts, cloudPath, params);
  const { url, authorization } = parts.signer.upload(cloudPath, UPLOAD_URL_SECONDS);
  return ok({
    url,
    authorization,
    token: randomBytes(16).toString('hex'),
    fileId: fileIdFor(parts.envId, parts.bucket, cloudPath),
    cosFileId: randomBytes(12).toString('hex'),
    download_url: parts.signer.downloadUrl(cloudPath, parts.defaultMaxAge),
  });
}

async function batchGetDownloadUrl(
  parts: StorageParts,
  params: Record<string, unknown>,
): Promise<StorageActionResponse> {
  const list = params.file_list;
  if (!Array.isArray(list) || list.length === 0) return fail('INVALID_PARAM', 'file_list must be a non-empty array');
  if (list.length > MAX_BATCH) return fail('INVALID_PARAM', `at most ${MAX_BATCH} files per request`);
  const downloads = await Promise.all(
    list.map(async (item: unknown) => {
      const fileID = isPlainObject(item) ? item.fileid : undefined;
      const requested = isPlainObject(item) ? Number(item.max_age) : NaN;
      const maxAge = Number.isFinite(requested) && requested > 0 ? Math.floor(requested) : parts.defaultMaxAge;
      const parsed = parseFileId(fileID, parts.envId, parts.bucket);
      if (parsed.kind === 'invalid') {
        return { fileID, tempFileURL: '', code: 'INVALID_PARAM', message: parsed.problem };
      }
      if (parsed.kind === 'elsewhere' || !(await parts.disk.isStored(parsed.cloudPath))) {
        return { fileID, tempFileURL: '', ...NONEXIST };
      }
      return { fileID, tempFileURL: parts.signer.downloadUrl(parsed.cloudPath, maxAge), code: 'SUCCESS', maxAge };
    }),
  );
  return ok({ download_list: downloads });
}

async function batchDeleteFile(parts: StorageParts, params: Record<string, unknown>): Promise<StorageActionResponse> {
  const list = params.fileid_list;
  if (!Array.isArray(list) || list.length === 0) return fail('INVALID_PARAM', 'fileid_list must be a non-empty array');
  if (list.length > MAX_BATCH) return fail('INVALID_PARAM', `at most ${MAX_BATCH} files per request`);
  const deleted = await Promise.all(
    list.map(async (fileID: unknown) => {
      const parsed = parseFileId(fileID, parts.envId, parts.bucket);
      if (parsed.kind === 'invalid') return { fileID, code: 'INVALID_PARAM', message: parsed.problem };
      const removed = parsed.kind === 'ours' && (await parts.disk.remove(parsed.cloudPath));
      return removed ? { fileID, code: 'SUCCESS' } : { fileID, ...NONEXIST };
    }),
  );
  return ok({ delete_list: deleted });
}

/**
 * Whether a user may read or write each file, under CloudBase's default storage rule (everyone
 * reads, the uploader writes); node-sdk asks on behalf of a signed-in user only.
 */
async function getFileAuthority(parts: StorageParts, params: Record<string, unknown>): Promise<StorageActionResponse> {
  const list = params.fileList;
  if (!Array.isArray(list) || list.length === 0) return fail('INVALID_PARAM', 'fileList must be a non-empty array');
  const user = typeof params.openId === 'string' && params.openId !== '' ? params.openId : undefined;
  const answers = await Promise.all(
    list.map(async (item: unknown) => {
      const path = isPlainObject(item) ? item.path : undefined;
      const parsed = parseFileId(path, parts.envId, parts.bucket);
      const entry = parsed.kind === 'ours' ? await parts.disk.entry(parsed.cloudPath) : undefined;
      if (!entry) return { path, ...NONEXIST };
      const cosFileId = createHash('sha256').update(entry.cloudPath).digest('hex').slice(0, 24);
      return { path, cosFileId, read: true, write: user !== undefined && entry.meta?.openid === user };
    }),
  );
  return ok(answers);
}

/** Copy takes cloud paths or fileIDs (node-sdk passes what the caller gave). */
function pathOf(parts: StorageParts, value: unknown): string | undefined {
  if (typeof value === 'string' && value.startsWith('cloud://')) {
    const parsed = parseFileId(value, parts.envId, parts.bucket);
    return parsed.kind === 'ours' ? parsed.cloudPath : undefined;
  }
  return cloudPathProblem(value) === undefined ? (value as string) : undefined;
}

async function batchCopyFile(parts: StorageParts, params: Record<string, unknown>): Promise<StorageActionResponse> {
  const list = params.file_list;
  if (!Array.isArray(list) || list.length === 0) return fail('INVALID_PARAM', 'file_list must be a non-empty array');
  const copies = [];
  for (const item of list as unknown[]) {
    const source = isPlainObject(item) ? pathOf(parts, item.src_path) : undefined;
    const target = isPlainObject(item) ? pathOf(parts, item.dst_path) : undefined;
    if (!isPlainObject(item) || source === undefined || target === undefined) {
      copies.push({ fileID: isPlainObject(item) ? item.dst_path : undefined, code: 'INVALID_PARAM' });
      continue;
    }
    const fileID = fileIdFor(parts.envId, parts.bucket, target);
    if (!(await parts.disk.isStored(source))) {
      copies.push({ fileID, ...NONEXIST });
      continue;
    }
    if (item.overwrite === false && (await parts.disk.isStored(target))) {
      copies.push({ fileID, code: 'STORAGE_FILE_EXIST', message: 'destination exists and overwrite is false' });
      continue;
    }
    await parts.disk.copy(source, target, item.remove_original === true);
    copies.push({ fileID, code: 'SUCCESS' });
  }
  return ok({ copy_list: copies });
}

/** Never throws: failures are answered in CloudBase's `{ code, message }` shape. */
export async function handleStorageAction(
  parts: StorageParts,
  action: string,
  params: Record<string, unknown>,
): Promise<StorageActionResponse> {
  try {
    switch (action) {
      case 'storage.getUploadMetadata':
        return getUploadMetadata(parts, params);
      case 'storage.batchGetDownloadUrl':
        return await batchGetDownloadUrl(parts, params);
      case 'storage.batchDeleteFile':
        return await batchDeleteFile(parts, params);
      case 'storage.batchCopyFile':
        return await batchCopyFile(parts, params);
      case 'storage.getFileAuthority':
        return await getFileAuthority(parts, params);
      default:
        return fail('INVALID_PARAM', `${action} is not supported by the local cloud`);
    }
  } catch (error) {
    return fail('STORAGE_REQUEST_FAIL', (error as Error).message);
  }
}
