/**
 * `npm start` as a real process: stale lock taken over, a second local cloud on the same data
 * folder refused with the holder's PID, --import of Extended JSON lines, SIGTERM shutting down
 * cleanly with --export-on-exit, and the exported Dates reading back equal.
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs, parseEnvFile } from '../../packages/cloudbase-local/src/cli';
import { readImportDir } from '../../packages/cloudbase-local/src/database/jsonl';
import { acquireDataDirLock, LOCK_FILE, LockError } from '../../packages/cloudbase-local/src/lock';
import { startLocalCloud } from '../../packages/cloudbase-local/src';
import { FIXTURE_FUNCTIONS, FIXTURE_IMPORT, postJson } from '../fixtures/emulator/harness';
import { watchOutput } from './helpers/process';

const REPO = path.resolve(__dirname, '..', '..');

function tempDir(label: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `local-cloud-${label}-`));
}

/** A PID that certainly belonged to a process that has exited. */
function deadPid(): number {
  const { pid } = spawnSync(process.execPath, ['-e', '']);
  if (pid === undefined) throw new Error('could not spawn node');
  return pid;
}

describe('parseArgs', () => {
  it('reads flags, PORT and DATABASE_URL', () => {
    expect(parseArgs(['--data', 'd', '--import', 'in', '--export-on-exit', '--quiet'], { PORT: '9100' })).toMatchObject(
      {
        port: 9100,
        host: '127.0.0.1',
        dataDir: 'd',
        importDir: 'in',
        exportDir: '.export',
        quiet: true,
      },
    );
    expect(parseArgs(['--export-on-exit', 'out', '--port=0'], {})).toMatchObject({ exportDir: 'out', port: 0 });
    expect(parseArgs(['--in-memory'], { DATABASE_URL: 'postgres://x/y' })).toMatchObject({
      databaseUrl: 'postgres://x/y',
    });
    expect(parseArgs(['--in-memory'], {}).dataDir).toBeUndefined();
    expect(parseArgs(['--concurrency', '20', '--workers=2'], {})).toMatchObject({ concurrency: 20, workers: 2 });
    expect(() => parseArgs(['--workers', '0'], {})).toThrow('--workers must be at least 1');
    expect(() => parseArgs(['--bogus'], {})).toThrow('unknown option --bogus');
    expect(() => parseArgs(['--port', 'abc'], {})).toThrow('--port expects a non-negative integer');
  });

  it('reads .env files for function environment', () => {
    expect(parseEnvFile('# comment\nA=1\nexport B="two words"\nC=three # note\n\nbad line')).toEqual({
      A: '1',
      B: 'two words',
      C: 'three',
    });
  });
});

describe('the data folder lock', () => {
  it('is refused while held and taken over when its PID is dead', () => {
    const dir = tempDir('lock');
    const first = acquireDataDirLock(dir);
    expect(() => acquireDataDirLock(dir)).toThrow(LockError);
    first.release();
    expect(fs.existsSync(path.join(dir, LOCK_FILE))).toBe(false);

    fs.writeFileSync(path.join(dir, LOCK_FILE), JSON.stringify({ pid: deadPid(), token: 'old', startedAt: 'then' }));
    const second = acquireDataDirLock(dir);
    expect(second.info.pid).toBe(process.pid);
    second.release();
  });
});

/** The test's environment without a developer's model or WeChat settings. */
function startEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_OPTIONS: '' };
  for (const key of Object.keys(env)) if (/^(MODEL_|WX_|OA_|WECHAT_)/.test(key)) delete env[key];
  return env;
}

describe('npm start', () => {
  jest.setTimeout(180_000);

  it('imports, refuses a second instance, and exports on SIGTERM with Dates intact', async () => {
    const dataDir = tempDir('data');
    const exportDir = path.join(tempDir('export'), 'out');
    const emptyEnv = path.join(tempDir('env'), 'empty.env');
    fs.writeFileSync(emptyEnv, '');
    // A lock left behind by a crashed local cloud must not block the next start.
    fs.writeFileSync(
      path.join(dataDir, LOCK_FILE),
      JSON.stringify({ pid: deadPid(), token: 'stale', startedAt: 'then' }),
    );

    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'dev/start.ts',
        '--port',
        '0',
        '--data',
        dataDir,
        '--functions',
        FIXTURE_FUNCTIONS,
        '--import',
        FIXTURE_IMPORT,
        '--export-on-exit',
        exportDir,
        // An empty env file instead of a developer's .env, so the local defaults below apply.
        '--env-file',
        emptyEnv,
      ],
      { cwd: REPO, env: startEnv(), stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const { lines: output, waitFor } = watchOutput(child);
    // 'close' (not 'exit') so every line the process printed has been read.
    const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
    try {
      const [, url] = await waitFor(/Local cloud listening on (http:\/\/\S+)/);
      await waitFor(/^Ctrl-C stops/);
      expect(output.join('\n')).toMatch(/imported from .*todos 2, users 1/);
      expect(output.join('\n')).toMatch(/collections\s+.*subscriptions \(0\), todos \(2\), users \(1\)/);

      // The lock now names the running process; a second local cloud on the folder is refused.
      expect(JSON.parse(fs.readFileSync(path.join(dataDir, LOCK_FILE), 'utf8'))).toMatchObject({ pid: child.pid, url });
      const refused = startLocalCloud({ port: 0, quiet: true, dataDir, functionsDir: FIXTURE_FUNCTIONS });
      await expect(refused).rejects.toThrow(`in use by another local cloud (PID ${child.pid} at ${url}`);

      const health = await fetch(`${url}/healthz`);
      expect(health.status).toBe(200);

      // Functions reach the local WeChat server and the local dev model on this very port.
      const env = await postJson(`${url}/functions/env`, { keys: ['WECHAT_API_BASE', 'MODEL_BASE_URL', 'MODEL_NAME'] });
      expect(env.body.result).toEqual({
        WECHAT_API_BASE: `${url}/wxapi`,
        MODEL_BASE_URL: `${url}/v1`,
        MODEL_NAME: 'local-dev',
      });
      const models = (await (await fetch(`${url}/v1/models`)).json()) as { data: Array<{ id: string }> };
      expect(models.data.map((m) => m.id)).toEqual(['local-dev']);
      expect(output.join('\n')).toMatch(/dev model\s+http:\S+\/v1 +\(chat uses it/);
      expect(output.join('\n')).toMatch(/WeChat API\s+http:\S+\/wxapi\//);
      const written = await postJson(`${url}/admin?env=local`, {
        action: 'database.insertDocument',
        collectionName: 'todos',
        data: [JSON.stringify({ _id: 'todo-3', title: 'New', due: { $date: { $numberLong: '1717200000000' } } })],
      });
      expect(written.body.data).toEqual({ insertedIds: ['todo-3'] });

      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      await waitFor(/^Local cloud stopped/);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }

    expect(output.join('\n')).toMatch(/exported to .*todos 3/);
    expect(fs.existsSync(path.join(dataDir, LOCK_FILE))).toBe(false);
    const exported = readImportDir(exportDir);
    const original = readImportDir(FIXTURE_IMPORT);
    const byId = (docs: Array<{ _id?: unknown }>): Array<{ _id?: unknown }> =>
      [...docs].sort((a, b) => String(a._id).localeCompare(String(b._id)));
    expect(byId(exported.todos)).toEqual(
      byId([...original.todos, { _id: 'todo-3', title: 'New', due: new Date(1717200000000) }]),
    );
    expect(exported.users).toEqual(original.users);
    expect(exported.todos.find((d) => d._id === 'todo-1')?.due).toEqual(new Date('2024-05-01T02:00:00.000Z'));
    expect(exported.users[0].score).toBe(Infinity);
  });
});
