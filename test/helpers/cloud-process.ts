/**
 * A test local cloud in a child process (serve-local-cloud.ts), read and written over its HTTP
 * inspector API: for the jsdom component tests, whose globals cannot host the embedded database,
 * and for the e2e suite's one cloud that every test file shares.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const ROOT = join(__dirname, '../..');

// node:http rather than fetch: the jsdom environment does not expose Node's fetch.
export function send(
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

type Doc = Record<string, unknown>;

export interface RemoteCloud {
  url: string;
  /** Documents of a collection (at most 200, newest first), matching `where` when given; Extended JSON, dates as `{ $date }`. */
  docs(collection: string, where?: Doc): Promise<Doc[]>;
  /** Replaces document `id` (Extended JSON, as `docs` gives it). */
  replace(collection: string, id: string, doc: Doc): Promise<void>;
  /** Changes fields of document `id` as the inspector does (Extended JSON values). */
  patch(collection: string, id: string, fields: Doc): Promise<void>;
  /** Runs a timer trigger now, as the inspector's button does. */
  fire(fn: string, trigger: string): Promise<void>;
  file(fileID: string): Promise<Buffer | undefined>;
  close(): Promise<void>;
}

/** A client of the local cloud serving at `url`. */
export function remoteCloud(url: string, close: () => Promise<void> = async () => undefined): RemoteCloud {
  const api = `${url}/_/api`;
  return {
    url,
    async docs(collection, where) {
      const query = where ? `&where=${encodeURIComponent(JSON.stringify(where))}` : '';
      const { body } = await send('GET', `${api}/collections/${collection}/docs?size=200${query}`, {});
      return (JSON.parse(body.toString('utf8')) as { docs: Doc[] }).docs;
    },
    async replace(collection, id, doc) {
      const headers = { 'content-type': 'application/json' };
      const { status, body } = await send(
        'PUT',
        `${api}/collections/${collection}/docs/${encodeURIComponent(id)}`,
        headers,
        JSON.stringify(doc),
      );
      if (status !== 200) throw new Error(`PUT ${collection}/${id}: ${status} ${body.toString('utf8')}`);
    },
    async patch(collection, id, fields) {
      const at = `${api}/collections/${collection}/docs/${encodeURIComponent(id)}`;
      const { doc } = JSON.parse((await send('GET', at, {})).body.toString('utf8')) as { doc: Doc };
      await this.replace(collection, id, { ...doc, ...fields });
    },
    async fire(fn, trigger) {
      const { status, body } = await send('POST', `${api}/triggers/${fn}/${trigger}`, {});
      if (status !== 200) throw new Error(`could not run ${fn}/${trigger}: ${body.toString('utf8')}`);
    },
    async file(fileID) {
      const { status, body } = await send('GET', `${api}/files?fileID=${encodeURIComponent(fileID)}`, {});
      return status === 200 ? body : undefined;
    },
    close,
  };
}

export interface CloudProcessOptions {
  /** Extra environment for the functions (e.g. MODEL_BASE_URL of a scripted model server). */
  functionEnv?: Record<string, string>;
  /** Serve the browser preview of miniprogram/ from the cloud too. */
  preview?: boolean;
  /** A file the process writes its URL into once it serves (for processes other than this one). */
  urlFile?: string;
}

/** Starts the process; it serves a little later (its URL is the first line it prints). */
export function spawnCloudProcess(options: CloudProcessOptions = {}): ChildProcess {
  return spawn(join(ROOT, 'node_modules/.bin/tsx'), [join(ROOT, 'test/helpers/serve-local-cloud.ts')], {
    stdio: ['pipe', 'pipe', 'inherit'],
    env: {
      ...process.env,
      LOCAL_CLOUD_FUNCTION_ENV: JSON.stringify(options.functionEnv ?? {}),
      LOCAL_CLOUD_PREVIEW: options.preview ? '1' : '',
      LOCAL_CLOUD_URL_FILE: options.urlFile ?? '',
    },
  });
}

/** Ends the process as it expects (stdin closed), once it has closed the cloud. */
export function stopCloudProcess(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.stdin?.end();
  });
}

export async function startCloudProcess(options: CloudProcessOptions = {}): Promise<RemoteCloud> {
  const child = spawnCloudProcess(options);
  const url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', (line) =>
      resolve((JSON.parse(line) as { url: string }).url),
    );
    child.once('exit', (code) => reject(new Error(`the local cloud process exited (${code}) before serving`)));
  });
  return remoteCloud(url, () => stopCloudProcess(child));
}
