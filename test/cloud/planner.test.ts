/**
 * The planner's other actions through the real `todo` function: checklists (create, replace,
 * tick), quick add read in the caller's zone, and the 2×2 matrix summary.
 */
import type { LocalCloud } from 'cloudbase-local';
import { STEPS_MAX } from '../../shared/limits';
import { addDays, instantOf, wallOf } from '../../shared/time';
import type { ApiResult } from '../../typings/contract';
import type { MatrixSummary, QuickAddResult, Todo } from '../../typings/todo';
import { sampleTodo } from '../helpers/todos';
import { invoke, startTestCloud } from '../helpers/local-cloud';

jest.setTimeout(60_000);

let cloud: LocalCloud;
beforeAll(async () => {
  cloud = await startTestCloud();
}, 120_000);
afterAll(() => cloud?.close());

const HOUR = 3600_000;
const call = <T>(event: object, openid: string) => invoke<ApiResult<T>>(cloud, 'todo', event, { openid });
async function ok<T>(event: object, openid: string): Promise<T> {
  const result = await call<T>(event, openid);
  if (!result.ok) throw new Error(`${JSON.stringify(event)} failed: ${JSON.stringify(result)}`);
  return result.data;
}

describe('steps', () => {
  it('create takes titles; update replaces the list keeping ids; toggleStep ticks one', async () => {
    const openid = 'o-steps';
    const { todo } = await ok<{ todo: Todo }>(
      { action: 'create', title: 'Prepare the weekly meeting', quadrant: 'q2', steps: [' Book room ', 'Agenda'] },
      openid,
    );
    expect(todo.steps.map((s) => [s.title, s.done])).toEqual([
      ['Book room', false],
      ['Agenda', false],
    ]);
    const [room, agenda] = todo.steps;
    expect(room.id).not.toBe(agenda.id);

    const ticked = await ok<{ todo: Todo }>(
      { action: 'toggleStep', id: todo.id, stepId: agenda.id, done: true },
      openid,
    );
    expect(ticked.todo.steps[1]).toEqual({ ...agenda, done: true });

    const { todo: edited } = await ok<{ todo: Todo }>(
      {
        action: 'update',
        id: todo.id,
        steps: [{ id: agenda.id, title: 'Agenda, sent' }, { title: 'Slides' }, { id: 'not-mine', title: 'Notes' }],
      },
      openid,
    );
    expect(edited.steps).toEqual([
      { id: agenda.id, title: 'Agenda, sent', done: true },
      { id: expect.any(String), title: 'Slides', done: false },
      { id: expect.any(String), title: 'Notes', done: false },
    ]);
    expect(new Set(edited.steps.map((s) => s.id)).size).toBe(3);
    expect(edited.steps.map((s) => s.id)).not.toContain('not-mine');
    // What is stored is what was answered.
    expect((await ok<{ todo: Todo }>({ action: 'get', id: todo.id }, openid)).todo.steps).toEqual(edited.steps);

    expect(await call({ action: 'toggleStep', id: todo.id, stepId: room.id, done: true }, openid)).toMatchObject({
      ok: false,
      code: 'NOT_FOUND',
    });
  });

  it('refuses more than STEPS_MAX steps and blank or long titles', async () => {
    const openid = 'o-steps-bad';
    const many = Array.from({ length: STEPS_MAX + 1 }, (_, i) => `step ${i}`);
    for (const steps of [many, ['  '], ['x'.repeat(101)], [5]]) {
      const result = await call({ action: 'create', title: 'x', quadrant: 'q1', steps }, openid);
      expect(result).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' });
    }
    expect(await cloud.store.count('todos', { _openid: openid })).toBe(0);
  });

  it('toggles of two steps at once both land', async () => {
    const openid = 'o-steps-race';
    const { todo } = await ok<{ todo: Todo }>(
      { action: 'create', title: 'Move house', quadrant: 'q1', steps: ['Pack', 'Van', 'Keys'] },
      openid,
    );
    await Promise.all(
      todo.steps.map((step) => ok({ action: 'toggleStep', id: todo.id, stepId: step.id, done: true }, openid)),
    );
    const { todo: after } = await ok<{ todo: Todo }>({ action: 'get', id: todo.id }, openid);
    expect(after.steps.every((s) => s.done)).toBe(true);
  });
});

describe('parse', () => {
  it('reads a line in the caller’s zone, with chips, and leaves a removed chip’s words in the title', async () => {
    const openid = 'o-parse';
    for (const zone of ['Asia/Shanghai', 'America/New_York']) {
      const result = await ok<QuickAddResult>({ action: 'parse', text: '明天上午9点 交周报', tz: zone }, openid);
      const tomorrow = addDays(wallOf(Date.now(), zone), 1);
      expect(result).toMatchObject({
        title: '交周报',
        dueAt: new Date(instantOf({ ...tomorrow, hour: 9, minute: 0 }, zone)).toISOString(),
        repeat: null,
      });
      expect(result.spans.map((span) => span.kind)).toEqual(result.spans.map(() => 'due'));
      expect(result.spans.map((span) => span.text).join('')).toBe('明天上午9点');
    }
    const kept = await ok<QuickAddResult>({ action: 'parse', text: '每周一 交周报', without: ['repeat'] }, openid);
    expect(kept).toMatchObject({ title: '每周一 交周报', repeat: null, spans: [] });
    expect(await call({ action: 'parse', text: '' }, openid)).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' });
    expect(await call({ action: 'parse', text: 'x', without: ['when'] }, openid)).toMatchObject({
      ok: false,
      code: 'INVALID_ARGUMENT',
    });
  });
});

describe('summary', () => {
  it('counts open and overdue todos per quadrant and names the most urgent, from the user’s own todos', async () => {
    const openid = 'o-matrix';
    const now = Date.now();
    await cloud.store.insert('todos', [
      sampleTodo(1, openid, now, { quadrant: 'q1', done: false, dueAt: new Date(now - 2 * HOUR), title: 'late' }),
      sampleTodo(2, openid, now, { quadrant: 'q1', done: false, dueAt: new Date(now + HOUR), title: 'soon' }),
      sampleTodo(3, openid, now, { quadrant: 'q1', done: true, dueAt: new Date(now - HOUR), title: 'done' }),
      sampleTodo(4, openid, now, { quadrant: 'q3', done: false, dueAt: null, title: 'whenever' }),
      sampleTodo(5, 'o-someone-else', now, { quadrant: 'q1', done: false, dueAt: new Date(now - HOUR) }),
    ]);
    const { quadrants } = await ok<MatrixSummary>({ action: 'summary' }, openid);
    expect(quadrants.q1).toMatchObject({ open: 2, overdue: 1 });
    expect(quadrants.q1.top.map((t) => t.title)).toEqual(['late', 'soon']);
    expect(quadrants.q2).toEqual({ open: 0, overdue: 0, top: [] });
    expect(quadrants.q3).toMatchObject({ open: 1, overdue: 0, top: [{ title: 'whenever' }] });
  });
});
