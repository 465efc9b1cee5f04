/**
 * The Tencent Cloud API actions a deploy uses (tcb.tencentcloudapi.com, scf.tencentcloudapi.com)
 * on loopback, reached through https-intercept, with state: functions with their configuration,
 * triggers and code, HTTP access routes, collections with indexes, and security rules. Requests
 * must carry the test's key id in their TC3 Authorization header.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { interceptHttps, readBody } from './https-intercept';

export interface FakeFunction {
  Runtime: string;
  Handler: string;
  Timeout: number;
  MemorySize: number;
  InstallDependency: 'TRUE' | 'FALSE';
  Environment: { Variables: Array<{ Key: string; Value: string }> };
  Triggers: Array<{ TriggerName: string; Type: string; TriggerDesc: string }>;
  /** The uploaded zip (ZipFile, base64-decoded). */
  code: Buffer;
}

export interface FakeCloudBase {
  env: Record<string, string>;
  envId: string;
  secretId: string;
  functions: Map<string, FakeFunction>;
  routes: Array<{ Path: string; Name: string }>;
  tables: Map<string, Array<{ Name: string; Keys: Array<{ Name: string; Direction: string }>; Unique: boolean }>>;
  rules: Map<string, string>;
  /** Every action called, in order, as service.Action. */
  actions: string[];
  refused: string[];
  close(): Promise<void>;
}

type Params = Record<string, unknown>;

class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export async function startFakeCloudBase(envId = 'prod-1a2b', secretId = 'AKIDtest'): Promise<FakeCloudBase> {
  const fake: FakeCloudBase = {
    env: {},
    envId,
    secretId,
    functions: new Map(),
    routes: [],
    tables: new Map(),
    rules: new Map(),
    actions: [],
    refused: [],
    close: async () => undefined,
  };
  const fn = (p: Params): FakeFunction => {
    const found = fake.functions.get(String(p.FunctionName));
    if (!found) throw new ApiError('ResourceNotFound.Function', `function ${String(p.FunctionName)} not found`);
    return found;
  };
  const variables = (p: Params) => (p.Environment as FakeFunction['Environment'] | undefined)?.Variables;
  const zip = (p: Params) => Buffer.from(String((p.Code as { ZipFile?: string } | undefined)?.ZipFile ?? ''), 'base64');

  const actions: Record<string, (p: Params) => Params> = {
    'tcb.DescribeEnvInfo': (p) => {
      if (p.EnvId !== envId) throw new ApiError('ResourceNotFound', `env ${String(p.EnvId)} not found`);
      return {
        EnvInfo: {
          EnvBaseInfo: {
            EnvId: envId,
            Functions: [{ Namespace: envId, Region: 'ap-shanghai' }],
            Databases: [{ InstanceId: `tnt-${envId}`, Region: 'ap-shanghai' }],
            Storages: [],
          },
        },
      };
    },
    'scf.GetFunction': (p) => {
      const found = fn(p);
      return { FunctionName: p.FunctionName, Status: 'Active', ...found, code: undefined };
    },
    'scf.CreateFunction': (p) => {
      if (fake.functions.has(String(p.FunctionName))) throw new ApiError('ResourceInUse.Function', 'exists');
      fake.functions.set(String(p.FunctionName), {
        Runtime: String(p.Runtime),
        Handler: String(p.Handler),
        Timeout: Number(p.Timeout),
        MemorySize: Number(p.MemorySize),
        InstallDependency: p.InstallDependency === 'TRUE' ? 'TRUE' : 'FALSE',
        Environment: { Variables: variables(p) ?? [] },
        Triggers: [],
        code: zip(p),
      });
      return {};
    },
    'scf.UpdateFunctionConfiguration': (p) => {
      const found = fn(p);
      if (p.Timeout !== undefined) found.Timeout = Number(p.Timeout);
      if (p.MemorySize !== undefined) found.MemorySize = Number(p.MemorySize);
      if (p.InstallDependency !== undefined)
        found.InstallDependency = p.InstallDependency === 'TRUE' ? 'TRUE' : 'FALSE';
      const vars = variables(p);
      if (vars) found.Environment = { Variables: vars };
      return {};
    },
    'scf.UpdateFunctionCode': (p) => {
      fn(p).code = zip(p);
      return {};
    },
    'scf.BatchCreateTrigger': (p) => {
      const found = fn(p);
      for (const t of JSON.parse(String(p.Triggers)) as FakeFunction['Triggers']) {
        if (found.Triggers.some((x) => x.TriggerName === t.TriggerName)) {
          throw new ApiError('ResourceInUse.Trigger', `trigger ${t.TriggerName} exists`);
        }
        found.Triggers.push({ TriggerName: t.TriggerName, Type: t.Type, TriggerDesc: t.TriggerDesc });
      }
      return {};
    },
    'scf.DeleteTrigger': (p) => {
      const found = fn(p);
      found.Triggers = found.Triggers.filter((t) => t.TriggerName !== p.TriggerName);
      return {};
    },
    'tcb.DescribeCloudBaseGWAPI': () => ({
      APISet: fake.routes.map((r) => ({ ...r, Type: 1, ServiceId: envId })),
      Total: fake.routes.length,
    }),
    'tcb.CreateCloudBaseGWAPI': (p) => {
      if (fake.routes.some((r) => r.Path === p.Path)) throw new ApiError('InvalidParameter.APICreated', 'path exists');
      fake.routes.push({ Path: String(p.Path), Name: String(p.Name) });
      return { APIId: `api-${fake.routes.length}` };
    },
    'tcb.DescribeTable': (p) => {
      const indexes = fake.tables.get(String(p.TableName));
      if (!indexes) throw new ApiError('ResourceNotFound', `table ${String(p.TableName)} not found`);
      return { Indexes: indexes, IndexNum: indexes.length };
    },
    'tcb.CreateTable': (p) => {
      fake.tables.set(String(p.TableName), [{ Name: '_id_', Keys: [{ Name: '_id', Direction: '1' }], Unique: true }]);
      return {};
    },
    'tcb.UpdateTable': (p) => {
      let indexes = fake.tables.get(String(p.TableName)) ?? [];
      for (const drop of (p.DropIndexes ?? []) as Array<{ IndexName: string }>) {
        indexes = indexes.filter((i) => i.Name !== drop.IndexName);
      }
      type Create = {
        IndexName: string;
        MgoKeySchema: { MgoIndexKeys: Array<{ Name: string; Direction: string }>; MgoIsUnique: boolean };
      };
      for (const create of (p.CreateIndexes ?? []) as Create[]) {
        if (indexes.some((i) => i.Name === create.IndexName)) throw new ApiError('InvalidParameter', 'index exists');
        indexes.push({
          Name: create.IndexName,
          Keys: create.MgoKeySchema.MgoIndexKeys,
          Unique: create.MgoKeySchema.MgoIsUnique,
        });
      }
      fake.tables.set(String(p.TableName), indexes);
      return {};
    },
    'tcb.DescribeResourcePermission': (p) => ({
      Data: {
        PermissionList: ((p.Resources ?? []) as string[])
          .filter((name) => fake.rules.has(name))
          .map((name) => ({
            ResourceType: 'collection',
            Resource: name,
            Permission: 'CUSTOM',
            SecurityRule: fake.rules.get(name),
          })),
      },
    }),
    'tcb.ModifyResourcePermission': (p) => {
      fake.rules.set(String(p.Resource), String(p.SecurityRule));
      return { Data: { Success: true } };
    },
  };

  const handle = async (req: IncomingMessage, res: ServerResponse, host: string) => {
    const name = `${host.split('.')[0]}.${String(req.headers['x-tc-action'])}`;
    const params = JSON.parse((await readBody(req)).toString('utf8') || '{}') as Params;
    fake.actions.push(name);
    let response: Params;
    try {
      if (!String(req.headers.authorization).includes(`Credential=${secretId}/`)) {
        throw new ApiError('AuthFailure.SecretIdNotFound', 'unknown key');
      }
      const action = actions[name];
      if (!action) throw new ApiError('InvalidAction', `${name} is not served by this fake`);
      response = action(params);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      response = { Error: { Code: error.code, Message: error.message } };
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ Response: { ...response, RequestId: `req-${fake.actions.length}` } }));
  };
  const intercept = await interceptHttps(['tcb.tencentcloudapi.com', 'scf.tencentcloudapi.com'], handle);
  fake.env = {
    ...intercept.env,
    TENCENTCLOUD_SECRETID: secretId,
    TENCENTCLOUD_SECRETKEY: 'test-secret-key',
    ENV_ID: envId,
  };
  fake.refused = intercept.refused;
  fake.close = intercept.close;
  return fake;
}
