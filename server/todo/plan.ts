/**
 * Today's plan from a user's open todos, by the matrix's rule (shared/matrix.ts): what is due today
 * or overdue comes first, important before urgent (q1, q2, q3, q4), the most urgent first within
 * each; then the rest in the same quadrant order. The morning push and the assistant's plan_today
 * both answer from this, never from the model's imagination.
 */
import { byUrgency, isOverdue, summarize } from '../../shared/matrix';
import { QUADRANT_KEYS } from '../../shared/quadrants';
import { nextMidnight, startOfDay } from '../../shared/time';
import type { Quadrant, Todo } from '../../typings/todo';

export interface TodayPlan {
  /** Open todos due today (the overdue among them too). */
  dueToday: number;
  /** Open todos past their due time, whatever day. */
  overdue: number;
  /** Open todos per quadrant. */
  open: Record<Quadrant, number>;
  /** What to do, in order, at most `size`. */
  order: Array<Todo & { why: 'overdue' | 'today' | 'later' }>;
}

export function todayPlan(todos: readonly Todo[], now: Date, zone: string, size = 5): TodayPlan {
  const at = now.getTime();
  const endOfToday = nextMidnight(now, zone);
  const open = todos.filter((todo) => !todo.done);
  const today = (todo: Todo) => todo.dueAt !== null && Date.parse(todo.dueAt) < endOfToday;
  const tier = (todo: Todo) => QUADRANT_KEYS.indexOf(todo.quadrant) + (today(todo) ? 0 : QUADRANT_KEYS.length);
  const order = [...open]
    .sort((a, b) => tier(a) - tier(b) || byUrgency(a, b))
    .slice(0, size)
    .map((todo) => ({
      ...todo,
      why: isOverdue(todo, at) ? ('overdue' as const) : today(todo) ? ('today' as const) : ('later' as const),
    }));
  const { quadrants } = summarize(open, at);
  const startOfToday = startOfDay(now, zone);
  return {
    dueToday: open.filter((todo) => today(todo) && Date.parse(todo.dueAt ?? '') >= startOfToday).length,
    overdue: QUADRANT_KEYS.reduce((sum, q) => sum + quadrants[q].overdue, 0),
    open: Object.fromEntries(QUADRANT_KEYS.map((q) => [q, quadrants[q].open])) as Record<Quadrant, number>,
    order,
  };
}
