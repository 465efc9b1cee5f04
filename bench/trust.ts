/**
 * Trust figures: a `remind` pass over 2,000 due reminders, clean and with 1% of them documents the
 * app did not write (every valid one still sent once, each bad one failed INVALID_DOCUMENT, the
 * wall times side by side); and what idempotency costs a write: `todo.create` with a requestId
 * against without (one claim insert and one answer update more).
 */
import type { LocalCloud } from 'cloudbase-local';
import type { ApiResult } from '../typings/contract';
import { percentile, timed, type Reporter } from './report';
import { remindPass, startBenchCloud } from './todos';

async function create(cloud: LocalCloud, openid: string, i: number, requestId?: string): Promise<void> {
  const response = await fetch(`${cloud.url}/functions/todo`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-wx-openid': openid, 'x-wx-appid': 'wx-bench' },
    body: JSON.stringify({
      action: 'create',
      title: `bench ${i}`,
      quadrant: 'q2',
      ...(requestId ? { requestId } : {}),
    }),
  });
  const body = (await response.json()) as { result?: ApiResult<unknown> };
  if (!body.result?.ok) throw new Error(`create failed: ${JSON.stringify(body)}`);
}

async function idempotencyCost(cloud: LocalCloud, report: Reporter): Promise<void> {
  const plain: number[] = [];
  const keyed: number[] = [];
  for (let i = 0; i < 10; i++) await create(cloud, 'o-bench-warm', i, `warm-request-${i}`);
  for (let i = 0; i < 100; i++) {
    plain.push(await timed(() => create(cloud, 'o-bench-plain', i)));
    keyed.push(await timed(() => create(cloud, 'o-bench-keyed', i, `bench-request-${String(i).padStart(4, '0')}`)));
  }
  report.latencies('todo.create without a requestId', plain);
  report.latencies('todo.create with a requestId', keyed);
  const repeat: number[] = [];
  for (let i = 0; i < 100; i++) {
    repeat.push(await timed(() => create(cloud, 'o-bench-keyed', i, `bench-request-${String(i).padStart(4, '0')}`)));
  }
  report.latencies('todo.create repeated (answered from the record)', repeat);
  const p50 = (samples: number[]) =>
    percentile(
      [...samples].sort((a, b) => a - b),
      50,
    );
  report.figure('requestId overhead on create, p50', p50(keyed) - p50(plain), 'ms');
}

export async function run(report: Reporter): Promise<void> {
  const cloud = await startBenchCloud();
  try {
    // A first pass warms the instances and the table, so neither measured pass pays for it.
    const silent: Reporter = { figure: () => undefined, latencies: () => undefined, note: () => undefined };
    await remindPass(cloud, silent, { label: 'warm-up', prefix: 'o-warm-' });
    const clean = await remindPass(cloud, report, { label: 'remind, clean', prefix: 'o-clean-' });
    const dirty = await remindPass(cloud, report, {
      label: 'remind, 1% malformed',
      prefix: 'o-dirty-',
      malformedPercent: 1,
    });
    report.figure('remind wall time, 1% malformed / clean', dirty / clean, 'x');
    await idempotencyCost(cloud, report);
  } finally {
    await cloud.close();
  }
}
