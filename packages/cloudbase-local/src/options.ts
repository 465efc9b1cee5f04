/** What `startLocalCloud()` takes: every option of the local cloud, each with its default. */
import type { FunctionSettings } from './functions/types';
import type { HttpRoute } from './http-access';
import type { WechatOptions } from './wechat';

export interface LocalCloudOptions {
  /** Default 9000; 0 picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Folder for the embedded database (PGlite), storage and the lock file; undefined keeps everything in memory. */
  dataDir?: string;
  /** postgres://... to use a real PostgreSQL server instead of PGlite. */
  databaseUrl?: string;
  /** Postgres schema for the store's tables (lets tests share one real server). */
  databaseSchema?: string;
  /**
   * A CloudBase mini-program project folder, read as DevTools and CloudBase's CLI read it
   * (project.config.json, cloudbaserc.json or .js, each function's config.json): its functions,
   * collections file, variables, triggers and HTTP access paths, under the options given here.
   * Functions with a package.json and no node_modules get their dependencies installed first.
   */
  project?: string;
  /** Where `project` installs are kept for reuse between projects and runs. */
  installCache?: string;
  /** Folder of cloud functions (one folder each with a built index.js); default ./cloudfunctions. */
  functionsDir?: string;
  /** A function's settings (timeout, handler, triggers, permissions) over its config.json. */
  functionSettings?: (name: string) => FunctionSettings;
  /**
   * Extra environment variables for every function; as a function, it is given the local cloud's
   * URL once the port is bound (so a port-0 cloud can point functions at its own endpoints).
   */
  functionEnv?: Record<string, string> | ((url: string) => Record<string, string>);
  /**
   * One function's own environment, over `functionEnv`, given its name and the local cloud's URL:
   * CloudBase gives each function only the variables configured for it.
   */
  functionEnvFor?: (name: string, url: string) => Record<string, string>;
  /** HTTP access routes: each path is served by its function at `/http<path>`. */
  httpRoutes?: readonly HttpRoute[];
  /** The local WeChat server: its apps, templates, word list and clock. */
  wechat?: WechatOptions;
  /** Keep one spare worker booted with wx-server-sdk loaded, so cold starts are short; default true. */
  functionsPrewarm?: boolean;
  /**
   * Worker processes per function, default 4: up to this many concurrent invocations each get a
   * process (an instance) of their own; beyond it they share the workers, so memory stays bounded.
   */
  functionWorkers?: number;
  /** Invocations one function may run at once (CloudBase's concurrency quota); default 1000, CloudBase's. */
  functionConcurrency?: number;
  /** The env id functions see as TCB_ENV; default 'local'. */
  envId?: string;
  /** Most documents one get() returns; default 1000 (CloudBase's cloud-function limit). */
  maxLimit?: number;
  /** Largest request body accepted; default 5 MB. */
  bodyLimitBytes?: number;
  /** Largest file one storage upload may carry; default 5 GB (COS's single-PUT limit). */
  uploadLimitBytes?: number;
  /** Folder of `<collection>.jsonl` files loaded into the store before serving (replaces those collections). */
  importDir?: string;
  /** Folder the whole database is exported to on close(), after requests stop and before the store closes. */
  exportOnCloseDir?: string;
  /**
   * Folder with collections.json (collections, indexes, rules) applied at start, as they are
   * created in the CloudBase console; default ./database. `false` applies nothing.
   */
  databaseDir?: string | false;
  /** Words security.msgSecCheck treats as risky (the word list's `risky` part unless `wechat.words` is given). */
  blocklist?: readonly string[];
  /**
   * Fire functions' timer triggers (config.json `triggers`) on their cron schedule; default false,
   * so tests decide when a timer runs (`timers.fire`). The CLI turns it on.
   */
  schedule?: boolean;
  /** No console output (tests). */
  quiet?: boolean;
  /** Where log lines go when not quiet; default console.log. */
  log?: (line: string) => void;
}
