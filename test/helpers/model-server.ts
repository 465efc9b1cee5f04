/**
 * An OpenAI-compatible model server on loopback, scripted per request: each request to
 * `/v1/chat/completions` takes the next scripted reply and plays it over the real SSE protocol
 * (chunk timing, text, tool calls, usage, `[DONE]`) or fails in a chosen way (an HTTP status, no
 * answer at all, an error event mid-stream, a reset connection, a close without `[DONE]`).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { eventually } from './eventually';

export type Step =
  | { text: string; delayMs?: number }
  | { toolCall: { name: string; arguments: unknown; id?: string }; delayMs?: number }
  | { finish: string; delayMs?: number }
  | { usage: { prompt: number; completion: number }; delayMs?: number }
  /** An error object in a data line, as providers send one mid-stream. */
  | { error: string; delayMs?: number }
  /** Holds the stream until the test opens the gate. */
  | { gate: Promise<unknown> };

export interface ScriptedReply {
  /** Answer this status with an error body instead of a stream. */
  status?: number;
  message?: string;
  /** Accept the connection and never answer (the client's timeout must fire). */
  hang?: boolean;
  /** Wait before the response headers. */
  headersDelayMs?: number;
  steps?: Step[];
  /** How the stream ends: `[DONE]` (default), a clean close without it, or a reset connection. */
  ending?: 'done' | 'close' | 'reset';
}

export interface RecordedRequest {
  path: string;
  headers: IncomingMessage['headers'];
  body: {
    model?: string;
    messages?: Array<{ role: string; content: string | null; tool_call_id?: string; tool_calls?: unknown[] }>;
    stream?: boolean;
    max_tokens?: number;
    tools?: Array<{ function: { name: string } }>;
    stream_options?: { include_usage?: boolean };
  };
  /** When the first content chunk was written (performance.now()), for the bench. */
  firstTextAt?: number;
  /** Resolves when the exchange ends; `aborted` when the client went away before the script did. */
  closed: Promise<{ aborted: boolean }>;
}

export interface ModelServer {
  /** The API root to put in MODEL_BASE_URL: http://127.0.0.1:PORT/v1 */
  readonly baseUrl: string;
  readonly requests: RecordedRequest[];
  /** Queues replies for the next requests, in order; a request with none queued gets a 500 that says so. */
  script(...replies: ScriptedReply[]): void;
  /** Resolves with the n-th request (1-based) once it has arrived. */
  request(n: number): Promise<RecordedRequest>;
  close(): Promise<void>;
}

/** `text` in pieces of `size` characters, `delayMs` apart, then finish, usage and `[DONE]`. */
export function textReply(
  text: string,
  options: { size?: number; delayMs?: number; finish?: string; usage?: { prompt: number; completion: number } } = {},
): ScriptedReply {
  const chars = [...text];
  const size = options.size ?? 4;
  const steps: Step[] = [];
  for (let i = 0; i < chars.length; i += size) {
    steps.push({ text: chars.slice(i, i + size).join(''), delayMs: options.delayMs ?? 0 });
  }
  steps.push({ finish: options.finish ?? 'stop' });
  steps.push({ usage: options.usage ?? { prompt: 20, completion: Math.ceil(chars.length / 2) } });
  return { steps };
}

/** A turn that asks for tool calls, as models do: no text, finish_reason `tool_calls`. */
export function toolReply(...calls: Array<{ name: string; arguments: unknown; id?: string }>): ScriptedReply {
  return {
    steps: [
      ...calls.map((toolCall) => ({ toolCall })),
      { finish: 'tool_calls' },
      { usage: { prompt: 30, completion: 12 } },
    ],
  };
}

/** A gate a scripted stream waits on, and the function that opens it. */
export function gate(): { wait: Promise<void>; open: () => void } {
  let open!: () => void;
  const wait = new Promise<void>((resolve) => (open = resolve));
  return { wait, open };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function readJson(req: IncomingMessage): Promise<RecordedRequest['body'] | undefined> {
  const parts: Buffer[] = [];
  for await (const part of req) parts.push(part as Buffer);
  try {
    return JSON.parse(Buffer.concat(parts).toString('utf8')) as RecordedRequest['body'];
  } catch {
    return undefined;
  }
}

/** A cloud and the model server its chat function calls, closed together. */
export interface WithModel<C> {
  cloud: C;
  model: ModelServer;
  close(): Promise<void>;
}

export function withModel<C extends { close(): Promise<void> }>(cloud: C, model: ModelServer): WithModel<C> {
  return {
    cloud,
    model,
    close: async () => {
      await cloud.close();
      await model.close();
    },
  };
}

/**
 * `root`: the API root it serves under, as a provider's base URL has it (default `/v1`; CloudBase's
 * own models are under `/v1/ai/cloudbase/v1`); any other path answers 404.
 */
export async function startModelServer(options: { root?: string } = {}): Promise<ModelServer> {
  const root = options.root ?? '/v1';
  const queue: ScriptedReply[] = [];
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  let sequence = 0;

  async function play(reply: ScriptedReply, record: RecordedRequest, res: ServerResponse, gone: () => boolean) {
    const id = `chatcmpl-${++sequence}`;
    const model = record.body.model ?? 'scripted';
    const chunk = (choice: object | null, extra: object = {}) =>
      `data: ${JSON.stringify({
        id,
        object: 'chat.completion.chunk',
        created: Math.floor(Date.now() / 1000),
        model,
        choices: choice ? [{ index: 0, ...choice }] : [],
        ...extra,
      })}\n\n`;
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
    res.write(chunk({ delta: { role: 'assistant', content: '' }, finish_reason: null }));
    let toolIndex = 0;
    for (const step of reply.steps ?? []) {
      if ('gate' in step) await step.gate;
      else if (step.delayMs) await sleep(step.delayMs);
      if (gone()) return;
      if ('text' in step) {
        record.firstTextAt ??= performance.now();
        res.write(chunk({ delta: { content: step.text }, finish_reason: null }));
      } else if ('toolCall' in step) {
        const { name, arguments: args, id: callId } = step.toolCall;
        const text = typeof args === 'string' ? args : JSON.stringify(args);
        const index = toolIndex++;
        // Name first, then the arguments in two pieces, as streaming models split them.
        res.write(
          chunk({
            delta: {
              tool_calls: [
                {
                  index,
                  id: callId ?? `call_${sequence}_${index}`,
                  type: 'function',
                  function: { name, arguments: '' },
                },
              ],
            },
            finish_reason: null,
          }),
        );
        const half = Math.floor(text.length / 2);
        for (const piece of [text.slice(0, half), text.slice(half)]) {
          res.write(chunk({ delta: { tool_calls: [{ index, function: { arguments: piece } }] }, finish_reason: null }));
        }
      } else if ('finish' in step) {
        res.write(chunk({ delta: {}, finish_reason: step.finish }));
      } else if ('usage' in step) {
        if (record.body.stream_options?.include_usage) {
          const { prompt, completion } = step.usage;
          res.write(
            chunk(null, {
              usage: { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion },
            }),
          );
        }
      } else if ('error' in step) {
        res.write(`data: ${JSON.stringify({ error: { message: step.error, type: 'server_error', code: null } })}\n\n`);
      }
    }
    const ending = reply.ending ?? 'done';
    if (ending === 'reset') {
      res.socket?.resetAndDestroy();
      return;
    }
    if (ending === 'done') res.write('data: [DONE]\n\n');
    res.end();
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (req.method !== 'POST' || path !== `${root}/chat/completions`) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: `no route ${req.method} ${path}` } }));
      return;
    }
    const body = await readJson(req);
    let aborted = false;
    let finished = false;
    let settle!: (value: { aborted: boolean }) => void;
    const closed = new Promise<{ aborted: boolean }>((resolve) => (settle = resolve));
    res.on('finish', () => (finished = true));
    res.on('close', () => {
      aborted = !finished;
      settle({ aborted });
    });
    const record: RecordedRequest = { path, headers: req.headers, body: body ?? {}, closed };
    requests.push(record);

    if (!body || typeof body.model !== 'string' || !Array.isArray(body.messages)) {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: 'model and messages are required', type: 'invalid_request_error' } }));
      return;
    }
    const reply = queue.shift();
    if (!reply) {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: 'the test scripted no reply for this request' } }));
      return;
    }
    if (reply.hang) return;
    if (reply.headersDelayMs) await sleep(reply.headersDelayMs);
    if (reply.status && reply.status !== 200) {
      res.writeHead(reply.status, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: reply.message ?? `scripted ${reply.status}`, type: 'scripted' } }));
      return;
    }
    await play(reply, record, res, () => aborted);
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500);
      res.end(String(error));
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    baseUrl: `http://127.0.0.1:${port}${root}`,
    requests,
    script(...replies) {
      queue.push(...replies);
    },
    request: (n) =>
      eventually(
        () => requests[n - 1],
        () => `model request ${n} (${requests.length} arrived)`,
      ),
    close() {
      queue.length = 0;
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
