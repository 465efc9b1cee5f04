/**
 * A local cloud in a child process, and the wx double pointed at it: callFunction goes to its
 * /functions endpoint as the chosen user, uploadFile into its storage. The page under test talks
 * to the real functions over HTTP, as the browser preview does.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { createDatabase as Database } from '../../../preview/runtime/wx/database';
import { startModelServer, withModel, type WithModel } from '../../helpers/model-server';
import { wxDouble } from './wx';

const ROOT = join(__dirname, '../../..');

// node:http rather than fetch: the jsdom environment does not expose Node's fetch.
function send(
  method: string,
  url: string,
  headers: Record<string, string>,
  body?: Buffer | string,
): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    // A fresh connection each time: a kept-alive socket the server is just closing answers ECONNRESET.
    const req = request(url, { method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

export interface RemoteCloud {
  url: string;
  /** Documents of a collection as the inspector API gives them (Extended JSON, ISO dates). */
  docs(collection: string): Promise<Array<Record<string, unknown>>>;
  file(fileID: string): Promise<Buffer | undefined>;
  /** Changes a stored document as the inspector does (`$set` of Extended JSON fields). */
  patch(collection: string, id: string, fields: Record<string, unknown>): Promise<void>;
  /** Runs a timer trigger now, as the inspector's button does. */
  fire(fn: string, trigger: string): Promise<void>;
  close(): Promise<void>;
}

/** `functionEnv`: extra environment for the functions (e.g. MODEL_BASE_URL of a scripted model server). */
export async function startCloudProcess(functionEnv: Record<string, string> = {}): Promise<RemoteCloud> {
  const child: ChildProcess = spawn(
    join(ROOT, 'node_modules/.bin/tsx'),
    [join(ROOT, 'test/helpers/serve-local-cloud.ts')],
    {
      stdio: ['pipe', 'pipe', 'inherit'],
      env: { ...process.env, LOCAL_CLOUD_FUNCTION_ENV: JSON.stringify(functionEnv) },
    },
  );
  const url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', (line) =>
      resolve((JSON.parse(line) as { url: string }).url),
    );
    child.once('exit', (code) => reject(new Error(`the local cloud process exited (${code}) before serving`)));
  });
  return {
    url,
    async docs(collection) {
      const { body } = await send('GET', `${url}/_/api/collections/${collection}/docs?size=200`, {});
      return (JSON.parse(body.toString('utf8')) as { docs: Array<Record<string, unknown>> }).docs;
    },
    async file(fileID) {
      const { status, body } = await send('GET', `${url}/_/api/files?fileID=${encodeURIComponent(fileID)}`, {});
      return status === 200 ? body : undefined;
    },
    async patch(collection, id, fields) {
      const at = `${url}/_/api/collections/${collection}/docs/${encodeURIComponent(id)}`;
      const { doc } = JSON.parse((await send('GET', at, {})).body.toString('utf8')) as { doc: Record<string, unknown> };
      const { status, body } = await send(
        'PUT',
        at,
        { 'content-type': 'application/json' },
        JSON.stringify({ ...doc, ...fields }),
      );
      if (status !== 200) throw new Error(`could not change ${collection}/${id}: ${body.toString('utf8')}`);
    },
    async fire(fn, trigger) {
      const { status, body } = await send('POST', `${url}/_/api/triggers/${fn}/${trigger}`, {});
      if (status !== 200) throw new Error(`could not run ${fn}/${trigger}: ${body.toString('utf8')}`);
    },
    close: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.stdin?.end();
      }),
  };
}

/**
 * `wx.cloud.database()` as the preview runs it: the real @cloudbase/database and realtime client,
 * here posting /web over node:http and watching over jsdom's WebSocket.
 */
function clientDatabase(cloud: RemoteCloud, openid: string) {
  const post = async (body: string, caller: string) => {
    const headers = { 'content-type': 'application/json', 'x-wx-openid': caller };
    const answer = await send('POST', `${cloud.url}/web`, headers, body);
    return JSON.parse(answer.body.toString('utf8')) as Record<string, unknown>;
  };
  // A module copy per user, as a page load is in the preview: the realtime client keeps one
  // socket per module, signed in as the user who opened it.
  let database!: typeof Database;
  jest.isolateModules(() => {
    database = (require('../../../preview/runtime/wx/database') as { createDatabase: typeof Database }).createDatabase;
  });
  return (config?: { env?: string }) => database({ openid: () => openid }, config, post);
}

export function connectToLocalCloud(cloud: RemoteCloud, user: { openid: string; appid?: string }): void {
  wxDouble.database = clientDatabase(cloud, user.openid);
  wxDouble.cloudHandler = async (name, data) => {
    const headers = {
      'content-type': 'application/json',
      'x-wx-openid': user.openid,
      'x-wx-appid': user.appid ?? 'wx-test-app',
    };
    const { body } = await send('POST', `${cloud.url}/functions/${name}`, headers, JSON.stringify(data));
    const answer = JSON.parse(body.toString('utf8')) as { result?: unknown; errCode?: number; errMsg?: string };
    // The platform rejects callFunction when the function itself failed; so does this.
    if (answer.errCode) throw { errCode: answer.errCode, errMsg: `cloud.callFunction:fail ${answer.errMsg}` };
    return answer.result;
  };
  wxDouble.uploadHandler = async (cloudPath, filePath) => {
    const { status, body } = await send(
      'PUT',
      `${cloud.url}/_/api/files?cloudPath=${encodeURIComponent(cloudPath)}`,
      {},
      readFileSync(filePath),
    );
    if (status !== 200) throw { errCode: -1, errMsg: `cloud.uploadFile:fail ${body.toString('utf8')}` };
    return JSON.parse(body.toString('utf8')) as { fileID: string };
  };
}

export type ChatCloud = WithModel<RemoteCloud>;

/** A local cloud whose chat function answers from a scripted model server on loopback, 3 replies a day. */
export async function startChatCloud(env: Record<string, string> = {}): Promise<ChatCloud> {
  const model = await startModelServer();
  const cloud = await startCloudProcess({
    MODEL_BASE_URL: model.baseUrl,
    MODEL_NAME: 'scripted-model',
    CHAT_DAILY_LIMIT: '3',
    ...env,
  });
  return withModel(cloud, model);
}
