import { byUrgency, isOverdue, matrixSummary } from '../../shared/matrix';
import { clientTodo } from '../helpers/todos';

const NOW = Date.parse('2026-12-07T02:00:00Z');

const todo = clientTodo;

describe('the matrix summary', () => {
  it('counts open and overdue todos per quadrant and ranks the most urgent first', () => {
    const todos = [
      todo('later', 'q1', '2026-12-09T01:00:00.000Z'),
      todo('undated-old', 'q1', null, { createdAt: '2026-11-01T00:00:00.000Z' }),
      todo('long-overdue', 'q1', '2026-12-01T01:00:00.000Z'),
      todo('undated-new', 'q1', null, { createdAt: '2026-12-05T00:00:00.000Z' }),
      todo('done', 'q1', '2026-11-30T01:00:00.000Z', { done: true, doneAt: '2026-12-01T00:00:00.000Z' }),
      todo('due-soon', 'q2', '2026-12-07T03:00:00.000Z'),
    ];
    const { quadrants } = matrixSummary(todos, NOW);
    expect(quadrants.q1.open).toBe(4);
    expect(quadrants.q1.overdue).toBe(1);
    expect(quadrants.q1.top.map((t) => t.id)).toEqual(['long-overdue', 'later', 'undated-new']);
    expect(quadrants.q2).toMatchObject({ open: 1, overdue: 0 });
    expect(quadrants.q3).toEqual({ open: 0, overdue: 0, top: [] });
    expect(quadrants.q4).toEqual({ open: 0, overdue: 0, top: [] });
  });

  it('calls a todo overdue only while it is open and past its due time', () => {
    expect(isOverdue(todo('a', 'q1', '2026-12-07T01:59:59.000Z'), NOW)).toBe(true);
    expect(isOverdue(todo('b', 'q1', '2026-12-07T02:00:00.000Z'), NOW)).toBe(false);
    expect(isOverdue(todo('c', 'q1', null), NOW)).toBe(false);
    expect(isOverdue(todo('d', 'q1', '2026-12-01T00:00:00.000Z', { done: true }), NOW)).toBe(false);
    expect(byUrgency(todo('x', 'q1', null), todo('y', 'q1', '2027-01-01T00:00:00.000Z'))).toBe(1);
  });
});
