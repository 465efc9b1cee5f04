/**
 * A CloudBase mini-program project as it is, read the way WeChat DevTools and CloudBase's CLI read
 * it: project.config.json's `cloudfunctionRoot`; cloudbaserc.json or cloudbaserc.js (the env id,
 * `functionRoot`, and per function its timeout, handler, variables, triggers, HTTP access path and
 * whether its dependencies are installed); each function's own config.json stays where the
 * function host reads it. Nothing in the project is changed here.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join, resolve } from 'node:path';
import type { FunctionSettings } from '../functions/types';
import type { HttpRoute } from '../http-access/routes';
import { isPlainObject } from '../wire/objects';

export interface ProjectFunction {
  settings: FunctionSettings;
  /** Its variables (cloudbaserc.json `envVariables`, `{{env.NAME}}` filled in). */
  env: Record<string, string>;
  /** false when the project says CloudBase must not install its dependencies. */
  installDependency: boolean;
}

export interface Project {
  dir: string;
  /** cloudbaserc's envId, when it names one (a `{{env.ENV_ID}}` left unset names none). */
  envId?: string;
  functionsDir: string;
  /** The folder of the collections file (collections.json), when the project has one. */
  databaseDir?: string;
  functions: Record<string, ProjectFunction>;
  httpRoutes: HttpRoute[];
}

export class ProjectError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProjectError';
  }
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ProjectError(`${file}: ${(error as Error).message}`);
  }
}

/** cloudbaserc.json, or cloudbaserc.js run as CloudBase's CLI runs it (it is the project's own code). */
function readCloudbaserc(dir: string): Record<string, unknown> {
  const json = join(dir, 'cloudbaserc.json');
  const js = join(dir, 'cloudbaserc.js');
  let value: unknown = {};
  if (existsSync(json)) value = readJson(json);
  else if (existsSync(js)) {
    try {
      value = createRequire(js)(js);
    } catch (error) {
      throw new ProjectError(`${js}: ${(error as Error).message}`);
    }
  }
  if (!isPlainObject(value)) throw new ProjectError(`${dir}: cloudbaserc must hold an object`);
  return value;
}

/** `{{env.NAME}}` -> the variable's value; undefined when a placeholder names a variable that is unset. */
function fill(text: string, env: Readonly<Record<string, string | undefined>>): string | undefined {
  let missing = false;
  const filled = text.replace(/\{\{\s*env\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g, (_match, name: string) => {
    const value = env[name];
    if (value === undefined || value === '') missing = true;
    return value ?? '';
  });
  return missing && filled === '' ? undefined : filled;
}

/** A function's key, flat as CloudBase's CLI writes it now or under `config` as older templates do. */
function field(fn: Record<string, unknown>, key: string): unknown {
  if (fn[key] !== undefined) return fn[key];
  return isPlainObject(fn.config) ? fn.config[key] : undefined;
}

function functionOf(
  fn: Record<string, unknown>,
  name: string,
  env: Readonly<Record<string, string | undefined>>,
): ProjectFunction {
  const settings: FunctionSettings = {};
  const timeout = field(fn, 'timeout');
  if (typeof timeout === 'number' && timeout > 0) settings.timeout = timeout;
  const handler = field(fn, 'handler');
  if (typeof handler === 'string' && handler !== '') settings.handler = handler;
  const triggers = field(fn, 'triggers');
  if (Array.isArray(triggers)) {
    settings.triggers = triggers.map((trigger: unknown) => {
      if (!isPlainObject(trigger) || trigger.type !== 'timer' || typeof trigger.name !== 'string') {
        throw new ProjectError(`cloudbaserc: ${name} has a trigger that is not { name, type: "timer", config }`);
      }
      return { name: trigger.name, type: 'timer' as const, config: String(trigger.config) };
    });
  }
  const variables: Record<string, string> = {};
  const declared = field(fn, 'envVariables');
  for (const [key, raw] of Object.entries(isPlainObject(declared) ? declared : {})) {
    const value = fill(String(raw), env);
    if (value !== undefined) variables[key] = value;
  }
  return { settings, env: variables, installDependency: field(fn, 'installDependency') !== false };
}

/** Reads the project at `dir`; `env` fills cloudbaserc's `{{env.NAME}}` placeholders. */
export function readProject(dir: string, env: Readonly<Record<string, string | undefined>> = {}): Project {
  const root = resolve(dir);
  if (!existsSync(root)) throw new ProjectError(`no project at ${root}`);
  const config = join(root, 'project.config.json');
  const projectConfig = existsSync(config) ? readJson(config) : {};
  const rc = readCloudbaserc(root);
  const cloudfunctionRoot = isPlainObject(projectConfig) ? projectConfig.cloudfunctionRoot : undefined;
  const functionRoot = typeof cloudfunctionRoot === 'string' ? cloudfunctionRoot : rc.functionRoot;
  const project: Project = {
    dir: root,
    functionsDir: join(root, typeof functionRoot === 'string' ? functionRoot : 'cloudfunctions'),
    functions: {},
    httpRoutes: [],
  };
  const envId = typeof rc.envId === 'string' ? fill(rc.envId, env) : undefined;
  if (envId) project.envId = envId;
  const collections =
    typeof rc.collections === 'string' ? join(root, rc.collections) : join(root, 'database', 'collections.json');
  if (existsSync(collections)) {
    if (basename(collections) !== 'collections.json') {
      throw new ProjectError(`${collections}: the collections file must be named collections.json`);
    }
    project.databaseDir = dirname(collections);
  }
  for (const fn of Array.isArray(rc.functions) ? (rc.functions as unknown[]) : []) {
    if (!isPlainObject(fn) || typeof fn.name !== 'string')
      throw new ProjectError('cloudbaserc: a function without a name');
    project.functions[fn.name] = functionOf(fn, fn.name, env);
    if (typeof fn.path === 'string') project.httpRoutes.push({ path: fn.path, function: fn.name });
  }
  return project;
}
