import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** Data directories held by this process (a second store here would corrupt the first). */
const heldHere = new Set<string>();

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * PGlite opens a data directory a second process is using without complaint, and two writers
 * corrupt it, so the store holds `<dir>/LOCK` (with its pid) while open. A lock left by a killed
 * process (pid gone) is taken over.
 */
export function lockDataDir(dir: string): () => void {
  const root = resolve(dir);
  const file = join(root, 'LOCK');
  if (heldHere.has(root)) throw new Error(`data directory ${root} is already open in this process`);
  mkdirSync(root, { recursive: true });
  for (;;) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number(readFileSync(file, 'utf8').trim());
      if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && isAlive(owner)) {
        throw new Error(`data directory ${root} is in use by process ${owner} (remove ${file} if that is wrong)`, {
          cause: error,
        });
      }
      rmSync(file, { force: true });
    }
  }
  heldHere.add(root);
  return () => {
    heldHere.delete(root);
    rmSync(file, { force: true });
  };
}
