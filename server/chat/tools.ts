/**
 * The assistant's tools (OpenAI `tools` / `tool_calls`): add a todo and list what is due. They
 * run the `todo` function's own code: the same draft schema, the same rules across fields, the
 * same repository, for the user the conversation belongs to.
 */
import { QUADRANT_KEYS } from '../../shared/quadrants';
import { nextShanghaiMidnight, shanghaiIso } from '../../shared/time';
import type { ChatCard, TodoCard } from '../../typings/chat';
import type { Todo } from '../../typings/todo';
import { AppError } from '../errors';
import { check } from '../schema';
import { newTodo, todoDraftSchema } from '../todo/rules';
import { toTodo, type TodoStore } from '../todo/store';
import type { ModelMessage, ToolCall, ToolSpec } from './model';

/** An instant as the model reads and writes times: Shanghai wall time with its offset. */
const modelTime = (iso: string): string => shanghaiIso(Date.parse(iso));

export const TOOL_SPECS: ToolSpec[] = [
  {
    type: 'function',
    function: {
      name: 'add_todo',
      description:
        'Create a todo for the user, optionally with a due time and a reminder (a WeChat message at remindAt).',
      parameters: {
        type: 'object',
        properties: {
          title: { type: 'string', description: 'What to do, at most 100 characters.' },
          quadrant: {
            type: 'string',
            enum: QUADRANT_KEYS,
            description: 'q1 important and urgent; q2 important, not urgent; q3 urgent, not important; q4 neither.',
          },
          dueAt: { type: 'string', description: 'Due time, ISO 8601 with offset, e.g. 2026-05-01T09:00:00+08:00.' },
          remindAt: { type: 'string', description: 'When to remind, ISO 8601 with offset; needs dueAt, not after it.' },
          note: { type: 'string', description: 'Optional details, at most 1000 characters.' },
        },
        required: ['title', 'quadrant'],
      },
    },
  },
  {
    type: 'function',
    function: {
      name: 'list_todos',
      description: "List the user's open todos, soonest due first.",
      parameters: {
        type: 'object',
        properties: {
          scope: {
            type: 'string',
            enum: ['open', 'today', 'week', 'overdue'],
            description: 'open: all open todos; today / week: due by the end of today / of the next 7 days; overdue.',
          },
        },
      },
    },
  },
];

export interface ToolOutcome {
  /** What the model reads back (JSON text). */
  content: string;
  card?: ChatCard;
}

function brief(todo: Pick<Todo, 'id' | 'title' | 'quadrant' | 'dueAt' | 'remindAt'>) {
  return {
    id: todo.id,
    title: todo.title,
    quadrant: todo.quadrant,
    dueAt: todo.dueAt ? modelTime(todo.dueAt) : null,
    remindAt: todo.remindAt ? modelTime(todo.remindAt) : null,
  };
}

const answer = (value: object): string => JSON.stringify(value);

function parseArguments(text: string): Record<string, unknown> | undefined {
  try {
    const value = JSON.parse(text || '{}') as unknown;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
    // Models write null for "not given"; the schema's absent is the same thing.
    return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null));
  } catch {
    return undefined;
  }
}

/** What the model reads of a todo a card stands for (the card holds what it needs). */
function briefOfCard(card: TodoCard) {
  return brief({
    id: card.todoId,
    title: card.title,
    quadrant: card.quadrant,
    dueAt: card.dueAt,
    remindAt: card.remindAt,
  });
}

async function addTodo(
  args: Record<string, unknown>,
  todos: TodoStore,
  openid: string,
  now: Date,
  existing: readonly ChatCard[],
): Promise<ToolOutcome> {
  const parsed = check(todoDraftSchema(), args);
  if (!parsed.ok) return { content: answer({ ok: false, error: 'invalid arguments', fields: parsed.issues }) };
  // A regenerated reply asking again for a todo its earlier version created gets that one back.
  const same = existing.find((card) => card.title === parsed.value.title);
  if (same) return { content: answer({ ok: true, alreadyAdded: true, todo: briefOfCard(same) }) };
  try {
    const doc = newTodo(openid, parsed.value, now);
    await todos.insert(doc);
    const todo = toTodo(doc);
    const card: ChatCard = {
      type: 'todo',
      todoId: todo.id,
      title: todo.title,
      quadrant: todo.quadrant,
      dueAt: todo.dueAt,
      remindAt: todo.remindAt,
    };
    return { content: answer({ ok: true, todo: brief(todo) }), card };
  } catch (error) {
    if (error instanceof AppError)
      return { content: answer({ ok: false, error: error.message, fields: error.fields }) };
    throw error;
  }
}

async function listTodos(
  args: Record<string, unknown>,
  todos: TodoStore,
  openid: string,
  now: Date,
): Promise<ToolOutcome> {
  const scope = typeof args.scope === 'string' ? args.scope : 'open';
  const endOfToday = nextShanghaiMidnight(now.getTime());
  const limit: Record<string, number> = {
    open: Number.POSITIVE_INFINITY,
    today: endOfToday,
    week: endOfToday + 6 * 86_400_000,
    overdue: now.getTime(),
  };
  if (!(scope in limit)) return { content: answer({ ok: false, error: `unknown scope ${scope}` }) };
  const { items } = await todos.list(openid, { status: 'open' });
  const due = items.filter((t) => scope === 'open' || (t.dueAt !== null && Date.parse(t.dueAt) <= limit[scope]));
  return { content: answer({ ok: true, now: shanghaiIso(now.getTime()), scope, todos: due.map(brief) }) };
}

/**
 * Runs one tool call for `openid`; a refusal (bad arguments, a rule) goes back to the model to fix.
 * `existing`: the cards the reply already has, whose todos are not created twice.
 */
export async function runTool(
  call: ToolCall,
  todos: TodoStore,
  openid: string,
  now: Date,
  existing: readonly ChatCard[] = [],
): Promise<ToolOutcome> {
  const args = parseArguments(call.arguments);
  if (!args) return { content: answer({ ok: false, error: 'arguments must be a JSON object' }) };
  switch (call.name) {
    case 'add_todo':
      return addTodo(args, todos, openid, now, existing);
    case 'list_todos':
      return listTodos(args, todos, openid, now);
    default:
      return { content: answer({ ok: false, error: `no tool named ${call.name}` }) };
  }
}

/** The cards whose todos still exist (one the person undid is gone, and may be asked for again). */
export async function keptCards(todos: TodoStore, openid: string, cards: readonly ChatCard[]): Promise<ChatCard[]> {
  const found = await Promise.all(cards.map((card) => todos.get(openid, card.todoId)));
  return cards.filter((_, i) => found[i] !== undefined);
}

/**
 * The tool calls that created `cards` and their results, as the model would have seen them: a
 * regenerated reply continues after them, so it words the answer again without acting again.
 */
export function toolHistory(cards: readonly ChatCard[]): ModelMessage[] {
  if (cards.length === 0) return [];
  const calls = cards.map((card, i) => {
    const { id: _id, ...args } = briefOfCard(card);
    return { id: `call_kept_${i}`, type: 'function' as const, function: { name: 'add_todo', arguments: answer(args) } };
  });
  return [
    { role: 'assistant', content: null, tool_calls: calls },
    ...cards.map((card, i): ModelMessage => ({
      role: 'tool',
      tool_call_id: calls[i].id,
      content: answer({ ok: true, todo: briefOfCard(card) }),
    })),
  ];
}
