/**
 * Stored files on local disk: `<dir>/<bucket>/<cloud path>`. Uploads are written to a partial file
 * first and renamed into place, so a broken upload never leaves half a file under its key.
 */
import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { copyFile, mkdir, readFile, readdir, rename, rm, rmdir, stat, unlink, writeFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Listeners } from '../listeners';
import { MetaIndex, type FileMeta } from './meta';
import { fileFor } from './paths';

export function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR';
}

export interface DiskEntry {
  cloudPath: string;
  size: number;
  updatedAt: Date;
  meta?: FileMeta;
}

/** A stored file was written, deleted or copied (`cloudPath` is the one that changed), or all were cleared. */
export interface DiskChange {
  action: 'upload' | 'delete' | 'copy' | 'clear';
  cloudPath?: string;
}

export class StorageDisk {
  /** Bucket names never start with a dot, so partial uploads can never be mistaken for files. */
  readonly partialDir: string;
  private readonly meta: MetaIndex;
  private readonly listeners = new Listeners<DiskChange>('storage');

  constructor(
    readonly dir: string,
    readonly root: string,
  ) {
    this.partialDir = join(dir, '.partial');
    this.meta = new MetaIndex(join(dir, '.meta.json'));
  }

  onChange(listener: (change: DiskChange) => void): () => void {
    return this.listeners.add(listener);
  }

  /** The file of an accepted cloud path (undefined if it would leave the bucket folder). */
  fileOf(cloudPath: string): string | undefined {
    return fileFor(this.root, cloudPath);
  }

  async isStored(cloudPath: string): Promise<boolean> {
    const file = this.fileOf(cloudPath);
    if (!file) return false;
    try {
      return (await stat(file)).isFile();
    } catch (error) {
      if (isMissing(error)) return false;
      throw error;
    }
  }

  /** Stores a file (replacing one under the same path) with what is known of its upload. */
  async write(cloudPath: string, source: NodeJS.ReadableStream | Buffer, meta: FileMeta = {}): Promise<void> {
    const file = this.fileOf(cloudPath);
    if (!file) throw new Error(`cloudPath escapes the storage folder: ${cloudPath}`);
    await mkdir(dirname(file), { recursive: true });
    await mkdir(this.partialDir, { recursive: true });
    const partial = join(this.partialDir, randomUUID());
    try {
      if (Buffer.isBuffer(source)) await writeFile(partial, source);
      else await pipeline(source, createWriteStream(partial));
      await rename(partial, file);
    } catch (error) {
      await rm(partial, { force: true });
      throw error;
    }
    this.meta.set(cloudPath, meta);
    this.listeners.emit({ action: 'upload', cloudPath });
  }

  async read(cloudPath: string): Promise<Buffer | undefined> {
    const file = this.fileOf(cloudPath);
    if (!file) return undefined;
    try {
      return await readFile(file);
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }

  /** Deletes a stored file; false when there is none (a folder is not an object key either). */
  async remove(cloudPath: string): Promise<boolean> {
    const file = this.fileOf(cloudPath);
    if (!file) return false;
    try {
      await unlink(file);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (isMissing(error) || code === 'EPERM') return false;
      throw error;
    }
    await this.prune(dirname(file));
    this.meta.delete(cloudPath);
    this.listeners.emit({ action: 'delete', cloudPath });
    return true;
  }

  /** Copies `from` to `to` (both accepted cloud paths), moving it when `move`. */
  async copy(from: string, to: string, move: boolean): Promise<void> {
    const source = this.fileOf(from) as string;
    const target = this.fileOf(to) as string;
    await mkdir(dirname(target), { recursive: true });
    await copyFile(source, target);
    if (move) {
      await unlink(source);
      await this.prune(dirname(source));
    }
    this.meta.copy(from, to, move);
    this.listeners.emit({ action: 'copy', cloudPath: to });
  }

  /** Deletes every stored file; returns how many there were. */
  async clear(): Promise<number> {
    const count = (await this.list()).length;
    await rm(this.root, { recursive: true, force: true });
    this.meta.clear();
    this.listeners.emit({ action: 'clear' });
    return count;
  }

  /** A stored file's entry, or undefined when there is none. */
  async entry(cloudPath: string): Promise<DiskEntry | undefined> {
    const file = this.fileOf(cloudPath);
    if (!file) return undefined;
    try {
      const info = await stat(file);
      if (!info.isFile()) return undefined;
      const meta = this.meta.get(cloudPath);
      return { cloudPath, size: info.size, updatedAt: info.mtime, ...(meta ? { meta } : {}) };
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }

  async list(): Promise<DiskEntry[]> {
    const files: DiskEntry[] = [];
    let entries;
    try {
      entries = await readdir(this.root, { recursive: true, withFileTypes: true });
    } catch (error) {
      if (isMissing(error)) return files;
      throw error;
    }
    for (const entry of entries) {
      if (!entry.isFile()) continue;
      const file = join(entry.parentPath, entry.name);
      const info = await stat(file);
      const cloudPath = relative(this.root, file).split(sep).join('/');
      const meta = this.meta.get(cloudPath);
      files.push({ cloudPath, size: info.size, updatedAt: info.mtime, ...(meta ? { meta } : {}) });
    }
    return files.sort((a, b) => a.cloudPath.localeCompare(b.cloudPath));
  }

  /** Removes now-empty folders up to the bucket root, so a deleted key leaves no trace. */
  private async prune(from: string): Promise<void> {
    let current = from;
    while (current.startsWith(this.root + sep)) {
      try {
        await rmdir(current);
      } catch {
        return;
      }
      current = dirname(current);
    }
  }
}
