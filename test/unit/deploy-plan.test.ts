import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runDeploy } from '../../deploy/cli';
import { readCloudConfig, REPO_ROOT } from '../../deploy/config';
import { EMPTY_ENVIRONMENT, planDeploy, type RemoteState, type Step } from '../../deploy/plan';

const FIXTURE = join(__dirname, '../fixtures/deploy');

/** CloudBase as the fixture describes it, with the values below: a deploy has nothing to change. */
function matchingRemote(): RemoteState {
  return {
    functions: {
      api: {
        runtime: 'Nodejs20.19',
        timeout: 10,
        memorySize: 256,
        installDependency: true,
        envVariables: { API_TOKEN: 'secret-token' },
        triggers: [],
      },
      cron: {
        runtime: 'Nodejs18.15',
        timeout: 60,
        memorySize: 128,
        installDependency: false,
        envVariables: {},
        triggers: [
          { name: 'hourly', type: 'timer', config: '0 0 * * * * *' },
          { name: 'nightly', type: 'timer', config: '0 30 2 * * * *' },
        ],
      },
    },
    paths: { '/api': 'api' },
    collections: {
      notes: {
        indexes: [
          { name: '_id_', keys: { _id: 1 } },
          { name: 'by_owner', keys: { _openid: 1, createdAt: -1 } },
          { name: 'slug', keys: { slug: 1 }, unique: true },
        ],
        rules: { read: 'doc._openid == auth.openid', write: false },
      },
    },
  };
}

const summary = (steps: Step[]): string[] =>
  steps.map((step) => {
    switch (step.kind) {
      case 'function.create':
      case 'function.code':
        return `${step.kind} ${step.fn.spec.name}`;
      case 'function.config':
        return `${step.kind} ${step.fn.spec.name}: ${step.changes.join('; ')}`;
      case 'trigger.delete':
        return `${step.kind} ${step.fn}/${step.trigger}`;
      case 'trigger.create':
        return `${step.kind} ${step.fn}/${step.trigger.name}`;
      case 'path.create':
        return `${step.kind} ${step.path}`;
      case 'collection.create':
        return `${step.kind} ${step.collection}`;
      case 'index.drop':
        return `${step.kind} ${step.collection}.${step.index}`;
      case 'index.create':
        return `${step.kind} ${step.collection}.${step.index.name}`;
      case 'rules.set':
        return `${step.kind} ${step.collection}`;
    }
  });

describe('deploy plan', () => {
  const config = readCloudConfig(FIXTURE);
  const values = { API_TOKEN: 'secret-token' };

  it('against an environment that matches: only the code goes up', () => {
    const plan = planDeploy(config, values, matchingRemote());
    expect(summary(plan.steps)).toEqual(['function.code api', 'function.code cron']);
    expect(plan.problems).toEqual([]);
    expect(plan.notes).toEqual([]);
  });

  it('against an empty environment: creates every function, collection, index and rule', () => {
    const plan = planDeploy(config, values, EMPTY_ENVIRONMENT);
    expect(summary(plan.steps)).toEqual([
      'function.create api',
      'function.create cron',
      'collection.create notes',
      'index.create notes.by_owner',
      'index.create notes.slug',
      'rules.set notes',
    ]);
  });

  it('updates what differs and leaves what it does not own', () => {
    const remote = matchingRemote();
    Object.assign(remote.functions.api, { timeout: 3, memorySize: 128 });
    remote.functions.api.envVariables = { API_TOKEN: 'old-token', LEGACY: 'x' };
    remote.functions.cron.triggers = [
      { name: 'hourly', type: 'timer', config: '0 15 * * * * *' },
      { name: 'legacy', type: 'timer', config: '0 0 0 * * * *' },
    ];
    remote.functions.other = { ...remote.functions.cron, triggers: [] };
    remote.paths = {};
    remote.collections.notes.indexes = [
      { name: 'by_owner', keys: { _openid: 1, createdAt: 1 } },
      { name: 'manual', keys: { x: 1 } },
    ];
    remote.collections.notes.rules = { read: true, write: false };

    const plan = planDeploy(config, { API_TOKEN: 'new-token', API_BASE: 'https://example.invalid' }, remote);

    expect(summary(plan.steps)).toEqual([
      'function.config api: timeout 3 s -> 10 s; memory 128 MB -> 256 MB; env +API_BASE ~API_TOKEN -LEGACY',
      'function.code api',
      'path.create /api',
      'function.code cron',
      'trigger.delete cron/hourly',
      'trigger.delete cron/legacy',
      'trigger.create cron/hourly',
      'trigger.create cron/nightly',
      'index.drop notes.by_owner',
      'index.create notes.by_owner',
      'index.create notes.slug',
      'rules.set notes',
    ]);
    expect(plan.notes).toEqual([
      'function other is on CloudBase but not in the file; left alone',
      'collection notes: index manual is not in the file; left alone',
    ]);
    expect(plan.problems).toEqual([]);
  });

  it('names what it cannot change instead of trying', () => {
    const remote = matchingRemote();
    remote.functions.cron.runtime = 'Nodejs16.13';
    remote.paths = { '/api': 'cron' };
    const plan = planDeploy(config, values, remote);
    expect(plan.problems).toEqual([
      'HTTP path /api reaches cron on CloudBase, not api; delete that route first',
      expect.stringContaining('function cron: runtime is Nodejs16.13 on CloudBase and Nodejs18.15 here'),
    ]);
  });
});

describe('npm run deploy', () => {
  let root: string;
  let lines: string[];
  const out = (line: string) => void lines.push(line);
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'deploy-'));
    cpSync(FIXTURE, root, { recursive: true });
    lines = [];
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('--dry-run prints every function, trigger, path, collection, index and rule, and no value', async () => {
    writeFileSync(join(root, '.env'), 'ENV_ID=prod-1a2b\nAPI_TOKEN=secret-token\n');
    await runDeploy(['--dry-run'], {}, out, root);
    const text = lines.join('\n');

    expect(lines[0]).toBe('Dry run, offline: the plan for an empty environment prod-1a2b, from cloudbaserc.json.');
    for (const expected of [
      'functions (functions/)',
      '  + function api',
      '      runtime Nodejs20.19, handler index.main, timeout 10 s, memory 256 MB, dependencies installed in the cloud',
      '      env API_TOKEN (set), API_BASE (unset)',
      '      open API security.msgSecCheck (config.json)',
      '      HTTP path /api',
      '      code functions/api/ (package.json), index.js missing: npm run build',
      '  + function cron',
      '      triggers hourly (timer "0 0 * * * * *", Asia/Shanghai); nightly (timer "0 30 2 * * * *", Asia/Shanghai)',
      'collections (database/collections.json)',
      '  + collection notes',
      '  + index notes.by_owner { _openid: 1, createdAt: -1 }',
      '  + index notes.slug { slug: 1 } unique',
      '  ~ rules notes: read "doc._openid == auth.openid", write false',
    ]) {
      expect(lines).toContain(expected);
    }
    expect(text).not.toContain('secret-token');
  });

  it('refuses to deploy without an environment id, then without credentials from the shell', async () => {
    await expect(runDeploy([], {}, out, root)).rejects.toThrow('ENV_ID is not set');
    await expect(runDeploy([], { ENV_ID: 'prod-1a2b' }, out, root)).rejects.toThrow('api, cron not built');
    for (const fn of ['api', 'cron'])
      writeFileSync(join(root, 'functions', fn, 'index.js'), 'exports.main = () => 1;\n');
    // Credentials in .env are not read: they would also reach every local function.
    writeFileSync(join(root, '.env'), 'TENCENTCLOUD_SECRETID=id\nTENCENTCLOUD_SECRETKEY=key\n');
    await expect(runDeploy([], { ENV_ID: 'prod-1a2b' }, out, root)).rejects.toThrow(
      'TENCENTCLOUD_SECRETID and TENCENTCLOUD_SECRETKEY are not set',
    );
    expect(lines).toEqual([]);
  });

  it("dry-runs this repository's own description from the command line", () => {
    const text = execFileSync(join(REPO_ROOT, 'node_modules/.bin/tsx'), ['deploy/cli.ts', '--dry-run'], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      env: { ...process.env, ENV_ID: 'repo-env' },
    });
    expect(text).toContain('+ function remind');
    expect(text).toContain('triggers everyMinute (timer "0 * * * * * *", Asia/Shanghai)');
    expect(text).toContain('+ index todos.reminders_due { remindState: 1, remindNextAt: 1 }');
  });
});
