/**
 * Projects run as they are (`startLocalCloud({ project })`, what `cloudbase-local --project` does),
 * shaped like public CloudBase mini-programs: a DevTools quick-start project (project.config.json,
 * one function dispatching on event.type, wx-server-sdk 2.x) and a project run from cloudbaserc.json
 * alone (several functions, a shared `file:` module, wx-server-sdk 3.x, @cloudbase/node-sdk with its
 * own handler, a timer, an HTTP path, variables from placeholders). Each function's dependencies are
 * installed from the registry on first start; installs are kept in node_modules/.cache so later runs
 * link or copy them.
 */
import { cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LocalCloud } from '../../packages/cloudbase-local/src';
import { startLocalCloud } from '../../packages/cloudbase-local/src';
import { installDependencies } from '../../packages/cloudbase-local/src/functions/install';
import { readProject } from '../../packages/cloudbase-local/src/project';
import { postJson } from '../fixtures/emulator/harness';

const PROJECTS = join(__dirname, '..', 'fixtures', 'emulator', 'projects');
const INSTALL_CACHE = join(__dirname, '..', '..', 'node_modules', '.cache', 'cloudbase-local', 'installs');

// A cold run installs wx-server-sdk 2.x and 3.x and @cloudbase/node-sdk from the registry.
jest.setTimeout(300_000);

/** A throwaway copy of a fixture project, as a developer's checkout would be. */
function copyProject(name: string): string {
  const dir = join(mkdtempSync(join(tmpdir(), `project-${name}-`)), name);
  cpSync(join(PROJECTS, name), dir, { recursive: true });
  return dir;
}

async function call(cloud: LocalCloud, name: string, event: unknown, openid = 'dev_alice'): Promise<unknown> {
  const { status, body } = await postJson(`${cloud.url}/functions/${name}`, event, { 'x-wx-openid': openid });
  if (status !== 200) throw new Error(`${name}: ${status} ${JSON.stringify(body)}`);
  return body.result;
}

const logs: Record<string, string[]> = { quickstart: [], planner: [] };
let quickstart: LocalCloud;
let planner: LocalCloud;
let plannerDir: string;

beforeAll(async () => {
  const quickstartDir = copyProject('quickstart');
  // The CloudBase console exports a collection as JSON lines in a .json file.
  writeFileSync(
    join(quickstartDir, 'data', 'notices.json'),
    '{"_id":"welcome","text":"Welcome"}\n{"_id":"hello","text":"Hello"}\n',
  );
  plannerDir = copyProject('planner');
  // Both start at once, so their installs overlap.
  [quickstart, planner] = await Promise.all([
    startLocalCloud({
      project: quickstartDir,
      installCache: INSTALL_CACHE,
      importDir: join(quickstartDir, 'data'),
      port: 0,
      log: (line) => logs.quickstart.push(line),
    }),
    startLocalCloud({
      project: plannerDir,
      installCache: INSTALL_CACHE,
      importDir: join(plannerDir, 'data'),
      functionEnv: { GREETING: 'hello from .env', ENV_ID: 'planner-dev' },
      port: 0,
      log: (line) => logs.planner.push(line),
    }),
  ]);
});

afterAll(async () => {
  await Promise.all([quickstart?.close(), planner?.close()]);
});

describe('a DevTools quick-start project', () => {
  it('installed its function once, and finds it through project.config.json', () => {
    expect(quickstart.functions.list()).toEqual(['quickstartFunctions']);
    expect(logs.quickstart.join('\n')).toMatch(/quickstartFunctions: (installed|from the install cache)/);
  });

  it('imports collections from JSON lines: CloudBase console exports (.json) and empty files', async () => {
    expect(await quickstart.store.find('notices', {}, { sort: [['_id', 1]] })).toEqual([
      { _id: 'hello', text: 'Hello' },
      { _id: 'welcome', text: 'Welcome' },
    ]);
    expect(await quickstart.store.listCollections()).toContain('visits');
  });

  it('runs every action as the mini-program calls it, on wx-server-sdk 2.x', async () => {
    expect(await call(quickstart, 'quickstartFunctions', { type: 'getOpenId' })).toMatchObject({ openid: 'dev_alice' });
    expect(await call(quickstart, 'quickstartFunctions', { type: 'createCollection' })).toEqual({ success: true });
    const { data } = (await call(quickstart, 'quickstartFunctions', { type: 'selectRecord' })) as {
      data: Array<{ _id: string; city: string; sales: number }>;
    };
    expect(data.map((row) => row.city)).toEqual(['Guangzhou', 'Nanjing', 'Shanghai', 'Shenzhen']);
    const updated = data.map((row) => ({ _id: row._id, sales: row.sales + 1 }));
    expect(await call(quickstart, 'quickstartFunctions', { type: 'updateRecord', data: updated })).toMatchObject({
      success: true,
    });
    expect(await call(quickstart, 'quickstartFunctions', { type: 'sumRecord' })).toMatchObject({
      list: [
        { _id: 'east', totalSales: 24 },
        { _id: 'south', totalSales: 46 },
      ],
    });
  });

  it('stores the mini-program code wxacode.get draws, uploaded by the 2.x SDK as a form', async () => {
    const fileID = (await call(quickstart, 'quickstartFunctions', { type: 'getMiniProgramCode' })) as string;
    expect(fileID).toMatch(/^cloud:\/\/.+\/code\.png$/);
    const [stored] = await quickstart.storage.list();
    expect(stored).toMatchObject({ cloudPath: 'code.png', uploader: { function: 'quickstartFunctions' } });
    const bytes = await quickstart.storage.read(fileID);
    expect(bytes?.subarray(1, 4).toString()).toBe('PNG');
  });

  it('refuses a second createCollection of the same collection, as CloudBase does', async () => {
    expect(await call(quickstart, 'quickstartFunctions', { type: 'createCollection' })).toMatchObject({
      success: false,
    });
  });
});

describe('a project run from cloudbaserc.json', () => {
  it('installs each distinct set of dependencies once and skips what is not a function', () => {
    const output = logs.planner.join('\n');
    expect(output).toMatch(/webapp: no index\.js, not a function the local cloud runs/);
    expect(planner.functions.list()).toEqual(['addTask', 'notify', 'report', 'sweep']);
    // The shared `file:` module keeps working from each function's own copy.
    expect(lstatSync(join(plannerDir, 'functions', 'notify', 'node_modules')).isDirectory()).toBe(true);
    expect(existsSync(join(plannerDir, 'functions', 'notify', 'node_modules', 'planner-shared', 'index.js'))).toBe(
      true,
    );
  });

  it('takes settings from cloudbaserc over config.json, flat or under config', () => {
    expect(planner.functions.config('addTask').timeout).toBe(20);
    expect(planner.functions.config('notify')).toMatchObject({
      timeout: 5,
      permissions: { openapi: ['subscribeMessage.send'] },
    });
    expect(planner.functions.config('sweep')).toMatchObject({
      timeout: 20,
      triggers: [{ name: 'nightly', type: 'timer', config: '0 0 3 * * * *' }],
    });
  });

  it('runs a function that calls another as the same user, with its variables filled in', async () => {
    expect(await call(planner, 'addTask', { title: '  Water the plants  ' })).toMatchObject({
      title: 'Water the plants',
      greeting: 'hello from .env',
      unset: null,
      notified: { to: 'dev_alice', errCode: 0 },
    });
    expect(planner.outbox.list()).toEqual([
      expect.objectContaining({ apiName: 'subscribeMessage.send', openid: 'dev_alice' }),
    ]);
  });

  it('fires the timer trigger cloudbaserc declares', async () => {
    const fired = await planner.timers.fire('sweep', 'nightly');
    expect(fired).toMatchObject({ ok: true, result: { trigger: 'nightly', swept: 1 } });
  });

  it('runs @cloudbase/node-sdk with its own handler, called and over its HTTP path', async () => {
    expect(await call(planner, 'report', {})).toEqual({ tasks: 1, caller: 'dev_alice', via: 'call' });
    const res = await fetch(`${planner.url}/http/report`);
    expect(await res.json()).toMatchObject({ tasks: 1, via: 'http' });
  });

  it('uses the env id cloudbaserc names', async () => {
    expect(planner.storage.fileIdFor('x.txt')).toMatch(/^cloud:\/\/planner-dev\./);
    expect(await call(planner, 'addTask', { title: 'x' })).toMatchObject({ env: 'planner-dev' });
  });
});

describe('reading a project', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'project-read-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reads cloudbaserc.js, nested settings, a collections file, and drops unset placeholders', () => {
    mkdirSync(join(dir, 'db'));
    writeFileSync(join(dir, 'db', 'collections.json'), '{"collections":{}}');
    writeFileSync(
      join(dir, 'cloudbaserc.js'),
      `module.exports = { envId: '{{env.ENV_ID}}', functionRoot: './fns', collections: 'db/collections.json',
        functions: [{ name: 'app', handler: 'main.run', config: { timeout: 9, envVariables: { A: 'x{{env.B}}', C: '{{env.C}}' } },
          triggers: [{ name: 't', type: 'timer', config: '0 * * * * * *' }] }] };`,
    );
    const project = readProject(dir, { B: 'y' });
    expect(project).toMatchObject({
      functionsDir: join(dir, 'fns'),
      databaseDir: join(dir, 'db'),
      functions: {
        app: {
          settings: {
            timeout: 9,
            handler: 'main.run',
            triggers: [{ name: 't', type: 'timer', config: '0 * * * * * *' }],
          },
          env: { A: 'xy' },
          installDependency: true,
        },
      },
    });
    expect(project.envId).toBeUndefined();
  });

  it('says what to run when a function cannot be installed, and goes on', async () => {
    for (const name of ['broken', 'fine']) mkdirSync(join(dir, name));
    writeFileSync(
      join(dir, 'broken', 'package.json'),
      JSON.stringify({ name: 'broken', dependencies: { 'missing-local': 'file:./missing-local.tgz' } }),
    );
    writeFileSync(join(dir, 'fine', 'package.json'), JSON.stringify({ name: 'fine' }));
    const lines: string[] = [];
    const results = await installDependencies(dir, ['broken', 'fine'], { log: (line) => lines.push(line) });
    expect(results.map((result) => [result.name, result.outcome]).sort()).toEqual([
      ['broken', 'failed'],
      ['fine', 'installed'],
    ]);
    expect(lines.join('\n')).toMatch(
      /broken: npm install failed .*Run `cd .*broken && npm install`, then start again\./,
    );
    expect(existsSync(join(dir, 'broken', 'node_modules'))).toBe(false);
  });
});
