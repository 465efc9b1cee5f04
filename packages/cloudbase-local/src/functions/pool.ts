/**
 * The functions on disk and their pools: per function, its code version and config, its live
 * instances and the invocations waiting for one. A changed index.js or config.json is new code, as
 * after a deploy: idle instances of the old version are retired.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { FUNCTION_NAME, readFunctionConfig } from './config';
import type { Instance, Job } from './instance';
import type { FunctionConfig, InstanceCounts } from './types';

export interface Pool {
  name: string;
  dir: string;
  file: string;
  version: string;
  config: FunctionConfig;
  instances: Instance[];
  queue: Job[];
}

/** Stamps of index.js and config.json: any change means new code to load. */
function versionOf(dir: string): string | undefined {
  const code = statSync(join(dir, 'index.js'), { throwIfNoEntry: false });
  if (!code?.isFile()) return undefined;
  const config = statSync(join(dir, 'config.json'), { throwIfNoEntry: false });
  return `${code.mtimeMs}:${code.size}:${config?.mtimeMs ?? 0}:${config?.size ?? 0}`;
}

export function removeFromPool(instance: Instance): void {
  const pool = instance.pool;
  if (!pool) return;
  const index = pool.instances.indexOf(instance);
  if (index >= 0) pool.instances.splice(index, 1);
}

export class Pools {
  private readonly pools = new Map<string, Pool>();

  constructor(readonly functionsDir: string) {}

  /** Names of the functions found (folders with a built index.js). */
  names(): string[] {
    if (!existsSync(this.functionsDir)) return [];
    return readdirSync(this.functionsDir, { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && FUNCTION_NAME.test(entry.name))
      .filter((entry) => statSync(join(this.functionsDir, entry.name, 'index.js'), { throwIfNoEntry: false })?.isFile())
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
    const version = versionOf(dir);
    if (version === undefined) return undefined;
    let pool = this.pools.get(name);
    if (pool && pool.version === version) return pool;
    const config = readFunctionConfig(join(dir, 'config.json'));
    if (!pool) {
      pool = { name, dir, file: join(dir, 'index.js'), version, config, instances: [], queue: [] };
      this.pools.set(name, pool);
      return pool;
    }
    pool.version = version;
    pool.config = config;
    for (const instance of [...pool.instances]) {
      // Busy instances finish their run on the old code and are retired when it ends.
      if (instance.state !== 'busy') {
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
      errMsg += ` (${join(this.functionsDir, name)} has no built index.js: build the function first)`;
    }
    return errMsg;
  }

  counts(name: string): InstanceCounts {
    const pool = this.pools.get(name);
    const counts: InstanceCounts = { starting: 0, busy: 0, idle: 0, queued: pool?.queue.length ?? 0 };
    for (const instance of pool?.instances ?? []) {
      if (instance.state === 'loading') counts.starting += 1;
      else if (instance.state === 'busy') counts.busy += 1;
      else if (instance.state === 'idle') counts.idle += 1;
    }
    return counts;
  }
}
