/** The chat's todo card says what the reply and the Todos tab say: when a reminder is set, it is set. */
import { eventually } from '../../helpers/eventually';
import { textOf } from '../helpers/dom';
import { launchApp, renderComponent, resetMiniProgram } from '../helpers/miniprogram';

const card = (remindAt: string | null) => ({
  type: 'todo',
  todoId: 't1',
  title: '交报告',
  quadrant: 'q1',
  dueAt: '2030-12-08T01:00:00.000Z',
  remindAt,
});

describe('todo card', () => {
  beforeEach(() => {
    resetMiniProgram();
    launchApp();
  });

  it('shows a set reminder as set, with its time, and offers WeChat permission apart from it', async () => {
    const rendered = renderComponent('subpackages/chat/todo-card/index', {
      card: card('2030-12-08T01:00:00.000Z'),
      messageId: 'm1',
    });
    await eventually(() => textOf(rendered).includes('提醒'), 'the reminder line');
    const text = textOf(rendered);
    expect(text).toContain('2030年12月8日 09:00 提醒');
    expect(text).toContain('允许微信通知');
    expect(text).not.toContain('开启提醒');
  });

  it('says nothing of a reminder when none is set', () => {
    const rendered = renderComponent('subpackages/chat/todo-card/index', { card: card(null), messageId: 'm1' });
    expect(textOf(rendered)).not.toContain('提醒');
  });
});
