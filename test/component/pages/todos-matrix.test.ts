/**
 * The Todos tab's planner parts against typed fakes of the todo function: the 2×2 matrix (counts,
 * overdue marks, the most urgent titles, a cell opening its list and the way back), moving a todo
 * between quadrants from its row, quick add's chips (one removed), steps progress and the repeat
 * rule in words on a row.
 */
import type { EventOf } from '../../../typings/functions';
import type { MatrixSummary, Todo } from '../../../typings/todo';
import { eventually } from '../../helpers/eventually';
import { textOf, waitForText } from '../helpers/dom';
import { answering, loginOk, patched, todoOf } from '../helpers/answers';
import { launchApp, resetMiniProgram, type Rendered } from '../helpers/miniprogram';
import { wxDouble } from '../helpers/wx';

jest.setTimeout(30_000);

const PAST = '2020-01-01T01:00:00.000Z';
const LATER = '2099-01-01T01:00:00.000Z';

type Call = { action: string; data: Record<string, unknown> };

function summaryOf(all: Todo[]): MatrixSummary {
  const quadrants = {} as MatrixSummary['quadrants'];
  for (const key of ['q1', 'q2', 'q3', 'q4'] as const) {
    const open = all.filter((t) => t.quadrant === key && !t.done);
    const overdue = open.filter((t) => t.dueAt !== null && Date.parse(t.dueAt) < Date.now()).length;
    quadrants[key] = { open: open.length, overdue, top: open.slice(0, 3) };
  }
  return { quadrants };
}

/** The todo function over `all`; `parse` answers as given. */
function serve(all: Todo[], parse?: (event: EventOf<'todo', 'parse'>) => ReturnType<typeof parsed>): Call[] {
  const calls: Call[] = [];
  const record = (action: string, data: object) => calls.push({ action, data: data as Record<string, unknown> });
  wxDouble.cloudHandler = answering({
    login: { login: () => loginOk() },
    todo: {
      summary: (event) => (record('summary', event), { ok: true, data: summaryOf(all) }),
      list: (event) => {
        record('list', event);
        const items = all.filter((t) => t.quadrant === event.quadrant);
        return { ok: true, data: { items, nextCursor: null, counts: { q1: 0, q2: 0, q3: 0, q4: 0 } } };
      },
      update: ({ id, ...patch }) => {
        record('update', { id, ...patch });
        const found = all.find((t) => t.id === id)!;
        return { ok: true, data: { todo: patched(found, patch) } };
      },
      create: (event) => (record('create', event), { ok: true, data: { todo: todoOf(99, { title: event.title }) } }),
      parse: (event) => {
        record('parse', event);
        return parse ? parse(event) : { ok: false, code: 'INTERNAL', message: 'no parse here' };
      },
    },
  });
  return calls;
}

function parsed(text: string, without: string[] = []) {
  const due = !without.includes('due') && text.startsWith('明天9点');
  return {
    ok: true as const,
    data: {
      title: due ? text.slice(4).trim() : text,
      dueAt: due ? LATER : null,
      repeat: null,
      remindAt: null,
      spans: due ? [{ kind: 'due' as const, start: 0, end: 4, text: '明天9点' }] : [],
    },
  };
}

/** A chip, inside the quick-chips component. */
const chip = (page: Rendered, kind: string) => page.querySelector('#chips')?.querySelector(`#chip-${kind}`);

async function open(route: string): Promise<Rendered> {
  const { stack } = launchApp(route);
  const page = stack.current!.component;
  await eventually(() => !page.data.loading, 'the page loaded');
  return page;
}

describe('the Todos tab', () => {
  beforeEach(() => {
    resetMiniProgram();
    jest.spyOn(console, 'error').mockImplementation(() => undefined);
  });
  afterEach(() => jest.restoreAllMocks());

  it('opens on the matrix: open counts, overdue marks and the most urgent titles per quadrant', async () => {
    serve([
      todoOf(1, { title: '交房租', dueAt: PAST }),
      todoOf(2, { title: '写周报', dueAt: LATER }),
      todoOf(3, { title: '已做完', done: true }),
      todoOf(4, { title: '学英语', quadrant: 'q2' }),
    ]);
    const page = await open('pages/todos/index');
    expect(page.data.view).toBe('matrix');
    await waitForText(page, '交房租');
    const cell = (key: string) => textOf({ dom: page.querySelector(`#cell-${key}`)!.dom });
    expect(cell('q1')).toContain('马上做');
    expect(cell('q1')).toContain('1 项逾期');
    expect(cell('q1')).toContain('写周报');
    expect(cell('q1')).not.toContain('已做完');
    expect(page.data.quadrants.map((q: { count: number }) => q.count)).toEqual([2, 1, 0, 0]);
    expect(cell('q2')).toContain('学英语');
    expect(cell('q3')).toContain('暂无待办');
    expect(page.querySelector('#cell-q1 .matrix__item--overdue')).toBeTruthy();
  });

  it('a cell opens its list, and the grid button goes back to the matrix', async () => {
    const calls = serve([todoOf(1, { title: '交房租' }), todoOf(4, { title: '学英语', quadrant: 'q2' })]);
    const page = await open('pages/todos/index?view=matrix');
    page.querySelector('#cell-q2')!.dispatchEvent('tap');
    await eventually(() => page.data.view === 'list' && !page.data.loading, 'the second list');
    expect(calls.filter((c) => c.action === 'list').map((c) => c.data.quadrant)).toEqual(['q2']);
    expect(page.querySelector('.todos__title')!.dom!.textContent).toContain('计划做');
    expect(textOf(page)).toContain('学英语');
    page.querySelector('#to-matrix')!.dispatchEvent('tap');
    await eventually(() => page.data.view === 'matrix', 'the matrix again');
    expect(page.querySelector('#cell-q1')).toBeTruthy();
  });

  it("moves a todo to another quadrant from its row's menu", async () => {
    const calls = serve([todoOf(1, { title: '交房租' }), todoOf(2)]);
    wxDouble.api.showActionSheet.mockImplementation(async ({ itemList }: { itemList: string[] }) => {
      expect(itemList).toEqual(['移到“计划做”', '移到“交给别人”', '移到“以后再说”']);
      return { tapIndex: 1, errMsg: 'showActionSheet:ok' };
    });
    const page = await open('pages/todos/index?view=list');
    page.querySelector('#menu-t0001')!.dispatchEvent('tap');
    await eventually(() => calls.some((c) => c.action === 'update'), 'the update call');
    expect(calls.find((c) => c.action === 'update')!.data).toMatchObject({ id: 't0001', quadrant: 'q3' });
    await eventually(() => page.data.items[0].removed === true, 'the row leaving this list');
    expect(page.data.quadrants[2].count).toBe(1);
  });

  it('shows what quick add understood as chips; a tapped chip leaves its words in the title', async () => {
    const calls = serve([], (event) => parsed(event.text, event.without));
    const page = await open('pages/todos/index?view=list');
    page.querySelector('#quick-add')!.dispatchEvent('input', { detail: { value: '明天9点 交报告' } });
    await eventually(() => Boolean(chip(page, 'due')), 'the due chip');
    expect(calls.find((c) => c.action === 'parse')!.data).toMatchObject({ text: '明天9点 交报告' });
    expect(typeof calls.find((c) => c.action === 'parse')!.data.tz).toBe('string');

    chip(page, 'due')!.dispatchEvent('tap');
    await eventually(() => !chip(page, 'due'), 'the chip gone');
    expect(calls.filter((c) => c.action === 'parse').at(-1)!.data).toMatchObject({ without: ['due'] });
    page.querySelector('#quick-add')!.dispatchEvent('confirm', { detail: { value: '明天9点 交报告' } });
    await eventually(() => calls.some((c) => c.action === 'create'), 'the create call');
    expect(calls.find((c) => c.action === 'create')!.data).toMatchObject({ title: '明天9点 交报告', dueAt: null });
  });

  it('saves what the chips show, and the plain line when the parse cannot be had', async () => {
    const calls = serve([], (event) => parsed(event.text, event.without));
    const page = await open('pages/todos/index?view=list');
    page.querySelector('#quick-add')!.dispatchEvent('input', { detail: { value: '明天9点 交报告' } });
    await eventually(() => Boolean(chip(page, 'due')), 'the due chip');
    page.querySelector('#quick-add')!.dispatchEvent('confirm', { detail: { value: '明天9点 交报告' } });
    await eventually(() => calls.some((c) => c.action === 'create'), 'the create call');
    expect(calls.find((c) => c.action === 'create')!.data).toMatchObject({ title: '交报告', dueAt: LATER });

    serve([]); // parse fails from now on
    page.querySelector('#quick-add')!.dispatchEvent('input', { detail: { value: '明天9点 买菜' } });
    page.querySelector('#quick-add')!.dispatchEvent('confirm', { detail: { value: '明天9点 买菜' } });
    await eventually(() => page.data.items.some((t: Todo) => t.title === '明天9点 买菜'), 'the plain title');
  });

  it('shows steps progress and the repeat rule in words on a row', async () => {
    serve([
      todoOf(1, {
        title: '周会',
        dueAt: LATER,
        repeat: 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR',
        steps: [
          { id: 's1', title: '议程', done: true },
          { id: 's2', title: '会议室', done: true },
          { id: 's3', title: '通知', done: false },
          { id: 's4', title: '纪要', done: false },
          { id: 's5', title: '跟进', done: false },
        ],
      }),
    ]);
    const page = await open('pages/todos/index?view=list');
    await waitForText(page, '2/5');
    await waitForText(page, '每个工作日');
  });

  it('speaks English on the matrix when WeChat does', async () => {
    wxDouble.language = 'en';
    serve([todoOf(1, { title: 'Pay rent', dueAt: PAST })]);
    const page = await open('pages/todos/index');
    await waitForText(page, 'Pay rent');
    expect(textOf(page)).toContain('1 overdue');
    expect(textOf(page)).toContain('Do now');
  });
});
