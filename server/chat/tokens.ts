/**
 * Token estimates for fitting a request into the model's context window. Each provider has its
 * own tokenizer (DeepSeek, Qwen, Hunyuan and Llama differ), so one exact tokenizer would be exact
 * for none; this estimate leans high for all of them instead: a CJK character as one token
 * (their tokenizers give 0.6–1), other non-ASCII as two, ASCII as one per three characters.
 */
import type { ModelMessage, ToolSpec } from './model';

/** What the chat format adds per message (role, separators), as OpenAI documents it. */
const PER_MESSAGE = 4;
/** Kept free of the window so an estimate a little low still fits. */
const SAFETY_SHARE = 0.05;

function isCjk(cp: number): boolean {
  return (
    (cp >= 0x3000 && cp <= 0x9fff) || // CJK punctuation, kana, unified ideographs
    (cp >= 0xac00 && cp <= 0xd7af) || // Hangul
    (cp >= 0xf900 && cp <= 0xfaff) || // compatibility ideographs
    (cp >= 0xff00 && cp <= 0xffef) || // full-width forms
    (cp >= 0x20000 && cp <= 0x2fa1f) // extension ideographs
  );
}

export function estimateTokens(text: string): number {
  let ascii = 0;
  let tokens = 0;
  for (const ch of text) {
    const cp = ch.codePointAt(0) ?? 0;
    if (cp < 0x80) ascii++;
    else tokens += isCjk(cp) ? 1 : 2;
  }
  return tokens + Math.ceil(ascii / 3);
}

export function messageTokens(message: ModelMessage): number {
  let text = message.content ?? '';
  if (message.role === 'assistant' && message.tool_calls) text += JSON.stringify(message.tool_calls);
  return PER_MESSAGE + estimateTokens(text);
}

export interface ContextPlan {
  /** system, the history that fits (oldest first), then the new turn's messages. */
  messages: ModelMessage[];
  /** Estimated prompt tokens. */
  promptTokens: number;
  /** History messages left out for room. */
  dropped: number;
}

/**
 * The newest history that fits beside the system prompt, the tools, the new messages and the
 * reply's `maxTokens`. Undefined when even the new messages alone do not fit: sending them would
 * only earn a refusal from the model.
 */
export function planContext(input: {
  system: string;
  history: ModelMessage[];
  turn: ModelMessage[];
  tools?: ToolSpec[];
  contextTokens: number;
  maxTokens: number;
}): ContextPlan | undefined {
  const system: ModelMessage = { role: 'system', content: input.system };
  const fixed =
    messageTokens(system) +
    input.turn.reduce((sum, m) => sum + messageTokens(m), 0) +
    (input.tools?.length ? estimateTokens(JSON.stringify(input.tools)) : 0);
  let room = Math.floor(input.contextTokens * (1 - SAFETY_SHARE)) - input.maxTokens - fixed;
  if (room < 0) return undefined;
  let start = input.history.length;
  let used = 0;
  while (start > 0) {
    const cost = messageTokens(input.history[start - 1]);
    if (cost > room) break;
    room -= cost;
    used += cost;
    start--;
  }
  // Some providers want the conversation to open with the user: never start on a reply.
  while (start < input.history.length && input.history[start].role !== 'user') {
    used -= messageTokens(input.history[start]);
    start++;
  }
  return {
    messages: [system, ...input.history.slice(start), ...input.turn],
    promptTokens: fixed + used,
    dropped: start,
  };
}
