/**
 * The one lock on a data folder. PGlite lets a second process open the same directory without
 * error (and both then corrupt it), so the folder carries a lock file naming the owner's PID, taken
 * by the local cloud at start, or by the document store when it is opened on its own. A lock whose
 * PID is no longer running is stale and taken over.
 */
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

export const LOCK_FILE = 'local-cloud.lock';

export interface LockInfo {
  pid: number;
  startedAt: string;
  token: string;
  url?: string;
}

export class LockError extends Error {
  constructor(
    message: string,
    readonly holder: LockInfo,
  ) {
    super(message);
    this.name = 'LockError';
  }
}

export interface DataDirLock {
  readonly file: string;
  readonly info: LockInfo;
  /** Records where this local cloud listens, for the message a second instance prints. */
  setUrl(url: string): void;
  release(): void;
}

/** Lock files this process holds, by path, with their tokens. */
const heldHere = new Map<string, string>();

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readLock(file: string): LockInfo | undefined {
  try {
    const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<LockInfo>;
    if (typeof parsed.pid !== 'number' || typeof parsed.token !== 'string') return undefined;
    return {
      pid: parsed.pid,
      token: parsed.token,
      startedAt: String(parsed.startedAt ?? ''),
      ...(parsed.url ? { url: String(parsed.url) } : {}),
    };
  } catch {
    return undefined;
  }
}

function writeExclusive(file: string, info: LockInfo): boolean {
  try {
    // 'wx' fails when the file exists, so two starters racing cannot both win.
    fs.writeFileSync(file, JSON.stringify(info), { flag: 'wx' });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

/** Takes the data folder's lock or throws LockError naming the PID that holds it. */
export function acquireDataDirLock(dataDir: string): DataDirLock {
  fs.mkdirSync(dataDir, { recursive: true });
  const file = path.join(path.resolve(dataDir), LOCK_FILE);
  const info: LockInfo = { pid: process.pid, startedAt: new Date().toISOString(), token: randomUUID() };
  for (let attempt = 0; attempt < 3; attempt++) {
    if (writeExclusive(file, info)) {
      heldHere.set(file, info.token);
      return {
        file,
        info,
        setUrl(url: string) {
          info.url = url;
          const current = readLock(file);
          if (current?.token === info.token) fs.writeFileSync(file, JSON.stringify(info));
        },
        release() {
          if (heldHere.get(file) === info.token) heldHere.delete(file);
          const current = readLock(file);
          if (current?.token === info.token) fs.rmSync(file, { force: true });
        },
      };
    }
    const holder = readLock(file);
    if (holder && heldHere.get(file) === holder.token) {
      throw new LockError(`The data folder ${dataDir} is already open in this process.`, holder);
    }
    // Our own PID in a lock this process never took is a dead process's, reused.
    if (holder && holder.pid !== process.pid && isRunning(holder.pid)) {
      const where = holder.url ? ` at ${holder.url}` : '';
      throw new LockError(
        `The data folder ${dataDir} is in use by another local cloud (PID ${holder.pid}${where}, started ${holder.startedAt}). ` +
          `Stop that process, or start this one with a different --data folder.`,
        holder,
      );
    }
    // Stale (dead PID) or unreadable (a crash mid-write): take it over.
    fs.rmSync(file, { force: true });
  }
  throw new Error(`could not take the lock ${file}`);
}
