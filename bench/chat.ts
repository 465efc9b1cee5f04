/**
 * Chat figures, server side, against the scripted model server on loopback: a 20-second reply
 * (600 tokens at 30 a second) and what it costs in database writes; the time from the model's
 * first token to the first write of text into the reply (what the page's watch can show first);
 * and how soon a stop from another instance ends the model request.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createDevModel } from '../dev/model';
import { DATABASE_DIR } from '../dev/app';
import { startLocalCloud, type LocalCloud } from 'cloudbase-local';
import { buildFunctions } from '../scripts/build-functions';
import { streamChat } from '../server/chat/model';
import { startModelServer, textReply, type ModelServer, type Step } from '../test/helpers/model-server';
import type { ChatActions } from '../typings/chat';
import type { ApiResult } from '../typings/contract';
import { timed, type Reporter } from './report';

const ROOT = join(__dirname, '..');
const FUNCTIONS = join(ROOT, 'cloudfunctions');
const USER = 'o-bench-chat';

interface Write {
  at: number;
  id: string;
  text: string;
  status: string;
}

async function call<A extends keyof ChatActions>(
  cloud: LocalCloud,
  action: A,
  request: ChatActions[A]['request'],
): Promise<ChatActions[A]['response']> {
  const response = await fetch(`${cloud.url}/functions/chat`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-wx-openid': USER, 'x-wx-appid': 'wx-bench' },
    body: JSON.stringify({ action, ...request }),
  });
  const body = (await response.json()) as { result?: ApiResult<ChatActions[A]['response']> };
  if (!body.result?.ok) throw new Error(`chat.${action} failed: ${JSON.stringify(body)}`);
  return body.result.data;
}

/** `count` one-character tokens, `intervalMs` apart. */
function paced(count: number, intervalMs: number): Step[] {
  const steps: Step[] = Array.from({ length: count }, (_, i) => ({ text: '字词句段'[i % 4], delayMs: intervalMs }));
  return [...steps, { finish: 'stop' }, { usage: { prompt: 50, completion: count } }];
}

/** The model's first token to the reply's first write with text, for the newest request and reply. */
function firstTokenToWrite(model: ModelServer, writes: Write[], replyId: string): number {
  const first = writes.find((w) => w.id === replyId && w.text !== '');
  const token = model.requests.at(-1)?.firstTextAt;
  if (!first || token === undefined) throw new Error('no text was written');
  return first.at - token;
}

/** The local dev model's pace as a client sees it: first token, then tokens per second. */
async function devModelPace(report: Reporter): Promise<void> {
  const handler = createDevModel();
  const server = createServer((req, res) => void handler(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const times: number[] = [];
    const started = performance.now();
    await streamChat(
      {
        baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
        apiKey: '',
        model: 'local-dev',
        timeoutMs: 5000,
        maxTokens: 1024,
        contextTokens: 8192,
        tools: false,
      },
      { messages: [{ role: 'user', content: '你好' }], maxTokens: 1024 },
      { onText: () => times.push(performance.now()) },
    );
    report.figure('local dev model: first token', times[0] - started, 'ms');
    report.figure(
      'local dev model: pace after it',
      ((times.length - 1) * 1000) / (times[times.length - 1] - times[0]),
      'tokens/s',
    );
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}

export async function run(report: Reporter): Promise<void> {
  await devModelPace(report);
  await buildFunctions(FUNCTIONS, '4.0.2');
  const model = await startModelServer();
  const cloud = await startLocalCloud({
    port: 0,
    quiet: true,
    functionsDir: FUNCTIONS,
    databaseDir: DATABASE_DIR,
    functionEnv: { MODEL_BASE_URL: model.baseUrl, MODEL_NAME: 'bench', CHAT_DAILY_LIMIT: '1000' },
  });
  const writes: Write[] = [];
  cloud.store.onChange((change) => {
    if (change.collection !== 'messages' || change.type === 'remove' || change.doc.role !== 'assistant') return;
    writes.push({
      at: performance.now(),
      id: String(change.id),
      text: String(change.doc.text),
      status: String(change.doc.status),
    });
  });
  try {
    model.script(textReply('热身。'));
    await call(cloud, 'send', { text: '热身' });

    model.script({ steps: paced(600, 1000 / 30) });
    let reply: ChatActions['send']['response']['reply'] | undefined;
    const wall = await timed(async () => (reply = (await call(cloud, 'send', { text: '写一篇长文' })).reply));
    if (!reply || reply.status !== 'done') throw new Error(`the 20 s reply ended ${reply?.status}`);
    const ofReply = writes.filter((w) => w.id === reply?.id);
    report.figure('20 s reply (600 tokens at 30/s): wall time', wall, 'ms');
    report.figure('20 s reply: database writes to the reply (insert excluded)', ofReply.length - 1, 'writes');
    report.figure(
      '20 s reply: model first token to first text write',
      firstTokenToWrite(model, writes, reply.id),
      'ms',
    );

    const samples: number[] = [];
    for (let i = 0; i < 20; i++) {
      model.script({ steps: paced(30, 20) });
      const { reply: short } = await call(cloud, 'send', { text: `短问题${i}` });
      samples.push(firstTokenToWrite(model, writes, short.id));
    }
    report.latencies('model first token to first text write (1 s replies)', samples);

    const stops: number[] = [];
    for (let i = 0; i < 10; i++) {
      model.script({ steps: paced(3000, 10) });
      const sending = call(cloud, 'send', { text: `停下${i}` });
      const request = await model.request(model.requests.length + 1);
      while (
        !writes.some((w) => w.text !== '' && w.status === 'streaming' && w.at > (request.firstTextAt ?? Infinity))
      ) {
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      const streaming = writes.filter((w) => w.status === 'streaming').at(-1);
      if (!streaming) throw new Error('no streaming reply');
      const started = performance.now();
      await call(cloud, 'stop', { messageId: streaming.id });
      await request.closed;
      stops.push(performance.now() - started);
      await sending;
    }
    report.latencies('stop called to model request aborted (another instance)', stops);
  } finally {
    await cloud.close();
    await model.close();
  }
}
