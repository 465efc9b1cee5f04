/**
 * The todo editor's repeat and checklist: a preset repeat saved as its rule on the due day, steps
 * added and saved with a new todo, a saved step ticked at once (toggleStep) and the last one
 * offering to complete the todo, and an edit of a repeating todo asking for its scope.
 */
import type { Todo } from '../../../typings/todo';
import { eventually } from '../../helpers/eventually';
import { launchApp, renderComponent, resetMiniProgram, type Rendered } from '../helpers/miniprogram';
import { answering, loginOk, todoOf } from '../helpers/answers';
import { wxDouble } from '../helpers/wx';

jest.setTimeout(20_000);

/** Friday 2030-05-03 09:00 in Shanghai. */
const FRIDAY = '2030-05-03T01:00:00.000Z';

function open(todo: Todo | null): { editor: Rendered; events: Array<{ name: string; detail: unknown }> } {
  launchApp();
  const editor = renderComponent('subpackages/todos/todo-editor/index', { show: true, todo, defaultQuadrant: 'q1' });
  const events: Array<{ name: string; detail: unknown }> = [];
  const instance = editor.instance as unknown as { triggerEvent(name: string, detail?: unknown): void };
  const original = instance.triggerEvent.bind(instance);
  instance.triggerEvent = (name, detail) => {
    events.push({ name, detail });
    original(name, detail);
  };
  return { editor, events };
}

type Editor = { onSave(): void };

describe('todo editor: repeat and steps', () => {
  beforeEach(() => {
    resetMiniProgram();
    jest.spyOn(console, 'error').mockImplementation(() => undefined);
  });
  afterEach(() => jest.restoreAllMocks());

  it('saves a new todo repeating weekly on its due day, from completion, with its steps', async () => {
    wxDouble.cloudHandler = answering({ login: { login: () => loginOk() } });
    const { editor, events } = open(null);
    editor.querySelector('#title')!.dispatchEvent('change', { detail: '周报' });
    editor.setData({ dueAt: Date.parse(FRIDAY) });
    editor.querySelector('#repeat-3')!.dispatchEvent('tap');
    await eventually(() => editor.data.repeat === 'FREQ=WEEKLY;BYDAY=FR', 'weekly on Friday');
    editor.setData({ fromCompletion: true });
    for (const title of ['收集数据', '写总结']) {
      editor.querySelector('#new-step')!.dispatchEvent('input', { detail: { value: title } });
      editor.querySelector('#new-step')!.dispatchEvent('confirm', { detail: { value: title } });
    }
    await eventually(() => editor.data.steps.length === 2, 'two steps');
    (editor.instance as unknown as Editor).onSave();
    expect(events.find((e) => e.name === 'save')?.detail).toEqual({
      draft: {
        title: '周报',
        note: '',
        quadrant: 'q1',
        dueAt: FRIDAY,
        remindAt: null,
        repeat: 'FREQ=WEEKLY;BYDAY=FR',
        repeatFrom: 'completion',
        steps: ['收集数据', '写总结'],
      },
    });
  });

  it('ticks a saved step at once, and after the last one offers to complete the todo', async () => {
    const steps = [
      { id: 's1', title: '议程', done: true },
      { id: 's2', title: '纪要', done: false },
    ];
    const todo = todoOf(1, { title: '周会', steps });
    const toggles: unknown[] = [];
    wxDouble.cloudHandler = answering({
      login: { login: () => loginOk() },
      todo: {
        toggleStep: (event) => {
          toggles.push(event);
          return { ok: true, data: { todo: { ...todo, steps: steps.map((s) => ({ ...s, done: true })) } } };
        },
      },
    });
    const { editor, events } = open(todo);
    editor.querySelector('#step-tick-1')!.dispatchEvent('tap');
    await eventually(() => events.some((e) => e.name === 'complete'), 'the offer accepted');
    expect(toggles).toMatchObject([{ id: 't0001', stepId: 's2', done: true }]);
    expect(wxDouble.api.showModal).toHaveBeenCalledWith(expect.objectContaining({ title: '步骤都完成了' }));
    expect(events.find((e) => e.name === 'changed')).toBeTruthy();
    expect(events.find((e) => e.name === 'complete')?.detail).toEqual({ id: 't0001' });
  });

  it('asks whether an edit of a repeating todo is for this one or this and the following', async () => {
    wxDouble.cloudHandler = answering({ login: { login: () => loginOk() } });
    wxDouble.api.showActionSheet.mockImplementation(async () => ({ tapIndex: 0, errMsg: 'showActionSheet:ok' }));
    const { editor, events } = open(todoOf(1, { title: '周报', dueAt: FRIDAY, repeat: 'FREQ=WEEKLY;BYDAY=FR' }));
    await eventually(() => editor.data.title === '周报', 'the todo in the editor');
    expect(editor.data.repeatIndex).toBe(3);
    editor.querySelector('#title')!.dispatchEvent('change', { detail: '周报（本周延后）' });
    await eventually(
      () => editor.data.title === '周报（本周延后）',
      () => `the new title (${editor.data.title})`,
    );
    (editor.instance as unknown as Editor).onSave();
    await eventually(() => events.some((e) => e.name === 'save'), 'the save');
    expect(events.find((e) => e.name === 'save')?.detail).toEqual({
      patch: { id: 't0001', title: '周报（本周延后）', scope: 'this' },
    });
  });
});
