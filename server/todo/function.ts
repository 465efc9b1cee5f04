/** The `todo` cloud function: a user's own todos, and the subscription credits their reminders spend. */
import type { TodoListResult } from '../../typings/todo';
import { cursorField } from '../cursor';
import { isDuplicateWrite, type Database } from '../db';
import type { DeferredCalls } from '../deferred';
import { AppError } from '../errors';
import { defineFunction, type HandlerDeps } from '../handler';
import { keyedId, Requests } from '../requests';
import { docId, object, oneOf, optional, string } from '../schema';
import { newTodo, patchFor, quadrant, requireChange, todoDraftSchema, todoPatchSchema } from './rules';
import { listCursor, TodoStore, toTodo, type TodoDoc } from './store';

export interface TodoConfig {
  /** The subscription templates reminders are sent with; a credit for any other would never be spent. */
  templateIds: readonly string[];
}

/** Reads the function's environment: the same REMIND_TEMPLATE_ID the remind function sends with. */
export function todoConfigFromEnv(env: Record<string, string | undefined>): TodoConfig {
  const templateId = env.REMIND_TEMPLATE_ID?.trim();
  return { templateIds: templateId ? [templateId] : [] };
}

function notFound(): AppError {
  return new AppError('NOT_FOUND', 'No such todo.');
}

/** `deferred`: CloudBase's deferred invocation, with which a pending reminder is sent on its second. */
export function createTodo(deps: HandlerDeps & { db: Database; config: TodoConfig; deferred?: DeferredCalls }) {
  const log = deps.log ?? ((message: string, error?: unknown) => console.error(message, error ?? ''));
  const todos = new TodoStore(deps.db, log, deps.deferred);

  async function owned(openid: string, todoId: string): Promise<TodoDoc> {
    const doc = await todos.get(openid, todoId);
    if (!doc) throw notFound();
    return doc;
  }

  /** Writes `patch` and answers with the todo as it now is, or NOT_FOUND when it vanished meanwhile. */
  async function save(openid: string, doc: TodoDoc, patch: Partial<TodoDoc>) {
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
          cursor: cursorField(),
        }),
        async run({ quadrant, status, cursor }, { identity }): Promise<TodoListResult> {
          const after = listCursor.decode(cursor, 'cursor');
          const [page, counts] = await Promise.all([
            todos.list(identity.openid, { quadrant, status: status ?? 'all', after }),
            todos.openCounts(identity.openid),
          ]);
          return { ...page, counts };
        },
      },

      get: {
        schema: object({ id: docId() }),
        async run(request, { identity }) {
          return { todo: toTodo(await owned(identity.openid, request.id)) };
        },
      },

      create: {
        schema: todoDraftSchema(),
        idempotent: true,
        async run(draft, { identity, now, zone, requestKey }) {
          const doc = newTodo(identity.openid, draft, now, zone, requestKey ? keyedId(requestKey, 'todo') : undefined);
          try {
            await todos.insert(doc);
          } catch (error) {
            // A retry of a call whose invocation died after the insert: the todo it made is the answer.
            const made = requestKey && isDuplicateWrite(error) ? await todos.get(identity.openid, doc._id) : undefined;
            if (!made) throw error;
            return { todo: toTodo(made) };
          }
          return { todo: toTodo(doc) };
        },
      },

      update: {
        schema: todoPatchSchema(),
        idempotent: true,
        async run({ id: todoId, ...change }, { identity, now, zone }) {
          requireChange(change);
          const doc = await owned(identity.openid, todoId);
          return save(identity.openid, doc, patchFor(doc, change, now, zone));
        },
      },

      complete: {
        schema: object({ id: docId() }),
        idempotent: true,
        async run(request, { identity, now }) {
          const doc = await owned(identity.openid, request.id);
          if (doc.done) return { todo: toTodo(doc), next: null };
          return { ...(await save(identity.openid, doc, { done: true, doneAt: now, updatedAt: now })), next: null };
        },
      },

      reopen: {
        schema: object({ id: docId() }),
        async run(request, { identity, now }) {
          const doc = await owned(identity.openid, request.id);
          if (!doc.done) return { todo: toTodo(doc) };
          return save(identity.openid, doc, { done: false, doneAt: null, updatedAt: now });
        },
      },

      remove: {
        schema: object({ id: docId() }),
        idempotent: true,
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
    { ...deps, requests: new Requests(deps.db, log) },
  );
}
