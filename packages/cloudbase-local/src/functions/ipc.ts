/**
 * Messages between the function host and a worker (runner.ts) over the fork IPC channel.
 * Kept small and flat: the warm path is one `invoke` out and `log`* + one `done` back.
 */

export type LogLevel = 'log' | 'info' | 'warn' | 'error';

export type HostMessage =
  /** Load a function's code into a booted runner (`handler`: the export to call); `env` is merged into process.env first. */
  | { t: 'load'; file: string; dir: string; handler: string; env: Record<string, string> }
  /** `env` entries set to null are deleted, so one caller's identity never leaks into the next. */
  | {
      t: 'invoke';
      id: string;
      /** The event's JSON text, serialised by the host so a bad event never breaks the channel; absent for undefined. */
      event?: string;
      context: Record<string, unknown>;
      env: Record<string, string | null>;
    };

/** `rss`: the worker's resident memory in bytes, reported with each answer. */
export type WorkerMessage =
  | { t: 'loaded'; rss: number }
  | { t: 'load-failed'; message: string }
  | { t: 'log'; id: string; level: LogLevel; text: string; at: number }
  | { t: 'done'; id: string; ok: true; json: string; rss: number }
  | { t: 'done'; id: string; ok: false; message: string; rss: number }
  /**
   * An uncaught exception or unhandled rejection: from invocation `id`, which it fails (the worker
   * takes no more work), or, with an empty id, from outside any, and the runner exits.
   */
  | { t: 'fatal'; id: string; message: string };
