import type { EventOf } from '../../../typings/functions';
import type { Todo } from '../../../typings/todo';
import { eventually } from '../../helpers/eventually';
import { tap, textOf } from '../helpers/dom';
import { launchApp, renderComponent, resetMiniProgram, type Rendered } from '../helpers/miniprogram';
import { answering, loginOk, oneOff, type Answer, type Fake } from '../helpers/answers';
import { wxDouble } from '../helpers/wx';

const TEMPLATE = 'local-remind-template';
const HOUR = 3600_000;

type Calls = Array<EventOf<'todo', 'subscribe'>>;

function serveSubscribe(
  answer: Answer<'todo', 'subscribe'> | Fake<'todo', 'subscribe'> = {
    ok: true,
    data: { templateId: TEMPLATE, credits: 1 },
  },
): Calls {
  const calls: Calls = [];
  wxDouble.cloudHandler = answering({
    login: { login: () => loginOk() },
    todo: {
      subscribe: (event) => {
        calls.push(event);
        return typeof answer === 'function' ? answer(event) : answer;
      },
    },
  });
  return calls;
}

function open(props: Record<string, unknown> = {}): { editor: Rendered; saved: jest.Mock } {
  launchApp();
  const editor = renderComponent('subpackages/todos/todo-editor/index', {
    show: true,
    defaultQuadrant: 'q2',
    ...props,
  });
  const saved = jest.fn();
  const instance = editor.instance as unknown as { triggerEvent(name: string, detail?: unknown): void };
  const original = instance.triggerEvent.bind(instance);
  instance.triggerEvent = (name, detail) => {
    if (name === 'save') saved(detail);
    original(name, detail);
  };
  return { editor, saved };
}

// Rendering the editor with its Vant popup and picker takes seconds on a busy machine.
jest.setTimeout(20_000);

describe('todo editor', () => {
  beforeEach(() => {
    resetMiniProgram();
    // Every test starts with a person who taps "allow".
    wxDouble.api.requestSubscribeMessage.mockImplementation(async ({ tmplIds }: { tmplIds: string[] }) => ({
      errMsg: 'requestSubscribeMessage:ok',
      ...Object.fromEntries(tmplIds.map((id) => [id, 'accept'])),
    }));
    jest.spyOn(console, 'error').mockImplementation(() => undefined);
  });
  afterEach(() => jest.restoreAllMocks());

  it('asks for the subscription in the tap itself, records the credit, and saves a reminder at the due time', async () => {
    const calls = serveSubscribe();
    const { editor, saved } = open();
    editor.querySelector('#title')!.dispatchEvent('change', { detail: '  交水电费 ' });
    tap(editor, '#remind-switch', '.van-switch');
    await eventually(() => wxDouble.api.requestSubscribeMessage.mock.calls.length === 1, 'the subscription request');
    expect(wxDouble.api.requestSubscribeMessage).toHaveBeenCalledWith({ tmplIds: [TEMPLATE] });
    await eventually(() => editor.data.remind === true, 'remind on');
    expect(calls).toEqual([{ action: 'subscribe', templateId: TEMPLATE, tz: 'Asia/Shanghai' }]);
    // A reminder needs a due time: the next whole hour until the person picks one.
    const next = editor.data.dueAt as number;
    expect(next % HOUR).toBe(0);
    expect(next).toBeGreaterThan(Date.now());

    // An hour before the next whole hour is already past: a later due time, then "1 hour before".
    const due = next + 2 * HOUR;
    (editor.instance as unknown as { describe(change: object): void }).describe({ dueAt: due });
    tap(editor, '#offset-60', '.editor__offset');
    await eventually(() => editor.data.remindOffset === 60, 'the offset');
    tap(editor, '#save');
    await eventually(() => saved.mock.calls.length === 1, 'the save event');
    expect(saved).toHaveBeenCalledWith({
      draft: {
        title: '交水电费',
        note: '',
        quadrant: 'q2',
        dueAt: new Date(due).toISOString(),
        remindAt: new Date(due - HOUR).toISOString(),
      },
    });
  });

  it.each([
    ['reject', '你没有允许提醒通知'],
    ['ban', '通知管理'],
  ])('explains a "%s" answer and leaves the reminder off, recording nothing', async (answer, text) => {
    const calls = serveSubscribe();
    wxDouble.api.requestSubscribeMessage.mockImplementation(async () => ({ errMsg: 'ok', [TEMPLATE]: answer }));
    const { editor } = open();
    tap(editor, '#remind-switch', '.van-switch');
    await eventually(() => wxDouble.api.showModal.mock.calls.length === 1, 'the explanation');
    expect(wxDouble.api.showModal).toHaveBeenCalledWith(
      expect.objectContaining({ title: '不会提醒你', content: expect.stringContaining(text), showCancel: false }),
    );
    expect(editor.data.remind).toBe(false);
    expect(calls).toEqual([]);
  });

  it('explains notifications switched off altogether (errCode 20004)', async () => {
    serveSubscribe();
    wxDouble.api.requestSubscribeMessage.mockImplementation(async () => {
      throw { errCode: 20004, errMsg: 'requestSubscribeMessage:fail main switch is off' };
    });
    const { editor } = open();
    tap(editor, '#remind-switch', '.van-switch');
    await eventually(() => wxDouble.api.showModal.mock.calls.length === 1, 'the explanation');
    expect(wxDouble.api.showModal.mock.calls[0][0].content).toContain('接收通知');
    expect(editor.data.remind).toBe(false);
  });

  it('keeps the reminder off when the credit cannot be recorded', async () => {
    serveSubscribe(() => {
      throw { errCode: -1, errMsg: 'cloud.callFunction:fail request:fail offline' };
    });
    const { editor } = open();
    tap(editor, '#remind-switch', '.van-switch');
    await eventually(() => wxDouble.api.showToast.mock.calls.length === 1, 'the error');
    expect(editor.data.remind).toBe(false);
  });

  it('editing sends only what changed', async () => {
    serveSubscribe();
    const todo: Todo = {
      id: 't1',
      title: '旧标题',
      note: '备注',
      quadrant: 'q1',
      done: false,
      dueAt: '2030-05-01T01:00:00.000Z',
      remindAt: '2030-05-01T00:50:00.000Z',
      reminder: { state: 'pending', attempts: 0, error: null, sentAt: null },
      ...oneOff(),
      createdAt: '2026-05-01T00:00:00.000Z',
      updatedAt: '2026-05-01T00:00:00.000Z',
      doneAt: null,
    };
    const { editor, saved } = open({ todo });
    await eventually(() => editor.data.title === '旧标题', 'the form filled');
    expect(editor.data).toMatchObject({ remind: true, remindOffset: 10, quadrant: 'q1' });
    editor.querySelector('#title')!.dispatchEvent('change', { detail: '新标题' });
    tap(editor, '#quadrant-q3', '.editor__quadrant');
    await eventually(() => editor.data.quadrant === 'q3', 'the quadrant');
    tap(editor, '#save');
    await eventually(() => saved.mock.calls.length === 1, 'the save event');
    expect(saved).toHaveBeenCalledWith({ patch: { id: 't1', title: '新标题', quadrant: 'q3' } });
  });

  it('counts characters as people (and the server) do: 50 emoji fit, 101 letters do not', async () => {
    serveSubscribe();
    const { editor, saved } = open();
    editor.querySelector('#title')!.dispatchEvent('change', { detail: '😀'.repeat(50) });
    await eventually(
      () => textOf(editor).includes('50/100'),
      () => `the counter (${textOf(editor)})`,
    );
    tap(editor, '#save');
    await eventually(() => saved.mock.calls.length === 1, 'the save event');
    expect(saved.mock.calls[0][0]).toMatchObject({ draft: { title: '😀'.repeat(50) } });

    editor.querySelector('#title')!.dispatchEvent('change', { detail: 'x'.repeat(101) });
    await eventually(() => textOf(editor).includes('101/100'), 'the counter past the limit');
    expect(editor.dom?.innerHTML).toMatch(/editor__counter--over/);
    tap(editor, '#save');
    expect(saved).toHaveBeenCalledTimes(1);
  });

  it('says a delivered reminder was sent, until its time is changed', async () => {
    serveSubscribe();
    const todo: Todo = {
      id: 't2',
      title: '已提醒的',
      note: '',
      quadrant: 'q1',
      done: false,
      dueAt: '2030-05-01T01:00:00.000Z',
      remindAt: '2030-05-01T01:00:00.000Z',
      reminder: { state: 'sent', attempts: 1, error: null, sentAt: '2030-05-01T01:00:05.000Z' },
      ...oneOff(),
      createdAt: '2026-05-01T00:00:00.000Z',
      updatedAt: '2026-05-01T00:00:00.000Z',
      doneAt: null,
    };
    const { editor } = open({ todo });
    await eventually(() => editor.data.remindLabel !== '', 'the reminder label');
    expect(editor.data.remindLabel).toBe('已于 2030年5月1日 09:00 提醒');
    expect(textOf(editor)).not.toContain('到时通过微信服务通知提醒你');
    tap(editor, '#offset-10', '.editor__chip');
    await eventually(() => editor.data.remindLabel === '到时通过微信服务通知提醒你', 'the label of a new reminder');
  });

  it('labels the date picker and its columns, in the app language', async () => {
    wxDouble.language = 'en';
    serveSubscribe();
    const { editor } = open();
    await eventually(() => typeof editor.data.formatter === 'function', 'the formatter');
    const format = editor.data.formatter as (type: string, value: string) => string;
    expect([format('year', '2026'), format('hour', '09'), format('minute', '30')]).toEqual(['2026', '09h', '30min']);
    expect(editor.data.t.pickerTitle).toBe('Choose a due time');
    expect(editor.data.t.newTitle).toBe('New todo');
  });

  it('opens the picker on the time shown, and offers every hour on today too, so changing the day never moves the band', async () => {
    serveSubscribe();
    const todo: Todo = {
      id: 't3',
      title: '看牙医',
      note: '',
      quadrant: 'q1',
      done: false,
      dueAt: new Date(Date.now() + 26 * HOUR).toISOString(),
      remindAt: null,
      reminder: { state: 'none', attempts: 0, error: null, sentAt: null },
      ...oneOff(),
      createdAt: '2026-05-01T00:00:00.000Z',
      updatedAt: '2026-05-01T00:00:00.000Z',
      doneAt: null,
    };
    const { editor } = open({ todo });
    await eventually(() => editor.data.dueText !== '', 'the due time');
    (editor.instance as unknown as { onPickDue(): void }).onPickDue();
    expect(editor.data.pickerValue).toBe(Date.parse(todo.dueAt!));
    // From the start of today (the phone's): the hour and minute columns are whole on every day.
    const start = new Date(editor.data.minDate as number);
    expect([start.getHours(), start.getMinutes()]).toEqual([0, 0]);
    expect(Date.now() - start.getTime()).toBeLessThan(24 * HOUR);
    expect(Date.now() - start.getTime()).toBeGreaterThanOrEqual(0);
  });

  it('says a reminder set in the past would never come, and waits for a later time before saving', async () => {
    serveSubscribe();
    const { editor, saved } = open();
    editor.querySelector('#title')!.dispatchEvent('change', { detail: '晨跑' });
    const instance = editor.instance as unknown as {
      describe(change: Record<string, unknown>): void;
      onSave(): void;
    };
    instance.describe({ dueAt: Date.now() - 2 * HOUR, remind: true });
    await eventually(() => editor.data.remindPast === true, 'the past reminder');
    expect(editor.data.remindLabel).toBe('提醒时间已经过去了，请选一个以后的时间');
    instance.onSave();
    expect(saved).not.toHaveBeenCalled();
    instance.describe({ dueAt: Date.now() + 2 * HOUR });
    await eventually(() => editor.data.remindPast === false, 'a later time');
    instance.onSave();
    expect(saved).toHaveBeenCalledTimes(1);
  });
});
