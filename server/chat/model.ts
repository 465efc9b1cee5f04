/**
 * A streaming client for OpenAI-compatible `chat/completions` APIs: fetch (built into Node 18+)
 * and eventsource-parser for the SSE framing. Every way a request can go wrong ends in a
 * ModelError naming the fault, so the caller can leave the reply in a clear state.
 */
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import type { TokenUsage } from '../../typings/chat';
import type { ModelConfig } from './config';

export interface ToolCall {
  id: string;
  name: string;
  /** JSON text as the model wrote it (it may not parse). */
  arguments: string;
}

export type ModelMessage =
  | { role: 'system' | 'user'; content: string }
  | {
      role: 'assistant';
      content: string | null;
      tool_calls?: Array<{ id: string; type: 'function'; function: { name: string; arguments: string } }>;
    }
  | { role: 'tool'; tool_call_id: string; content: string };

export interface ToolSpec {
  type: 'function';
  function: { name: string; description: string; parameters: Record<string, unknown> };
}

export interface ModelRequest {
  messages: ModelMessage[];
  tools?: ToolSpec[];
  maxTokens: number;
}

export interface ModelTurn {
  text: string;
  toolCalls: ToolCall[];
  /** `stop`, `length`, `tool_calls`, `content_filter`, ... as the model said; null if it never did. */
  finishReason: string | null;
  usage: TokenUsage | null;
}

/**
 * TIMEOUT: no connection, first byte or next chunk within the timeout. AUTH: 401/403.
 * RATE_LIMITED: 429. UNAVAILABLE: 5xx or unreachable. REJECTED: another 4xx. ERROR: an error event
 * or a body that is not the protocol. TRUNCATED: the connection broke or closed before `[DONE]`.
 * ABORTED: the caller's signal (a stop, a deadline).
 */
export type ModelFault =
  'TIMEOUT' | 'AUTH' | 'RATE_LIMITED' | 'UNAVAILABLE' | 'REJECTED' | 'ERROR' | 'TRUNCATED' | 'ABORTED';

export class ModelError extends Error {
  constructor(
    readonly fault: ModelFault,
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'ModelError';
  }
}

export interface StreamOptions {
  /** Aborts the request (the caller knows why: a stop, a deadline). */
  signal?: AbortSignal;
  /** Each piece of reply text as it arrives. */
  onText?: (delta: string) => void;
}

interface ChunkChoice {
  delta?: {
    content?: string | null;
    tool_calls?: Array<{ index?: number; id?: string; function?: { name?: string; arguments?: string } }>;
  };
  message?: {
    content?: string | null;
    tool_calls?: Array<{ id?: string; function?: { name?: string; arguments?: string } }>;
  };
  finish_reason?: string | null;
}

interface Chunk {
  choices?: ChunkChoice[];
  usage?: { prompt_tokens?: number; completion_tokens?: number; total_tokens?: number } | null;
  error?: { message?: string; code?: unknown; type?: string } | string;
}

function faultForStatus(status: number): ModelFault {
  if (status === 401 || status === 403) return 'AUTH';
  if (status === 429) return 'RATE_LIMITED';
  if (status >= 500) return 'UNAVAILABLE';
  return 'REJECTED';
}

/** The provider's own words for an error body, short enough for a log line and the message document. */
function errorText(body: string): string {
  try {
    const parsed = JSON.parse(body) as Chunk;
    const error = parsed.error;
    if (typeof error === 'string') return error.slice(0, 200);
    if (error?.message) return error.message.slice(0, 200);
  } catch {
    // not JSON: the text itself
  }
  return body.replace(/\s+/g, ' ').trim().slice(0, 200);
}

function usageOf(raw: Chunk['usage']): TokenUsage | null {
  if (!raw || typeof raw.prompt_tokens !== 'number') return null;
  const completion = raw.completion_tokens ?? 0;
  return {
    promptTokens: raw.prompt_tokens,
    completionTokens: completion,
    totalTokens: raw.total_tokens ?? raw.prompt_tokens + completion,
  };
}

/** Collects a turn from chunks: text deltas in order, tool calls merged by their index. */
class TurnBuilder {
  text = '';
  finishReason: string | null = null;
  usage: TokenUsage | null = null;
  private readonly calls = new Map<number, ToolCall>();

  constructor(private readonly onText?: (delta: string) => void) {}

  add(chunk: Chunk): void {
    if (chunk.error) {
      const message = typeof chunk.error === 'string' ? chunk.error : (chunk.error.message ?? 'unknown error');
      throw new ModelError('ERROR', `the model sent an error: ${message.slice(0, 200)}`);
    }
    if (chunk.usage) this.usage = usageOf(chunk.usage) ?? this.usage;
    const choice = chunk.choices?.[0];
    if (!choice) return;
    const part = choice.delta ?? choice.message;
    if (part?.content) {
      this.text += part.content;
      this.onText?.(part.content);
    }
    (part?.tool_calls ?? []).forEach((call, position) => {
      const index = 'index' in call && typeof call.index === 'number' ? call.index : position;
      const current = this.calls.get(index) ?? { id: '', name: '', arguments: '' };
      if (call.id) current.id = call.id;
      if (call.function?.name) current.name += call.function.name;
      if (call.function?.arguments) current.arguments += call.function.arguments;
      this.calls.set(index, current);
    });
    if (choice.finish_reason) this.finishReason = choice.finish_reason;
  }

  turn(): ModelTurn {
    const toolCalls = [...this.calls.entries()]
      .sort(([a], [b]) => a - b)
      .map(([index, call]) => ({ ...call, id: call.id || `call_${index}` }))
      .filter((call) => call.name !== '');
    return { text: this.text, toolCalls, finishReason: this.finishReason, usage: this.usage };
  }
}

/** Sends one streaming request and resolves with the whole turn, or rejects with a ModelError. */
export async function streamChat(
  config: ModelConfig,
  request: ModelRequest,
  options: StreamOptions = {},
): Promise<ModelTurn> {
  const controller = new AbortController();
  let timedOut = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  // One timer for connect, first byte and every silence: re-armed on each chunk.
  const arm = (): void => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, config.timeoutMs);
  };
  const onAbort = (): void => controller.abort();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  if (options.signal?.aborted) controller.abort();

  const why = (error: unknown, fallback: ModelFault, what: string): ModelError => {
    if (error instanceof ModelError) return error;
    if (options.signal?.aborted) return new ModelError('ABORTED', 'the request was aborted');
    if (timedOut) return new ModelError('TIMEOUT', `no answer from the model within ${config.timeoutMs} ms`);
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const detail = cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
    return new ModelError(fallback, `${what}: ${detail}`);
  };

  arm();
  try {
    let response: Response;
    try {
      response = await fetch(`${config.baseUrl}/chat/completions`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'text/event-stream',
          ...(config.apiKey ? { authorization: `Bearer ${config.apiKey}` } : {}),
        },
        body: JSON.stringify({
          model: config.model,
          messages: request.messages,
          stream: true,
          stream_options: { include_usage: true },
          max_tokens: request.maxTokens,
          ...(request.tools?.length ? { tools: request.tools } : {}),
        }),
        signal: controller.signal,
      });
    } catch (error) {
      throw why(error, 'UNAVAILABLE', 'the model could not be reached');
    }

    if (!response.ok) {
      const body = await response.text().catch(() => '');
      throw new ModelError(
        faultForStatus(response.status),
        `the model answered ${response.status}: ${errorText(body)}`,
        response.status,
      );
    }

    const builder = new TurnBuilder(options.onText);
    const type = response.headers.get('content-type') ?? '';
    if (!type.includes('text/event-stream')) {
      // A server that ignores `stream: true` answers with one JSON completion.
      const body = await response.text().catch((error: unknown) => {
        throw why(error, 'TRUNCATED', 'the connection broke');
      });
      try {
        builder.add(JSON.parse(body) as Chunk);
      } catch (error) {
        throw error instanceof ModelError ? error : new ModelError('ERROR', `not a completion: ${errorText(body)}`);
      }
      return builder.turn();
    }

    let done = false;
    let failure: ModelError | undefined;
    const parser = createParser({
      onEvent(event: EventSourceMessage) {
        if (done || failure) return;
        if (event.data.trim() === '[DONE]') {
          done = true;
          return;
        }
        if (event.event === 'error') {
          failure = new ModelError('ERROR', `the model sent an error: ${errorText(event.data)}`);
          return;
        }
        try {
          builder.add(JSON.parse(event.data) as Chunk);
        } catch (error) {
          failure =
            error instanceof ModelError ? error : new ModelError('ERROR', `not a chunk: ${event.data.slice(0, 120)}`);
        }
      },
    });
    const decoder = new TextDecoder();
    if (!response.body) throw new ModelError('ERROR', 'the model answered without a body');
    try {
      for await (const bytes of response.body) {
        arm();
        parser.feed(decoder.decode(bytes, { stream: true }));
        if (failure) throw failure;
        if (done) break;
      }
    } catch (error) {
      throw why(error, 'TRUNCATED', 'the connection broke mid-reply');
    }
    if (!done) throw new ModelError('TRUNCATED', 'the stream ended without [DONE]');
    return builder.turn();
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onAbort);
  }
}
