/** Child processes in the local cloud's tests: their output, read line by line, and waits on it. */
import type { ChildProcess } from 'node:child_process';

/** Collects a child's output lines and resolves waits on them (no sleeping). */
export function watchOutput(child: ChildProcess): {
  lines: string[];
  waitFor(pattern: RegExp): Promise<RegExpMatchArray>;
} {
  const lines: string[] = [];
  const waiters = new Set<() => void>();
  let partial = '';
  const onData = (chunk: Buffer): void => {
    const parts = (partial + chunk.toString('utf8')).split('\n');
    partial = parts.pop() ?? '';
    lines.push(...parts);
    for (const wake of [...waiters]) wake();
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const waitFor = (pattern: RegExp): Promise<RegExpMatchArray> =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        for (const line of lines) {
          const match = pattern.exec(line);
          if (match) {
            waiters.delete(check);
            child.off('exit', onExit);
            resolve(match);
            return;
          }
        }
      };
      const onExit = (code: number | null): void => {
        waiters.delete(check);
        reject(new Error(`exited with ${code} before ${pattern}:\n${lines.join('\n')}`));
      };
      waiters.add(check);
      child.once('exit', onExit);
      check();
    });
  return { lines, waitFor };
}
