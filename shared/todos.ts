/**
 * A stored todo in the contract's shape: the one mapping from what the todo function and the
 * remind timer write to what the Todos page shows, used by the function's answers and by the
 * page's watch alike (dates arrive as Date in a function, as { $date } in a watched snapshot).
 */
import type { StoredDate } from '../typings/contract';
import type { Todo, TodoDoc } from '../typings/todo';
import { isoOf } from './messages';

const isoOrNull = (value: StoredDate | null | undefined): string | null =>
  value === null || value === undefined ? null : isoOf(value);

export function todoOf(doc: TodoDoc<StoredDate>): Todo {
  return {
    id: doc._id,
    title: doc.title,
    note: doc.note,
    quadrant: doc.quadrant,
    done: doc.done,
    dueAt: isoOrNull(doc.dueAt),
    remindAt: isoOrNull(doc.remindAt),
    reminder: {
      state: doc.remindState,
      attempts: doc.remindAttempts,
      error: doc.remindError,
      sentAt: isoOrNull(doc.remindSentAt),
      ...(doc.remindVia ? { via: doc.remindVia } : {}),
    },
    // Todos written before repeats and steps have neither.
    repeat: doc.repeat ?? null,
    repeatFrom: doc.repeatFrom ?? 'due',
    steps: doc.steps ?? [],
    createdAt: isoOf(doc.createdAt),
    updatedAt: isoOf(doc.updatedAt),
    doneAt: isoOrNull(doc.doneAt),
  };
}
