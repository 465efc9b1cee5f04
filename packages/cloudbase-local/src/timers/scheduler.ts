/**
 * Runs timer triggers: on their cron schedule (re-reading the functions folder for new or changed
 * triggers), and on demand. CloudBase fires on time even when the previous run is still going.
 */
import type { FunctionHost, InvokeOutcome } from '../functions/types';
import { nextFire, parseCron, type Cron } from './cron';

/** The event CloudBase hands a timer-triggered function. */
export interface TimerEvent {
  Type: 'Timer';
  TriggerName: string;
  /** The scheduled time, ISO 8601 UTC. */
  Time: string;
  Message: string;
}

export function timerEvent(trigger: string, at: Date): TimerEvent {
  return { Type: 'Timer', TriggerName: trigger, Time: at.toISOString(), Message: '' };
}

export interface TriggerInfo {
  function: string;
  trigger: string;
  config: string;
  /** Next scheduled run (when the schedule runs), or the config's error. */
  next?: string;
  error?: string;
}

export interface Scheduler {
  /** Every timer trigger of every function, with its next run. */
  list(): TriggerInfo[];
  /** Runs one trigger now, as the schedule would; rejects when there is no such trigger. */
  fire(fn: string, trigger?: string, at?: Date): Promise<InvokeOutcome>;
  close(): void;
}

export class UnknownTriggerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnknownTriggerError';
  }
}

export interface SchedulerOptions {
  functions: FunctionHost;
  /** Fire on schedule; false leaves only fire() (tests). */
  schedule: boolean;
  now?: () => number;
  log?: (line: string) => void;
  /** How often the function folder is re-read for new or changed triggers; default 10 s. */
  rescanMs?: number;
}

interface Armed {
  key: string;
  cron: Cron;
  timer: NodeJS.Timeout;
}

/** setTimeout holds at most ~24.8 days; longer waits re-arm on the way. */
const MAX_WAIT_MS = 2 ** 31 - 1;

export function createScheduler(options: SchedulerOptions): Scheduler {
  const { functions } = options;
  const now = options.now ?? Date.now;
  const log = options.log ?? (() => undefined);
  const armed = new Map<string, Armed>();
  let closed = false;

  function triggersOf(fn: string): Array<{ name: string; config: string }> {
    try {
      return functions.config(fn).triggers.filter((t) => t.type === 'timer');
    } catch {
      return [];
    }
  }

  function fire(fn: string, trigger?: string, at: Date = new Date(now())): Promise<InvokeOutcome> {
    const triggers = triggersOf(fn);
    const chosen = trigger === undefined ? triggers[0] : triggers.find((t) => t.name === trigger);
    if (!chosen) {
      const have = triggers.map((t) => t.name).join(', ') || 'none';
      return Promise.reject(
        new UnknownTriggerError(`${fn} has no timer trigger ${trigger ?? ''} (has: ${have})`.replace('  ', ' ')),
      );
    }
    return functions.invoke(fn, timerEvent(chosen.name, at), {}, { trigger: 'timer' });
  }

  function arm(fn: string, trigger: string, cron: Cron, key: string): void {
    const next = nextFire(cron, new Date(now()));
    if (!next || closed) return;
    const wait = Math.min(MAX_WAIT_MS, next.getTime() - now());
    const timer = setTimeout(() => {
      if (closed) return;
      if (now() + 5 < next.getTime()) {
        arm(fn, trigger, cron, key); // woke early (a long wait was split): wait for the rest
        return;
      }
      // CloudBase fires on time even when the previous run is still going; so does this.
      fire(fn, trigger, next).then(
        (outcome) => {
          if (!outcome.ok) log(`[timer] ${fn}/${trigger} failed: ${outcome.errMsg}`);
        },
        (error: unknown) => log(`[timer] ${fn}/${trigger} could not run: ${(error as Error).message}`),
      );
      arm(fn, trigger, cron, key);
    }, wait);
    timer.unref();
    armed.set(`${fn}/${trigger}`, { key, cron, timer });
  }

  /** Arms new or changed triggers and disarms removed ones. */
  function rescan(): void {
    const seen = new Set<string>();
    for (const fn of functions.list()) {
      for (const t of triggersOf(fn)) {
        const id = `${fn}/${t.name}`;
        seen.add(id);
        if (armed.get(id)?.key === t.config) continue;
        const previous = armed.get(id);
        if (previous) clearTimeout(previous.timer);
        armed.delete(id);
        try {
          arm(fn, t.name, parseCron(t.config), t.config);
        } catch (error) {
          log(`[timer] ${id}: ${(error as Error).message}`);
        }
      }
    }
    for (const [id, entry] of armed) {
      if (!seen.has(id)) {
        clearTimeout(entry.timer);
        armed.delete(id);
      }
    }
  }

  let rescanTimer: NodeJS.Timeout | undefined;
  if (options.schedule) {
    rescan();
    rescanTimer = setInterval(rescan, options.rescanMs ?? 10_000);
    rescanTimer.unref();
  }

  return {
    list() {
      const out: TriggerInfo[] = [];
      for (const fn of functions.list()) {
        for (const t of triggersOf(fn)) {
          const info: TriggerInfo = { function: fn, trigger: t.name, config: t.config };
          try {
            const next = options.schedule ? nextFire(parseCron(t.config), new Date(now())) : undefined;
            if (next) info.next = next.toISOString();
          } catch (error) {
            info.error = (error as Error).message;
          }
          out.push(info);
        }
      }
      return out;
    },
    fire,
    close() {
      closed = true;
      if (rescanTimer) clearInterval(rescanTimer);
      for (const entry of armed.values()) clearTimeout(entry.timer);
      armed.clear();
    },
  };
}
