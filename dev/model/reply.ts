/**
 * What the local dev model says: rules, not a model. It answers in the user's language, says
 * plainly what it is and how to configure a real model, and drives the todo tools the way a real
 * model would: "明天上午9点提醒我交报告" (or "remind me to … tomorrow at 9am") becomes an
 * add_todo call; "我有哪些待办" (or "what's due") a list_todos call; a tool's result becomes a
 * sentence.
 */

import { EN_REPEAT_WORDS, repeatInWords, ZH_REPEAT_WORDS } from '../../shared/repeat-words';
import { addDays, DEFAULT_ZONE, instantOf, isoInZone, wallOf, zoneOrDefault } from '../../shared/time';
import { parseQuickAdd } from '../../server/todo/parse/index';

export interface DevMessage {
  role: string;
  content?: string | null;
  tool_calls?: Array<{ function?: { name?: string } }>;
}

export type Plan =
  | { kind: 'text'; text: string }
  | { kind: 'tool'; name: 'add_todo' | 'list_todos' | 'plan_today'; arguments: Record<string, unknown> };

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

/** A request as quick add reads it (the product's own parser), in the user's zone. */
type Read = ReturnType<typeof parseQuickAdd>;
const read = (text: string, now: number, zone: string): Read => parseQuickAdd(text, { now: new Date(now), zone });

/** The instant a request names; tomorrow 09:00 on the user's wall clock when it names none. */
function whenOf({ dueAt }: Read, now: number, zone: string): number {
  if (dueAt) return Date.parse(dueAt);
  const today = wallOf(now, zone);
  return instantOf({ year: today.year, month: today.month, day: today.day + 1, hour: 9, minute: 0 }, zone);
}

/** What to do: the title quick add left, without the words that asked for a todo. */
function titleOf({ title }: Read, zh: boolean): string {
  const what = title
    .replace(/^(?:记得|添加待办|加个待办)[：:，,\s]*/, '')
    .replace(/^(?:add (?:a )?todo(?: to)?|remind me(?: to)?)\b[:,\s]*/i, '')
    .replace(/^(?:要|去|to)\s+/i, '')
    .replace(/[。.!！?？，,\s]+$/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  return [...what].slice(0, 100).join('') || (zh ? '待办事项' : 'Todo');
}

/** The instant a message names, on the user's wall clock; tomorrow 09:00 when it names none. */
export const parseWhen = (text: string, now: number, zone = DEFAULT_ZONE): number =>
  whenOf(read(text, now, zone), now, zone);

/** What to do, cut out of the request: "明天上午9点提醒我交报告" → "交报告". */
export const parseTitle = (text: string, now = Date.now(), zone = DEFAULT_ZONE): string =>
  titleOf(read(text, now, zone), hasChinese(text));

const WANTS_PLAN =
  /先做什么|先干什么|今天.{0,4}(计划|安排)|what should i do (?:first|today)|\bplan (?:for )?(?:my )?today\b/i;
const WANTS_REMINDER = /提醒我|记得|添加待办|加个待办|\bremind me\b|\badd (?:a )?todo\b/i;
const WANTS_LIST =
  /(有什么|有哪些|哪些|列出|看看|查看).*(待办|任务|到期)|待办.*(有什么|哪些)|what'?s due|\blist (?:my )?todos\b|\bmy todos\b/i;

function intro(said: string, zh: boolean): string {
  return zh
    ? [
        `你好！我是本地开发模型，不是真正的 AI：我按固定规则回答，用来在本地试用流式回复和待办工具。`,
        `你刚才说：「${said}」`,
        `接入真正的模型：在 .env 里设置 MODEL_BASE_URL、MODEL_API_KEY 和 MODEL_NAME（例如 DeepSeek：MODEL_BASE_URL=https://api.deepseek.com/v1，MODEL_NAME=deepseek-chat），然后重新运行 npm start。docs/models.md 里还有通义千问、混元和 Ollama 的例子。`,
        `试试说「明天上午9点提醒我交报告」或「每周一提醒我交周报」，我会用 add_todo 工具创建带提醒的待办；说「我有哪些待办」，我会用 list_todos 列出来；问「今天先做什么？」，我会用 plan_today 排出今天的顺序。`,
      ].join('\n\n')
    : [
        `Hello! I am the local dev model, not a real AI: I answer by fixed rules, so you can try streaming replies and the todo tools locally.`,
        `You said: "${said}"`,
        `To use a real model, set MODEL_BASE_URL, MODEL_API_KEY and MODEL_NAME in .env (for DeepSeek: MODEL_BASE_URL=https://api.deepseek.com/v1, MODEL_NAME=deepseek-chat) and run npm start again. docs/models.md has examples for Qwen, Hunyuan and Ollama too.`,
        `Try "remind me to send the report tomorrow at 9am" or "remind me to send the weekly report every Monday": I will call the add_todo tool to create a todo with a reminder. "What's due?" calls list_todos; "What should I do first today?" calls plan_today.`,
      ].join('\n\n');
}

interface TodoBrief {
  title?: string;
  dueAt?: string | null;
  remindAt?: string | null;
  repeat?: string;
  why?: 'overdue' | 'today' | 'later';
}

interface ToolResult {
  ok?: boolean;
  error?: string;
  todo?: TodoBrief;
  todos?: TodoBrief[];
  plan?: TodoBrief[];
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
    const { title, dueAt, remindAt, repeat } = result.todo;
    const when = remindAt ?? dueAt;
    const rule = repeat ? repeatInWords(repeat, zh ? ZH_REPEAT_WORDS : EN_REPEAT_WORDS) : '';
    if (zh) {
      const times = rule
        ? `，${rule}，第一次在 ${label(when ?? '', true, zone)}`
        : when
          ? `，${label(when, true, zone)} 提醒你`
          : '';
      return `好的，已添加待办「${title}」${times}。（本地开发模型）`;
    }
    const times = rule
      ? `, ${rule}, first at ${label(when ?? '', false, zone)}`
      : when
        ? `, with a reminder at ${label(when, false, zone)}`
        : '';
    return `Done: added "${title}"${times}. (local dev model)`;
  }
  if (result.plan) return planSentence(result.plan, zh, zone);
  const todos = result.todos ?? [];
  if (todos.length === 0) return zh ? '没有符合的待办。（本地开发模型）' : 'Nothing is due. (local dev model)';
  const lines = todos.map((t) => `- ${t.title}${t.dueAt ? ` (${label(t.dueAt, zh, zone)})` : ''}`);
  return `${zh ? '你的待办：' : 'Your todos:'}\n${lines.join('\n')}\n${zh ? '（本地开发模型）' : '(local dev model)'}`;
}

/** plan_today's order as a numbered list, each with why it is there. */
function planSentence(plan: readonly TodoBrief[], zh: boolean, zone: string): string {
  if (plan.length === 0)
    return zh ? '今天没有待办，好好休息。（本地开发模型）' : 'Nothing to do today. (local dev model)';
  const why = (item: TodoBrief): string =>
    item.why === 'overdue'
      ? zh
        ? '，已过期'
        : ', overdue'
      : item.why === 'today' && item.dueAt
        ? zh
          ? `，今天 ${label(item.dueAt, true, zone).split(' ')[1]} 到期`
          : `, due today at ${label(item.dueAt, false, zone).split(', ')[1]}`
        : '';
  const lines = plan.map((item, index) => `${index + 1}. ${item.title ?? ''}${why(item)}`);
  return `${zh ? '今天先做这些：' : 'Today, in this order:'}\n${lines.join('\n')}\n${zh ? '（本地开发模型）' : '(local dev model)'}`;
}

/** Decides the next turn from the conversation so far and the tools the request offers. */
export function plan(messages: readonly DevMessage[], tools: readonly string[], now: number): Plan {
  const last = messages.at(-1);
  const said = [...messages].reverse().find((m) => m.role === 'user')?.content ?? '';
  const zh = hasChinese(said);
  const zone = promptZone(messages);
  if (last?.role === 'tool') return { kind: 'text', text: afterTool(last.content ?? '', zh, zone, now) };
  if (WANTS_PLAN.test(said) && tools.includes('plan_today')) return { kind: 'tool', name: 'plan_today', arguments: {} };
  if (WANTS_REMINDER.test(said) && tools.includes('add_todo')) {
    // One reading of the request for its time, title and repeat.
    const request = read(said, now, zone);
    const at = whenOf(request, now, zone);
    const { repeat } = request;
    return {
      kind: 'tool',
      name: 'add_todo',
      arguments: {
        title: titleOf(request, zh),
        // Due within a day: urgent as well as important.
        quadrant: at - now <= DAY ? 'q1' : 'q2',
        dueAt: isoInZone(at, zone),
        remindAt: isoInZone(at, zone),
        ...(repeat ? { repeat } : {}),
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
