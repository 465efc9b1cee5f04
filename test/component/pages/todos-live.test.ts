/**
 * The Todos page follows the user's todos live, against the real functions and the real realtime
 * watch: what another device adds, what the remind timer sends, shows without a refresh, and a
 * change to one row sends only that row.
 */
import type { ApiResult } from '../../../typings/contract';
import type { Todo } from '../../../typings/todo';
import { textOf, waitForText } from '../helpers/dom';
import { eventually } from '../../helpers/eventually';
import { startCloudProcess, type RemoteCloud } from '../../helpers/cloud-process';
import { connectToLocalCloud } from '../helpers/local-cloud';
import { launchApp, resetMiniProgram, type Rendered } from '../helpers/miniprogram';
import { wxDouble } from '../helpers/wx';

const TEMPLATE = 'tpl-live';
let cloud: RemoteCloud;

beforeAll(async () => {
  cloud = await startCloudProcess({ functionEnv: { REMIND_TEMPLATE_ID: TEMPLATE } });
}, 120_000); // the embedded database takes seconds to start on a busy machine
afterAll(() => cloud?.close());

jest.setTimeout(60_000);
/** Function workers start cold in the local cloud, and the machine may be busy: waits allow for both. */
const SLOW = 20_000;

beforeEach(() => {
  resetMiniProgram();
  // Vant tabs call groupSetData, which the simulator lacks; it logs and carries on.
  jest.spyOn(console, 'error').mockImplementation(() => undefined);
  // The realtime client narrates its connection on the console.
  jest.spyOn(console, 'log').mockImplementation(() => undefined);
  jest.spyOn(console, 'warn').mockImplementation(() => undefined);
});
afterEach(() => jest.restoreAllMocks());

/** The same user on another device: the todo function, called directly. */
async function elsewhere<T>(data: Record<string, unknown>): Promise<T> {
  const answer = (await wxDouble.cloudHandler!('todo', data)) as ApiResult<T>;
  if (!answer.ok) throw new Error(`todo.${String(data.action)} failed: ${answer.code}`);
  return answer.data;
}

async function openTodos(openid: string): Promise<Rendered> {
  connectToLocalCloud(cloud, { openid });
  const { stack } = launchApp('pages/todos/index?view=list');
  const page = stack.current!.component;
  await eventually(
    () => !page.data.loading && page.instance.live.following,
    () => `the first list and its watch (${JSON.stringify({ error: page.data.error, loading: page.data.loading })})`,
    SLOW,
  );
  return page;
}

const keysOf = (spy: jest.SpyInstance): string[] =>
  spy.mock.calls.flatMap(([data]: [Record<string, unknown>]) => Object.keys(data));

describe('the Todos page, live', () => {
  it('shows a todo added on another device, by its row alone, with the tab badge', async () => {
    const page = await openTodos('o-live-1');
    await elsewhere({ action: 'create', title: '看牙医', quadrant: 'q1' });
    const setData = jest.spyOn(page.instance, 'setData');
    await waitForText(page, '看牙医', SLOW);
    await elsewhere({ action: 'create', title: '订机票', quadrant: 'q1' });
    await waitForText(page, '订机票', SLOW);
    expect(page.data.quadrants[0].count).toBe(2);
    // Appended by path: the rows already shown are not sent again.
    const keys = keysOf(setData);
    expect(keys).toContain('items[1]');
    expect(keys).not.toContain('items');
    // Another quadrant's todo changes its badge only.
    await elsewhere({ action: 'create', title: '读书', quadrant: 'q2' });
    await eventually(() => page.data.quadrants[1].count === 1, 'the second tab badge', SLOW);
    expect(textOf(page)).not.toContain('读书');
  });

  it('turns 待提醒 into 已提醒 when the remind timer sends the reminder, sending that row only', async () => {
    const page = await openTodos('o-live-2');
    await elsewhere({ action: 'create', title: '占位', quadrant: 'q1' });
    const due = new Date(Date.now() + 3_600_000).toISOString();
    const { todo } = await elsewhere<{ todo: Todo }>({
      action: 'create',
      title: '交房租',
      quadrant: 'q1',
      dueAt: due,
      remindAt: due,
    });
    await elsewhere({ action: 'subscribe', templateId: TEMPLATE });
    await waitForText(page, '待提醒', SLOW);
    const row = (page.data.items as Todo[]).findIndex((item) => item.id === todo.id);

    // Time passes: the reminder falls due, and the timer sends it.
    await cloud.patch('todos', todo.id, { remindNextAt: { $date: new Date(Date.now() - 60_000).toISOString() } });
    const setData = jest.spyOn(page.instance, 'setData');
    await cloud.fire('remind', 'everyMinute');
    await waitForText(page, '已提醒', SLOW);
    expect(textOf(page)).not.toContain('待提醒');
    const keys = keysOf(setData);
    expect(keys.length).toBeGreaterThan(0);
    expect(keys.every((key) => key.startsWith(`items[${row}].`))).toBe(true);
  });
});
