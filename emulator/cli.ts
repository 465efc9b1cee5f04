/**
 * The local cloud's command line, for any CloudBase project (`tsx emulator/cli.ts [options]`):
 * serves the functions folder, applies the collections file, keeps data in a folder (PGlite) or
 * DATABASE_URL, and prints where everything is. A project wraps it with a profile (its own folders,
 * flags and what to attach), as this repository's `npm start` does.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DEFAULT_PORT, startLocalCloud, type LocalCloud, type LocalCloudOptions } from './index';
import { LOCK_FILE, LockError } from './lock';

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
  functionsDir: string;
  /** The folder with collections.json. */
  databaseDir: string;
  importDir?: string;
  exportDir?: string;
  /** `--env-file` files, in order; none given means `.env` when present. */
  envFiles: string[];
  maxLimit?: number;
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
  /** Runs once the cloud listens; returns lines to print before "Ctrl-C stops.". */
  attach?(cloud: LocalCloud, out: (line: string) => void): Promise<string[]>;
}

export const GENERIC: CliProfile = { command: 'tsx emulator/cli.ts' };

export function usage(profile: CliProfile = GENERIC): string {
  const own = Object.values(profile.flags ?? {}).map((flag) => `\n${flag.usage}`);
  const folder = (dir: string | undefined, fallback: string): string =>
    dir === undefined ? fallback : `${path.relative(process.cwd(), dir) || '.'}/`;
  return `Usage: ${profile.command} [options]

  --port N                listen port (env PORT, default ${DEFAULT_PORT}; 0 = any free port)
  --host H                listen address (env HOST, default 127.0.0.1)
  --data DIR              data folder (default .cloud/); ignored when DATABASE_URL is set
  --in-memory             keep the database in memory only
  --functions DIR         cloud functions folder, one folder with a built index.js each
                          (default ${folder(profile.defaults?.functionsDir, 'cloudfunctions/')})
  --database DIR          folder with collections.json: collections, indexes, rules
                          (default ${folder(profile.defaults?.databaseDir, 'database/')})
  --import DIR            load <collection>.jsonl files (Extended JSON) before serving
  --export-on-exit [DIR]  write <collection>.jsonl files on shutdown (default .export/)
  --env-file FILE         environment variables for functions, repeatable (default .env when
                          present${profile.baseEnvFiles?.length ? `, after ${profile.baseEnvFiles.join(', ')}` : ''})
  --max-limit N           most documents one get() returns (default 1000)
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
    functionsDir: profile.defaults?.functionsDir ?? 'cloudfunctions',
    databaseDir: profile.defaults?.databaseDir ?? 'database',
    envFiles: [],
    schedule: true,
    quiet: false,
    help: false,
  };
  if (env.DATABASE_URL) options.databaseUrl = env.DATABASE_URL;
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
        break;
      case '--in-memory':
        delete options.dataDir;
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

function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'postgres (DATABASE_URL)';
  }
}

async function describe(
  cloud: LocalCloud,
  options: CliOptions,
  functionEnvKeys: string[],
  envFiles: string[],
): Promise<string[]> {
  const names = (await cloud.store.listCollections()).sort();
  const counts = await Promise.all(names.map(async (name) => `${name} (${await cloud.store.count(name, {})})`));
  const functions = cloud.functions.list();
  const data = options.databaseUrl
    ? redactUrl(options.databaseUrl)
    : options.dataDir
      ? `${path.resolve(options.dataDir)} (embedded PostgreSQL)`
      : 'in memory (nothing is kept)';
  const lines = [
    `Local cloud listening on ${cloud.url}`,
    `  SDK          cloud.init({ env: 'local', serviceUrl: '${cloud.adminUrl}' })`,
    `  call         POST ${cloud.url}/functions/<name>  (identity: x-wx-openid header)`,
    `  inspector    ${cloud.url}/_/`,
    `  data         ${data}`,
    `  functions    ${functions.length ? functions.join(', ') : `none built in ${options.functionsDir}/`}`,
    ...cloud.timers
      .list()
      .map(
        (t) =>
          `  timer        ${t.function}/${t.trigger} "${t.config}" ${options.schedule ? `next ${t.next ?? t.error ?? 'never'}` : '(schedule off)'}`,
      ),
    `  collections  ${counts.length ? counts.join(', ') : 'none yet'}`,
  ];
  if (functionEnvKeys.length)
    lines.push(`  function env ${functionEnvKeys.join(', ')} (from ${envFiles.join(', then ')})`);
  if (options.exportDir) lines.push(`  on exit      export to ${path.resolve(options.exportDir)}`);
  lines.push('Ctrl-C stops.');
  return lines;
}

export interface CliHandle {
  cloud: LocalCloud;
  /** Closes everything (exporting first when asked); safe to call twice. */
  stop(): Promise<void>;
}

/** Reads the functions' environment: the profile's base files when present, then --env-file or .env. */
function functionEnvironment(
  options: CliOptions,
  profile: CliProfile,
): { env: Record<string, string>; files: string[] } {
  const optional = (file: string): boolean => fs.existsSync(file);
  const files = [
    ...(profile.baseEnvFiles ?? []).filter(optional),
    ...(options.envFiles.length ? options.envFiles : ['.env'].filter(optional)),
  ];
  let env: Record<string, string> = {};
  for (const file of files) {
    try {
      env = { ...env, ...parseEnvFile(fs.readFileSync(file, 'utf8')) };
    } catch (error) {
      throw new UsageError(`cannot read ${file}: ${(error as Error).message}`);
    }
  }
  return { env, files };
}

/** Starts the local cloud as the command does, without touching process signals (tests call this). */
export async function runCli(
  argv: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
  out: (line: string) => void = (line) => console.log(line),
  profile: CliProfile = GENERIC,
): Promise<CliHandle> {
  const options = parseArgs(argv, env, profile);
  const functionEnv = functionEnvironment(options, profile);
  const serverOptions: LocalCloudOptions = {
    port: options.port,
    host: options.host,
    functionsDir: options.functionsDir,
    databaseDir: options.databaseDir,
    functionEnv: functionEnv.env,
    quiet: options.quiet,
    schedule: options.schedule,
    log: out,
  };
  if (options.databaseUrl) serverOptions.databaseUrl = options.databaseUrl;
  else if (options.dataDir) serverOptions.dataDir = options.dataDir;
  if (options.importDir) serverOptions.importDir = options.importDir;
  if (options.exportDir) serverOptions.exportOnCloseDir = options.exportDir;
  if (options.maxLimit) serverOptions.maxLimit = options.maxLimit;
  const cloud = await startLocalCloud(serverOptions);
  let attached: string[];
  try {
    attached = (await profile.attach?.(cloud, out)) ?? [];
  } catch (error) {
    await cloud.close();
    throw error;
  }
  if (!options.quiet) {
    const lines = await describe(cloud, options, Object.keys(functionEnv.env), functionEnv.files);
    // Before the closing "Ctrl-C stops.": the URL to open is the line people look for.
    lines.splice(lines.length - 1, 0, ...attached);
    for (const line of lines) out(line);
  }
  return { cloud, stop: () => cloud.close() };
}

/** Where the local cloud for these options listens: its lock file says, else host and port. */
export function runningUrl(options: CliOptions): string {
  if (options.dataDir) {
    try {
      const lock = JSON.parse(fs.readFileSync(path.join(options.dataDir, LOCK_FILE), 'utf8')) as { url?: unknown };
      if (typeof lock.url === 'string') return lock.url;
    } catch {
      // no lock: fall back to host and port
    }
  }
  return `http://${options.host}:${options.port}`;
}

/** `--fire fn[/trigger]`: asks the running local cloud to run the trigger now. */
export async function fireRemote(options: CliOptions, out: (line: string) => void): Promise<boolean> {
  const [fn, trigger] = (options.fire ?? '').split('/');
  const base = runningUrl(options);
  let name = trigger;
  if (!name) {
    const listed = (await (await fetch(`${base}/_/api/triggers`)).json()) as {
      triggers: Array<{ function: string; trigger: string }>;
    };
    name = listed.triggers.find((t) => t.function === fn)?.trigger ?? '';
    if (!name) throw new UsageError(`${fn} has no timer trigger on ${base}`);
  }
  const response = await fetch(`${base}/_/api/triggers/${encodeURIComponent(fn)}/${encodeURIComponent(name)}`, {
    method: 'POST',
  });
  out(`${fn}/${name}: ${JSON.stringify(await response.json())}`);
  return response.ok;
}

/** The command: starts the local cloud until SIGINT/SIGTERM, or fires a trigger on a running one. */
export async function main(argv: readonly string[], profile: CliProfile = GENERIC): Promise<void> {
  let handle: CliHandle;
  try {
    const parsed = parseArgs(argv, process.env, profile);
    if (parsed.help) {
      console.log(usage(profile));
      return;
    }
    if (parsed.fire) {
      try {
        if (!(await fireRemote(parsed, (line) => console.log(line)))) process.exitCode = 1;
      } catch (error) {
        if (error instanceof UsageError) throw error;
        console.error(
          `No local cloud answered at ${runningUrl(parsed)} (start one with ${profile.command.replace(/ --$/, '')}): ${(error as Error).message}`,
        );
        process.exitCode = 1;
      }
      return;
    }
    handle = await runCli(argv, process.env, (line) => console.log(line), profile);
  } catch (error) {
    if (error instanceof UsageError) console.error(`${error.message}\n\n${usage(profile)}`);
    else if (error instanceof LockError) console.error(error.message);
    else console.error(`The local cloud could not start: ${(error as Error).message}`);
    process.exitCode = 1;
    return;
  }
  let stopping = false;
  const shutdown = (signal: NodeJS.Signals): void => {
    if (stopping) {
      // A second Ctrl-C means "now": skip the export and leave.
      console.error(`${signal} again: exiting without a clean shutdown`);
      process.exit(130);
    }
    stopping = true;
    console.log(`\n${signal}: shutting down...`);
    handle.stop().then(
      () => {
        console.log('Local cloud stopped.');
        process.exit(0);
      },
      (error: unknown) => {
        console.error(`Shutdown failed: ${(error as Error).message}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

/** True when `file` is the script node was started with (`require.main` is hidden by miniprogram-api-typings). */
export function isEntryPoint(file: string): boolean {
  return process.argv[1] !== undefined && path.resolve(process.argv[1]) === file;
}

// Run only as the entry point (`tsx emulator/cli.ts`), not when a test imports parseArgs.
if (isEntryPoint(__filename)) void main(process.argv.slice(2));
