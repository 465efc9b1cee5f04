/** Todo documents as the todo function stores them, numbered, for seeding tests and benchmarks. */
import { reminderFields } from '../../server/todo/rules';
import { NO_DUE } from '../../server/todo/store';
import { QUADRANT_KEYS } from '../../shared/quadrants';

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
