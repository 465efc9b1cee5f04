/**
 * What the local dev model says: rules, not a model. It answers in the user's language, says
 * plainly what it is and how to configure a real model, and drives the todo tools the way a real
 * model would: "明天上午9点提醒我交报告" (or "remind me to … tomorrow at 9am") becomes an
 * add_todo call; "我有哪些待办" (or "what's due") a list_todos call; a tool's result becomes a
 * sentence.
 */

import { addDays, DEFAULT_ZONE, instantOf, isoInZone, wallOf, zoneOrDefault } from '../../shared/time';

export interface DevMessage {
  role: string;
  content?: string | null;
  tool_calls?: Array<{ function?: { name?: string } }>;
}

export type Plan =
  | { kind: 'text'; text: string }
  | { kind: 'tool'; name: 'add_todo' | 'list_todos'; arguments: Record<string, unknown> };

const HOUR = 3600_000;
const DAY = 24 * HOUR;

const hasChinese = (text: string): boolean => /[\u3400-\u9fff]/.test(text);

/** The zone the chat function's system prompt names ("现在是 …（America/Los_Angeles）。"); Asia/Shanghai without one. */
export function promptZone(messages: readonly DevMessage[]): string {
  const system = messages.find((m) => m.role === 'system')?.content ?? '';
  return zoneOrDefault(/现在是 \S+（([^）]+)）/.exec(system)?.[1]);
}

/** "5月1日 09:00" / "May 1, 09:00" in the user's zone, for the sentences. */
function label(iso: string, zh: boolean, zone: string): string {
  const d = wallOf(Date.parse(iso), zone);
  const time = `${String(d.hour).padStart(2, '0')}:${String(d.minute).padStart(2, '0')}`;
  const month = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][d.month - 1];
  return zh ? `${d.month}月${d.day}日 ${time}` : `${month} ${d.day}, ${time}`;
}

const CN_DIGITS: Record<string, number> = {
  零: 0,
  一: 1,
  二: 2,
  两: 2,
  三: 3,
  四: 4,
  五: 5,
  六: 6,
  七: 7,
  八: 8,
  九: 9,
};

/** 1–59 in digits or Chinese numerals (九, 十, 十一, 二十三). */
function number(text: string): number {
  if (/^\d+$/.test(text)) return Number(text);
  const [tens, ones] = text.includes('十') ? text.split('十') : ['', text];
  return (text.includes('十') ? (CN_DIGITS[tens] ?? 1) * 10 : 0) + (CN_DIGITS[ones] ?? 0);
}

const CN_NUM = '(\\d{1,2}|[零一二两三四五六七八九十]{1,3})';
const ZH_TIME = new RegExp(
  `(今天|明天|后天)?\\s*(早上|上午|中午|下午|傍晚|晚上)?\\s*${CN_NUM}点(半|${CN_NUM}分)?|${CN_NUM}(分钟|个?小时)后|今天|明天|后天`,
  'g',
);
const EN_TIME =
  /\b(today|tomorrow)\b|\bat\s+(\d{1,2})(?::(\d{2}))?\s*(am|pm)?\b|\bin\s+(\d{1,3})\s+(minutes?|hours?)\b/gi;

/** The instant a message names, on the user's wall clock; tomorrow 09:00 when it names none. */
export function parseWhen(text: string, now: number, zone = DEFAULT_ZONE): number {
  const today = wallOf(now, zone);
  const at = (days: number, hour: number, minute: number): number =>
    instantOf({ year: today.year, month: today.month, day: today.day + days, hour, minute }, zone);
  let day: number | undefined;
  let hour: number | undefined;
  let minute = 0;
  const relative =
    /(\d{1,3}|[零一二两三四五六七八九十]{1,3})\s*(分钟|个?小时)后|\bin\s+(\d{1,3})\s+(minutes?|hours?)\b/i.exec(text);
  if (relative) {
    const amount = number(relative[1] ?? relative[3]);
    const unit = relative[2] ?? relative[4];
    return Math.ceil((now + amount * (/分|min/i.test(unit) ? 60_000 : HOUR)) / 60_000) * 60_000;
  }
  if (/后天/.test(text)) day = 2;
  else if (/明天|\btomorrow\b/i.test(text)) day = 1;
  else if (/今天|\btoday\b/i.test(text)) day = 0;
  const zh = new RegExp(`(早上|上午|中午|下午|傍晚|晚上)?\\s*${CN_NUM}点(半|${CN_NUM}分)?`).exec(text);
  const en = /\bat\s+(\d{1,2})(?::(\d{2}))?\s*(am|pm)?\b/i.exec(text);
  if (zh) {
    hour = number(zh[2]);
    minute = zh[3] === '半' ? 30 : zh[4] ? number(zh[4]) : 0;
    if (/下午|傍晚|晚上/.test(zh[1] ?? '') && hour < 12) hour += 12;
    if (zh[1] === '中午' && hour < 6) hour += 12;
  } else if (en) {
    hour = Number(en[1]);
    minute = en[2] ? Number(en[2]) : 0;
    if (en[3]?.toLowerCase() === 'pm' && hour < 12) hour += 12;
    if (en[3]?.toLowerCase() === 'am' && hour === 12) hour = 0;
  }
  if (day === undefined && hour === undefined) return at(1, 9, 0);
  const named = at(day ?? 0, hour ?? 9, minute);
  // "9点" said after nine today means tomorrow's.
  return day === undefined && named <= now ? at(1, hour ?? 9, minute) : named;
}

/** What to do, cut out of the request: "明天上午9点提醒我交报告" → "交报告". */
export function parseTitle(text: string): string {
  const zh = hasChinese(text);
  let title = zh
    ? (/(?:提醒我|记得|添加待办|加个待办)[：:，,\s]*(.+)$/.exec(text)?.[1] ?? text)
    : (/\b(?:remind me to|remind me|add (?:a )?todo(?: to)?)\b[:,\s]*(.+)$/i.exec(text)?.[1] ?? text);
  title = title.replace(zh ? ZH_TIME : EN_TIME, ' ');
  title = title
    .replace(/^(?:要|去|to)\s+/i, '')
    .replace(/[。.!！?？，,\s]+$/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  return [...title].slice(0, 100).join('') || (zh ? '待办事项' : 'Todo');
}

const WANTS_REMINDER = /提醒我|记得|添加待办|加个待办|\bremind me\b|\badd (?:a )?todo\b/i;
const WANTS_LIST =
  /(有什么|有哪些|哪些|列出|看看|查看).*(待办|任务|到期)|待办.*(有什么|哪些)|what'?s due|\blist (?:my )?todos\b|\bmy todos\b/i;

function intro(said: string, zh: boolean): string {
  return zh
    ? [
        `你好！我是本地开发模型，不是真正的 AI：我按固定规则回答，用来在本地试用流式回复和待办工具。`,
        `你刚才说：「${said}」`,
        `接入真正的模型：在 .env 里设置 MODEL_BASE_URL、MODEL_API_KEY 和 MODEL_NAME（例如 DeepSeek：MODEL_BASE_URL=https://api.deepseek.com/v1，MODEL_NAME=deepseek-chat），然后重新运行 npm start。docs/models.md 里还有通义千问、混元和 Ollama 的例子。`,
        `试试说「明天上午9点提醒我交报告」，我会用 add_todo 工具创建带提醒的待办；说「我有哪些待办」，我会用 list_todos 列出来。`,
      ].join('\n\n')
    : [
        `Hello! I am the local dev model, not a real AI: I answer by fixed rules, so you can try streaming replies and the todo tools locally.`,
        `You said: "${said}"`,
        `To use a real model, set MODEL_BASE_URL, MODEL_API_KEY and MODEL_NAME in .env (for DeepSeek: MODEL_BASE_URL=https://api.deepseek.com/v1, MODEL_NAME=deepseek-chat) and run npm start again. docs/models.md has examples for Qwen, Hunyuan and Ollama too.`,
        `Try "remind me to send the report tomorrow at 9am": I will call the add_todo tool to create a todo with a reminder. "What's due?" calls list_todos.`,
      ].join('\n\n');
}

interface TodoBrief {
  title?: string;
  dueAt?: string | null;
  remindAt?: string | null;
}

interface ToolResult {
  ok?: boolean;
  error?: string;
  todo?: TodoBrief;
  todos?: TodoBrief[];
  suggestion?: { dueAt?: string; remindAt?: string };
}

/** How to ask again for `iso`, in words this model understands ("明天8点提醒我…"), when it is tomorrow. */
function askAgain(iso: string, zh: boolean, zone: string, now: number): string {
  const at = wallOf(Date.parse(iso), zone);
  const today = wallOf(now, zone);
  const tomorrow = addDays(today, 1);
  if (at.year !== tomorrow.year || at.month !== tomorrow.month || at.day !== tomorrow.day) return '';
  const time = `${at.hour}点${at.minute ? `${at.minute}分` : ''}`;
  return zh
    ? `说「明天${time}提醒我…」就好。`
    : `Say "remind me to … tomorrow at ${at.hour}:${String(at.minute).padStart(2, '0')}".`;
}

/** Why a tool refused, in the user's words: never the tool's own (English) text. */
function refusal(result: ToolResult, zh: boolean, zone: string, now: number): string {
  const next = result.suggestion?.remindAt ?? result.suggestion?.dueAt;
  if (result.error === 'past') {
    if (!next)
      return zh ? '这个时间已经过去了，没有添加。请换一个以后的时间。' : 'That time has passed, so nothing was added.';
    const offer = label(next, zh, zone);
    const again = askAgain(next, zh, zone, now);
    return zh
      ? `这个时间已经过去了，没有添加。要改到 ${offer} 吗？${again}`
      : `That time has already passed, so nothing was added. Shall I use ${offer} instead? ${again}`;
  }
  return zh ? '抱歉，没能完成，请换个说法再试。' : 'Sorry, that did not work. Please try saying it another way.';
}

/** A sentence for a tool's result (JSON the chat function sent back). */
function afterTool(content: string, zh: boolean, zone: string, now: number): string {
  let result: ToolResult = {};
  try {
    result = JSON.parse(content) as ToolResult;
  } catch {
    // not JSON: a refusal below
  }
  if (!result.ok) return `${refusal(result, zh, zone, now).trim()}${zh ? '（本地开发模型）' : ' (local dev model)'}`;
  if (result.todo) {
    const { title, dueAt, remindAt } = result.todo;
    const when = remindAt ?? dueAt;
    if (zh) return `好的，已添加待办「${title}」${when ? `，${label(when, true, zone)} 提醒你` : ''}。（本地开发模型）`;
    return `Done: added "${title}"${when ? `, with a reminder at ${label(when, false, zone)}` : ''}. (local dev model)`;
  }
  const todos = result.todos ?? [];
  if (todos.length === 0) return zh ? '没有符合的待办。（本地开发模型）' : 'Nothing is due. (local dev model)';
  const lines = todos.map((t) => `- ${t.title}${t.dueAt ? ` (${label(t.dueAt, zh, zone)})` : ''}`);
  return `${zh ? '你的待办：' : 'Your todos:'}\n${lines.join('\n')}\n${zh ? '（本地开发模型）' : '(local dev model)'}`;
}

/** Decides the next turn from the conversation so far and the tools the request offers. */
export function plan(messages: readonly DevMessage[], tools: readonly string[], now: number): Plan {
  const last = messages.at(-1);
  const said = [...messages].reverse().find((m) => m.role === 'user')?.content ?? '';
  const zh = hasChinese(said);
  const zone = promptZone(messages);
  if (last?.role === 'tool') return { kind: 'text', text: afterTool(last.content ?? '', zh, zone, now) };
  if (WANTS_REMINDER.test(said) && tools.includes('add_todo')) {
    const at = parseWhen(said, now, zone);
    return {
      kind: 'tool',
      name: 'add_todo',
      arguments: {
        title: parseTitle(said),
        // Due within a day: urgent as well as important.
        quadrant: at - now <= DAY ? 'q1' : 'q2',
        dueAt: isoInZone(at, zone),
        remindAt: isoInZone(at, zone),
      },
    };
  }
  if (WANTS_LIST.test(said) && tools.includes('list_todos')) {
    const scope = /今天|today/i.test(said)
      ? 'today'
      : /这周|本周|this week/i.test(said)
        ? 'week'
        : /过期|逾期|overdue/i.test(said)
          ? 'overdue'
          : 'open';
    return { kind: 'tool', name: 'list_todos', arguments: { scope } };
  }
  return { kind: 'text', text: intro(said.trim(), zh) };
}
