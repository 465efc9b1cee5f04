/**
 * The Todos page's 2×2 matrix: each quadrant's open and overdue counts and its most urgent titles
 * (the one rule, shared/matrix.ts), as the setData paths of what changed on `quadrants[i]`, so a
 * change to one quadrant sends that quadrant alone. Fed by the todos the page watches (live.ts),
 * or by the `summary` action where there is no watch.
 */
import type { CallResult } from '../../../typings/contract';
import type { MatrixSummary, Quadrant, Todo } from '../../../typings/todo';
import { todos } from '../../services/todos';
import { QUADRANT_KEYS } from '../../shared/quadrants';
import type { Live } from './live';

/** The Todos tab shows the matrix, or one quadrant's list. */
export type TodosView = 'matrix' | 'list';

/**
 * Where the tab opens: on the matrix (a push's `?view=matrix` too); `?view=list` or a quadrant
 * (`?quadrant=q2`) opens a list. The list is the quadrant asked for, else the one last looked at.
 */
export function opening(
  query: Record<string, string | undefined>,
  saved: unknown,
): { active: number; view: TodosView } {
  const asked = QUADRANT_KEYS.findIndex((key) => key === query.quadrant);
  const last = Number(saved);
  const active = asked >= 0 ? asked : Number.isInteger(last) && last >= 0 && last < QUADRANT_KEYS.length ? last : 0;
  return { active, view: query.view === 'list' || asked >= 0 ? 'list' : 'matrix' };
}

/** What a matrix cell shows of a todo: enough for its line and its overdue mark. */
export type TopTodo = Pick<Todo, 'id' | 'title' | 'dueAt'>;

/** A quadrant as the page holds it: `count` its open todos (also the switcher's badge). */
export interface Cell {
  key: Quadrant;
  count: number;
  overdue: number;
  top: TopTodo[];
}

type Summary = { quadrants: Record<Quadrant, { open: number; overdue: number; top: TopTodo[] }> };

const topOf = (todos: TopTodo[]): TopTodo[] => todos.map(({ id, title, dueAt }) => ({ id, title, dueAt }));
const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/** The paths of `shown` (the page's quadrants, QUADRANT_KEYS order) that differ from `summary`. */
export function matrixPaths(summary: Summary | MatrixSummary, shown: readonly Cell[]): Record<string, unknown> {
  const update: Record<string, unknown> = {};
  QUADRANT_KEYS.forEach((key, i) => {
    const next = summary.quadrants[key];
    const cell = shown[i];
    if (next.open !== cell.count) update[`quadrants[${i}].count`] = next.open;
    if (next.overdue !== cell.overdue) update[`quadrants[${i}].overdue`] = next.overdue;
    const top = topOf(next.top);
    if (!same(top, cell.top)) update[`quadrants[${i}].top`] = top;
  });
  return update;
}

/**
 * The matrix's setData: from the todos watched, or, before the watch's first snapshot (or with no
 * watch), from the `summary` action; undefined when the watch answered while the summary was asked.
 */
export async function matrixOf(
  live: Live,
  view: { cells: Cell[]; hidden: ReadonlySet<string> },
): Promise<CallResult<Record<string, unknown>> | undefined> {
  const watched = live.matrix(view);
  if (watched) return { ok: true, data: watched };
  const result = await todos.summary();
  if (live.matrix(view)) return undefined;
  return result.ok ? { ok: true, data: matrixPaths(result.data, view.cells) } : result;
}
