/**
 * Repeating todos through the real `todo` function in one local cloud: complete makes the next
 * occurrence (fields carried, steps reset, reminder at the same lead, COUNT lowered, UNTIL kept),
 * exactly once whoever completes it and however often; skip, stop, and this-only edits.
 */
import type { LocalCloud } from 'cloudbase-local';
import { addDays, instantOf, wallOf } from '../../shared/time';
import type { ApiResult } from '../../typings/contract';
import type { Todo } from '../../typings/todo';
import { invoke, startTestCloud } from '../helpers/local-cloud';

jest.setTimeout(60_000);

let cloud: LocalCloud;
beforeAll(async () => {
  cloud = await startTestCloud({ functionEnv: { REMIND_TEMPLATE_ID: 'tpl-A' } });
}, 120_000);
afterAll(() => cloud?.close());

const SHANGHAI = 'Asia/Shanghai';
const LA = 'America/Los_Angeles';
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

type Completed = { todo: Todo; next: Todo | null };
const call = <T>(event: object, openid: string) => invoke<ApiResult<T>>(cloud, 'todo', event, { openid });
async function ok<T>(event: object, openid: string): Promise<T> {
  const result = await call<T>(event, openid);
  if (!result.ok) throw new Error(`${JSON.stringify(event)} failed: ${JSON.stringify(result)}`);
  return result.data;
}
const create = (openid: string, fields: object) =>
  ok<{ todo: Todo }>({ action: 'create', title: 'Weekly report', quadrant: 'q2', ...fields }, openid).then(
    (r) => r.todo,
  );

/** The coming `weekday` (1 Monday … 7 Sunday) after today, at hh:mm on the zone's wall clock. */
function coming(weekday: number, hour: number, minute: number, zone: string): Date {
  const today = wallOf(Date.now(), zone);
  const ahead = ((weekday - today.weekday + 7) % 7) + 7 * Number(weekday === today.weekday);
  return new Date(instantOf({ ...addDays(today, ahead), hour, minute }, zone));
}

describe('complete on a repeating todo', () => {
  it('makes the next occurrence a week on: same title, note, quadrant, steps to do, reminder 30 min before, COUNT one less', async () => {
    const openid = 'o-weekly';
    const due = coming(1, 9, 0, SHANGHAI);
    const todo = await create(openid, {
      note: 'to the team',
      dueAt: due.toISOString(),
      remindAt: new Date(due.getTime() - 30 * MINUTE).toISOString(),
      repeat: 'RRULE:freq=weekly;byday=MO;count=3',
      steps: ['Collect numbers', 'Write summary'],
    });
    expect(todo).toMatchObject({ repeat: 'FREQ=WEEKLY;BYDAY=MO;COUNT=3', repeatFrom: 'due' });
    const [first] = todo.steps;
    await ok({ action: 'toggleStep', id: todo.id, stepId: first.id, done: true }, openid);

    const done = await ok<Completed>({ action: 'complete', id: todo.id }, openid);
    expect(done.todo).toMatchObject({ id: todo.id, done: true });
    const nextDue = new Date(due.getTime() + 7 * DAY);
    expect(done.next).toMatchObject({
      title: 'Weekly report',
      note: 'to the team',
      quadrant: 'q2',
      done: false,
      dueAt: nextDue.toISOString(),
      remindAt: new Date(nextDue.getTime() - 30 * MINUTE).toISOString(),
      reminder: { state: 'pending' },
      repeat: 'FREQ=WEEKLY;BYDAY=MO;COUNT=2',
      steps: todo.steps.map((step) => ({ ...step, done: false })),
    });
    // Monday 09:00 in Shanghai, still.
    expect(wallOf(nextDue, SHANGHAI)).toMatchObject({ weekday: 1, hour: 9, minute: 0 });

    const second = await ok<Completed>({ action: 'complete', id: done.next!.id }, openid);
    expect(second.next).toMatchObject({ repeat: 'FREQ=WEEKLY;BYDAY=MO;COUNT=1' });
    // The last of three: done, and nothing after it.
    expect(await ok<Completed>({ action: 'complete', id: second.next!.id }, openid)).toMatchObject({
      todo: { done: true },
      next: null,
    });
    expect(await cloud.store.count('todos', { _openid: openid })).toBe(3);
  });

  it('respects UNTIL: the occurrence after it is none', async () => {
    const openid = 'o-until';
    const due = coming(3, 18, 0, SHANGHAI);
    const until = wallOf(due.getTime() + 2 * DAY, SHANGHAI);
    const pad = (n: number) => String(n).padStart(2, '0');
    const repeat = `FREQ=DAILY;UNTIL=${until.year}${pad(until.month)}${pad(until.day)}`;
    let todo = await create(openid, { dueAt: due.toISOString(), repeat });
    const dues: string[] = [];
    for (;;) {
      const { next } = await ok<Completed>({ action: 'complete', id: todo.id }, openid);
      if (!next) break;
      dues.push(next.dueAt!);
      todo = next;
    }
    expect(dues).toEqual([1, 2].map((d) => new Date(due.getTime() + d * DAY).toISOString()));
  });

  it.each([SHANGHAI, LA])(
    'repeatFrom completion counts from the day it was done, at the due time of day, in the todo’s zone (%s)',
    async (zone) => {
      const openid = `o-from-done-${zone}`;
      // Due ten days ago at 07:30 there: done now, the next is three days after today, 07:30.
      const today = wallOf(Date.now(), zone);
      const due = instantOf({ ...addDays(today, -10), hour: 7, minute: 30 }, zone);
      const todo = await create(openid, {
        dueAt: new Date(due).toISOString(),
        repeat: 'FREQ=DAILY;INTERVAL=3',
        repeatFrom: 'completion',
        tz: zone,
      });
      const { todo: done, next } = await ok<Completed>({ action: 'complete', id: todo.id, tz: SHANGHAI }, openid);
      const doneDay = wallOf(Date.parse(done.doneAt!), zone);
      const expected = instantOf({ ...addDays(doneDay, 3), hour: 7, minute: 30 }, zone);
      expect(next).toMatchObject({ dueAt: new Date(expected).toISOString(), repeatFrom: 'completion' });
    },
  );

  it('a todo done late moves past the occurrences already gone: the next one is ahead', async () => {
    const openid = 'o-late';
    const today = wallOf(Date.now(), SHANGHAI);
    const due = instantOf({ ...addDays(today, -5), hour: 9, minute: 0 }, SHANGHAI);
    const todo = await create(openid, { dueAt: new Date(due).toISOString(), repeat: 'FREQ=DAILY' });
    const { next } = await ok<Completed>({ action: 'complete', id: todo.id }, openid);
    const at = Date.parse(next!.dueAt!);
    expect(at).toBeGreaterThan(Date.now());
    expect(at - Date.now()).toBeLessThanOrEqual(DAY);
    expect(wallOf(at, SHANGHAI)).toMatchObject({ hour: 9, minute: 0 });
  });
});

describe('exactly one next occurrence', () => {
  const repeating = (openid: string) =>
    create(openid, { dueAt: coming(5, 17, 0, SHANGHAI).toISOString(), repeat: 'FREQ=WEEKLY;BYDAY=FR' });

  it('when completes race in several instances at once: one next, and every answer names it', async () => {
    const openid = 'o-race';
    // Warm instances first, so the completes below start together instead of queueing behind cold starts.
    await Promise.all(Array.from({ length: 4 }, () => call({ action: 'summary' }, openid)));
    for (let round = 0; round < 3; round++) {
      const todo = await repeating(`${openid}-${round}`);
      const since = new Date();
      const answers = await Promise.all(
        Array.from({ length: 4 }, () => ok<Completed>({ action: 'complete', id: todo.id }, `${openid}-${round}`)),
      );
      const nextIds = new Set(answers.map((a) => a.next?.id));
      expect(nextIds.size).toBe(1);
      expect([...nextIds][0]).toEqual(expect.any(String));
      expect(await cloud.store.count('todos', { _openid: `${openid}-${round}`, done: false })).toBe(1);
      expect(await cloud.store.count('todos', { _openid: `${openid}-${round}` })).toBe(2);
      // The completes really ran at once: at least two of their main()s overlapped in time.
      const runs = cloud.functions
        .recent(50, { name: 'todo' })
        .filter((r) => r.startedAt >= since && r.openid === `${openid}-${round}`)
        .map((r) => [r.startedAt.getTime(), r.startedAt.getTime() + r.durationMs] as const);
      expect(runs).toHaveLength(4);
      const overlapping = runs.some(([s1, e1], i) => runs.some(([s2, e2], j) => i !== j && s1 < e2 && s2 < e1));
      expect(overlapping).toBe(true);
    }
  });

  it('when a complete finds the next already made but itself still open (the race’s other order)', async () => {
    const openid = 'o-interleaved';
    const todo = await repeating(openid);
    const first = await ok<Completed>({ action: 'complete', id: todo.id }, openid);
    // As a racing call sees it: the next inserted by the other, this one not yet marked done.
    await cloud.store.update('todos', { _id: todo.id }, { $set: { done: false, doneAt: null } });
    const second = await ok<Completed>({ action: 'complete', id: todo.id }, openid);
    expect(second.next).toEqual(first.next);
    // And once done, a complete answers with the same next.
    expect((await ok<Completed>({ action: 'complete', id: todo.id }, openid)).next).toEqual(first.next);
    expect(await cloud.store.count('todos', { _openid: openid })).toBe(2);
  });

  it('when two completes with one requestId race, and when it is retried after its invocation died', async () => {
    const openid = 'o-retried';
    const todo = await repeating(openid);
    const event = { action: 'complete', id: todo.id, requestId: 'req-complete-0001' };
    const [a, b] = await Promise.all([call<Completed>(event, openid), call<Completed>(event, openid)]);
    expect(a).toMatchObject({ ok: true, data: { next: { done: false } } });
    expect(b).toEqual(a);
    // As an invocation killed before it answered leaves the request: running, lapsed, no answer.
    await cloud.store.update(
      'requests',
      { _id: `${openid}:${event.requestId}` },
      { $set: { state: 'running', owner: 'killed', until: new Date(Date.now() - 1000), answer: null } },
    );
    const retried = await call<Completed>(event, openid);
    expect(retried).toMatchObject({ ok: true, data: { next: { id: a.ok ? a.data.next?.id : '' } } });
    expect(await cloud.store.count('todos', { _openid: openid })).toBe(2);
  });
});

describe('skip, stop, and edits of one occurrence', () => {
  it('skip moves this occurrence to the next in place; at the end of the series it is a CONFLICT', async () => {
    const openid = 'o-skip';
    const due = coming(2, 10, 0, SHANGHAI);
    const todo = await create(openid, { dueAt: due.toISOString(), repeat: 'FREQ=WEEKLY;COUNT=2' });
    const { todo: skipped } = await ok<{ todo: Todo }>({ action: 'skip', id: todo.id }, openid);
    expect(skipped).toMatchObject({
      id: todo.id,
      done: false,
      dueAt: new Date(due.getTime() + 7 * DAY).toISOString(),
      repeat: 'FREQ=WEEKLY;COUNT=1',
    });
    expect(await call({ action: 'skip', id: todo.id }, openid)).toMatchObject({
      ok: false,
      code: 'CONFLICT',
      message: expect.stringContaining('last occurrence'),
    });
    const once = await create(openid, { title: 'Once' });
    expect(await call({ action: 'skip', id: once.id }, openid)).toMatchObject({ ok: false, code: 'CONFLICT' });
    expect(await cloud.store.count('todos', { _openid: openid })).toBe(2);
  });

  it('repeat: null stops repeating: complete makes no next', async () => {
    const openid = 'o-stop';
    const todo = await create(openid, { dueAt: coming(4, 9, 0, SHANGHAI).toISOString(), repeat: 'FREQ=DAILY' });
    const { todo: stopped } = await ok<{ todo: Todo }>({ action: 'update', id: todo.id, repeat: null }, openid);
    expect(stopped.repeat).toBeNull();
    expect(await ok<Completed>({ action: 'complete', id: todo.id }, openid)).toMatchObject({ next: null });
  });

  it("scope 'this' changes this occurrence only; 'following' (the default) carries on", async () => {
    const openid = 'o-scope';
    const due = coming(1, 9, 0, SHANGHAI);
    const todo = await create(openid, { dueAt: due.toISOString(), repeat: 'FREQ=WEEKLY', steps: ['Draft'] });
    const moved = new Date(due.getTime() + 2 * 3600_000).toISOString();
    await ok({ action: 'update', id: todo.id, title: 'Report, late edition', dueAt: moved, scope: 'this' }, openid);
    const once = await ok<Completed>({ action: 'complete', id: todo.id }, openid);
    expect(once.todo).toMatchObject({ title: 'Report, late edition', dueAt: moved });
    expect(once.next).toMatchObject({
      title: 'Weekly report',
      dueAt: new Date(due.getTime() + 7 * DAY).toISOString(),
      steps: [{ title: 'Draft', done: false }],
    });

    const next = once.next!;
    await ok({ action: 'update', id: next.id, title: 'Weekly report v2', quadrant: 'q1' }, openid);
    const after = await ok<Completed>({ action: 'complete', id: next.id }, openid);
    expect(after.next).toMatchObject({ title: 'Weekly report v2', quadrant: 'q1' });

    // The rule is the series': not editable for one occurrence.
    expect(
      await call({ action: 'update', id: after.next!.id, repeat: 'FREQ=DAILY', scope: 'this' }, openid),
    ).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT', fields: { scope: expect.any(String) } });
  });

  it('refuses a rule it cannot read, and a rule without a due time', async () => {
    const openid = 'o-bad-rule';
    expect(await call({ action: 'create', title: 'x', quadrant: 'q1', repeat: 'FREQ=HOURLY' }, openid)).toMatchObject({
      ok: false,
      code: 'INVALID_ARGUMENT',
      fields: { repeat: expect.stringContaining('FREQ') },
    });
    expect(await call({ action: 'create', title: 'x', quadrant: 'q1', repeat: 'FREQ=DAILY' }, openid)).toMatchObject({
      ok: false,
      code: 'INVALID_ARGUMENT',
      fields: { repeat: 'needs a dueAt' },
    });
    expect(await cloud.store.count('todos', { _openid: openid })).toBe(0);
  });
});
