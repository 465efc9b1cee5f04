/**
 * The local cloud killed (SIGKILL) while a reply streams, then started again on the same data
 * folder, as `npm start` is after a crash: the data folder is taken over from the dead process,
 * and the reply, left `streaming` by an invocation that no longer exists, ends by itself. The chat
 * function's scheduled sweep ends it failed/INTERRUPTED with the text it had and gives its quota
 * hold back, and a page watching the message sees the end. Its user calls nothing after the kill.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { LocalCloud } from 'cloudbase-local';
import { clientDb, closeListener, quietClientLogs } from '../emulator/helpers/realtime';
import { FUNCTIONS_DIR } from '../helpers/local-cloud';
import { startModelServer, type ModelServer } from '../helpers/model-server';

jest.setTimeout(180_000);

const ROOT = join(__dirname, '../..');
const OPENID = 'o-killed';
const CONVERSATION = 'c-killed-mid-reply';

type Doc = Record<string, unknown>;
interface Served {
  url: string;
  child: ChildProcess;
  exited: Promise<NodeJS.Signals | null>;
}

let model: ModelServer;
let dataDir: string;
let functionsDir: string;
const children: ChildProcess[] = [];

beforeAll(async () => {
  model = await startModelServer();
  dataDir = mkdtempSync(join(tmpdir(), 'local-cloud-killed-'));
  // The built chat function with a 15 s timeout (its reply must end by 10 s, and lapses at 16 s if
  // it does not) and its sweep every second instead of every minute: the test waits seconds.
  functionsDir = mkdtempSync(join(ROOT, '.cloud-chat-killed-'));
  mkdirSync(join(functionsDir, 'chat'));
  for (const file of ['index.js', 'package.json']) {
    copyFileSync(join(FUNCTIONS_DIR, 'chat', file), join(functionsDir, 'chat', file));
  }
  writeFileSync(
    join(functionsDir, 'chat', 'config.json'),
    JSON.stringify({
      timeout: 15,
      triggers: [{ name: 'sweep', type: 'timer', config: '* * * * * * *' }],
      permissions: { openapi: ['security.msgSecCheck'] },
    }),
  );
});

afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await model?.close();
  rmSync(functionsDir, { recursive: true, force: true });
  rmSync(dataDir, { recursive: true, force: true });
});

/** The local cloud as its own process on the test's data folder, its timers on schedule. */
async function serve(): Promise<Served> {
  // node itself (tsx as a loader, not its CLI, which would be a wrapper process): the kill reaches the cloud.
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'test/helpers/serve-local-cloud.ts')], {
    stdio: ['pipe', 'pipe', 'inherit'],
    env: {
      ...process.env,
      LOCAL_CLOUD_OPTIONS: JSON.stringify({ dataDir, functionsDir, schedule: true }),
      LOCAL_CLOUD_FUNCTION_ENV: JSON.stringify({
        MODEL_BASE_URL: model.baseUrl,
        MODEL_NAME: 'scripted-model',
        CHAT_FLUSH_MS: '50',
      }),
    },
  });
  children.push(child);
  const exited = new Promise<NodeJS.Signals | null>((resolve) =>
    child.once('exit', (_code, signal) => resolve(signal)),
  );
  const url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', (line) =>
      resolve((JSON.parse(line) as { url: string }).url),
    );
    void exited.then(() => reject(new Error('the local cloud exited before serving')));
  });
  return { url, child, exited };
}

async function messages(url: string): Promise<Doc[]> {
  const response = await fetch(`${url}/_/api/collections/messages/docs?size=50`);
  return ((await response.json()) as { docs: Doc[] }).docs;
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const found = await probe();
    if (found !== undefined) return found;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

it('a reply left streaming by a killed local cloud ends failed/INTERRUPTED after a restart, its hold given back, with no call from its user', async () => {
  quietClientLogs();
  const first = await serve();
  // A model that says half a sentence and then never finishes.
  model.script({ steps: [{ text: '说到一半' }, { gate: new Promise(() => undefined) }] });
  void fetch(`${first.url}/functions/chat`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-wx-openid': OPENID, 'x-wx-appid': 'wx-test-app' },
    body: JSON.stringify({ action: 'send', text: '你好', conversationId: CONVERSATION, create: true }),
  }).catch(() => undefined);
  const streaming = await until('the reply streaming with its first text', async () =>
    (await messages(first.url)).find(
      (m) => m.role === 'assistant' && m.status === 'streaming' && m.text === '说到一半',
    ),
  );
  first.child.kill('SIGKILL');
  expect(await first.exited).toBe('SIGKILL');

  const second = await serve();
  // The page's watch, as the Chat page opens it: its own messages in this conversation.
  const seen: Doc[][] = [];
  const db = clientDb({ url: second.url } as LocalCloud, OPENID);
  const watcher = db
    .collection('messages')
    .where({ _openid: '{openid}', conversationId: CONVERSATION })
    .watch({
      onChange: (snapshot: { docs: unknown }) => seen.push(snapshot.docs as Doc[]),
      onError: (error: unknown) => seen.push([{ error: String(error) }]),
    });
  try {
    const ended = await until('the watch to show the reply ended', async () =>
      seen.flat().find((doc) => doc._id === streaming._id && doc.status !== 'streaming'),
    );
    expect(ended).toMatchObject({ status: 'failed', text: '说到一半', error: { code: 'INTERRUPTED' } });
    const [stored] = (await messages(second.url)).filter((m) => m._id === streaming._id);
    expect(stored).toMatchObject({ status: 'failed', expiresAt: null, error: { code: 'INTERRUPTED' } });
    const quota = await fetch(`${second.url}/_/api/collections/chat_quota/docs`);
    expect(((await quota.json()) as { docs: Doc[] }).docs).toMatchObject([
      { _openid: OPENID, taken: 0, used: 0, holds: {} },
    ]);
    // Nothing the user did: the only chat invocations after the restart are the timer's.
    // (A record is kept once its invocation has returned: the sweep that ended the reply may still be finishing.)
    const invocations = await until('a sweep recorded', async () => {
      const records = await fetch(`${second.url}/_/api/invocations?function=chat&limit=500`);
      const list = ((await records.json()) as { invocations: Array<{ source: string }> }).invocations;
      return list.length > 0 ? list : undefined;
    });
    expect(new Set(invocations.map((r) => r.source))).toEqual(new Set(['timer']));
  } finally {
    closeListener(watcher);
    second.child.stdin?.end();
    await second.exited;
  }
});
