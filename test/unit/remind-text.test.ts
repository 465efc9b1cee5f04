import { messageFor, type RemindConfig } from '../../server/todo/remind';
import { newTodo } from '../../server/todo/rules';

const config: RemindConfig = {
  templateId: 'tpl',
  titleField: 'thing1',
  timeField: 'time2',
  page: 'pages/todos/index',
  miniprogramState: 'formal',
};
const now = new Date('2026-12-07T01:00:00Z');
const draft = { title: '交报告', quadrant: 'q1' as const, dueAt: '2026-12-07T22:00:00Z', remindAt: null };

describe("a reminder's time, in the words of the zone its todo was set in", () => {
  it.each([
    ['America/Los_Angeles', '2026年12月7日 14:00'],
    ['UTC', '2026年12月7日 22:00'],
    ['Asia/Shanghai', '2026年12月8日 06:00'],
    ['+05:30', '2026年12月8日 03:30'],
  ])('%s: %s', (zone, text) => {
    const doc = newTodo('o-1', draft, now, zone);
    expect(doc.zone).toBe(zone);
    expect(messageFor(doc, config).data.time2.value).toBe(text);
  });

  it('reads a todo stored before zones, or with an unknown one, in Asia/Shanghai', () => {
    const { zone: _zone, ...before } = newTodo('o-1', draft, now, 'UTC');
    expect(messageFor(before, config).data.time2.value).toBe('2026年12月8日 06:00');
    expect(messageFor({ ...before, zone: 'Nowhere/Else' }, config).data.time2.value).toBe('2026年12月8日 06:00');
  });
});
