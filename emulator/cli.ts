/**
 * `npm start`: the local cloud on 127.0.0.1:$PORT (9000), data in .cloud/ (PGlite) or DATABASE_URL.
 *
 *   --port N              listen port (env PORT; 0 picks a free one)
 *   --host H              listen address (env HOST; default 127.0.0.1)
 *   --data DIR            data folder (default .cloud/); --in-memory keeps nothing
 *   --functions DIR       cloud functions folder (default cloudfunctions/)
 *   --import DIR          load <collection>.jsonl files before serving
 *   --export-on-exit [DIR] write <collection>.jsonl files on shutdown (default .export/)
 *   --env-file FILE       extra environment for functions (default .env when present)
 *   --max-limit N         most documents one get() returns (default 1000)
 *   --no-schedule         do not fire timer triggers on their schedule
 *   --fire FN[/TRIGGER]   fire a timer trigger on the running local cloud, print the result, exit
 *   --no-preview          do not serve the browser preview at /
 *   --quiet               only errors
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LOCK_FILE, LockError } from './lock';
import { attachPreview } from '../preview/server';
import { DEFAULT_PORT, startLocalCloud, type LocalCloud, type LocalCloudOptions } from './index';

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
  importDir?: string;
  exportDir?: string;
  envFile?: string;
  maxLimit?: number;
  /** Fire timer triggers on schedule (default true). */
  schedule: boolean;
  /** `fn` or `fn/trigger` to fire on an already running local cloud. */
  fire?: string;
  /** Serve the browser preview at / (default true). */
  preview: boolean;
  quiet: boolean;
  help: boolean;
}

export const USAGE = `Usage: npm start -- [options]

  --port N                listen port (env PORT, default ${DEFAULT_PORT}; 0 = any free port)
  --host H                listen address (env HOST, default 127.0.0.1)
  --data DIR              data folder (default .cloud/); ignored when DATABASE_URL is set
  --in-memory             keep the database in memory only
  --functions DIR         cloud functions folder (default cloudfunctions/)
  --import DIR            load <collection>.jsonl files (Extended JSON) before serving
  --export-on-exit [DIR]  write <collection>.jsonl files on shutdown (default .export/)
  --env-file FILE         extra environment variables for functions (default .env when present)
  --max-limit N           most documents one get() returns (default 1000)
  --no-schedule           do not run timer triggers on their schedule (fire them with --fire)
  --fire FN[/TRIGGER]     fire a function's timer trigger (default: its first) on the local
                          cloud already running for this data folder or port, print the outcome
  --no-preview            do not build and serve the browser preview at /
  --quiet                 print errors only
  --help                  this text

Environment: DATABASE_URL=postgres://... uses a real PostgreSQL server instead of the embedded one.`;

function intArg(flag: string, value: string | undefined): number {
  const n = Number(value);
  if (value === undefined || value === '' || !Number.isInteger(n) || n < 0) {
    throw new UsageError(`${flag} expects a non-negative integer, got ${value ?? 'nothing'}`);
  }
  return n;
}

export function parseArgs(argv: readonly string[], env: NodeJS.ProcessEnv): CliOptions {
  const options: CliOptions = {
    port: env.PORT ? intArg('PORT', env.PORT) : DEFAULT_PORT,
    host: env.HOST || '127.0.0.1',
    dataDir: '.cloud',
    functionsDir: 'cloudfunctions',
    schedule: true,
    preview: true,
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
        options.envFile = value();
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
      case '--no-preview':
        options.preview = false;
        break;
      case '--quiet':
        options.quiet = true;
        break;
      case '--help':
      case '-h':
        options.help = true;
        break;
      default:
        throw new UsageError(`unknown option ${arg}`);
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
    `  functions    ${functions.length ? functions.join(', ') : `none built in ${options.functionsDir}/ (npm run build)`}`,
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

/** Starts the local cloud as `npm start` does, without touching process signals (tests call this). */
export async function runCli(
  argv: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
  out: (line: string) => void = (line) => console.log(line),
): Promise<CliHandle> {
  const options = parseArgs(argv, env);
  // .env.example holds the local defaults (e.g. the dev reminder template), so a fresh clone runs
  // every function; .env (or --env-file) overrides them with a developer's own values.
  const envFiles = ['.env.example', options.envFile ?? '.env'].filter(
    (file, i) => fs.existsSync(file) || (i === 1 && options.envFile !== undefined),
  );
  let functionEnv: Record<string, string> = {};
  for (const envFile of envFiles) {
    try {
      functionEnv = { ...functionEnv, ...parseEnvFile(fs.readFileSync(envFile, 'utf8')) };
    } catch (error) {
      throw new UsageError(`cannot read ${envFile}: ${(error as Error).message}`);
    }
  }
  const serverOptions: LocalCloudOptions = {
    port: options.port,
    host: options.host,
    functionsDir: options.functionsDir,
    functionEnv,
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
  // The preview builds (or reuses its cache) before the URL is printed, so the first load is instant.
  const preview = options.preview
    ? await attachPreview(cloud, { log: out }).catch(async (error: unknown) => {
        await cloud.close();
        throw error;
      })
    : undefined;
  if (!options.quiet) {
    const lines = await describe(cloud, options, Object.keys(functionEnv), envFiles);
    if (preview) {
      const build = preview.build();
      const how = build.cached ? `cached, ${Math.round(build.ms)} ms` : `built in ${Math.round(build.buildMs)} ms`;
      // Before the closing "Ctrl-C stops.": the URL to open is the line people look for.
      lines.splice(lines.length - 1, 0, `Open the app  ${preview.url}  (browser preview, ${how})`);
    }
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

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  let handle: CliHandle;
  try {
    const parsed = parseArgs(argv, process.env);
    if (parsed.help) {
      console.log(USAGE);
      return;
    }
    if (parsed.fire) {
      try {
        if (!(await fireRemote(parsed, (line) => console.log(line)))) process.exitCode = 1;
      } catch (error) {
        if (error instanceof UsageError) throw error;
        console.error(
          `No local cloud answered at ${runningUrl(parsed)} (start one with npm start): ${(error as Error).message}`,
        );
        process.exitCode = 1;
      }
      return;
    }
    handle = await runCli(argv);
  } catch (error) {
    if (error instanceof UsageError) console.error(`${error.message}\n\n${USAGE}`);
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

// Run only as the entry point (`tsx emulator/cli.ts`), not when a test imports runCli.
// (`require.main` is hidden by miniprogram-api-typings' own `require` declaration.)
if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === __filename) void main();
