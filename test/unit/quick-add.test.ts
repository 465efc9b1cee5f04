import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { parseQuickAdd } from '../../server/todo/parse';
import { QUICK_ADD_CASES, QUICK_ADD_NOW } from '../helpers/quick-add-table';

const now = new Date(QUICK_ADD_NOW);
const ROOT = join(__dirname, '..', '..');

describe('quick add, at a fixed clock', () => {
  it.each(QUICK_ADD_CASES.map((c) => [c.zone ?? 'no zone', c.text, c] as const))('%s: %s', (_zone, text, expected) => {
    const { title, dueAt, repeat, remindAt } = parseQuickAdd(text, { now, zone: expected.zone });
    expect({ title, dueAt, repeat, remindAt }).toEqual({
      title: expected.title,
      dueAt: expected.dueAt,
      repeat: expected.repeat,
      remindAt: expected.remindAt,
    });
  });
});

describe('the words understood', () => {
  it('names each span, its kind and its words, for the chips', () => {
    const text = '每周一上午10点例会，提前10分钟提醒';
    const { spans } = parseQuickAdd(text, { now, zone: 'Asia/Shanghai' });
    expect(spans).toEqual([
      { kind: 'repeat', start: 0, end: 3, text: '每周一' },
      { kind: 'due', start: 3, end: 8, text: '上午10点' },
      { kind: 'remind', start: 11, end: 19, text: '提前10分钟提醒' },
    ]);
    for (const span of spans) expect(text.slice(span.start, span.end)).toBe(span.text);
  });

  it('reads full-width digits and keeps the spans on the text as typed', () => {
    const parsed = parseQuickAdd('明天下午３：３０开会', { now, zone: 'Asia/Shanghai' });
    expect(parsed).toMatchObject({ title: '开会', dueAt: '2026-12-08T07:30:00.000Z' });
    expect(parsed.spans.map((s) => s.text)).toEqual(['明天', '下午３：３０']);
  });

  it('leaves a removed chip unread, its words back in the title', () => {
    const text = '每天早上7点半跑步，提醒我';
    expect(parseQuickAdd(text, { now, zone: 'Asia/Shanghai', without: ['repeat'] })).toMatchObject({
      title: '每天跑步',
      dueAt: '2026-12-07T23:30:00.000Z',
      repeat: null,
      remindAt: '2026-12-07T23:30:00.000Z',
    });
    expect(parseQuickAdd(text, { now, zone: 'Asia/Shanghai', without: ['due'] })).toMatchObject({
      title: '早上7点半跑步',
      dueAt: '2026-12-08T01:00:00.000Z',
      repeat: 'FREQ=DAILY',
    });
    expect(parseQuickAdd(text, { now, zone: 'Asia/Shanghai', without: ['remind'] })).toMatchObject({
      title: '跑步，提醒我',
      remindAt: null,
    });
  });

  it('drops a reminder that would already be past', () => {
    expect(parseQuickAdd('半小时后开会，提前1小时提醒', { now, zone: 'Asia/Shanghai' })).toMatchObject({
      title: '开会',
      dueAt: '2026-12-07T02:30:00.000Z',
      remindAt: null,
    });
  });
});

describe("independence from the process's own zone", () => {
  const run = (tz: string) =>
    JSON.parse(
      execFileSync(join(ROOT, 'node_modules/.bin/tsx'), ['test/helpers/quick-add-print.ts'], {
        cwd: ROOT,
        env: { ...process.env, TZ: tz },
        encoding: 'utf8',
      }),
    ) as { zone: string; results: unknown[]; repeats: unknown[] };

  it('gives the same answers with TZ=UTC, TZ=America/Los_Angeles and TZ=Asia/Shanghai', () => {
    const runs = ['UTC', 'America/Los_Angeles', 'Asia/Shanghai'].map(run);
    expect(runs.map((r) => r.zone)).toEqual(['UTC', 'America/Los_Angeles', 'Asia/Shanghai']);
    const here = QUICK_ADD_CASES.map(({ text, zone }) => parseQuickAdd(text, { now, zone }));
    for (const other of runs) {
      expect(other.results).toEqual(JSON.parse(JSON.stringify(here)));
      expect(other.repeats).toEqual(runs[0].repeats);
    }
    expect(runs[0].repeats).toEqual([
      expect.objectContaining({ dueAt: '2027-03-14T16:00:00.000Z' }),
      expect.objectContaining({ dueAt: '2027-03-14T10:30:00.000Z' }),
      expect.objectContaining({ dueAt: '2026-12-25T01:00:00.000Z', rule: 'FREQ=WEEKLY;INTERVAL=2;BYDAY=FR;COUNT=2' }),
      expect.objectContaining({ dueAt: '2027-02-28T23:30:00.000Z' }),
    ]);
  }, 60_000);
});
