import type { ServerErrorCode } from '../../../typings/contract';
import type { Todo } from '../../../typings/todo';
import { eventually } from '../../helpers/eventually';
import { tap, textOf, waitForText } from '../helpers/dom';
import { launchApp, resetMiniProgram, type Rendered } from '../helpers/miniprogram';
import { answering, loginOk, todoOf, patched, withNext } from '../helpers/answers';
import { wxDouble, type CloudHandler } from '../helpers/wx';

const todo = todoOf;

type Calls = Array<{ action: string; data: Record<string, unknown> }>;
type Failure = { code: ServerErrorCode } | { platform: { errCode: number; errMsg: string } };

/** wx.cloud's rejection when the network is down. */
const NETWORK_DOWN = { errCode: -1, errMsg: 'cloud.callFunction:fail request:fail' };
const OFFLINE: Failure = { platform: NETWORK_DOWN };
const NOT_FOUND = { ok: false, code: 'NOT_FOUND', message: 'No such todo.' } as const;

/** `handler`, with every todo call recorded in `calls` and the actions in `fail` failing instead. */
function recording(calls: Calls, handler: CloudHandler, fail: { [action: string]: Failure } = {}): CloudHandler {
  return (name, data) => {
    if (name !== 'todo') return handler(name, data);
    const action = String(data.action);
    calls.push({ action, data });
    const failure = fail[action];
    if (failure && 'platform' in failure) throw failure.platform;
    if (failure) return { ok: false, code: failure.code, message: 'test failure' };
    return handler(name, data);
  };
}

/** `change` applied to the todo with `id` in `all`, or NOT_FOUND. */
function withTodo(all: Todo[], id: string, change: (found: Todo) => Todo) {
  const found = all.find((t) => t.id === id);
  return found ? ({ ok: true, data: { todo: change(found) } } as const) : NOT_FOUND;
}

/**
 * The todo function as the page sees it: pages of 20 from `all`, and the given actions' answers.
 * `fail` makes one action answer with an error instead.
 */
function serve(all: Todo[], options: { fail?: { [action: string]: Failure } } = {}): Calls {
  const calls: Calls = [];
  const fakes = answering({
    login: { login: () => loginOk() },
    todo: {
      list: ({ cursor }) => {
        const start = cursor ? Number(cursor) : 0;
        const items = all.slice(start, start + 20);
        const next = start + 20 < all.length ? String(start + 20) : null;
        return { ok: true, data: { items, nextCursor: next, counts: { q1: all.length, q2: 0, q3: 0, q4: 0 } } };
      },
      get: ({ id }) => withTodo(all, id, (found) => found),
      create: () => NOT_FOUND,
      complete: ({ id }) =>
        withNext(withTodo(all, id, (found) => ({ ...found, done: true, doneAt: '2026-05-02T00:00:00.000Z' }))),
      reopen: ({ id }) => withTodo(all, id, (found) => ({ ...found, done: false })),
      remove: ({ id }) => (all.some((t) => t.id === id) ? { ok: true, data: { id } } : NOT_FOUND),
      update: ({ id, ...patch }) => withTodo(all, id, (found) => patched(found, patch)),
    },
  });
  wxDouble.cloudHandler = recording(calls, fakes, options.fail);
  return calls;
}

async function openTodos(): Promise<{ page: Rendered; stack: ReturnType<typeof launchApp>['stack'] }> {
  const { stack } = launchApp('pages/todos/index?view=list');
  const page = stack.current!.component;
  await eventually(() => !page.data.loading, 'the first page');
  return { page, stack };
}

// Rendering pages with Vant's tabs, swipe cells and checkboxes takes seconds on a busy machine.
jest.setTimeout(30_000);

const items = (page: Rendered) => page.data.items as Array<Todo & { removed?: boolean }>;

describe('Todos page', () => {
  beforeEach(() => {
    resetMiniProgram();
    // Vant tabs call groupSetData, which the simulator lacks; it logs and carries on.
    jest.spyOn(console, 'error').mockImplementation(() => undefined);
  });
  afterEach(() => jest.restoreAllMocks());

  it('shows each todo with its due time, marks overdue ones and reminder outcomes', async () => {
    serve([
      todo(1, { title: '交房租', dueAt: '2020-01-01T01:00:00.000Z' }),
      todo(2, {
        title: '写周报',
        dueAt: '2099-01-01T01:00:00.000Z',
        remindAt: '2099-01-01T00:00:00.000Z',
        reminder: { state: 'no_credit', attempts: 0, error: null, sentAt: null },
      }),
      todo(3, { title: '买菜', done: true }),
    ]);
    const { page } = await openTodos();
    const text = textOf(page);
    expect(text).toContain('交房租');
    expect(text).toContain('2020年1月1日 09:00');
    expect(text).toContain('已逾期');
    expect(text).toContain('未提醒：需重新开启提醒');
    expect(text.match(/已逾期/g)).toHaveLength(1);
    expect(page.dom?.innerHTML).toContain('todo--done');
  });

  it('loads the next 20 at the bottom, sending only the new rows, and says when there is no more', async () => {
    const all = Array.from({ length: 45 }, (_, i) => todo(i));
    const calls = serve(all);
    const { page, stack } = await openTodos();
    expect(items(page)).toHaveLength(20);
    const setData = jest.spyOn(page.instance, 'setData');
    stack.trigger('onReachBottom');
    await eventually(() => items(page).length === 40, 'the second page');
    const keys = setData.mock.calls.flatMap(([data]: [Record<string, unknown>]) => Object.keys(data));
    expect(keys.filter((k: string) => k.startsWith('items'))).toEqual(
      Array.from({ length: 20 }, (_, i) => `items[${20 + i}]`),
    );
    stack.trigger('onReachBottom');
    await waitForText(page, '没有更多了');
    expect(items(page).map((t) => t.id)).toEqual(all.map((t) => t.id));
    expect(calls.filter((c) => c.action === 'list').map((c) => c.data.cursor ?? null)).toEqual([null, '20', '40']);
  });

  it('completing one todo in a list of 200 sends only that row (and the tab badge)', async () => {
    const all = Array.from({ length: 200 }, (_, i) => todo(i));
    const calls = serve(all);
    const { page, stack } = await openTodos();
    for (let n = 40; n <= 200; n += 20) {
      stack.trigger('onReachBottom');
      await eventually(() => items(page).length === Math.min(n, 200), `${n} rows`);
    }
    expect(items(page)).toHaveLength(200);

    const setData = jest.spyOn(page.instance, 'setData');
    tap(page, '#check-t0150', '.van-checkbox__icon-wrap');
    await eventually(() => calls.some((c) => c.action === 'complete'), 'the complete call');
    await eventually(() => items(page)[150].doneAt !== null, 'the saved row');
    const keys = setData.mock.calls.flatMap(([data]: [Record<string, unknown>]) => Object.keys(data));
    expect(keys).toEqual(['items[150].done', 'quadrants[0].count', 'items[150].doneAt', 'items[150].updatedAt']);
    expect(calls.at(-1)).toMatchObject({ action: 'complete', data: { id: 't0150' } });
    expect(items(page)[150].done).toBe(true);
    expect(page.data.quadrants[0].count).toBe(199);
  });

  it('rolls a failed complete back with a clear message', async () => {
    serve([todo(1), todo(2)], { fail: { complete: OFFLINE } });
    const { page } = await openTodos();
    tap(page, '#check-t0001', '.van-checkbox__icon-wrap');
    await eventually(() => wxDouble.api.showToast.mock.calls.length > 0, 'the error toast');
    expect(items(page)[0].done).toBe(false);
    expect(page.data.quadrants[0].count).toBe(2);
    expect(wxDouble.api.showToast).toHaveBeenCalledWith({
      title: '没能标记完成：网络不可用，请检查网络后重试',
      icon: 'none',
      duration: 3000,
    });
  });

  it('deletes with undo: the row hides at once, undo brings it back, nothing is sent', async () => {
    const calls = serve([todo(1, { title: '要删除的' }), todo(2)]);
    const { page } = await openTodos();
    page.querySelector('#delete-t0001')!.dispatchEvent('tap');
    await waitForText(page, '已删除“要删除的” 撤销');
    expect(items(page)[0].removed).toBe(true);
    expect(page.querySelector('#row-t0001')).toBeFalsy();

    page.querySelector('#undo')!.dispatchEvent('tap');
    await eventually(
      () => page.querySelector('#row-t0001') !== undefined && page.querySelector('#row-t0001') !== null,
      'the row back',
    );
    expect(textOf(page)).not.toContain('撤销');
    expect(calls.some((c) => c.action === 'remove')).toBe(false);
  });

  it('removes for good when the person moves on, and restores the row if the cloud refuses', async () => {
    const calls = serve([todo(1), todo(2)]);
    const { page, stack } = await openTodos();
    page.querySelector('#delete-t0001')!.dispatchEvent('tap');
    await eventually(() => items(page)[0].removed === true, 'the row hidden');
    stack.switchTab('/pages/me/index');
    await eventually(() => calls.some((c) => c.action === 'remove'), 'the remove call');
    expect(calls.find((c) => c.action === 'remove')?.data.id).toBe('t0001');

    resetMiniProgram();
    serve([todo(1), todo(2)], { fail: { remove: { code: 'INTERNAL' } } });
    const again = await openTodos();
    again.page.querySelector('#delete-t0002')!.dispatchEvent('tap');
    await eventually(() => items(again.page)[1].removed === true, 'the row hidden');
    again.stack.switchTab('/pages/me/index');
    await eventually(() => items(again.page)[1].removed === false, 'the restored row');
    expect(wxDouble.api.showToast).toHaveBeenCalledWith(
      expect.objectContaining({ title: '没能删除：服务出了点问题，请稍后再试' }),
    );
  });

  it('quick add puts the todo on top at once, and gives the title back if saving fails', async () => {
    const calls = serve([todo(1)], { fail: { create: { code: 'INVALID_ARGUMENT' } } });
    const { page } = await openTodos();
    page.querySelector('#quick-add')!.dispatchEvent('input', { detail: { value: '  打电话给妈妈 ' } });
    page.querySelector('#quick-add')!.dispatchEvent('confirm', { detail: { value: '打电话给妈妈' } });
    await eventually(() => calls.some((c) => c.action === 'create'), 'the create call');
    expect(calls.find((c) => c.action === 'create')?.data).toMatchObject({ title: '打电话给妈妈', quadrant: 'q1' });
    await eventually(() => page.data.quickTitle === '打电话给妈妈', 'the title given back');
    expect(items(page)[0]).toMatchObject({ title: '打电话给妈妈', removed: true });
  });

  it('keeps a todo added while the first list is still loading', async () => {
    const saved = todo(7, { title: '先记下来' });
    const stored: Todo[] = [];
    let releaseFirstList: () => void = () => undefined;
    let lists = 0;
    wxDouble.cloudHandler = answering({
      login: { login: () => loginOk() },
      todo: {
        create: () => {
          stored.push(saved);
          return { ok: true, data: { todo: saved } };
        },
        list: async () => {
          // The first list was read before the todo existed, and answers only after it is saved.
          const snapshot = [...stored];
          if (++lists === 1) await new Promise<void>((resolve) => (releaseFirstList = resolve));
          return {
            ok: true,
            data: { items: snapshot, nextCursor: null, counts: { q1: snapshot.length, q2: 0, q3: 0, q4: 0 } },
          };
        },
      },
    });
    const { stack } = launchApp('pages/todos/index?view=list');
    const page = stack.current!.component;
    await eventually(() => lists === 1, 'the first list call');
    page.querySelector('#quick-add')!.dispatchEvent('input', { detail: { value: '先记下来' } });
    page.querySelector('#quick-add')!.dispatchEvent('confirm', { detail: { value: '先记下来' } });
    await eventually(() => lists === 2, 'the list loaded again after the save');
    releaseFirstList();
    await eventually(() => !page.data.loading, 'loading to end');
    expect(items(page).map((t) => t.title)).toEqual(['先记下来']);
  });

  describe('a todo acted on while it is still being saved', () => {
    /** The todo function with creates that answer only once `release` is called (a retry after it at once). */
    function slowCreate(options: { createFails?: boolean } = {}) {
      const calls: Calls = [];
      const stored: Todo[] = [todo(1)];
      let release: () => void = () => undefined;
      const released = new Promise<void>((resolve) => (release = resolve));
      const fakes = answering({
        login: { login: () => loginOk() },
        todo: {
          list: () => ({
            ok: true,
            data: { items: stored, nextCursor: null, counts: { q1: stored.length, q2: 0, q3: 0, q4: 0 } },
          }),
          create: async ({ title }) => {
            await released;
            if (options.createFails) throw NETWORK_DOWN;
            const saved = todo(9, { title });
            stored.unshift(saved);
            return { ok: true, data: { todo: saved } };
          },
          complete: ({ id }) =>
            withNext(withTodo(stored, id, (found) => ({ ...found, done: true, doneAt: '2026-05-02T00:00:00.000Z' }))),
          remove: ({ id }) => (stored.some((t) => t.id === id) ? { ok: true, data: { id } } : NOT_FOUND),
          update: ({ id, ...patch }) => withTodo(stored, id, (found) => patched(found, patch)),
        },
      });
      wxDouble.cloudHandler = recording(calls, fakes);
      return { calls, release: () => release() };
    }
    const quickAdd = (page: Rendered, title: string): void => {
      page.querySelector('#quick-add')!.dispatchEvent('input', { detail: { value: title } });
      page.querySelector('#quick-add')!.dispatchEvent('confirm', { detail: { value: title } });
    };

    it('a tick stays, and is sent for the saved todo once it has its id', async () => {
      const { calls, release } = slowCreate();
      const { page } = await openTodos();
      quickAdd(page, '刚加的');
      await eventually(() => calls.some((c) => c.action === 'create'), 'the create call');
      const placeholder = items(page)[0].id;
      tap(page, `#check-${placeholder}`, '.van-checkbox__icon-wrap');
      await eventually(() => items(page)[0].done, 'the tick shown');
      expect(calls.some((c) => c.action === 'complete')).toBe(false);

      release();
      await eventually(() => items(page)[0].doneAt !== null, 'the completed row');
      expect(calls.filter((c) => c.action === 'complete').map((c) => c.data.id)).toEqual(['t0009']);
      expect(items(page)[0]).toMatchObject({ id: 't0009', title: '刚加的', done: true });
      expect(page.data.quadrants[0].count).toBe(1);
    });

    it('a delete removes the saved todo, and an edit is sent with the saved id', async () => {
      const first = slowCreate();
      const { page, stack } = await openTodos();
      quickAdd(page, '删掉它');
      await eventually(() => first.calls.some((c) => c.action === 'create'), 'the create call');
      page.querySelector(`#delete-${items(page)[0].id}`)!.dispatchEvent('tap');
      await eventually(() => items(page)[0].removed === true, 'the row hidden');
      first.release();
      await eventually(() => items(page)[0].id === 't0009', 'the saved id');
      expect(items(page)[0].removed).toBe(true);
      stack.switchTab('/pages/me/index');
      await eventually(() => first.calls.some((c) => c.action === 'remove'), 'the remove call');
      expect(first.calls.find((c) => c.action === 'remove')?.data.id).toBe('t0009');

      resetMiniProgram();
      const second = slowCreate();
      const again = await openTodos();
      quickAdd(again.page, '改个名');
      await eventually(() => second.calls.some((c) => c.action === 'create'), 'the create call');
      const instance = again.page.instance as unknown as { onSave(e: { detail: object }): void };
      instance.onSave({ detail: { patch: { id: items(again.page)[0].id, title: '改好的名字' } } });
      expect(items(again.page)[0].title).toBe('改好的名字');
      second.release();
      await eventually(() => second.calls.some((c) => c.action === 'update'), 'the update call');
      expect(second.calls.find((c) => c.action === 'update')?.data).toMatchObject({ id: 't0009', title: '改好的名字' });
      await eventually(() => items(again.page)[0].id === 't0009', 'the saved row');
      expect(items(again.page)[0].title).toBe('改好的名字');
    });

    it('a ticked todo that could not be saved leaves, with the count right and nothing else sent', async () => {
      const { calls, release } = slowCreate({ createFails: true });
      const { page } = await openTodos();
      quickAdd(page, '存不上');
      await eventually(() => calls.some((c) => c.action === 'create'), 'the create call');
      tap(page, `#check-${items(page)[0].id}`, '.van-checkbox__icon-wrap');
      await eventually(() => items(page)[0].done, 'the tick shown');
      release();
      await eventually(() => items(page)[0].removed === true, 'the row gone');
      expect(page.data.quadrants[0].count).toBe(1);
      expect(calls.map((c) => c.action)).not.toContain('complete');
      // A lost answer is asked for once more, with the same requestId, before the page gives up.
      const creates = calls.filter((c) => c.action === 'create');
      expect(creates).toHaveLength(2);
      expect(creates[1].data.requestId).toBe(creates[0].data.requestId);
      expect(wxDouble.api.showToast).toHaveBeenCalledWith(
        expect.objectContaining({ title: expect.stringContaining('网络') }),
      );
    });

    it('two todos added in the same moment keep apart', async () => {
      const { calls, release } = slowCreate();
      const { page } = await openTodos();
      jest.spyOn(Date, 'now').mockReturnValue(Date.parse('2026-05-01T00:00:00.000Z'));
      quickAdd(page, '一');
      quickAdd(page, '二');
      await eventually(() => items(page).length === 3, 'both placeholders');
      expect(new Set(items(page).map((t) => t.id)).size).toBe(3);
      release();
      expect(calls.filter((c) => c.action === 'create')).toHaveLength(2);
    });
  });

  it('an edit shows at once and is rolled back when the cloud refuses it', async () => {
    serve([todo(1, { title: 'Old title' })], { fail: { update: { code: 'CONFLICT' } } });
    const { page } = await openTodos();
    const instance = page.instance as unknown as { onSave(e: { detail: object }): void };
    instance.onSave({ detail: { patch: { id: 't0001', title: 'New title' } } });
    expect(items(page)[0].title).toBe('New title');
    await eventually(() => items(page)[0].title === 'Old title', 'the rollback');
    expect(wxDouble.api.showToast).toHaveBeenCalledWith(
      expect.objectContaining({ title: '没能保存修改：内容已被修改，请刷新后再试' }),
    );
  });

  it('opens the todo a reminder points at', async () => {
    const calls = serve([todo(7, { title: '提醒打开的' })]);
    const { stack } = launchApp('pages/todos/index?id=t0007');
    const page = stack.current!.component;
    await eventually(() => page.data.editor.show === true, 'the editor');
    expect(calls.filter((c) => c.action === 'get')).toEqual([
      { action: 'get', data: { action: 'get', id: 't0007', tz: 'Asia/Shanghai' } },
    ]);
    expect(page.data.editor.todo.title).toBe('提醒打开的');
  });
});
