/** The planner's pure rules: today's plan in the user's zone, checklist merges, and this-only edits. */
import { seriesAfter, seriesValues } from '../../server/todo/series';
import { mergeSteps } from '../../server/todo/steps';
import { todayPlan } from '../../server/todo/plan';
import { newTodo } from '../../server/todo/rules';
import { clientTodo } from '../helpers/todos';

// 2026-12-07 10:00 in Shanghai; 2026-12-06 18:00 in Los Angeles.
const NOW = new Date('2026-12-07T02:00:00Z');

const todo = clientTodo;

describe('todayPlan', () => {
  // 2026-12-07 20:00 in Shanghai (today there), 2026-12-07 04:00 in Los Angeles (tomorrow there).
  const todos = [
    todo('evening', 'q2', '2026-12-07T12:00:00.000Z'),
    todo('overdue errand', 'q3', '2026-12-07T01:00:00.000Z'),
    todo('undated', 'q1', null),
  ];

  it('puts what is due today or overdue first, important before urgent, in Shanghai', () => {
    const plan = todayPlan(todos, NOW, 'Asia/Shanghai');
    expect(plan.order.map((t) => [t.id, t.why])).toEqual([
      ['evening', 'today'],
      ['overdue errand', 'overdue'],
      ['undated', 'later'],
    ]);
    expect(plan).toMatchObject({ dueToday: 2, overdue: 1, open: { q1: 1, q2: 1, q3: 1, q4: 0 } });
  });

  it('reads "today" in the user’s zone: in Los Angeles the evening one is tomorrow’s', () => {
    const plan = todayPlan(todos, NOW, 'America/Los_Angeles');
    expect(plan.order.map((t) => [t.id, t.why])).toEqual([
      ['overdue errand', 'overdue'],
      ['undated', 'later'],
      ['evening', 'later'],
    ]);
    // The errand was due at 17:00 there today: due today, and overdue.
    expect(plan).toMatchObject({ dueToday: 1, overdue: 1 });
  });
});

describe('mergeSteps', () => {
  const current = [
    { id: 'a1', title: 'one', done: true },
    { id: 'b2', title: 'two', done: false },
  ];

  it('keeps known ids and their state, makes ids for the rest, and trusts no id twice', () => {
    const merged = mergeSteps(current, [
      { id: 'b2', title: 'two, renamed' },
      { id: 'a1', title: 'one', done: false },
      { id: 'a1', title: 'copy of one' },
      { id: 'zz', title: 'from elsewhere' },
      { title: 'new' },
    ]);
    expect(merged.slice(0, 2)).toEqual([
      { id: 'b2', title: 'two, renamed', done: false },
      { id: 'a1', title: 'one', done: false },
    ]);
    expect(merged.slice(2).map((s) => [s.title, s.done])).toEqual([
      ['copy of one', false],
      ['from elsewhere', false],
      ['new', false],
    ]);
    expect(new Set(merged.map((s) => s.id)).size).toBe(5);
    expect(merged.map((s) => s.id)).not.toContain('zz');
  });
});

describe('series: this-only edits', () => {
  const doc = newTodo(
    'o-1',
    { title: 'Weekly', quadrant: 'q2', dueAt: '2026-12-14T01:00:00Z', repeat: 'FREQ=WEEKLY', steps: ['a'] },
    NOW,
    'Asia/Shanghai',
  );

  it("a 'this' edit keeps the series' values; a later 'following' edit of the same field drops them", () => {
    const moved = new Date('2026-12-15T01:00:00Z');
    const series = seriesAfter(doc, { title: 'Once', dueAt: moved }, 'this');
    expect(series).toEqual({ title: 'Weekly', dueAt: doc.dueAt });
    const edited = { ...doc, title: 'Once', dueAt: moved, series: series ?? null };
    expect(seriesValues(edited)).toMatchObject({ title: 'Weekly', dueAt: doc.dueAt, quadrant: 'q2' });
    // A second 'this' edit leaves the series as it is: the first one-off value is not the series'.
    expect(seriesAfter(edited, { title: 'Twice' }, 'this')).toBeUndefined();
    expect(seriesAfter(edited, { title: 'From now on' }, 'following')).toEqual({ dueAt: doc.dueAt });
    // Stopping the repeat drops what only the next occurrence needed.
    expect(seriesAfter(edited, { repeat: null }, 'following')).toBeNull();
  });
});
