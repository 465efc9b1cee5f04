/**
 * Hostile and broken requests against every route that reads a body: JSON nested 100,000 levels
 * deep, and bodies far over the limit sent by real HTTP clients (Content-Length and chunked).
 * Each gets a clear answer in its route's error shape, no worker dies, and the server keeps
 * serving.
 */
import * as http from 'node:http';
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LocalCloud } from '../../packages/cloudbase-local/src';
import { createStorage, type LocalStorage } from '../../packages/cloudbase-local/src/storage';
import { MAX_JSON_DEPTH } from '../../packages/cloudbase-local/src/wire/json';
import { getJson, postJson, startTestCloud } from '../fixtures/emulator/harness';

jest.setTimeout(60_000);

const MB = 1024 * 1024;
const DEEP = 100_000;
const deepArray = (levels: number): string => '['.repeat(levels) + ']'.repeat(levels);

let cloud: LocalCloud;

beforeAll(async () => {
  // The default body limit (5 MB), as `npm start` serves it.
  cloud = await startTestCloud();
}, 120_000);

afterAll(async () => {
  await cloud?.close();
});

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** Bytes of the body the client had handed to its socket when the answer arrived. */
  sent: number;
  /** How sending the body ended: every byte taken, cut off by the server, or left open on purpose. */
  upload: 'complete' | 'reset' | 'left open';
}

/** Status, headers and body of one HTTP/1.1 answer with a Content-Length, once it is all there. */
function parseAnswer(raw: Buffer): Omit<Answer, 'sent' | 'upload'> | undefined {
  const end = raw.indexOf('\r\n\r\n');
  if (end < 0) return undefined;
  const [statusLine, ...lines] = raw.subarray(0, end).toString('latin1').split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const length = Number(headers['content-length']);
  if (raw.length < end + 4 + length) return undefined;
  const body = raw.subarray(end + 4, end + 4 + length).toString('utf8');
  return { status: Number(statusLine.split(' ')[1]), headers, body };
}

/**
 * The most naive client there is, on a raw socket: it sends `size` bytes in 64 KB chunks (never
 * holding the body), with a Content-Length or chunked, and keeps sending after the answer arrives.
 * It resolves once both the answer and the upload are over, so a server that resets the
 * connection on a client still sending shows as `reset`. `stopAt` stops writing there and leaves
 * the request open until the answer arrives.
 */
function send(
  url: string,
  opts: { size: number; chunked: boolean; method?: string; stopAt?: number; headers?: Record<string, string> },
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const socket = net.connect(Number(target.port), target.hostname);
    const head = [
      `${opts.method ?? 'POST'} ${target.pathname}${target.search} HTTP/1.1`,
      `host: ${target.host}`,
      'content-type: application/json',
      ...Object.entries(opts.headers ?? {}).map(([name, value]) => `${name}: ${value}`),
      opts.chunked ? 'transfer-encoding: chunked' : `content-length: ${opts.size}`,
    ];
    socket.write(`${head.join('\r\n')}\r\n\r\n`);
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    let sent = 0;
    let received = Buffer.alloc(0);
    let answer: Omit<Answer, 'upload'> | undefined;
    let upload: Answer['upload'] | undefined;
    const settle = (): void => {
      if (!answer || !upload) return;
      resolve({ ...answer, upload });
      socket.destroy();
    };
    socket.on('data', (data: Buffer) => {
      if (answer) return;
      received = Buffer.concat([received, data]);
      const parsed = parseAnswer(received);
      if (!parsed) return;
      answer = { ...parsed, sent };
      if (opts.stopAt !== undefined) upload = 'left open';
      settle();
    });
    socket.on('error', (error) => {
      if (!answer && sent === 0) reject(error);
      upload ??= 'reset';
      settle();
    });
    socket.on('close', () => {
      upload ??= 'reset';
      if (!answer) reject(new Error(`closed without an answer after ${sent} bytes`));
      settle();
    });
    const limit = opts.stopAt ?? opts.size;
    const pump = (): void => {
      while (sent < limit && !socket.destroyed) {
        const piece = chunk.subarray(0, Math.min(chunk.length, limit - sent));
        sent += piece.length;
        const framed = opts.chunked ? [`${piece.length.toString(16)}\r\n`, piece, '\r\n'] : [piece];
        let flowing = true;
        for (const part of framed) flowing = socket.write(part);
        if (!flowing) {
          socket.once('drain', pump);
          return;
        }
      }
      if (opts.stopAt !== undefined || socket.destroyed) return;
      socket.write(opts.chunked ? '0\r\n\r\n' : '', () => {
        upload ??= 'complete';
        settle();
      });
    };
    pump();
  });
}

/** A real HTTP client that stops sending once answered (node:http with a keep-alive agent). */
function sendWithNodeHttp(url: string, size: number): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const agent = new http.Agent({ keepAlive: true });
    const req = http.request(url, { method: 'POST', agent, headers: { 'content-length': size } });
    req.on('response', (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (text: string) => (body += text));
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, body });
        req.destroy();
        agent.destroy();
      });
    });
    req.on('error', reject);
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    let sent = 0;
    const pump = (): void => {
      while (sent < size && !req.destroyed) {
        sent += chunk.length;
        if (!req.write(chunk)) {
          req.once('drain', pump);
          return;
        }
      }
      if (!req.destroyed) req.end();
    };
    pump();
  });
}

const json = (answer: Answer): Record<string, unknown> => JSON.parse(answer.body) as Record<string, unknown>;

describe('JSON nested 100,000 levels deep', () => {
  it('/functions/<name> answers 400 with -501007 and the warm worker serves the next call', async () => {
    expect((await postJson(`${cloud.url}/functions/echo`, { warm: true })).status).toBe(200);
    const res = await postJson(`${cloud.url}/functions/echo`, `{"x":${deepArray(DEEP)}}`);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      errCode: -501007,
      errMsg: expect.stringContaining(`nested deeper than ${MAX_JSON_DEPTH} levels`),
      requestId: expect.any(String),
    });
    const next = await postJson(`${cloud.url}/functions/echo`, { after: true });
    expect(next.body.result).toMatchObject({ event: { after: true } });
    // The same instance answered: no worker was lost to the deep body.
    expect(cloud.functions.recent(1)[0]).toMatchObject({ name: 'echo', outcome: 'ok', coldStart: false });
  });

  it('an event just within the limit still reaches the function', async () => {
    const event = `{"x":${deepArray(MAX_JSON_DEPTH - 1)}}`;
    const res = await postJson(`${cloud.url}/functions/echo`, event);
    expect(res.status).toBe(200);
    expect(JSON.stringify((res.body.result as { event: unknown }).event)).toBe(event);
  });

  it.each([
    ['the /admin body', `{"action":"database.getDocument","query":${deepArray(DEEP)}}`, 400],
    [
      'an Extended JSON document',
      JSON.stringify({
        action: 'database.insertDocument',
        collectionName: 'things',
        data: [`{"a":${deepArray(DEEP)}}`],
      }),
      200,
    ],
    [
      'a function event sent through the SDK protocol',
      JSON.stringify({ action: 'functions.invokeFunction', function_name: 'echo', request_data: deepArray(DEEP) }),
      200,
    ],
  ])('%s is INVALID_PARAM (-501007 in the SDK)', async (_label, body, status) => {
    const res = await postJson(`${cloud.adminUrl}?env=test`, body);
    expect(res.status).toBe(status);
    expect(res.body).toMatchObject({ code: 'INVALID_PARAM', message: expect.stringContaining('nested deeper') });
  });

  it('the inspector API answers 400', async () => {
    const res = await postJson(`${cloud.url}/_/api/outbox/fail`, `{"apiName":${deepArray(DEEP)}}`);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ code: 'INVALID_PARAM', message: expect.stringContaining('nested deeper') });
  });

  it('an in-process caller handing the host such an event gets -501007, and no worker is touched', async () => {
    let event: unknown = 1;
    for (let level = 0; level < DEEP; level += 1) event = [event];
    const before = cloud.functions.instances('echo');
    const outcome = await cloud.functions.invoke('echo', { x: event });
    expect(outcome).toMatchObject({ ok: false, errCode: -501007, errMsg: expect.stringContaining('as JSON') });
    expect(cloud.functions.instances('echo')).toEqual(before);
  });
});

describe('bodies over the limit', () => {
  const routes: Array<[string, string, string, (answer: Answer) => void]> = [
    [
      '/functions/<name>',
      'POST',
      '/functions/echo',
      (answer) => expect(json(answer)).toMatchObject({ errCode: -501007, errMsg: expect.stringContaining('5 MB') }),
    ],
    [
      '/admin',
      'POST',
      '/admin?env=test',
      (answer) =>
        expect(json(answer)).toMatchObject({ code: 'INVALID_PARAM', message: expect.stringContaining('5 MB') }),
    ],
    [
      'the inspector API',
      'POST',
      '/_/api/outbox/fail',
      (answer) => expect(json(answer)).toEqual({ code: 'INVALID_PARAM', message: expect.stringContaining('5 MB') }),
    ],
    [
      'an inspector upload',
      'PUT',
      '/_/api/files?cloudPath=big.bin',
      (answer) => expect(json(answer)).toEqual({ code: 'INVALID_PARAM', message: expect.stringContaining('5 MB') }),
    ],
  ];

  const sizes = (route: string): Array<[number, boolean]> =>
    route === '/functions/<name>'
      ? [
          [6, false],
          [30, false],
          [200, false],
          [6, true],
          [30, true],
          [200, true],
        ]
      : [
          [30, false],
          [30, true],
        ];

  describe.each(routes)('%s', (label, method, path, check) => {
    it.each(sizes(label))(
      '%i MB (chunked: %s) is answered 413, and the connection is not reset',
      async (mb, chunked) => {
        const answer = await send(`${cloud.url}${path}`, { method, size: mb * MB, chunked });
        expect(answer.status).toBe(413);
        check(answer);
        // The rest of the body was read and dropped: a reset could have cost the client the answer.
        expect(answer.upload).toBe('complete');
        expect(answer.headers.connection).not.toBe('close');
      },
    );
  });

  it('a declared Content-Length over the limit is answered before the body is sent', async () => {
    const answer = await send(`${cloud.url}/functions/echo`, { size: 200 * MB, chunked: false, stopAt: 1024 });
    expect(answer.status).toBe(413);
    expect(answer.sent).toBe(1024);
  });

  it('a chunked body is answered once it crosses the limit, without waiting for its end', async () => {
    const answer = await send(`${cloud.url}/admin?env=test`, { size: 200 * MB, chunked: true, stopAt: 5 * MB + 1 });
    expect(answer.status).toBe(413);
  });

  it('node:http, a client that stops sending once answered, gets the 413', async () => {
    const answer = await sendWithNodeHttp(`${cloud.url}/functions/echo`, 200 * MB);
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body)).toMatchObject({ errCode: -501007 });
  });

  it('fetch gets the 413 too, and the server keeps serving', async () => {
    const body = new Uint8Array(30 * MB);
    const res = await fetch(`${cloud.url}/functions/echo`, { method: 'POST', body });
    expect(res.status).toBe(413);
    expect(((await res.json()) as { errCode: number }).errCode).toBe(-501007);
    expect((await getJson(`${cloud.url}/healthz`)).status).toBe(200);
    expect(await cloud.storage.read(cloud.storage.fileIdFor('big.bin'))).toBeUndefined();
  });
});

describe('storage uploads over the limit', () => {
  let dir: string;
  let storage: LocalStorage;
  let server: http.Server;
  let base: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'storage-limit-'));
    server = http.createServer((req, res) => {
      if (!storage.handleHttp(req, res)) res.writeHead(404).end();
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    storage = createStorage({ dir, envId: 'test-env', publicUrl: () => base, uploadLimitBytes: MB });
  });

  afterAll(async () => {
    await storage.close();
    await new Promise((done) => server.close(done));
    rmSync(dir, { recursive: true, force: true });
  });

  async function uploadTarget(cloudPath: string): Promise<{ url: string; authorization: string }> {
    const response = await storage.handleAction('storage.getUploadMetadata', { path: cloudPath, method: 'put' });
    if ('code' in response) throw new Error(response.message);
    const data = response.data as Record<string, unknown>;
    return { url: data.url as string, authorization: data.authorization as string };
  }

  it.each([
    [30, false],
    [200, true],
  ])('a %i MB upload (chunked: %s) is answered 413 EntityTooLarge and leaves no file', async (mb, chunked) => {
    const target = await uploadTarget(`big-${mb}.bin`);
    const answer = await send(target.url, {
      method: 'PUT',
      size: mb * MB,
      chunked,
      headers: { authorization: target.authorization, 'content-type': 'application/octet-stream' },
    });
    expect(answer.status).toBe(413);
    expect(answer.upload).toBe('complete');
    expect(answer.body).toContain('<Code>EntityTooLarge</Code>');
    expect(answer.body).toContain('1 MB');
    expect(await storage.read(storage.fileIdFor(`big-${mb}.bin`))).toBeUndefined();
    expect(readdirSync(join(dir, '.partial'))).toEqual([]);
  });

  it('an upload the disk cannot take is answered, and the rest of its body dropped', async () => {
    // A file where the folder for partial uploads belongs: the write fails before it starts.
    const partial = join(dir, '.partial');
    rmSync(partial, { recursive: true, force: true });
    writeFileSync(partial, 'in the way');
    try {
      const target = await uploadTarget('blocked.bin');
      // Chunked and larger than socket buffers hold: a request left paused would never take it all.
      const answer = await send(target.url, {
        method: 'PUT',
        size: 16 * MB,
        chunked: true,
        headers: { authorization: target.authorization },
      });
      expect(answer.status).toBeGreaterThanOrEqual(400);
      expect(answer.body).toContain('<Error>');
      expect(answer.upload).toBe('complete');
    } finally {
      rmSync(partial, { force: true });
    }
  });

  it('an upload at the limit is stored', async () => {
    const target = await uploadTarget('fits.bin');
    const answer = await send(target.url, {
      method: 'PUT',
      size: MB,
      chunked: true,
      headers: { authorization: target.authorization },
    });
    expect(answer.status).toBe(200);
    expect((await storage.read(storage.fileIdFor('fits.bin')))?.length).toBe(MB);
  });
});
