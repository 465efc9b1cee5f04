/** Todo documents as the todo function stores them, numbered, for seeding tests and benchmarks. */
import { reminderFields } from '../../server/todo/rules';
import { NO_DUE } from '../../server/todo/store';
import { QUADRANT_KEYS } from '../../shared/quadrants';
import type { Quadrant, Todo } from '../../typings/todo';

/**
 * The i-th of a spread of todos: quadrants in turn, every third done, every fifth without a due
 * time, due times scattered over the ~70 days after `now`, created a second apart before it.
 */
export function sampleTodo(
  i: number,
  openid: string,
  now: number,
  fields: Record<string, unknown> = {},
): Record<string, unknown> {
  const due = i % 5 === 0 ? null : new Date(now + ((i * 7919) % 100_000) * 60_000);
  return {
    _openid: openid,
    title: `todo ${i}`,
    note: '',
    quadrant: QUADRANT_KEYS[i % 4],
    done: i % 3 === 0,
    dueAt: due,
    sortDue: due ?? NO_DUE,
    ...reminderFields(null),
    createdAt: new Date(now - i * 1000),
    updatedAt: new Date(now),
    doneAt: null,
    ...fields,
  };
}

/** A todo as the client sees it, open, titled by its id, for the pure rules' tests. */
export const clientTodo = (id: string, quadrant: Quadrant, dueAt: string | null, more: Partial<Todo> = {}): Todo => ({
  id,
  title: id,
  note: '',
  quadrant,
  done: false,
  dueAt,
  remindAt: null,
  reminder: { state: 'none', attempts: 0, error: null, sentAt: null },
  repeat: null,
  repeatFrom: 'due',
  steps: [],
  createdAt: '2026-12-01T00:00:00.000Z',
  updatedAt: '2026-12-01T00:00:00.000Z',
  doneAt: null,
  ...more,
});
