import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DiskChange } from './disk';
import type { FileMeta } from './meta';

export type { DiskChange } from './disk';
export type { FileMeta } from './meta';

/** Who makes an SDK call: the running function and its user, when it comes from inside one. */
export type UploadCaller = (params: Record<string, unknown>) => { function: string; openid?: string } | undefined;

export interface StorageOptions {
  /** `<dataDir>/storage`; omitted: a temporary folder, removed by close() (the in-memory cloud). */
  dir?: string;
  envId: string;
  /**
   * Where the local cloud is reachable, e.g. `http://127.0.0.1:3000`: upload and download URLs
   * handed to the SDK point here. A function, because the port is known only after listen().
   */
  publicUrl: string | (() => string);
  /** Defaults to CloudBase's pattern for the env, e.g. `7465-test-env-1250000000`. */
  bucket?: string;
  /** Seconds a download URL stays valid when the caller gives no maxAge; default 86400. */
  defaultMaxAge?: number;
  /** Largest file one upload may carry; default 5 GB, COS's limit for a single PUT. */
  uploadLimitBytes?: number;
  /** The function (and its user) behind an SDK call, remembered as a file's uploader. */
  callerOf?: UploadCaller;
}

/** One `storage.*` answer, as node-sdk's requester reads it (a `code` means failure). */
export type StorageActionResponse =
  | { requestId: string; data: Record<string, unknown> | unknown[] }
  | { requestId: string; code: string; message: string };

export interface StoredFile {
  fileID: string;
  cloudPath: string;
  size: number;
  contentType: string;
  updatedAt: Date;
  /** Who uploaded it, when known: the user, and the function whose SDK call it was. */
  uploader?: { openid?: string; function?: string };
}

export interface LocalStorage {
  /** Folder holding the files: `<dir>/<bucket>/<cloud path>`. */
  readonly root: string;
  readonly bucket: string;
  /** `storage.getUploadMetadata`, `storage.batchGetDownloadUrl`, `storage.batchDeleteFile`, `storage.batchCopyFile`. */
  handleAction(action: string, params: Record<string, unknown>): Promise<StorageActionResponse>;
  /**
   * Serves the upload (PUT) and download (GET/HEAD) URLs handed out, all under `/_storage/`.
   * Returns false, without touching req or res, for any other URL. The request body must not have
   * been read before: the upload streams it to disk.
   */
  handleHttp(req: IncomingMessage, res: ServerResponse): boolean;
  fileIdFor(cloudPath: string): string;
  /** A signed download URL for a stored file, or undefined when there is no such file. */
  downloadUrl(fileID: string, maxAgeSeconds?: number): Promise<string | undefined>;
  /** Direct access for the browser preview, the dev page and tests. */
  put(cloudPath: string, content: Buffer | string, meta?: FileMeta): Promise<string>;
  read(fileID: string): Promise<Buffer | undefined>;
  list(): Promise<StoredFile[]>;
  /** The stored file behind a fileID, or undefined. */
  stat(fileID: string): Promise<StoredFile | undefined>;
  /** Deletes a stored file; false when there is none. */
  remove(fileID: string): Promise<boolean>;
  /** Deletes every stored file; returns how many there were. */
  clear(): Promise<number>;
  /** Every upload, deletion and copy, until the returned function is called. */
  onChange(listener: (change: DiskChange) => void): () => void;
  close(): Promise<void>;
}
