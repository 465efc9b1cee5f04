import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createStorage, STORAGE_HTTP_PREFIX } from '../../packages/cloudbase-local/src/storage';
import type { LocalStorage, StorageActionResponse } from '../../packages/cloudbase-local/src/storage/types';

type Data = Record<string, unknown>;

function dataOf(response: StorageActionResponse): Data {
  if ('code' in response) throw new Error(`storage action failed: ${response.code} ${response.message}`);
  if (Array.isArray(response.data)) throw new Error('expected an object, not a list');
  return response.data;
}

describe('storage handlers, raw protocol', () => {
  let dir: string;
  let storage: LocalStorage;
  let server: http.Server;
  let base: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'storage-handlers-'));
    server = http.createServer((req, res) => {
      if (!storage.handleHttp(req, res)) res.writeHead(404).end('not storage');
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    storage = createStorage({ dir: join(dir, 'storage'), envId: 'test-env', publicUrl: () => base });
  });

  afterAll(async () => {
    await storage.close();
    await new Promise((done) => server.close(done));
    rmSync(dir, { recursive: true, force: true });
  });

  /** What node-sdk's uploadFile does: metadata, then a PUT with the returned authorization. */
  async function upload(cloudPath: string, content: Buffer | string): Promise<string> {
    const meta = dataOf(await storage.handleAction('storage.getUploadMetadata', { path: cloudPath, method: 'put' }));
    const res = await fetch(meta.url as string, {
      method: 'PUT',
      headers: {
        authorization: meta.authorization as string,
        'x-cos-security-token': meta.token as string,
        'x-cos-meta-fileid': meta.cosFileId as string,
      },
      body: typeof content === 'string' ? content : new Uint8Array(content),
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('');
    return meta.fileId as string;
  }

  function rawRequest(method: string, path: string, body?: string): Promise<{ status: number; body: string }> {
    return new Promise((done, fail) => {
      const req = http.request(`${base}/`, { method, path, headers: { authorization: 'q-signature=00' } }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => done({ status: res.statusCode ?? 0, body: text }));
      });
      req.on('error', fail);
      req.end(body);
    });
  }

  async function tempUrls(fileIDs: string[], maxAge?: number): Promise<Data[]> {
    const file_list = fileIDs.map((fileid) => (maxAge === undefined ? { fileid } : { fileid, max_age: maxAge }));
    return dataOf(await storage.handleAction('storage.batchGetDownloadUrl', { file_list })).download_list as Data[];
  }

  it('round-trips a file: upload, temp URL, download with the right Content-Type, HEAD', async () => {
    const bytes = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 255]);
    const fileID = await upload('avatars/u1/photo.png', bytes);
    expect(fileID).toBe(`cloud://test-env.${storage.bucket}/avatars/u1/photo.png`);
    expect(storage.bucket).toBe('7465-test-env-1250000000');

    const [item] = await tempUrls([fileID], 600);
    expect(item).toMatchObject({ fileID, code: 'SUCCESS', maxAge: 600 });
    const url = item.tempFileURL as string;
    expect(url.startsWith(`${base}${STORAGE_HTTP_PREFIX}${storage.bucket}/avatars/u1/photo.png?sign=`)).toBe(true);

    const res = await fetch(encodeURI(url));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await res.arrayBuffer())).toEqual(bytes);

    const head = await fetch(encodeURI(url), { method: 'HEAD' });
    expect(head.headers.get('content-length')).toBe(String(bytes.length));
    expect(existsSync(join(storage.root, 'avatars', 'u1', 'photo.png'))).toBe(true);
  });

  it('keeps names with Chinese, spaces, # and % intact through encodeURI like node-sdk does', async () => {
    const cloudPath = '笔记/第 1 #篇 100%.txt';
    const fileID = await upload(cloudPath, '你好');
    const [item] = await tempUrls([fileID]);
    for (const url of [encodeURI(item.tempFileURL as string), new URL(item.tempFileURL as string).href]) {
      const res = await fetch(url);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8');
      expect(await res.text()).toBe('你好');
    }
    expect(await storage.read(fileID)).toEqual(Buffer.from('你好'));
  });

  it('overwrites an existing key', async () => {
    const fileID = await upload('notes/a.json', '{"v":1}');
    await upload('notes/a.json', '{"v":2}');
    const res = await fetch(encodeURI((await tempUrls([fileID]))[0].tempFileURL as string));
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await res.json()).toEqual({ v: 2 });
  });

  it('deletes with per-file codes like CloudBase and cleans up empty folders', async () => {
    const fileID = await upload('tmp/deep/x.bin', 'x');
    const elsewhere = 'cloud://other-env.6f74-other-env-1/tmp/x.bin';
    const missing = storage.fileIdFor('tmp/none.bin');
    const first = dataOf(
      await storage.handleAction('storage.batchDeleteFile', { fileid_list: [fileID, missing, elsewhere] }),
    );
    expect(first.delete_list).toEqual([
      { fileID, code: 'SUCCESS' },
      { fileID: missing, code: 'STORAGE_FILE_NONEXIST', message: 'storage file not exist' },
      { fileID: elsewhere, code: 'STORAGE_FILE_NONEXIST', message: 'storage file not exist' },
    ]);
    const again = dataOf(await storage.handleAction('storage.batchDeleteFile', { fileid_list: [fileID] }));
    expect(again.delete_list).toEqual([{ fileID, code: 'STORAGE_FILE_NONEXIST', message: 'storage file not exist' }]);
    expect(await tempUrls([fileID])).toEqual([
      { fileID, tempFileURL: '', code: 'STORAGE_FILE_NONEXIST', message: 'storage file not exist' },
    ]);
    expect(existsSync(join(storage.root, 'tmp'))).toBe(false);
  });

  it('rejects path traversal in cloud paths, fileIDs and URLs', async () => {
    for (const path of ['../escape.txt', 'a/../../escape.txt', '/abs.txt', 'a//b.txt', 'a/./b.txt', 'a\\..\\b', '']) {
      const response = await storage.handleAction('storage.getUploadMetadata', { path, method: 'put' });
      expect(response).toMatchObject({ code: 'INVALID_PARAM' });
    }
    const traversalId = `cloud://test-env.${storage.bucket}/../../escape.txt`;
    const deleted = dataOf(await storage.handleAction('storage.batchDeleteFile', { fileid_list: [traversalId] }));
    expect(deleted.delete_list).toEqual([
      { fileID: traversalId, code: 'INVALID_PARAM', message: 'cloudPath must not contain "." or ".." segments' },
    ]);
    expect((await tempUrls([traversalId]))[0]).toMatchObject({ code: 'INVALID_PARAM', tempFileURL: '' });

    // Sent byte for byte: fetch would normalise `%2e%2e` segments before they reach the server.
    for (const raw of ['..%2F..%2Fescape.txt', '%2e%2e/escape.txt', 'a/%2E%2E/%2E%2E/escape.txt', '../escape.txt']) {
      const path = `${STORAGE_HTTP_PREFIX}${storage.bucket}/${raw}`;
      const put = await rawRequest('PUT', path, 'x');
      expect(put.status).toBe(400);
      expect(put.body).toContain('<Code>InvalidURI</Code>');
      expect((await rawRequest('GET', path)).status).toBe(400);
    }
    expect(readdirSync(dir).sort()).toEqual(['storage']);
    expect(await storage.put('..', 'x').catch((error: Error) => error.message)).toBe(
      'cloudPath must not contain "." or ".." segments',
    );
  });

  it('refuses uploads and downloads without a valid, unexpired signature', async () => {
    const meta = dataOf(await storage.handleAction('storage.getUploadMetadata', { path: 'signed/a.txt' }));
    const forged = await fetch(meta.url as string, {
      method: 'PUT',
      body: 'x',
      headers: { authorization: (meta.authorization as string).replace(/q-signature=\w+/, 'q-signature=abcd') },
    });
    expect(forged.status).toBe(403);
    expect(await forged.text()).toMatch(/<Code>SignatureDoesNotMatch<\/Code>.*<RequestId>.+<\/RequestId><TraceId>/s);
    // A valid signature for one path does not open another.
    const otherPath = (meta.url as string).replace('signed/a.txt', 'signed/b.txt');
    const moved = await fetch(otherPath, {
      method: 'PUT',
      body: 'x',
      headers: { authorization: meta.authorization as string },
    });
    expect(moved.status).toBe(403);

    const fileID = await upload('signed/c.txt', 'c');
    const url = new URL((await tempUrls([fileID]))[0].tempFileURL as string);
    const unsigned = `${url.origin}${url.pathname}`;
    expect((await fetch(unsigned)).status).toBe(403);
    url.searchParams.set('sign', '0'.repeat(64));
    expect((await fetch(url)).status).toBe(403);
    const expired = (await storage.downloadUrl(fileID, -1)) as string;
    const res = await fetch(encodeURI(expired));
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('Request has expired');
  });

  it('answers 404 NoSuchKey for a signed URL whose file is gone', async () => {
    const fileID = await upload('gone/a.txt', 'a');
    const url = (await tempUrls([fileID]))[0].tempFileURL as string;
    await storage.handleAction('storage.batchDeleteFile', { fileid_list: [fileID] });
    const res = await fetch(encodeURI(url));
    expect(res.status).toBe(404);
    expect(await res.text()).toContain('<Code>NoSuchKey</Code>');
  });

  it('validates batch requests and unknown actions', async () => {
    expect(await storage.handleAction('storage.batchDeleteFile', { fileid_list: 'x' })).toMatchObject({
      code: 'INVALID_PARAM',
    });
    const many = Array.from({ length: 51 }, (_, i) => ({ fileid: storage.fileIdFor(`f${i}.txt`) }));
    expect(await storage.handleAction('storage.batchGetDownloadUrl', { file_list: many })).toMatchObject({
      code: 'INVALID_PARAM',
      message: 'at most 50 files per request',
    });
    expect(await storage.handleAction('storage.getFileAuthority', {})).toMatchObject({ code: 'INVALID_PARAM' });
    expect(
      await storage.handleAction('storage.batchGetDownloadUrl', { file_list: [{ fileid: 'https://x/y' }] }),
    ).toEqual({
      requestId: expect.any(String),
      data: {
        download_list: [
          { fileID: 'https://x/y', tempFileURL: '', code: 'STORAGE_FILE_NONEXIST', message: 'storage file not exist' },
        ],
      },
    });
  });

  it('copies files by path or fileID', async () => {
    const source = await upload('copy/src/a.txt', 'copied');
    const response = dataOf(
      await storage.handleAction('storage.batchCopyFile', {
        file_list: [{ src_path: source, dst_path: 'copy/dst/a.txt', remove_original: true }],
      }),
    );
    expect(response.copy_list).toEqual([{ fileID: storage.fileIdFor('copy/dst/a.txt'), code: 'SUCCESS' }]);
    expect(await storage.read(storage.fileIdFor('copy/dst/a.txt'))).toEqual(Buffer.from('copied'));
    expect(await storage.read(source)).toBeUndefined();
  });

  it('lists stored files and lets other URLs pass through', async () => {
    await storage.put('listing/b.txt', 'bb');
    const files = await storage.list();
    expect(files.find((file) => file.cloudPath === 'listing/b.txt')).toMatchObject({
      fileID: storage.fileIdFor('listing/b.txt'),
      size: 2,
      contentType: 'text/plain; charset=utf-8',
    });
    expect(await (await fetch(`${base}/admin`)).text()).toBe('not storage');
  });
});

describe('storage without a data folder', () => {
  it('keeps files in a temporary folder and removes it on close', async () => {
    const storage = createStorage({ envId: 'mem', publicUrl: 'http://127.0.0.1:1' });
    const fileID = await storage.put('a/b.txt', 'x');
    expect(existsSync(storage.root)).toBe(true);
    expect(await storage.read(fileID)).toEqual(Buffer.from('x'));
    await storage.close();
    expect(existsSync(storage.root)).toBe(false);
  });
});
