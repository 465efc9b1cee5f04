/**
 * Planner figures: quick add's time per phrase over the whole table (median and p99), the time to
 * find a repeating todo's next occurrence, and what the parser and rrule add to a cloud function
 * bundled as `npm run build` bundles one (esbuild, Node 20, not minified; minified beside it).
 */
import { build } from 'esbuild';
import { join } from 'node:path';
import { parseQuickAdd } from '../server/todo/parse';
import { nextOccurrence } from '../server/todo/repeat';
import { QUICK_ADD_CASES, QUICK_ADD_NOW } from '../test/helpers/quick-add-table';
import type { Reporter } from './report';

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

export async function run(report: Reporter): Promise<void> {
  parseTimes(report);
  nextTimes(report);
  await sizes(report);
}
