/** The `todo` cloud function: a user's own todos, and the subscription credits their reminders spend. */
import { randomBytes } from 'node:crypto';
import type { Todo, TodoDraft, TodoListResult } from '../typings/todo';
import type { Database } from './db';
import { AppError } from './errors';
import { defineFunction, type HandlerDeps } from './handler';
import { isoDate, nullable, object, oneOf, optional, string, type Issues, type Schema } from './schema';
import { QUADRANT_KEYS } from '../shared/quadrants';
import { decodeCursor, NO_DUE, reminderFields, Todos, toTodo, type TodoDoc } from './todos';

/** Our document ids (32 hex from the store, or CloudBase's) and nothing that could be an operator. */
const id = () => string({ min: 1, max: 64, pattern: /^[A-Za-z0-9_-]+$/ });
const title = () => string({ min: 1, max: 100, trim: true });
const note = () => string({ max: 1000, trim: true, multiline: true });
const quadrant = () => oneOf(QUADRANT_KEYS);
/**
 * Times stay ISO strings in the request (the contract's type, what the client sends); isoDate()
 * checks them, and `toDate` converts once validation passed.
 */
function isoString(): Schema<string> {
  const date = isoDate();
  return {
    parse: (value, path, issues) => (date.parse(value, path, issues) === undefined ? undefined : (value as string)),
  };
}
const when = () => optional(nullable(isoString()));

function toDate(value: string | null | undefined): Date | null | undefined {
  return value === undefined || value === null ? value : new Date(value);
}

/** Latest due time accepted: far enough for any plan, and below the "no due time" sort key. */
const LATEST = Date.UTC(2100, 0, 1);
/** A reminder set a little in the past still counts (the picker and the phone's clock are not exact). */
const PAST_GRACE_MS = 60_000;

function notFound(): AppError {
  return new AppError('NOT_FOUND', 'No such todo.');
}

/**
 * Rules across fields, checked on the todo as it would be after the call: a reminder needs a due
 * time, is not after it, and is not set in the past.
 */
function checkTimes(dueAt: Date | null, remindAt: Date | null, remindChanged: boolean, now: Date): void {
  const issues: Issues = {};
  if (dueAt && dueAt.getTime() >= LATEST) issues.dueAt = 'must be before 2100';
  if (remindAt) {
    if (!dueAt) issues.remindAt = 'needs a dueAt';
    else if (remindAt.getTime() > dueAt.getTime()) issues.remindAt = 'must not be after dueAt';
    else if (remindChanged && remindAt.getTime() < now.getTime() - PAST_GRACE_MS) issues.remindAt = 'is in the past';
  }
  if (Object.keys(issues).length > 0) {
    const summary = Object.entries(issues)
      .map(([field, reason]) => `${field} ${reason}`)
      .join('; ');
    throw new AppError('INVALID_ARGUMENT', summary, issues);
  }
}

/** What `create` accepts; the assistant's add_todo tool checks its arguments with the same schema. */
export function todoDraftSchema(): Schema<TodoDraft> {
  return object({
    title: title(),
    note: optional(note()),
    quadrant: quadrant(),
    dueAt: when(),
    remindAt: when(),
  });
}

/**
 * Stores a new todo from a draft that passed todoDraftSchema(), after the rules across fields:
 * the one way a todo is created, by the `todo` function and by the assistant alike.
 */
export async function createTodoFromDraft(todos: Todos, openid: string, draft: TodoDraft, now: Date): Promise<Todo> {
  const dueAt = toDate(draft.dueAt) ?? null;
  const remindAt = toDate(draft.remindAt) ?? null;
  checkTimes(dueAt, remindAt, true, now);
  const doc: TodoDoc = {
    _id: newId(),
    _openid: openid,
    title: draft.title,
    note: draft.note ?? '',
    quadrant: draft.quadrant,
    done: false,
    dueAt,
    sortDue: dueAt ?? NO_DUE,
    ...reminderFields(remindAt),
    createdAt: now,
    updatedAt: now,
    doneAt: null,
  };
  await todos.insert(doc);
  return toTodo(doc);
}

export interface TodoConfig {
  /** The subscription templates reminders are sent with; a credit for any other would never be spent. */
  templateIds: readonly string[];
}

/** Reads the function's environment: the same REMIND_TEMPLATE_ID the remind function sends with. */
export function todoConfigFromEnv(env: Record<string, string | undefined>): TodoConfig {
  const templateId = env.REMIND_TEMPLATE_ID?.trim();
  return { templateIds: templateId ? [templateId] : [] };
}

export function createTodo(deps: HandlerDeps & { db: Database; config: TodoConfig }) {
  const todos = new Todos(deps.db);

  async function owned(openid: string, todoId: string): Promise<TodoDoc> {
    const doc = await todos.get(openid, todoId);
    if (!doc) throw notFound();
    return doc;
  }

  /** Writes `patch` and answers with the todo as it now is, or NOT_FOUND when it vanished meanwhile. */
  async function save(openid: string, doc: TodoDoc, patch: Partial<TodoDoc>): Promise<{ todo: Todo }> {
    if (!(await todos.patch(openid, doc._id, patch))) throw notFound();
    return { todo: toTodo({ ...doc, ...patch }) };
  }

  return defineFunction(
    'todo',
    {
      list: {
        schema: object({
          quadrant: optional(quadrant()),
          status: optional(oneOf(['open', 'done', 'all'] as const)),
          cursor: optional(string({ min: 1, max: 256 })),
        }),
        async run({ quadrant, status, cursor }, { identity }): Promise<TodoListResult> {
          const after = cursor === undefined ? undefined : decodeCursor(cursor);
          if (cursor !== undefined && !after) {
            throw new AppError('INVALID_ARGUMENT', 'cursor is not one this function issued', {
              cursor: 'is not a cursor from a previous page',
            });
          }
          const [page, counts] = await Promise.all([
            todos.list(identity.openid, { quadrant, status: status ?? 'all', after }),
            todos.openCounts(identity.openid),
          ]);
          return { ...page, counts };
        },
      },

      get: {
        schema: object({ id: id() }),
        async run(request, { identity }) {
          return { todo: toTodo(await owned(identity.openid, request.id)) };
        },
      },

      create: {
        schema: todoDraftSchema(),
        run: async (draft, { identity, now }) => ({
          todo: await createTodoFromDraft(todos, identity.openid, draft, now),
        }),
      },

      update: {
        schema: object({
          id: id(),
          title: optional(title()),
          note: optional(note()),
          quadrant: optional(quadrant()),
          dueAt: when(),
          remindAt: when(),
        }),
        async run({ id: todoId, ...change }, { identity, now }) {
          if (Object.values(change).every((value) => value === undefined)) {
            throw new AppError('INVALID_ARGUMENT', 'Nothing to update.', { title: 'or another field is required' });
          }
          const doc = await owned(identity.openid, todoId);
          const dueAt = change.dueAt === undefined ? doc.dueAt : (toDate(change.dueAt) ?? null);
          // Clearing the due time clears the reminder it anchored.
          const remindAt =
            change.remindAt === undefined ? (dueAt ? doc.remindAt : null) : (toDate(change.remindAt) ?? null);
          const remindChanged =
            (remindAt?.getTime() ?? null) !== (doc.remindAt ? new Date(doc.remindAt).getTime() : null);
          checkTimes(dueAt, remindAt, remindChanged, now);
          const patch: Partial<TodoDoc> = { updatedAt: now };
          if (change.title !== undefined) patch.title = change.title;
          if (change.note !== undefined) patch.note = change.note;
          if (change.quadrant !== undefined) patch.quadrant = change.quadrant;
          if (change.dueAt !== undefined) {
            patch.dueAt = dueAt;
            patch.sortDue = dueAt ?? NO_DUE;
          }
          // A new reminder time is a new reminder: pending again, whatever the last one did.
          if (remindChanged) Object.assign(patch, reminderFields(remindAt));
          return save(identity.openid, doc, patch);
        },
      },

      complete: {
        schema: object({ id: id() }),
        async run(request, { identity, now }) {
          const doc = await owned(identity.openid, request.id);
          if (doc.done) return { todo: toTodo(doc) };
          return save(identity.openid, doc, { done: true, doneAt: now, updatedAt: now });
        },
      },

      reopen: {
        schema: object({ id: id() }),
        async run(request, { identity, now }) {
          const doc = await owned(identity.openid, request.id);
          if (!doc.done) return { todo: toTodo(doc) };
          return save(identity.openid, doc, { done: false, doneAt: null, updatedAt: now });
        },
      },

      remove: {
        schema: object({ id: id() }),
        async run(request, { identity }) {
          if (!(await todos.remove(identity.openid, request.id))) throw notFound();
          return { id: request.id };
        },
      },

      subscribe: {
        schema: object({ templateId: string({ min: 1, max: 128, pattern: /^[A-Za-z0-9_-]+$/ }) }),
        async run({ templateId }, { identity, now }) {
          if (!deps.config.templateIds.includes(templateId)) {
            throw new AppError('INVALID_ARGUMENT', `${templateId} is not a template reminders are sent with.`, {
              templateId: 'is not a configured reminder template',
            });
          }
          return { templateId, credits: await todos.addCredit(identity.openid, templateId, now) };
        },
      },
    },
    deps,
  );
}

/** 32 hex characters, the shape CloudBase gives `_id`s; chosen here so the reply needs no second read. */
function newId(): string {
  return randomBytes(16).toString('hex');
}
