/**
 * The local WeChat server, called as a function calls api.weixin.qq.com: every request goes over
 * HTTP from the `wxapi` fixture function running in the local cloud to WECHAT_API_BASE, which the
 * local cloud sets to its own /wxapi once its port is known. The server's clock is the test's.
 */
import type { LocalCloud } from '../../packages/cloudbase-local/src';
import { postJson, startTestCloud } from '../fixtures/emulator/harness';

jest.setTimeout(60_000);

const MP = { appid: 'wx-mini', secret: 'mini-secret-not-real' };
const OA = { appid: 'wx-account', secret: 'account-secret-not-real' };
const TEMPLATE = 'TPL_TODO_DUE';
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

let cloud: LocalCloud;
// A frozen clock the tests move: token lifetimes and the 48-hour window are exact.
let clock = Date.parse('2026-03-02T10:00:00+08:00');
const advance = (ms: number): void => {
  clock += ms;
};

beforeAll(async () => {
  cloud = await startTestCloud({
    wechat: {
      miniProgram: MP,
      officialAccount: { ...OA, templates: [{ id: TEMPLATE, title: 'Todo due' }] },
      now: () => clock,
    },
    functionEnv: (url) => ({ WECHAT_API_BASE: `${url}/wxapi` }),
  });
}, 120_000);

afterAll(async () => {
  await cloud?.close();
});

type Answer = Record<string, unknown> & { errcode?: number; errmsg?: string };

/** One WeChat server API call made by a cloud function over HTTP. */
async function wx(
  path: string,
  options: { method?: 'GET' | 'POST'; query?: Record<string, string>; body?: unknown } = {},
): Promise<Answer & { httpStatus: number }> {
  const { status, body } = await postJson(`${cloud.url}/functions/wxapi`, { path, ...options });
  expect(status).toBe(200);
  const result = body.result as { status: number; body: Answer };
  return { ...result.body, httpStatus: result.status };
}

const stable = (app: { appid: string; secret: string }, force?: boolean) =>
  wx('cgi-bin/stable_token', {
    method: 'POST',
    body: { grant_type: 'client_credential', ...app, ...(force === undefined ? {} : { force_refresh: force }) },
  });

async function token(app: { appid: string; secret: string }): Promise<string> {
  const answer = await stable(app);
  expect(answer.access_token).toEqual(expect.any(String));
  return answer.access_token as string;
}

/** Calls an API with a token; answers the errcode (0 on success) and the body. */
async function withToken(
  path: string,
  accessToken: string,
  options: { method?: 'GET' | 'POST'; query?: Record<string, string>; body?: unknown } = {},
): Promise<Answer> {
  return wx(path, { ...options, query: { access_token: accessToken, ...options.query } });
}

const code = (answer: Answer): number => answer.errcode ?? 0;

describe('sns/jscode2session', () => {
  const session = (query: Record<string, string>) =>
    wx('sns/jscode2session', {
      query: { appid: MP.appid, secret: MP.secret, grant_type: 'authorization_code', ...query },
    });

  it('turns a dev code into the user, with unionid and a session_key, once', async () => {
    const answer = await session({ js_code: 'dev-dev_alice-k1' });
    const alice = cloud.wechat.person('dev_alice');
    expect(answer).toMatchObject({ openid: 'dev_alice', unionid: alice?.unionid, session_key: expect.any(String) });
    expect(answer.errcode).toBeUndefined();
    expect(code(await session({ js_code: 'dev-dev_alice-k1' }))).toBe(40163);
    const [entry] = cloud.outbox.list({ apiName: 'sns/jscode2session' });
    expect(entry).toMatchObject({ via: 'http', openid: 'dev_alice', payload: { secret: '***' } });
  });

  it.each([
    [{ js_code: 'not-a-code' }, 40029],
    [{ js_code: '' }, 41008],
    [{ js_code: 'dev-x-1', secret: 'wrong' }, 40125],
    [{ js_code: 'dev-x-2', appid: OA.appid }, 40013],
    [{ js_code: 'dev-x-3', grant_type: 'client_credential' }, 40002],
  ])('%j answers %i', async (query, errcode) => {
    const answer = await session(query);
    expect(answer).toMatchObject({ errcode, errmsg: expect.stringMatching(/ rid: /) });
    expect(answer.openid).toBeUndefined();
  });
});

describe('access_token', () => {
  it('stable_token: the same token until its last 5 minutes, then a new one while the old still works', async () => {
    const first = await stable(OA);
    expect(first).toMatchObject({ expires_in: 7200 });
    advance(HOUR);
    expect(await stable(OA)).toMatchObject({ access_token: first.access_token, expires_in: 3600 });
    advance(55 * MINUTE + 1000);
    const second = await stable(OA);
    expect(second.access_token).not.toBe(first.access_token);
    expect(second.expires_in).toBe(7200);
    expect(code(await withToken('cgi-bin/user/get', first.access_token as string))).toBe(0);
    advance(5 * MINUTE);
    expect(code(await withToken('cgi-bin/user/get', first.access_token as string))).toBe(42001);
    expect(code(await withToken('cgi-bin/user/get', second.access_token as string))).toBe(0);
  });

  it('force_refresh revokes the current token at once, does nothing within 30 s, and is allowed 20 times a day', async () => {
    const current = await token(MP);
    const forced = await stable(MP, true);
    expect(forced.access_token).not.toBe(current);
    expect(code(await withToken('wxa/msg_sec_check', current, { method: 'POST', body: { content: 'hi' } }))).toBe(
      40001,
    );
    expect((await stable(MP, true)).access_token).toBe(forced.access_token);
    let refreshes = 1;
    for (;;) {
      advance(31_000);
      const answer = await stable(MP, true);
      if (answer.errcode !== undefined) {
        expect(answer.errcode).toBe(45009);
        break;
      }
      refreshes += 1;
    }
    expect(refreshes).toBe(20);
    advance(24 * HOUR);
    expect((await stable(MP, true)).access_token).toEqual(expect.any(String));
  });

  it('cgi-bin/token gives a new token each call; the previous one works 5 more minutes', async () => {
    const get = () =>
      wx('cgi-bin/token', { query: { grant_type: 'client_credential', appid: OA.appid, secret: OA.secret } });
    const a = await get();
    const b = await get();
    expect(a).toMatchObject({ expires_in: 7200 });
    expect(b.access_token).not.toBe(a.access_token);
    expect(code(await withToken('cgi-bin/user/get', a.access_token as string))).toBe(0);
    advance(5 * MINUTE);
    expect(code(await withToken('cgi-bin/user/get', a.access_token as string))).toBe(42001);
    expect(code(await withToken('cgi-bin/user/get', b.access_token as string))).toBe(0);
  });

  it('a missing, malformed or other-app token is refused; stable_token wants POST', async () => {
    expect(code(await wx('cgi-bin/user/get'))).toBe(41001);
    expect(code(await withToken('cgi-bin/user/get', 'not-a-token'))).toBe(40014);
    expect(code(await withToken('cgi-bin/user/get', await token(MP)))).toBe(48001);
    expect(
      code(await withToken('wxa/msg_sec_check', await token(OA), { method: 'POST', body: { content: 'x' } })),
    ).toBe(48001);
    expect(code(await wx('cgi-bin/stable_token', { query: { appid: OA.appid } }))).toBe(43002);
    expect(code(await stable({ appid: OA.appid, secret: 'wrong' }))).toBe(40125);
    expect(code(await stable({ appid: 'wx-nobody', secret: 'x' }))).toBe(40013);
  });
});

describe('followers: user/get, user/info, user/info/batchget', () => {
  let oa: string;
  beforeAll(async () => {
    oa = await token(OA);
    cloud.wechat.follow('fan_one');
    advance(1000);
    cloud.wechat.follow('fan_two', 'ADD_SCENE_QR_CODE');
  });

  it('a dev user has one unionid and an openid in each app', () => {
    const fan = cloud.wechat.person('fan_one');
    expect(fan).toMatchObject({ miniProgramOpenid: 'fan_one', unionid: expect.any(String) });
    expect(fan?.officialAccountOpenid).not.toBe('fan_one');
    expect(cloud.wechat.person(fan?.officialAccountOpenid ?? '')).toBe(fan);
  });

  it('user/get lists followers in follow order', async () => {
    const followers = [cloud.wechat.person('fan_one'), cloud.wechat.person('fan_two')].map(
      (p) => p?.officialAccountOpenid,
    );
    const answer = await withToken('cgi-bin/user/get', oa);
    const listed = (answer.data as { openid: string[] }).openid;
    expect(listed.filter((id) => followers.includes(id))).toEqual(followers);
    expect(answer).toMatchObject({ total: listed.length, count: listed.length, next_openid: listed.at(-1) });
    expect(await withToken('cgi-bin/user/get', oa, { query: { next_openid: listed.at(-1) as string } })).toMatchObject({
      count: 0,
      next_openid: '',
    });
  });

  it('user/info answers subscribe and unionid; 0 for someone who does not follow; 40003 for a non-account openid', async () => {
    const fan = cloud.wechat.person('fan_two');
    const info = await withToken('cgi-bin/user/info', oa, { query: { openid: fan?.officialAccountOpenid ?? '' } });
    expect(info).toMatchObject({
      subscribe: 1,
      openid: fan?.officialAccountOpenid,
      unionid: fan?.unionid,
      subscribe_scene: 'ADD_SCENE_QR_CODE',
      subscribe_time: expect.any(Number),
    });
    const stranger = cloud.wechat.person('stranger');
    expect(
      await withToken('cgi-bin/user/info', oa, { query: { openid: stranger?.officialAccountOpenid ?? '' } }),
    ).toEqual({ subscribe: 0, openid: stranger?.officialAccountOpenid, unionid: stranger?.unionid, httpStatus: 200 });
    expect(code(await withToken('cgi-bin/user/info', oa, { query: { openid: 'fan_two' } }))).toBe(40003);
  });

  it('user/info/batchget takes 1 to 100 openids (40032 otherwise) and refuses a bad one', async () => {
    const ids = ['fan_one', 'fan_two'].map((id) => ({ openid: cloud.wechat.person(id)?.officialAccountOpenid }));
    const answer = await withToken('cgi-bin/user/info/batchget', oa, { method: 'POST', body: { user_list: ids } });
    expect((answer.user_info_list as Array<{ subscribe: number }>).map((u) => u.subscribe)).toEqual([1, 1]);
    const many = Array.from({ length: 101 }, (_, i) => ({
      openid: cloud.wechat.person(`bulk_${i}`)?.officialAccountOpenid,
    }));
    expect(code(await withToken('cgi-bin/user/info/batchget', oa, { method: 'POST', body: { user_list: many } }))).toBe(
      40032,
    );
    expect(
      code(
        await withToken('cgi-bin/user/info/batchget', oa, { method: 'POST', body: { user_list: many.slice(0, 100) } }),
      ),
    ).toBe(0);
    expect(code(await withToken('cgi-bin/user/info/batchget', oa, { method: 'POST', body: { user_list: [] } }))).toBe(
      40032,
    );
    expect(
      code(
        await withToken('cgi-bin/user/info/batchget', oa, { method: 'POST', body: { user_list: [{ openid: 'x' }] } }),
      ),
    ).toBe(40003);
  });
});

describe('messages', () => {
  let fan: string;
  beforeAll(() => {
    fan = cloud.wechat.follow('chatty')?.officialAccountOpenid ?? '';
  });
  // A fresh stable token each time: the tests move the clock past a token's two hours.
  const custom = async (touser: string, content = 'hello') =>
    withToken('cgi-bin/message/custom/send', await token(OA), {
      method: 'POST',
      body: { touser, msgtype: 'text', text: { content } },
    });

  it('customer-service messages: 5 per user message within 48 hours (45047, 45015)', async () => {
    cloud.wechat.userMessage(fan);
    for (let i = 0; i < 5; i++) expect(code(await custom(fan, `part ${i}`))).toBe(0);
    expect(code(await custom(fan))).toBe(45047);
    cloud.wechat.userMessage(fan);
    expect(code(await custom(fan))).toBe(0);
    advance(48 * HOUR + 1000);
    expect(code(await custom(fan))).toBe(45015);
    const received = cloud.wechat.person(fan)?.received ?? [];
    expect(received.filter((m) => m.kind === 'custom')).toHaveLength(6);
    expect(received[0].payload).toMatchObject({ text: { content: 'part 0' } });
  });

  it('customer-service messages refuse an unfollowed user, a bad openid, type or empty text', async () => {
    const gone = cloud.wechat.follow('leaver')?.officialAccountOpenid ?? '';
    expect(code(await custom(gone))).toBe(0);
    cloud.wechat.unfollow(gone);
    expect(code(await custom(gone))).toBe(45015);
    expect(code(await custom('chatty'))).toBe(40003);
    cloud.wechat.userMessage(fan);
    expect(code(await custom(fan, ''))).toBe(44004);
    expect(
      code(
        await withToken('cgi-bin/message/custom/send', await token(OA), {
          method: 'POST',
          body: { touser: fan, msgtype: 'fax' },
        }),
      ),
    ).toBe(40008);
  });

  it('template messages: to followers only (43004), with a template the account has (40037)', async () => {
    const send = async (touser: string, template_id = TEMPLATE) =>
      withToken('cgi-bin/message/template/send', await token(OA), {
        method: 'POST',
        body: {
          touser,
          template_id,
          miniprogram: { appid: MP.appid, pagepath: 'pages/todos/index?id=1' },
          data: { thing1: { value: 'Report' } },
        },
      });
    const sent = await send(fan);
    expect(sent).toMatchObject({ errcode: 0, errmsg: 'ok', msgid: expect.any(Number) });
    expect(code(await send(fan, 'TPL_UNKNOWN'))).toBe(40037);
    const stranger = cloud.wechat.person('not_a_fan')?.officialAccountOpenid ?? '';
    expect(code(await send(stranger))).toBe(43004);
    expect(cloud.wechat.person(fan)?.received.at(-1)).toMatchObject({
      kind: 'template',
      payload: { msgid: sent.msgid },
    });
  });

  it('subscription messages answer as cloud.openapi does', async () => {
    const mp = await token(MP);
    const answer = await withToken('cgi-bin/message/subscribe/send', mp, {
      method: 'POST',
      body: { touser: 'dev_alice', template_id: 'TPL', data: {} },
    });
    expect(answer).toMatchObject({ errcode: 0, errmsg: 'ok' });
  });
});

describe('msgSecCheck and its word list', () => {
  let mp: string;
  beforeAll(async () => {
    mp = await token(MP);
  });
  const check = (content: string, extra: Record<string, unknown> = { version: 2, scene: 2, openid: 'dev_alice' }) =>
    withToken('wxa/msg_sec_check', mp, { method: 'POST', body: { content, ...extra } });
  const words = (method: string, body?: unknown, path = '') =>
    fetch(`${cloud.url}/_/api/wechat/words${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    }).then(async (r) => ({ status: r.status, body: (await r.json()) as Record<string, unknown> }));

  it('v2 answers pass, review or risky from the word list the developer edits', async () => {
    expect((await words('PUT', { risky: ['炸弹'], review: ['彩票'] })).body).toEqual({
      risky: ['炸弹'],
      review: ['彩票'],
    });
    expect(await check('买牛奶')).toMatchObject({ errcode: 0, result: { suggest: 'pass', label: 100 } });
    expect(await check('中彩票了')).toMatchObject({ errcode: 0, result: { suggest: 'review' } });
    expect(await check('有炸弹')).toMatchObject({ errcode: 0, result: { suggest: 'risky', label: 20001 } });
    expect((await words('POST', { word: 'Spam', suggest: 'risky' })).body).toEqual({
      risky: ['炸弹', 'Spam'],
      review: ['彩票'],
    });
    expect(await check('so much SPAM')).toMatchObject({ result: { suggest: 'risky' } });
    expect((await words('DELETE', undefined, '/Spam')).body).toEqual({ risky: ['炸弹'], review: ['彩票'] });
    expect(await check('so much SPAM')).toMatchObject({ result: { suggest: 'pass' } });
    expect((await words('GET')).body).toEqual({ risky: ['炸弹'], review: ['彩票'] });
    expect((await words('POST', { word: 'x', suggest: 'maybe' })).status).toBe(400);
  });

  it('v1 answers 87014 for risky text; v2 needs scene 1-4 and a mini-program openid', async () => {
    expect(code(await check('有炸弹', {}))).toBe(87014);
    expect(code(await check('fine', {}))).toBe(0);
    expect(code(await check('fine', { version: 2, scene: 9, openid: 'dev_alice' }))).toBe(40129);
    const oaOpenid = cloud.wechat.person('dev_alice')?.officialAccountOpenid;
    expect(code(await check('fine', { version: 2, scene: 1, openid: oaOpenid }))).toBe(40003);
    expect(code(await check(''))).toBe(44004);
  });
});

describe('every call is in the outbox, and failures can be injected', () => {
  it('the next matching call fails once, before anything changes', async () => {
    const oa = await token(OA);
    const fan = cloud.wechat.follow('injected')?.officialAccountOpenid ?? '';
    cloud.wechat.userMessage(fan);
    const failed = await postJson(`${cloud.url}/_/api/outbox/fail`, {
      apiName: 'cgi-bin/message/custom/send',
      touser: fan,
      errcode: -1,
    });
    expect(failed.status).toBe(200);
    const send = () =>
      withToken('cgi-bin/message/custom/send', oa, {
        method: 'POST',
        body: { touser: fan, msgtype: 'text', text: { content: 'hi' } },
      });
    expect(await send()).toMatchObject({ errcode: -1, errmsg: 'system error' });
    expect(cloud.wechat.person(fan)?.follower.repliesSinceMessage).toBe(0);
    expect(code(await send())).toBe(0);
    const entries = cloud.outbox.list({ apiName: 'cgi-bin/message/custom/send', openid: fan });
    expect(entries.map((e) => e.result.errcode)).toEqual([-1, 0]);
  });

  it('an unknown path is 404 40066; a wrong method, bad JSON or an empty POST get WeChat errcodes', async () => {
    expect(await wx('cgi-bin/nothing/here')).toMatchObject({ httpStatus: 404, errcode: 40066 });
    expect(code(await wx('cgi-bin/user/info/batchget', { method: 'GET' }))).toBe(43002);
    expect(code(await wx('cgi-bin/user/get', { method: 'POST', body: {} }))).toBe(43001);
    expect(code(await wx('cgi-bin/stable_token', { method: 'POST', body: '{not json' }))).toBe(47001);
    expect(code(await wx('cgi-bin/stable_token', { method: 'POST', body: '' }))).toBe(44002);
    expect(cloud.outbox.list({ apiName: 'cgi-bin/nothing/here' })).toHaveLength(1);
  });
});

describe('the inspector API', () => {
  it('shows the apps without secrets, a person by either openid, and follows or unfollows', async () => {
    const overview = (await (await fetch(`${cloud.url}/_/api/wechat`)).json()) as Record<string, unknown>;
    expect(overview).toMatchObject({
      miniProgram: { appid: MP.appid },
      officialAccount: { appid: OA.appid },
      templates: [{ id: TEMPLATE, title: 'Todo due' }],
    });
    expect(JSON.stringify(overview)).not.toContain(OA.secret);

    const person = (await (await fetch(`${cloud.url}/_/api/wechat/people/dev_bob`)).json()) as {
      officialAccountOpenid: string;
      follower: { subscribed: boolean };
    };
    expect(person.follower.subscribed).toBe(false);
    const followed = await postJson(`${cloud.url}/_/api/wechat/followers`, {
      openid: person.officialAccountOpenid,
      subscribe: true,
    });
    expect(followed.body).toMatchObject({ miniProgramOpenid: 'dev_bob', follower: { subscribed: true } });
    const unfollowed = await postJson(`${cloud.url}/_/api/wechat/followers`, { openid: 'dev_bob', subscribe: false });
    expect(unfollowed.body).toMatchObject({ follower: { subscribed: false } });
    expect((await postJson(`${cloud.url}/_/api/wechat/followers`, { openid: 'dev_bob' })).status).toBe(400);
    expect((await fetch(`${cloud.url}/_/api/wechat/people/oa_`)).status).toBe(404);
  });
});
