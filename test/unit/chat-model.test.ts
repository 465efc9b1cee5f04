import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ModelConfig } from '../../server/chat/config';
import { ModelError, streamChat, type ModelRequest } from '../../server/chat/model';
import { gate, startModelServer, textReply, toolReply, type ModelServer } from '../helpers/model-server';

let server: ModelServer;
let config: ModelConfig;

beforeAll(async () => {
  server = await startModelServer();
  config = {
    baseUrl: server.baseUrl,
    apiKey: 'sk-test',
    model: 'test-model',
    timeoutMs: 500,
    maxTokens: 256,
    contextTokens: 4096,
    tools: true,
  };
});
afterAll(() => server.close());

const request: ModelRequest = { messages: [{ role: 'user', content: '你好' }], maxTokens: 256 };

async function fault(promise: Promise<unknown>): Promise<ModelError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ModelError);
  return error as ModelError;
}

describe('streamChat', () => {
  it('streams text deltas in order and returns the whole turn with usage', async () => {
    server.script(textReply('你好，我是助手。', { size: 2, usage: { prompt: 11, completion: 7 } }));
    const deltas: string[] = [];
    const turn = await streamChat(config, request, { onText: (d) => deltas.push(d) });
    expect(turn).toEqual({
      text: '你好，我是助手。',
      toolCalls: [],
      finishReason: 'stop',
      usage: { promptTokens: 11, completionTokens: 7, totalTokens: 18 },
    });
    expect(deltas).toEqual(['你好', '，我', '是助', '手。']);
    const sent = server.requests.at(-1);
    expect(sent?.headers.authorization).toBe('Bearer sk-test');
    expect(sent?.body).toMatchObject({
      model: 'test-model',
      stream: true,
      stream_options: { include_usage: true },
      max_tokens: 256,
      messages: [{ role: 'user', content: '你好' }],
    });
  });

  it('merges tool calls streamed in pieces', async () => {
    server.script(
      toolReply(
        { name: 'add_todo', arguments: { title: '交报告', quadrant: 'q1' }, id: 'call_a' },
        { name: 'list_todos', arguments: {} },
      ),
    );
    const turn = await streamChat(config, {
      ...request,
      tools: [{ type: 'function', function: { name: 'add_todo', description: 'd', parameters: { type: 'object' } } }],
    });
    expect(turn.finishReason).toBe('tool_calls');
    expect(turn.toolCalls).toEqual([
      { id: 'call_a', name: 'add_todo', arguments: JSON.stringify({ title: '交报告', quadrant: 'q1' }) },
      { id: expect.any(String), name: 'list_todos', arguments: '{}' },
    ]);
    expect(server.requests.at(-1)?.body.tools?.[0].function.name).toBe('add_todo');
  });

  it.each([
    [401, 'AUTH'],
    [403, 'AUTH'],
    [429, 'RATE_LIMITED'],
    [500, 'UNAVAILABLE'],
    [503, 'UNAVAILABLE'],
    [400, 'REJECTED'],
    [404, 'REJECTED'],
  ])('an HTTP %i is %s, with the provider message', async (status, kind) => {
    server.script({ status, message: `scripted failure ${status}` });
    const error = await fault(streamChat(config, request));
    expect(error.fault).toBe(kind);
    expect(error.status).toBe(status);
    expect(error.message).toContain(`scripted failure ${status}`);
  });

  it('a server that never answers is a TIMEOUT, and the request is abandoned', async () => {
    server.script({ hang: true });
    const error = await fault(streamChat(config, request));
    expect(error.fault).toBe('TIMEOUT');
    await expect(server.requests.at(-1)?.closed).resolves.toEqual({ aborted: true });
  });

  it('a silence mid-stream longer than the timeout is a TIMEOUT', async () => {
    const held = gate();
    server.script({ steps: [{ text: '一半' }, { gate: held.wait }, { text: '另一半' }] });
    const error = await fault(streamChat(config, request));
    held.open();
    expect(error.fault).toBe('TIMEOUT');
  });

  it('an error event mid-stream is ERROR with its message', async () => {
    server.script({ steps: [{ text: '开始' }, { error: 'overloaded, try later' }] });
    const error = await fault(streamChat(config, request));
    expect(error.fault).toBe('ERROR');
    expect(error.message).toContain('overloaded, try later');
  });

  it('a connection reset mid-reply is TRUNCATED', async () => {
    const received = gate();
    server.script({ steps: [{ text: '开始' }, { gate: received.wait }], ending: 'reset' });
    const error = await fault(streamChat(config, request, { onText: received.open }));
    expect(error.fault).toBe('TRUNCATED');
  });

  it('a stream that closes without [DONE] is TRUNCATED, even after a finish_reason', async () => {
    server.script({ ...textReply('完整的一句话。'), ending: 'close' });
    const error = await fault(streamChat(config, request));
    expect(error.fault).toBe('TRUNCATED');
    expect(error.message).toContain('[DONE]');
  });

  it("the caller's signal aborts the request at once (ABORTED), and the server sees it go", async () => {
    const held = gate();
    server.script({ steps: [{ text: '慢' }, { gate: held.wait }] });
    const controller = new AbortController();
    const pending = streamChat({ ...config, timeoutMs: 10_000 }, request, {
      signal: controller.signal,
      onText: () => controller.abort(),
    });
    expect((await fault(pending)).fault).toBe('ABORTED');
    await expect(server.requests.at(-1)?.closed).resolves.toEqual({ aborted: true });
    held.open();
  });

  it('an unreachable server is UNAVAILABLE', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    const error = await fault(streamChat({ ...config, baseUrl: `http://127.0.0.1:${port}/v1` }, request));
    expect(error.fault).toBe('UNAVAILABLE');
  });

  it('accepts one JSON completion from a server that ignores stream: true', async () => {
    const json = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          choices: [{ index: 0, message: { role: 'assistant', content: '整段回答' }, finish_reason: 'stop' }],
          usage: { prompt_tokens: 5, completion_tokens: 4, total_tokens: 9 },
        }),
      );
    });
    await new Promise<void>((resolve) => json.listen(0, '127.0.0.1', resolve));
    const { port } = json.address() as AddressInfo;
    try {
      const turn = await streamChat({ ...config, baseUrl: `http://127.0.0.1:${port}/v1` }, request);
      expect(turn).toMatchObject({ text: '整段回答', finishReason: 'stop', usage: { totalTokens: 9 } });
    } finally {
      await new Promise((resolve) => json.close(resolve));
    }
  });
});
