/** The `todo` cloud function: a user's own todos, and the subscription credits their reminders spend. */
import { QUICK_ADD_MAX } from '../../shared/limits';
import type { TodoListResult } from '../../typings/todo';
import { cursorField } from '../cursor';
import type { Database } from '../db';
import { AppError } from '../errors';
import { defineFunction, type HandlerDeps } from '../handler';
import { keyedId, Requests } from '../requests';
import { array, boolean, docId, object, oneOf, optional, string } from '../schema';
import { Credits } from './credits';
import { parseQuickAdd } from './parse/index';
import { quadrant, todoDraftSchema, todoPatchSchema } from './rules';
import { TodoService } from './service';
import { listCursor, TodoStore, toTodo } from './store';

export interface TodoConfig {
  /** The subscription templates reminders are sent with; a credit for any other would never be spent. */
  templateIds: readonly string[];
}

/** Reads the function's environment: the same REMIND_TEMPLATE_ID the remind function sends with. */
export function todoConfigFromEnv(env: Record<string, string | undefined>): TodoConfig {
  const templateId = env.REMIND_TEMPLATE_ID?.trim();
  return { templateIds: templateId ? [templateId] : [] };
}

const QUICK_ADD_KINDS = ['due', 'repeat', 'remind'] as const;

export function createTodo(deps: HandlerDeps & { db: Database; config: TodoConfig }) {
  const log = deps.log ?? ((message: string, error?: unknown) => console.error(message, error ?? ''));
  const todos = new TodoStore(deps.db, log);
  const service = new TodoService(todos);
  const credits = new Credits(deps.db);

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
          return { todo: toTodo(await service.owned(identity.openid, request.id)) };
        },
      },

      create: {
        schema: todoDraftSchema(),
        idempotent: true,
        async run(draft, { identity, now, zone, requestKey }) {
          // A retry of a call whose invocation died after the insert finds the todo it made (keyedId).
          const id = requestKey ? keyedId(requestKey, 'todo') : undefined;
          return { todo: toTodo(await service.create(identity.openid, draft, now, zone, id)) };
        },
      },

      update: {
        schema: todoPatchSchema(),
        idempotent: true,
        async run({ id, ...change }, { identity, now, zone }) {
          return { todo: toTodo(await service.update(identity.openid, id, change, now, zone)) };
        },
      },

      complete: {
        schema: object({ id: docId() }),
        idempotent: true,
        async run(request, { identity, now }) {
          const { todo, next } = await service.complete(identity.openid, request.id, now);
          return { todo: toTodo(todo), next: next ? toTodo(next) : null };
        },
      },

      skip: {
        schema: object({ id: docId() }),
        idempotent: true,
        async run(request, { identity, now }) {
          return { todo: toTodo(await service.skip(identity.openid, request.id, now)) };
        },
      },

      toggleStep: {
        schema: object({ id: docId(), stepId: docId(), done: boolean() }),
        idempotent: true,
        async run({ id, stepId, done }, { identity, now }) {
          return { todo: toTodo(await service.toggleStep(identity.openid, id, stepId, done, now)) };
        },
      },

      reopen: {
        schema: object({ id: docId() }),
        async run(request, { identity, now }) {
          const doc = await service.owned(identity.openid, request.id);
          if (!doc.done) return { todo: toTodo(doc) };
          const patch = { done: false, doneAt: null, updatedAt: now };
          if (!(await todos.patch(identity.openid, doc._id, patch))) throw new AppError('NOT_FOUND', 'No such todo.');
          return { todo: toTodo({ ...doc, ...patch }) };
        },
      },

      remove: {
        schema: object({ id: docId() }),
        idempotent: true,
        async run(request, { identity }) {
          if (!(await todos.remove(identity.openid, request.id))) throw new AppError('NOT_FOUND', 'No such todo.');
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
          return { templateId, credits: await credits.add(identity.openid, templateId, now) };
        },
      },

      parse: {
        // `tz` is read by the handler for every call (ctx.zone), so it is not part of the schema.
        schema: object({
          text: string({ min: 1, max: QUICK_ADD_MAX }),
          without: optional(array(oneOf(QUICK_ADD_KINDS), { max: QUICK_ADD_KINDS.length })),
        }),
        async run({ text, without }, { now, zone }) {
          return parseQuickAdd(text, { now, zone, ...(without ? { without } : {}) });
        },
      },

      summary: {
        schema: object({}),
        run: (_request, { identity, now }) => service.summary(identity.openid, now),
      },
    },
    { ...deps, requests: new Requests(deps.db, log) },
  );
}
