/**
 * Deferred invocations as CloudBase runs them (`cloud.openapi.cloudbase.addDelayedFunctionTask`,
 * WeChat's server API "延时调用云函数", /tcb/adddelayedfunctiontask): `{ env, function_name,
 * delay_time, data }`, the delay in seconds from 6 to 30 days, `data` a JSON string the function
 * gets as its event. Each task runs once, on its second, with no user; kept in the data folder,
 * a task whose time passed while the local cloud was down runs as soon as it is back.
 */
import { randomUUID } from 'node:crypto';
import type { FunctionHost, InvokeOutcome } from '../functions/types';
import { Listeners } from '../listeners';
import { WxFailure, wxOk, type WxAnswer } from '../wechat/errors';
import { Journal } from './journal';
import type { DelayedChange, DelayedTask } from './types';

export const ADD_DELAYED_TASK = 'cloudbase.addDelayedFunctionTask';
export const MIN_DELAY_S = 6;
export const MAX_DELAY_S = 30 * 24 * 3600;
/**
 * WeChat's page for the API lists no error code of its own; an argument out of its documented
 * range gets WeChat's code for an invalid argument.
 */
export const INVALID_ARGUMENT = 47003;

/** setTimeout holds at most ~24.8 days; a longer wait re-arms on the way. */
const MAX_WAIT_MS = 2 ** 31 - 1;

export interface DelayedTasksOptions {
  functions: FunctionHost;
  envId: string;
  /** The journal file in the data folder; undefined keeps tasks in memory. */
  file?: string;
  now?: () => number;
  log?: (line: string) => void;
}

export class UnknownTaskError extends Error {
  constructor(id: string) {
    super(`no pending delayed task ${id}`);
    this.name = 'UnknownTaskError';
  }
}

function text(payload: Record<string, unknown>, key: string): string {
  const value = payload[key];
  if (typeof value !== 'string' || value === '')
    throw new WxFailure(INVALID_ARGUMENT, `argument invalid! ${key} missing`);
  return value;
}

export class DelayedTasks {
  private readonly tasks = new Map<string, DelayedTask>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly changes = new Listeners<DelayedChange>('delayed');
  private readonly journal: Journal | undefined;
  private readonly now: () => number;
  private readonly log: (line: string) => void;
  private started = false;
  private closed = false;

  constructor(private readonly options: DelayedTasksOptions) {
    this.now = options.now ?? Date.now;
    this.log = options.log ?? (() => undefined);
    this.journal = options.file ? new Journal(options.file, this.log) : undefined;
    for (const task of this.journal?.load() ?? []) this.tasks.set(task.id, task);
  }

  /** Pending tasks, soonest first. */
  list(): DelayedTask[] {
    return [...this.tasks.values()].sort((a, b) => a.dueAt.localeCompare(b.dueAt) || a.id.localeCompare(b.id));
  }

  onChange(listener: (change: DelayedChange) => void): () => void {
    return this.changes.add(listener);
  }

  /** The open API's call (snake_case, as WeChat receives it): checked, kept, armed; WeChat's answer. */
  add(payload: Record<string, unknown>): WxAnswer {
    const env = text(payload, 'env');
    const functionName = text(payload, 'function_name');
    const data = text(payload, 'data');
    const delay = payload.delay_time;
    if (typeof delay !== 'number' || !Number.isInteger(delay) || delay < MIN_DELAY_S || delay > MAX_DELAY_S) {
      throw new WxFailure(
        INVALID_ARGUMENT,
        `argument invalid! delay_time must be whole seconds from ${MIN_DELAY_S} to ${MAX_DELAY_S} (30 days), got ${JSON.stringify(delay ?? null)}`,
      );
    }
    if (env !== this.options.envId) {
      throw new WxFailure(
        INVALID_ARGUMENT,
        `argument invalid! env ${env} is not this environment (${this.options.envId})`,
      );
    }
    try {
      JSON.parse(data);
    } catch {
      throw new WxFailure(INVALID_ARGUMENT, 'argument invalid! data must be a JSON string');
    }
    const now = this.now();
    const task: DelayedTask = {
      id: randomUUID(),
      env,
      functionName,
      data,
      createdAt: new Date(now).toISOString(),
      dueAt: new Date(now + delay * 1000).toISOString(),
    };
    this.journal?.added(task);
    this.tasks.set(task.id, task);
    if (this.started) this.arm(task);
    this.changes.emit({ action: 'add', id: task.id });
    return wxOk();
  }

  /** Runs a pending task now (the inspector's "Run now"), as its time would. */
  fire(id: string): Promise<InvokeOutcome> {
    const task = this.tasks.get(id);
    if (!task) return Promise.reject(new UnknownTaskError(id));
    return this.run(task);
  }

  /** Requests are served: arm every task; those whose time passed while the cloud was down run now. */
  start(): void {
    this.started = true;
    for (const task of this.list()) this.arm(task);
  }

  /** Forgets every pending task (the inspector's Clear). */
  clear(): number {
    const count = this.tasks.size;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    this.tasks.clear();
    this.journal?.rewrite([]);
    this.changes.emit({ action: 'clear' });
    return count;
  }

  /** No task runs after this; pending ones stay in the journal for the next start. */
  close(): void {
    this.closed = true;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }

  private arm(task: DelayedTask): void {
    const due = Date.parse(task.dueAt);
    const wait = Math.min(MAX_WAIT_MS, Math.max(0, due - this.now()));
    const timer = setTimeout(() => {
      this.timers.delete(task.id);
      if (this.closed || !this.tasks.has(task.id)) return;
      if (this.now() < due) return this.arm(task); // a long wait was split: wait for the rest
      void this.run(task);
    }, wait);
    timer.unref();
    this.timers.set(task.id, timer);
  }

  /** Taken off the list first, so it runs once whichever of its time or "Run now" comes first. */
  private async run(task: DelayedTask): Promise<InvokeOutcome> {
    this.tasks.delete(task.id);
    const timer = this.timers.get(task.id);
    if (timer) clearTimeout(timer);
    this.timers.delete(task.id);
    this.journal?.done(task.id, () => this.list());
    this.changes.emit({ action: 'run', id: task.id });
    const outcome = await this.options.functions.invoke(
      task.functionName,
      JSON.parse(task.data),
      {},
      {
        origin: 'delayed',
      },
    );
    if (!outcome.ok) this.log(`[delayed] ${task.functionName} task ${task.id} failed: ${outcome.errMsg}`);
    return outcome;
  }
}
