import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../packages/cloudbase-local/src/database/store';
import { eventually } from '../helpers/eventually';
import { OPEN_TIMEOUT_MS } from './helpers/db';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'local-cloud-db-'));
  dirs.push(dir);
  return dir;
}

afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

test(
  'a data directory keeps documents, collections and field kinds across a reopen, and is locked while open',
  async () => {
    const dataDir = tempDir();
    const first = await openStore({ dataDir });
    await first.insert('todos', [{ _id: 'a', tag: 'x', due: new Date('2026-01-02T03:04:05Z') }]);
    await first.insert('todos', [{ _id: 'b', tag: ['x', 'y'] }]);
    await first.createCollection('empty');
    await expect(openStore({ dataDir })).rejects.toThrow(/already open in this process/);
    await first.close();

    const second = await openStore({ dataDir });
    try {
      expect(await second.listCollections()).toEqual(['empty', 'todos']);
      expect(await second.find('todos', { tag: 'y' })).toEqual([{ _id: 'b', tag: ['x', 'y'] }]);
      // 'tag' held an array before the reopen: equality must still match array elements.
      expect((await second.find('todos', { tag: 'x' })).map((doc) => doc._id)).toEqual(['a', 'b']);
      expect((await second.find('todos', { _id: 'a' }))[0].due).toEqual(new Date('2026-01-02T03:04:05Z'));
    } finally {
      await second.close();
    }
  },
  OPEN_TIMEOUT_MS * 2,
);

test(
  'every write acknowledged before SIGKILL is there after reopening',
  async () => {
    const dataDir = tempDir();
    const acked: number[] = [];
    let ready = false;
    let failure: string | undefined;
    const child = fork(join(__dirname, 'helpers', 'db-writer.ts'), [], {
      env: { ...process.env, DATA_DIR: dataDir },
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      child.on('exit', (_code, signal) => resolve(signal)),
    );
    child.on('message', (message: { type: string; i?: number; message?: string }) => {
      if (message.type === 'ready') ready = true;
      if (message.type === 'ack' && message.i !== undefined) acked.push(message.i);
      if (message.type === 'error') failure = message.message;
    });
    await eventually(() => ready || failure !== undefined, 'the writer to open the store', OPEN_TIMEOUT_MS);
    expect(failure).toBeUndefined();
    await eventually(() => acked.length >= 30, 'the writer to acknowledge 30 writes', OPEN_TIMEOUT_MS);
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');

    const last = Math.max(...acked);
    const store = await openStore({ dataDir });
    try {
      const docs = await store.find('acks', {}, { sort: [['i', 1]] });
      for (let i = 0; i <= last; i += 2) {
        const expected: Record<string, unknown> = { _id: `doc${i}`, i, at: new Date(1_700_000_000_000 + i) };
        if (i + 1 <= last) expected.updated = i + 1;
        expect(docs[i / 2]).toEqual(expected);
      }
    } finally {
      await store.close();
    }
  },
  OPEN_TIMEOUT_MS * 2,
);
