/**
 * One function instance: a worker process (runner.ts) that loads one function's code and serves
 * one invocation at a time, staying warm between them, as a CloudBase instance does.
 */
import { fork, type ChildProcess } from 'node:child_process';
import type { HostMessage, LogLevel, WorkerMessage } from './ipc';
import type { Pool } from './pool';
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

/** The invocation an instance is serving. */
export interface Running {
  job: Job;
  record: InvocationRecord;
  token: string;
  timer: NodeJS.Timeout;
  startedAt: number;
}

export type InstanceState = 'booting' | 'loading' | 'idle' | 'busy' | 'dead';

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

export class Instance {
  state: InstanceState = 'booting';
  pool?: Pool;
  /** Code version (index.js/config.json stamps) this instance loaded. */
  version = '';
  runs = 0;
  loadStartedAt = 0;
  initMs?: number;
  loadTimer?: NodeJS.Timeout;
  idleTimer?: NodeJS.Timeout;
  running?: Running;
  lastRecord?: InvocationRecord;
  /** Output printed while loading (module top level) is shown with the first invocation. */
  loadLogs: LogEntry[] = [];
  fatal?: string;
  /** Killed by the host on purpose (reload, idle, close): its exit is not a failure. */
  retired = false;
  readonly exited: Promise<void>;
  private readonly child: ChildProcess;

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

  /** Files a log line with the invocation it belongs to. */
  log(entry: LogEntry, id?: string): void {
    const running = this.running;
    if (running && (id === undefined || id === running.record.id)) appendLog(running.record.logs, entry);
    else if (this.runs === 0 && !running) appendLog(this.loadLogs, entry);
    // Output from async work a previous run left behind belongs to that run.
    else if (this.lastRecord) appendLog(this.lastRecord.logs, entry);
  }

  private output(level: LogLevel, text: string): void {
    const at = new Date();
    for (const line of text.replace(/\n$/, '').split('\n')) this.log({ level, at, text: line });
  }
}

export function describeExit(code: number | null, signal: NodeJS.Signals | null): string {
  return signal ? `signal ${signal}` : `code ${code ?? 'unknown'}`;
}
