/**
 * The user's todos as they change, from `db.collection('todos').watch()`: a todo the assistant,
 * the Official Account or another device created, a reminder the `remind` timer sent, an edit made
 * elsewhere, all reach the open Todos page without a refresh. Read only: the query names the
 * owner (`_openid: '{openid}'`) because the collection's read rule does, and a watch outside the
 * rule is refused; every write still goes through the `todo` function.
 */
import type { StoredDate } from '../../typings/contract';
import type { Todo, TodoDoc } from '../../typings/todo';
import { todoOf } from '../shared/todos';
import { snapshotChanges } from './snapshot';

export interface TodoChanges {
  /** Todos added or changed, in their current state (all of them in the first snapshot). */
  todos: Todo[];
  /** Ids of todos deleted. */
  removed: string[];
  /** True for the first snapshot, which lists every todo the user has. */
  init: boolean;
}

export interface TodoWatch {
  close(): void;
}

type Doc = TodoDoc<StoredDate>;

export function watchTodos(handlers: {
  onChange(changes: TodoChanges): void;
  onError(error: unknown): void;
}): TodoWatch {
  const listener = wx.cloud
    .database()
    .collection('todos')
    .where({ _openid: '{openid}' })
    .watch({
      onChange(snapshot) {
        const { docs, removed, init } = snapshotChanges<Doc>(snapshot);
        handlers.onChange({ todos: docs.map(todoOf), removed, init });
      },
      onError: handlers.onError,
    });
  return {
    close() {
      listener.close().catch(() => undefined);
    },
  };
}
