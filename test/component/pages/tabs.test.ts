import { launchApp, resetMiniProgram } from '../helpers/miniprogram';
import { eventually } from '../../helpers/eventually';
import { textOf, waitForText } from '../helpers/dom';
import { answering, emptyTodoList, loginOk } from '../helpers/answers';
import { wxDouble } from '../helpers/wx';

/** A signed-in person with no todos and an unused chat allowance. */
const signedIn = () =>
  answering({
    login: { login: () => loginOk() },
    todo: { list: () => emptyTodoList() },
    chat: {
      quota: () => ({ ok: true, data: { limit: 50, used: 0, remaining: 50, resetsAt: '2026-05-02T16:00:00.000Z' } }),
    },
  });

// Rendering Vant's tabs takes seconds on a busy machine.
jest.setTimeout(30_000);

describe('Todos page', () => {
  beforeEach(() => {
    resetMiniProgram();
    jest.spyOn(console, 'error').mockImplementation(() => undefined);
    wxDouble.cloudHandler = signedIn();
  });
  afterEach(() => jest.restoreAllMocks());

  it('shows the four quadrants and an empty state once signed in, each heading the name of its tab', async () => {
    const { stack } = launchApp('pages/todos/index?view=list');
    const page = stack.current!.component;
    await eventually(() => !page.data.loading, 'loading to end');
    for (const label of ['马上做', '计划做', '交给别人', '以后再说', '重要且紧急', '这里还没有待办']) {
      expect(textOf(page)).toContain(label);
    }
    const heading = () => page.querySelector('.todos__title')!.dom!.textContent!.trim();
    for (const [index, tab] of ['马上做', '计划做', '交给别人', '以后再说'].entries()) {
      (page.instance as unknown as { onTabChange(e: { detail: { name: number } }): void }).onTabChange({
        detail: { name: index },
      });
      await eventually(
        () => heading() === tab,
        () => `the heading of tab ${tab} (shown: ${heading()})`,
      );
    }
  });

  it('reopens on the quadrant last looked at', async () => {
    wxDouble.storage.set('todos.activeTab', 2);
    const { stack } = launchApp('pages/todos/index?view=list');
    expect(stack.current!.component.data.active).toBe(2);
  });

  it('remembers a tab change', () => {
    const { stack } = launchApp('pages/todos/index?view=list');
    (
      stack.current!.component.instance as unknown as { onTabChange(e: { detail: { name: number } }): void }
    ).onTabChange({
      detail: { name: 3 },
    });
    expect(stack.current!.component.data.active).toBe(3);
    expect(wxDouble.storage.get('todos.activeTab')).toBe(3);
  });

  it('shows a failed sign-in with a retry, and tries again when the tab is shown again', async () => {
    wxDouble.cloudHandler = answering({
      login: { login: () => ({ ok: false, code: 'PERMISSION_DENIED', message: 'no' }) },
    });
    const { stack } = launchApp('pages/todos/index?view=list');
    const page = stack.current!.component;
    await waitForText(page, '没有权限进行此操作');

    wxDouble.cloudHandler = signedIn();
    stack.switchTab('/pages/me/index');
    stack.switchTab('/pages/todos/index');
    await waitForText(page, '这里还没有待办');
  });

  it('stops the pull-down spinner after refreshing, and shares the home page', async () => {
    const { stack } = launchApp('pages/todos/index?view=list');
    await stack.trigger('onPullDownRefresh');
    expect(wxDouble.api.stopPullDownRefresh).toHaveBeenCalledTimes(1);
    expect(stack.trigger('onShareAppMessage', { from: 'menu' })).toEqual({
      title: '用四象限安排你的待办',
      path: '/pages/todos/index',
    });
  });
});

describe('Chat page', () => {
  beforeEach(() => {
    resetMiniProgram();
    wxDouble.cloudHandler = signedIn();
  });

  it('shows "connecting" until the user is known, then the empty conversation', async () => {
    const { stack } = launchApp('pages/chat/index');
    const page = stack.current!.component;
    expect(textOf(page)).toContain('正在连接');
    await waitForText(page, '问我任何问题');
  });

  it('keeps an unsent draft across leaving the tab and a cold start', async () => {
    const { stack } = launchApp('pages/chat/index');
    const page = stack.current!.component;
    (page.instance as unknown as { onDraftChange(e: { detail: string }): void }).onDraftChange({
      detail: '帮我拆解周报',
    });
    stack.switchTab('/pages/todos/index');
    expect(wxDouble.storage.get('chat.draft')).toBe('帮我拆解周报');

    resetMiniProgram();
    const again = launchApp('pages/chat/index');
    expect(again.stack.current!.component.data.draft).toBe('帮我拆解周报');
  });
});
