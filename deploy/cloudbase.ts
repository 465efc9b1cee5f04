/**
 * The network side of `npm run deploy`, through CloudBase's own @cloudbase/manager-node (what
 * CloudBase's CLI is built on): read what the environment has, then run the plan's steps.
 * Credentials come from the process environment only, never from a file.
 */
import CloudBase from '@cloudbase/manager-node';
import type { CloudConfig, IndexSpec } from './config';
import type { DeployFunction, RemoteFunction, RemoteState, Step } from './plan';

export const CREDENTIAL_VARIABLES = ['TENCENTCLOUD_SECRETID', 'TENCENTCLOUD_SECRETKEY'] as const;

export class DeployError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DeployError';
  }
}

/** A CloudBase API key pair (and the token of temporary keys) from the environment, or a clear error. */
export function connect(envId: string, env: NodeJS.ProcessEnv): CloudBase {
  const missing = CREDENTIAL_VARIABLES.filter((name) => !env[name]);
  if (missing.length) {
    throw new DeployError(
      `${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} not set: export a Tencent Cloud API key ` +
        '(console: 访问管理 > API密钥管理) in the shell; it is never read from .env or the repository',
    );
  }
  return new CloudBase({
    envId,
    secretId: env.TENCENTCLOUD_SECRETID,
    secretKey: env.TENCENTCLOUD_SECRETKEY,
    ...(env.TENCENTCLOUD_SESSIONTOKEN ? { token: env.TENCENTCLOUD_SESSIONTOKEN } : {}),
    ...(env.TENCENTCLOUD_REGION ? { region: env.TENCENTCLOUD_REGION } : {}),
  });
}

const NOT_FOUND = new Set(['ResourceNotFound.FunctionName', 'ResourceNotFound.Function']);

function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

async function readFunction(app: CloudBase, name: string): Promise<RemoteFunction | undefined> {
  try {
    const detail = await app.functions.getFunctionDetail(name);
    return {
      runtime: detail.Runtime,
      timeout: detail.Timeout,
      memorySize: detail.MemorySize,
      installDependency: detail.InstallDependency === 'TRUE',
      envVariables: Object.fromEntries((detail.Environment?.Variables ?? []).map((v) => [v.Key, v.Value])),
      triggers: (detail.Triggers ?? [])
        .filter((t) => t.Type === 'timer')
        .map((t) => ({ name: t.TriggerName, type: 'timer' as const, config: t.TriggerDesc })),
    };
  } catch (error) {
    if (NOT_FOUND.has(errorCode(error) ?? '')) return undefined;
    throw error;
  }
}

/** CloudBase answers directions as strings ("1", "-1"). */
function indexFromCloud(index: { Name: string; Keys: Array<{ Name?: string; Direction?: string }>; Unique: boolean }) {
  const keys: Record<string, 1 | -1> = {};
  for (const key of index.Keys) if (key.Name) keys[key.Name] = key.Direction === '-1' ? -1 : 1;
  return { name: index.Name, keys, ...(index.Unique ? { unique: true } : {}) };
}

function parseRules(text: string | undefined): { read: string | boolean; write: string | boolean } | undefined {
  if (!text) return undefined;
  try {
    const rules = JSON.parse(text) as { read?: unknown; write?: unknown };
    const ok = (v: unknown): v is string | boolean => typeof v === 'string' || typeof v === 'boolean';
    return ok(rules.read) && ok(rules.write) ? { read: rules.read, write: rules.write } : undefined;
  } catch {
    return undefined;
  }
}

/** What CloudBase has of everything the file names. */
export async function readRemote(app: CloudBase, config: CloudConfig): Promise<RemoteState> {
  const remote: RemoteState = { functions: {}, paths: {}, collections: {} };
  for (const fn of config.functions) {
    const current = await readFunction(app, fn.name);
    if (current) remote.functions[fn.name] = current;
  }
  if (config.functions.some((fn) => fn.path !== undefined)) {
    const { APISet } = await app.access.getAccessList();
    for (const api of APISet ?? []) remote.paths[api.Path] = api.Name;
  }
  const names = Object.keys(config.collections);
  const permissions = names.length
    ? (await app.permission.describeResourcePermission({ resourceType: 'collection', resources: names })).Data
        .PermissionList
    : [];
  for (const name of names) {
    if (!(await app.database.checkCollectionExists(name)).Exists) continue;
    const { Indexes = [] } = await app.database.describeCollection(name);
    const rules = parseRules(permissions.find((p) => p.Resource === name)?.SecurityRule);
    remote.collections[name] = { indexes: Indexes.map(indexFromCloud), ...(rules ? { rules } : {}) };
  }
  return remote;
}

/** The function as manager-node takes it (cloudbaserc.json's keys, values filled in). */
function cloudFunction(fn: DeployFunction, withTriggersAndPath: boolean) {
  const { spec } = fn;
  return {
    name: spec.name,
    runtime: spec.runtime,
    handler: spec.handler,
    timeout: spec.timeout,
    memorySize: spec.memorySize,
    installDependency: spec.installDependency,
    envVariables: fn.env,
    ignore: spec.ignore,
    isWaitInstall: true,
    ...(withTriggersAndPath ? { triggers: spec.triggers, ...(spec.path ? { path: spec.path } : {}) } : {}),
  };
}

function mgoIndex(index: IndexSpec) {
  return {
    IndexName: index.name,
    MgoKeySchema: {
      MgoIndexKeys: Object.entries(index.keys).map(([Name, dir]) => ({ Name, Direction: String(dir) })),
      MgoIsUnique: index.unique === true,
    },
  };
}

export async function applyStep(app: CloudBase, config: CloudConfig, step: Step): Promise<void> {
  const functionRootPath = config.functionRoot;
  // Each bundled function is a few tens of KB: sent inline (ZipFile, up to 1.5 MB), not through COS.
  switch (step.kind) {
    case 'function.create':
      await app.functions.createFunction({ func: cloudFunction(step.fn, true), functionRootPath, deployMode: 'zip' });
      return;
    case 'function.config':
      await app.functions.updateFunctionConfig(cloudFunction(step.fn, false));
      return;
    case 'function.code':
      await app.functions.updateFunctionCode({
        func: cloudFunction(step.fn, false),
        functionRootPath,
        deployMode: 'zip',
      });
      return;
    case 'trigger.delete':
      await app.functions.deleteFunctionTrigger(step.fn, step.trigger);
      return;
    case 'trigger.create':
      await app.functions.createFunctionTriggers(step.fn, [step.trigger]);
      return;
    case 'path.create':
      await app.access.createAccess({ name: step.fn, path: step.path });
      return;
    case 'collection.create':
      await app.database.createCollectionIfNotExists(step.collection);
      return;
    case 'index.drop':
      await app.database.updateCollection(step.collection, { DropIndexes: [{ IndexName: step.index }] });
      return;
    case 'index.create':
      await app.database.updateCollection(step.collection, { CreateIndexes: [mgoIndex(step.index)] });
      return;
    case 'rules.set':
      await app.permission.modifyResourcePermission({
        resourceType: 'collection',
        resource: step.collection,
        permission: 'CUSTOM',
        securityRule: JSON.stringify(step.rules),
      });
      return;
  }
}
