/**
 * The package as another project gets it: `npm pack` ships the compiled command and API, never the
 * sources; a project that installs it from its folder runs `cloudbase-local` with plain Node, and
 * the compiled local cloud runs functions (its worker script included) and serves the inspector.
 * The compiled package is what `npm install` (prepare) or `npm run build` left in dist/.
 */
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FIXTURE_DATABASE, FIXTURE_FUNCTIONS, postJson } from '../fixtures/emulator/harness';
import { watchOutput } from './helpers/process';

const PACKAGE = path.resolve(__dirname, '../../packages/cloudbase-local');

jest.setTimeout(120_000);

beforeAll(() => {
  if (!fs.existsSync(path.join(PACKAGE, 'dist', 'index.js'))) {
    throw new Error(`${PACKAGE}/dist is missing: run npm run build first`);
  }
});

function npm(args: string[], cwd: string): string {
  return execFileSync('npm', [...args, '--no-audit', '--no-fund', '--loglevel=error'], { cwd, encoding: 'utf8' });
}

it('packs the command, the compiled API with its types, the inspector page and the docs, and no sources', () => {
  const [packed] = JSON.parse(npm(['pack', '--dry-run', '--json', '--ignore-scripts'], PACKAGE)) as Array<{
    name: string;
    files: Array<{ path: string }>;
  }>;
  const files = packed.files.map((file) => file.path);
  expect(packed.name).toBe('cloudbase-local');
  expect(files).toEqual(
    expect.arrayContaining([
      'package.json',
      'README.md',
      'CHANGELOG.md',
      'bin/cloudbase-local.js',
      'dist/index.js',
      'dist/index.d.ts',
      'dist/cli.js',
      'dist/functions/runner.js',
      'dist/inspector/page/app.js',
      'dist/inspector/page/index.html',
    ]),
  );
  const sources = files.filter((file) => file.startsWith('src/') || (file.endsWith('.ts') && !file.endsWith('.d.ts')));
  expect(sources).toEqual([]);
});

it('runs as cloudbase-local in a project that installed it from its folder', async () => {
  const project = fs.mkdtempSync(path.join(os.tmpdir(), 'cloudbase-local-user-'));
  fs.writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'user', private: true }));
  // --ignore-scripts: the package is built already; npm would otherwise build it again.
  npm(['install', '--ignore-scripts', PACKAGE], project);
  const bin = path.join(project, 'node_modules', '.bin', 'cloudbase-local');
  expect(execFileSync(bin, ['--help'], { cwd: project, encoding: 'utf8' })).toMatch(
    /^Usage: cloudbase-local \[options\]/,
  );

  const child = spawn(
    bin,
    ['--in-memory', '--port', '0', '--functions', FIXTURE_FUNCTIONS, '--database', FIXTURE_DATABASE],
    { cwd: project, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_OPTIONS: '' } },
  );
  const { waitFor } = watchOutput(child);
  const exited = new Promise<number | null>((resolve) => child.once('close', resolve));
  try {
    const [, url] = await waitFor(/Local cloud listening on (http:\/\/\S+)/);
    const echo = await postJson(`${url}/functions/echo`, { hello: 'world' }, { 'x-wx-openid': 'o-user' });
    expect(echo.body.result).toMatchObject({ event: { hello: 'world' }, openid: 'o-user' });
    const page = await fetch(`${url}/_/app.js`);
    expect(page.status).toBe(200);
    expect((await page.text()).length).toBeGreaterThan(1000);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
    fs.rmSync(project, { recursive: true, force: true });
  }
});
