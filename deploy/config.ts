/**
 * cloudbaserc.json, read and checked: the one description of the cloud environment that
 * `npm run deploy` applies and the local cloud runs. Keys inside `functions[]` are the ones
 * CloudBase's CLI and @cloudbase/manager-node read, so `tcb fn deploy` takes the file unchanged;
 * values are never literal, only `{{env.NAME}}` placeholders the CLI fills from .env.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { readCollections, type CollectionSpec } from './collections';

export type { CollectionSpec, IndexSpec } from './collections';

export const REPO_ROOT = join(__dirname, '..');
export const CONFIG_FILE = 'cloudbaserc.json';

/** The Node.js runtimes CloudBase offers (the CLI's list); the local cloud runs the host's Node. */
export const RUNTIMES = ['Nodejs16.13', 'Nodejs18.15', 'Nodejs20.19', 'Nodejs22.21'] as const;
/** Memory sizes (MB) the CLI's schema allows. */
export const MEMORY_SIZES = [128, 256, 512, 1024, 2048] as const;
/** CloudBase's limit for event functions, in seconds. */
export const MAX_TIMEOUT = 900;

export interface TimerTrigger {
  name: string;
  type: 'timer';
  /** 7 fields: second minute hour day month weekday year (Asia/Shanghai). */
  config: string;
}

export interface FunctionSpec {
  name: string;
  /** Absolute path of the function's folder (the package CloudBase receives). */
  dir: string;
  runtime: (typeof RUNTIMES)[number];
  handler: 'index.main';
  timeout: number;
  memorySize: (typeof MEMORY_SIZES)[number];
  installDependency: boolean;
  /** Names only; values come from the environment (.env) when deploying or running locally. */
  envVariables: string[];
  triggers: TimerTrigger[];
  /** HTTP access path (`https://<env>.service.tcloudbase.com<path>`), if the function has one. */
  path?: string;
  /** Open APIs the function may call; CloudBase reads them from config.json in the package. */
  openapi: string[];
  /** Files left out of the uploaded package (the CLI's `ignore`). */
  ignore: string[];
}

export interface CloudConfig {
  /** Absolute path of cloudbaserc.json. */
  file: string;
  /** `{{env.NAME}}`: the variable holding the CloudBase environment id. */
  envIdVariable: string;
  functionRoot: string;
  functions: FunctionSpec[];
  /** Absolute path of the collections file the config names. */
  collectionsFile: string;
  collections: Record<string, CollectionSpec>;
}

/** The CLI fills `"{{env.NAME}}"` from .env, .env.local, then the process environment. */
const PLACEHOLDER = /^\{\{env\.([A-Za-z_][A-Za-z0-9_]*)\}\}$/;
const FUNCTION_KEYS = new Set([
  'name',
  'runtime',
  'handler',
  'timeout',
  'memorySize',
  'installDependency',
  'envVariables',
  'triggers',
  'path',
  'permissions',
  'ignore',
]);
const TOP_KEYS = new Set(['$comment', 'envId', 'functionRoot', 'collections', 'functions']);

export class CloudConfigError extends Error {
  constructor(file: string, message: string) {
    super(`${file}: ${message}`);
    this.name = 'CloudConfigError';
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

/** Reads and checks `cloudbaserc.json` under `root`; throws CloudConfigError naming the problem. */
export function readCloudConfig(root: string = REPO_ROOT, name: string = CONFIG_FILE): CloudConfig {
  const file = resolve(root, name);
  const shown = relative(process.cwd(), file) || name;
  const fail = (message: string): never => {
    throw new CloudConfigError(shown, message);
  };
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    return fail((error as Error).message);
  }
  if (!isRecord(raw)) return fail('expected a JSON object');
  for (const key of Object.keys(raw)) if (!TOP_KEYS.has(key)) fail(`unknown key "${key}"`);

  const envId = typeof raw.envId === 'string' ? PLACEHOLDER.exec(raw.envId) : null;
  if (!envId) fail('"envId" must be "{{env.NAME}}" so the id comes from the environment, not the repository');
  if (typeof raw.functionRoot !== 'string') fail('"functionRoot" must name the cloud functions folder');
  if (typeof raw.collections !== 'string') fail('"collections" must name the collections file');
  if (!Array.isArray(raw.functions)) fail('"functions" must be an array');

  const base = dirname(file);
  const functionRoot = resolve(base, raw.functionRoot as string);
  const functions = (raw.functions as unknown[]).map((entry, i) => readFunction(entry, i, functionRoot, fail));
  checkUnique(functions, fail);
  checkFolders(base, functionRoot, functions, fail);

  const collectionsFile = resolve(base, raw.collections as string);
  return {
    file,
    envIdVariable: (envId as RegExpExecArray)[1],
    functionRoot,
    functions,
    collectionsFile,
    collections: readCollections(collectionsFile),
  };
}

function readFunction(
  entry: unknown,
  index: number,
  functionRoot: string,
  fail: (message: string) => never,
): FunctionSpec {
  if (!isRecord(entry) || typeof entry.name !== 'string' || !/^[A-Za-z][A-Za-z0-9_-]{0,59}$/.test(entry.name)) {
    return fail(`functions[${index}] needs a "name" (letters, digits, - and _)`);
  }
  const name = entry.name;
  const bad = (message: string): never => fail(`function "${name}": ${message}`);
  for (const key of Object.keys(entry)) {
    // Anything else the CLI knows (vpc, layers, type ...) the local cloud could not honour.
    if (!FUNCTION_KEYS.has(key)) bad(`unsupported key "${key}"`);
  }
  const runtime = RUNTIMES.find((r) => r === entry.runtime) ?? bad(`"runtime" must be one of ${RUNTIMES.join(', ')}`);
  // The local cloud calls exports.main, as CloudBase does for index.main.
  if (entry.handler !== 'index.main') bad('"handler" must be "index.main"');
  const timeout = entry.timeout;
  if (typeof timeout !== 'number' || !Number.isInteger(timeout) || timeout < 1 || timeout > MAX_TIMEOUT) {
    bad(`"timeout" must be whole seconds from 1 to ${MAX_TIMEOUT}`);
  }
  const memorySize =
    MEMORY_SIZES.find((m) => m === entry.memorySize) ?? bad(`"memorySize" must be one of ${MEMORY_SIZES.join(', ')}`);
  if (typeof entry.installDependency !== 'boolean') bad('"installDependency" must be true or false');

  const envVariables: string[] = [];
  const vars = entry.envVariables ?? {};
  if (!isRecord(vars)) bad('"envVariables" must be an object');
  for (const [key, value] of Object.entries(vars as Record<string, unknown>)) {
    const match = typeof value === 'string' ? PLACEHOLDER.exec(value) : null;
    if (!match || match[1] !== key) bad(`envVariables.${key} must be "{{env.${key}}}" (values live in .env, not here)`);
    envVariables.push(key);
  }

  const triggers: TimerTrigger[] = [];
  for (const trigger of (entry.triggers ?? bad('"triggers" must be an array')) as unknown[]) {
    if (
      !isRecord(trigger) ||
      typeof trigger.name !== 'string' ||
      trigger.type !== 'timer' ||
      typeof trigger.config !== 'string' ||
      trigger.config.trim().split(/\s+/).length !== 7
    ) {
      bad('each trigger needs { name, type: "timer", config: "<7-field cron>" }');
    }
    const { name: triggerName, config } = trigger as { name: string; config: string };
    if (triggers.some((t) => t.name === triggerName)) bad(`trigger "${triggerName}" appears twice`);
    triggers.push({ name: triggerName, type: 'timer', config });
  }

  if (entry.path !== undefined && (typeof entry.path !== 'string' || !/^\/[\w\-/.]*$/.test(entry.path))) {
    bad('"path" must start with / (an HTTP access path)');
  }
  const permissions = entry.permissions ?? { openapi: [] };
  if (!isRecord(permissions) || !isStringArray(permissions.openapi) || Object.keys(permissions).length !== 1) {
    bad('"permissions" must be { "openapi": ["<api name>", ...] }');
  }
  const ignore = entry.ignore ?? [];
  if (!isStringArray(ignore)) bad('"ignore" must be an array of patterns');

  return {
    name,
    dir: join(functionRoot, name),
    runtime,
    handler: 'index.main',
    timeout: timeout as number,
    memorySize,
    installDependency: entry.installDependency as boolean,
    envVariables,
    triggers,
    ...(entry.path !== undefined ? { path: entry.path as string } : {}),
    openapi: [...(permissions as { openapi: string[] }).openapi],
    ignore: [...(ignore as string[])],
  };
}

function checkUnique(functions: FunctionSpec[], fail: (message: string) => never): void {
  const names = new Set<string>();
  const paths = new Map<string, string>();
  for (const fn of functions) {
    if (names.has(fn.name)) fail(`function "${fn.name}" appears twice`);
    names.add(fn.name);
    if (fn.path === undefined) continue;
    const owner = paths.get(fn.path);
    if (owner) fail(`HTTP path ${fn.path} is given to both "${owner}" and "${fn.name}"`);
    paths.set(fn.path, fn.name);
  }
}

/** Every function folder is described, and every description has a folder: nothing deploys unseen. */
function checkFolders(
  base: string,
  functionRoot: string,
  functions: FunctionSpec[],
  fail: (message: string) => never,
): void {
  if (!existsSync(functionRoot)) fail(`functionRoot ${functionRoot} does not exist`);
  for (const fn of functions) {
    if (!existsSync(join(fn.dir, 'package.json'))) fail(`function "${fn.name}" has no folder with a package.json`);
  }
  for (const folder of readdirSync(functionRoot)) {
    const isFunction = existsSync(join(functionRoot, folder, 'index.ts'));
    if (isFunction && !functions.some((fn) => fn.name === folder)) {
      fail(`${relative(base, join(functionRoot, folder))} is not described in "functions"`);
    }
  }
}

/**
 * The config.json CloudBase and WeChat DevTools read inside the function's package: open-API
 * permissions (nothing else can set them), and the timeout and timer triggers DevTools uploads.
 * Written by `npm run build` from cloudbaserc.json, so the two never disagree.
 */
export function functionConfigJson(fn: FunctionSpec): string {
  const config = {
    permissions: { openapi: fn.openapi },
    ...(fn.triggers.length ? { triggers: fn.triggers } : {}),
    timeout: fn.timeout,
  };
  return `${JSON.stringify(config, null, 2)}\n`;
}
