/**
 * Concurrent invocations of one function, as CloudBase scales a function's instances: each gets a
 * worker of its own up to maxInstances, then they share the workers (each with its own caller,
 * logs and failures) up to the function's concurrency quota, past which a call is refused. Fifty
 * invocations waiting 2 s on I/O all run at the same moment instead of queueing.
 */
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFunctionHost } from '../../packages/cloudbase-local/src/functions';
import type {
  FunctionHost,
  FunctionHostOptions,
  InvokeOutcome,
} from '../../packages/cloudbase-local/src/functions/types';
import { FIXTURE_FUNCTIONS } from '../fixtures/emulator/harness';

jest.setTimeout(60_000);

const FIXTURES = join(__dirname, '..', 'fixtures', 'functions');
const SERVICE_URL = 'http://127.0.0.1:9/admin';
const SDK = JSON.stringify(createRequire(__filename).resolve('wx-server-sdk'));

function resultOf<T>(outcome: InvokeOutcome): T {
  if (!outcome.ok) throw new Error(`invocation failed: ${outcome.errCode} ${outcome.errMsg}`);
  return outcome.result as T;
}

const pidOf = (outcome: InvokeOutcome): number => resultOf<{ pid: number }>(outcome).pid;

describe('concurrent invocations of one function', () => {
  let host: FunctionHost | undefined;
  let marks: string;

  const start = (options: Partial<FunctionHostOptions>): FunctionHost =>
    (host = createFunctionHost({
      functionsDir: FIXTURES,
      serviceUrl: SERVICE_URL,
      envId: 'e',
      prewarm: false,
      ...options,
    }));

  /** A private function folder, so writing code cannot disturb other test files. */
  function privateFunction(name: string, code: string, config: object = {}): string {
    const functionsDir = join(marks, 'functions');
    mkdirSync(join(functionsDir, name), { recursive: true });
    writeFileSync(join(functionsDir, name, 'index.js'), code);
    writeFileSync(join(functionsDir, name, 'config.json'), JSON.stringify(config));
    return functionsDir;
  }

  beforeEach(() => {
    marks = mkdtempSync(join(tmpdir(), 'rendezvous-'));
  });

  afterEach(async () => {
    await host?.close();
    host = undefined;
    rmSync(marks, { recursive: true, force: true });
  });

  it('runs them side by side in separate instances, up to maxInstances', async () => {
    start({ maxInstances: 3 });
    // Each run waits until all three have started: they only finish if they truly overlap.
    const outcomes = await Promise.all(
      ['a', 'b', 'c'].map((tag) => (host as FunctionHost).invoke('rendezvous', { dir: marks, count: 3, tag })),
    );
    expect(new Set(outcomes.map(pidOf)).size).toBe(3);
    expect(host?.recent(3).map((record) => record.coldStart)).toEqual([true, true, true]);
    expect(host?.instances('rendezvous')).toMatchObject({ starting: 0, busy: 0, idle: 3, queued: 0, running: 0 });
  });

  it('beyond maxInstances, shares the workers instead of queueing', async () => {
    start({ maxInstances: 2 });
    // Four invocations that can only finish together, on at most two workers.
    const outcomes = await Promise.all(
      ['a', 'b', 'c', 'd'].map((tag) => (host as FunctionHost).invoke('rendezvous', { dir: marks, count: 4, tag })),
    );
    expect(new Set(outcomes.map(pidOf)).size).toBeLessThanOrEqual(2);
    expect(host?.memory().processes).toBeLessThanOrEqual(2);
  });

  it('gives every invocation sharing a worker its own caller, and its own log lines', async () => {
    start({ maxInstances: 1, functionsDir: FIXTURE_FUNCTIONS });
    const callers = ['o-1', 'o-2', 'o-3', 'o-4', 'o-5'];
    const outcomes = await Promise.all(
      callers.map((openid, i) => (host as FunctionHost).invoke('wait', { ms: 300 - i * 50 }, { openid })),
    );
    // The identity is read after the wait, when the others have started in the same process.
    expect(outcomes.map((outcome) => resultOf<{ openid: string }>(outcome).openid)).toEqual(callers);
    expect(new Set(outcomes.map(pidOf)).size).toBe(1);
  });

  it('refuses a call past the concurrency quota with -501004, as CloudBase blocks it', async () => {
    start({ functionsDir: FIXTURE_FUNCTIONS, concurrency: 2 });
    const running = [host?.invoke('wait', { ms: 500 }), host?.invoke('wait', { ms: 500 })];
    const refused = await host?.invoke('wait', { ms: 0 });
    expect(refused).toMatchObject({ ok: false, errCode: -501004 });
    expect((await Promise.all(running)).every((outcome) => outcome?.ok)).toBe(true);
  });

  it('times out one invocation in a shared worker without failing the others, then retires the worker', async () => {
    const functionsDir = privateFunction(
      'sleepy',
      'exports.main = (e) => new Promise((r) => setTimeout(() => r({ pid: process.pid }), e.ms));',
      { timeout: 0.5 },
    );
    start({ functionsDir, maxInstances: 1 });
    const [late, onTime] = await Promise.all([
      host?.invoke('sleepy', { ms: 5000 }),
      host?.invoke('sleepy', { ms: 100 }),
    ]);
    expect(late).toMatchObject({ ok: false, errCode: -504003 });
    expect(onTime?.ok).toBe(true);
    const next = await host?.invoke('sleepy', { ms: 0 });
    expect(next && pidOf(next)).not.toBe(onTime && pidOf(onTime));
  });

  it('fails only the invocation an uncaught error escaped from', async () => {
    const functionsDir = privateFunction(
      'fragile',
      `exports.main = (e) => new Promise((resolve) => setTimeout(() => {
        if (e.crash) throw new Error('escaped ' + e.tag);
        resolve({ pid: process.pid, tag: e.tag });
      }, e.ms));`,
    );
    start({ functionsDir, maxInstances: 1 });
    const outcomes = await Promise.all([
      host?.invoke('fragile', { tag: 'a', ms: 200 }),
      host?.invoke('fragile', { tag: 'b', ms: 50, crash: true }),
      host?.invoke('fragile', { tag: 'c', ms: 300 }),
    ]);
    expect(outcomes.map((outcome) => outcome?.ok)).toEqual([true, false, true]);
    expect(outcomes[1]).toMatchObject({ errMsg: expect.stringContaining('escaped b') });
    expect(host?.recent(3).find((record) => record.outcome === 'crash')?.errMsg).toContain('escaped b');
  });

  it('runs 50 invocations waiting 2 s on I/O all at the same moment, with their memory reported', async () => {
    start({ functionsDir: FIXTURE_FUNCTIONS });
    const calls = Array.from({ length: 50 }, (_, i) =>
      (host as FunctionHost).invoke('wait', { ms: 2000 }, { openid: `o-${i}` }),
    );
    const outcomes = await Promise.all(calls);
    expect(outcomes.every((outcome) => outcome.ok)).toBe(true);
    const records = host?.recent(50) ?? [];
    // Every invocation started before any finished: none waited behind another.
    const lastStart = Math.max(...records.map((record) => record.startedAt.getTime()));
    const firstEnd = Math.min(...records.map((record) => record.startedAt.getTime() + record.durationMs));
    expect(lastStart).toBeLessThan(firstEnd);
    const memory = host?.memory();
    expect(memory?.processes).toBeLessThanOrEqual(4);
    expect(memory?.peakRssBytes).toBeGreaterThan(0);
  });

  it('starts new instances from a prewarmed runtime, identity and all', async () => {
    const functionsDir = privateFunction(
      'who',
      `const cloud = require(${SDK});
exports.main = async () => ({ pid: process.pid, wxContext: cloud.getWXContext() });`,
    );
    host = createFunctionHost({ functionsDir, serviceUrl: SERVICE_URL, envId: 'e' });
    const first = await host.invoke('who', {}, { openid: 'o-1' });
    // A new code stamp sends the next invocation to a new instance: the spare booted meanwhile.
    utimesSync(join(functionsDir, 'who', 'index.js'), 2_000_000, 2_000_000);
    const second = await host.invoke('who', {}, { openid: 'o-2' });
    expect(pidOf(second)).not.toBe(pidOf(first));
    expect(resultOf<{ wxContext: unknown }>(second).wxContext).toEqual({ OPENID: 'o-2', ENV: 'e' });
    expect(host.recent(2).map((record) => record.coldStart)).toEqual([true, true]);
  });
});
