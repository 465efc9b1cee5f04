/**
 * The assistant's tools (OpenAI `tools` / `tool_calls`, specs in tool-specs.ts): add a todo here,
 * the rest in todo-tools.ts. They run the `todo` function's own code: the same schemas, the same
 * rules across fields, the same service and store, for the user the conversation belongs to.
 */
import { addDays, instantOf, isoInZone, wallOf } from '../../shared/time';
import type { ChatCard, TodoCard } from '../../typings/chat';
import type { TodoDraft } from '../../typings/todo';
import { AppError } from '../errors';
import { check } from '../schema';
import { parseQuickAdd } from '../todo/parse/index';
import { firstOccurrence } from '../todo/repeat';
import { todoDraftSchema } from '../todo/rules';
import { TodoService } from '../todo/service';
import { toTodo, type TodoStore } from '../todo/store';
import type { ModelMessage, ToolCall } from './model';
import { answer, brief, type ToolOutcome, type ToolUser } from './tool-brief';
import { editTools } from './todo-tools';

export type { ToolOutcome, ToolUser };

export { TOOL_SPECS } from './tool-specs';

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
  const { todoId: id, title, quadrant, dueAt, remindAt, repeat } = card;
  return brief({ id, title, quadrant, dueAt, remindAt, repeat: repeat ?? null }, zone);
}

/**
 * What the model left as text, read as quick add reads it (the same parser as the Todos page): a
 * title with date or repeat words and no dueAt gets them as fields; a repeat without a dueAt starts
 * at its first occurrence, at 09:00 as quick add does for a day without a time.
 */
function understood(draft: TodoDraft, user: ToolUser): TodoDraft {
  let out = draft;
  if (!out.dueAt && !out.repeat) {
    const read = parseQuickAdd(out.title, { now: user.now, zone: user.zone });
    if (read.dueAt || read.repeat) {
      out = {
        ...out,
        title: read.title || out.title,
        dueAt: read.dueAt,
        ...(read.repeat ? { repeat: read.repeat } : {}),
        ...(!out.remindAt && read.remindAt ? { remindAt: read.remindAt } : {}),
      };
    }
  }
  if (out.repeat && !out.dueAt) {
    const start = { ...wallOf(user.now, user.zone), hour: 9, minute: 0, second: 0 };
    const first = firstOccurrence({ rule: out.repeat, start, zone: user.zone, after: user.now });
    if (first) out = { ...out, dueAt: first.toISOString() };
  }
  return out;
}

async function addTodo(
  args: Record<string, unknown>,
  todos: TodoStore,
  user: ToolUser,
  existing: readonly ChatCard[],
): Promise<ToolOutcome> {
  const parsed = check(todoDraftSchema(), args);
  if (!parsed.ok) return { content: answer({ ok: false, error: 'invalid arguments', fields: parsed.issues }) };
  const draft = understood(parsed.value, user);
  // A regenerated reply asking again for a todo its earlier version created gets that one back.
  const same = existing.find((card) => card.title === draft.title);
  if (same) return { content: answer({ ok: true, alreadyAdded: true, todo: briefOfCard(same, user.zone) }) };
  try {
    const todo = toTodo(await new TodoService(todos).create(user.openid, draft, user.now, user.zone));
    const card: ChatCard = {
      type: 'todo',
      todoId: todo.id,
      title: todo.title,
      quadrant: todo.quadrant,
      dueAt: todo.dueAt,
      remindAt: todo.remindAt,
      ...(todo.repeat ? { repeat: todo.repeat } : {}),
      ...(todo.steps.length ? { steps: todo.steps.map((step) => step.title) } : {}),
    };
    return { content: answer({ ok: true, todo: brief(todo, user.zone) }), card };
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    const past = Object.values(error.fields ?? {}).includes('is in the past');
    const suggestion = past ? nextSensible(draft.dueAt, draft.remindAt, user) : undefined;
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
  if (call.name === 'add_todo') return addTodo(args, todos, user, existing);
  const edit = Object.hasOwn(editTools, call.name) ? editTools[call.name] : undefined;
  if (!edit) return { content: answer({ ok: false, error: `no tool named ${call.name}` }) };
  return edit(args, new TodoService(todos), user);
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
