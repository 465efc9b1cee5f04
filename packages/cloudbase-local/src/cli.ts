/**
 * The local cloud's command line, for any CloudBase project (`cloudbase-local [options]`):
 * serves the functions folder, applies the collections file, keeps data in a folder (PGlite) or
 * DATABASE_URL, and prints where everything is. A project wraps it with a profile (its own folders,
 * flags and what to attach), as this repository's `npm start` does.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { GENERIC, parseArgs, parseEnvFile, usage, UsageError, type CliOptions, type CliProfile } from './cli-options';
import { startLocalCloud, type LocalCloud, type LocalCloudOptions } from './cloud';
import { LOCK_FILE, LockError } from './lock';

export * from './cli-options';

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
  const apps = cloud.wechat.apps();
  const data = options.databaseUrl
    ? redactUrl(options.databaseUrl)
    : options.dataDir
      ? `${path.resolve(options.dataDir)} (embedded PostgreSQL)`
      : 'in memory (nothing is kept)';
  const lines = [
    `Local cloud listening on ${cloud.url}`,
    ...(options.project ? [`  project      ${path.resolve(options.project)}`] : []),
    `  SDK          cloud.init({ env: 'local', serviceUrl: '${cloud.adminUrl}' })`,
    `  call         POST ${cloud.url}/functions/<name>  (identity: x-wx-openid header)`,
    `  client db    POST ${cloud.url}/web  (database.*, under collections.json's rules; same header)`,
    `  watch()      ${cloud.url.replace(/^http/, 'ws')}/realtime?openid=<openid>`,
    `  inspector    ${cloud.url}/_/`,
    `  WeChat API   ${cloud.url}/wxapi/<path as on api.weixin.qq.com>  (mini-program ${apps.miniProgram.appid}, Official Account ${apps.officialAccount.appid})`,
    ...cloud.httpRoutes.map((r) => `  HTTP access  ${cloud.url}/http${r.path} -> ${r.function}`),
    `  data         ${data}`,
    `  functions    ${functions.length ? functions.join(', ') : `none found in ${cloud.functionsDir}/`}`,
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
    ...(options.envFiles.length ? options.envFiles : [path.join(options.project ?? '.', '.env')].filter(optional)),
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

/** The folders given, else the profile's, else (without a project, which has its own) the usual ones. */
function defaultFolders(
  options: CliOptions,
  profile: CliProfile,
): Pick<LocalCloudOptions, 'functionsDir' | 'databaseDir'> {
  const functionsDir =
    options.functionsDir ?? profile.defaults?.functionsDir ?? (options.project ? undefined : 'cloudfunctions');
  const databaseDir =
    options.databaseDir ?? profile.defaults?.databaseDir ?? (options.project ? undefined : 'database');
  return { ...(functionsDir ? { functionsDir } : {}), ...(databaseDir ? { databaseDir } : {}) };
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
    ...defaultFolders(options, profile),
    functionEnv: functionEnv.env,
    quiet: options.quiet,
    schedule: options.schedule,
    log: out,
  };
  if (options.databaseUrl) serverOptions.databaseUrl = options.databaseUrl;
  else if (options.dataDir) serverOptions.dataDir = options.dataDir;
  if (options.importDir) serverOptions.importDir = options.importDir;
  if (options.exportDir) serverOptions.exportOnCloseDir = options.exportDir;
  if (options.project) serverOptions.project = options.project;
  if (options.installCache) serverOptions.installCache = options.installCache;
  if (options.maxLimit) serverOptions.maxLimit = options.maxLimit;
  if (options.workers) serverOptions.functionWorkers = options.workers;
  if (options.concurrency) serverOptions.functionConcurrency = options.concurrency;
  const configured = profile.configure?.(serverOptions, { files: functionEnv.env, process: env }) ?? serverOptions;
  const cloud = await startLocalCloud(configured);
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

// Run only as the entry point (`tsx src/cli.ts`), not when a test imports parseArgs.
if (isEntryPoint(__filename)) void main(process.argv.slice(2));
