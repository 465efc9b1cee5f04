/**
 * `startLocalCloud({ project })`: the project's folders, functions, variables, triggers and HTTP
 * access paths become the local cloud's options (what the caller sets wins), after each function's
 * dependencies are installed.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { LocalCloudOptions } from '../options';
import { FUNCTION_NAME } from '../functions/config';
import { installDependencies } from '../functions/install';
import { splitHandler } from '../functions/pool';
import { readProject } from './index';

/** The caller's options completed from the project named by `options.project`. */
export async function withProject(options: LocalCloudOptions, log: (line: string) => void): Promise<LocalCloudOptions> {
  if (!options.project) return options;
  const fixed = typeof options.functionEnv === 'object' ? options.functionEnv : {};
  const project = readProject(options.project, { ...process.env, ...fixed });
  const functionsDir = options.functionsDir ?? project.functionsDir;
  let folders: string[] = [];
  try {
    folders = readdirSync(functionsDir, { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && FUNCTION_NAME.test(entry.name))
      .map((entry) => entry.name);
  } catch {
    log(`no functions folder at ${functionsDir}`);
  }
  // Only what the local cloud will run: a folder without its entry file (an HTTP function started
  // by scf_bootstrap, a shared module) is not a function here, and its dependencies are not needed.
  const runnable = folders.filter((name) => {
    const handler = project.functions[name]?.settings.handler ?? 'index.main';
    return existsSync(join(functionsDir, name, splitHandler(handler).file));
  });
  for (const name of folders.filter((folder) => !runnable.includes(folder))) {
    log(
      `${name}: no ${splitHandler(project.functions[name]?.settings.handler ?? 'index.main').file}, not a function the local cloud runs`,
    );
  }
  const installable = runnable.filter((name) => project.functions[name]?.installDependency !== false);
  await installDependencies(functionsDir, installable, {
    log,
    ...(options.installCache ? { cache: options.installCache } : {}),
  });
  const { functionSettings, functionEnvFor } = options;
  return {
    ...options,
    functionsDir,
    databaseDir: options.databaseDir ?? project.databaseDir ?? false,
    envId: options.envId ?? project.envId,
    httpRoutes: [...project.httpRoutes, ...(options.httpRoutes ?? [])],
    functionSettings: (name) => ({ ...project.functions[name]?.settings, ...functionSettings?.(name) }),
    functionEnvFor: (name, url) => ({ ...project.functions[name]?.env, ...functionEnvFor?.(name, url) }),
  };
}
