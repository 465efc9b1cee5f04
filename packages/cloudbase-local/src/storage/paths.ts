import { isAbsolute, join, relative, sep } from 'node:path';

/** COS's limit on an object key, in UTF-8 bytes. */
const MAX_KEY_BYTES = 850;
// eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
const CONTROL = /[\u0000-\u001f\u007f]/;

/**
 * Why a cloud path is refused, or undefined when it is acceptable. CloudBase's naming rules: not
 * empty, no leading `/`, no `//`, at most 850 bytes, no control characters. On top of that, `.` and
 * `..` segments and backslashes are refused so no path can leave the storage folder.
 */
export function cloudPathProblem(cloudPath: unknown): string | undefined {
  if (typeof cloudPath !== 'string' || cloudPath === '') return 'cloudPath must be a non-empty string';
  if (Buffer.byteLength(cloudPath, 'utf8') > MAX_KEY_BYTES) return `cloudPath must be at most ${MAX_KEY_BYTES} bytes`;
  if (cloudPath.startsWith('/')) return 'cloudPath must not start with "/"';
  if (CONTROL.test(cloudPath)) return 'cloudPath must not contain control characters';
  if (cloudPath.includes('\\')) return 'cloudPath must not contain "\\"';
  for (const segment of cloudPath.split('/')) {
    if (segment === '') return 'cloudPath must not contain empty segments ("//" or a trailing "/")';
    if (segment === '.' || segment === '..') return 'cloudPath must not contain "." or ".." segments';
  }
  return undefined;
}

/** The file for a cloud path already accepted by cloudPathProblem, checked once more to stay under root. */
export function fileFor(root: string, cloudPath: string): string | undefined {
  const file = join(root, ...cloudPath.split('/'));
  const inside = relative(root, file);
  if (inside === '' || inside.startsWith(`..${sep}`) || inside === '..' || isAbsolute(inside)) return undefined;
  return file;
}

/**
 * CloudBase's bucket naming, `<hex of the env's first two letters>-<env>-<appid>`
 * (e.g. `7072-prod-123-1300000000` for env `prod-123`).
 */
export function defaultBucket(envId: string, appId = '1250000000'): string {
  return `${Buffer.from(envId.slice(0, 2)).toString('hex')}-${envId}-${appId}`;
}

export type ParsedFileId =
  | { kind: 'ours'; cloudPath: string }
  /** A fileID of another environment or bucket, or no fileID at all: simply not stored here. */
  | { kind: 'elsewhere' }
  | { kind: 'invalid'; problem: string };

/** `cloud://<env>.<bucket>/<cloud path>` */
export function parseFileId(fileId: unknown, envId: string, bucket: string): ParsedFileId {
  if (typeof fileId !== 'string') return { kind: 'invalid', problem: 'fileID must be a string' };
  const match = /^cloud:\/\/([^/]+)\/(.*)$/s.exec(fileId);
  // CloudBase answers any other string per file as not stored (its SDK's tests pass 'unexistFileID').
  if (!match) return { kind: 'elsewhere' };
  const [, host, cloudPath] = match;
  const problem = cloudPathProblem(cloudPath);
  if (problem) return { kind: 'invalid', problem };
  if (host !== `${envId}.${bucket}`) return { kind: 'elsewhere' };
  return { kind: 'ours', cloudPath };
}

export function fileIdFor(envId: string, bucket: string, cloudPath: string): string {
  return `cloud://${envId}.${bucket}/${cloudPath}`;
}

/**
 * The path part of a download URL. Left readable like CloudBase's CDN URLs, because node-sdk's
 * downloadFile passes tempFileURL through encodeURI itself; only the characters encodeURI would
 * leave meaningful (`%`, `#`, `?`) are escaped, and the server accepts the doubly-encoded form.
 */
export function readableUrlPath(cloudPath: string): string {
  return cloudPath.replace(/[%#?]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** The path part of an upload URL: fully encoded, because the SDK uses it as it is. */
export function encodedUrlPath(cloudPath: string): string {
  return cloudPath.split('/').map(encodeURIComponent).join('/');
}
