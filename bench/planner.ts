/**
 * Planner figures: quick add's time per phrase over the whole table (median and p99), the time to
 * find a repeating todo's next occurrence, and what the parser and rrule add to a cloud function
 * bundled as `npm run build` bundles one (esbuild, Node 20, not minified; minified beside it).
 * Through the local cloud: `todo.summary` over 1,000 open todos, `todo.complete` of a repeating
 * todo, and completes racing four at a time (next occurrences made twice: must be 0).
 */
import { build } from 'esbuild';
import { join } from 'node:path';
import { parseQuickAdd } from '../server/todo/parse';
import { nextOccurrence } from '../server/todo/repeat';
import { QUICK_ADD_CASES, QUICK_ADD_NOW } from '../test/helpers/quick-add-table';
import type { LocalCloud } from 'cloudbase-local';
import { sampleTodo } from '../test/helpers/todos';
import type { ApiResult } from '../typings/contract';
import type { Todo } from '../typings/todo';
import { timed, type Reporter } from './report';
import { startBenchCloud } from './todos';

const ROOT = join(__dirname, '..');
const ROUNDS = 200;

function sample(work: () => unknown): number {
  const start = process.hrtime.bigint();
  work();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

function parseTimes(report: Reporter): void {
  const now = new Date(QUICK_ADD_NOW);
  const parse = ({ text, zone }: (typeof QUICK_ADD_CASES)[number]) => parseQuickAdd(text, { now, zone });
  for (let i = 0; i < 20; i++) QUICK_ADD_CASES.forEach(parse);
  const samples: number[] = [];
  for (let round = 0; round < ROUNDS; round++) for (const c of QUICK_ADD_CASES) samples.push(sample(() => parse(c)));
  report.latencies(`quick add: one phrase (${QUICK_ADD_CASES.length} phrases x ${ROUNDS})`, samples);
  const repeats = QUICK_ADD_CASES.filter((c) => c.repeat !== null);
  const repeating: number[] = [];
  for (let round = 0; round < ROUNDS; round++) for (const c of repeats) repeating.push(sample(() => parse(c)));
  report.latencies(`quick add: one phrase with a repeat (${repeats.length} phrases)`, repeating);
}

function nextTimes(report: Reporter): void {
  const inputs = [
    { rule: 'FREQ=DAILY', dueAt: new Date('2027-03-13T09:00:00-08:00'), zone: 'America/Los_Angeles' },
    {
      rule: 'FREQ=WEEKLY;INTERVAL=2;BYDAY=FR;COUNT=10',
      dueAt: new Date('2026-12-11T09:00:00+08:00'),
      zone: 'Asia/Shanghai',
    },
    { rule: 'FREQ=MONTHLY;BYMONTHDAY=31', dueAt: new Date('2027-01-31T09:00:00+08:00'), zone: 'Asia/Shanghai' },
    { rule: 'FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29', dueAt: new Date('2028-02-29T09:00:00+08:00'), zone: 'UTC' },
  ];
  for (let i = 0; i < 200; i++) inputs.forEach((input) => nextOccurrence(input));
  const samples: number[] = [];
  for (let round = 0; round < 1000; round++)
    for (const input of inputs) samples.push(sample(() => nextOccurrence(input)));
  report.latencies('repeat: next occurrence (daily, 2-weekly, 31st, 29 Feb)', samples);
}

async function bundled(contents: string, minify: boolean) {
  const result = await build({
    stdin: { contents, resolveDir: ROOT, loader: 'ts', sourcefile: 'entry.ts' },
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    minify,
    legalComments: 'none',
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const output = Object.values(result.metafile.outputs)[0];
  const rrule = Object.entries(output.inputs)
    .filter(([path]) => path.includes('node_modules/'))
    .reduce((sum, [, input]) => sum + input.bytesInOutput, 0);
  return { total: result.outputFiles[0].contents.byteLength, libraries: rrule };
}

async function sizes(report: Reporter): Promise<void> {
  const empty = await bundled('export {};', false);
  const entry =
    "export { parseQuickAdd } from './server/todo/parse'; export { nextOccurrence } from './server/todo/repeat';";
  for (const minify of [false, true]) {
    const both = await bundled(entry, minify);
    const label = minify ? 'minified' : 'as built';
    report.figure(`bundle: parser + repeat + rrule, ${label}`, (both.total - (minify ? 0 : empty.total)) / 1024, 'KB');
    report.figure(`bundle: of which rrule and tslib, ${label}`, both.libraries / 1024, 'KB');
  }
}

async function todoCall<T>(cloud: LocalCloud, openid: string, event: object): Promise<T> {
  const response = await fetch(`${cloud.url}/functions/todo`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-wx-openid': openid, 'x-wx-appid': 'wx-bench' },
    body: JSON.stringify(event),
  });
  const body = (await response.json()) as { result?: ApiResult<T> };
  if (!body.result?.ok) throw new Error(`todo failed: ${JSON.stringify(body)}`);
  return body.result.data;
}

async function cloudFigures(cloud: LocalCloud, report: Reporter): Promise<void> {
  const now = Date.now();
  const matrixUser = 'o-bench-matrix';
  const open = Array.from({ length: 1000 }, (_, i) => sampleTodo(i, matrixUser, now, { done: false }));
  await cloud.store.insert('todos', open);
  const summaries: number[] = [];
  for (let i = 0; i < 35; i++) {
    const ms = await timed(() => todoCall(cloud, matrixUser, { action: 'summary' }));
    if (i >= 5) summaries.push(ms);
  }
  report.latencies('todo.summary over 1,000 open todos', summaries);

  const repeating = (openid: string) =>
    todoCall<{ todo: Todo }>(cloud, openid, {
      action: 'create',
      title: 'weekly',
      quadrant: 'q2',
      dueAt: new Date(now + 24 * 3600_000).toISOString(),
      repeat: 'FREQ=WEEKLY',
      steps: ['a', 'b'],
    });
  const completes: number[] = [];
  for (let i = 0; i < 40; i++) {
    const { todo } = await repeating('o-bench-complete');
    completes.push(await timed(() => todoCall(cloud, 'o-bench-complete', { action: 'complete', id: todo.id })));
  }
  report.latencies('todo.complete of a repeating todo (makes the next)', completes.slice(5));

  const ROUNDS = 50;
  for (let i = 0; i < ROUNDS; i++) {
    const openid = `o-bench-race-${i}`;
    const { todo } = await repeating(openid);
    await Promise.all(Array.from({ length: 4 }, () => todoCall(cloud, openid, { action: 'complete', id: todo.id })));
  }
  const made = await cloud.store.count('todos', {
    title: 'weekly',
    done: false,
    _openid: { $regex: '^o-bench-race-' },
  });
  report.figure(`completes racing 4 at a time: next occurrences for ${ROUNDS} todos`, made, 'todos');
  report.figure('completes racing 4 at a time: next occurrences made twice', made - ROUNDS, 'todos');
}

export async function run(report: Reporter): Promise<void> {
  parseTimes(report);
  nextTimes(report);
  await sizes(report);
  const cloud = await startBenchCloud();
  try {
    await cloudFigures(cloud, report);
  } finally {
    await cloud.close();
  }
}
