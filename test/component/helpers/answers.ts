/** Answers the cloud functions give, for tests whose subject is the page rather than the login. */
import type { ApiSuccess } from '../../../typings/contract';
import type { LoginResult } from '../../../typings/login';
import type { Todo, TodoListResult } from '../../../typings/todo';

export function loginOk(openid = 'o-1', isNewUser = false): ApiSuccess<LoginResult> {
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
      },
    },
  };
}

/** The todo function's `list` for a user with no todos (the home page lists as soon as it opens). */
export function emptyTodoList(): ApiSuccess<TodoListResult> {
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
    createdAt: '2026-05-01T00:00:00.000Z',
    updatedAt: '2026-05-01T00:00:00.000Z',
    doneAt: null,
    ...fields,
  };
}
