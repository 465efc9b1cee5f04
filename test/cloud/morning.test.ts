/**
 * The morning plan through the real functions: login.updateProfile turns it on at a time of day;
 * the minute timer (`remind`) sends it once the time has come in the user's own zone, exactly once
 * a day even when runs overlap, as an Official Account template message to a follower, else as a
 * subscription message spending one credit; it opens the app on the matrix.
 */
import { addDays, instantOf, wallOf } from '../../shared/time';
import type { ApiResult } from '../../typings/contract';
import type { LoginResult } from '../../typings/login';
import type { RemindRunSummary, Todo } from '../../typings/todo';
import { invoke } from '../helpers/local-cloud';
import { logIn, MINI_APPID, oaRigForFile, OA_TEMPLATE, write } from '../helpers/oa';

jest.setTimeout(90_000);

const rig = oaRigForFile();
const TEMPLATE = 'local-remind-template';
const SHANGHAI = 'Asia/Shanghai';
const LA = 'America/Los_Angeles';
const HOUR = 3600_000;

/** Tomorrow (in `zone`) at hh:mm there. */
function tomorrowAt(hour: number, minute: number, zone: string, days = 1): Date {
  return new Date(instantOf({ ...addDays(wallOf(Date.now(), zone), days), hour, minute }, zone));
}

async function remindAt(at: Date): Promise<RemindRunSummary> {
  const outcome = await rig().cloud.timers.fire('remind', 'everyMinute', at);
  if (!outcome.ok) throw new Error(outcome.errMsg);
  const result = outcome.result as ApiResult<RemindRunSummary>;
  if (!result.ok) throw new Error(JSON.stringify(result));
  return result.data;
}

async function planAt(user: string, time: string, zone = SHANGHAI, enabled = true) {
  const result = await invoke<ApiResult<{ profile: LoginResult['profile'] }>>(
    rig().cloud,
    'login',
    { action: 'updateProfile', dailyPlan: { enabled, time }, tz: zone },
    { openid: user, unionid: `un_${user}`, appid: MINI_APPID },
  );
  if (!result.ok) throw new Error(JSON.stringify(result));
  return result.data.profile;
}

async function todo(user: string, fields: object): Promise<Todo> {
  const result = await invoke<ApiResult<{ todo: Todo }>>(
    rig().cloud,
    'todo',
    { action: 'create', quadrant: 'q1', ...fields },
    { openid: user },
  );
  if (!result.ok) throw new Error(JSON.stringify(result));
  return result.data.todo;
}

const templates = (user: string) =>
  rig()
    .cloud.wechat.person(`oa_${user}`)
    ?.received.filter((m) => m.kind === 'template') ?? [];
const subscriptions = (user: string) => rig().cloud.outbox.list({ apiName: 'subscribeMessage.send', openid: user });

it('updateProfile stores the plan and refuses a time that is not HH:MM', async () => {
  await logIn(rig().cloud, 'dev_settings');
  expect(await planAt('dev_settings', '07:30')).toMatchObject({ dailyPlan: { enabled: true, time: '07:30' } });
  const [doc] = await rig().cloud.store.find('users', { _id: 'dev_settings' });
  expect(doc.planNextAt).toEqual(
    new Date(
      Math.min(...[0, 1].map((d) => tomorrowAt(7, 30, SHANGHAI, d).getTime()).filter((t) => t > Date.now() - 60_000)),
    ),
  );
  for (const time of ['7:30', '24:00', '07:60', '']) {
    const refused = await invoke<ApiResult<unknown>>(
      rig().cloud,
      'login',
      { action: 'updateProfile', dailyPlan: { enabled: true, time } },
      { openid: 'dev_settings' },
    );
    expect(refused).toMatchObject({
      ok: false,
      code: 'INVALID_ARGUMENT',
      fields: { 'dailyPlan.time': expect.any(String) },
    });
  }
  expect((await planAt('dev_settings', '08:00', SHANGHAI, false)).dailyPlan).toEqual({ enabled: false, time: '08:00' });
  expect((await rig().cloud.store.find('users', { _id: 'dev_settings' }))[0].planNextAt).toBeNull();
});

it('a follower gets it from the Official Account at the time, once that day, opening the matrix', async () => {
  const user = 'dev_morning';
  await logIn(rig().cloud, user);
  await write(rig().cloud, { openid: user, event: 'subscribe' });
  await todo(user, { title: '交季度报告', dueAt: new Date(Date.now() - HOUR).toISOString() });
  await todo(user, { title: '复盘', quadrant: 'q2', dueAt: tomorrowAt(15, 0, SHANGHAI).toISOString() });
  await planAt(user, '07:30');

  expect((await remindAt(tomorrowAt(7, 29, SHANGHAI))).plans).toMatchObject({ due: 0 });
  expect(templates(user)).toHaveLength(0);
  // Two runs of the same minute at once, then a later one: one plan.
  const runs = await Promise.all([remindAt(tomorrowAt(7, 30, SHANGHAI)), remindAt(tomorrowAt(7, 30, SHANGHAI))]);
  expect(runs.reduce((sum, run) => sum + run.plans.sent, 0)).toBe(1);
  expect((await remindAt(tomorrowAt(9, 0, SHANGHAI))).plans).toMatchObject({ due: 0 });
  const [message, ...more] = templates(user);
  expect(more).toEqual([]);
  expect(message.payload).toMatchObject({
    template_id: OA_TEMPLATE,
    miniprogram: { appid: MINI_APPID, pagepath: 'pages/todos/index?view=matrix' },
    data: { thing1: { value: expect.stringMatching(/^今日到期1项，逾期1项｜先做：交季度报/) } },
  });
  expect(subscriptions(user)).toHaveLength(0);
  expect((await rig().cloud.store.find('users', { _id: user }))[0]).toMatchObject({
    planLast: { state: 'sent', via: 'oa' },
  });
  // The next day, again once.
  expect((await remindAt(tomorrowAt(7, 31, SHANGHAI, 2))).plans).toMatchObject({ sent: 1, sentByOfficialAccount: 1 });
  expect(templates(user)).toHaveLength(2);
});

it('someone who does not follow gets a subscription message, spending a credit; without one, nothing', async () => {
  const user = 'dev_credit';
  await logIn(rig().cloud, user);
  await invoke(rig().cloud, 'todo', { action: 'subscribe', templateId: TEMPLATE }, { openid: user });
  await planAt(user, '06:45');
  expect((await remindAt(tomorrowAt(6, 45, SHANGHAI))).plans).toMatchObject({ sent: 1, sentByOfficialAccount: 0 });
  const [message] = subscriptions(user);
  expect(message.payload).toMatchObject({
    page: 'pages/todos/index?view=matrix',
    data: { thing1: { value: '今日到期0项，逾期0项｜今天没有待办' } },
  });
  expect((await rig().cloud.store.find('subscriptions', { _id: `${user}:${TEMPLATE}` }))[0].credits).toBe(0);
  expect((await remindAt(tomorrowAt(6, 45, SHANGHAI, 2))).plans).toMatchObject({ due: 1, sent: 0, unsent: 1 });
  expect((await rig().cloud.store.find('users', { _id: user }))[0]).toMatchObject({ planLast: { state: 'no_credit' } });
});

it('comes at the time of day in the user’s own zone', async () => {
  const user = 'dev_la';
  await logIn(rig().cloud, user);
  await write(rig().cloud, { openid: user, event: 'subscribe' });
  await planAt(user, '07:30', LA);
  // 07:29 in Los Angeles is long past 07:30 in Shanghai: not yet, where the user is.
  const before = tomorrowAt(7, 29, LA);
  expect(wallOf(before, SHANGHAI).hour).toBeGreaterThan(7);
  expect((await remindAt(before)).plans).toMatchObject({ sent: 0 });
  expect(templates(user)).toHaveLength(0);
  await remindAt(tomorrowAt(7, 30, LA));
  expect(templates(user)).toHaveLength(1);
});
