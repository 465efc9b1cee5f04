/**
 * What COS keeps beside a file's bytes and the local disk cannot: who uploaded it and the type it
 * was uploaded as. One small JSON file beside the bucket folder, rewritten on every change.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { isPlainObject } from '../wire/objects';

export interface FileMeta {
  /** The user whose upload it was: the calling function's user, or the client's. */
  openid?: string;
  /** The function whose SDK call uploaded it. */
  function?: string;
  /** The Content-Type the upload declared. */
  contentType?: string;
}

function metaOf(value: unknown): FileMeta | undefined {
  if (!isPlainObject(value)) return undefined;
  const meta: FileMeta = {};
  for (const key of ['openid', 'function', 'contentType'] as const) {
    const field = value[key];
    if (typeof field === 'string' && field !== '') meta[key] = field;
  }
  return meta;
}

export class MetaIndex {
  private readonly entries = new Map<string, FileMeta>();

  constructor(private readonly file: string) {
    let saved: unknown;
    try {
      saved = JSON.parse(readFileSync(file, 'utf8'));
    } catch {
      return; // none yet, or unreadable: the files are still there, only their uploaders are not known
    }
    if (!isPlainObject(saved)) return;
    for (const [cloudPath, value] of Object.entries(saved)) {
      const meta = metaOf(value);
      if (meta) this.entries.set(cloudPath, meta);
    }
  }

  get(cloudPath: string): FileMeta | undefined {
    return this.entries.get(cloudPath);
  }

  /** A new upload replaces what was known of the old file. */
  set(cloudPath: string, meta: FileMeta = {}): void {
    const clean = metaOf(meta) ?? {};
    if (Object.keys(clean).length === 0 && !this.entries.has(cloudPath)) return;
    if (Object.keys(clean).length === 0) this.entries.delete(cloudPath);
    else this.entries.set(cloudPath, clean);
    this.save();
  }

  delete(cloudPath: string): void {
    if (this.entries.delete(cloudPath)) this.save();
  }

  copy(from: string, to: string, move: boolean): void {
    const meta = this.entries.get(from);
    if (meta) this.entries.set(to, { ...meta });
    else this.entries.delete(to);
    if (move) this.entries.delete(from);
    this.save();
  }

  clear(): void {
    this.entries.clear();
    this.save();
  }

  private save(): void {
    mkdirSync(dirname(this.file), { recursive: true });
    const temp = `${this.file}.tmp`;
    writeFileSync(temp, JSON.stringify(Object.fromEntries(this.entries)));
    renameSync(temp, this.file);
  }
}
