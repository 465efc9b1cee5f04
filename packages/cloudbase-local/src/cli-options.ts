/**
 * The local cloud CLI's options: flags, the usage text, and `.env` files. A project's profile adds
 * its own folders, environment files and flags.
 */
import * as path from 'node:path';
import { DEFAULT_PORT, type LocalCloud, type LocalCloudOptions } from './cloud';

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export interface CliOptions {
  port: number;
  host: string;
  dataDir?: string;
  databaseUrl?: string;
  /** A CloudBase mini-program project to run as it is (its folders are then the defaults). */
  project?: string;
  /** Where the project's function installs are kept for reuse. */
  installCache?: string;
  /** Given with --functions; else the profile's, the project's or ./cloudfunctions. */
  functionsDir?: string;
  /** The folder with collections.json, given with --database. */
  databaseDir?: string;
  importDir?: string;
  exportDir?: string;
  /** `--env-file` files, in order; none given means `.env` when present. */
  envFiles: string[];
  maxLimit?: number;
  /** Worker processes per function. */
  workers?: number;
  /** Invocations one function may run at once. */
  concurrency?: number;
  /** Fire timer triggers on schedule (default true). */
  schedule: boolean;
  /** `fn` or `fn/trigger` to fire on an already running local cloud. */
  fire?: string;
  quiet: boolean;
  help: boolean;
}

/** How a project runs the CLI: its folders, its own flags, and what it attaches to the cloud. */
export interface CliProfile {
  /** The command people type, for the usage text. */
  command: string;
  /** The project's folders in place of the ./cloudfunctions and ./database defaults. */
  defaults?: Partial<Pick<CliOptions, 'functionsDir' | 'databaseDir'>>;
  /** Environment files read first when present (local defaults the repository keeps). */
  baseEnvFiles?: string[];
  /** Flags of its own (taking no value), with their usage lines. */
  flags?: Record<string, { usage: string; set(): void }>;
  /**
   * Adjusts the local cloud's options before it starts (HTTP access routes, the WeChat apps, the
   * functions' environment), given the environment files' variables and the process environment.
   */
  configure?(
    options: LocalCloudOptions,
    env: { files: Record<string, string>; process: NodeJS.ProcessEnv },
  ): LocalCloudOptions;
  /** Runs once the cloud listens; returns lines to print before "Ctrl-C stops.". */
  attach?(cloud: LocalCloud, out: (line: string) => void): Promise<string[]>;
}

export const GENERIC: CliProfile = { command: 'cloudbase-local' };

export function usage(profile: CliProfile = GENERIC): string {
  const own = Object.values(profile.flags ?? {}).map((flag) => `\n${flag.usage}`);
  const folder = (dir: string | undefined, fallback: string): string =>
    dir === undefined ? fallback : `${path.relative(process.cwd(), dir) || '.'}/`;
  return `Usage: ${profile.command} [options]

  --project DIR           run a CloudBase mini-program project as it is: project.config.json's
                          cloudfunctionRoot, cloudbaserc.json/.js (timeouts, variables, triggers,
                          HTTP paths), each function's config.json; installs each function's
                          dependencies on first start (data then defaults to DIR/.cloud/)
  --install-cache DIR     keep the project's function installs in DIR and reuse them
  --port N                listen port (env PORT, default ${DEFAULT_PORT}; 0 = any free port)
  --host H                listen address (env HOST, default 127.0.0.1)
  --data DIR              data folder (default .cloud/); ignored when DATABASE_URL is set
  --in-memory             keep the database in memory only
  --functions DIR         cloud functions folder, one folder per function
                          (default ${folder(profile.defaults?.functionsDir, 'cloudfunctions/')}, or the project's)
  --database DIR          folder with collections.json: collections, indexes, rules
                          (default ${folder(profile.defaults?.databaseDir, 'database/')}, or the project's)
  --import DIR            load <collection>.jsonl files (Extended JSON) before serving
  --export-on-exit [DIR]  write <collection>.jsonl files on shutdown (default .export/)
  --env-file FILE         environment variables for functions, repeatable (default .env when
                          present${profile.baseEnvFiles?.length ? `, after ${profile.baseEnvFiles.join(', ')}` : ''})
  --max-limit N           most documents one get() returns (default 1000)
  --concurrency N         invocations one function runs at once, CloudBase's concurrency
                          quota; past it a call is refused (default 1000, CloudBase's)
  --workers N             worker processes per function (default 4); more concurrent
                          invocations share them
  --no-schedule           do not run timer triggers on their schedule (fire them with --fire)
  --fire FN[/TRIGGER]     fire a function's timer trigger (default: its first) on the local
                          cloud already running for this data folder or port, print the outcome${own.join('')}
  --quiet                 print errors only
  --help                  this text

Environment: DATABASE_URL=postgres://... uses a real PostgreSQL server instead of the embedded one.`;
}

function intArg(flag: string, value: string | undefined): number {
  const n = Number(value);
  if (value === undefined || value === '' || !Number.isInteger(n) || n < 0) {
    throw new UsageError(`${flag} expects a non-negative integer, got ${value ?? 'nothing'}`);
  }
  return n;
}

export function parseArgs(argv: readonly string[], env: NodeJS.ProcessEnv, profile: CliProfile = GENERIC): CliOptions {
  const options: CliOptions = {
    port: env.PORT ? intArg('PORT', env.PORT) : DEFAULT_PORT,
    host: env.HOST || '127.0.0.1',
    dataDir: '.cloud',
    envFiles: [],
    schedule: true,
    quiet: false,
    help: false,
  };
  if (env.DATABASE_URL) options.databaseUrl = env.DATABASE_URL;
  const given = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] =
      arg.startsWith('--') && arg.includes('=')
        ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
        : [arg, undefined];
    const value = (): string => {
      const next = inline ?? argv[++i];
      if (next === undefined || next === '' || (inline === undefined && next.startsWith('--'))) {
        throw new UsageError(`${flag} expects a value`);
      }
      return next;
    };
    switch (flag) {
      case '--port':
        options.port = intArg(flag, value());
        break;
      case '--host':
        options.host = value();
        break;
      case '--data':
        options.dataDir = value();
        given.add('data');
        break;
      case '--in-memory':
        delete options.dataDir;
        given.add('data');
        break;
      case '--project':
        options.project = value();
        break;
      case '--install-cache':
        options.installCache = value();
        break;
      case '--functions':
        options.functionsDir = value();
        break;
      case '--database':
        options.databaseDir = value();
        break;
      case '--import':
        options.importDir = value();
        break;
      case '--export-on-exit': {
        // The folder is optional: take the next word only when it is not another flag.
        const next = inline ?? argv[i + 1];
        if (inline === undefined && next !== undefined && !next.startsWith('--')) i++;
        options.exportDir = next !== undefined && !next.startsWith('--') ? next : '.export';
        break;
      }
      case '--env-file':
        options.envFiles.push(value());
        break;
      case '--max-limit':
        options.maxLimit = intArg(flag, value());
        if (options.maxLimit === 0) throw new UsageError('--max-limit must be at least 1');
        break;
      case '--concurrency':
      case '--workers': {
        const n = intArg(flag, value());
        if (n === 0) throw new UsageError(`${flag} must be at least 1`);
        if (flag === '--workers') options.workers = n;
        else options.concurrency = n;
        break;
      }
      case '--no-schedule':
        options.schedule = false;
        break;
      case '--fire':
        options.fire = value();
        break;
      case '--quiet':
        options.quiet = true;
        break;
      case '--help':
      case '-h':
        options.help = true;
        break;
      default: {
        const own =
          profile.flags && Object.prototype.hasOwnProperty.call(profile.flags, flag) ? profile.flags[flag] : undefined;
        if (!own || inline !== undefined) throw new UsageError(`unknown option ${arg}`);
        own.set();
      }
    }
  }
  // A project keeps its data beside it, as it keeps everything else.
  if (options.project && !given.has('data')) options.dataDir = path.join(options.project, '.cloud');
  return options;
}

/** KEY=VALUE lines; `#` comments; optional single or double quotes around the value. */
export function parseEnvFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.trim();
    if (line === '' || line.startsWith('#')) continue;
    const match = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (!match) continue;
    let value = match[2];
    const quote = value[0];
    if ((quote === '"' || quote === "'") && value.endsWith(quote) && value.length >= 2) value = value.slice(1, -1);
    else value = value.replace(/\s+#.*$/, '');
    out[match[1]] = value;
  }
  return out;
}
