import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakeCloudBase, type FakeCloudBase } from '../helpers/fake-cloudbase';
import { cleanEnv, runScript } from './helpers';

// Each run starts tsx; manager-node polls a function's status once a second while it settles.
jest.setTimeout(120_000);

describe('npm run deploy, against the CloudBase API on loopback', () => {
  let fake: FakeCloudBase;
  let root: string;

  beforeAll(async () => {
    fake = await startFakeCloudBase();
    root = mkdtempSync(join(tmpdir(), 'deploy-e2e-'));
    cpSync(join(__dirname, '../fixtures/deploy'), root, { recursive: true });
    // What npm run build leaves in each function folder.
    for (const fn of ['api', 'cron']) {
      writeFileSync(join(root, 'functions', fn, 'index.js'), `exports.main = async () => '${fn}';\n`);
      writeFileSync(join(root, 'functions', fn, 'config.json'), '{"permissions":{"openapi":[]}}\n');
    }
    writeFileSync(join(root, '.env'), 'API_TOKEN=token-from-dotenv\n');
  });
  afterAll(async () => {
    await fake.close();
    rmSync(root, { recursive: true, force: true });
  });

  const deploy = () => runScript('deploy/cli.ts', ['--config', join(root, 'cloudbaserc.json')], cleanEnv(fake.env));
  const edit = (change: (raw: { functions: Array<Record<string, unknown>> }) => void) => {
    const file = join(root, 'cloudbaserc.json');
    const raw = JSON.parse(readFileSync(file, 'utf8')) as { functions: Array<Record<string, unknown>> };
    change(raw);
    writeFileSync(file, JSON.stringify(raw));
  };

  it('creates what is missing: functions with settings, variables, triggers and path; collection, indexes, rules', async () => {
    const run = await deploy();

    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Environment prod-1a2b matches cloudbaserc.json.');
    expect(fake.functions.get('api')).toMatchObject({
      Runtime: 'Nodejs20.19',
      Handler: 'index.main',
      Timeout: 10,
      MemorySize: 256,
      InstallDependency: 'TRUE',
      Environment: { Variables: [{ Key: 'API_TOKEN', Value: 'token-from-dotenv' }] },
    });
    expect(fake.functions.get('cron')?.Triggers).toEqual([
      { TriggerName: 'hourly', Type: 'timer', TriggerDesc: '0 0 * * * * *' },
      { TriggerName: 'nightly', Type: 'timer', TriggerDesc: '0 30 2 * * * *' },
    ]);
    // The zip holds the package (names are stored plainly in a zip), not the TypeScript source.
    const zip = fake.functions.get('api')?.code.toString('latin1') ?? '';
    expect(zip).toContain('index.js');
    expect(zip).toContain('config.json');
    expect(zip).not.toContain('index.ts');
    expect(fake.routes).toEqual([{ Path: '/api', Name: 'api' }]);
    expect(fake.tables.get('notes')?.map((i) => i.Name)).toEqual(['_id_', 'by_owner', 'slug']);
    expect(fake.tables.get('notes')?.[1].Keys).toEqual([
      { Name: '_openid', Direction: '1' },
      { Name: 'createdAt', Direction: '-1' },
    ]);
    expect(JSON.parse(fake.rules.get('notes') ?? '{}')).toEqual({ read: 'doc._openid == auth.openid', write: false });
    expect(fake.refused).toEqual([]);
  });

  it('run again unchanged: uploads the code and changes nothing else', async () => {
    const from = fake.actions.length;
    const run = await deploy();

    expect(run.code).toBe(0);
    const writes = fake.actions.slice(from).filter((a) => !/\.(Get|Describe)/.test(a));
    expect([...new Set(writes)]).toEqual(['scf.UpdateFunctionCode']);
  });

  it('updates what differs: configuration, variables, a changed trigger, a changed index', async () => {
    edit((raw) => {
      raw.functions[0].timeout = 20;
      raw.functions[1].triggers = [{ name: 'hourly', type: 'timer', config: '0 15 * * * * *' }];
    });
    writeFileSync(join(root, '.env'), 'API_TOKEN=rotated\nAPI_BASE=https://example.invalid\n');
    const collections = join(root, 'database/collections.json');
    writeFileSync(collections, readFileSync(collections, 'utf8').replace('"createdAt": -1', '"createdAt": 1'));
    const run = await deploy();

    expect(run.code).toBe(0);
    expect(run.stdout).toContain('~ function api configuration: timeout 10 s -> 20 s; env +API_BASE ~API_TOKEN');
    expect(run.stdout).not.toContain('rotated');
    expect(fake.functions.get('api')).toMatchObject({
      Timeout: 20,
      Environment: {
        Variables: [
          { Key: 'API_TOKEN', Value: 'rotated' },
          { Key: 'API_BASE', Value: 'https://example.invalid' },
        ],
      },
    });
    expect(fake.functions.get('cron')?.Triggers).toEqual([
      { TriggerName: 'hourly', Type: 'timer', TriggerDesc: '0 15 * * * * *' },
    ]);
    expect(fake.tables.get('notes')?.find((i) => i.Name === 'by_owner')?.Keys).toEqual([
      { Name: '_openid', Direction: '1' },
      { Name: 'createdAt', Direction: '1' },
    ]);
  });
});
