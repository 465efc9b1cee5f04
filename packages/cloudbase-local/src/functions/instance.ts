/**
 * One function instance: a worker process (runner.ts) that loads one function's code and serves
 * its invocations, staying warm between them, as a CloudBase instance does. It serves one at a
 * time until its function has as many workers as the host allows; then it takes several at once.
 */
import { fork, type ChildProcess } from 'node:child_process';
import type { HostMessage, LogLevel, WorkerMessage } from './ipc';
import { appendLog, type LogEntry } from './records';
import { runnerPath } from './runner-path';
import type { CallerIdentity, InvocationRecord, InvokeOptions, InvokeOutcome } from './types';

/** One invocation, from the call until an instance answers it. */
export interface Job {
  name: string;
  requestId: string;
  /** The event's JSON text (undefined for an undefined event). */
  eventJson: string | undefined;
  identity: CallerIdentity;
  options: InvokeOptions;
  resolve: (outcome: InvokeOutcome) => void;
}

/** An invocation an instance is serving. */
export interface Running {
  job: Job;
  record: InvocationRecord;
  token: string;
  timer: NodeJS.Timeout;
  startedAt: number;
}

export type InstanceState = 'booting' | 'loading' | 'ready' | 'dead';

/** What the host hears from an instance's process. */
export interface InstanceEvents {
  message(instance: Instance, message: WorkerMessage): void;
  exit(instance: Instance, code: number | null, signal: NodeJS.Signals | null): void;
}

export interface InstanceOptions {
  /** The functions folder: the worker's working directory. */
  cwd: string;
  env: Record<string, string>;
  /** A module the runner requires while booting (wx-server-sdk, for spares). */
  preload?: string;
}

/** Finished invocations whose late output (async work left running) can still be filed with them. */
const REMEMBERED_RUNS = 20;

export class Instance {
  state: InstanceState = 'booting';
  /** Code version (index.js/config.json stamps) this instance loaded. */
  version = '';
  runs = 0;
  loadStartedAt = 0;
  initMs?: number;
  loadTimer?: NodeJS.Timeout;
  idleTimer?: NodeJS.Timeout;
  readonly running = new Map<string, Running>();
  /** Takes no more work (a timeout or an escaped error left it unsafe); ends once nothing runs. */
  draining = false;
  /** Resident memory of the worker in bytes, as it last reported. */
  rss = 0;
  /** Output printed while loading (module top level) is shown with the first invocation. */
  loadLogs: LogEntry[] = [];
  fatal?: string;
  /** Killed by the host on purpose (reload, idle, close): its exit is not a failure. */
  retired = false;
  readonly exited: Promise<void>;
  private readonly child: ChildProcess;
  private readonly finished = new Map<string, InvocationRecord>();

  constructor(options: InstanceOptions, events: InstanceEvents) {
    const child = fork(runnerPath(), options.preload ? [options.preload] : [], {
      cwd: options.cwd,
      env: options.env,
      execArgv: [],
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      serialization: 'json',
    });
    this.child = child;
    this.exited = new Promise((done) => child.once('exit', () => done()));
    child.on('message', (message: WorkerMessage) => events.message(this, message));
    child.stdout?.setEncoding('utf8').on('data', (text: string) => this.output('log', text));
    child.stderr?.setEncoding('utf8').on('data', (text: string) => this.output('error', text));
    child.on('error', () => {
      // Spawn or IPC failure: 'exit' may never come, so treat the instance as gone now.
      if (this.state !== 'dead') events.exit(this, null, null);
    });
    child.once('exit', (code, signal) => events.exit(this, code, signal));
  }

  /** Booted and still reachable over IPC. */
  get connected(): boolean {
    return this.child.connected;
  }

  /** Loaded and serving nothing: what a CloudBase instance between requests is. */
  get idle(): boolean {
    return this.state === 'ready' && this.running.size === 0 && !this.draining;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  send(message: HostMessage): boolean {
    if (!this.child.connected) return false;
    try {
      this.child.send(message);
      return true;
    } catch {
      return false;
    }
  }

  kill(): void {
    this.retired = true;
    clearTimeout(this.idleTimer);
    clearTimeout(this.loadTimer);
    if (this.state !== 'dead') this.child.kill('SIGKILL');
  }

  /** Takes an invocation off the instance once it is answered; its record keeps late output. */
  release(id: string): Running | undefined {
    const running = this.running.get(id);
    if (!running) return undefined;
    this.running.delete(id);
    this.finished.set(id, running.record);
    if (this.finished.size > REMEMBERED_RUNS) this.finished.delete(this.finished.keys().next().value as string);
    return running;
  }

  /** Files a log line with the invocation it belongs to. */
  log(entry: LogEntry, id?: string): void {
    const record = id ? (this.running.get(id)?.record ?? this.finished.get(id)) : undefined;
    if (record) appendLog(record.logs, entry);
    else if (this.running.size === 1) appendLog([...this.running.values()][0].record.logs, entry);
    else if (this.runs === 0) appendLog(this.loadLogs, entry);
    // Output from async work a previous run left behind belongs to the last run.
    else if (this.finished.size > 0) appendLog([...this.finished.values()].at(-1)?.logs ?? [], entry);
  }

  private output(level: LogLevel, text: string): void {
    const at = new Date();
    for (const line of text.replace(/\n$/, '').split('\n')) this.log({ level, at, text: line });
  }
}

export function describeExit(code: number | null, signal: NodeJS.Signals | null): string {
  return signal ? `signal ${signal}` : `code ${code ?? 'unknown'}`;
}
