/**
 * Each function's own node_modules, as CloudBase installs them on deploy (云端安装依赖): a function
 * folder with a package.json and no node_modules gets `npm ci` (with a lock file) or `npm install`
 * (without, writing none), production dependencies only, once, with progress. A failure names the
 * command to run and leaves that function to fail as it would without its dependencies.
 *
 * Functions whose dependencies and lock file agree share one install: the first is installed, the
 * others get a copy. With a cache folder, installs are kept there by that key and linked in (or
 * copied, when they hold `file:` links, whose relative targets resolve only from the function).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { isPlainObject } from '../wire/objects';

export interface InstallOptions {
  /** Where finished installs are kept for reuse, by dependencies and lock file. */
  cache?: string;
  /** Progress lines. */
  log: (line: string) => void;
  /** How many installs run at once; default 3. */
  parallel?: number;
}

export interface InstallResult {
  name: string;
  outcome: 'installed' | 'copied' | 'cached' | 'failed';
  ms: number;
  /** For a failure: what npm said last, and the command to run. */
  message?: string;
}

interface Need {
  name: string;
  dir: string;
  key: string;
  lock: boolean;
  /** `file:`/`link:` dependencies: a copy keeps their relative links working, a linked folder would not. */
  localLinks: boolean;
}

const PROGRESS_EVERY_MS = 10_000;

/** npm processes still running, ended if the local cloud exits first (Ctrl-C during an install). */
const children = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of children) child.kill();
});

function readJsonObject(file: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(readFileSync(file, 'utf8'));
    return isPlainObject(value) ? value : {};
  } catch {
    return {};
  }
}

/** What an install depends on: the dependencies and the locked tree, not the package's own name or version. */
function needOf(functionsDir: string, name: string): Need {
  const dir = join(functionsDir, name);
  const manifest = readJsonObject(join(dir, 'package.json'));
  const lockFile = join(dir, 'package-lock.json');
  const lock = existsSync(lockFile) ? readJsonObject(lockFile) : undefined;
  const packages = isPlainObject(lock?.packages) ? { ...lock.packages, '': undefined } : (lock?.dependencies ?? null);
  const deps = { dependencies: manifest.dependencies ?? {}, optional: manifest.optionalDependencies ?? {} };
  const key = createHash('sha256')
    .update(JSON.stringify([process.versions.node.split('.')[0], deps, packages]))
    .digest('hex')
    .slice(0, 24);
  return { name, dir, key, lock: lock !== undefined, localLinks: /"(file|link):/.test(JSON.stringify(deps)) };
}

/** The functions among `names` that have a package.json and no node_modules. */
export function needingInstall(functionsDir: string, names: readonly string[]): string[] {
  return names.filter((name) => {
    const dir = join(functionsDir, name);
    return existsSync(join(dir, 'package.json')) && !existsSync(join(dir, 'node_modules'));
  });
}

function npmRun(dir: string, args: string[]): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    // The npm running the local cloud (npm start, npx) passes its own settings down as npm_*
    // variables; the function's install must see only the user's own configuration.
    const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key)));
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const child = spawn(npm, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], env });
    children.add(child);
    let output = '';
    const keep = (chunk: Buffer): void => {
      output = (output + chunk.toString('utf8')).slice(-4000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', (error) => resolve({ code: -1, output: error.message }));
    child.on('close', (code) => {
      children.delete(child);
      resolve({ code: code ?? -1, output });
    });
  });
}

/** Puts an install made elsewhere (`from`: a node_modules folder) in place for `need`. */
function restore(need: Need, from: string, link: boolean): void {
  const target = join(need.dir, 'node_modules');
  if (link && !need.localLinks) symlinkSync(from, target, 'junction');
  else cpSync(from, target, { recursive: true, verbatimSymlinks: true });
}

async function install(need: Need): Promise<string | undefined> {
  // Lock files often name a registry mirror this machine cannot reach: install the locked
  // versions from the registry npm is configured with instead.
  const args = [
    need.lock ? 'ci' : 'install',
    '--omit=dev',
    '--no-audit',
    '--no-fund',
    '--loglevel=error',
    '--replace-registry-host=always',
    ...(need.lock ? [] : ['--no-package-lock']),
  ];
  const { code, output } = await npmRun(need.dir, args);
  if (code === 0) return undefined;
  rmSync(join(need.dir, 'node_modules'), { recursive: true, force: true });
  const said = output.trim().split('\n').slice(-3).join(' / ');
  return `npm ${args[0]} failed (exit ${code}): ${said || 'no output'}. Run \`cd ${need.dir} && npm install\`, then start again.`;
}

/** Keeps a finished install in the cache, renamed into place so a concurrent reader never sees half of it. */
function keep(cache: string, need: Need): void {
  const partial = join(cache, `${need.key}.${process.pid}.partial`);
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  cpSync(join(need.dir, 'node_modules'), join(partial, 'node_modules'), { recursive: true, verbatimSymlinks: true });
  try {
    renameSync(partial, join(cache, need.key));
  } catch {
    rmSync(partial, { recursive: true, force: true });
  }
}

/** One group of functions sharing a key: the first installs (or the cache serves), the rest follow it. */
async function installGroup(
  group: Need[],
  options: InstallOptions,
  report: (result: InstallResult) => void,
): Promise<void> {
  const [first, ...rest] = group;
  const started = performance.now();
  const elapsed = (): number => Math.round(performance.now() - started);
  const cached = options.cache ? join(options.cache, first.key, 'node_modules') : undefined;
  let source = cached;
  if (cached && existsSync(cached)) {
    restore(first, cached, true);
    report({ name: first.name, outcome: 'cached', ms: elapsed() });
  } else {
    const failure = await install(first);
    if (failure) {
      for (const need of group) report({ name: need.name, outcome: 'failed', ms: elapsed(), message: failure });
      return;
    }
    if (options.cache) keep(options.cache, first);
    else source = join(first.dir, 'node_modules');
    report({ name: first.name, outcome: 'installed', ms: elapsed() });
  }
  for (const need of rest) {
    restore(need, source ?? join(first.dir, 'node_modules'), cached !== undefined);
    report({ name: need.name, outcome: cached ? 'cached' : 'copied', ms: elapsed() });
  }
}

/** Installs what `names` need, a few groups at a time, reporting as it goes; never throws for a failed install. */
export async function installDependencies(
  functionsDir: string,
  names: readonly string[],
  options: InstallOptions,
): Promise<InstallResult[]> {
  const pending = needingInstall(functionsDir, names).map((name) => needOf(functionsDir, name));
  if (pending.length === 0) return [];
  const byKey = new Map<string, Need[]>();
  for (const need of pending) byKey.set(need.key, [...(byKey.get(need.key) ?? []), need]);
  const groups = [...byKey.values()];
  const started = performance.now();
  options.log(
    `installing dependencies of ${pending.length} function(s) (${groups.length} distinct): ${pending.map((n) => n.name).join(', ')}`,
  );
  const working = new Set<string>();
  const progress = setInterval(() => {
    const seconds = Math.round((performance.now() - started) / 1000);
    options.log(`  still installing ${[...working].join(', ')} (${seconds} s)`);
  }, PROGRESS_EVERY_MS);
  progress.unref();
  const results: InstallResult[] = [];
  const report = (result: InstallResult): void => {
    results.push(result);
    const took = `${(result.ms / 1000).toFixed(1)} s`;
    const said: Record<InstallResult['outcome'], string> = {
      installed: `installed (${took})`,
      copied: 'same dependencies as another function: copied its install',
      cached: 'from the install cache',
      failed: result.message ?? 'failed',
    };
    options.log(`  ${result.name}: ${said[result.outcome]}`);
  };
  const queue = [...groups];
  const worker = async (): Promise<void> => {
    for (let group = queue.shift(); group !== undefined; group = queue.shift()) {
      working.add(group[0].name);
      await installGroup(group, options, report);
      working.delete(group[0].name);
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(options.parallel ?? 3, groups.length) }, worker));
  } finally {
    clearInterval(progress);
  }
  return results;
}
