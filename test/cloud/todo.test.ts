import type { LocalCloud } from 'cloudbase-local';
import type { ApiResult } from '../../typings/contract';
import type { SubscriptionCredit, Todo, TodoListResult } from '../../typings/todo';
import { reminderFields } from '../../server/todo/rules';
import { NO_DUE } from '../../server/todo/store';
import { invoke, startTestCloud } from '../helpers/local-cloud';

type One = ApiResult<{ todo: Todo }>;
type List = ApiResult<TodoListResult>;

let cloud: LocalCloud;

beforeAll(async () => {
  // The one template reminders are sent with; a credit for any other would never be spent.
  cloud = await startTestCloud({ functionEnv: { REMIND_TEMPLATE_ID: 'tpl-A' } });
});
afterAll(() => cloud?.close());

const HOUR = 3600_000;
const inHours = (h: number) => new Date(Date.now() + h * HOUR).toISOString();

const call = <T>(event: object, openid = 'o-alice') => invoke<T>(cloud, 'todo', event, { openid });

async function create(fields: object = {}, openid = 'o-alice'): Promise<Todo> {
  const result = await call<One>({ action: 'create', title: 'Write report', quadrant: 'q1', ...fields }, openid);
  if (!result.ok) throw new Error(`create failed: ${JSON.stringify(result)}`);
  return result.data.todo;
}

const snapshot = async () => ({
  todos: await cloud.store.find('todos', {}, { sort: [['_id', 1]] }),
  subscriptions: await cloud.store.find('subscriptions', {}, { sort: [['_id', 1]] }),
});

describe('create and get', () => {
  it('stores a trimmed todo owned by the caller, with UTC dates and _openid', async () => {
    const dueAt = inHours(5);
    const remindAt = inHours(4);
    const todo = await create({ title: '  Call the bank  ', note: 'about the card', quadrant: 'q2', dueAt, remindAt });
    expect(todo).toMatchObject({
      title: 'Call the bank',
      note: 'about the card',
      quadrant: 'q2',
      done: false,
      dueAt,
      remindAt,
      reminder: { state: 'pending', attempts: 0, error: null, sentAt: null },
      doneAt: null,
    });
    const [doc] = await cloud.store.find('todos', { _id: todo.id });
    expect(doc).toMatchObject({ _openid: 'o-alice', title: 'Call the bank', remindState: 'pending' });
    expect(doc.dueAt).toEqual(new Date(dueAt));
    expect(doc.createdAt).toBeInstanceOf(Date);

    await expect(call<One>({ action: 'get', id: todo.id })).resolves.toEqual({ ok: true, data: { todo } });
  });

  it('keeps the line breaks and tabs of a note', async () => {
    const todo = await create({ note: 'first\n\tsecond\r\nthird' });
    expect(todo.note).toBe('first\n\tsecond\r\nthird');
  });

  it('accepts a todo without times, and its reminder is "none"', async () => {
    const todo = await create({ title: 'Someday' });
    expect(todo).toMatchObject({ dueAt: null, remindAt: null, reminder: { state: 'none' } });
  });
});

describe('validation: every field, and nothing written', () => {
  const cases: Array<[string, object, Record<string, string>]> = [
    ['empty title', { title: '   ' }, { title: 'must not be empty' }],
    ['long title', { title: 'x'.repeat(101) }, { title: 'must be at most 100 characters' }],
    ['title not a string', { title: 5 }, { title: 'must be a string, got a number' }],
    ['long note', { note: 'n'.repeat(1001) }, { note: 'must be at most 1000 characters' }],
    ['bad quadrant', { quadrant: 'q5' }, { quadrant: 'must be one of "q1", "q2", "q3", "q4"' }],
    ['due without zone', { dueAt: '2030-05-01T09:00:00' }, { dueAt: expect.stringContaining('ISO 8601') }],
    // Date would store March 2nd for this one.
    ['impossible due date', { dueAt: '2027-02-30T00:00:00Z' }, { dueAt: expect.stringContaining('ISO 8601') }],
    ['remind not a date', { dueAt: inHours(2), remindAt: 'tomorrow' }, { remindAt: expect.stringContaining('ISO') }],
    ['remind after due', { dueAt: inHours(2), remindAt: inHours(3) }, { remindAt: 'must not be after dueAt' }],
    ['remind without due', { remindAt: inHours(3) }, { remindAt: 'needs a dueAt' }],
    ['remind in the past', { dueAt: inHours(2), remindAt: inHours(-1) }, { remindAt: 'is in the past' }],
    ['due too late', { dueAt: '2150-01-01T00:00:00Z' }, { dueAt: 'must be before 2100' }],
    ['unknown field', { done: true }, { done: 'is not a known field' }],
    ['NUL in the title', { title: 'a\u0000b' }, { title: expect.stringContaining('control characters (U+0000') }],
    ['a lone surrogate in the title', { title: '\ud800' }, { title: expect.stringContaining('unpaired surrogate') }],
    ['a line break in the title', { title: 'a\nb' }, { title: expect.stringContaining('control characters') }],
    ['NUL in the note', { note: 'line\n\u0000' }, { note: expect.stringContaining('U+0000 at character 6') }],
    ['a lone surrogate in the note', { note: 'x\udfff' }, { note: expect.stringContaining('unpaired surrogate') }],
  ];
  it.each(cases)('create refuses %s', async (_label, fields, issues) => {
    const before = await snapshot();
    const result = await call<One>({ action: 'create', title: 'ok', quadrant: 'q1', ...fields });
    expect(result).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT', fields: issues });
    expect(await snapshot()).toEqual(before);
  });

  it('update refuses bad fields, an empty patch, and a reminder after the stored due time', async () => {
    const todo = await create({ dueAt: inHours(2) });
    const before = await snapshot();
    for (const [patch, issues] of [
      [{ title: '' }, { title: 'must not be empty' }],
      [{ quadrant: 'urgent' }, { quadrant: expect.any(String) }],
      [{ note: 'n'.repeat(1001) }, { note: expect.any(String) }],
      [{ dueAt: 42 }, { dueAt: expect.any(String) }],
      [{ remindAt: inHours(3) }, { remindAt: 'must not be after dueAt' }],
      [{}, { title: 'or another field is required' }],
      [{ id: '' }, { id: 'must not be empty' }],
      [{ id: { $ne: null } }, { id: 'must be a string, got an object' }],
    ] as Array<[object, object]>) {
      const result = await call<One>({ action: 'update', id: todo.id, ...patch });
      expect(result).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT', fields: issues });
    }
    expect(await snapshot()).toEqual(before);
  });

  it.each(['get', 'complete', 'reopen', 'remove'])('%s refuses a missing or malformed id', async (action) => {
    const before = await snapshot();
    await expect(call<One>({ action })).resolves.toMatchObject({ ok: false, fields: { id: 'is required' } });
    await expect(call<One>({ action, id: 'a/b' })).resolves.toMatchObject({ fields: { id: 'has an invalid format' } });
    expect(await snapshot()).toEqual(before);
  });

  it('list refuses a bad quadrant, status or cursor; subscribe a bad template id', async () => {
    await expect(call<List>({ action: 'list', quadrant: 'q0' })).resolves.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(call<List>({ action: 'list', status: 'later' })).resolves.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(call<List>({ action: 'list', cursor: 'not-a-cursor' })).resolves.toMatchObject({
      code: 'INVALID_ARGUMENT',
      fields: { cursor: 'is not a cursor from a previous page' },
    });
    const before = await snapshot();
    await expect(call({ action: 'subscribe', templateId: 'x y' })).resolves.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(call({ action: 'subscribe' })).resolves.toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(await snapshot()).toEqual(before);
  });

  it('refuses unknown actions and callers without an openid', async () => {
    const before = await snapshot();
    await expect(call({ action: 'purge' })).resolves.toMatchObject({ ok: false, code: 'UNKNOWN_ACTION' });
    await expect(invoke(cloud, 'todo', { action: 'create', title: 'x', quadrant: 'q1' }, {})).resolves.toMatchObject({
      ok: false,
      code: 'UNAUTHENTICATED',
    });
    expect(await snapshot()).toEqual(before);
  });
});

describe('another user', () => {
  it('gets NOT_FOUND for every action on my todo, and changes nothing', async () => {
    const mine = await create({ dueAt: inHours(3) });
    const before = await snapshot();
    for (const event of [
      { action: 'get', id: mine.id },
      { action: 'update', id: mine.id, title: 'hacked' },
      { action: 'update', id: mine.id, remindAt: inHours(9) },
      { action: 'complete', id: mine.id },
      { action: 'reopen', id: mine.id },
      { action: 'remove', id: mine.id },
    ]) {
      await expect(call(event, 'o-mallory')).resolves.toEqual({
        ok: false,
        code: 'NOT_FOUND',
        message: 'No such todo.',
      });
    }
    const list = await call<List>({ action: 'list' }, 'o-mallory');
    expect(list).toMatchObject({ ok: true, data: { items: [], counts: { q1: 0, q2: 0, q3: 0, q4: 0 } } });
    expect(await snapshot()).toEqual(before);
  });
});

describe('update, complete, reopen, remove', () => {
  it('updates fields, and a new reminder time resets the reminder', async () => {
    const todo = await create({ dueAt: inHours(3), remindAt: inHours(2) });
    await cloud.store.update('todos', { _id: todo.id }, { $set: { remindState: 'sent', remindAttempts: 1 } });
    const dueAt = inHours(6);
    const remindAt = inHours(5);
    const result = await call<One>({
      action: 'update',
      id: todo.id,
      title: 'Renamed',
      quadrant: 'q3',
      dueAt,
      remindAt,
    });
    expect(result).toMatchObject({
      ok: true,
      data: {
        todo: { title: 'Renamed', quadrant: 'q3', dueAt, remindAt, reminder: { state: 'pending', attempts: 0 } },
      },
    });
    const [doc] = await cloud.store.find('todos', { _id: todo.id });
    expect(doc).toMatchObject({
      title: 'Renamed',
      quadrant: 'q3',
      remindState: 'pending',
      remindNextAt: new Date(remindAt),
    });
  });

  it('clearing the due time clears the reminder', async () => {
    const todo = await create({ dueAt: inHours(3), remindAt: inHours(2) });
    const result = await call<One>({ action: 'update', id: todo.id, dueAt: null });
    expect(result).toMatchObject({
      ok: true,
      data: { todo: { dueAt: null, remindAt: null, reminder: { state: 'none' } } },
    });
  });

  it('completes and reopens, idempotently', async () => {
    const todo = await create();
    const done = await call<One>({ action: 'complete', id: todo.id });
    expect(done).toMatchObject({ ok: true, data: { todo: { done: true, doneAt: expect.any(String) } } });
    await expect(call<One>({ action: 'complete', id: todo.id })).resolves.toEqual(done);
    const open = await call<One>({ action: 'reopen', id: todo.id });
    expect(open).toMatchObject({ ok: true, data: { todo: { done: false, doneAt: null } } });
    const [doc] = await cloud.store.find('todos', { _id: todo.id });
    expect(doc).toMatchObject({ done: false, doneAt: null });
  });

  it('removes, and a second remove is NOT_FOUND', async () => {
    const todo = await create();
    await expect(call({ action: 'remove', id: todo.id })).resolves.toEqual({ ok: true, data: { id: todo.id } });
    expect(await cloud.store.find('todos', { _id: todo.id })).toEqual([]);
    await expect(call({ action: 'remove', id: todo.id })).resolves.toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('list', () => {
  const user = 'o-lister';
  it('orders undone first, then due time (none last), then created; pages by 20 with a cursor; counts per quadrant', async () => {
    const base = Date.UTC(2030, 0, 1);
    const docs = Array.from({ length: 45 }, (_, i) => ({
      _id: `t${String(i).padStart(3, '0')}`,
      _openid: user,
      title: `todo ${i}`,
      note: '',
      quadrant: i % 5 === 0 ? 'q2' : 'q1',
      done: i % 3 === 0,
      dueAt: i % 4 === 0 ? null : new Date(base + (i % 7) * HOUR),
      sortDue: i % 4 === 0 ? NO_DUE : new Date(base + (i % 7) * HOUR),
      ...reminderFields(null),
      createdAt: new Date(base - (i % 2) * HOUR),
      updatedAt: new Date(base),
      doneAt: null,
    }));
    await cloud.store.insert('todos', docs);
    const q1 = docs.filter((d) => d.quadrant === 'q1');
    const expected = [...q1]
      .sort(
        (a, b) =>
          Number(a.done) - Number(b.done) ||
          a.sortDue.getTime() - b.sortDue.getTime() ||
          a.createdAt.getTime() - b.createdAt.getTime() ||
          a._id.localeCompare(b._id),
      )
      .map((d) => d._id);

    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const result = await call<List>({ action: 'list', quadrant: 'q1', ...(cursor ? { cursor } : {}) }, user);
      if (!result.ok) throw new Error(JSON.stringify(result));
      expect(result.data.items.length).toBeLessThanOrEqual(20);
      expect(result.data.counts).toEqual({
        q1: q1.filter((d) => !d.done).length,
        q2: docs.filter((d) => d.quadrant === 'q2' && !d.done).length,
        q3: 0,
        q4: 0,
      });
      seen.push(...result.data.items.map((t) => t.id));
      cursor = result.data.nextCursor ?? undefined;
      pages++;
    } while (cursor);
    expect(pages).toBe(2);
    expect(seen).toEqual(expected);

    const open = await call<List>({ action: 'list', quadrant: 'q1', status: 'open' }, user);
    expect(open.ok && open.data.items.every((t) => !t.done)).toBe(true);
    const done = await call<List>({ action: 'list', status: 'done' }, user);
    expect(done.ok && done.data.items.every((t) => t.done)).toBe(true);
  });

  it('a todo added before the cursor between pages shifts nothing: no row repeats or goes missing', async () => {
    const first = await call<List>({ action: 'list', quadrant: 'q1', status: 'open' }, user);
    if (!first.ok || !first.data.nextCursor) throw new Error('list failed');
    const rest = await call<List>(
      { action: 'list', quadrant: 'q1', status: 'open', cursor: first.data.nextCursor },
      user,
    );
    // Due earliest, so it sorts at the very top, before everything already shown.
    await create({ title: 'urgent', quadrant: 'q1', dueAt: '2029-01-01T00:00:00Z' }, user);
    const again = await call<List>(
      { action: 'list', quadrant: 'q1', status: 'open', cursor: first.data.nextCursor },
      user,
    );
    expect(again).toEqual(
      rest.ok
        ? { ...rest, data: { ...rest.data, counts: { ...rest.data.counts, q1: rest.data.counts.q1 + 1 } } }
        : rest,
    );
  });
});

describe('subscribe', () => {
  it('records one document per user and template, credits accumulating across accepts', async () => {
    const first = await call<ApiResult<SubscriptionCredit>>({ action: 'subscribe', templateId: 'tpl-A' }, 'o-sub');
    expect(first).toEqual({ ok: true, data: { templateId: 'tpl-A', credits: 1 } });
    await Promise.all([
      call({ action: 'subscribe', templateId: 'tpl-A' }, 'o-sub'),
      call({ action: 'subscribe', templateId: 'tpl-A' }, 'o-sub'),
    ]);
    const docs = await cloud.store.find('subscriptions', { _openid: 'o-sub' }, { sort: [['_id', 1]] });
    expect(docs).toMatchObject([{ _id: 'o-sub:tpl-A', templateId: 'tpl-A', credits: 3 }]);
  });

  it('refuses a template reminders are not sent with, and stores no credit for it', async () => {
    const before = await snapshot();
    const result = await call({ action: 'subscribe', templateId: 'tpl-B' }, 'o-sub');
    expect(result).toMatchObject({
      ok: false,
      code: 'INVALID_ARGUMENT',
      fields: { templateId: 'is not a configured reminder template' },
    });
    expect(await snapshot()).toEqual(before);
  });
});
