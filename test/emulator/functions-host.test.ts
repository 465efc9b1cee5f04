import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createFunctionHost,
  FUNCTION_ERRORS,
  invokeFunctionResponse,
} from '../../packages/cloudbase-local/src/functions';
import type { FunctionHost, InvokeOutcome } from '../../packages/cloudbase-local/src/functions/types';

const FIXTURES = join(__dirname, '..', 'fixtures', 'functions');
const SERVICE_URL = 'http://127.0.0.1:9/admin';

interface Echo {
  event: unknown;
  context: Record<string, unknown>;
  wxContext: Record<string, unknown>;
  pid: number;
  cwd: string;
  env: Record<string, unknown>;
}

function resultOf<T>(outcome: InvokeOutcome): T {
  if (!outcome.ok) throw new Error(`invocation failed: ${outcome.errCode} ${outcome.errMsg}`);
  return outcome.result as T;
}

function failureOf(outcome: InvokeOutcome): { errCode: number; errMsg: string } {
  if (outcome.ok) throw new Error(`expected a failure, got ${outcome.resultJson}`);
  return outcome;
}

describe('function host with the fixture functions', () => {
  let host: FunctionHost;

  beforeAll(() => {
    host = createFunctionHost({
      functionsDir: FIXTURES,
      serviceUrl: SERVICE_URL,
      envId: 'test-env',
      env: { WX_APP_SECRET: 'app-secret-from-config' },
      prewarm: false,
    });
  });

  afterAll(() => host.close());

  it('lists the functions that have an index.js and reads their config.json', () => {
    expect(host.list()).toEqual(expect.arrayContaining(['echo', 'throws', 'exits', 'slow', 'logs', 'rendezvous']));
    expect(host.config('slow')).toEqual({ timeout: 1, triggers: [] });
    expect(host.config('throws')).toEqual({ timeout: 3, triggers: [] });
    expect(host.config('echo').permissions).toEqual({ openapi: ['subscribeMessage.send'] });
    expect(() => host.config('nope')).toThrow('no cloud function named "nope"');
  });

  it('passes event, a CloudBase-shaped context and the environment to main', async () => {
    const echo = resultOf<Echo>(await host.invoke('echo', { a: 1, list: ['x'] }, { openid: 'o-ctx' }));
    expect(echo.event).toEqual({ a: 1, list: ['x'] });
    expect(echo.context).toMatchObject({
      function_name: 'echo',
      namespace: 'test-env',
      memory_limit_in_mb: 256,
      time_limit_in_ms: 5000,
      function_version: '$LATEST',
    });
    expect(typeof echo.context.request_id).toBe('string');
    expect(JSON.parse(echo.context.environment as string)).toMatchObject({ WX_OPENID: 'o-ctx', TCB_ENV: 'test-env' });
    expect(echo.env).toEqual({
      TZ: 'UTC',
      TCB_CONTEXT_CNFG: JSON.stringify({ URL: SERVICE_URL }),
      WX_APP_SECRET: 'app-secret-from-config',
      SCF_FUNCTIONNAME: 'echo',
      HAS_API_TOKEN: true,
    });
    expect(echo.cwd).toBe(join(FIXTURES, 'echo'));
  });

  it('gives each caller of a warm instance its own getWXContext() identity', async () => {
    const first = await host.invoke(
      'echo',
      {},
      { openid: 'openid-A', appid: 'wx-app', unionid: 'union-A', clientIp: '10.0.0.1' },
    );
    const second = await host.invoke('echo', {}, { openid: 'openid-B', appid: 'wx-app' });
    const a = resultOf<Echo>(first);
    const b = resultOf<Echo>(second);
    expect(b.pid).toBe(a.pid);
    expect(a.wxContext).toEqual({
      OPENID: 'openid-A',
      APPID: 'wx-app',
      UNIONID: 'union-A',
      CLIENTIP: '10.0.0.1',
      ENV: 'test-env',
    });
    // B has no unionid: A's must not linger in the reused process.
    expect(b.wxContext).toEqual({ OPENID: 'openid-B', APPID: 'wx-app', ENV: 'test-env' });
    const [latest, previous] = host.recent(2);
    expect([previous.openid, latest.openid]).toEqual(['openid-A', 'openid-B']);
    expect(latest.coldStart).toBe(false);
  });

  it('marks the first run of an instance cold and later runs warm', async () => {
    await host.invoke('throws', { ok: true });
    await host.invoke('throws', { ok: true });
    const [second, first] = host.recent(2);
    expect(first).toMatchObject({ name: 'throws', coldStart: true, outcome: 'ok' });
    expect(first.initMs).toEqual(expect.any(Number));
    expect(second).toMatchObject({ name: 'throws', coldStart: false, outcome: 'ok' });
    expect(second.initMs).toBeUndefined();
  });

  it('sets TRIGGER_SRC and TCB_SOURCE for timer and client invocations', async () => {
    const timer = resultOf<Echo>(await host.invoke('echo', {}, {}, { trigger: 'timer' }));
    expect(timer.env.TRIGGER_SRC).toBe('timer');
    const client = resultOf<Echo>(await host.invoke('echo', {}, { openid: 'o' }, { source: 'wx_client' }));
    expect(client.env.TRIGGER_SRC).toBeUndefined();
    expect(client.wxContext.SOURCE).toBe('wx_client');
  });

  it('reports a thrown error and keeps the instance, as CloudBase does', async () => {
    const warm = resultOf<{ pid: number }>(await host.invoke('throws', { ok: true }));
    const failure = failureOf(await host.invoke('throws', {}));
    expect(failure.errCode).toBe(FUNCTION_ERRORS.executeFail.errCode);
    expect(failure.errMsg).toMatch(/^Error: boom from throws/);
    expect(host.recent(1)[0]).toMatchObject({ outcome: 'error', errMsg: failure.errMsg });
    const after = resultOf<{ pid: number }>(await host.invoke('throws', { ok: true }));
    expect(after.pid).toBe(warm.pid);
  });

  it('reports process.exit as a crash and replaces the instance', async () => {
    const before = resultOf<{ pid: number }>(await host.invoke('exits', { ok: true }));
    const failure = failureOf(await host.invoke('exits', {}));
    expect(failure).toMatchObject({
      errCode: FUNCTION_ERRORS.executeFail.errCode,
      errMsg: 'Function instance exited unexpectedly (code 3)',
    });
    expect(host.recent(1)[0]).toMatchObject({
      outcome: 'crash',
      logs: [expect.objectContaining({ text: 'about to exit' })],
    });
    const after = resultOf<{ pid: number }>(await host.invoke('exits', { ok: true }));
    expect(after.pid).not.toBe(before.pid);
    expect(host.recent(1)[0].coldStart).toBe(true);
  });

  it('kills an invocation that outlives config.json timeout (1 s) and answers like CloudBase', async () => {
    const before = resultOf<{ pid: number }>(await host.invoke('slow', { quick: true }));
    const failure = failureOf(await host.invoke('slow', {}));
    expect(failure).toEqual(
      expect.objectContaining({
        errCode: FUNCTION_ERRORS.timeout.errCode,
        errMsg: 'Invoking task timed out after 1 seconds',
      }),
    );
    const record = host.recent(1)[0];
    expect(record.outcome).toBe('timeout');
    expect(record.durationMs).toBeGreaterThanOrEqual(990);
    const after = resultOf<{ pid: number }>(await host.invoke('slow', { quick: true }));
    expect(after.pid).not.toBe(before.pid);
  });

  it('captures console output per invocation, including what the module printed while loading', async () => {
    await host.invoke('logs', { tag: 'first' });
    await host.invoke('logs', { tag: 'second' });
    const [second, first] = host.recent(2);
    const lines = (record: typeof first): string[] => record.logs.map((entry) => `${entry.level} ${entry.text}`);
    expect(lines(first)).toEqual([
      'log loading logs function',
      'log log line { n: 1 }',
      'info info line',
      'warn warn line',
      'error error line first',
      'log debug line',
    ]);
    expect(lines(second)).toEqual(
      lines(first)
        .slice(1)
        .map((line) => line.replace('first', 'second')),
    );
    expect(first.logs[0].at).toBeInstanceOf(Date);
  });

  it('reports a function whose code fails to load', async () => {
    const failure = failureOf(await host.invoke('broken', {}));
    expect(failure.errCode).toBe(FUNCTION_ERRORS.executeFail.errCode);
    expect(failure.errMsg).toContain("Cannot find module './does-not-exist'");
  });

  it('answers -501000 for functions that do not exist, including names that try to leave the folder', async () => {
    for (const name of ['nope', '../echo', 'echo/../echo', '']) {
      expect(failureOf(await host.invoke(name, {}))).toMatchObject({
        errCode: -501000,
        errMsg: 'FunctionName parameter could not be found.',
      });
    }
  });

  it('tells the server which invocation an SDK request comes from, only while it runs', async () => {
    const server = http.createServer((req, res) => {
      const caller = host.callerOf(String(req.headers['x-api-token']));
      res.end(JSON.stringify(caller ?? null));
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    try {
      const outcome = await host.invoke('whoami', { url }, { openid: 'o-who' }, { requestId: 'req-who' });
      const { token, answer } = resultOf<{ token: string; answer: Record<string, unknown> }>(outcome);
      expect(answer).toMatchObject({ name: 'whoami', requestId: 'req-who', identity: { openid: 'o-who' } });
      expect(host.callerOf(token)).toBeUndefined();
    } finally {
      server.close();
    }
  });

  it('shapes outcomes as the functions.invokeFunction answer node-sdk parses', () => {
    expect(invokeFunctionResponse({ ok: true, result: { a: 1 }, resultJson: '{"a":1}', requestId: 'r' })).toEqual({
      requestId: 'r',
      data: { response_data: '{"a":1}' },
    });
    expect(
      invokeFunctionResponse({
        ok: false,
        errCode: -504003,
        errMsg: 'Invoking task timed out after 3 seconds',
        requestId: 'r',
      }),
    ).toEqual({
      requestId: 'r',
      code: 'FUNCTIONS_EXECUTE_FAIL',
      message: 'errCode: -504003 functions time out error | errMsg: Invoking task timed out after 3 seconds',
    });
  });
});

describe('function host reloading and shutdown', () => {
  let dir: string;
  let host: FunctionHost;

  const writeFunction = (name: string, code: string, config?: string, stampSeconds?: number): void => {
    mkdirSync(join(dir, name), { recursive: true });
    const file = join(dir, name, 'index.js');
    writeFileSync(file, code);
    if (config !== undefined) writeFileSync(join(dir, name, 'config.json'), config);
    // An explicit mtime: two writes within the same clock tick must still read as a change.
    if (stampSeconds !== undefined) utimesSync(file, stampSeconds, stampSeconds);
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'functions-host-'));
    host = createFunctionHost({
      functionsDir: dir,
      serviceUrl: SERVICE_URL,
      envId: 'test-env',
      prewarm: false,
      historySize: 3,
    });
  });

  afterEach(async () => {
    await host.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('loads new code when index.js changes', async () => {
    writeFunction('version', 'exports.main = async () => ({ version: 1, pid: process.pid });', undefined, 1_000_000);
    const v1 = resultOf<{ version: number; pid: number }>(await host.invoke('version', {}));
    expect(resultOf<{ pid: number }>(await host.invoke('version', {})).pid).toBe(v1.pid);
    writeFunction('version', 'exports.main = async () => ({ version: 2, pid: process.pid });', undefined, 1_000_100);
    const v2 = resultOf<{ version: number; pid: number }>(await host.invoke('version', {}));
    expect(v2.version).toBe(2);
    expect(v2.pid).not.toBe(v1.pid);
    expect(host.recent(1)[0].coldStart).toBe(true);
  });

  it('keeps only the last historySize records, newest first', async () => {
    writeFunction('count', 'exports.main = async (event) => event.n;');
    for (let n = 1; n <= 5; n += 1) await host.invoke('count', { n });
    const kept = host.recent();
    expect(kept).toHaveLength(3);
    expect(kept.map((record) => record.coldStart)).toEqual([false, false, false]);
    expect(host.recent(1)[0].id).toBe(kept[0].id);
  });

  it('answers null for a function that returns nothing, and an error for an unserialisable result', async () => {
    writeFunction('nothing', 'exports.main = async () => undefined;');
    writeFunction('cyclic', 'exports.main = async () => { const a = {}; a.a = a; return a; };');
    expect(await host.invoke('nothing', {})).toMatchObject({ ok: true, result: null, resultJson: 'null' });
    expect(failureOf(await host.invoke('cyclic', {})).errMsg).toContain('circular structure');
  });

  it('refuses a malformed config.json loudly', async () => {
    writeFunction('badconfig', 'exports.main = async () => 1;', '{ "timeout": "soon" }');
    expect(() => host.config('badconfig')).toThrow('"timeout" must be a number of seconds');
    expect(failureOf(await host.invoke('badconfig', {})).errMsg).toContain('"timeout" must be a number');
  });

  it('answers invocations still running when the host closes', async () => {
    writeFunction('hang', 'exports.main = () => new Promise(() => {});', '{ "timeout": 60 }');
    const pending = host.invoke('hang', {});
    await expect(host.close()).resolves.toBeUndefined();
    expect(failureOf(await pending).errMsg).toBe('the local cloud is shutting down');
    expect(failureOf(await host.invoke('hang', {})).errMsg).toBe('the local cloud is shutting down');
  });
});
