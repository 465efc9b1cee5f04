/**
 * The local WeChat server pushing followers' messages to an Official Account's server URL, checked
 * from the receiving end: a real HTTP server on loopback that verifies what arrives with the oa
 * function's own crypto (an independent implementation) and answers as a test scripts it.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LocalCloud } from '../../packages/cloudbase-local/src';
import { MessageCipher, sign } from '../../server/oa/crypto';
import { buildXml, parseMessage } from '../../server/oa/xml';
import { startTestCloud } from '../fixtures/emulator/harness';

jest.setTimeout(60_000);

const OA = { appid: 'wx-oa-push', secret: 'push-secret-not-real' };
const TOKEN = 'pushtoken';
const KEY = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';
const cipher = new MessageCipher(KEY, OA.appid);

type Script = 'hang' | 'success' | 'reply' | 'bad-signature' | 500;
interface Seen {
  query: URLSearchParams;
  body: string;
}

let cloud: LocalCloud;
let receiver: Server;
const scripts: Script[] = [];
const seen: Seen[] = [];
const hanging = new Set<ServerResponse>();

function answer(script: Script, seenRequest: Seen, res: ServerResponse): void {
  if (script === 'hang') {
    hanging.add(res);
    return;
  }
  if (script === 500) {
    res.writeHead(500).end('boom');
    return;
  }
  if (script === 'success') {
    res.end('success');
    return;
  }
  const encrypted = seenRequest.query.get('encrypt_type') === 'aes';
  const inner = encrypted
    ? parseMessage(cipher.decrypt(parseMessage(seenRequest.body).Encrypt).message)
    : parseMessage(seenRequest.body);
  const xml = buildXml([
    ['ToUserName', inner.FromUserName],
    ['FromUserName', inner.ToUserName],
    ['CreateTime', 1],
    ['MsgType', 'text'],
    ['Content', `收到：${inner.Content ?? inner.Event}`],
  ]);
  if (!encrypted) {
    res.end(xml);
    return;
  }
  const sealed = cipher.encrypt(xml);
  const msgSignature = script === 'bad-signature' ? '0'.repeat(40) : sign(TOKEN, '1700000000', 'n1', sealed);
  res.end(
    buildXml([
      ['Encrypt', sealed],
      ['MsgSignature', msgSignature],
      ['TimeStamp', 1700000000],
      ['Nonce', 'n1'],
    ]),
  );
}

beforeAll(async () => {
  receiver = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request = {
        query: new URL(req.url ?? '/', 'http://x').searchParams,
        body: Buffer.concat(chunks).toString(),
      };
      seen.push(request);
      answer(scripts.shift() ?? 'success', request, res);
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/wechat`;
  cloud = await startTestCloud({
    wechat: {
      officialAccount: { ...OA, originalId: 'gh_0123456789ab', server: { url, token: TOKEN, encodingAESKey: KEY } },
    },
  });
}, 60_000);

afterAll(async () => {
  for (const res of hanging) res.destroy();
  await cloud?.close();
  await new Promise((resolve) => receiver.close(resolve));
});

beforeEach(() => {
  seen.length = 0;
  scripts.length = 0;
});

async function api(path: string, body: unknown, method = 'POST') {
  const response = await fetch(`${cloud.url}/_/api/oa/${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return {
    status: response.status,
    body: (await response.json()) as Record<string, unknown> & { tries: Array<Record<string, unknown>> },
  };
}

const mode = (m: string) => api('server', { mode: m }, 'PUT');

it('signs, encrypts (safe mode: Encrypt alone) and decodes the encrypted passive reply', async () => {
  await mode('safe');
  scripts.push('reply');
  const follow = await api('messages', { openid: 'dev_push', event: 'subscribe' });
  expect(follow.status).toBe(200);
  scripts.push('reply');
  const { body } = await api('messages', { openid: 'dev_push', content: '你好 <&> ]]>' });
  const { query, body: raw } = seen[1];
  const [timestamp, nonce] = [query.get('timestamp') ?? '', query.get('nonce') ?? ''];
  expect(query.get('signature')).toBe(sign(TOKEN, timestamp, nonce));
  expect(query.get('openid')).toBe('oa_dev_push');
  expect(query.get('encrypt_type')).toBe('aes');
  const outer = parseMessage(raw);
  expect(Object.keys(outer)).toEqual(['ToUserName', 'Encrypt']);
  expect(outer.ToUserName).toBe('gh_0123456789ab');
  expect(query.get('msg_signature')).toBe(sign(TOKEN, timestamp, nonce, outer.Encrypt));
  const { message, appid } = cipher.decrypt(outer.Encrypt);
  expect(appid).toBe(OA.appid);
  expect(parseMessage(message)).toMatchObject({
    ToUserName: 'gh_0123456789ab',
    FromUserName: 'oa_dev_push',
    MsgType: 'text',
    Content: '你好 <&> ]]>',
    MsgId: expect.stringMatching(/^\d{10,19}$/),
  });
  expect(body).toMatchObject({ answered: true, reply: { msgType: 'text', content: '收到：你好 <&> ]]>' } });
  expect(body.tries).toEqual([expect.objectContaining({ try: 1, status: 200, ms: expect.any(Number) })]);
  const person = cloud.wechat.person('dev_push');
  expect(person?.written.map((w) => w.content ?? w.event)).toEqual(['subscribe', '你好 <&> ]]>']);
  expect(person?.received.filter((m) => m.kind === 'passive')).toHaveLength(2);
});

it('compatible mode sends the plaintext fields beside Encrypt; plaintext mode sends the message as it is', async () => {
  await mode('compatible');
  await api('messages', { openid: 'dev_compat', event: 'subscribe' });
  expect(Object.keys(parseMessage(seen[0].body))).toEqual([
    'ToUserName',
    'FromUserName',
    'CreateTime',
    'MsgType',
    'Event',
    'EventKey',
    'Encrypt',
  ]);
  await mode('plaintext');
  const { body } = await api('messages', { openid: 'dev_compat', content: 'hi' });
  expect(seen[1].query.has('encrypt_type')).toBe(false);
  expect(parseMessage(seen[1].body).Content).toBe('hi');
  expect(body).toMatchObject({ answered: true, reply: null });
  await mode('safe');
});

it('tries 3 times, 5 s each, with the same MsgId; a reply on a later try ends them', async () => {
  await api('messages', { openid: 'dev_retry', event: 'subscribe' });
  scripts.push('hang', 500, 'reply');
  const { body } = await api('messages', { openid: 'dev_retry', content: '重试' });
  const tries = body.tries;
  expect(tries.map((t) => t.status)).toEqual([null, 500, 200]);
  expect(tries[0]).toMatchObject({ error: 'timed out after 5 s' });
  expect(tries[0].ms).toBeGreaterThanOrEqual(4900);
  const ids = seen.slice(1).map((s) => parseMessage(cipher.decrypt(parseMessage(s.body).Encrypt).message).MsgId);
  expect(new Set(ids).size).toBe(1);
  expect(body.reply).toMatchObject({ content: '收到：重试' });
});

it('says so when no try was answered, or the reply cannot be read', async () => {
  scripts.push('success', 'hang', 'hang', 'hang');
  await api('messages', { openid: 'dev_down', event: 'subscribe' });
  const down = await api('messages', { openid: 'dev_down', content: '在吗' });
  expect(down.body).toMatchObject({ answered: false, reply: null });
  expect(down.body.tries).toHaveLength(3);
  scripts.push('bad-signature');
  const bad = await api('messages', { openid: 'dev_down', content: '再试' });
  expect(bad.body).toMatchObject({ answered: true, reply: null, replyError: 'the reply MsgSignature does not match' });
});

it('refuses what WeChat would not send', async () => {
  expect((await api('messages', { openid: 'dev_nobody', content: '你好' })).status).toBe(409);
  expect((await api('messages', { openid: 'dev_nobody', event: 'unsubscribe' })).status).toBe(409);
  expect((await api('messages', { openid: '', content: 'x' })).status).toBe(400);
  expect((await api('messages', { openid: 'dev_nobody', content: '' })).status).toBe(400);
  expect((await api('messages', { openid: 'dev_nobody', event: 'click' })).status).toBe(400);
  expect((await api('server', { mode: 'loud' }, 'PUT')).status).toBe(400);
  expect(seen).toHaveLength(0);
});
