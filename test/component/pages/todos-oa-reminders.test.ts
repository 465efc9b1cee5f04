/** The todos page's words for reminders the Official Account carried, or could not. */
import type { Todo } from '../../../typings/todo';
import { answering, loginOk, oneOff } from '../helpers/answers';
import { eventually } from '../../helpers/eventually';
import { textOf } from '../helpers/dom';
import { launchApp, resetMiniProgram } from '../helpers/miniprogram';
import { wxDouble } from '../helpers/wx';

jest.setTimeout(30_000);

const reminded = (id: string, title: string, reminder: Todo['reminder']): Todo => ({
  id,
  title,
  note: '',
  quadrant: 'q1',
  done: false,
  dueAt: '2099-01-01T01:00:00.000Z',
  remindAt: '2099-01-01T00:00:00.000Z',
  reminder,
  ...oneOff(),
  createdAt: '2026-05-01T00:00:00.000Z',
  updatedAt: '2026-05-01T00:00:00.000Z',
  doneAt: null,
});

beforeEach(() => {
  resetMiniProgram();
  // Vant tabs call groupSetData, which the simulator lacks; it logs and carries on.
  jest.spyOn(console, 'error').mockImplementation(() => undefined);
});
afterEach(() => jest.restoreAllMocks());

it('says a reminder came from the Official Account, that they unfollowed (43004), or that its template is gone (40037)', async () => {
  const items = [
    reminded('t1', '交报告', {
      state: 'sent',
      attempts: 1,
      error: null,
      sentAt: '2026-05-01T00:00:00.000Z',
      via: 'oa',
    }),
    reminded('t2', '续费', {
      state: 'unfollowed',
      attempts: 1,
      error: { errcode: 43004, errmsg: 'require subscribe' },
      sentAt: null,
    }),
    reminded('t3', '体检', {
      state: 'failed',
      attempts: 1,
      error: { errcode: 40037, errmsg: 'invalid template_id' },
      sentAt: null,
    }),
  ];
  wxDouble.cloudHandler = answering({
    login: { login: () => loginOk() },
    todo: { list: () => ({ ok: true, data: { items, nextCursor: null, counts: { q1: 3, q2: 0, q3: 0, q4: 0 } } }) },
  });
  const { stack } = launchApp('pages/todos/index?view=list');
  const page = stack.current!.component;
  await eventually(() => !page.data.loading, 'the first page');
  const text = textOf(page);
  expect(text).toContain('已通过公众号提醒');
  expect(text).toContain('未提醒：已取消关注公众号');
  expect(text).toContain('提醒失败：消息模板已失效');
  expect(page.dom?.innerHTML).toContain('todo__reminder--unfollowed');
});
