/**
 * One reply from the model, tool calls included: stream a turn; when the model asks for tools,
 * run them, hand back their results and stream the next turn, up to a few rounds (the last one
 * offers no tools, so the model must answer in words).
 */
import type { ChatCard, TokenUsage } from '../../typings/chat';
import type { ModelConfig } from './config';
import { streamChat, type ModelMessage, type ToolCall, type ToolSpec } from './model';
import type { ToolOutcome } from './tools';

const TOOL_ROUNDS = 3;

export interface GenerateInput {
  model: ModelConfig;
  messages: ModelMessage[];
  tools: ToolSpec[];
  signal: AbortSignal;
  /** The reply's whole visible text so far, after every piece. */
  onText(text: string): void;
  runTool(call: ToolCall): Promise<ToolOutcome>;
  /** A card from a tool (a todo created), as soon as it exists. */
  onCard(card: ChatCard): void;
}

export interface Generated {
  text: string;
  finishReason: string | null;
  usage: TokenUsage | null;
}

function add(a: TokenUsage | null, b: TokenUsage | null): TokenUsage | null {
  if (!a || !b) return a ?? b;
  return {
    promptTokens: a.promptTokens + b.promptTokens,
    completionTokens: a.completionTokens + b.completionTokens,
    totalTokens: a.totalTokens + b.totalTokens,
  };
}

/** Resolves with the finished reply; rejects with a ModelError (ABORTED when `signal` fired). */
export async function generate(input: GenerateInput): Promise<Generated> {
  const messages = [...input.messages];
  let before = '';
  let usage: TokenUsage | null = null;
  for (let round = 0; ; round++) {
    const tools = round < TOOL_ROUNDS ? input.tools : [];
    const prefix = before ? `${before}\n\n` : '';
    let current = '';
    const turn = await streamChat(
      input.model,
      { messages, maxTokens: input.model.maxTokens, ...(tools.length ? { tools } : {}) },
      {
        signal: input.signal,
        onText: (delta) => {
          current += delta;
          input.onText(prefix + current);
        },
      },
    );
    usage = add(usage, turn.usage);
    const text = turn.text ? prefix + turn.text : before;
    if (turn.toolCalls.length === 0 || tools.length === 0) {
      return { text, finishReason: turn.finishReason, usage };
    }
    messages.push({
      role: 'assistant',
      content: turn.text || null,
      tool_calls: turn.toolCalls.map((call) => ({
        id: call.id,
        type: 'function',
        function: { name: call.name, arguments: call.arguments },
      })),
    });
    for (const call of turn.toolCalls) {
      const outcome = await input.runTool(call);
      if (outcome.card) input.onCard(outcome.card);
      messages.push({ role: 'tool', tool_call_id: call.id, content: outcome.content });
    }
    before = text;
  }
}
