/**
 * unionid linking and template reminders: a follower is linked to the mini-program user with the
 * same unionid (on follow, or on a message once the user exists); the Me page's profile says
 * whether the user follows; a linked follower's messages are checked with msgSecCheck as that
 * user and may use the todo tools, an unlinked one gets the word list only; a reminder without
 * subscription credit goes to a follower as a template message, and 43004 / 40037 end clearly.
 */
import type { ApiResult } from '../../typings/contract';
import type { LoginResult } from '../../typings/login';
import type { RemindRunSummary, Todo } from '../../typings/todo';
import { invoke } from '../helpers/local-cloud';
import { textReply } from '../helpers/model-server';
import { logIn, MINI_APPID, oaRigForFile, OA_TEMPLATE, write } from '../helpers/oa';

jest.setTimeout(60_000);

const rig = oaRigForFile();

const MINUTE = 60_000;
const t0 = Date.now();
const at = (minutes: number) => new Date(t0 + minutes * MINUTE);

async function follower(openid: string) {
  const [doc] = await rig().cloud.store.find('oa_followers', { _id: openid });
  return doc;
}

async function profile(user: string) {
  const result = await invoke<ApiResult<LoginResult>>(
    rig().cloud,
    'login',
    { action: 'login' },
    { openid: user, unionid: `un_${user}`, appid: MINI_APPID },
  );
  if (!result.ok) throw new Error(JSON.stringify(result));
  return result.data.profile;
}

describe('unionid linking', () => {
  it('links on follow; the profile shows the follow state, and unfollowing clears it', async () => {
    await logIn(rig().cloud, 'dev_ann');
    expect((await profile('dev_ann')).followsOfficialAccount).toBe(false);
    await write(rig().cloud, { openid: 'dev_ann', event: 'subscribe' });
    expect(await follower('oa_dev_ann')).toMatchObject({
      subscribed: true,
      unionid: 'un_dev_ann',
      userOpenid: 'dev_ann',
    });
    expect((await profile('dev_ann')).followsOfficialAccount).toBe(true);
    await write(rig().cloud, { openid: 'dev_ann', event: 'unsubscribe' });
    expect(await follower('oa_dev_ann')).toMatchObject({ subscribed: false });
    expect((await profile('dev_ann')).followsOfficialAccount).toBe(false);
  });

  it('links a follower whose user logs in later, on their next message', async () => {
    await write(rig().cloud, { openid: 'dev_late', event: 'subscribe' });
    expect(await follower('oa_dev_late')).toMatchObject({ unionid: 'un_dev_late', userOpenid: null });
    await logIn(rig().cloud, 'dev_late');
    rig().model.script(textReply('好的。'));
    await write(rig().cloud, { openid: 'dev_late', content: '你好' });
    expect(await follower('oa_dev_late')).toMatchObject({ userOpenid: 'dev_late' });
  });

  it('checks a linked follower with msgSecCheck as their user, with the todo tools; others by the word list', async () => {
    await logIn(rig().cloud, 'dev_checked');
    await write(rig().cloud, { openid: 'dev_checked', event: 'subscribe' });
    rig().model.script(textReply('已查看。'));
    await write(rig().cloud, { openid: 'dev_checked', content: '帮我看看待办' });
    // The question and the answer, each checked as the mini-program user.
    const checks = () => rig().cloud.outbox.list({ apiName: 'security.msgSecCheck' });
    expect(checks().filter((c) => c.openid === 'dev_checked')).toHaveLength(2);
    const checked = checks().length;
    expect(
      rig()
        .model.requests.at(-1)
        ?.body.tools?.map((t) => t.function.name),
    ).toEqual(['add_todo', 'add_steps', 'move_todo', 'reschedule_todo', 'complete_todo', 'list_todos', 'plan_today']);

    await write(rig().cloud, { openid: 'dev_stranger', event: 'subscribe' });
    await rig().cloud.store.insert('chat_words', [{ word: '违禁词' }]);
    const calls = rig().model.requests.length;
    const blocked = await write(rig().cloud, { openid: 'dev_stranger', content: '这里有违禁词' });
    expect(blocked.reply?.content).toBe('这条消息包含不支持的内容，换个说法试试。');
    expect(rig().model.requests).toHaveLength(calls);
    rig().model.script(textReply('你好，陌生人。'));
    await write(rig().cloud, { openid: 'dev_stranger', content: '你好' });
    expect(rig().model.requests.at(-1)?.body.tools ?? []).toEqual([]);
    expect(checks()).toHaveLength(checked);
  });
});

describe('template reminders', () => {
  async function dueTodo(user: string, title: string): Promise<Todo> {
    const result = await invoke<ApiResult<{ todo: Todo }>>(
      rig().cloud,
      'todo',
      { action: 'create', title, quadrant: 'q1', dueAt: at(60).toISOString(), remindAt: at(2).toISOString() },
      { openid: user },
    );
    if (!result.ok) throw new Error(JSON.stringify(result));
    return result.data.todo;
  }

  async function remindAt(minutes: number): Promise<RemindRunSummary> {
    const outcome = await rig().cloud.timers.fire('remind', 'everyMinute', at(minutes));
    if (!outcome.ok) throw new Error(outcome.errMsg);
    const result = outcome.result as ApiResult<RemindRunSummary>;
    if (!result.ok) throw new Error(JSON.stringify(result));
    return result.data;
  }

  async function reminder(user: string, id: string) {
    const result = await invoke<ApiResult<{ todo: Todo }>>(
      rig().cloud,
      'todo',
      { action: 'get', id },
      { openid: user },
    );
    if (!result.ok) throw new Error(JSON.stringify(result));
    return result.data.todo.reminder;
  }

  it('a follower without subscription credit gets the template message, which opens the todo', async () => {
    await logIn(rig().cloud, 'dev_pushed');
    await write(rig().cloud, { openid: 'dev_pushed', event: 'subscribe' });
    const todo = await dueTodo('dev_pushed', '交季度报告');
    const summary = await remindAt(3);
    expect(summary).toMatchObject({ sent: 1, sentByOfficialAccount: 1, noCredit: 0 });
    const [message] =
      rig()
        .cloud.wechat.person('oa_dev_pushed')
        ?.received.filter((m) => m.kind === 'template') ?? [];
    expect(message.payload).toMatchObject({
      touser: 'oa_dev_pushed',
      template_id: OA_TEMPLATE,
      miniprogram: { appid: MINI_APPID, pagepath: `pages/todos/index?id=${todo.id}` },
      data: { thing1: { value: '交季度报告' } },
    });
    expect(await reminder('dev_pushed', todo.id)).toMatchObject({ state: 'sent', via: 'oa' });
  });

  it('someone who no longer follows (43004) ends as unfollowed, and is recorded so', async () => {
    await logIn(rig().cloud, 'dev_gone');
    await write(rig().cloud, { openid: 'dev_gone', event: 'subscribe' });
    // They unfollow without the account hearing of it (its server was down, say).
    rig().cloud.wechat.unfollow('dev_gone');
    const todo = await dueTodo('dev_gone', '续费');
    expect(await remindAt(3)).toMatchObject({ unfollowed: 1, sent: 0 });
    expect(await reminder('dev_gone', todo.id)).toMatchObject({ state: 'unfollowed', error: { errcode: 43004 } });
    expect(await follower('oa_dev_gone')).toMatchObject({ subscribed: false });
  });

  it('a template the account no longer has (40037) ends as failed with that code', async () => {
    await logIn(rig().cloud, 'dev_tpl');
    await write(rig().cloud, { openid: 'dev_tpl', event: 'subscribe' });
    rig().cloud.outbox.failNext({ apiName: 'cgi-bin/message/template/send', touser: 'oa_dev_tpl', errcode: 40037 });
    const todo = await dueTodo('dev_tpl', '体检');
    expect(await remindAt(3)).toMatchObject({ failed: 1 });
    expect(await reminder('dev_tpl', todo.id)).toMatchObject({ state: 'failed', error: { errcode: 40037 } });
  });

  it('a user who does not follow keeps the no-credit state', async () => {
    await logIn(rig().cloud, 'dev_plain');
    const todo = await dueTodo('dev_plain', '买菜');
    expect(await remindAt(3)).toMatchObject({ noCredit: 1 });
    expect(await reminder('dev_plain', todo.id)).toMatchObject({ state: 'no_credit' });
  });
});
