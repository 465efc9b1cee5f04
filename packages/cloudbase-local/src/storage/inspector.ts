/**
 * Storage's part of the inspector's JSON API, of an export over HTTP, of "clear all data" and of
 * the live events.
 *   GET    /_/api/storage                        {bucket, files: [{fileID, cloudPath, size, contentType,
 *                                                updatedAt, uploader?}]}
 *   PUT    /_/api/files?cloudPath=a/b.png        raw body stored as that file: {fileID} (how the
 *                                                browser preview uploads; x-wx-openid names the user)
 *   GET    /_/api/files?fileID=cloud://...       the file's bytes
 *   DELETE /_/api/files?fileID=cloud://...       deletes it
 */
import type { InspectorRequest, InspectorRoute, RestoreStep, Service } from '../service';
import { RestoreError } from '../service';
import { header, sendBytes } from '../wire/http';
import { isPlainObject } from '../wire/objects';
import type { FileMeta } from './meta';
import { cloudPathProblem } from './paths';
import type { LocalStorage } from './types';

/** Stored bytes are anyone's upload: shown under their own type, but never run as a page of this origin. */
const UNTRUSTED = {
  'x-content-type-options': 'nosniff',
  'content-security-policy': "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; sandbox",
};

async function files(storage: LocalStorage, request: InspectorRequest): Promise<boolean> {
  const { req, res, url, method, route, json } = request;
  if (route.length !== 1) return false;
  const fileID = url.searchParams.get('fileID') ?? '';
  const missing = (): void =>
    json(404, { code: 'STORAGE_FILE_NONEXIST', message: `no file ${fileID || '(fileID missing)'}` });
  if (method === 'GET') {
    const [file, content] = fileID
      ? await Promise.all([storage.stat(fileID), storage.read(fileID).catch(() => undefined)])
      : [undefined, undefined];
    if (!file || !content) missing();
    else sendBytes(req, res, 200, file.contentType, content, UNTRUSTED);
    return true;
  }
  if (method === 'DELETE') {
    if (fileID && (await storage.remove(fileID))) json(200, { ok: true });
    else missing();
    return true;
  }
  if (method !== 'PUT') return false;
  const cloudPath = url.searchParams.get('cloudPath') ?? '';
  const body = await request.bytes();
  if (!body) return true;
  const meta: FileMeta = {};
  const openid = header(req, 'x-wx-openid');
  const contentType = header(req, 'content-type');
  if (openid) meta.openid = openid;
  if (contentType) meta.contentType = contentType;
  try {
    json(200, { fileID: await storage.put(cloudPath, body, meta) });
  } catch (error) {
    // The storage refuses empty, absolute and traversing paths with a message worth showing.
    json(400, { code: 'INVALID_PARAM', message: (error as Error).message });
  }
  return true;
}

export function storageInspector(storage: LocalStorage): Record<string, InspectorRoute> {
  return {
    files: (request) => files(storage, request),
    async storage({ method, route, json }) {
      if (method !== 'GET' || route.length !== 1) return false;
      json(200, { bucket: storage.bucket, files: await storage.list() });
      return true;
    },
  };
}

interface FileSnapshot extends FileMeta {
  cloudPath: string;
  base64: string;
}

function fileOf(value: unknown, index: number): FileSnapshot {
  const where = `storage: files[${index}]`;
  if (!isPlainObject(value)) throw new RestoreError(`${where} must be {cloudPath, base64}`);
  const { cloudPath, base64, openid, contentType } = value;
  const problem = cloudPathProblem(cloudPath);
  if (problem) throw new RestoreError(`${where}: ${problem}`);
  if (typeof base64 !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(base64)) {
    throw new RestoreError(`${where}: base64 must be the file's bytes in base64`);
  }
  const file: FileSnapshot = { cloudPath: cloudPath as string, base64 };
  if (typeof openid === 'string' && openid) file.openid = openid;
  if (typeof value.function === 'string' && value.function) file.function = value.function;
  if (typeof contentType === 'string' && contentType) file.contentType = contentType;
  return file;
}

/** Export, import, clear and live events: `{files: [{cloudPath, base64, openid?, function?, contentType?}]}`. */
export function storageLive(storage: LocalStorage): Pick<Service, 'snapshot' | 'prepareRestore' | 'clear' | 'watch'> {
  return {
    async snapshot() {
      const out: FileSnapshot[] = [];
      for (const file of await storage.list()) {
        const content = await storage.read(file.fileID);
        if (!content) continue; // deleted meanwhile
        out.push({
          cloudPath: file.cloudPath,
          base64: content.toString('base64'),
          contentType: file.contentType,
          ...file.uploader,
        });
      }
      return { files: out };
    },
    prepareRestore(part): RestoreStep {
      if (!isPlainObject(part) || !Array.isArray(part.files))
        throw new RestoreError('storage: expected {"files": [...]}');
      const list = part.files.map(fileOf);
      return async () => {
        for (const { cloudPath, base64, ...meta } of list)
          await storage.put(cloudPath, Buffer.from(base64, 'base64'), meta);
        return `${list.length} files`;
      };
    },
    clear: async () => `${await storage.clear()} files deleted`,
    watch: (emit) => storage.onChange((change) => emit({ type: 'storage', data: { ...change } })),
  };
}
