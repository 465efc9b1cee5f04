/**
 * Fake cloud functions for component tests, typed by the shared contract (typings/functions.ts): a
 * fake is given per function and action, receives that action's event and must answer that
 * action's result, so a changed contract breaks the fakes at compile time. Plus the answers most
 * tests need (a login, an empty todo list, a todo).
 */
import type { ApiResult, ApiSuccess } from '../../../typings/contract';
import type { ActionName, EventOf, FunctionName, ResponseOf } from '../../../typings/functions';
import type { Todo, TodoPatch } from '../../../typings/todo';
import type { CloudHandler } from './wx';

/** What `F.A` answers: the contract's result, now or later. Throw `{ errCode, errMsg }` to fail as the platform does. */
export type Answer<F extends FunctionName, A extends ActionName<F>> =
  ApiResult<ResponseOf<F, A>> | Promise<ApiResult<ResponseOf<F, A>>>;

/** One action's fake: the event as the function receives it (`action` beside the request), its answer. */
export type Fake<F extends FunctionName, A extends ActionName<F>> = (event: EventOf<F, A>) => Answer<F, A>;

export type CloudFakes = { [F in FunctionName]?: { [A in ActionName<F>]?: Fake<F, A> } };

/** The handler for `wxDouble.cloudHandler`: each call goes to its fake; a call with none fails as a missing function does. */
export function answering(fakes: CloudFakes): CloudHandler {
  return (name, data) => {
    const action = String(data.action);
    // Looked up by the names the call carries; each fake's own type is checked where it is written.
    const fake = (fakes as Record<string, Record<string, (event: unknown) => unknown> | undefined>)[name]?.[action];
    if (!fake) throw { errCode: -501000, errMsg: `cloud.callFunction:fail no fake for ${name}.${action} in this test` };
    return fake(data);
  };
}

export function loginOk(openid = 'o-1', isNewUser = false): ApiSuccess<ResponseOf<'login', 'login'>> {
  return {
    ok: true,
    data: {
      openid,
      isNewUser,
      profile: {
        openid,
        nickname: '',
        avatarFileId: '',
        createdAt: '2026-05-01T00:00:00.000Z',
        lastLoginAt: '2026-05-01T00:00:00.000Z',
        loginCount: 1,
        dailyPlan: null,
      },
    },
  };
}

/** The todo function's `list` for a user with no todos (the home page lists as soon as it opens). */
export function emptyTodoList(): ApiSuccess<ResponseOf<'todo', 'list'>> {
  return { ok: true, data: { items: [], nextCursor: null, counts: { q1: 0, q2: 0, q3: 0, q4: 0 } } };
}

/** Todo number `i` (id `t0007`, title `Todo 7`), open, in q1, with `fields` over that. */
export function todoOf(i: number, fields: Partial<Todo> = {}): Todo {
  return {
    id: `t${String(i).padStart(4, '0')}`,
    title: `Todo ${i}`,
    note: '',
    quadrant: 'q1',
    done: false,
    dueAt: null,
    remindAt: null,
    reminder: { state: 'none', attempts: 0, error: null, sentAt: null },
    ...oneOff(),
    createdAt: '2026-05-01T00:00:00.000Z',
    updatedAt: '2026-05-01T00:00:00.000Z',
    doneAt: null,
    ...fields,
  };
}

/** What a todo written before repeats and steps carries: no repeat, no steps. */
export function oneOff(): Pick<Todo, 'repeat' | 'repeatFrom' | 'steps'> {
  return { repeat: null, repeatFrom: 'due', steps: [] };
}

/** `todo` with a patch's fields applied as the todo function does (new steps get ids). */
export function patched(todo: Todo, patch: Omit<TodoPatch, 'id'> & { action?: string }): Todo {
  const { action: _action, scope: _scope, steps, ...fields } = patch;
  const next: Todo = { ...todo, ...fields };
  if (steps)
    next.steps = steps.map((step, i) => ({ id: step.id ?? `s${i}`, title: step.title, done: step.done ?? false }));
  return next;
}

/** A one-off todo's complete answer: the todo, and no next occurrence. */
export function withNext<R extends { ok: true; data: { todo: Todo } } | { ok: false }>(
  answer: R,
): R extends { ok: true } ? { ok: true; data: { todo: Todo; next: null } } : R {
  return (answer.ok ? { ...answer, data: { ...answer.data, next: null } } : answer) as never;
}
