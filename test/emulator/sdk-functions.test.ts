/**
 * Functions and open APIs through the real SDK: cloud.callFunction (including from inside a
 * function), failures, and cloud.openapi landing in the outbox with one-shot failure injection.
 */
import type { LocalCloud } from '../../packages/cloudbase-local/src';
import {
  getJson,
  loadSdk,
  postJson,
  sdkError,
  settle,
  startTestCloud,
  type WxCloud,
} from '../fixtures/emulator/harness';

jest.setTimeout(30_000);

let cloud: LocalCloud;
let sdk: WxCloud;

beforeAll(async () => {
  cloud = await startTestCloud({ blocklist: ['forbidden'] });
  sdk = loadSdk(cloud);
}, 120_000);

afterAll(async () => {
  await cloud?.close();
});

beforeEach(() => cloud.outbox.clear());

describe('cloud.callFunction', () => {
  it('runs the function and returns its result', async () => {
    const res = await settle(sdk.callFunction({ name: 'echo', data: { a: 1 } }));
    expect(res.result).toEqual({ event: { a: 1 }, openid: null, appid: null, unionid: null });
  });

  it('a function calling a function runs the callee as the same user', async () => {
    const { status, body } = await postJson(`${cloud.url}/functions/caller`, { n: 2 }, { 'x-wx-openid': 'o-alice' });
    expect(status).toBe(200);
    expect(body.result).toEqual({
      inner: { event: { via: 'caller', n: 2 }, openid: 'o-alice', appid: null, unionid: null },
      openid: 'o-alice',
    });
  });

  it('a function can use the database', async () => {
    const res = await settle(sdk.callFunction({ name: 'writer', data: { text: 'hello' } }));
    const result = res.result as { _id: string; text: string; atIsDate: boolean };
    expect(result).toMatchObject({ text: 'hello', atIsDate: true });
    expect(await cloud.store.find('notes', { _id: result._id })).toEqual([
      { _id: result._id, text: 'hello', at: expect.any(Date) },
    ]);
  });

  it('a throwing function fails with -504002', async () => {
    const error = await sdkError(sdk.callFunction({ name: 'boom' }));
    expect(error.errMsg).toContain('-504002');
    expect(error.errMsg).toContain('boom: deliberate failure');
  });

  it('a function past its timeout fails with -504003', async () => {
    const error = await sdkError(sdk.callFunction({ name: 'slow' }));
    expect(error.errMsg).toContain('-504003');
    expect(error.errMsg).toContain('timed out');
  });

  it('a missing function fails with -501000', async () => {
    const error = await sdkError(sdk.callFunction({ name: 'nothing_here' }));
    expect(error.errMsg).toContain('-501000');
  });
});

describe("CloudBase's in-function API hosts", () => {
  it('answer from the local cloud, which names the database protocol of wx-server-sdk 2.0.x it does not speak', async () => {
    const outcome = await cloud.functions.invoke('innerhost', { action: 'database.queryDocument' });
    expect(outcome.ok && outcome.result).toMatchObject({
      code: 'INVALID_ACTION',
      message: expect.stringContaining('use wx-server-sdk 2.1 or later'),
    });
  });
});

describe('cloud.openapi and the outbox', () => {
  const send = (touser: string): Promise<unknown> =>
    settle(
      sdk.openapi.subscribeMessage.send({
        touser,
        templateId: 'TPL_REMIND',
        page: 'pages/todos/index',
        miniprogramState: 'developer',
        data: { thing1: { value: 'Write report' }, time2: { value: '2024-05-01 10:00' } },
      }) as Promise<unknown>,
    );

  it('subscribeMessage.send answers ok and lands in the outbox as WeChat would receive it', async () => {
    await expect(send('o-alice')).resolves.toEqual({ errCode: 0, errMsg: 'openapi.subscribeMessage.send:ok' });
    const [entry] = cloud.outbox.list();
    expect(entry).toMatchObject({
      apiName: 'subscribeMessage.send',
      openid: 'o-alice',
      payload: {
        touser: 'o-alice',
        template_id: 'TPL_REMIND',
        page: 'pages/todos/index',
        miniprogram_state: 'developer',
        data: { thing1: { value: 'Write report' }, time2: { value: '2024-05-01 10:00' } },
      },
      result: { errcode: 0, errmsg: 'ok' },
    });
    expect(entry.at).toBeInstanceOf(Date);

    const { status, body } = await getJson(`${cloud.url}/_/api/outbox`);
    expect(status).toBe(200);
    expect(body.entries).toEqual([
      expect.objectContaining({ id: entry.id, apiName: 'subscribeMessage.send', openid: 'o-alice' }),
    ]);
  });

  it('POST /_/api/outbox/fail makes the next matching call fail once', async () => {
    const injected = await postJson(`${cloud.url}/_/api/outbox/fail`, {
      apiName: 'subscribeMessage.send',
      errcode: 43101,
    });
    expect(injected.status).toBe(200);

    const error = await sdkError(send('o-alice') as Promise<unknown>);
    expect(error.errCode).toBe(43101);
    expect(error.errMsg).toContain('user refuse to accept the msg');
    await expect(send('o-alice')).resolves.toMatchObject({ errCode: 0 });

    expect(cloud.outbox.list().map((e) => e.result.errcode)).toEqual([43101, 0]);
  });

  it('a failure for one user leaves other users alone', async () => {
    cloud.outbox.failNext({ apiName: 'subscribeMessage.send', touser: 'o-bob', errcode: 40003 });
    await expect(send('o-alice')).resolves.toMatchObject({ errCode: 0 });
    expect((await sdkError(send('o-bob') as Promise<unknown>)).errCode).toBe(40003);
    await expect(send('o-bob')).resolves.toMatchObject({ errCode: 0 });
  });

  it('a rejected failure rule is a 400 and changes nothing', async () => {
    const { status, body } = await postJson(`${cloud.url}/_/api/outbox/fail`, {
      apiName: 'subscribeMessage.send',
      errcode: 'x',
    });
    expect(status).toBe(400);
    expect(body.message).toContain('errcode');
    expect(cloud.outbox.pendingFailures()).toEqual([]);
  });

  it('security.msgSecCheck v2 passes clean text and flags blocklisted words as risky', async () => {
    const check = (content: string): Promise<{ result: { suggest: string; label: number } }> =>
      settle(
        sdk.openapi.security.msgSecCheck({ openid: 'o-alice', scene: 2, version: 2, content }) as Promise<{
          result: { suggest: string; label: number };
        }>,
      );
    expect((await check('buy milk')).result).toEqual({ suggest: 'pass', label: 100 });
    expect((await check('something forbidden here')).result).toEqual({ suggest: 'risky', label: 20001 });
    expect(cloud.outbox.list({ apiName: 'security.msgSecCheck' })).toHaveLength(2);
  });

  it('a function needs the API in config.json permissions', async () => {
    const granted = await postJson(
      `${cloud.url}/functions/notify`,
      { templateId: 'T1', title: 'hi' },
      { 'x-wx-openid': 'o-carol' },
    );
    expect(granted.body.result).toEqual({ sent: true });
    const entry = await cloud.outbox.waitFor((e) => e.openid === 'o-carol');
    expect(entry.payload).toMatchObject({ template_id: 'T1', data: { thing1: { value: 'hi' } } });

    const refused = await postJson(`${cloud.url}/functions/nopermission`, {}, { 'x-wx-openid': 'o-carol' });
    expect(refused.body.result).toEqual({ sent: false, errCode: -604101 });
    expect(cloud.outbox.list()).toHaveLength(1);
  });
});
