/** The chat's settings, read once from the function's environment variables. */

export interface ModelConfig {
  /** The OpenAI-compatible API root, e.g. https://api.deepseek.com/v1 (requests go to `/chat/completions`). */
  baseUrl: string;
  /** Sent as `Authorization: Bearer …`; empty for servers without keys (a local Ollama). */
  apiKey: string;
  model: string;
  /** Longest wait for the connection, the first byte, and any silence between chunks. */
  timeoutMs: number;
  /** Longest reply, in tokens (`max_tokens`). */
  maxTokens: number;
  /** The model's context window: prompt plus reply must fit. */
  contextTokens: number;
  /** Offer the todo tools; off for models without function calling. */
  tools: boolean;
}

/**
 * A reply's text is capped at this many characters per token of MODEL_MAX_TOKENS: about twice an
 * English token's four characters (a Chinese token is one or two), so a model that honours
 * max_tokens never reaches it, not even with text before a tool call; only one that ignores it does.
 */
export const CHARS_PER_TOKEN = 8;
/** ...and never above this, so a reply's document stays far below the database's request limit. */
export const REPLY_CHARS_CEILING = 200_000;

/** Characters (UTF-16 units) a reply may hold; reading the model stops past it (REPLY_TOO_LONG). */
export function replyCharLimit(maxTokens: number): number {
  return Math.min(maxTokens * CHARS_PER_TOKEN, REPLY_CHARS_CEILING);
}

export interface ChatConfig {
  /** Undefined when MODEL_BASE_URL or MODEL_NAME is not set: replies then fail before anything is stored. */
  model: ModelConfig | undefined;
  /** What is missing when `model` is undefined, for the error message and the log. */
  modelMissing?: string;
  systemPrompt: string;
  /** Model replies per user per day (Asia/Shanghai). */
  dailyLimit: number;
  /** Longest a reply may stream, also capped by the function's own time limit. */
  replyMaxMs: number;
  /** Partial text is written at most this often. */
  flushMs: number;
  /** How long an instance reuses the sensitive-word list before reading it again. */
  wordsTtlMs: number;
}

export const DEFAULT_SYSTEM_PROMPT = [
  '你是「四象限助手」，一个帮用户安排时间、管理待办的中文助理。回答简洁、友好，使用用户的语言。',
  '用户请你记下或提醒某事时，调用 add_todo 工具创建待办：按重要和紧急程度选择象限（q1 重要且紧急，q2 重要不紧急，q3 紧急不重要，q4 都不是），',
  '时间用带时区的 ISO 8601（如 2026-05-01T09:00:00+08:00），需要提醒时把 remindAt 设为提醒时间且不晚于 dueAt。',
  '用户问有什么待办或什么到期时，调用 list_todos 工具。',
].join('');

function int(env: Record<string, string | undefined>, key: string, fallback: number, min: number): number {
  const raw = env[key]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min)
    throw new Error(`${key} must be an integer of at least ${min}, got "${raw}"`);
  return value;
}

/** Reads the environment; a malformed number is an error at load, so a typo never passes silently. */
export function chatConfigFromEnv(env: Record<string, string | undefined>): ChatConfig {
  const baseUrl = env.MODEL_BASE_URL?.trim().replace(/\/+$/, '');
  const name = env.MODEL_NAME?.trim();
  const missing = !baseUrl ? 'MODEL_BASE_URL is not set' : !name ? 'MODEL_NAME is not set' : undefined;
  const model: ModelConfig | undefined =
    baseUrl && name
      ? {
          baseUrl,
          apiKey: env.MODEL_API_KEY?.trim() ?? '',
          model: name,
          timeoutMs: int(env, 'MODEL_TIMEOUT_MS', 30_000, 100),
          maxTokens: int(env, 'MODEL_MAX_TOKENS', 1024, 16),
          contextTokens: int(env, 'MODEL_CONTEXT_TOKENS', 8192, 256),
          tools: !/^(0|off|false|no)$/i.test(env.MODEL_TOOLS?.trim() ?? ''),
        }
      : undefined;
  return {
    model,
    ...(missing ? { modelMissing: missing } : {}),
    systemPrompt: env.CHAT_SYSTEM_PROMPT?.trim() || DEFAULT_SYSTEM_PROMPT,
    dailyLimit: int(env, 'CHAT_DAILY_LIMIT', 50, 0),
    replyMaxMs: int(env, 'CHAT_REPLY_MAX_MS', 55_000, 100),
    flushMs: int(env, 'CHAT_FLUSH_MS', 300, 10),
    wordsTtlMs: int(env, 'CHAT_WORDS_TTL_MS', 60_000, 0),
  };
}
