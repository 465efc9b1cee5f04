import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { functionConfigJson, readCloudConfig, REPO_ROOT } from '../../deploy/config';
import { deployValues, functionEnvironment, parseDotenv } from '../../deploy/env';

const FIXTURE = join(__dirname, '../fixtures/deploy');

/** cloudbaserc.json as parsed JSON, for editing in a test. */
type Raw = { [key: string]: unknown; functions: Array<Record<string, unknown>> };

describe("the repository's cloudbaserc.json", () => {
  const config = readCloudConfig();

  it('describes every cloud function, with the remind and chat timers and the open-API permissions', () => {
    expect(config.functions.map((fn) => fn.name)).toEqual(['login', 'todo', 'remind', 'chat', 'oa']);
    expect(config.functions.find((fn) => fn.name === 'oa')).toMatchObject({
      timeout: 60,
      path: '/oa',
      openapi: ['security.msgSecCheck', 'cloudbase.addDelayedFunctionTask'],
    });
    expect(config.functions.find((fn) => fn.name === 'chat')).toMatchObject({
      timeout: 60,
      runtime: 'Nodejs20.19',
      triggers: [{ name: 'sweep', type: 'timer', config: '30 * * * * * *' }],
      openapi: ['security.msgSecCheck', 'cloudbase.addDelayedFunctionTask'],
    });
    const remind = config.functions.find((fn) => fn.name === 'remind');
    expect(remind).toMatchObject({
      timeout: 60,
      triggers: [{ name: 'everyMinute', type: 'timer', config: '0 * * * * * *' }],
      openapi: ['subscribeMessage.send', 'cloudbase.addDelayedFunctionTask'],
    });
    // Every write that leaves a reminder pending asks for its deferred invocation.
    expect(config.functions.find((fn) => fn.name === 'todo')).toMatchObject({
      openapi: ['cloudbase.addDelayedFunctionTask'],
    });
    expect(Object.keys(config.collections).sort()).toEqual([
      'autoreplies',
      'chat_quota',
      'chat_words',
      'conversations',
      'messages',
      'oa_accounts',
      'oa_followers',
      'oa_inbox',
      'reminder_slots',
      'requests',
      'subscriptions',
      'todos',
      'users',
    ]);
  });

  it('lets no client write any collection: the app writes through its functions only', () => {
    const writable = Object.entries(config.collections).filter(([, spec]) => spec.rules.write !== false);
    expect(writable.map(([name]) => name)).toEqual([]);
  });

  it('matches every config.json in the function packages (npm run build writes them)', () => {
    for (const fn of config.functions) {
      const committed = readFileSync(join(fn.dir, 'config.json'), 'utf8');
      expect({ fn: fn.name, config: committed }).toEqual({ fn: fn.name, config: functionConfigJson(fn) });
    }
  });

  it('declares only variables .env.example documents, and .env.example documents no others', () => {
    const documented = new Set(
      [...readFileSync(join(REPO_ROOT, '.env.example'), 'utf8').matchAll(/^#?\s*([A-Z][A-Z0-9_]*)=/gm)].map(
        (m) => m[1],
      ),
    );
    const declared = new Set(config.functions.flatMap((fn) => fn.envVariables));
    expect([...declared].filter((name) => !documented.has(name))).toEqual([]);
    expect([...documented].filter((name) => !declared.has(name) && name !== config.envIdVariable)).toEqual([]);
  });
});

describe('readCloudConfig rejects what would not deploy as it runs locally', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'cloud-config-'));
    cpSync(FIXTURE, root, { recursive: true });
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const edit = (change: (raw: Raw) => void) => {
    const file = join(root, 'cloudbaserc.json');
    const raw = JSON.parse(readFileSync(file, 'utf8')) as Raw;
    change(raw);
    writeFileSync(file, JSON.stringify(raw));
  };

  it('reads the fixture: names only for variables, triggers, path, permissions, collections', () => {
    const config = readCloudConfig(root);
    expect(config.envIdVariable).toBe('ENV_ID');
    expect(config.functions[0]).toMatchObject({
      name: 'api',
      envVariables: ['API_TOKEN', 'API_BASE'],
      path: '/api',
      openapi: ['security.msgSecCheck'],
      ignore: ['index.ts'],
    });
    expect(config.functions[1]).toMatchObject({ name: 'cron', openapi: [], memorySize: 128, installDependency: false });
    expect(config.collections.notes.indexes[1]).toEqual({ name: 'slug', keys: { slug: 1 }, unique: true });
  });

  it.each([
    [
      'a literal value',
      (r: Raw) => (r.functions[0].envVariables = { API_TOKEN: 'abc' }),
      'envVariables.API_TOKEN must be "{{env.API_TOKEN}}"',
    ],
    [
      'a placeholder for another name',
      (r: Raw) => (r.functions[0].envVariables = { A: '{{env.B}}' }),
      'envVariables.A',
    ],
    ['a literal envId', (r: Raw) => (r.envId = 'prod-1a2b'), '"envId" must be "{{env.NAME}}"'],
    ['a key the local cloud cannot honour', (r: Raw) => (r.functions[0].vpc = {}), 'unsupported key "vpc"'],
    [
      'a 6-field cron',
      (r: Raw) => (r.functions[1].triggers = [{ name: 't', type: 'timer', config: '0 * * * * *' }]),
      '7-field cron',
    ],
    ['an unknown runtime', (r: Raw) => (r.functions[0].runtime = 'Nodejs12.16'), '"runtime" must be one of'],
    ['another handler', (r: Raw) => (r.functions[0].handler = 'app.handler'), '"handler" must be "index.main"'],
    ['a timeout past 900 s', (r: Raw) => (r.functions[0].timeout = 901), '"timeout" must be whole seconds'],
    [
      'one path for two functions',
      (r: Raw) => (r.functions[1].path = '/api'),
      'HTTP path /api is given to both "api" and "cron"',
    ],
    ['a function without a folder', (r: Raw) => (r.functions[1].name = 'ghost'), 'function "ghost" has no folder'],
  ])('%s', (_what, change, message) => {
    edit(change);
    expect(() => readCloudConfig(root)).toThrow(message);
  });

  it('a function folder the file does not describe', () => {
    mkdirSync(join(root, 'functions/extra'));
    writeFileSync(join(root, 'functions/extra/index.ts'), 'export const main = () => 1;\n');
    expect(() => readCloudConfig(root)).toThrow('functions/extra is not described in "functions"');
  });

  it('a collection rule that is neither an expression nor a boolean', () => {
    writeFileSync(
      join(root, 'database/collections.json'),
      '{"collections":{"notes":{"rules":{"read":1,"write":false}}}}',
    );
    expect(() => readCloudConfig(root)).toThrow('collection "notes": "rules" must be { read, write }');
  });
});

describe('deploy values', () => {
  let root: string;
  beforeEach(() => (root = mkdtempSync(join(tmpdir(), 'deploy-env-'))));
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('come from .env, then .env.local, then the process environment; never from .env.example', () => {
    writeFileSync(join(root, '.env.example'), 'A=example\nD=example\n');
    writeFileSync(join(root, '.env'), '# comment\nA=from-env\nB="quoted # kept"\nC=1 # trailing comment\n');
    writeFileSync(join(root, '.env.local'), "export B='local'\n");
    expect(deployValues(root, { C: 'shell' })).toEqual({ A: 'from-env', B: 'local', C: 'shell' });
    expect(parseDotenv('B="quoted # kept"')).toEqual({ B: 'quoted # kept' });
  });

  it('give a function only the names it declares; empty counts as unset', () => {
    const [api] = readCloudConfig(FIXTURE).functions;
    expect(functionEnvironment(api, { API_TOKEN: 't', API_BASE: '', OTHER: 'x' })).toEqual({
      set: { API_TOKEN: 't' },
      unset: ['API_BASE'],
    });
  });
});
