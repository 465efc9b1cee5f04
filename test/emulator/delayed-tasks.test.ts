/**
 * Deferred invocations (cloud.openapi.cloudbase.addDelayedFunctionTask) through the real SDK: the
 * range CloudBase accepts, the task run on its second with no user, run early from the inspector's
 * API, and kept in the data folder across a restart.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LocalCloud } from '../../packages/cloudbase-local/src';
import { eventually } from '../helpers/eventually';
import {
  getJson,
  loadSdk,
  postJson,
  sdkError,
  settle,
  startTestCloud,
  type WxCloud,
} from '../fixtures/emulator/harness';

jest.setTimeout(120_000);

const ENV = 'test';
let cloud: LocalCloud;
let sdk: WxCloud;

beforeAll(async () => {
  cloud = await startTestCloud({ envId: ENV });
  sdk = loadSdk(cloud);
}, 120_000);
afterAll(() => cloud?.close());
beforeEach(() => {
  cloud.delayed.clear();
  cloud.outbox.clear();
});

const add = (delayTime: number, data: object = { n: 1 }, functionName = 'echo') =>
  settle(
    sdk.openapi.cloudbase.addDelayedFunctionTask({
      env: ENV,
      functionName,
      delayTime,
      data: JSON.stringify(data),
    }) as Promise<unknown>,
  );

/** Finished runs of delayed tasks, newest first; those whose event or result holds `text` when given. */
const delayedRuns = (on: LocalCloud, text?: string) =>
  on.functions.recent(50, { source: 'delayed', ...(text ? { text } : {}) });

describe('cloudbase.addDelayedFunctionTask', () => {
  it('refuses a delay outside 6 s to 30 days, and a data that is not JSON, with WeChat’s 47003', async () => {
    const local = cloud;
    for (const delayTime of [5, 0, -10, 2_592_001, 6.5]) {
      const error = await sdkError(add(delayTime));
      expect(error.errCode).toBe(47003);
      expect(error.errMsg).toContain('delay_time must be whole seconds from 6 to 2592000');
    }
    const notJson = await sdkError(
      settle(
        sdk.openapi.cloudbase.addDelayedFunctionTask({
          env: ENV,
          functionName: 'echo',
          delayTime: 60,
          data: 'not json',
        }) as Promise<unknown>,
      ),
    );
    expect(notJson.errCode).toBe(47003);
    expect(local.delayed.list()).toEqual([]);
    await expect(add(6)).resolves.toEqual({ errCode: 0, errMsg: 'openapi.cloudbase.addDelayedFunctionTask:ok' });
    await expect(add(2_592_000)).resolves.toMatchObject({ errCode: 0 });
    expect(local.delayed.list()).toHaveLength(2);
    expect(local.outbox.list({ apiName: 'cloudbase.addDelayedFunctionTask' }).map((e) => e.result.errcode)).toEqual([
      47003, 47003, 47003, 47003, 47003, 47003, 0, 0,
    ]);
  });

  it('runs the function once at its time, with the data as its event and no user', async () => {
    const local = cloud;
    const asked = Date.now();
    await add(6, { todo: 'a' });
    const [task] = local.delayed.list();
    expect(Date.parse(task.dueAt) - Date.parse(task.createdAt)).toBe(6000);
    const [run] = await eventually(
      () => delayedRuns(local, 'todo').length > 0 && delayedRuns(local, 'todo'),
      'the task',
      20_000,
    );
    expect(run).toMatchObject({ name: 'echo', source: 'delayed', outcome: 'ok', event: { todo: 'a' } });
    expect(run.openid).toBeUndefined();
    expect(run.result).toEqual({ event: { todo: 'a' }, openid: null, appid: null, unionid: null });
    expect(run.startedAt.getTime()).toBeGreaterThanOrEqual(asked + 6000);
    expect(local.delayed.list()).toEqual([]);
  });

  it('the inspector lists pending tasks with their due time and runs one early, once', async () => {
    const local = cloud;
    await add(3600, { early: true });
    const { status, body } = await getJson(`${local.url}/_/api/delayed-tasks`);
    expect(status).toBe(200);
    const tasks = body.tasks as Array<{ id: string; functionName: string; dueAt: string; data: string }>;
    expect(tasks).toEqual([
      expect.objectContaining({ functionName: 'echo', env: ENV, data: '{"early":true}', dueAt: expect.any(String) }),
    ]);
    expect(Date.parse(tasks[0].dueAt) - Date.now()).toBeGreaterThan(3590_000);

    const ran = await postJson(`${local.url}/_/api/delayed-tasks/${tasks[0].id}/run`, {});
    expect(ran.status).toBe(200);
    expect(ran.body).toMatchObject({ ok: true, result: { event: { early: true }, openid: null } });
    expect(delayedRuns(local, 'early')).toHaveLength(1);
    expect((await getJson(`${local.url}/_/api/delayed-tasks`)).body.tasks).toEqual([]);
    const again = await postJson(`${local.url}/_/api/delayed-tasks/${tasks[0].id}/run`, {});
    expect(again).toMatchObject({ status: 404, body: { code: 'NOT_FOUND' } });
  });

  it('keeps tasks in the data folder: one whose time passed while the cloud was down runs at start, once', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'delayed-tasks-'));
    // The door the open API goes through (the SDK above is bound to the shared cloud).
    const ask = (on: LocalCloud, delay: number, data: object) =>
      on.delayed.add({ env: ENV, function_name: 'echo', delay_time: delay, data: JSON.stringify(data) });
    let local = await startTestCloud({ envId: ENV, dataDir });
    try {
      expect(ask(local, 6, { missed: 1 })).toEqual({ errcode: 0, errmsg: 'ok' });
      ask(local, 3600, { later: 1 });
      const [missed, later] = local.delayed.list();
      await local.close();
      await eventually(() => Date.now() > Date.parse(missed.dueAt), 'the first task’s time to pass', 20_000);

      local = await startTestCloud({ envId: ENV, dataDir });
      const [run] = await eventually(() => delayedRuns(local).length > 0 && delayedRuns(local), 'the missed task');
      expect(run).toMatchObject({ name: 'echo', source: 'delayed', event: { missed: 1 } });
      expect(local.delayed.list()).toEqual([later]);

      await local.close();
      local = await startTestCloud({ envId: ENV, dataDir });
      expect(local.delayed.list()).toEqual([later]);
      expect(delayedRuns(local)).toEqual([]);
    } finally {
      await local.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
