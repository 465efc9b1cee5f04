/**
 * The assistant's tools (OpenAI `tools` / `tool_calls`): add a todo and list what is due. They
 * run the `todo` function's own code: the same draft schema, the same rules across fields, the
 * same repository, for the user the conversation belongs to.
 */
import { QUADRANT_KEYS } from '../../shared/quadrants';
import { addDays, instantOf, isoInZone, nextMidnight, wallOf } from '../../shared/time';
import type { ChatCard, TodoCard } from '../../typings/chat';
import type { Todo } from '../../typings/todo';
import { AppError } from '../errors';
import { check } from '../schema';
import { newTodo, todoDraftSchema } from '../todo/rules';
import { toTodo, type TodoStore } from '../todo/store';
import type { ModelMessage, ToolCall, ToolSpec } from './model';

/** Whose tools run, when, and in which zone they read "today" and write times. */
export interface ToolUser {
  openid: string;
  now: Date;
  zone: string;
}

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
          dueAt: {
            type: 'string',
            description:
              "Due time, ISO 8601 with the offset of the user's time now (the system prompt's), e.g. 2026-05-01T09:00:00+08:00.",
          },
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

/** A todo as the model reads it: times as the user's wall time with its offset. */
function brief(todo: Pick<Todo, 'id' | 'title' | 'quadrant' | 'dueAt' | 'remindAt'>, zone: string) {
  const modelTime = (iso: string | null): string | null => (iso ? isoInZone(Date.parse(iso), zone) : null);
  return {
    id: todo.id,
    title: todo.title,
    quadrant: todo.quadrant,
    dueAt: modelTime(todo.dueAt),
    remindAt: modelTime(todo.remindAt),
  };
}

/**
 * For a time already past: the same wall-clock time on the next day it is still ahead, due and
 * reminder kept as far apart as asked; what the model offers the person instead.
 */
function nextSensible(dueAt: string | undefined | null, remindAt: string | undefined | null, user: ToolUser) {
  const due = dueAt ? Date.parse(dueAt) : NaN;
  if (Number.isNaN(due)) return undefined;
  const lead = remindAt ? due - Date.parse(remindAt) : 0;
  const wall = wallOf(due, user.zone);
  for (let days = 1; days <= 366; days++) {
    const at = instantOf({ ...addDays(wall, days), hour: wall.hour, minute: wall.minute }, user.zone);
    if (at - lead > user.now.getTime()) {
      return {
        dueAt: isoInZone(at, user.zone),
        ...(remindAt ? { remindAt: isoInZone(at - lead, user.zone) } : {}),
      };
    }
  }
  return undefined;
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
function briefOfCard(card: TodoCard, zone: string) {
  return brief(
    { id: card.todoId, title: card.title, quadrant: card.quadrant, dueAt: card.dueAt, remindAt: card.remindAt },
    zone,
  );
}

async function addTodo(
  args: Record<string, unknown>,
  todos: TodoStore,
  user: ToolUser,
  existing: readonly ChatCard[],
): Promise<ToolOutcome> {
  const parsed = check(todoDraftSchema(), args);
  if (!parsed.ok) return { content: answer({ ok: false, error: 'invalid arguments', fields: parsed.issues }) };
  // A regenerated reply asking again for a todo its earlier version created gets that one back.
  const same = existing.find((card) => card.title === parsed.value.title);
  if (same) return { content: answer({ ok: true, alreadyAdded: true, todo: briefOfCard(same, user.zone) }) };
  try {
    const doc = newTodo(user.openid, parsed.value, user.now, user.zone);
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
    return { content: answer({ ok: true, todo: brief(todo, user.zone) }), card };
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    const past = Object.values(error.fields ?? {}).includes('is in the past');
    const suggestion = past ? nextSensible(parsed.value.dueAt, parsed.value.remindAt, user) : undefined;
    return {
      content: answer({
        ok: false,
        error: past ? 'past' : error.message,
        fields: error.fields,
        now: isoInZone(user.now.getTime(), user.zone),
        ...(suggestion ? { suggestion } : {}),
      }),
    };
  }
}

async function listTodos(args: Record<string, unknown>, todos: TodoStore, user: ToolUser): Promise<ToolOutcome> {
  const { openid, now, zone } = user;
  const scope = typeof args.scope === 'string' ? args.scope : 'open';
  const endOfToday = nextMidnight(now, zone);
  const limit: Record<string, number> = {
    open: Number.POSITIVE_INFINITY,
    today: endOfToday,
    // Six more calendar days in the user's zone, however long a DST change makes one of them.
    week: instantOf(addDays(wallOf(endOfToday, zone), 6), zone),
    overdue: now.getTime(),
  };
  if (!(scope in limit)) return { content: answer({ ok: false, error: `unknown scope ${scope}` }) };
  const { items } = await todos.list(openid, { status: 'open' });
  const due = items.filter((t) => scope === 'open' || (t.dueAt !== null && Date.parse(t.dueAt) <= limit[scope]));
  const list = due.map((todo) => brief(todo, zone));
  return { content: answer({ ok: true, now: isoInZone(now.getTime(), zone), scope, todos: list }) };
}

/**
 * Runs one tool call for `user`; a refusal (bad arguments, a rule) goes back to the model to fix,
 * a time already past with the next time that is not. `existing`: the cards the reply already
 * has, whose todos are not created twice.
 */
export async function runTool(
  call: ToolCall,
  todos: TodoStore,
  user: ToolUser,
  existing: readonly ChatCard[] = [],
): Promise<ToolOutcome> {
  const args = parseArguments(call.arguments);
  if (!args) return { content: answer({ ok: false, error: 'arguments must be a JSON object' }) };
  switch (call.name) {
    case 'add_todo':
      return addTodo(args, todos, user, existing);
    case 'list_todos':
      return listTodos(args, todos, user);
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
export function toolHistory(cards: readonly ChatCard[], zone: string): ModelMessage[] {
  if (cards.length === 0) return [];
  const calls = cards.map((card, i) => {
    const { id: _id, ...args } = briefOfCard(card, zone);
    return { id: `call_kept_${i}`, type: 'function' as const, function: { name: 'add_todo', arguments: answer(args) } };
  });
  return [
    { role: 'assistant', content: null, tool_calls: calls },
    ...cards.map((card, i): ModelMessage => ({
      role: 'tool',
      tool_call_id: calls[i].id,
      content: answer({ ok: true, todo: briefOfCard(card, zone) }),
    })),
  ];
}
