/**
 * The 2×2 matrix: each quadrant's open and overdue counts and its most urgent todos. One rule for
 * the Todos page (over the todos it watches), the `todo.summary` action and the morning plan.
 */
import type { MatrixSummary, Quadrant, QuadrantSummary, Todo } from '../typings/todo';
import { QUADRANT_KEYS } from './quadrants';

/** How many of a quadrant's todos the matrix shows. */
export const MATRIX_TOP = 3;

type Ranked = Pick<Todo, 'done' | 'dueAt' | 'createdAt'>;

/** A todo is overdue when it is open and its due time has passed. */
export const isOverdue = (todo: Ranked, now: number): boolean =>
  !todo.done && todo.dueAt !== null && Date.parse(todo.dueAt) < now;

/**
 * The order of urgency among open todos: the soonest due first (so the longest overdue leads),
 * then those without a due time, newest first. ISO instants in UTC compare as text.
 */
export function byUrgency(a: Ranked, b: Ranked): number {
  if (a.dueAt !== null && b.dueAt !== null) return a.dueAt < b.dueAt ? -1 : a.dueAt > b.dueAt ? 1 : 0;
  if (a.dueAt !== null) return -1;
  if (b.dueAt !== null) return 1;
  return a.createdAt > b.createdAt ? -1 : a.createdAt < b.createdAt ? 1 : 0;
}

/** The summary of the todos given (any order, done ones ignored) at `now` (ms). */
export function summarize<T extends Ranked & Pick<Todo, 'quadrant'>>(
  todos: readonly T[],
  now: number,
  top = MATRIX_TOP,
): { quadrants: Record<Quadrant, Omit<QuadrantSummary, 'top'> & { top: T[] }> } {
  const open = todos.filter((todo) => !todo.done).sort(byUrgency);
  const entries = QUADRANT_KEYS.map((quadrant) => {
    const mine = open.filter((todo) => todo.quadrant === quadrant);
    const overdue = mine.filter((todo) => isOverdue(todo, now)).length;
    return [quadrant, { open: mine.length, overdue, top: mine.slice(0, top) }] as const;
  });
  return { quadrants: Object.fromEntries(entries) as Record<Quadrant, Omit<QuadrantSummary, 'top'> & { top: T[] }> };
}

/** The same, typed as the action answers it. */
export const matrixSummary = (todos: readonly Todo[], now: number): MatrixSummary => summarize(todos, now);
