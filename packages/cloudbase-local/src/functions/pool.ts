/**
 * The functions on disk and their pools: per function, its code version and config, its live
 * instances and the invocations waiting for one. A changed entry file or config.json is new code,
 * as after a deploy: idle instances of the old version are retired.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { FUNCTION_NAME, readFunctionConfig } from './config';
import type { Instance, Job } from './instance';
import type { FunctionConfig, FunctionSettings, InstanceCounts } from './types';

export interface Pool {
  name: string;
  dir: string;
  /** The entry file, from the handler (`index.main` -> index.js). */
  file: string;
  /** The export main is, from the handler (`index.main` -> main). */
  entry: string;
  version: string;
  config: FunctionConfig;
  instances: Instance[];
  queue: Job[];
}

const DEFAULT_HANDLER = 'index.main';

/** `dir/sub.file.export` -> the file `dir/sub.file.js` and the export, as SCF reads a handler. */
export function splitHandler(handler: string): { file: string; entry: string } {
  const dot = handler.lastIndexOf('.');
  if (dot <= 0 || dot === handler.length - 1) throw new Error(`handler "${handler}" is not <file>.<export>`);
  return { file: `${handler.slice(0, dot)}.js`, entry: handler.slice(dot + 1) };
}

/** Stamps of the entry file and config.json: any change means new code to load. */
function versionOf(file: string, configFile: string): string | undefined {
  const code = statSync(file, { throwIfNoEntry: false });
  if (!code?.isFile()) return undefined;
  const config = statSync(configFile, { throwIfNoEntry: false });
  return `${code.mtimeMs}:${code.size}:${config?.mtimeMs ?? 0}:${config?.size ?? 0}`;
}

/** Each instance's pool, kept here so an instance knows nothing of pools. */
const pools = new WeakMap<Instance, Pool>();

export const poolOf = (instance: Instance): Pool | undefined => pools.get(instance);

export function joinPool(instance: Instance, pool: Pool): void {
  pools.set(instance, pool);
}

export function removeFromPool(instance: Instance): void {
  const pool = pools.get(instance);
  if (!pool) return;
  const index = pool.instances.indexOf(instance);
  if (index >= 0) pool.instances.splice(index, 1);
}

export class Pools {
  private readonly pools = new Map<string, Pool>();

  constructor(
    readonly functionsDir: string,
    private readonly settingsFor: (name: string) => FunctionSettings | undefined = () => undefined,
  ) {}

  private entryFile(name: string): string {
    return join(this.functionsDir, name, splitHandler(this.settingsFor(name)?.handler ?? DEFAULT_HANDLER).file);
  }

  /** Names of the functions found (folders holding their entry file). */
  names(): string[] {
    if (!existsSync(this.functionsDir)) return [];
    return readdirSync(this.functionsDir, { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && FUNCTION_NAME.test(entry.name))
      .filter((entry) => {
        try {
          return statSync(this.entryFile(entry.name), { throwIfNoEntry: false })?.isFile() ?? false;
        } catch {
          return false;
        }
      })
      .map((entry) => entry.name)
      .sort();
  }

  all(): IterableIterator<Pool> {
    return this.pools.values();
  }

  /** The pool for `name`, reloaded if its files changed; undefined when there is no such function. */
  poolFor(name: string): Pool | undefined {
    if (!FUNCTION_NAME.test(name)) return undefined;
    const dir = join(this.functionsDir, name);
    const configFile = join(dir, 'config.json');
    const file = this.entryFile(name);
    const version = versionOf(file, configFile);
    if (version === undefined) return undefined;
    let pool = this.pools.get(name);
    if (pool && pool.version === version) return pool;
    const config: FunctionConfig = { ...readFunctionConfig(configFile), ...this.settingsFor(name) };
    const { entry } = splitHandler(config.handler ?? DEFAULT_HANDLER);
    if (!pool) {
      pool = { name, dir, file, entry, version, config, instances: [], queue: [] };
      this.pools.set(name, pool);
      return pool;
    }
    Object.assign(pool, { file, entry, version, config });
    for (const instance of [...pool.instances]) {
      // Busy instances finish their runs on the old code and are retired when they end.
      if (instance.running.size === 0) {
        instance.kill();
        removeFromPool(instance);
      }
    }
    return pool;
  }

  /** Why `name` is not found, for the caller: a source folder without its build is the usual slip. */
  notFoundMessage(name: string): string {
    let errMsg = 'FunctionName parameter could not be found.';
    if (FUNCTION_NAME.test(name) && existsSync(join(this.functionsDir, name))) {
      errMsg += ` (${this.entryFile(name)} does not exist: build the function first)`;
    }
    return errMsg;
  }

  counts(name: string): InstanceCounts {
    const pool = this.pools.get(name);
    const counts: InstanceCounts = {
      starting: 0,
      busy: 0,
      idle: 0,
      queued: pool?.queue.length ?? 0,
      running: 0,
      rssBytes: 0,
    };
    for (const instance of pool?.instances ?? []) {
      counts.rssBytes += instance.rss;
      counts.running += instance.running.size;
      if (instance.state === 'loading') counts.starting += 1;
      else if (instance.running.size > 0) counts.busy += 1;
      else if (instance.state === 'ready') counts.idle += 1;
    }
    return counts;
  }
}
