/**
 * The todo page's states as a person meets them: the last row gone, a quadrant switch that fails,
 * failures one after another, a ticked todo moving below the open ones, a reminder opening its own
 * quadrant, and the page in English.
 */
import type { ServerErrorCode } from '../../../typings/contract';
import type { EventOf } from '../../../typings/functions';
import type { Todo } from '../../../typings/todo';
import { eventually } from '../../helpers/eventually';
import { tap, textOf, waitForText } from '../helpers/dom';
import { launchApp, resetMiniProgram, type Rendered } from '../helpers/miniprogram';
import { answering, loginOk, todoOf, patched, withNext } from '../helpers/answers';
import { wxDouble } from '../helpers/wx';

const todo = todoOf;

type Failure = { code: ServerErrorCode } | { platform: { errCode: number; errMsg: string } };

const NOT_FOUND = { ok: false, code: 'NOT_FOUND', message: 'No such todo.' } as const;

/**
 * The todo function, one quadrant per list call; `failures` answers the next list calls with an
 * error (a contract code, or a platform failure thrown as wx.cloud does) before serving again.
 */
function serve(all: Todo[], failures: Failure[] = []): Array<EventOf<'todo', 'list'>> {
  const lists: Array<EventOf<'todo', 'list'>> = [];
  /** `change` applied to the todo `id` names, or NOT_FOUND. */
  const withTodo = (id: string, change: (found: Todo) => Todo) => {
    const found = all.find((t) => t.id === id);
    return found ? ({ ok: true, data: { todo: change(found) } } as const) : NOT_FOUND;
  };
  wxDouble.cloudHandler = answering({
    login: { login: () => loginOk() },
    todo: {
      list: (event) => {
        lists.push(event);
        const failure = failures.shift();
        if (failure && 'platform' in failure) throw failure.platform;
        if (failure) return { ok: false, code: failure.code, message: 'test failure' };
        const items = all.filter((t) => t.quadrant === event.quadrant);
        const counts = { q1: 0, q2: 0, q3: 0, q4: 0 };
        for (const t of all) if (!t.done) counts[t.quadrant]++;
        return { ok: true, data: { items, nextCursor: null, counts } };
      },
      get: ({ id }) => withTodo(id, (found) => found),
      complete: ({ id }) =>
        withNext(withTodo(id, (found) => ({ ...found, done: true, doneAt: '2026-05-02T00:00:00.000Z' }))),
      update: ({ id, ...patch }) => withTodo(id, (found) => patched(found, patch)),
      remove: ({ id }) => (all.some((t) => t.id === id) ? { ok: true, data: { id } } : NOT_FOUND),
    },
  });
  return lists;
}

async function openTodos(route = 'pages/todos/index?view=list'): Promise<Rendered> {
  const { stack } = launchApp(route);
  const page = stack.current!.component;
  await eventually(() => !page.data.loading, 'the first page');
  return page;
}

const NETWORK_DOWN = { platform: { errCode: -1, errMsg: 'cloud.callFunction:fail request:fail' } };

jest.setTimeout(30_000);

describe('Todos page states', () => {
  beforeEach(() => {
    resetMiniProgram();
    jest.spyOn(console, 'error').mockImplementation(() => undefined);
  });
  afterEach(() => jest.restoreAllMocks());

  it('shows the empty state, not "no more", once the last todo of a quadrant is deleted', async () => {
    serve([todo(1, { title: '唯一的' })]);
    const page = await openTodos();
    expect(textOf(page)).toContain('没有更多了');
    page.querySelector('#delete-t0001')!.dispatchEvent('tap');
    await waitForText(page, '这里还没有待办');
    expect(textOf(page)).not.toContain('没有更多了');
    expect(textOf(page)).toContain('已删除“唯一的” 撤销');
  });

  it('shows the empty state once the last todo is moved to another quadrant', async () => {
    serve([todo(1)]);
    const page = await openTodos();
    const instance = page.instance as unknown as { onSave(e: { detail: object }): void };
    instance.onSave({ detail: { patch: { id: 't0001', quadrant: 'q2' } } });
    await waitForText(page, '这里还没有待办');
    expect(textOf(page)).not.toContain('没有更多了');
    expect(page.data.quadrants[1].count).toBe(1);
  });

  it("a failed switch shows the new quadrant's error with a retry, never the old quadrant's rows", async () => {
    const lists = serve([todo(1, { title: '第一象限的' }), todo(2, { title: '第二象限的', quadrant: 'q2' })]);
    const page = await openTodos();
    expect(textOf(page)).toContain('第一象限的');
    // The second list call (the switch) fails inside the service.
    serve([todo(1, { title: '第一象限的' }), todo(2, { title: '第二象限的', quadrant: 'q2' })], [{ code: 'INTERNAL' }]);
    (page.instance as unknown as { onTabChange(e: { detail: { name: number } }): void }).onTabChange({
      detail: { name: 1 },
    });
    await waitForText(page, '服务出了点问题，请稍后再试');
    expect(textOf(page)).toContain('重要不紧急');
    expect(textOf(page)).not.toContain('第一象限的');
    expect(lists.length).toBe(1);
    tap(page, '#retry');
    await waitForText(page, '第二象限的');
    expect(textOf(page)).not.toContain('服务出了点问题');
  });

  it('says what failed each time, network then service, and keeps the retry until one works', async () => {
    serve([todo(1, { title: '终于加载了' })], [NETWORK_DOWN, { platform: { errCode: -501001, errMsg: 'fail' } }]);
    const page = await openTodos();
    expect(textOf(page)).toContain('网络不可用，请检查网络后重试');
    tap(page, '#retry');
    await waitForText(page, '服务暂不可用，请稍后再试');
    expect(textOf(page)).not.toContain('没有更多了');
    expect(page.querySelector('#retry')).toBeTruthy();
    tap(page, '#retry');
    await waitForText(page, '终于加载了');
  });

  it('moves a ticked todo below the open ones without sending the list again', async () => {
    serve([todo(1, { title: '先做的' }), todo(2), todo(3)]);
    const page = await openTodos();
    const setData = jest.spyOn(page.instance, 'setData');
    tap(page, '#check-t0001', '.van-checkbox__icon-wrap');
    await eventually(() => page.data.items[0].doneAt !== null, 'the saved row');
    const keys = setData.mock.calls.flatMap(([data]: [Record<string, unknown>]) => Object.keys(data));
    expect(keys).not.toContain('items');
    const order = (id: string): string | null | undefined => {
      const host = page.querySelector(`#row-${id}`) as unknown as { dom?: Element } | undefined;
      return host?.dom?.getAttribute('style');
    };
    await eventually(
      () => /order:\s*1/.test(order('t0001') ?? ''),
      () => `row order (style: ${order('t0001')})`,
    );
    expect(order('t0002')).toMatch(/order:\s*0/);
    // The first open row now starts the list, without a divider above it.
    expect(page.dom?.innerHTML).toMatch(/todo--first/);
  });

  it("opens a todo from its reminder on its own quadrant, over that quadrant's list", async () => {
    wxDouble.storage.set('todos.activeTab', 0);
    const lists = serve([todo(1, { title: '第一象限的' }), todo(9, { title: '提醒的', quadrant: 'q3' })]);
    const { stack } = launchApp('pages/todos/index?id=t0009');
    const page = stack.current!.component;
    await eventually(() => page.data.editor.show === true && !page.data.loading, 'the editor over the list');
    expect(page.data.active).toBe(2);
    expect(lists.map((l) => l.quadrant)).toEqual(['q3']);
    expect(textOf(page)).toContain('紧急不重要');
    expect(textOf(page)).not.toContain('第一象限的');
  });

  it('speaks English when WeChat does', async () => {
    wxDouble.language = 'en';
    serve([], [NETWORK_DOWN]);
    const page = await openTodos();
    expect(textOf(page)).toContain('Do now');
    expect(textOf(page)).toContain('No network. Check your connection and retry.');
    expect(textOf(page)).toContain('Retry');
    tap(page, '#retry');
    await waitForText(page, 'Nothing here yet');
    expect(wxDouble.api.setNavigationBarTitle).toHaveBeenCalledWith({ title: 'Todos' });
    expect(wxDouble.api.setTabBarItem).toHaveBeenCalledWith({ index: 2, text: 'Me' });
  });
});
