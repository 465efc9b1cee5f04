/**
 * Todo figures: `list` latency for a user with 10k todos among 100k (seeded through the store,
 * called through the function as the app does), first page against the next by cursor, and one `remind` pass over 2,000 due reminders
 * run as two overlapping timer runs: wall time, sends per second, and duplicate sends (must be 0).
 */
import { join } from 'node:path';
import { DATABASE_DIR } from '../dev/app';
import { startLocalCloud, type LocalCloud, type LocalCloudOptions } from 'cloudbase-local';
import { buildFunctions } from '../scripts/build-functions';
import { QUADRANT_KEYS } from '../shared/quadrants';
import { sampleTodo } from '../test/helpers/todos';
import type { ApiResult } from '../typings/contract';
import type { RemindRunSummary, TodoListResult } from '../typings/todo';
import { percentile, timed, type Reporter } from './report';

const ROOT = join(__dirname, '..');
const FUNCTIONS = join(ROOT, 'cloudfunctions');
const TEMPLATE = 'bench-template';
const USER = 'o-bench-heavy';

async function insertAll(cloud: LocalCloud, collection: string, docs: Array<Record<string, unknown>>): Promise<void> {
  for (let i = 0; i < docs.length; i += 2000) await cloud.store.insert(collection, docs.slice(i, i + 2000));
}

async function list(cloud: LocalCloud, request: object): Promise<TodoListResult> {
  const response = await fetch(`${cloud.url}/functions/todo`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-wx-openid': USER, 'x-wx-appid': 'wx-bench' },
    body: JSON.stringify({ action: 'list', ...request }),
  });
  const body = (await response.json()) as { result?: ApiResult<TodoListResult> };
  if (!body.result?.ok) throw new Error(`list failed: ${JSON.stringify(body)}`);
  return body.result.data;
}

async function listLatency(cloud: LocalCloud, report: Reporter): Promise<void> {
  const now = Date.now();
  const seed = timed(async () => {
    await insertAll(
      cloud,
      'todos',
      Array.from({ length: 10_000 }, (_, i) => sampleTodo(i, USER, now)),
    );
    await insertAll(
      cloud,
      'todos',
      Array.from({ length: 90_000 }, (_, i) => sampleTodo(i, `o-bench-${i % 900}`, now)),
    );
  });
  report.figure('seed 100k todos through the store', await seed, 'ms');

  for (let i = 0; i < 10; i++) await list(cloud, { quadrant: 'q1' });
  const first: number[] = [];
  const deeper: number[] = [];
  for (let i = 0; i < 100; i++) {
    const quadrant = QUADRANT_KEYS[i % 4];
    let page: TodoListResult | undefined;
    first.push(await timed(async () => (page = await list(cloud, { quadrant }))));
    const cursor = page?.nextCursor;
    if (cursor) deeper.push(await timed(() => list(cloud, { quadrant, cursor })));
  }
  report.latencies('todo.list first page + counts (10k of 100k todos)', first);
  report.latencies('todo.list next page by cursor', deeper);
  const [firstP50, nextP50] = [first, deeper].map((samples) =>
    percentile(
      [...samples].sort((a, b) => a - b),
      50,
    ),
  );
  report.figure('todo.list cursor ratio: next / first page p50 (<= 1.5)', nextP50 / firstP50, 'x');
}

export interface RemindPassOptions {
  /** What the figures are called, e.g. `remind` or `remind, 1% malformed`. */
  label: string;
  /** Users' openids start with this, so two passes in one cloud never share a reminder. */
  prefix: string;
  /** Of the 2,000 due todos, this many in a hundred are documents the app did not write. */
  malformedPercent?: number;
}

/**
 * One `remind` pass over 2,000 due reminders (two overlapping runs, then more until none is due):
 * wall time, sends per second, duplicates (must be 0). With `malformedPercent`, that share of the
 * due todos are planted as a client or a console edit could have written them: every valid one
 * must still be sent once, and each bad one end `failed` with INVALID_DOCUMENT. Answers the wall time.
 */
export async function remindPass(cloud: LocalCloud, report: Reporter, options: RemindPassOptions): Promise<number> {
  const { label, prefix } = options;
  const now = Date.now();
  const due = new Date(now - 60_000);
  const users = 200;
  const reminders = 2000;
  const every = options.malformedPercent ? Math.round(100 / options.malformedPercent) : 0;
  const malformed = every ? reminders / every : 0;
  await insertAll(
    cloud,
    'todos',
    Array.from({ length: reminders }, (_, i) =>
      every && i % every === every - 1
        ? {
            _openid: `${prefix}${i % users}`,
            title: { evil: i },
            quadrant: 'zz',
            done: false,
            remindState: 'pending',
            remindNextAt: due,
          }
        : sampleTodo(i, `${prefix}${i % users}`, now, {
            done: false,
            dueAt: new Date(now + 3600_000),
            sortDue: new Date(now + 3600_000),
            remindAt: due,
            remindState: 'pending',
            remindNextAt: due,
          }),
    ),
  );
  await insertAll(
    cloud,
    'subscriptions',
    Array.from({ length: users }, (_, u) => ({
      _id: `${prefix}${u}:${TEMPLATE}`,
      _openid: `${prefix}${u}`,
      templateId: TEMPLATE,
      credits: reminders / users,
      acceptedAt: new Date(now),
      updatedAt: new Date(now),
    })),
  );

  // Counted as calls arrive: the outbox itself keeps only its latest 1000 entries.
  const pages = new Map<string, number>();
  const call = cloud.outbox.call.bind(cloud.outbox);
  cloud.outbox.call = (apiName, payload) => {
    if (apiName === 'subscribeMessage.send' && String(payload.touser).startsWith(prefix))
      pages.set(String(payload.page), (pages.get(String(payload.page)) ?? 0) + 1);
    return call(apiName, payload);
  };

  const summaries: RemindRunSummary[] = [];
  const runOnce = async (at = new Date(now)) => {
    const outcome = await cloud.timers.fire('remind', 'everyMinute', at);
    if (!outcome.ok) throw new Error(`remind failed: ${outcome.errMsg}`);
    const result = outcome.result as ApiResult<RemindRunSummary>;
    if (!result.ok) throw new Error(`remind failed: ${result.message}`);
    summaries.push(result.data);
  };
  // Warm two instances (at a time when nothing is due yet) so the measured runs overlap from their first second.
  const before = new Date(now - 10 * 60_000);
  await Promise.all([runOnce(before), runOnce(before)]);
  summaries.length = 0;

  const wall = await timed(async () => {
    // Two overlapping runs, as the timer gives when one run outlasts its minute; then more until done.
    await Promise.all([runOnce(), runOnce()]);
    while ((await cloud.store.count('todos', { remindState: 'pending' })) > 0) await runOnce();
  });
  cloud.outbox.call = call;
  const sends = [...pages.values()].reduce((a, b) => a + b, 0);
  const duplicates = [...pages.values()].filter((n) => n > 1).length;
  const invalid = summaries.reduce((sum, s) => sum + s.invalid, 0);
  report.figure(`${label}: due reminders`, reminders, 'todos');
  if (malformed) report.figure(`${label}: of them malformed`, malformed, 'todos');
  report.figure(`${label}: wall time (two overlapping runs)`, wall, 'ms');
  report.figure(`${label}: sends per second`, (sends / wall) * 1000, '/s');
  report.figure(`${label}: messages sent`, sends, 'sends');
  report.figure(`${label}: duplicate sends`, duplicates, 'todos');
  if (malformed) report.figure(`${label}: failed as INVALID_DOCUMENT`, invalid, 'todos');
  report.note(
    `runs: ${summaries.map((s) => `claimed ${s.claimed}, sent ${s.sent}, invalid ${s.invalid}, deferred ${s.deferred}`).join(' | ')}`,
  );
  if (duplicates > 0 || sends !== reminders - malformed || invalid !== malformed) {
    throw new Error(`expected ${reminders - malformed} sends, ${malformed} invalid and no duplicates`);
  }
  return wall;
}

/** A local cloud running the built functions, reminders sent with the bench's template. */
export async function startBenchCloud(options: Pick<LocalCloudOptions, 'schedule'> = {}): Promise<LocalCloud> {
  await buildFunctions(FUNCTIONS, '4.0.2');
  return startLocalCloud({
    port: 0,
    quiet: true,
    functionsDir: FUNCTIONS,
    databaseDir: DATABASE_DIR,
    functionEnv: { REMIND_TEMPLATE_ID: TEMPLATE },
    ...options,
  });
}

export async function run(report: Reporter): Promise<void> {
  const cloud = await startBenchCloud();
  try {
    await listLatency(cloud, report);
    await remindPass(cloud, report, { label: 'remind', prefix: 'o-remind-' });
  } finally {
    await cloud.close();
  }
}
