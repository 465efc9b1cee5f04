/**
 * The local dev model: an OpenAI-compatible `/v1/chat/completions` (SSE with `[DONE]`, usage and
 * tool calls, or one JSON completion without `stream`) and `/v1/models`, served by whatever
 * node:http server mounts it. With no MODEL_BASE_URL configured, the local cloud points the chat
 * function here, so a new developer sees a streamed reply at once. It paces itself like a real
 * model: the first token after a few hundred milliseconds, then about 30 tokens a second.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { estimateTokens } from '../../server/chat/tokens';
import { plan, type DevMessage } from './reply';

export const DEV_MODEL_NAME = 'local-dev';

export interface DevModelOptions {
  /** Before the first token; default 400 ms. */
  firstTokenMs?: number;
  /** Pace after it; default 30. */
  tokensPerSecond?: number;
  /** The clock the model reads "tomorrow at 9" against; default Date.now. */
  now?: () => number;
}

interface CompletionRequest {
  model?: unknown;
  messages?: unknown;
  stream?: unknown;
  stream_options?: { include_usage?: unknown };
  tools?: Array<{ function?: { name?: unknown } }>;
}

/** Tokens as a reader sees them appear: a CJK character, or a word with its trailing space. */
export function tokenize(text: string): string[] {
  return text.match(/[\u3000-\u9fff\uff00-\uffef]|[^\s\u3000-\u9fff\uff00-\uffef]+\s*|\s+/g) ?? [];
}

function sendJson(res: ServerResponse, status: number, body: object): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}

async function readRequest(req: IncomingMessage): Promise<CompletionRequest | undefined> {
  const parts: Buffer[] = [];
  for await (const part of req) parts.push(part as Buffer);
  try {
    const value = JSON.parse(Buffer.concat(parts).toString('utf8')) as unknown;
    return typeof value === 'object' && value !== null ? (value as CompletionRequest) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A request handler for `/v1/*`: answers true when it took the request (anything under /v1/),
 * false to leave it to the server's other routes.
 */
export function createDevModel(options: DevModelOptions = {}): (req: IncomingMessage, res: ServerResponse) => boolean {
  const firstTokenMs = options.firstTokenMs ?? 400;
  const intervalMs = 1000 / (options.tokensPerSecond ?? 30);
  const now = options.now ?? Date.now;
  let sequence = 0;

  async function complete(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readRequest(req);
    if (!body || !Array.isArray(body.messages) || typeof body.model !== 'string') {
      sendJson(res, 400, { error: { message: 'model and messages are required', type: 'invalid_request_error' } });
      return;
    }
    const messages = body.messages as DevMessage[];
    const tools = (body.tools ?? []).map((t) => t.function?.name).filter((n): n is string => typeof n === 'string');
    const next = plan(messages, tools, now());
    const id = `chatcmpl-dev-${++sequence}`;
    const created = Math.floor(now() / 1000);
    const model = body.model;
    const promptTokens = messages.reduce((sum, m) => sum + 4 + estimateTokens(m.content ?? ''), 0);
    const call =
      next.kind === 'tool'
        ? {
            id: `call_dev_${sequence}`,
            type: 'function',
            function: { name: next.name, arguments: JSON.stringify(next.arguments) },
          }
        : undefined;
    const pieces = next.kind === 'text' ? tokenize(next.text) : [];
    const usage = {
      prompt_tokens: promptTokens,
      completion_tokens: call ? estimateTokens(call.function.arguments) : pieces.length,
      total_tokens: 0,
    };
    usage.total_tokens = usage.prompt_tokens + usage.completion_tokens;
    const finish = call ? 'tool_calls' : 'stop';

    let gone = false;
    res.on('close', () => (gone = true));
    const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    await wait(firstTokenMs);
    if (gone) return;

    if (body.stream !== true) {
      const message = call
        ? { role: 'assistant', content: null, tool_calls: [call] }
        : { role: 'assistant', content: pieces.join('') };
      sendJson(res, 200, {
        id,
        object: 'chat.completion',
        created,
        model,
        choices: [{ index: 0, message, finish_reason: finish }],
        usage,
      });
      return;
    }

    const chunk = (choices: object[], extra: object = {}) =>
      `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model, choices, ...extra })}\n\n`;
    const delta = (d: object, reason: string | null = null) => chunk([{ index: 0, delta: d, finish_reason: reason }]);
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
    res.write(delta({ role: 'assistant', content: '' }));
    if (call) {
      res.write(
        delta({
          tool_calls: [
            { index: 0, id: call.id, type: 'function', function: { name: call.function.name, arguments: '' } },
          ],
        }),
      );
      res.write(delta({ tool_calls: [{ index: 0, function: { arguments: call.function.arguments } }] }));
    }
    for (const [i, piece] of pieces.entries()) {
      if (i > 0) await wait(intervalMs);
      if (gone) return;
      res.write(delta({ content: piece }));
    }
    res.write(delta({}, finish));
    if (body.stream_options?.include_usage === true) res.write(chunk([], { usage }));
    res.end('data: [DONE]\n\n');
  }

  return (req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (!path.startsWith('/v1/')) return false;
    if (req.method === 'GET' && path === '/v1/models') {
      sendJson(res, 200, { object: 'list', data: [{ id: DEV_MODEL_NAME, object: 'model', owned_by: 'local' }] });
    } else if (req.method === 'POST' && path === '/v1/chat/completions') {
      complete(req, res).catch((error: unknown) => {
        if (!res.headersSent) sendJson(res, 500, { error: { message: String(error), type: 'server_error' } });
        else res.destroy();
      });
    } else {
      sendJson(res, 404, { error: { message: `no route ${req.method} ${path}`, type: 'invalid_request_error' } });
    }
    return true;
  };
}
