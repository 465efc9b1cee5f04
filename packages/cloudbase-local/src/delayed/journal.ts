/**
 * Where pending delayed tasks are kept in the data folder: a JSON-lines journal of tasks added and
 * tasks done, appended as they happen (a task acknowledged is on disk before the caller hears ok)
 * and rewritten compact at start and whenever it has grown well past what is pending.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { DelayedTask } from './types';

type Line = { add: DelayedTask } | { done: string };

/** A rewrite happens once the journal holds this many lines more than the tasks pending. */
const COMPACT_SLACK = 5000;

function isTask(value: unknown): value is DelayedTask {
  const t = value as Partial<DelayedTask> | null;
  return (
    typeof t === 'object' &&
    t !== null &&
    typeof t.id === 'string' &&
    typeof t.functionName === 'string' &&
    typeof t.env === 'string' &&
    typeof t.data === 'string' &&
    typeof t.createdAt === 'string' &&
    typeof t.dueAt === 'string' &&
    Number.isFinite(Date.parse(t.dueAt))
  );
}

export class Journal {
  private lines = 0;

  constructor(
    private readonly file: string,
    private readonly log: (line: string) => void,
  ) {}

  /** The tasks still pending, oldest line first; a line that cannot be read is reported and skipped. */
  load(): DelayedTask[] {
    const pending = new Map<string, DelayedTask>();
    if (existsSync(this.file)) {
      const text = readFileSync(this.file, 'utf8');
      for (const [index, raw] of text.split('\n').entries()) {
        if (raw.trim() === '') continue;
        try {
          const line = JSON.parse(raw) as Line;
          if ('add' in line && isTask(line.add)) pending.set(line.add.id, line.add);
          else if ('done' in line && typeof line.done === 'string') pending.delete(line.done);
          else throw new Error('neither a task added nor a task done');
        } catch (error) {
          // A crash mid-append leaves at most a torn last line; anything else is reported too.
          this.log(`[delayed] ${path.basename(this.file)} line ${index + 1} skipped: ${(error as Error).message}`);
        }
      }
    }
    const tasks = [...pending.values()];
    this.rewrite(tasks);
    return tasks;
  }

  added(task: DelayedTask): void {
    this.append({ add: task });
  }

  done(id: string, pending: () => DelayedTask[]): void {
    this.append({ done: id });
    const live = pending();
    if (this.lines > live.length + COMPACT_SLACK) this.rewrite(live);
  }

  /** Written whole beside the journal, then renamed over it: a crash leaves the old one or the new. */
  rewrite(tasks: readonly DelayedTask[]): void {
    mkdirSync(path.dirname(this.file), { recursive: true });
    const temp = `${this.file}.part`;
    writeFileSync(temp, tasks.map((task) => `${JSON.stringify({ add: task })}\n`).join(''));
    renameSync(temp, this.file);
    this.lines = tasks.length;
  }

  private append(line: Line): void {
    appendFileSync(this.file, `${JSON.stringify(line)}\n`);
    this.lines += 1;
  }
}
