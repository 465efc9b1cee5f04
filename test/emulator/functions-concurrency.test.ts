import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFunctionHost } from '../../packages/cloudbase-local/src/functions';
import type { FunctionHost, InvokeOutcome } from '../../packages/cloudbase-local/src/functions/types';

const FIXTURES = join(__dirname, '..', 'fixtures', 'functions');
const SERVICE_URL = 'http://127.0.0.1:9/admin';

function pidOf(outcome: InvokeOutcome): number {
  if (!outcome.ok) throw new Error(`invocation failed: ${outcome.errMsg}`);
  return (outcome.result as { pid: number }).pid;
}

describe('concurrent invocations of one function', () => {
  let host: FunctionHost | undefined;
  let marks: string;

  beforeEach(() => {
    marks = mkdtempSync(join(tmpdir(), 'rendezvous-'));
  });

  afterEach(async () => {
    await host?.close();
    host = undefined;
    rmSync(marks, { recursive: true, force: true });
  });

  it('runs them side by side in separate instances', async () => {
    host = createFunctionHost({
      functionsDir: FIXTURES,
      serviceUrl: SERVICE_URL,
      envId: 'e',
      maxInstances: 3,
      prewarm: false,
    });
    // Each run waits until all three have started: they only finish if they truly overlap.
    const outcomes = await Promise.all(
      ['a', 'b', 'c'].map((tag) => (host as FunctionHost).invoke('rendezvous', { dir: marks, count: 3, tag })),
    );
    expect(new Set(outcomes.map(pidOf)).size).toBe(3);
    expect(host.recent(3).map((record) => record.coldStart)).toEqual([true, true, true]);
    expect(host.instances('rendezvous')).toEqual({ starting: 0, busy: 0, idle: 3, queued: 0 });
  });

  it('queues what exceeds maxInstances and serves it on a freed, warm instance', async () => {
    host = createFunctionHost({
      functionsDir: FIXTURES,
      serviceUrl: SERVICE_URL,
      envId: 'e',
      maxInstances: 2,
      prewarm: false,
    });
    const calls = ['a', 'b', 'c'].map((tag) =>
      (host as FunctionHost).invoke('rendezvous', { dir: marks, count: 2, tag }),
    );
    // Two instances are starting for three waiting invocations.
    expect(host.instances('rendezvous')).toEqual({ starting: 2, busy: 0, idle: 0, queued: 3 });
    const [a, b, c] = (await Promise.all(calls)).map(pidOf);
    expect(a).not.toBe(b);
    expect([a, b]).toContain(c);
    // Records are kept in completion order, which the runs do not fix: count them instead.
    expect(host.recent(3).filter((record) => record.coldStart)).toHaveLength(2);
  });

  it('starts new instances from a prewarmed runtime, identity and all', async () => {
    // A private copy of a function, so touching its code cannot disturb other test files.
    const functionsDir = join(marks, 'functions');
    mkdirSync(join(functionsDir, 'who'), { recursive: true });
    const file = join(functionsDir, 'who', 'index.js');
    writeFileSync(
      file,
      `const cloud = require(${JSON.stringify(createRequire(__filename).resolve('wx-server-sdk'))});
exports.main = async () => ({ pid: process.pid, wxContext: cloud.getWXContext() });`,
    );
    host = createFunctionHost({ functionsDir, serviceUrl: SERVICE_URL, envId: 'e' });
    const first = await host.invoke('who', {}, { openid: 'o-1' });
    // A new code stamp sends the next invocation to a new instance: the spare booted meanwhile.
    utimesSync(file, 2_000_000, 2_000_000);
    const second = await host.invoke('who', {}, { openid: 'o-2' });
    expect(pidOf(second)).not.toBe(pidOf(first));
    expect(second.ok && (second.result as { wxContext: unknown }).wxContext).toEqual({ OPENID: 'o-2', ENV: 'e' });
    expect(host.recent(2).map((record) => record.coldStart)).toEqual([true, true]);
  });
});
